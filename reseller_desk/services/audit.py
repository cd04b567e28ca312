"""The audit log: every change made through a service is written here in the same
transaction as the change itself, so a change without its record cannot exist."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry, StaffUser
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role

#: The longest summary kept; a longer one is cut and ends in "…", so the cut shows.
SUMMARY_LIMIT = 200


def clipped_summary(summary: str) -> str:
    return summary if len(summary) <= SUMMARY_LIMIT else summary[:SUMMARY_LIMIT - 1] + "…"


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return value


def _dump(value: Any) -> str | None:
    value = _jsonable(value)
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: int | None,
           *, before: Any = None, after: Any = None, summary: str = "",
           customer_id: int | None = None, application_id: int | None = None) -> None:
    """Write who (actor), when (now, UTC), what (action on entity/entity_id) and the values
    before and after. ``customer_id``/``application_id`` say what it concerns, for filtering;
    a change to a customer concerns that customer."""
    confirm_actor(session, actor)
    if entity == "customer" and customer_id is None:
        customer_id = entity_id
    if entity == "application" and application_id is None:
        application_id = entity_id
    session.add(AuditEntry(user_id=actor.user_id, action=action, entity=entity, entity_id=entity_id,
                           summary=clipped_summary(summary), before=_dump(before), after=_dump(after),
                           customer_id=customer_id, application_id=application_id))


def record_log_in(session: Session, user_id: int | None, action: str, *, summary: str,
                  after: Any = None) -> None:
    """A log-in or a failed attempt: written without an Actor (nobody is logged in yet, and
    a failure has nobody to confirm). ``user_id`` is the account the typed login ID names, None
    when it names none; the typed text itself is never kept."""
    session.add(AuditEntry(user_id=user_id, action=action, entity="staff", entity_id=user_id,
                           summary=clipped_summary(summary), after=_dump(after)))


@dataclass(frozen=True)
class LastChange:
    """Who made the latest audited change of a record, and when (naive UTC, as stored)."""

    by: str
    at: dt.datetime


#: Audit records of a staff account that are no change of it (the log-in's own bookkeeping).
LOG_IN_ACTIONS = ("staff.login", "staff.login_failed")


def last_change(session: Session, *, entity: str | None = None, entity_id: int | None = None,
                application_id: int | None = None) -> LastChange | None:
    """The latest audit record of one record inside the caller's transaction: of ``entity``
    (``entity_id`` None for a record that is a whole list, like the transfer accounts), or of
    everything concerning ``application_id`` (its checklist lines and notices included). A
    log-in is no change of the account. None when the log has none."""
    query = (select(AuditEntry.at, StaffUser.display_name).outerjoin(StaffUser, StaffUser.id == AuditEntry.user_id)
             .order_by(AuditEntry.id.desc()).limit(1))
    if application_id is not None:
        query = query.where(AuditEntry.application_id == application_id)
    else:
        query = query.where(AuditEntry.entity == entity, AuditEntry.action.not_in(LOG_IN_ACTIONS))
        query = query.where(AuditEntry.entity_id.is_(None) if entity_id is None else AuditEntry.entity_id == entity_id)
    found = session.execute(query).first()
    return LastChange(found.display_name or "", found.at) if found is not None else None


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    user_name: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    before: dict[str, Any] | list[Any] | None
    after: dict[str, Any] | list[Any] | None
    customer_id: int | None = None
    application_id: int | None = None


def _utc_start_of(day: dt.date) -> dt.datetime:
    """The first moment of a Japanese calendar day, as the naive UTC the log stores."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.JST)
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def list_audit(db: Database, actor: Actor, *, entity: str | None = None, entity_id: int | None = None,
               customer_id: int | None = None, application_id: int | None = None, user_id: int | None = None,
               date_from: dt.date | None = None, date_to: dt.date | None = None,
               limit: int = 500, offset: int = 0) -> list[AuditRecord]:
    """Newest first. Only a manager may read the audit log. ``customer_id`` finds every change
    concerning that customer (its record, its applications, contracts and notices);
    ``user_id`` the changes one staff member made; ``date_from``/``date_to`` (both included)
    are days in Japan time, like the times shown. ``offset`` skips that many of the newest, to
    read the log a page of ``limit`` at a time."""
    require_role(actor, Role.MANAGER, action="操作履歴の閲覧")
    with db.transaction() as session:
        confirm_actor(session, actor)
        query = (select(AuditEntry, StaffUser.display_name)
                 .outerjoin(StaffUser, StaffUser.id == AuditEntry.user_id)
                 .order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
        if user_id is not None:
            query = query.where(AuditEntry.user_id == user_id)
        if date_from is not None:
            query = query.where(AuditEntry.at >= _utc_start_of(date_from))
        if date_to is not None:
            query = query.where(AuditEntry.at < _utc_start_of(date_to + dt.timedelta(days=1)))
        if entity is not None:
            query = query.where(AuditEntry.entity == entity)
        if entity_id is not None:
            query = query.where(AuditEntry.entity_id == entity_id)
        if customer_id is not None:
            query = query.where(AuditEntry.customer_id == customer_id)
        if application_id is not None:
            query = query.where(AuditEntry.application_id == application_id)
        return [
            AuditRecord(e.at, name or "", e.action, e.entity, e.entity_id, e.summary,
                        json.loads(e.before) if e.before else None, json.loads(e.after) if e.after else None,
                        e.customer_id, e.application_id)
            for e, name in session.execute(query)
        ]

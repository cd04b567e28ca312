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

from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry, StaffUser
from reseller_desk.services.permissions import Actor, Role, require_role


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if dataclasses.is_dataclass(value):
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
    if entity == "customer" and customer_id is None:
        customer_id = entity_id
    if entity == "application" and application_id is None:
        application_id = entity_id
    session.add(AuditEntry(user_id=actor.user_id, action=action, entity=entity, entity_id=entity_id,
                           summary=summary[:200], before=_dump(before), after=_dump(after),
                           customer_id=customer_id, application_id=application_id))


@dataclass(frozen=True)
class AuditRecord:
    at: dt.datetime
    user_name: str
    action: str
    entity: str
    entity_id: int | None
    summary: str
    before: dict | list | None
    after: dict | list | None
    customer_id: int | None = None
    application_id: int | None = None


def list_audit(db: Database, actor: Actor, *, entity: str | None = None, entity_id: int | None = None,
               customer_id: int | None = None, application_id: int | None = None,
               limit: int = 500) -> list[AuditRecord]:
    """Newest first. Only a manager may read the audit log. ``customer_id`` finds every change
    concerning that customer (its record, its applications, contracts and notices)."""
    require_role(actor, Role.MANAGER, action="操作履歴の閲覧")
    with db.transaction() as session:
        query = (select(AuditEntry, StaffUser.display_name)
                 .outerjoin(StaffUser, StaffUser.id == AuditEntry.user_id)
                 .order_by(AuditEntry.id.desc()).limit(limit))
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

"""Stale edits: the check of the row version a screen showed, and the refusal that names who
changed the record since.

Every record the office edits in place carries a ``row_version`` (db.models.version_counter).
A screen keeps the version of what it shows and every update service takes it back as the
required keyword ``expected_version``; when the row has moved on, the service raises
:class:`~reseller_desk.services.errors.ConcurrentEdit` inside its transaction, before writing
anything, with the latest audit record of that record (who, when) read in the same
transaction. A version that is no whole number matches no row. SQLAlchemy's own check at the
UPDATE (StaleDataError: the row changed between the read and the write) is refused the same
way by :func:`refusing_lost_updates`, without a name: that transaction is already gone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from reseller_desk.domain.bounds import whole_number
from reseller_desk.services import audit
from reseller_desk.services.errors import ConcurrentEdit


@dataclass(frozen=True)
class Versioned:
    """What a stale edit of one kind of record says and where its audit records are:
    ``what`` is the message's subject (「この顧客」), ``entity`` the audit log's name of it;
    ``by_application``: everything audited with the record's id as ``application_id`` (an
    application's checklist lines and notices change it too)."""

    what: str
    entity: str
    by_application: bool = False


CUSTOMER = Versioned("この顧客", "customer")
APPLICATION = Versioned("この申込", "application", by_application=True)
COMPANY = Versioned("会社情報", "company")
BANK_ACCOUNTS = Versioned("振込先口座", "bank_accounts")
PLAN = Versioned("このプラン", "plan")
OPTION = Versioned("このオプション", "option")
STAFF = Versioned("この担当者", "staff")
CONTRACT = Versioned("この契約", "contract")


def matches(current: int, expected: object) -> bool:
    """Whether the version a screen showed is the row's: a bool, a fraction, a string or None
    is no version and matches none."""
    version = whole_number(expected)
    return version is not None and version == current


def stale(session: Session, kind: Versioned, record_id: int | None) -> ConcurrentEdit:
    """The refusal of a stale edit of record ``record_id`` (None: a record that is a whole
    list), naming the latest audited change of it."""
    if kind.by_application:
        change = audit.last_change(session, application_id=record_id)
    else:
        change = audit.last_change(session, entity=kind.entity, entity_id=record_id)
    if change is None:
        return ConcurrentEdit(what=kind.what)
    return ConcurrentEdit(what=kind.what, changed_by=change.by, changed_at=change.at)


def check(session: Session, kind: Versioned, record_id: int | None, current: int, expected: object) -> None:
    """Refuse (ConcurrentEdit, naming who changed it) unless the screen showed ``current``."""
    if not matches(current, expected):
        raise stale(session, kind, record_id)


@contextmanager
def refusing_lost_updates(kind: Versioned) -> Iterator[None]:
    """Around a service's transaction: SQLAlchemy's check at the UPDATE (the row changed after
    it was read) is a ConcurrentEdit too, and nothing was saved."""
    try:
        yield
    except StaleDataError as error:
        raise ConcurrentEdit(what=kind.what) from error

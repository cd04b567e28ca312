"""What every use case that changes an application does around its own work: one transaction
in which a lost race is a ConcurrentEdit, the check of the version the screen was showing,
the check that the application is still open, and who changed it last.

Applications carry a ``row_version`` (optimistic locking, services.versions): every change
takes the version its screen showed, and one whose screen showed an older version — the
application was edited, screened or decided since — is refused naming who changed it and
when, and nothing is written; so is one whose UPDATE finds that another save of the same
application committed after it was read (SQLAlchemy's StaleDataError).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, utcnow
from reseller_desk.domain import application
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.services import records, versions
from reseller_desk.services.errors import NotFound, ServiceError
from reseller_desk.services.permissions import Actor, confirm_actor


@contextmanager
def changing(db: Database, actor: Actor) -> Iterator[Session]:
    """``db.transaction()`` with ``actor`` confirmed against the staff row before anything is
    read or written (an unknown or deactivated actor is refused before a row names them), and
    a lost race turned into :class:`~reseller_desk.services.errors.ConcurrentEdit`."""
    with versions.refusing_lost_updates(versions.APPLICATION), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        yield session


def load_for_change(session: Session, application_id: int, expected_version: int) -> Application:
    """The application, refused as a ConcurrentEdit naming who changed it last when the screen
    that asks for the change was showing another version of it. An id that cannot name a row
    is NotFound."""
    if not is_record_id(application_id):
        raise NotFound("指定された申込は見つかりません。")
    app = records.load(session, application_id)
    versions.check(session, versions.APPLICATION, app.id, app.row_version, expected_version)
    return app


def require_open(app: Application, action: str) -> None:
    """Editing, screening, withdrawing and deciding happen only before the decision."""
    problem = application.not_open_problem(app.number, app.status, action)
    if problem:
        raise ServiceError(problem)


def touch(app: Application, actor: Actor) -> None:
    app.updated_at, app.updated_by_id = utcnow(), actor.user_id

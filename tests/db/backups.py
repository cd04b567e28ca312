"""What the backup tests compare: every table's row count and the whole audit log, row by row;
and a database at an older or a newer schema to back up."""

from __future__ import annotations

from alembic import command
from sqlalchemy import func, select, text

from reseller_desk.db.database import Database
from reseller_desk.db.migrate import alembic_config
from reseller_desk.db.models import AuditEntry, Base, StaffUser
from reseller_desk.services.auth import actor_of
from reseller_desk.services.permissions import Actor

#: A revision no version of Reseller Desk has shipped (yet).
FUTURE_REVISION = "0099_from_the_future"
OLDER_REVISION = "0004_issued_notice_pdfs"


def table_counts(db: Database) -> dict[str, int]:
    with db.transaction() as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def audit_log(db: Database) -> list[tuple]:
    """Every audit record with every column, oldest first."""
    columns = list(AuditEntry.__table__.columns)
    with db.transaction() as session:
        return [tuple(row) for row in session.execute(select(*columns).order_by(AuditEntry.id))]


def staff_actor(db: Database, login: str) -> Actor:
    with db.transaction() as session:
        return actor_of(session.scalars(select(StaffUser).where(StaffUser.login == login)).one())


def set_revision(db: Database, revision: str) -> None:
    """Stamp the database with another revision, straight into alembic_version (a forged
    database from a newer version, for the tests that must refuse it)."""
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :revision"), {"revision": revision})


def older_database(target: str) -> Database:
    """A new database at OLDER_REVISION, as an earlier version of the app left it."""
    db = Database.open(target, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), OLDER_REVISION)
    return db


def assert_empty(target: str) -> None:
    """Nothing was restored into ``target``: no file at all (SQLite), no table (PostgreSQL)."""
    from sqlalchemy.engine import make_url

    from reseller_desk.db.backup import ensure_empty
    from reseller_desk.db.database import to_url
    from reseller_desk.db.sqlite_file import sqlite_file

    url = make_url(to_url(target))
    file = sqlite_file(url)
    assert file is None or not file.path.exists()
    ensure_empty(url)  # raises TargetNotEmpty otherwise

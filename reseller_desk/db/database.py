"""Opening a database: a file path or any SQLAlchemy URL, brought to the current schema.

``Database.open`` upgrades an older database with Alembic and refuses, writing nothing, one
that a newer Reseller Desk has migrated past what this version knows. SQLite is opened with
foreign keys on, WAL journaling and a busy timeout, so that a second process (the CLI while the
window is open) waits instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from reseller_desk.db.revisions import head_revision, known_revisions

SQLITE_BUSY_TIMEOUT_MS = 10_000


class DatabaseError(Exception):
    """A database that cannot be opened; the message is for the user, in Japanese."""


class DatabaseTooNew(DatabaseError):
    pass


def default_db_path() -> Path:
    """The embedded database in the user's data folder (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("reseller-desk", appauthor=False) / "reseller-desk.sqlite3"


def to_url(target: str | Path | None) -> str:
    """A SQLAlchemy URL from a URL, a file path, or None (the default embedded database)."""
    if target is None:
        target = default_db_path()
    if isinstance(target, Path) or "://" not in str(target):
        path = Path(target).expanduser().resolve()
        return f"sqlite:///{path}"
    return str(target)


def _enable_sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys, WAL, busy timeout; and real transactions: Python's sqlite3 driver only
    begins a transaction before INSERT/UPDATE/DELETE and commits around DDL, so a failed
    migration would be left half-done. As SQLAlchemy's SQLite documentation recommends
    (Serializable isolation / Savepoints / Transactional DDL), the driver's own handling is
    switched off and SQLAlchemy emits BEGIN itself."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:  # pragma: no cover - driver callback
        conn.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # pragma: no cover - driver callback
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def first_column(conn: Connection, statement: Select[Any]) -> list[Any]:
    """The first column of every row of ``statement``, read straight from the DBAPI cursor.

    For the customer list's 100,000 ids this takes about half the time of building SQLAlchemy
    Row objects (36 against 66 ms here). The statement is compiled for the connection's
    dialect, so bound values (escaped LIKE patterns included) travel as the driver expects,
    positional or named."""
    compiled = statement.compile(dialect=conn.dialect)
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


class Database:
    """One database the app works on: an engine and the sessions services open on it."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, target: str | Path | None = None, *, upgrade: bool = True) -> Database:
        url = to_url(target)
        parsed = make_url(url)
        is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {}
        if is_sqlite:
            database = parsed.database or ""
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Services run off the UI thread; each one opens its own session and connection.
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        engine = create_engine(url, **kwargs)
        if is_sqlite:
            _enable_sqlite_pragmas(engine)
        db = cls(url, engine)
        if upgrade:
            try:
                db.ensure_schema()
            except Exception:
                engine.dispose()
                raise
        return db

    # -- schema -------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def ensure_schema(self) -> None:
        """Bring the database to this version's schema, or refuse one that is newer."""
        current = self.current_revision()
        head = head_revision()
        if current == head:
            return
        if current is not None and current not in known_revisions():
            raise DatabaseTooNew(
                "このデータベースは新しいバージョンの Reseller Desk で更新されています"
                f"（スキーマ {current}）。アプリを最新版に更新してから開いてください。"
                "データベースには何も書き込んでいません。"
            )
        from reseller_desk.db.migrate import upgrade_to_head

        upgrade_to_head(self.engine)

    # -- sessions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls everything back when
        it raises. Services open exactly one of these per use case."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

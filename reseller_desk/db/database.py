"""Opening a database: a file path or any SQLAlchemy URL, checked, then brought to the schema.

``Database.open`` looks before it writes. It reads what the database is — ours or another
program's, which schema revision — without writing (``sqlite_file.look``: a read-only or
immutable connection), and refuses, writing nothing, a database that is not ours or that a
newer Reseller Desk has migrated. Only then, and only where the caller may write, it turns on
WAL journaling, upgrades an older schema with Alembic and sets our ``PRAGMA application_id``.
It creates a database only when asked (``create=True``: the window's first start, ``migrate``
and ``demo``); read commands open with ``readonly=True``.

SQLite is opened with foreign keys on and a busy timeout; a migration, and a transaction begun
with ``write=True``, take SQLite's write lock when they begin (``BEGIN IMMEDIATE``), so that a
second process waits for the first instead of failing with "database is locked". Every engine
hides bound parameters from its error messages (``hide_parameters=True``): the log and the CLI
never see customer data or password hashes. See docs/decisions.md, "Opening a database".
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, create_engine, event, exc, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from reseller_desk.db import sqlite_file
from reseller_desk.db.errors import (
    DatabaseError,
    DatabaseNeedsMigration,
    DatabaseNotFound,
    DatabaseTooNew,
    DatabaseUnreadable,
    NotOurDatabase,
    connect_message,
    user_message,
)
from reseller_desk.db.revisions import head_revision, known_revisions
from reseller_desk.db.sqlite_file import APPLICATION_ID, MARKER_TABLES, SqliteFile

__all__ = ["APPLICATION_ID", "Database", "DatabaseError", "DatabaseNeedsMigration", "DatabaseNotFound",
           "DatabaseTooNew", "DatabaseUnreadable", "NotOurDatabase", "default_db_path", "first_column", "to_url"]

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: How long a PostgreSQL statement waits for a lock (the write lock included) before it fails
#: with lock_not_available, which the services retry (``services.retry``): SQLite's busy timeout.
POSTGRES_LOCK_TIMEOUT_MS = SQLITE_BUSY_TIMEOUT_MS
#: Execution option: the transactions of a connection that has it take the database's write
#: lock when they begin (SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock below).
WRITE_LOCK = "reseller_desk_write_lock"
#: The key of the transaction-level advisory lock that is PostgreSQL's write lock: "RDsk".
POSTGRES_WRITE_LOCK_KEY = 0x5244736B


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


def shown_url(url: str) -> str:
    """``url`` as it may be printed or logged: a file path as itself, a password as ***."""
    try:
        parsed = make_url(url)
        file = sqlite_file.sqlite_file(parsed)
    except (exc.ArgumentError, DatabaseError):
        return "（解釈できないURL）"
    return file.shown if file is not None else parsed.render_as_string(hide_password=True)


class _Schema(Enum):
    NEW = "new"  # no file, an empty file, or a database without tables
    HEAD = "head"
    OLDER = "older"


def _schema_of(where: str, application_id: int | None, tables: frozenset[str], revision: str | None) -> _Schema:
    """Whether a database is ours, and at which revision; raises for one that is not ours or
    is too new. ``application_id`` is None where the backend has none (PostgreSQL)."""
    if not tables:
        return _Schema.NEW
    ours = application_id == APPLICATION_ID or (not application_id and tables >= MARKER_TABLES)
    if not ours:
        raise NotOurDatabase(f"{where} は別のアプリケーションのデータベースです。Reseller Desk では開けません"
                             "（何も書き込んでいません）。")
    if revision is None:
        raise DatabaseUnreadable(f"{where} には Reseller Desk のスキーマ版の記録がありません。"
                                 "バックアップから戻してください（何も書き込んでいません）。")
    if revision == head_revision():
        return _Schema.HEAD
    if revision in known_revisions():
        return _Schema.OLDER
    raise _too_new(revision)


def _too_new(revision: str) -> DatabaseTooNew:
    return DatabaseTooNew(
        "このデータベースは新しいバージョンの Reseller Desk で更新されています"
        f"（スキーマ {revision}）。アプリを最新版に更新してから開いてください。"
        "データベースには何も書き込んでいません。"
    )


def _refuse_new(where: str, file_exists: bool) -> DatabaseError:
    if file_exists:
        return DatabaseNotFound(f"{where} は空で、まだデータベースが作られていません。"
                                "作成するには reseller-desk migrate を実行してください。")
    return DatabaseNotFound(f"データベースが見つかりません: {where}。パスを確かめてください"
                            "（新しく作るには reseller-desk migrate）。")


def _needs_migration(revision: str | None) -> DatabaseNeedsMigration:
    return DatabaseNeedsMigration(f"このデータベースのスキーマ（{revision}）は古い版です。reseller-desk migrate "
                                  "を実行してください（画面で開いても更新されます）。データベースには何も書き込んでいません。")


def _read_only_refusal(where: str, new: bool) -> DatabaseError:
    what = "作成" if new else "新しいスキーマに更新"
    return DatabaseUnreadable(f"データベースが読み取り専用のため、{what}できません: {where}。"
                              "書き込みできる場所に置いてから開いてください。")


def _engine(url: str | URL, *, sqlite: bool, query_only: bool = False) -> Engine:
    """``create_engine`` for every database of the app: bound parameters never appear in an
    error message (M1). Unknown drivers and missing driver modules become a DatabaseError."""
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if sqlite:
        # Services run off the UI thread; each one opens its own session and connection.
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif _backend(url) == "postgresql":
        # A server connection may have dropped while the window sat idle: test it before use.
        kwargs["connect_args"] = _postgres_connect_args()
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **kwargs)
    except exc.NoSuchModuleError as error:
        name = make_url(url).drivername
        raise DatabaseError(f"データベースの種類「{name}」には対応していません。SQLite のファイルパスか "
                            "postgresql+psycopg://… の形で指定してください。") from error
    except ImportError as error:
        hint = "（pip install 'reseller-desk[postgres]'）" if _backend(url) == "postgresql" else ""
        raise DatabaseError(f"データベースのドライバ（{error.name or error}）が"
                            f"インストールされていません{hint}。") from error
    except exc.ArgumentError as error:
        raise DatabaseError("データベースの指定（パスまたはURL）が正しくありません。") from error
    if sqlite:
        _enable_sqlite_pragmas(engine, query_only=query_only)
    elif engine.dialect.name == "postgresql":
        _enable_postgres_write_lock(engine)
    return engine


def _backend(url: str | URL) -> str | None:
    try:
        return make_url(url).get_backend_name()
    except exc.ArgumentError:
        return None  # create_engine words the refusal


def _postgres_connect_args() -> dict[str, Any]:
    """Every PostgreSQL session waits at most POSTGRES_LOCK_TIMEOUT_MS for a lock, and the
    server ends a session left idle inside a transaction (a desk that lost its network)."""
    return {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS} "
                       "-c idle_in_transaction_session_timeout=600000"}


def _enable_postgres_write_lock(engine: Engine) -> None:
    """PostgreSQL's counterpart of BEGIN IMMEDIATE: a transaction begun with the WRITE_LOCK
    option first takes one transaction-level advisory lock, held until it commits or rolls
    back. Writers therefore follow each other as they do on SQLite, and every service reads,
    after the lock, what the previous writer committed (READ COMMITTED); readers never wait.
    One lock for the whole database is enough for an office of a few desks and keeps the
    services engine-free (docs/decisions.md, "Several clerks at once")."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:  # pragma: no cover - driver callback
        if conn.get_execution_options().get(WRITE_LOCK):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_WRITE_LOCK_KEY})")


def _enable_sqlite_pragmas(engine: Engine, *, query_only: bool) -> None:
    """Foreign keys, busy timeout; and real transactions: Python's sqlite3 driver only
    begins a transaction before INSERT/UPDATE/DELETE and commits around DDL, so a failed
    migration would be left half-done. As SQLAlchemy's SQLite documentation recommends
    (Serializable isolation / Savepoints / Transactional DDL), the driver's own handling is
    switched off and SQLAlchemy emits BEGIN itself — BEGIN IMMEDIATE on a connection with the
    WRITE_LOCK option. The journal mode is not set here: it is written to the file, so it is set
    once, when the database may be written (``Database.ensure_schema``)."""

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:  # pragma: no cover - driver callback
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_LOCK) else "BEGIN")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:  # pragma: no cover - driver callback
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous = NORMAL")
        if query_only:
            cursor.execute("PRAGMA query_only = ON")
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
    """One database the app works on: an engine and the sessions services open on it.

    ``read_only`` says that nothing can be written (opened with ``readonly=True``, or a file or
    folder without write permission, or ``?mode=ro``): a write then fails with SQLite's
    "attempt to write a readonly database", which ``errors.user_message`` words in Japanese.
    ``created`` says that this open found no database and made a new one."""

    def __init__(self, url: str, engine: Engine, *, read_only: bool = False, created: bool = False) -> None:
        self.url = url
        self.engine = engine
        self.read_only = read_only
        self.created = created
        self._locking_engine = engine.execution_options(**{WRITE_LOCK: True})
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @property
    def shown_url(self) -> str:
        """The URL for printing: the file path, or the URL with its password hidden."""
        return shown_url(self.url)

    @classmethod
    def open(cls, target: str | Path | None = None, *, create: bool = False, upgrade: bool = True,
             readonly: bool = False) -> Database:
        """Open ``target`` (a path, a URL, None for the default database).

        ``create``: a missing or empty database is created (folders 0700, file 0600), else
        refused naming the path. ``upgrade``: an older schema is upgraded; with False the schema
        is left as found (tools and tests that migrate themselves). ``readonly``: nothing is
        ever written, and a database not at this version's schema is refused (run migrate).
        A database that is not ours or is too new is refused in every case, unwritten."""
        if readonly and create:
            raise ValueError("readonly and create exclude each other")
        url = to_url(target)
        try:
            parsed = make_url(url)
        except exc.ArgumentError as error:
            raise DatabaseError("データベースの指定（パスまたはURL）が正しくありません。") from error
        file = sqlite_file.sqlite_file(parsed)
        if file is not None:
            return cls._open_file(url, file, create=create, upgrade=upgrade, readonly=readonly)
        return cls._open_server(url, parsed, create=create, upgrade=upgrade, readonly=readonly)

    @classmethod
    def _open_file(cls, url: str, file: SqliteFile, *, create: bool, upgrade: bool, readonly: bool) -> Database:
        found = sqlite_file.look(file)
        schema = _Schema.NEW if found is None or found.empty else _schema_of(
            file.shown, found.application_id, found.tables, found.revision)
        if schema is _Schema.NEW and not create:
            raise _refuse_new(file.shown, found is not None)
        if schema is _Schema.OLDER and readonly:
            raise _needs_migration(found.revision if found else None)
        if found is None:
            if file.read_only_on_purpose:
                raise _read_only_refusal(file.shown, new=True)
            sqlite_file.create_new(file)
        read_only = readonly or not file.writable()
        if read_only and not readonly and upgrade and schema is not _Schema.HEAD:
            raise _read_only_refusal(file.shown, schema is _Schema.NEW)
        if read_only:
            engine = _engine(sqlite_file.engine_url(file, sqlite_file.read_mode(file)), sqlite=True,
                             query_only=True)
        else:
            engine = _engine(sqlite_file.engine_url(file, "rw"), sqlite=True)
        db = cls(url, engine, read_only=read_only, created=schema is _Schema.NEW)
        return db._prepared(upgrade and not read_only)

    @classmethod
    def _open_server(cls, url: str, parsed: URL, *, create: bool, upgrade: bool, readonly: bool) -> Database:
        """PostgreSQL and the other servers (and an in-memory SQLite): no file to look at; the
        tables and the revision are read on the engine before anything is written."""
        sqlite = parsed.get_backend_name() == "sqlite"
        db = cls(url, _engine(url, sqlite=sqlite), read_only=readonly)
        try:
            conn = db.engine.connect()
        except exc.DBAPIError as error:
            db.dispose()
            raise DatabaseUnreadable(f"{connect_message(error)}（{db.shown_url}）") from error
        try:
            with conn:
                tables = frozenset(inspect(conn).get_table_names())
                revision = db._revision(conn)
            schema = _schema_of(db.shown_url, None, tables, revision)
            if schema is _Schema.NEW and not create and not sqlite:
                raise _refuse_new(db.shown_url, True)
            if schema is _Schema.OLDER and readonly:
                raise _needs_migration(revision)
            db.created = schema is _Schema.NEW
        except exc.SQLAlchemyError as error:
            db.dispose()
            raise DatabaseUnreadable(f"{user_message(error) or '接続できません。'}（{db.shown_url}）") from error
        except BaseException:
            db.dispose()
            raise
        return db._prepared(upgrade and not readonly)

    def _prepared(self, upgrade: bool) -> Database:
        if upgrade:
            try:
                self.ensure_schema()
            except BaseException:
                self.dispose()
                raise
        return self

    # -- schema -------------------------------------------------------------------------
    @staticmethod
    def _revision(conn: Connection) -> str | None:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return self._revision(conn)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def ensure_schema(self) -> None:
        """Bring the database to this version's schema, or refuse one that is newer. On SQLite
        also: WAL journaling (set here, where we may write, never while only looking) and our
        application id. The migration holds the write lock from its first statement, so a
        second process opening the same new file waits, then finds the head revision."""
        current = self.current_revision()
        if current is not None and current not in known_revisions():
            raise _too_new(current)
        if self.is_sqlite:
            self._use_wal()
        if current != head_revision():
            from reseller_desk.db.migrate import upgrade_to_head

            upgrade_to_head(self._locking_engine)
        if self.is_sqlite:
            self._mark_as_ours()

    def _use_wal(self) -> None:
        """WAL journaling, stored in the file. A database in another mode that another process
        holds open cannot switch now: it keeps its mode (it works, with less concurrency) and
        switches at a later opening."""
        import sqlite3

        with self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            if str(raw.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                try:
                    raw.execute("PRAGMA journal_mode = WAL")
                except sqlite3.OperationalError as error:
                    log.warning("WAL に切り替えられませんでした（%s）", error)

    def _mark_as_ours(self) -> None:
        """Set our application id on a database of ours that has none (created before it was
        set, or a moment ago), in a write transaction."""
        with self.engine.connect() as conn:
            if conn.exec_driver_sql("PRAGMA application_id").scalar() == APPLICATION_ID:
                return
        with self._locking_engine.begin() as conn:
            if conn.exec_driver_sql("PRAGMA application_id").scalar() != APPLICATION_ID:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    # -- sessions -----------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls everything back when
        it raises. Services open exactly one of these per use case.

        ``write=True`` takes the database's write lock when the block begins (SQLite: BEGIN
        IMMEDIATE, waiting up to the busy timeout for another writer), for a use case that
        reads and then writes on what it read — "is there a staff member yet?" then the first
        manager — so that of two processes racing, the second reads after the first committed,
        instead of failing with "database is locked"."""
        session = self._sessions(bind=self._locking_engine) if write else self._sessions()
        try:
            with session.begin():
                if write:
                    session.connection()  # BEGIN IMMEDIATE now, before the first read
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

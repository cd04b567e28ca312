"""A SQLite database file, looked at before anything is written to it.

:func:`look` reads what opening must know — is there a file, is it SQLite, is it ours (its
``PRAGMA application_id``, its tables), which schema revision — on a connection that cannot
write, so that a file that is not ours, or one a newer version migrated, is left byte for byte
as it was. :func:`engine_url` builds the URL the engine opens the file with: ``mode=rw`` (SQLite
never creates the file: :func:`create_new` does, 0600), ``mode=ro`` or ``immutable=1``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy.engine import URL

from reseller_desk.db.errors import (
    CORRUPT_MESSAGE,
    DatabaseError,
    DatabaseNotFound,
    DatabaseUnreadable,
    NotOurDatabase,
    os_reason,
    user_message,
)
from reseller_desk.private_files import create_private_file

#: ``PRAGMA application_id`` of a Reseller Desk database: the ASCII bytes "RDsk" (0x5244736B).
#: SQLite's own list of application ids (magic.txt) does not use it. Set when our schema is
#: created, and on a database of ours from before issue 7 that has 0.
APPLICATION_ID = 0x5244736B
#: Tables every revision of our schema has: a database with ``application_id`` 0 (from before
#: the id was set) counts as ours only when it has them and an ``alembic_version``.
MARKER_TABLES = frozenset({"alembic_version", "staff_users", "customers", "audit_log"})
BUSY_TIMEOUT_S = 10.0

_MAGIC = b"SQLite format 3\x00"
_HEADER_SIZE = 100
#: Query parameters of a sqlite URL that belong to Python's driver, not to SQLite's URI.
_DRIVER_PARAMETERS = frozenset({"uri", "timeout", "isolation_level", "detect_types", "check_same_thread",
                                "cached_statements"})


@dataclass(frozen=True)
class SqliteFile:
    """The file a sqlite URL names, and the SQLite URI parameters typed with it (``mode=ro``,
    ``immutable=1`` …: a way to open a database read-only on purpose)."""

    path: Path
    parameters: Mapping[str, str] = field(default_factory=dict)

    @property
    def read_only_on_purpose(self) -> bool:
        return self.parameters.get("mode") == "ro" or self.parameters.get("immutable") in ("1", "true")

    @property
    def shown(self) -> str:
        return str(self.path)

    def companion(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    def writable(self) -> bool:
        """Whether this process may write the file and create its -wal/-shm next to it."""
        if self.read_only_on_purpose:
            return False
        return os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK | os.X_OK)


def sqlite_file(url: URL) -> SqliteFile | None:
    """The file of a sqlite URL; None for another backend or an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    if url.username or url.password or url.host or url.port:
        raise DatabaseError("データベースの指定（パスまたはURL）が正しくありません。"
                            "SQLite のファイルは sqlite:////絶対パス の形で指定してください。")
    database = url.database or ""
    query = {key: value if isinstance(value, str) else value[-1] for key, value in url.query.items()}
    if query.get("uri", "").lower() in ("true", "1"):
        parameters = {k: v for k, v in query.items() if k not in _DRIVER_PARAMETERS}
        if parameters.get("mode") == "memory" or database in ("", ":memory:", "file::memory:"):
            return None
        if database.startswith("file:"):
            database = database[len("file:"):]
            if database.startswith("//"):  # file://localhost/path or file:///path
                database = "/" + database[2:].partition("/")[2]
            database = unquote(database)
        return SqliteFile(Path(os.path.abspath(database)), parameters)
    if database in ("", ":memory:"):
        return None
    return SqliteFile(Path(os.path.abspath(database)))


def _uri(file: SqliteFile, mode: str) -> tuple[str, dict[str, str]]:
    """SQLite's URI of ``file`` (the path %-escaped) and its parameters for ``mode``."""
    parameters = dict(file.parameters)
    if mode == "immutable":
        parameters.pop("mode", None)
        parameters["immutable"] = "1"
    elif not file.read_only_on_purpose:
        parameters["mode"] = mode
    return "file:" + quote(str(file.path), safe="/"), parameters


def uri_string(file: SqliteFile, mode: str) -> str:
    """The URI to hand ``sqlite3.connect(..., uri=True)`` for ``file`` in ``mode``."""
    database, parameters = _uri(file, mode)
    return database + "?" + "&".join(f"{key}={value}" for key, value in sorted(parameters.items()))


def engine_url(file: SqliteFile, mode: str) -> URL:
    """The URL the engine opens ``file`` with: mode ``rw`` (never creates the file), ``ro`` or
    ``immutable`` (nobody can be writing: no -wal, and the folder is not writable)."""
    database, parameters = _uri(file, mode)
    return URL.create("sqlite", database=database, query={**parameters, "uri": "true"})


def read_mode(file: SqliteFile) -> str:
    """How to open ``file`` for reading only. ``rw`` with ``PRAGMA query_only`` where we could
    write (so that SQLite removes the -wal/-shm it made when the last connection closes),
    ``ro`` where we cannot, and ``immutable`` where nobody can write and no -wal exists (a
    read-only connection cannot read a WAL database without creating its -shm)."""
    if file.parameters.get("immutable") in ("1", "true"):
        return "immutable"
    if file.writable():
        return "rw"
    folder_writable = os.access(file.path.parent, os.W_OK | os.X_OK)
    if not folder_writable and not file.companion("-wal").exists() and _header(file.path)[18:19] == b"\x02":
        return "immutable"
    return "ro"


@dataclass(frozen=True)
class Found:
    """What a look at an existing file saw."""

    empty: bool
    application_id: int = 0
    tables: frozenset[str] = frozenset()
    revision: str | None = None
    wal: bool = False


def _header(path: Path) -> bytes:
    with open(path, "rb") as stream:
        return stream.read(_HEADER_SIZE)


def look(file: SqliteFile) -> Found | None:
    """What is at ``file.path``: None when nothing is, :class:`Found` for an empty file or a
    SQLite database. Raises a :class:`DatabaseError` for a folder, a file that cannot be read,
    one that is not SQLite, and one cut short. Writes nothing, creates nothing."""
    path = file.path
    if not path.exists():
        if not path.parent.exists() or path.parent.is_dir():
            return None
        raise DatabaseNotFound(f"データベースのパスの途中にフォルダでないものがあります: {path}")
    if path.is_dir():
        raise DatabaseUnreadable(f"{path} はフォルダです。データベースのファイルを指定してください。")
    try:
        header = _header(path)
        size = path.stat().st_size
    except OSError as error:
        raise DatabaseUnreadable(f"データベースのファイルを読めません（{os_reason(error)}）: {path}") from error
    if not header:
        return Found(empty=True)
    if not header.startswith(_MAGIC) or len(header) < _HEADER_SIZE or size < len(header):
        raise NotOurDatabase(f"{path} は SQLite のデータベースではありません。Reseller Desk では開けません"
                             "（何も書き込んでいません）。")
    if _cut_short(header, size):
        raise DatabaseUnreadable(f"データベースのファイルが途中で切れています（{path}）。{CORRUPT_MESSAGE}")
    wal = header[18] == 2
    try:
        return _read_schema(file, wal)
    except sqlite3.Error as error:
        words = user_message(error) or "データベースを読めませんでした。"
        raise DatabaseUnreadable(f"{words}（{path}）") from error


def _cut_short(header: bytes, size: int) -> bool:
    """Whether the file is shorter than its header says (a truncated copy). The in-header size
    counts only when the change counter matches its version-valid-for number."""
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96] and pages > 0
    return valid and size < pages * page_size


def _read_schema(file: SqliteFile, wal: bool) -> Found:
    if wal and not file.companion("-wal").exists() and not file.read_only_on_purpose:
        # Nobody has the database open (an open WAL database has its -wal). A read-only
        # connection would leave a -wal and -shm behind; an immutable one reads the file alone.
        # If a writer came along meanwhile (a -wal appeared, the file changed), read again the
        # ordinary read-only way, whose -wal/-shm then are the writer's.
        before = file.path.stat()
        found = _read_with(file, "immutable", wal)
        after = file.path.stat()
        if not file.companion("-wal").exists() and (before.st_mtime_ns, before.st_size) == (
                after.st_mtime_ns, after.st_size):
            return found
    return _read_with(file, "ro" if not file.parameters.get("immutable") else "immutable", wal)


def _read_with(file: SqliteFile, mode: str, wal: bool) -> Found:
    with closing(sqlite3.connect(uri_string(file, mode), uri=True, timeout=BUSY_TIMEOUT_S,
                                 isolation_level=None)) as conn:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("BEGIN")  # one snapshot for the reads below
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = frozenset(row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"))
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        conn.execute("COMMIT")
    return Found(empty=False, application_id=application_id & 0xFFFFFFFF, tables=tables, revision=revision, wal=wal)


def create_new(file: SqliteFile) -> None:
    """Create the database file empty, 0600 (its folders 0700), for SQLite to fill: SQLite
    gives the -wal and -shm it makes later the same mode. Fine when another process just did."""
    try:
        create_private_file(file.path)
    except OSError as error:
        raise DatabaseUnreadable(f"データベースを作成できません（{os_reason(error)}）: {file.path}") from error


#: Pages SQLite's online backup copies per step; between steps it reports how far it got (and
#: may be stopped). 256 pages of 4 KiB: 1 MiB.
BACKUP_STEP_PAGES = 256

#: (pages done, pages in all) after each step of a backup; raising stops it.
BackupProgress = Callable[[int, int], None]


def backup(source: Path | SqliteFile, target: Path, progress: BackupProgress | None = None) -> None:
    """Copy the SQLite database ``source`` to a new file ``target`` (0600, its folders 0700)
    with SQLite's online backup, consistent while others keep working on ``source``.

    Every page is copied inside one read transaction on ``source``: in WAL mode writers go on
    meanwhile, and the copy is the database as it was when the transaction began, however
    many steps it takes (a step-by-step backup without it starts again whenever someone
    writes). The copy is one self-contained file in rollback-journal mode (no -wal beside
    it). Refuses to overwrite a file that exists; on any failure, ``progress`` raising
    included, the partial file is removed and the error raised."""
    file = source if isinstance(source, SqliteFile) else SqliteFile(Path(source))
    if not create_private_file(target):
        raise FileExistsError(target)
    try:
        uri = uri_string(file, read_mode(file))
        with closing(sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as src, \
                closing(sqlite3.connect(target, isolation_level=None)) as dst:
            src.execute("PRAGMA query_only = ON")
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot every step reads
            report = progress or (lambda _done, _total: None)
            report(0, 0)
            src.backup(dst, pages=BACKUP_STEP_PAGES,
                       progress=lambda _status, remaining, total: report(total - remaining, total))
            src.execute("COMMIT")
            dst.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        remove_with_companions(target)
        raise


def remove_with_companions(path: Path) -> None:
    """Remove a database file we made and the -journal, -wal and -shm SQLite may have left."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)

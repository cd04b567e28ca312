"""Backups of a database, and restoring one into an empty database: what differs by engine.

- **SQLite**: SQLite's online backup API (``sqlite_file.backup``), a consistent copy while the
  window and other desks keep working; the file is a SQLite database of its own (``.sqlite3``).
  A restore copies it, the same way, into a temporary file beside the target, checks it
  (``PRAGMA integrity_check``) and only then renames it to the target: a restore that fails
  leaves the target as it was.
- **PostgreSQL**: ``pg_dump --format=custom`` (``.dump``) and ``pg_restore`` in one transaction
  that stops at the first error (``pg_tools``).

A backup file is recognised by its first bytes, whatever its name. A restore goes into an
empty target only: a file that does not exist yet, an empty file or a SQLite database without
tables; a PostgreSQL database without tables. See docs/decisions.md, "Backup and restore".
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, exc, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from reseller_desk.db import pg_tools, sqlite_file
from reseller_desk.db.errors import DatabaseError, DatabaseUnreadable, os_reason, user_message
from reseller_desk.db.sqlite_file import APPLICATION_ID, MARKER_TABLES, BackupProgress, SqliteFile
from reseller_desk.private_files import create_private_file

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
#: The ending of a backup file of each engine.
SUFFIXES = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
FILE_PREFIX = "reseller-desk-backup-"

_SQLITE_MAGIC = b"SQLite format 3\x00"
_PG_DUMP_MAGIC = b"PGDMP"

#: Relations of a PostgreSQL database outside the system schemas: a restore target has none.
_PG_RELATIONS = text(
    "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg!_toast%' ESCAPE '!' AND n.nspname NOT LIKE 'pg!_temp!_%' ESCAPE '!'")


class BackupError(DatabaseError):
    """A backup or a restore that cannot be made; nothing was changed."""


class TargetNotEmpty(BackupError):
    """The restore target holds data: a restore never goes over it."""


def engine_of(url: URL) -> str:
    """SQLITE or POSTGRESQL; any other database (an in-memory one, another server) cannot be
    backed up here."""
    if sqlite_file.sqlite_file(url) is not None:
        return SQLITE
    if url.get_backend_name() == "postgresql":
        return POSTGRESQL
    raise BackupError("この種類のデータベースはバックアップ・復元できません（SQLite のファイルと PostgreSQL だけ"
                      "です）。")


def file_name(kind: str, moment: dt.datetime) -> str:
    """reseller-desk-backup-20261201-1405.sqlite3 (or .dump): the moment the backup is made."""
    return f"{FILE_PREFIX}{moment:%Y%m%d-%H%M}{SUFFIXES[kind]}"


def make(url: URL, target: Path, progress: BackupProgress | None = None) -> None:
    """Back the database at ``url`` up into ``target``, a new file (0600, its folders 0700).
    ``progress(done, total)`` is called as it goes (total 0: unknown) and may raise to stop;
    on any failure the partial file is removed."""
    kind = engine_of(url)
    try:
        if kind == SQLITE:
            source = sqlite_file.sqlite_file(url)
            assert source is not None
            sqlite_file.backup(source, target, progress)
            return
        if not create_private_file(target):
            raise FileExistsError(target)
        try:
            pg_tools.dump(url, target, progress)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    except FileExistsError as error:
        raise BackupError(f"{target} は既にあります。上書きはしないので、別の名前を指定してください。") from error
    except OSError as error:
        raise BackupError(f"バックアップを書き込めません（{os_reason(error)}）: {target}") from error
    except sqlite3.Error as error:
        raise BackupError(f"バックアップを作れませんでした。{user_message(error) or ''}") from error


@dataclass(frozen=True)
class BackupContents:
    """What a backup file is: its engine, whether it is a Reseller Desk database, and the
    schema revision it was made at (None when it has none)."""

    kind: str
    ours: bool
    revision: str | None


def read(file: Path) -> BackupContents:
    """Look into a backup file without changing it. Raises BackupError for a file that is no
    backup of either engine."""
    try:
        with open(file, "rb") as stream:
            head = stream.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"バックアップのファイルを読めません（{os_reason(error)}）: {file}") from error
    if head.startswith(_PG_DUMP_MAGIC):
        return BackupContents(POSTGRESQL, pg_tools.tables(file) >= MARKER_TABLES, pg_tools.revision(file))
    if head != _SQLITE_MAGIC:
        raise BackupError(f"{file} は Reseller Desk のバックアップではありません（SQLite のファイルでも "
                          "pg_dump のファイルでもありません）。")
    found = sqlite_file.look(SqliteFile(file))
    assert found is not None
    ours = found.application_id == APPLICATION_ID or (found.application_id == 0 and found.tables >= MARKER_TABLES)
    return BackupContents(SQLITE, ours and bool(found.tables), found.revision)


def ensure_empty(url: URL) -> None:
    """Refuse (TargetNotEmpty) a restore target that holds anything; writes nothing."""
    file = sqlite_file.sqlite_file(url)
    if file is not None:
        _ensure_empty_file(file)
        return
    engine = create_engine(url, hide_parameters=True, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            relations = conn.execute(_PG_RELATIONS).scalar() or 0
    except exc.SQLAlchemyError as error:
        shown = url.render_as_string(hide_password=True)
        raise DatabaseUnreadable(f"{user_message(error) or '接続できません。'}（{shown}）") from error
    finally:
        engine.dispose()
    if relations:
        raise TargetNotEmpty(_not_empty(url.render_as_string(hide_password=True)))


def _not_empty(where: str) -> str:
    return (f"復元先 {where} には既にテーブルがあります。復元は空のデータベースにだけ行います（上書きはしません）。"
            "新しいデータベースを指定してください。何も変更していません。")


def _ensure_empty_file(file: SqliteFile) -> None:
    found = sqlite_file.look(file)  # another program's file is refused here, unwritten
    if found is not None and found.tables:
        raise TargetNotEmpty(_not_empty(file.shown))
    for suffix in ("-wal", "-journal"):
        if file.companion(suffix).exists():
            raise BackupError(f"復元先 {file.shown} は使用中のようです（{file.path.name}{suffix} があります）。"
                              "開いているアプリを閉じてから、もう一度実行してください。何も変更していません。")


def restore(file: Path, kind: str, url: URL) -> None:
    """Restore the backup ``file`` (of engine ``kind``) into the empty database at ``url``:
    all of it or, on any failure, nothing."""
    target_kind = engine_of(url)
    if target_kind != kind:
        words = {SQLITE: "SQLite のファイル", POSTGRESQL: "PostgreSQL のデータベース"}
        raise BackupError(f"このバックアップは {words[kind]} のものです。{words[kind]}に復元してください"
                          f"（復元先は {words[target_kind]}です）。")
    ensure_empty(url)
    target = sqlite_file.sqlite_file(url)
    if target is None:
        pg_tools.restore(file, url)
        return
    try:
        _restore_file(file, target)
    except OSError as error:
        raise BackupError(f"復元先に書き込めません（{os_reason(error)}）: {target.shown}") from error
    except sqlite3.Error as error:
        raise BackupError(f"バックアップを読めませんでした。{user_message(error) or ''}（{file}）") from error


def _restore_file(file: Path, target: SqliteFile) -> None:
    """A copy of the backup beside the target, checked, then renamed to it in one step."""
    temporary = target.path.with_name(f".{target.path.name}.{uuid.uuid4().hex[:8]}.restoring")
    sqlite_file.backup(SqliteFile(file), temporary)
    try:
        with closing(sqlite3.connect(temporary)) as conn:
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError(f"バックアップのファイルが壊れています（{file}）。別のバックアップから復元してください。"
                              "何も変更していません。")
        _ensure_empty_file(target)  # still empty now that the copy is ready
        if target.path.exists():  # an empty file someone made for it keeps its mode
            os.chmod(temporary, stat.S_IMODE(target.path.stat().st_mode))
        os.replace(temporary, target.path)
    except BaseException:
        sqlite_file.remove_with_companions(temporary)
        raise

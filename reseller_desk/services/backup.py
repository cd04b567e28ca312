"""Backups of the office's database (設定 → バックアップ, ``reseller-desk backup``) and restoring
one into an empty database (``reseller-desk restore``).

- :func:`make_backup`: a manager's act. The copy is made first (``db.backup``: SQLite's online
  backup, or pg_dump), then an audit record ``backup.make`` (who, when, the file's name, folder
  and size) is written; a copy whose record cannot be written is removed, so that every
  backup the window reports has its record and no record names a file that was not made.
- :func:`last_backup`: when the newest backup was made and by whom, read from the audit log
  (no table of its own), and whether it is older than :data:`BACKUP_WARNING_DAYS`.
- :func:`restore_backup`: into an empty target only, never over data; a backup made at a
  newer schema than this version knows is refused, an older one is restored as it is and
  upgraded when the database is next opened (``Database.open``). Restoring has no actor: it
  is an administrator's act from the command line, on a database that may not have a staff
  member yet, and it records nothing, so the restored database's audit log is the original's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from reseller_desk import clock
from reseller_desk.db import backup as db_backup
from reseller_desk.db.database import Database, shown_url, to_url
from reseller_desk.db.errors import DatabaseError, os_reason
from reseller_desk.db.models import AuditEntry, StaffUser
from reseller_desk.db.revisions import known_revisions
from reseller_desk.domain.text import clean_line
from reseller_desk.services import audit
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["BACKUP_WARNING_DAYS", "BackupFailed", "BackupMade", "LastBackup", "Restored", "RestoreRefused",
           "default_backup_folder", "last_backup", "make_backup", "restore_backup", "suggested_path"]

#: After this many days without a backup the window warns (設定 → バックアップ, the status bar).
BACKUP_WARNING_DAYS = 7
BACKUP_ACTION = "backup.make"
#: The audit records of backups concern the whole database: this entity, no entity id.
BACKUP_ENTITY = "database"

#: (done, total) as the copy goes on (total 0: unknown); raising stops it (the file is removed).
Progress = Callable[[int, int], None]


class BackupFailed(ServiceError):
    """No backup was made (and no partial file is left)."""


class RestoreRefused(ServiceError):
    """Nothing was restored; the target is as it was."""


@dataclass(frozen=True)
class BackupMade:
    #: When the backup was made: naive UTC, as the audit log stores it.
    at: dt.datetime
    by: str
    path: Path
    size: int

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class LastBackup:
    """The newest backup (None: never), and whether the window should warn."""

    made: BackupMade | None
    overdue: bool


def default_backup_folder() -> Path:
    """Where backups go unless the manager picks another folder: ``backups`` in the user data
    folder (platformdirs), beside the embedded database."""
    from platformdirs import user_data_path

    return user_data_path("reseller-desk", appauthor=False) / "backups"


def suggested_path(db: Database, folder: Path | None = None) -> Path:
    """A new file in ``folder`` (the default folder) named after this moment, e.g.
    reseller-desk-backup-20261201-1405.sqlite3; -2, -3 … when that name is taken."""
    kind = _kind(db)
    folder = folder or default_backup_folder()
    name = db_backup.file_name(kind, clock.now())
    candidate, number = folder / name, 2
    while candidate.exists():
        stem, suffix = name.rsplit(".", 1)
        candidate, number = folder / f"{stem}-{number}.{suffix}", number + 1
    return candidate


def _kind(db: Database) -> str:
    try:
        return db_backup.engine_of(make_url(db.url))
    except DatabaseError as error:
        raise BackupFailed(str(error)) from error


def _target(db: Database, out: str | Path | None) -> Path:
    """The file to write: ``out`` itself, or a new name in ``out`` when it is a folder: one
    that exists, or a path ending in a separator or without an ending (``.sqlite3``, ``.dump``
    …), made 0700 when it does not exist."""
    if out is None:
        return suggested_path(db)
    if not isinstance(out, (str, Path)):
        raise BackupFailed("バックアップの保存先が正しくありません。")
    typed = str(out)
    if not typed.strip() or clean_line(typed) != typed.strip():  # NUL, controls, lone surrogates …
        raise BackupFailed("バックアップの保存先のパスが正しくありません（空か、使えない文字が含まれています）。")
    path = Path(typed).expanduser().absolute()
    try:
        if path.is_dir() or typed.endswith(("/", os.sep)) or not path.suffix:
            return suggested_path(db, path)
    except OSError as error:
        raise BackupFailed(f"バックアップの保存先を使えません（{os_reason(error)}）: {audit.clipped_summary(typed)}") \
            from error
    return path


@retried
def make_backup(db: Database, actor: Actor, out: str | Path | None = None, *,
                progress: Progress | None = None) -> BackupMade:
    """Back the database up into ``out`` (a new file, or a folder for a new file named after
    the moment; the default folder when None) and record it. Only a manager backs up."""
    require_role(actor, Role.MANAGER, action="バックアップの作成")
    with db.transaction() as session:
        confirm_actor(session, actor)
    target = _target(db, out)
    try:
        db_backup.make(make_url(db.url), target, progress)
    except DatabaseError as error:
        raise BackupFailed(str(error)) from error
    made = BackupMade(clock.utcnow(), actor.name, target, target.stat().st_size)
    if db.read_only:  # nothing can be written, not even the record: the copy is still a backup
        return made
    try:
        with db.transaction(write=True) as session:
            audit.record(session, actor, "backup.make", BACKUP_ENTITY, None, summary=_summary(made),
                         after={"file_name": target.name, "folder": str(target.parent), "size": made.size})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return made


def _summary(made: BackupMade) -> str:
    return f"{made.file_name}（{made.size:,} バイト）"


def last_backup(db: Database) -> LastBackup:
    """The newest backup recorded in the audit log, and whether it is older than
    BACKUP_WARNING_DAYS (or there is none). Not secret: the window shows it to managers."""
    with db.transaction() as session:
        row = session.execute(
            select(AuditEntry, StaffUser.display_name)
            .outerjoin(StaffUser, StaffUser.id == AuditEntry.user_id)
            .where(AuditEntry.entity == BACKUP_ENTITY, AuditEntry.entity_id.is_(None),
                   AuditEntry.action == BACKUP_ACTION)
            .order_by(AuditEntry.id.desc()).limit(1)).first()
    if row is None:
        return LastBackup(None, overdue=True)
    entry, name = row
    values = json.loads(entry.after) if entry.after else {}
    made = BackupMade(entry.at, name or "", Path(values.get("folder", "")) / values.get("file_name", ""),
                      int(values.get("size", 0)))
    return LastBackup(made, overdue=clock.utcnow() - entry.at > dt.timedelta(days=BACKUP_WARNING_DAYS))


@dataclass(frozen=True)
class Restored:
    kind: str
    #: The schema revision of the backup (the database is upgraded from it when opened).
    revision: str
    target: str


def restore_backup(file: str | Path, target: str | Path | None) -> Restored:
    """Restore the backup ``file`` into ``target`` (a path or URL; None: the default database),
    which must be empty: all of it, or nothing. Refuses a file that is no Reseller Desk backup
    and one made at a schema newer than this version's."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise RestoreRefused(f"バックアップのファイルが見つかりません: {path}")
    try:
        contents = db_backup.read(path)
        if not contents.ours:
            raise RestoreRefused(f"{path} は Reseller Desk のバックアップではありません。何も変更していません。")
        if contents.revision is None:
            raise RestoreRefused(f"{path} にはスキーマ版の記録がありません。別のバックアップを指定してください。")
        if contents.revision not in known_revisions():
            raise RestoreRefused(f"このバックアップは新しいバージョンの Reseller Desk で作られています（スキーマ "
                                 f"{contents.revision}）。アプリを最新版に更新してから復元してください。何も変更していません。")
        url = make_url(to_url(target))
        db_backup.restore(path, contents.kind, url)
    except DatabaseError as error:
        raise RestoreRefused(str(error)) from error
    return Restored(contents.kind, contents.revision, shown_url(url.render_as_string(hide_password=False)))

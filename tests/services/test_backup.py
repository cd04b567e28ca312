"""Backing up and restoring through the services, on SQLite and on PostgreSQL (issue 8: "restoring
then opening gives the same counts and the same audit log as the original. A test round-trips a
demo database on both engines")."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from reseller_desk import clock
from reseller_desk.db import backup as db_backup
from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry
from reseller_desk.db.revisions import head_revision
from reseller_desk.demo import fill_demo
from reseller_desk.services import backup, staff
from reseller_desk.services.audit import list_audit
from reseller_desk.services.backup import BACKUP_WARNING_DAYS, BackupFailed, RestoreRefused
from reseller_desk.services.errors import PermissionDenied

from ..db.backups import (
    FUTURE_REVISION,
    OLDER_REVISION,
    assert_empty,
    audit_log,
    older_database,
    set_revision,
    staff_actor,
    table_counts,
)

DEMO_CUSTOMERS = 300


@pytest.fixture
def folder(tmp_path):
    """A folder the backups go into (a new file named after the moment each time)."""
    (tmp_path / "backups").mkdir()
    return tmp_path / "backups"


def backups_in(folder) -> list[str]:
    return sorted(os.listdir(folder))


def backup_records(db: Database) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "backup.make")) or 0


def test_a_demo_office_backed_up_and_restored_has_every_row_and_the_same_audit_log(db, backend, new_database,
                                                                                  folder):
    fill_demo(db, customers=DEMO_CUSTOMERS)
    kanri = staff_actor(db, "kanri")
    counts, log = table_counts(db), audit_log(db)
    assert counts["customers"] >= DEMO_CUSTOMERS and counts["applications"] > 0 and len(log) > 10

    made = backup.make_backup(db, kanri, folder)
    assert backups_in(folder) == [made.file_name]
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600 and made.size == made.path.stat().st_size
    # recorded after the copy: who, when, which file, how large
    record = list_audit(db, kanri, limit=1)[0]
    assert (record.action, record.user_name, record.after) == (
        "backup.make", kanri.name,
        {"file_name": made.file_name, "folder": str(folder), "size": made.size})

    restored = backup.restore_backup(made.path, new_database)
    assert (restored.kind, restored.revision) == (backend, head_revision())
    copy = Database.open(new_database)
    try:
        assert table_counts(copy) == counts
        assert audit_log(copy) == log  # the backup's own record came after the copy
    finally:
        copy.dispose()


def test_the_file_is_named_after_the_moment_in_the_default_folder(db, manager, backend, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with clock.frozen(dt.datetime(2026, 12, 1, 14, 5)):
        first = backup.make_backup(db, manager)
        second = backup.make_backup(db, manager)  # the same minute: the name is not reused
    suffix = db_backup.SUFFIXES[backend]
    assert first.path == tmp_path / "data" / "reseller-desk" / "backups" / f"reseller-desk-backup-20261201-1405{suffix}"
    assert second.path.name == f"reseller-desk-backup-20261201-1405-2{suffix}"
    assert stat.S_IMODE(first.path.parent.stat().st_mode) == 0o700


def test_only_a_manager_backs_up_and_a_refused_backup_leaves_nothing(db, clerk, folder):
    with pytest.raises(PermissionDenied, match="管理者だけ"):
        backup.make_backup(db, clerk, folder)
    assert backups_in(folder) == [] and backup_records(db) == 0


def test_a_file_that_exists_is_never_overwritten(db, manager, folder):
    existing = folder / "office.sqlite3"
    existing.write_bytes(b"yesterday's backup")
    with pytest.raises(BackupFailed, match="既にあります"):
        backup.make_backup(db, manager, existing)
    assert existing.read_bytes() == b"yesterday's backup" and backup_records(db) == 0


@pytest.mark.parametrize("out", ["", "  ", "bad\x00name.sqlite3", 42], ids=["empty", "blank", "nul", "number"])
def test_a_path_that_is_no_path_is_refused_in_japanese(db, manager, out):
    with pytest.raises(BackupFailed, match="保存先"):
        backup.make_backup(db, manager, out)
    assert backup_records(db) == 0


def test_a_backup_that_is_stopped_midway_leaves_no_file_and_no_record(db, manager, folder):
    class Stopped(Exception):
        pass

    def stop_after_start(done: int, total: int) -> None:
        raise Stopped()

    with pytest.raises(Stopped):
        backup.make_backup(db, manager, folder, progress=stop_after_start)
    assert backups_in(folder) == [] and backup_records(db) == 0


def test_a_manager_deactivated_while_the_copy_runs_gets_no_backup_and_no_record(db, manager, folder):
    other = staff.add_staff(db, manager, "sato", "佐藤 次郎", "manager", "correct-horse-2")
    sato = staff_actor(db, "sato")
    calls: list[int] = []

    def deactivate_sato_once(done: int, total: int) -> None:
        if not calls:
            staff.set_active(db, manager, other.id, False, expected_version=other.row_version)
        calls.append(done)

    with pytest.raises(PermissionDenied, match="無効"):
        backup.make_backup(db, sato, folder, progress=deactivate_sato_once)
    assert backups_in(folder) == [] and backup_records(db) == 0


def test_the_last_backup_is_read_from_the_audit_log_and_is_overdue_after_seven_days(db, manager, folder):
    assert BACKUP_WARNING_DAYS == 7
    last = backup.last_backup(db)
    assert last.made is None and last.overdue  # never backed up: warn
    made_at = dt.datetime(2026, 12, 1, 14, 5)
    with clock.frozen(made_at):
        made = backup.make_backup(db, manager, folder)
    with clock.frozen(made_at + dt.timedelta(days=6, hours=23)):
        last = backup.last_backup(db)
    assert not last.overdue
    assert (last.made.by, last.made.path, last.made.size) == (manager.name, made.path, made.size)
    assert clock.to_japan_time(last.made.at) == made_at.replace(tzinfo=clock.JST)
    with clock.frozen(made_at + dt.timedelta(days=7, minutes=1)):
        assert backup.last_backup(db).overdue


def test_a_restore_over_a_database_with_data_is_refused_and_changes_nothing(db, manager, new_database, folder):
    made = backup.make_backup(db, manager, folder)
    target = Database.open(new_database, create=True)
    try:
        staff.create_first_manager(target, "boss", "社長", "correct-horse-1")
        before = (table_counts(target), audit_log(target))
        with pytest.raises(RestoreRefused, match="既にテーブルがあります"):
            backup.restore_backup(made.path, new_database)
        assert (table_counts(target), audit_log(target)) == before
    finally:
        target.dispose()


def test_a_backup_from_a_newer_schema_is_refused_and_the_target_stays_empty(db, new_database, folder):
    set_revision(db, FUTURE_REVISION)  # as a newer Reseller Desk would have left it
    file = folder / "from-the-future.backup"
    db_backup.make(make_url(db.url), file)
    with pytest.raises(RestoreRefused, match=f"新しいバージョン.*{FUTURE_REVISION}"):
        backup.restore_backup(file, new_database)
    assert_empty(new_database)


@pytest.fixture
def second_database(backend, tmp_path, request):
    """Another place for a new database, beside ``new_database``."""
    if backend == "sqlite":
        yield str(tmp_path / "second.sqlite3")
        return
    server = request.getfixturevalue("postgres_server")
    name = server.create_database()
    yield server.url_of(name)
    server.drop_database(name)


def test_a_backup_from_an_older_schema_is_restored_and_upgraded_when_opened(new_database, second_database, folder):
    old = older_database(second_database)
    file = folder / "old.backup"
    try:
        db_backup.make(make_url(old.url), file)
    finally:
        old.dispose()
    assert backup.restore_backup(file, new_database).revision == OLDER_REVISION
    copy = Database.open(new_database)
    try:
        assert copy.current_revision() == head_revision()
    finally:
        copy.dispose()


@pytest.mark.parametrize("content", [b"", b"just some notes", b"PGDMP but not really"], ids=["empty", "text", "fake"])
def test_a_file_that_is_no_backup_is_refused(db, new_database, tmp_path, content):
    file = tmp_path / "notes.txt"
    file.write_bytes(content)
    with pytest.raises(RestoreRefused):
        backup.restore_backup(file, new_database)
    assert_empty(new_database)


def test_a_missing_backup_file_is_named(new_database, tmp_path):
    with pytest.raises(RestoreRefused, match=re.escape(str(tmp_path / "nothing.dump"))):
        backup.restore_backup(tmp_path / "nothing.dump", new_database)

"""The engine side of backups (db/backup.py, db/sqlite_file.py, db/pg_tools.py), on SQLite and
on PostgreSQL: a copy made while another desk writes is one consistent moment, the file is
its owner's only, a copy that is stopped leaves nothing, and a restore goes into an empty
target only — whole, or not at all."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import stat
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from reseller_desk.db import backup, pg_tools, sqlite_file
from reseller_desk.db.database import Database, to_url
from reseller_desk.db.errors import NotOurDatabase
from reseller_desk.db.models import AuditEntry, Customer, StaffUser
from reseller_desk.db.revisions import head_revision
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.services import customers
from reseller_desk.services.permissions import Actor

from .backups import audit_log, staff_actor, table_counts


def url_of(target: str | Database) -> URL:
    return make_url(target.url if isinstance(target, Database) else to_url(target))


def draft(number: int) -> CustomerDraft:
    return CustomerDraft(kind="individual", name=f"顧客 {number}", name_kana="コキャク", phone="03-1234-5678")


def restored(new_database: str, file: Path, kind: str) -> Database:
    backup.restore(file, kind, url_of(new_database))
    return Database.open(new_database)


def test_a_backup_made_while_another_desk_writes_is_the_database_of_one_moment(db, clerk, backend, new_database,
                                                                               tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_file, "BACKUP_STEP_PAGES", 1)  # many steps, with writes between them
    for number in range(40):
        customers.add_customer(db, clerk, draft(number))
    stop = threading.Event()
    saved = threading.Condition()
    written: list[int] = []
    began_at: list[int] = []  # how many the other desk had saved when the copy took its moment

    def write() -> None:
        number = 1000
        while not stop.is_set():
            customers.add_customer(db, clerk, draft(number))  # a customer and its audit record, together
            with saved:
                written.append(number)
                saved.notify_all()
            number += 1

    def slow_progress(done: int, total: int) -> None:
        """Called first when the copy has its moment (SQLite: inside its read transaction; on
        PostgreSQL pg_dump has just started), then between steps: there it waits until the
        other desk has saved five more."""
        with saved:
            if not began_at:
                began_at.append(len(written))
                return
            assert saved.wait_for(lambda: len(written) >= began_at[0] + 5, timeout=30)

    writer = threading.Thread(target=write)
    file = tmp_path / "during.backup"
    writer.start()
    try:
        backup.make(url_of(db), file, slow_progress)
    finally:
        stop.set()
        writer.join()
    if backend == "sqlite":
        with closing(sqlite3.connect(file)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    copy = restored(new_database, file, backend)
    try:
        with copy.transaction() as session:
            in_copy = session.scalar(select(func.count()).select_from(Customer))
            recorded = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.action == "customer.add"))
        assert in_copy == recorded  # no customer without its record, no record without its customer
        assert in_copy >= 40
        if backend == "sqlite":  # the five and more saved after the copy's moment are not in it
            assert in_copy < 40 + began_at[0] + 5 <= 40 + len(written)
    finally:
        copy.dispose()


@pytest.fixture
def permissive_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_backup_is_a_new_file_only_its_owner_can_read_and_never_overwrites_one(db, backend, tmp_path,
                                                                                permissive_umask):
    folder = tmp_path / "backups" / "2026"
    target = folder / backup.file_name(backend, dt.datetime(2026, 12, 1, 14, 5))
    backup.make(url_of(db), target)
    assert target.name == f"reseller-desk-backup-20261201-1405{backup.SUFFIXES[backend]}"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert os.listdir(folder) == [target.name]  # one self-contained file: no -wal or -journal beside it
    assert backup.read(target) == backup.BackupContents(backend, True, head_revision())
    before = target.read_bytes()
    with pytest.raises(backup.BackupError, match="既にあります"):
        backup.make(url_of(db), target)
    assert target.read_bytes() == before


def test_a_backup_that_is_stopped_leaves_no_file(db, backend, tmp_path):
    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        raise Stop()

    folder = tmp_path / "backups"
    with pytest.raises(Stop):
        backup.make(url_of(db), folder / "stopped.backup", stop)
    assert os.listdir(folder) == []


def test_a_restore_into_a_database_with_tables_is_refused_and_changes_nothing(db, backend, new_database, tmp_path):
    file = tmp_path / "office.backup"
    backup.make(url_of(db), file)
    target = Database.open(new_database, create=True)  # an office database already there
    customers.add_customer(target, _first_manager(target), draft(1))
    before = (table_counts(target), audit_log(target))
    try:
        with pytest.raises(backup.TargetNotEmpty, match="既にテーブルがあります"):
            backup.restore(file, backend, url_of(new_database))
        assert (table_counts(target), audit_log(target)) == before
    finally:
        target.dispose()


def _first_manager(db: Database) -> Actor:
    with db.transaction() as session:
        session.add(StaffUser(login="boss", display_name="社長", role="manager"))
    return staff_actor(db, "boss")


def test_a_backup_of_one_engine_is_not_restored_into_the_other(db, backend, tmp_path):
    file = tmp_path / "backups" / "office.backup"
    backup.make(url_of(db), file)
    other = "postgresql+psycopg://office@desk.invalid/desk" if backend == "sqlite" else str(tmp_path / "new.sqlite3")
    with pytest.raises(backup.BackupError, match="のものです"):
        backup.restore(file, backend, url_of(other))
    assert not (tmp_path / "new.sqlite3").exists() and os.listdir(file.parent) == ["office.backup"]


@pytest.mark.sqlite_only
def test_a_damaged_sqlite_backup_is_refused_and_the_target_is_never_made(db, tmp_path):
    file = tmp_path / "office.sqlite3"
    backup.make(url_of(db), file)
    with closing(sqlite3.connect(file)) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'staff_users'").fetchone()[0]
    data = bytearray(file.read_bytes())
    data[(root - 1) * page_size: (root - 1) * page_size + 8] = b"\xff" * 8  # the table's b-tree page header
    file.write_bytes(bytes(data))
    target = tmp_path / "restored" / "desk.sqlite3"
    with pytest.raises(backup.BackupError):
        backup.restore(file, backup.SQLITE, url_of(str(target)))
    assert not target.exists() and os.listdir(target.parent) == []


@pytest.mark.sqlite_only
def test_a_restore_never_replaces_another_programs_file(db, tmp_path):
    file = tmp_path / "office.sqlite3"
    backup.make(url_of(db), file)
    notes = tmp_path / "notes.txt"
    notes.write_text("大事なメモ")
    with pytest.raises(NotOurDatabase):
        backup.restore(file, backup.SQLITE, url_of(str(notes)))
    assert notes.read_text() == "大事なメモ"


@pytest.mark.sqlite_only
def test_a_restore_into_an_empty_file_keeps_the_mode_its_owner_gave_it(db, tmp_path):
    file = tmp_path / "backups" / "office.sqlite3"
    backup.make(url_of(db), file)
    target = tmp_path / "desk" / "shared.sqlite3"
    target.parent.mkdir()
    target.touch()
    os.chmod(target, 0o640)
    backup.restore(file, backup.SQLITE, url_of(str(target)))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(target.parent) == ["shared.sqlite3"]  # no temporary file left beside it
    copy = Database.open(target)
    assert copy.current_revision() == head_revision()
    copy.dispose()


def test_without_pg_dump_the_message_says_what_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(pg_tools, "PROGRAM_FOLDERS", ())
    target = tmp_path / "office.dump"
    with pytest.raises(pg_tools.ClientProgramMissing) as missing:
        backup.make(make_url("postgresql+psycopg://office@desk.invalid/desk"), target)
    assert "pg_dump" in str(missing.value) and "postgresql-client" in str(missing.value)
    assert "インストールしてください" in str(missing.value)
    assert not target.exists()


def _fake_program(folder: Path, name: str, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    program.chmod(0o755)
    return program


def test_of_several_pg_dump_programs_the_newest_is_taken_with_the_pg_restore_beside_it(tmp_path, monkeypatch):
    on_path = tmp_path / "usr" / "bin"
    _fake_program(on_path, "pg_dump", "13.4")
    _fake_program(on_path, "pg_restore", "13.4")
    for version in ("15.2", "16.1"):
        for name in ("pg_dump", "pg_restore"):
            _fake_program(tmp_path / "pg" / version / "bin", name, version)
    monkeypatch.setenv("PATH", str(on_path))
    monkeypatch.setattr(pg_tools, "PROGRAM_FOLDERS", (str(tmp_path / "pg" / "*" / "bin"),))
    found = pg_tools.find_programs()
    assert found.version == (16, 1)
    assert found.pg_dump == tmp_path / "pg" / "16.1" / "bin" / "pg_dump"
    assert found.pg_restore == tmp_path / "pg" / "16.1" / "bin" / "pg_restore"


def test_the_password_reaches_pg_dump_in_its_environment_never_on_its_command_line():
    url = make_url("postgresql+psycopg://office:s%40cret@db.example.jp:5433/desk?sslmode=require")
    uri, environment = pg_tools.connection(url)
    assert uri == "postgresql://office@db.example.jp:5433/desk?sslmode=require"
    assert environment["PGPASSWORD"] == "s@cret"
    socket = make_url("postgresql+psycopg://postgres@/desk?host=/tmp/pg&port=5432")
    uri, environment = pg_tools.connection(socket)
    assert uri == "postgresql://postgres@/desk?host=%2Ftmp%2Fpg&port=5432" and "PGPASSWORD" not in environment


def test_a_failing_pg_dump_is_reported_in_japanese_with_what_it_said(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    _fake_program(folder, "pg_restore", "16.1")
    failing = folder / "pg_dump"
    failing.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 16.1'; exit 0; fi\n"
                       "echo 'pg_dump: error: aborting because of server version mismatch' >&2\nexit 1\n")
    failing.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.setattr(pg_tools, "PROGRAM_FOLDERS", ())
    target = tmp_path / "office.dump"
    with pytest.raises(pg_tools.ClientProgramFailed, match="サーバーより古い"):
        backup.make(make_url("postgresql+psycopg://office:pw@desk.invalid/desk"), target)
    assert not target.exists()

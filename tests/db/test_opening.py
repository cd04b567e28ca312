"""Opening looks before it writes (issue 7: M1, M3, L1, L2, L6, L8): what is refused, what is
left byte for byte as it was, what gets created and with which file modes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import exc, text

from reseller_desk.db.database import (
    APPLICATION_ID,
    Database,
    DatabaseError,
    DatabaseNeedsMigration,
    DatabaseNotFound,
    DatabaseTooNew,
    NotOurDatabase,
)
from reseller_desk.db.errors import READ_ONLY_MESSAGE, user_message
from reseller_desk.db.revisions import head_revision
from reseller_desk.db.sqlite_file import backup


def snapshot(path: Path) -> tuple[str, int, list[str]]:
    """The file's bytes (sha256), its mtime and the folder's listing (-wal/-shm/-journal)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, sorted(os.listdir(path.parent))


def sqlite_run(path: Path, *statements: str) -> list:
    """Statements on a plain sqlite3 connection (what another program, or a user, would do)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return [conn.execute(statement).fetchall() for statement in statements]
    finally:
        conn.close()


def ours(path: Path, journal_mode: str = "wal", revision: str | None = None, application_id: int | None = None) -> Path:
    Database.open(path, create=True).dispose()
    statements = [f"PRAGMA journal_mode = {journal_mode}"]
    if revision:
        statements.append(f"UPDATE alembic_version SET version_num = '{revision}'")
    if application_id is not None:
        statements.append(f"PRAGMA application_id = {application_id}")
    sqlite_run(path, *statements)
    assert sorted(os.listdir(path.parent)) == [path.name]
    return path


def application_id(path: Path) -> int:
    return sqlite_run(path, "PRAGMA application_id")[0][0][0]


OPENINGS = {
    "window or migrate": dict(create=True),
    "a write command": dict(),
    "a read command": dict(readonly=True),
}


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
@pytest.mark.parametrize("stamped", [True, False], ids=["with our id", "from before the id"])
@pytest.mark.parametrize("opening", OPENINGS, ids=list(OPENINGS))
def test_a_database_from_a_newer_version_keeps_every_byte_whatever_its_journal_mode(tmp_path, journal_mode, stamped,
                                                                                     opening):
    path = ours(tmp_path / "newer.sqlite3", journal_mode, revision="0099_from_the_future",
                application_id=None if stamped else 0)
    before = snapshot(path)
    with pytest.raises(DatabaseTooNew) as error:
        Database.open(path, **OPENINGS[opening])
    assert "新しいバージョン" in str(error.value) and "何も書き込んでいません" in str(error.value)
    assert snapshot(path) == before
    assert sqlite_run(path, "PRAGMA journal_mode")[0][0][0] == journal_mode


def test_a_new_database_carries_our_application_id_and_starts_in_wal(tmp_path):
    path = tmp_path / "new.sqlite3"
    db = Database.open(path, create=True)
    assert db.created and db.current_revision() == head_revision()
    db.dispose()
    assert APPLICATION_ID == 0x5244736B == int.from_bytes(b"RDsk", "big")
    assert application_id(path) == APPLICATION_ID
    assert path.read_bytes()[68:72] == b"RDsk"  # in the file header, where `file(1)` looks
    assert sqlite_run(path, "PRAGMA journal_mode")[0][0][0] == "wal"
    again = Database.open(path)
    assert not again.created
    again.dispose()


def test_a_database_of_ours_from_before_the_id_gets_it_when_opened_for_writing_and_not_when_only_read(tmp_path):
    path = ours(tmp_path / "office.sqlite3", application_id=0)
    before = snapshot(path)
    Database.open(path, readonly=True).dispose()
    assert snapshot(path) == before and application_id(path) == 0
    Database.open(path).dispose()
    assert application_id(path) == APPLICATION_ID


def test_the_journal_mode_is_turned_to_wal_only_by_an_opening_that_may_write(tmp_path):
    path = ours(tmp_path / "office.sqlite3", "delete")
    before = snapshot(path)
    db = Database.open(path, readonly=True)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM staff_users")).scalar() == 0
    db.dispose()
    assert snapshot(path) == before
    Database.open(path).dispose()
    assert sqlite_run(path, "PRAGMA journal_mode")[0][0][0] == "wal"


@pytest.mark.parametrize("opening", OPENINGS, ids=list(OPENINGS))
def test_another_programs_sqlite_file_is_refused_and_never_given_our_tables(tmp_path, opening):
    path = tmp_path / "places.sqlite"
    sqlite_run(path, "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)",
               "INSERT INTO bookmarks (url) VALUES ('https://example.jp/')")
    before = snapshot(path)
    with pytest.raises(NotOurDatabase) as error:
        Database.open(path, **OPENINGS[opening])
    assert "別のアプリケーション" in str(error.value) and str(path) in str(error.value)
    assert snapshot(path) == before


def _our_tables_with_geopackages_id(path: Path) -> None:
    ours(path, application_id=0x47504B47)


def _another_programs_alembic_database(path: Path) -> None:
    sqlite_run(path, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)",
               "INSERT INTO alembic_version VALUES ('0001_initial')", "CREATE TABLE customers (id INTEGER)")


@pytest.mark.parametrize("make", [_our_tables_with_geopackages_id, _another_programs_alembic_database],
                         ids=["our tables, another program's id", "another program's Alembic database"])
def test_a_look_alike_of_another_program_is_not_ours(tmp_path, make):
    path = tmp_path / "other" / "look-alike.sqlite3"
    path.parent.mkdir()
    make(path)
    before = snapshot(path)
    with pytest.raises(NotOurDatabase):
        Database.open(path, create=True)
    assert snapshot(path) == before


def test_a_zero_byte_file_is_a_new_database_only_where_creating_is_allowed(tmp_path):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    for opening in (dict(), dict(readonly=True)):
        with pytest.raises(DatabaseNotFound) as error:
            Database.open(path, **opening)
        assert "空" in str(error.value) and "reseller-desk migrate" in str(error.value)
        assert path.stat().st_size == 0 and os.listdir(tmp_path) == ["empty.sqlite3"]
    db = Database.open(path, create=True)
    assert db.created and db.current_revision() == head_revision()
    db.dispose()
    assert application_id(path) == APPLICATION_ID


@pytest.mark.parametrize("opening", [dict(), dict(readonly=True)], ids=["a write command", "a read command"])
def test_a_mistyped_path_is_an_error_naming_it_and_creates_neither_file_nor_folder(tmp_path, opening):
    path = tmp_path / "typo" / "sub" / "desk.sqlite3"
    with pytest.raises(DatabaseNotFound) as error:
        Database.open(path, **opening)
    assert str(path) in str(error.value) and "見つかりません" in str(error.value)
    assert os.listdir(tmp_path) == []


def test_a_read_only_opening_refuses_an_older_schema_saying_run_migrate_and_writes_nothing(tmp_path):
    path = ours(tmp_path / "old.sqlite3", "delete", revision="0004_issued_notice_pdfs")
    before = snapshot(path)
    with pytest.raises(DatabaseNeedsMigration) as error:
        Database.open(path, readonly=True)
    assert "reseller-desk migrate を実行してください" in str(error.value)
    assert snapshot(path) == before


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_files_and_folders_we_create_are_the_owners_alone_under_umask_022(tmp_path, umask_022):
    (tmp_path / "office").mkdir(mode=0o755)
    path = tmp_path / "office" / "new" / "deeper" / "desk.sqlite3"
    db = Database.open(path, create=True)
    with db.transaction() as session:  # a write, so that the -wal holds something
        session.execute(text("INSERT INTO company_closures (day, note) VALUES ('2026-12-29', '')"))
    try:
        assert sorted(os.listdir(path.parent)) == ["desk.sqlite3", "desk.sqlite3-shm", "desk.sqlite3-wal"]
        # SQLite's unix VFS gives the -wal and -shm the database file's own mode.
        assert {name: mode(path.parent / name) for name in os.listdir(path.parent)} == {
            "desk.sqlite3": 0o600, "desk.sqlite3-shm": 0o600, "desk.sqlite3-wal": 0o600}
    finally:
        db.dispose()
    assert mode(path.parent) == mode(path.parent.parent) == 0o700
    assert mode(tmp_path / "office") == 0o755  # a folder that was there keeps its mode


def test_a_database_file_that_exists_keeps_the_mode_its_owner_gave_it(tmp_path, umask_022):
    path = ours(tmp_path / "shared.sqlite3")
    os.chmod(path, 0o640)  # e.g. shared with an office group on purpose
    Database.open(path).dispose()
    assert mode(path) == 0o640


def test_a_backup_is_a_copy_only_its_owner_can_read(tmp_path, umask_022):
    source = ours(tmp_path / "office.sqlite3")
    target = tmp_path / "backups" / "2026-12-01.sqlite3"
    backup(source, target)
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    copy = Database.open(target, readonly=True)
    assert copy.current_revision() == head_revision()
    copy.dispose()
    with pytest.raises(FileExistsError):
        backup(source, target)


def _truncated(path: Path) -> None:
    ours(path)
    path.write_bytes(path.read_bytes()[: 4096 * 3])


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(3 * 4096))


def _text(path: Path) -> None:
    path.write_text("これはデータベースではありません\n", encoding="utf-8")


def _folder(path: Path) -> None:
    path.mkdir()


def _short(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x10\x00")


BROKEN = {"truncated": _truncated, "random bytes": _random_bytes, "a text file": _text, "a folder": _folder,
          "a cut header": _short}


@pytest.mark.parametrize("make", BROKEN.values(), ids=list(BROKEN))
@pytest.mark.parametrize("opening", OPENINGS, ids=list(OPENINGS))
def test_a_file_that_is_not_a_sound_database_is_refused_in_japanese_and_left_alone(tmp_path, make, opening):
    path = tmp_path / "broken.sqlite3"
    make(path)
    before = sorted(os.listdir(tmp_path)), (hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    with pytest.raises(DatabaseError) as error:
        Database.open(path, **OPENINGS[opening])
    message = str(error.value)
    assert str(path) in message and "Traceback" not in message and any("\u3040" <= c <= "\u30ff" for c in message)
    after = sorted(os.listdir(tmp_path)), (hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    assert after == before


def test_a_file_of_the_kernel_that_claims_zero_bytes_is_not_taken_for_a_new_database():
    with pytest.raises(NotOurDatabase) as error:
        Database.open("sqlite:////proc/version", create=True)
    assert "SQLite のデータベースではありません" in str(error.value)


@pytest.mark.parametrize("target, words", [
    ("foo://x", "「foo」には対応していません"),
    ("postgresql+nosuchdriver://u@h/db", "対応していません"),
    ("sqlite://user@host/x.db", "正しくありません"),
    ("://", "正しくありません"),
])
def test_an_unknown_driver_or_a_broken_url_is_refused_in_japanese(tmp_path, target, words):
    with pytest.raises(DatabaseError) as error:
        Database.open(target, create=True)
    assert words in str(error.value)


def test_a_database_opened_with_mode_ro_reads_and_a_write_is_refused_in_japanese(tmp_path):
    path = ours(tmp_path / "office.sqlite3")
    before = snapshot(path)
    db = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert db.read_only and db.current_revision() == head_revision()
    with pytest.raises(exc.OperationalError) as error, db.transaction() as session:
        session.execute(text("INSERT INTO company_closures (day, note) VALUES ('2026-12-29', '')"))
    db.dispose()
    assert user_message(error.value) == READ_ONLY_MESSAGE
    assert snapshot(path)[:2] == before[:2]  # (SQLite's mode=ro may leave an empty -wal and its -shm)


def test_a_read_only_opening_cannot_write_even_where_the_file_is_writable(tmp_path):
    path = ours(tmp_path / "office.sqlite3")
    db = Database.open(path, readonly=True)
    with pytest.raises(exc.OperationalError) as error, db.transaction() as session:
        session.execute(text("INSERT INTO company_closures (day, note) VALUES ('2026-12-29', '')"))
    db.dispose()
    assert user_message(error.value) == READ_ONLY_MESSAGE
    assert sorted(os.listdir(tmp_path)) == ["office.sqlite3"]  # no -wal/-shm left behind


def test_no_engine_puts_bound_parameters_into_its_errors(tmp_path):
    """M1: an error's text names the statement, never the values (a customer's name, a hash)."""
    for target in (tmp_path / "office.sqlite3", "sqlite://"):
        db = Database.open(target, create=True)
        insert = text("INSERT INTO staff_users (login, display_name, role, active, demo_account, created_at, "
                      "must_change_password, failed_logins) VALUES (:login, :name, 'manager', 1, 0, '2026-01-01', 0, 0)")
        with pytest.raises(exc.IntegrityError) as error, db.transaction() as session:
            for _twice in range(2):  # the second one breaks the unique login
                session.execute(insert, {"login": "dup", "name": "秘密 花子"})
        db.dispose()
        assert "INSERT INTO staff_users" in str(error.value) and "秘密" not in str(error.value)
        assert "parameters hidden" in str(error.value)


@pytest.mark.sqlite_only
def test_a_write_transaction_holds_the_write_lock_from_its_first_line(db):
    path = unquote(db.engine.url.database.removeprefix("file:"))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.transaction(write=True), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        with db.transaction():  # an ordinary transaction takes no lock before it writes
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_second_writer_waits_for_the_first_and_a_reader_does_not(db):
    """On both engines: a transaction begun with write=True holds the write lock from its
    first line (SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock), so another desk's
    write transaction begins only after it ends, and a read transaction never waits."""
    other = Database.open(db.url)
    entered: list[float] = []
    try:
        def second_writer() -> None:
            with other.transaction(write=True):
                entered.append(time.monotonic())

        with db.transaction(write=True):
            thread = threading.Thread(target=second_writer)
            thread.start()
            with other.transaction() as session:  # a reader goes straight in
                assert session.execute(text("SELECT 1")).scalar() == 1
            time.sleep(0.3)
            assert entered == []
            released = time.monotonic()
        thread.join(10)
        assert entered and entered[0] >= released
    finally:
        other.dispose()


def test_an_in_memory_database_opens_without_a_file(tmp_path):
    db = Database.open("sqlite://", create=True)
    assert db.current_revision() == head_revision() and not db.read_only
    db.dispose()
    assert os.listdir(tmp_path) == []

"""The CLI on databases it cannot use (issue 7: L1, L2, L8, M1, M3): one short Japanese line on
stderr, exit status 2, no traceback, no SQL parameters, and the database as it was."""

from __future__ import annotations

import io
import logging
import os
import random
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reseller_desk.cli import main
from reseller_desk.db.database import Database
from reseller_desk.db.errors import CORRUPT_MESSAGE, GENERIC_MESSAGE, READ_ONLY_MESSAGE
from reseller_desk.db.revisions import head_revision

from .db.test_opening import BROKEN, ours, snapshot, sqlite_run
from .db.unprivileged import cli_bound_by_file_modes

READ_COMMANDS = [["status"], ["customers"], ["profiles"], ["user", "list"]]
IDS = [" ".join(c) for c in READ_COMMANDS]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_japanese_line(err: str, *words: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("エラー: "), err
    assert "Traceback" not in err and "sqlite3." not in err and "[SQL" not in err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("command", READ_COMMANDS, ids=IDS)
def test_a_read_command_on_a_mistyped_path_names_it_and_creates_nothing(tmp_path, capsys, command):
    path = tmp_path / "typo" / "sub" / "desk.sqlite3"
    code, _out, err = run(capsys, *command, "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err, str(path), "見つかりません")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("command", READ_COMMANDS, ids=IDS)
def test_a_read_command_on_an_empty_file_leaves_it_empty(tmp_path, capsys, command):
    path = tmp_path / "empty.sqlite3"
    path.touch()
    code, _out, err = run(capsys, *command, "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err, "空", "reseller-desk migrate")
    assert path.stat().st_size == 0 and os.listdir(tmp_path) == ["empty.sqlite3"]


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
@pytest.mark.parametrize("command", READ_COMMANDS + [["migrate"]], ids=IDS + ["migrate"])
def test_a_database_from_a_newer_version_is_refused_by_every_command_and_keeps_every_byte(tmp_path, capsys, command,
                                                                                          journal_mode):
    path = ours(tmp_path / "newer.sqlite3", journal_mode, revision="0099_from_the_future", application_id=0)
    before = snapshot(path)
    code, _out, err = run(capsys, *command, "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err, "新しいバージョン", "何も書き込んでいません")
    assert snapshot(path) == before


def test_a_read_command_refuses_an_older_schema_saying_run_migrate_and_migrate_upgrades_it(tmp_path, capsys):
    from alembic import command

    from reseller_desk.db.migrate import alembic_config

    path = tmp_path / "old.sqlite3"
    db = Database.open(path, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0004_issued_notice_pdfs")
    db.dispose()
    before = snapshot(path)
    for read in READ_COMMANDS:
        code, _out, err = run(capsys, *read, "--db", str(path))
        assert code == 2
        assert_one_japanese_line(err, "0004_issued_notice_pdfs", "reseller-desk migrate を実行してください")
        assert snapshot(path) == before
    code, out, _err = run(capsys, "migrate", "--db", str(path))
    assert code == 0 and head_revision() in out
    assert run(capsys, "status", "--db", str(path))[0] == 0


@pytest.mark.parametrize("command", READ_COMMANDS + [["migrate"]], ids=IDS + ["migrate"])
def test_another_programs_sqlite_file_is_refused_and_keeps_every_byte(tmp_path, capsys, command):
    path = tmp_path / "places.sqlite"
    sqlite_run(path, "CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    before = snapshot(path)
    code, _out, err = run(capsys, *command, "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err, "別のアプリケーション")
    assert snapshot(path) == before


@pytest.mark.parametrize("make", BROKEN.values(), ids=list(BROKEN))
@pytest.mark.parametrize("command", [["status"], ["migrate"], ["user", "list"]], ids=["status", "migrate", "user list"])
def test_a_file_that_is_not_a_sound_database_gets_one_japanese_line_and_exit_status_2(tmp_path, capsys, make,
                                                                                     command):
    path = tmp_path / "broken.sqlite3"
    make(path)
    code, _out, err = run(capsys, *command, "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err, str(path))


@pytest.mark.parametrize("target, words", [
    ("foo://x", "「foo」には対応していません"),
    ("sqlite:////proc/version", "SQLite のデータベースではありません"),
])
def test_an_unknown_driver_or_a_kernel_file_gets_one_japanese_line_from_the_real_command(target, words):
    result = subprocess.run([sys.executable, "-m", "reseller_desk", "status", "--db", target],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert_one_japanese_line(result.stderr, words)


def test_a_database_damaged_in_its_middle_ends_status_with_one_japanese_line(tmp_path, capsys):
    path = ours(tmp_path / "damaged.sqlite3", "delete")
    sqlite_run(path, "CREATE TABLE padding (x)", *["INSERT INTO padding VALUES (randomblob(3000))"] * 40)
    data = bytearray(path.read_bytes())
    noise = random.Random(20).randbytes(len(data))
    data[4096 * 2:] = noise[4096 * 2:]  # every page after the schema page and the first table's
    path.write_bytes(bytes(data))
    code, _out, err = run(capsys, "status", "--db", str(path))
    assert code == 2
    assert_one_japanese_line(err)
    assert CORRUPT_MESSAGE in err or "壊れています" in err


def add_first_manager(capsys, target: str) -> tuple[int, str, str]:
    sys.stdin = io.StringIO("first-pass-1\n")
    try:
        return run(capsys, "user", "add", "--db", target, "--login", "tanaka", "--name", "田中 一郎",
                   "--role", "manager", "--password-stdin")
    finally:
        sys.stdin = sys.__stdin__


def test_a_read_only_database_answers_reads_and_refuses_a_write_in_japanese_without_the_hash(tmp_path, capsys):
    path = ours(tmp_path / "office.sqlite3")
    before = snapshot(path)
    target = f"sqlite:///file:{path}?mode=ro&uri=true"
    code, out, _err = run(capsys, "status", "--db", target)
    assert code == 0 and "顧客数: 0" in out
    code, _out, err = add_first_manager(capsys, target)
    assert code == 2
    assert_one_japanese_line(err, READ_ONLY_MESSAGE)
    assert "scrypt" not in err and "tanaka" not in err
    assert snapshot(path)[:2] == before[:2]


def test_a_database_error_in_the_middle_of_a_command_is_worded_and_shows_no_parameters(tmp_path, capsys):
    path = ours(tmp_path / "office.sqlite3")
    sqlite_run(path, "CREATE TRIGGER refuse BEFORE INSERT ON staff_users BEGIN SELECT RAISE(ABORT, 'nope'); END")
    code, _out, err = add_first_manager(capsys, str(path))
    assert code == 2
    assert_one_japanese_line(err, GENERIC_MESSAGE)
    assert "scrypt" not in err and "田中" not in err


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_full_error_goes_to_the_log_when_there_is_one_and_never_to_stderr(tmp_path, capsys):
    path = ours(tmp_path / "office.sqlite3")
    sqlite_run(path, "CREATE TRIGGER refuse BEFORE INSERT ON staff_users BEGIN SELECT RAISE(ABORT, 'nope'); END")
    collect = Collect()
    logger = logging.getLogger("reseller_desk")
    logger.addHandler(collect)
    try:
        code, _out, err = add_first_manager(capsys, str(path))
    finally:
        logger.removeHandler(collect)
    assert code == 2
    assert_one_japanese_line(err)
    failures = [r for r in collect.records if r.exc_info]
    assert len(failures) == 1 and "IntegrityError" in logging.Formatter().format(failures[0])
    assert "scrypt" not in logging.Formatter().format(failures[0])


def test_status_points_out_a_database_file_other_users_can_read(tmp_path, capsys):
    path = ours(tmp_path / "office.sqlite3")
    os.chmod(path, 0o644)
    code, out, _err = run(capsys, "status", "--db", str(path))
    assert code == 0 and "chmod 600" in out
    os.chmod(path, 0o600)
    code, out, _err = run(capsys, "status", "--db", str(path))
    assert code == 0 and "chmod" not in out


def _read_only(path: Path, what: str) -> None:
    if what == "file 0444":
        os.chmod(path, 0o444)
    else:
        os.chmod(path.parent, 0o555)


@pytest.mark.parametrize("what", ["file 0444", "folder 0555"])
def test_a_database_whose_file_or_folder_is_read_only_can_be_read_and_a_write_gets_a_japanese_line(tmp_path, what):
    folder = tmp_path / "office"
    path = ours(folder / "office.sqlite3")
    _read_only(path, what)
    try:
        status = cli_bound_by_file_modes("status", "--db", str(path))
        assert status.returncode == 0 and "顧客数: 0" in status.stdout, status.stderr
        add = cli_bound_by_file_modes("user", "add", "--db", str(path), "--login", "tanaka", "--name", "田中",
                                      "--role", "manager", "--password-stdin", input="first-pass-1\n")
        assert add.returncode == 2
        assert_one_japanese_line(add.stderr, "読み取り専用")
        assert "scrypt" not in add.stderr
    finally:
        os.chmod(folder, 0o755)
        os.chmod(path, 0o600)
    assert sqlite_run(path, "SELECT count(*) FROM staff_users")[0][0][0] == 0


def test_a_file_nobody_may_read_and_a_database_in_a_folder_nobody_may_write_get_japanese_lines(tmp_path):
    path = ours(tmp_path / "secret.sqlite3")
    os.chmod(path, 0o000)
    try:
        result = cli_bound_by_file_modes("status", "--db", str(path))
    finally:
        os.chmod(path, 0o600)
    assert result.returncode == 2
    assert_one_japanese_line(result.stderr, "読めません", str(path))
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        result = cli_bound_by_file_modes("migrate", "--db", str(locked / "new.sqlite3"))
    finally:
        os.chmod(locked, 0o755)
    assert result.returncode == 2
    assert_one_japanese_line(result.stderr, "作成できません", "権限がありません")
    assert os.listdir(locked) == []


def test_a_mode_of_a_database_created_by_migrate_is_the_owners_alone(tmp_path, capsys):
    previous = os.umask(0o022)
    try:
        assert run(capsys, "migrate", "--db", str(tmp_path / "new" / "desk.sqlite3"))[0] == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new" / "desk.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    db = Database.open(tmp_path / "new" / "desk.sqlite3", readonly=True)
    db.dispose()


def test_a_sqlite_error_the_driver_raises_directly_is_worded_too():
    from reseller_desk.cli import error_message

    assert error_message(sqlite3.OperationalError("attempt to write a readonly database")) == READ_ONLY_MESSAGE
    assert error_message(RuntimeError("a bug")) is None  # a bug keeps its traceback

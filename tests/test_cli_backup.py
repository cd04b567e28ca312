"""``reseller-desk backup`` and ``reseller-desk restore`` on both engines: a demo office backed up
by its manager and restored into an empty database shows the same status; restoring over data,
a wrong password and a missing pg_dump are one Japanese line and exit status 2."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest

from reseller_desk.db import pg_tools
from reseller_desk.db.database import Database

from .db.backups import assert_empty, audit_log, table_counts
from .test_cli_errors import assert_one_japanese_line
from .test_cli_user import run

KANRI_PASSWORD = "kanri-demo\n"  # the demo manager's public password


@pytest.fixture
def demo_office(db, monkeypatch, capsys) -> str:
    """A demo office made with the CLI in the test's database; its URL."""
    db.dispose()
    assert run(monkeypatch, capsys, "demo", "--db", db.url, "--customers", "40")[0] == 0
    return db.url


def back_up(monkeypatch, capsys, source: str, out: Path) -> Path:
    code, printed, err = run(monkeypatch, capsys, "backup", "--db", source, "--out", str(out), "--as", "kanri",
                             "--password-stdin", stdin=KANRI_PASSWORD)
    assert code == 0, err
    found = re.fullmatch(r"バックアップを作成しました: (.+)（([\d,]+) バイト）\n", printed)
    assert found, printed
    return Path(found.group(1))


def status_lines(monkeypatch, capsys, target: str) -> list[str]:
    code, out, err = run(monkeypatch, capsys, "status", "--db", target)
    assert code == 0, err
    return [line for line in out.splitlines() if not line.startswith("データベース:")]


def test_a_backup_restored_into_an_empty_database_has_the_same_status(demo_office, new_database, backend, tmp_path,
                                                                      monkeypatch, capsys):
    before = status_lines(monkeypatch, capsys, demo_office)
    file = back_up(monkeypatch, capsys, demo_office, tmp_path / "backups")
    source = Database.open(demo_office)
    counts, log = table_counts(source), audit_log(source)
    source.dispose()
    # the manager's log-in came before the copy, its record after: the copy has one record less
    assert [entry[3] for entry in log[-2:]] == ["staff.login", "backup.make"]
    counts["audit_log"] -= 1
    assert file.parent == tmp_path / "backups" and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert re.fullmatch(r"reseller-desk-backup-\d{8}-\d{4}\.(sqlite3|dump)", file.name)

    code, out, err = run(monkeypatch, capsys, "restore", str(file), "--db", new_database)
    assert code == 0, err
    assert out.startswith("復元しました: ")
    assert f"顧客数: {counts['customers']}  担当者数: {counts['staff_users']}" in out
    assert status_lines(monkeypatch, capsys, new_database) == before
    copy = Database.open(new_database)
    try:
        assert table_counts(copy) == counts and audit_log(copy) == log[:-1]
    finally:
        copy.dispose()


def test_restore_over_a_database_with_data_is_refused_in_one_line(demo_office, tmp_path, monkeypatch, capsys):
    file = back_up(monkeypatch, capsys, demo_office, tmp_path / "backups")
    before = status_lines(monkeypatch, capsys, demo_office)
    code, out, err = run(monkeypatch, capsys, "restore", str(file), "--db", demo_office)
    assert code == 2 and out == ""
    assert_one_japanese_line(err, "既にテーブルがあります", "上書きはしません")
    assert status_lines(monkeypatch, capsys, demo_office) == before


def test_backup_needs_the_managers_password(demo_office, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "backups"
    code, _out, err = run(monkeypatch, capsys, "backup", "--db", demo_office, "--out", f"{folder}/", "--as", "kanri",
                          "--password-stdin", stdin="wrong-password\n")
    assert code == 2
    assert_one_japanese_line(err, "ログインIDかパスワードが違います")
    assert not folder.exists() or os.listdir(folder) == []
    code, _out, err = run(monkeypatch, capsys, "backup", "--db", demo_office, "--out", f"{folder}/", "--as", "jimu",
                          "--password-stdin", stdin="jimu-demo\n")
    assert code == 2
    assert_one_japanese_line(err, "管理者だけ")


def test_without_postgresql_client_programs_sqlite_backs_up_and_postgresql_says_what_to_install(
        demo_office, backend, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(pg_tools, "PROGRAM_FOLDERS", ())
    folder = tmp_path / "backups"
    code, out, err = run(monkeypatch, capsys, "backup", "--db", demo_office, "--out", f"{folder}/", "--as", "kanri",
                         "--password-stdin", stdin=KANRI_PASSWORD)
    if backend == "sqlite":
        assert code == 0 and out.startswith("バックアップを作成しました") and len(os.listdir(folder)) == 1
    else:
        assert code == 2 and out == ""
        assert_one_japanese_line(err, "pg_dump", "postgresql-client", "インストールしてください")
        assert os.listdir(folder) == []


def test_restore_of_a_file_that_is_no_backup_writes_nothing(new_database, tmp_path, monkeypatch, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("会議のメモ")
    code, _out, err = run(monkeypatch, capsys, "restore", str(notes), "--db", new_database)
    assert code == 2
    assert_one_japanese_line(err, "Reseller Desk のバックアップではありません")
    assert_empty(new_database)

"""``reseller-desk usage import FILE --month 2026-11`` on both engines: the preview's counts, then
a clerk's import named in the audit log; a file with bad rows prints one line per fault and
exits 2 having imported nothing, unless --drop-bad; --dry-run needs no log-in and writes
nothing; the same file twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry, StaffUser, UsageRecord
from reseller_desk.services import auth

from .services.usage_builders import after_november as after_november  # noqa: F401 - autouse: the clock at 2026-12-02
from .services.usage_builders import call, lines_on_file, usage_csv
from .test_cli_import import CLERK_PASSWORD
from .test_cli_import import plans as plans  # noqa: F401 - the fixture: the office's plans
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)
from .test_cli_user import run


@pytest.fixture
def numbers(plans):  # noqa: F811
    """Two contracts with a number each: 03-0000-0001 and 03-0000-0002."""
    db = Database.open(plans)
    try:
        return [line.typed for line in lines_on_file(db, auth.login(db, "suzuki", CLERK_PASSWORD.strip()), 2)]
    finally:
        db.dispose()


def usage_and_audit(path: str) -> tuple[int, list[tuple[str, str]]]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            calls = session.scalar(select(func.count()).select_from(UsageRecord))
            log = session.execute(select(AuditEntry.action, StaffUser.login).join(StaffUser)
                                  .where(AuditEntry.action == "usage.import")).tuples().all()
        return calls, list(log)
    finally:
        db.dispose()


def usage_import(monkeypatch, capsys, path: str, db: str, *options: str, stdin: str | None = CLERK_PASSWORD):
    login = ("--as", "suzuki", "--password-stdin") if stdin is not None else ()
    return run(monkeypatch, capsys, "usage", "import", path, "--month", "2026-11", "--db", db, *login, *options,
               stdin=stdin)


def test_a_clerk_imports_a_file_after_its_preview_and_the_audit_log_names_the_clerk(plans, numbers, tmp_path,  # noqa: F811
                                                                                  monkeypatch, capsys):
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0], amount="12"), call(numbers[1], "2026/11/30 10:00", amount="30")],
                               "cp932"))
    code, out, err = usage_import(monkeypatch, capsys, str(file), plans)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "11月分.csv: 2026年11月分 2件（正しい行 2件、番号 2件、金額 ¥42 税抜）。",
        "2026年11月分の通話 2件（¥42 税抜）を取り込みました。"]
    assert usage_and_audit(plans) == (2, [("usage.import", "suzuki")])
    code, out, _ = usage_import(monkeypatch, capsys, str(file), plans)
    assert code == 0 and "すべて取込済み" in out and usage_and_audit(plans)[0] == 2


def test_bad_rows_are_printed_one_a_line_and_nothing_is_imported_unless_they_are_dropped(plans, numbers,  # noqa: F811
                                                                                        tmp_path, monkeypatch, capsys):
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0]), call(numbers[1], "2026-12-01 09:00"), call("03-9999-0000")]))
    code, out, err = usage_import(monkeypatch, capsys, str(file), plans)
    assert code == 2 and "誤りのある行 2件" in out
    lines = err.splitlines()
    assert lines[0] == "行 3 列 日時: 日時 2026-12-01 09:00 は2026年11月の通話ではありません。"
    assert lines[1].startswith("行 4 列 電話番号: 電話番号 0399990000 は")
    assert lines[2].startswith("エラー: 2行に誤りがあるため、取り込みませんでした")
    assert usage_and_audit(plans) == (0, [])
    code, out, err = usage_import(monkeypatch, capsys, str(file), plans, "--drop-bad")
    assert code == 0 and "誤りのある 2行は除きました" in out and len(err.splitlines()) == 2
    assert usage_and_audit(plans)[0] == 1


def test_a_dry_run_needs_no_log_in_and_imports_nothing(plans, numbers, tmp_path, monkeypatch, capsys):  # noqa: F811
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0])]))
    code, out, _ = usage_import(monkeypatch, capsys, str(file), plans, "--dry-run", stdin=None)
    assert code == 0 and "確認のみです。何も取り込んでいません。取り込むと 1件を追加します。" in out
    assert usage_and_audit(plans)[0] == 0
    code, _, err = usage_import(monkeypatch, capsys, str(file), plans, stdin=None)
    assert code == 2 and "--as" in err


def test_a_wrong_password_a_bad_month_or_a_missing_file_imports_nothing(plans, numbers, tmp_path, monkeypatch,  # noqa: F811
                                                                       capsys):
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0])]))
    code, _, err = usage_import(monkeypatch, capsys, str(file), plans, stdin="wrong-password\n")
    assert code == 2 and err.startswith("エラー:")
    with pytest.raises(SystemExit):
        run(monkeypatch, capsys, "usage", "import", str(file), "--month", "2026-13", "--db", plans)
    assert "YYYY-MM" in capsys.readouterr().err
    code, _, err = usage_import(monkeypatch, capsys, str(tmp_path / "none.csv"), plans)
    assert code == 2 and "none.csv を読めません" in err
    assert usage_and_audit(plans)[0] == 0

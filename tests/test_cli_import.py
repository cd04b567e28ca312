"""``reseller-desk import contracts FILE`` on both engines, acting as someone: a clerk imports a
file and the audit log names them; a file with a bad row prints one line per fault and exits 2
having imported nothing; --dry-run writes nothing; a wrong password or no staff role imports
nothing; read commands still need no log-in."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry, Contract, StaffUser
from reseller_desk.domain.company import PlanDetails
from reseller_desk.services import auth, settings

from .services.import_rows import every_status_rows, sc_row, write_csv
from .test_cli_user import BOSS_PASSWORD, run
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)

CLERK_PASSWORD = "clerk-pass-1\n"


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(dt.date(2026, 11, 20)):
        yield


@pytest.fixture
def plans(office):  # noqa: F811
    db = Database.open(office)
    try:
        manager = auth.login(db, "tanaka", BOSS_PASSWORD)
        for profile, code, name in (("simpleconnect", "SC-BASIC", "ベーシック"), ("sokujitsu", "SH-LIGHT", "ライト")):
            settings.save_plan(db, manager, None, PlanDetails(profile, code, name, 2980, 5000), expected_version=None)
        settings.save_option(db, manager, None, PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 1000),
                             expected_version=None)
    finally:
        db.dispose()
    return office


def contracts_and_audit(path: str) -> tuple[int, list[tuple[str, str]]]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            contracts = session.scalar(select(func.count()).select_from(Contract))
            log = session.execute(select(AuditEntry.action, StaffUser.login).join(StaffUser)
                                  .where(AuditEntry.action.like("contract%"))).tuples().all()
        return contracts, list(log)
    finally:
        db.dispose()


def test_a_clerk_imports_a_file_and_the_audit_log_names_the_clerk(plans, tmp_path, monkeypatch, capsys):
    file = write_csv(tmp_path / "契約一覧.csv", every_status_rows(40), "cp932")
    code, out, err = run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans, "--as", "suzuki",
                         "--password-stdin", stdin=CLERK_PASSWORD)
    assert code == 0, err
    assert out.startswith("契約 40件を取り込みました。")
    contracts, log = contracts_and_audit(plans)
    assert contracts == 40 and {login for _, login in log} == {"suzuki"}
    assert ("contracts.import", "suzuki") in log
    code, out, _err = run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans, "--as", "suzuki",
                          "--password-stdin", stdin=CLERK_PASSWORD)
    assert code == 0 and "何も追加していません" in out and contracts_and_audit(plans)[0] == 40


def test_a_bad_row_prints_each_fault_on_its_line_and_imports_nothing(plans, tmp_path, monkeypatch, capsys):
    rows = every_status_rows(20)
    rows[10] = {**rows[10], "プラン": "NOPE"}
    rows[15] = {**rows[15], "回線数": "0", "電話番号": "12345"}
    file = write_csv(tmp_path / "x.csv", rows)
    code, out, err = run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans, "--as", "suzuki",
                         "--password-stdin", stdin=CLERK_PASSWORD)
    lines = err.splitlines()
    assert code == 2 and out == ""
    assert lines[0].startswith("行 12 列 プラン: ") and "NOPE" in lines[0]
    assert lines[1].startswith("行 17 列 電話番号: ") and lines[2].startswith("行 17 列 回線数: ")
    assert lines[-1] == "エラー: 2行に誤りがあるため、取り込みませんでした（何も取り込んでいません）。"
    assert contracts_and_audit(plans)[0] == 0


def test_a_dry_run_checks_and_writes_nothing(plans, tmp_path, monkeypatch, capsys):
    file = write_csv(tmp_path / "x.csv", [sc_row(1), sc_row(2)])
    code, out, _err = run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans, "--dry-run",
                          "--as", "tanaka", "--password-stdin", stdin=f"{BOSS_PASSWORD}\n")
    assert code == 0 and "確認のみ" in out and contracts_and_audit(plans)[0] == 0


def test_a_wrong_password_imports_nothing(plans, tmp_path, monkeypatch, capsys):
    file = write_csv(tmp_path / "x.csv", [sc_row(1)])
    code, _out, err = run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans, "--as", "suzuki",
                          "--password-stdin", stdin="wrong-password\n")
    assert code == 2 and err == "エラー: ログインIDかパスワードが違います。\n"
    assert contracts_and_audit(plans)[0] == 0


def test_changing_commands_need_as_and_read_commands_do_not(plans, monkeypatch, capsys, tmp_path):
    file = write_csv(tmp_path / "x.csv", [sc_row(1)])
    with pytest.raises(SystemExit):
        run(monkeypatch, capsys, "import", "contracts", str(file), "--db", plans)
    assert "--as" in capsys.readouterr().err
    assert run(monkeypatch, capsys, "status", "--db", plans)[0] == 0
    assert run(monkeypatch, capsys, "customers", "--db", plans)[0] == 0

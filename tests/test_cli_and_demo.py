"""The command line and the demo office."""

from __future__ import annotations

import collections
import io
import random
import re
import subprocess
import sys

import phonenumbers
import pytest

from reseller_desk.cli import main
from reseller_desk.db.database import Database
from reseller_desk.demo import demo_customer, fill_demo
from reseller_desk.domain.customer import clean, validate
from reseller_desk.services import auth, customers, settings
from reseller_desk.services.errors import PermissionDenied
from reseller_desk.services.staff import list_staff


def test_every_demo_customer_passes_the_forms_own_checks():
    rng = random.Random(7)
    kinds = collections.Counter()
    for _ in range(400):
        draft = demo_customer(rng)
        assert validate(clean(draft)) == {}, draft
        assert clean(draft).phone == draft.phone  # already in national format
        assert phonenumbers.is_valid_number(phonenumbers.parse(draft.phone, "JP"))
        kinds[draft.kind] += 1
    assert kinds["corporate"] > 100 and kinds["individual"] > 100


def test_the_demo_office_has_customers_plans_of_both_services_and_company_details(db):
    summary = fill_demo(db, customers=50)
    assert summary.customers == 50
    assert customers.count_customers(db) == 52  # and the two applicants the demo manager approved
    assert {p.details.profile_key for p in settings.list_plans(db)} == {"simpleconnect", "sokujitsu"}
    assert settings.get_company(db).registration_number.startswith("T")
    assert settings.list_bank_accounts(db) and settings.list_closures(db)
    with pytest.raises(PermissionDenied, match="既に顧客が 52 件"):
        fill_demo(db, customers=5)  # never twice


def test_the_demo_marks_its_database_demo_with_its_first_write(db):
    from reseller_desk.services import database_info

    assert database_info.database_state(db) == database_info.DatabaseState(demo=False, staff=0, customers=0)
    fill_demo(db, customers=3)
    state = database_info.database_state(db)
    assert state.demo and state.staff == 2


def test_the_demo_refuses_an_office_database_and_writes_nothing(db, manager):
    from reseller_desk.services import database_info

    before = table_counts(db)
    with pytest.raises(PermissionDenied, match="デモ用ではありません"):
        fill_demo(db, customers=3)
    assert table_counts(db) == before and not database_info.is_demo_database(db)
    # Even the step that adds the demo accounts refuses on its own.
    from reseller_desk.demo import ensure_demo_staff

    with pytest.raises(PermissionDenied):
        ensure_demo_staff(db)
    assert table_counts(db) == before


def test_the_demo_refuses_a_database_with_customers_but_no_staff(db, manager):
    from reseller_desk.services import customers as customer_service
    from reseller_desk.services import database_info

    customer_service.add_customer(db, manager, demo_customer(random.Random(2)))
    with db.engine.begin() as conn:  # an office whose staff rows were lost: still not new
        conn.exec_driver_sql("UPDATE customers SET created_by_id = NULL, updated_by_id = NULL")
        conn.exec_driver_sql("UPDATE audit_log SET user_id = NULL")
        conn.exec_driver_sql("DELETE FROM staff_users")
    assert not database_info.database_state(db).new
    with pytest.raises(PermissionDenied):
        fill_demo(db, customers=3)


def test_a_demo_stopped_after_its_settings_can_be_run_again(db):
    from reseller_desk.demo import DEMO_PLANS, ensure_demo_staff

    manager, _clerk = ensure_demo_staff(db)
    settings.save_plan(db, manager, None, DEMO_PLANS[0], expected_version=None)  # what a killed run had saved
    summary = fill_demo(db, customers=4)
    assert summary.customers == 4
    assert len(settings.list_plans(db)) == len(DEMO_PLANS)


def test_the_demo_command_refuses_an_office_database(new_database, capsys, monkeypatch):
    path = new_database
    assert main(["migrate", "--db", path]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("first-pass-1\n"))
    assert main(["user", "add", "--db", path, "--login", "boss", "--name", "社長", "--role", "manager",
                 "--password-stdin"]) == 0
    capsys.readouterr()
    assert main(["demo", "--db", path, "--customers", "3"]) == 2
    err = capsys.readouterr().err
    assert "デモ用ではありません" in err and "別のファイル" in err
    db = Database.open(path)
    try:
        assert [s.login for s in list_staff(db)] == ["boss"]
        assert settings.get_company(db).name == ""
    finally:
        db.dispose()


def table_counts(db) -> dict[str, int]:
    from sqlalchemy import inspect, text

    with db.engine.connect() as conn:
        return {name: conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                for name in inspect(conn).get_table_names()}


def test_help_lists_the_subcommands():
    out = subprocess.run([sys.executable, "-m", "reseller_desk", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("demo", "migrate", "status", "customers", "profiles", "window", "user"):
        assert command in out


def test_demo_then_search_from_the_command_line(new_database, backend, capsys):
    path = new_database
    assert main(["demo", "--db", path, "--customers", "30"]) == 0
    assert main(["--db", path, "status"]) == 0  # --db before the subcommand works too
    out = capsys.readouterr().out
    assert "顧客数: 32" in out  # 30 and the two applicants the demo approved
    db = Database.open(path)
    first = customers.customer_rows(db, customers.customer_ids(db)[:1])[0]
    db.dispose()
    url = f"sqlite:///{path}" if backend == "sqlite" else path  # a path, or any SQLAlchemy URL
    assert main(["customers", "--db", url, first.phone.replace("-", "")]) == 0
    assert first.name in capsys.readouterr().out


def test_a_database_too_new_is_reported_without_a_traceback(new_database, capsys):
    from sqlalchemy import text

    path = new_database
    db = Database.open(path, create=True)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    db.dispose()
    assert main(["status", "--db", str(path)]) == 2
    assert "新しいバージョン" in capsys.readouterr().err


def test_the_demo_office_has_applications_at_every_status_and_demo_accounts(db):
    from reseller_desk.services import applications

    fill_demo(db, customers=10)
    statuses = {row.status_label for row in applications.list_applications(db)}
    assert statuses == {"受付", "書類待ち", "審査中", "承諾", "不承諾", "取下げ"}
    staff = {s.login: s for s in list_staff(db)}
    assert staff["kanri"].demo_account and staff["kanri"].role == "manager"
    assert auth.login(db, "jimu", "jimu-demo").role == "clerk"


def test_demo_prints_its_accounts(new_database, capsys):
    assert main(["demo", "--db", new_database, "--customers", "5"]) == 0
    out = capsys.readouterr().out
    assert "kanri" in out and "kanri-demo" in out and "jimu-demo" in out and "デモ用アカウント" in out
    assert re.search(r"顧客 5 件、契約 \d+ 件", out)


def test_the_demo_offices_transfer_accounts_agree_with_zengin_code(db):
    from reseller_desk.demo import DEMO_BANK_ACCOUNTS
    from reseller_desk.domain.banks import bank_account_problems, with_bank_names
    from reseller_desk.domain.company import clean_bank_account

    for account in DEMO_BANK_ACCOUNTS:
        cleaned = clean_bank_account(account)
        assert with_bank_names(cleaned) == cleaned  # no name had to be corrected
        assert bank_account_problems(cleaned) == {}
    fill_demo(db, customers=5)
    saved = [(a.details.bank_code, a.details.branch_code, a.details.branch_name) for a in settings.list_bank_accounts(db)]
    assert saved == [("0005", "331", "神田支店"), ("0009", "220", "神田駅前支店")]


def test_the_demo_accounts_are_recorded_as_added(db):
    from reseller_desk.services.audit import list_audit

    fill_demo(db, customers=5)
    manager = auth.login(db, "kanri", "kanri-demo")
    added = sorted(e.after["login"] for e in list_audit(db, manager, entity="staff") if e.action == "staff.add")
    assert added == ["jimu", "kanri"]


def test_control_characters_a_database_holds_reach_the_terminal_as_visible_escapes(new_database, capsys):
    """Probe P6.3: a name stored (by an older version, or by hand) with ESC, BEL, RLO and a
    line break is listed on one line, with nothing the terminal would act on."""
    path = new_database
    assert main(["demo", "--db", path, "--customers", "1"]) == 0
    db = Database.open(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE customers SET name = '山田\x1b[31m\x07\u202e太郎\r\n次行' WHERE id = 1")
    db.dispose()
    capsys.readouterr()
    assert main(["customers", "--db", path, "--limit", "100"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.lstrip().startswith("1 "))
    assert "山田\\x1b[31m\\x07\\u202e太郎\\x0d\\x0a次行" in line
    assert not any(ch in out for ch in "\x1b\x07\u202e\r")

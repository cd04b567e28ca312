"""The command line and the demo office."""

from __future__ import annotations

import collections
import random
import subprocess
import sys

import phonenumbers
import pytest

from reseller_desk.cli import main
from reseller_desk.db.database import Database
from reseller_desk.demo import demo_customer, fill_demo
from reseller_desk.domain.customer import clean, validate
from reseller_desk.services import customers, settings


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
    assert customers.count_customers(db) == 50 == summary.customers
    assert {p.details.profile_key for p in settings.list_plans(db)} == {"simpleconnect", "sokujitsu"}
    assert settings.get_company(db).registration_number.startswith("T")
    assert settings.list_bank_accounts(db) and settings.list_closures(db)
    with pytest.raises(ValueError):
        fill_demo(db, customers=5)  # never on a database that already has customers


def test_help_lists_the_subcommands():
    out = subprocess.run([sys.executable, "-m", "reseller_desk", "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("demo", "migrate", "status", "customers", "profiles", "window"):
        assert command in out


def test_demo_then_search_from_the_command_line(tmp_path, capsys):
    path = str(tmp_path / "demo.sqlite3")
    assert main(["demo", "--db", path, "--customers", "30"]) == 0
    assert main(["--db", path, "status"]) == 0  # --db before the subcommand works too
    out = capsys.readouterr().out
    assert "顧客数: 30" in out
    db = Database.open(path)
    first = customers.customer_rows(db, customers.customer_ids(db)[:1])[0]
    db.dispose()
    assert main(["customers", "--db", f"sqlite:///{path}", first.phone.replace("-", "")]) == 0
    assert first.name in capsys.readouterr().out


def test_a_database_too_new_is_reported_without_a_traceback(tmp_path, capsys):
    from sqlalchemy import text

    path = tmp_path / "newer.sqlite3"
    db = Database.open(path)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'zzzz'"))
    db.dispose()
    assert main(["status", "--db", str(path)]) == 2
    assert "新しいバージョン" in capsys.readouterr().err

"""Revision 0006 gives every table the office edits in place a row version: a database at 0005
with rows in each of them upgrades in place on both engines, every row at version 1, and the
services then refuse a stale save of those rows."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Table, select

from reseller_desk.db.database import Database
from reseller_desk.db.migrate import alembic_config
from reseller_desk.db.revisions import head_revision
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.services import settings, staff
from reseller_desk.services.auth import actor_of
from reseller_desk.services.errors import ConcurrentEdit

#: The tables that get their row version in 0006 (customers and applications had one).
VERSIONED = ("company_settings", "bank_accounts", "plans", "plan_options", "staff_users", "screening_items",
             "contracts")
DAY = dt.date(2026, 11, 16)
MOMENT = dt.datetime(2026, 11, 16, 1, 0)


def _filler(column) -> object:
    """A value for a required column the test does not name (the schema of 0005, reflected)."""
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return MOMENT
    if isinstance(kind, Date):
        return DAY
    if isinstance(kind, Integer):
        return 1
    return ""


def insert(conn, table_name: str, /, **values: object) -> int:
    """A row of ``table_name`` as revision 0005 has it: the columns given, every other required one filled."""
    table = Table(table_name, MetaData(), autoload_with=conn)
    row = {c.name: _filler(c) for c in table.columns
           if not c.nullable and not c.primary_key and c.server_default is None}
    row.update(values)
    return conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()


@pytest.fixture
def upgraded(new_database):
    """A database at 0005 with a row in every table 0006 versions (and what they refer to),
    then upgraded to the head."""
    db = Database.open(new_database, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0005_accounts_and_demo_mark")
    with db.engine.begin() as conn:
        manager = insert(conn, "staff_users", login="kanri", display_name="管理 花子", role="manager", active=True)
        insert(conn, "staff_users", login="jimu", display_name="事務 太郎", role="clerk", active=True)
        insert(conn, "company_settings", id=1, name="株式会社みらいテレコム", updated_by_id=manager)
        for order, number in enumerate(("1234567", "7654321")):
            insert(conn, "bank_accounts", bank_code="0005", bank_name="三菱ＵＦＪ", branch_code="331", branch_name="神田",
                   account_type="普通", account_number=number, holder_kana="ﾐﾗｲﾃﾚｺﾑ", sort_order=order)
        profile = insert(conn, "terms_profiles", key="simpleconnect", version="2025-04-01", name="SC", provider="p")
        plan = insert(conn, "plans", terms_profile_id=profile, code="SC-BASIC", name="ベーシック", monthly_fee=2980,
                      active=True)
        insert(conn, "plan_options", terms_profile_id=profile, code="SC-REC", name="通話録音", monthly_fee=500, active=True)
        customer = insert(conn, "customers", kind="corporate", name="株式会社みらい商事", name_kana="ミライショウジ")
        application = insert(conn, "applications", number="A-2026-000001", status="approved", channel="post",
                             customer_id=customer, terms_profile_id=profile, plan_id=plan, payment_method="transfer",
                             identity_letter_status="not_sent", row_version=4)
        insert(conn, "screening_items", application_id=application, ground_code="1", ground_text="資格取消",
               clause="SC §8(1)", answer="clear", evidence="[]")
        insert(conn, "contracts", customer_code="C0000001", customer_id=customer, application_id=application,
               terms_profile_id=profile, plan_id=plan, status="active", payment_method="transfer")
    db.ensure_schema()
    yield db
    db.dispose()


def test_every_row_of_a_table_edited_in_place_starts_at_version_1_and_keeps_its_values(upgraded):
    assert upgraded.current_revision() == head_revision()
    with upgraded.engine.connect() as conn:
        for name in VERSIONED:
            table = Table(name, MetaData(), autoload_with=conn)
            assert {row.row_version for row in conn.execute(select(table))} == {1}, name
            assert not table.c.row_version.nullable, name
        applications = Table("applications", MetaData(), autoload_with=conn)
        assert conn.execute(select(applications.c.row_version)).scalar_one() == 4  # its own, untouched
    assert [a.details.account_number for a in settings.list_bank_accounts(upgraded)] == ["1234567", "7654321"]
    assert settings.get_company(upgraded).name == "株式会社みらいテレコム"
    assert [(s.login, s.row_version) for s in staff.list_staff(upgraded)] == [("kanri", 1), ("jimu", 1)]


def test_after_the_upgrade_a_save_with_the_version_shown_is_taken_and_a_stale_one_refused(upgraded):
    with upgraded.transaction() as session:
        from reseller_desk.db.models import StaffUser

        manager = actor_of(session.scalars(select(StaffUser).where(StaffUser.login == "kanri")).one())
    company = settings.get_company_record(upgraded)
    details = CompanyDetails(name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号")
    assert settings.save_company(upgraded, manager, details, expected_version=company.row_version).row_version == 2
    with pytest.raises(ConcurrentEdit, match="会社情報は .* に 管理 花子 さんが変更しています"):
        settings.save_company(upgraded, manager, details, expected_version=company.row_version)
    [plan] = settings.list_plans(upgraded)
    changed = settings.save_plan(upgraded, manager, plan.id, PlanDetails("simpleconnect", "SC-BASIC", "ベーシック", 3280),
                                 expected_version=plan.row_version)
    assert changed.row_version == 2


def test_a_removed_transfer_account_never_gives_its_id_to_a_new_one(upgraded):
    with upgraded.transaction() as session:
        from reseller_desk.db.models import StaffUser

        manager = actor_of(session.scalars(select(StaffUser).where(StaffUser.login == "kanri")).one())
    shown = settings.list_bank_accounts(upgraded)
    kept = settings.save_bank_accounts(upgraded, manager, [shown[0].details],
                                       expected_versions=settings.account_versions(shown))
    assert [a.id for a in kept] == [shown[0].id]
    added = settings.save_bank_accounts(upgraded, manager, [shown[0].details, BankAccountDetails(
        "0005", "", "331", "", "普通", "1111111", "ﾐﾗｲﾃﾚｺﾑ")], expected_versions=settings.account_versions(kept))
    assert added[1].id > shown[1].id  # an old screen's (id, version) can never match the new account

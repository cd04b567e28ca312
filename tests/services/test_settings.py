"""The 設定 use cases: company details, transfer accounts, closure days, plans and options."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.services import settings
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import PermissionDenied, ValidationFailed
from tests.versions import accounts_now, company_now, plan_now

COMPANY = CompanyDetails(name="株式会社みらいテレコム", postal_code="1010047", address="東京都千代田区内神田2-5-3",
                         phone="0352897410", registration_number="Ｔ８７００１１０００５９０１")
ACCOUNT = BankAccountDetails("0005", "三菱UFJ銀行", "331", "神田支店", "普通", "123456", "カ）ミライテレコム")


def test_company_details_are_cleaned_saved_and_audited(db, manager):
    record = settings.save_company(db, manager, COMPANY, expected_version=settings.NO_COMPANY_ROW)
    saved = record.details
    assert saved.registration_number == "T8700110005901"
    assert saved.postal_code == "101-0047" and saved.phone == "03-5289-7410"
    assert settings.get_company(db) == saved
    assert record.row_version == 1 and settings.get_company_record(db) == record
    assert list_audit(db, manager, entity="company")[0].action == "company.update"


@pytest.mark.parametrize("number, message_part", [
    ("8700110005901", "「T」に続けて13桁"), ("T870011000590", "「T」に続けて13桁"), ("T5700110005901", "チェックデジット"),
])
def test_a_bad_registration_number_is_refused_with_a_message_for_that_field(db, manager, number, message_part):
    with pytest.raises(ValidationFailed) as error:
        settings.save_company(db, manager, dataclasses.replace(COMPANY, registration_number=number),
                              expected_version=company_now(db))
    assert message_part in error.value.errors["registration_number"]
    assert settings.get_company(db) == CompanyDetails()


def test_only_a_manager_changes_company_details(db, clerk):
    with pytest.raises(PermissionDenied, match="「会社情報の変更」は管理者だけが行えます"):
        settings.save_company(db, clerk, COMPANY, expected_version=company_now(db))
    assert settings.get_company(db) == CompanyDetails()


def test_bank_accounts_are_stored_in_half_width_kana_and_zero_padded(db, manager):
    [record] = settings.save_bank_accounts(db, manager, [ACCOUNT], expected_versions=accounts_now(db))
    assert record.details.account_number == "0123456"
    assert record.details.holder_kana == "ｶ)ﾐﾗｲﾃﾚｺﾑ"


def test_bank_account_errors_name_the_row_and_field(db, manager):
    bad = dataclasses.replace(ACCOUNT, bank_code="5", holder_kana="")
    with pytest.raises(ValidationFailed) as error:
        settings.save_bank_accounts(db, manager, [ACCOUNT, bad], expected_versions=accounts_now(db))
    assert set(error.value.errors) == {"1.bank_code", "1.holder_kana"}
    assert settings.list_bank_accounts(db) == []


def test_a_bank_code_zengin_does_not_know_is_refused_beside_its_cell(db, manager):
    unknown = dataclasses.replace(ACCOUNT, bank_code="9999", bank_name="架空銀行")
    with pytest.raises(ValidationFailed) as error:
        settings.save_bank_accounts(db, manager, [ACCOUNT, unknown], expected_versions=accounts_now(db))
    assert error.value.errors == {"1.bank_code": "金融機関コード 9999 は見つかりません。"}
    assert settings.list_bank_accounts(db) == []


def test_a_branch_code_the_bank_does_not_have_is_refused_beside_its_cell(db, manager):
    with pytest.raises(ValidationFailed) as error:
        settings.save_bank_accounts(db, manager, [dataclasses.replace(ACCOUNT, branch_code="999")],
                                    expected_versions=accounts_now(db))
    assert error.value.errors == {"0.branch_code": "支店コード 999 は三菱ＵＦＪにありません。"}


def test_a_name_that_contradicts_its_code_is_replaced_by_zengins_and_shown(db, manager):
    """0005-021 is 寺田町 in zengin-code, whatever was typed beside it (gui-walkthrough 5)."""
    [saved] = settings.save_bank_accounts(db, manager, [
        BankAccountDetails("0005", "三井住友銀行", "021", "神田支店", "普通", "1234567",
                           "ｶ)ﾐﾗｲﾃﾚｺﾑ")], expected_versions=accounts_now(db))
    assert (saved.details.bank_name, saved.details.branch_name) == ("三菱ＵＦＪ", "寺田町")
    assert settings.list_bank_accounts(db) == [saved]


def test_a_name_that_agrees_with_its_code_is_kept_as_typed(db, manager):
    [saved] = settings.save_bank_accounts(db, manager, [ACCOUNT], expected_versions=accounts_now(db))
    assert (saved.details.bank_name, saved.details.branch_name) == ("三菱UFJ銀行", "神田支店")


def test_a_closure_note_that_does_not_fit_is_refused_not_cut(db, manager):
    with pytest.raises(ValidationFailed) as error:
        settings.add_closures(db, manager, [dt.date(2026, 8, 13)], "夏" * 101)
    assert error.value.errors == {"note": "休業日のメモは100文字以内で入力してください（101文字あります）。"}
    assert settings.list_closures(db) == []
    [closure] = settings.add_closures(db, manager, [dt.date(2026, 8, 13)], " " + "夏" * 100 + " ")
    assert closure.note == "夏" * 100


def test_closure_days_feed_the_company_calendar(db, manager):
    settings.add_closures(db, manager, year_end_closure_days(2026), "年末年始")
    settings.add_closures(db, manager, [dt.date(2026, 12, 29)], "重複")  # already there: kept once
    assert [c.note for c in settings.list_closures(db)].count("年末年始") == 6
    calendar = settings.company_calendar(db)
    assert not calendar.is_business_day(dt.date(2026, 12, 29))  # a Tuesday, closed
    assert calendar.on_or_before(dt.date(2026, 12, 31)) == dt.date(2026, 12, 28)
    settings.remove_closures(db, manager, [dt.date(2026, 12, 29)])
    assert settings.company_calendar(db).is_business_day(dt.date(2026, 12, 29))


def test_plans_and_options_belong_to_a_terms_profile(db, manager):
    plan = settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12, 10000),
                              expected_version=None)
    option = settings.save_option(db, manager, None, PlanDetails("sokujitsu", "SH-REC", "通話録音", 800),
                                  expected_version=None)
    assert [p.details.code for p in settings.list_plans(db, "sokujitsu")] == ["SH-LIGHT"]
    assert settings.list_plans(db, "simpleconnect") == []
    assert [o.id for o in settings.list_options(db)] == [option.id]
    changed = settings.save_plan(db, manager, plan.id, dataclasses.replace(plan.details, monthly_fee=2180),
                                 expected_version=plan_now(db, plan.id))
    assert changed.details.monthly_fee == 2180 and changed.id == plan.id
    history = list_audit(db, manager, entity="plan", entity_id=plan.id)
    assert [h.action for h in history] == ["plan.update", "plan.add"]
    assert history[0].before["monthly_fee"] == 1980 and history[0].after["monthly_fee"] == 2180


def test_a_plan_code_is_unique_within_its_service(db, manager):
    settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "P1", "A", 1000), expected_version=None)
    settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "P1", "A", 1000),
                       expected_version=None)  # other service: fine
    with pytest.raises(ValidationFailed) as error:
        settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "P1", "B", 1000), expected_version=None)
    assert "P1" in error.value.errors["code"]


@pytest.mark.parametrize("changes, field", [
    ({"monthly_fee": -1}, "monthly_fee"), ({"profile_key": "unknown"}, "profile_key"),
    ({"code": "プラン"}, "code"), ({"name": " "}, "name"), ({"minimum_term_months": -1}, "minimum_term_months"),
])
def test_a_bad_plan_is_refused_field_by_field(db, manager, changes, field):
    with pytest.raises(ValidationFailed) as error:
        settings.save_plan(db, manager, None, dataclasses.replace(PlanDetails("sokujitsu", "P1", "A", 1000),
                                                                  **changes), expected_version=None)
    assert field in error.value.errors
    assert settings.list_plans(db) == []


def test_the_profiles_shipped_are_listed_with_their_versions():
    keys = {p.key: p for p in settings.list_profiles()}
    assert set(keys) == {"simpleconnect", "sokujitsu"}
    assert keys["sokujitsu"].effective_from == dt.date(2025, 4, 1)

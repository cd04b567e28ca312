"""The office's own details, its accounts, closure notes and plans: cleaning and the checks
a clerk's input must pass, without a database."""

from __future__ import annotations

import dataclasses

import pytest

from reseller_desk.domain.company import (
    BankAccountDetails,
    CompanyDetails,
    PlanDetails,
    clean_bank_account,
    clean_company,
    closure_note_problem,
    registration_number_problem,
    validate_bank_account,
    validate_company,
    validate_plan,
)

COMPANY = CompanyDetails(name=" 株式会社みらいテレコム ", postal_code="１０１００４７", address="東京都千代田区内神田2-5-3",
                         phone="0352897410", fax="0352897411", email=" ｉｎｆｏ@example.co.jp",
                         representative=" 代表取締役 高田 誠 ", registration_number="ｔ８７００-１１０００５９０１")
ACCOUNT = BankAccountDetails("０００５", "三菱UFJ銀行", "３３１", "神田支店", "普通", "12345", "かぶしきがいしゃみらい")
PROFILES = frozenset({"simpleconnect", "sokujitsu"})


def test_company_details_are_stored_trimmed_and_formatted():
    cleaned = clean_company(COMPANY)
    assert cleaned == CompanyDetails(name="株式会社みらいテレコム", postal_code="101-0047",
                                     address="東京都千代田区内神田2-5-3", phone="03-5289-7410", fax="03-5289-7411",
                                     email="info@example.co.jp", representative="代表取締役 高田 誠",
                                     registration_number="T8700110005901")
    assert validate_company(cleaned) == {}


def test_company_details_need_a_name_and_an_address():
    assert validate_company(CompanyDetails()) == {"name": "会社名を入力してください。",
                                                  "address": "住所を入力してください（請求書と通知書に印刷されます）。"}


def test_the_company_postal_code_is_checked_as_a_customers_is():
    details = dataclasses.replace(clean_company(COMPANY), postal_code="101-47")
    assert validate_company(details) == {"postal_code": "郵便番号は7桁の数字で入力してください（例: 100-0001）。"}


@pytest.mark.parametrize("number, problem", [
    ("T8700110005901", None),
    ("8700110005901", "登録番号は「T」に続けて13桁の数字で入力してください（例: T1234567890123）。"),
    ("T870011000590", "登録番号は「T」に続けて13桁の数字で入力してください（例: T1234567890123）。"),
    ("T5700110005901", "登録番号のチェックデジット（Tの次の1桁）が合いません。番号をお確かめください。"),
])
def test_a_registration_number_is_t_and_13_digits_with_their_check_digit(number, problem):
    assert registration_number_problem(number) == problem


def test_a_bank_account_is_stored_with_half_width_holder_and_seven_digits():
    cleaned = clean_bank_account(ACCOUNT)
    assert (cleaned.bank_code, cleaned.branch_code, cleaned.account_number, cleaned.holder_kana) == (
        "0005", "331", "0012345", "ｶﾌﾞｼｷｶﾞｲｼｬﾐﾗｲ")
    assert validate_bank_account(cleaned) == {}


def test_every_field_of_a_bank_account_is_checked():
    assert validate_bank_account(BankAccountDetails(account_type="定期", holder_kana="ミライ")) == {
        "bank_code": "金融機関コードは4桁の数字です。", "bank_name": "金融機関名を入力してください。",
        "branch_code": "支店コードは3桁の数字です。", "branch_name": "支店名を入力してください。",
        "account_type": "預金種目は「普通」か「当座」を選んでください。", "account_number": "口座番号は7桁までの数字です。",
        "holder_kana": "口座名義はカタカナ・英大文字・数字で入力してください。"}


@pytest.mark.parametrize("note, problem", [
    ("年末年始休業", None), ("夏" * 100, None), (" " + "夏" * 100 + " ", None),
    ("夏" * 101, "休業日のメモは100文字以内で入力してください（101文字あります）。"),
])
def test_a_closure_note_fits_in_100_characters_or_is_refused(note, problem):
    assert closure_note_problem(note) == problem


def test_a_plan_has_a_service_a_code_a_name_and_whole_yen_fees():
    assert validate_plan(PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12, 10000), PROFILES) == {}
    bad = PlanDetails("other", "ライト", " ", monthly_fee=-1, initial_fee=True, minimum_term_months=-1,  # type: ignore[arg-type]
                      early_termination_fee=1.5)  # type: ignore[arg-type]
    assert validate_plan(bad, PROFILES) == {
        "profile_key": "サービス（約款）を選んでください。", "code": "コードは半角英数字・「-」「_」の30文字以内です。",
        "name": "名称を入力してください。", "monthly_fee": "月額料金は0〜9,999,999円の整数で入力してください。",
        "initial_fee": "初期費用は0〜9,999,999円の整数で入力してください。",
        "early_termination_fee": "契約解除料は0〜9,999,999円の整数で入力してください。",
        "minimum_term_months": "最低利用期間は0〜120か月の整数で入力してください。"}


def test_company_details_are_cleaned_of_control_and_invisible_characters():
    cleaned = clean_company(dataclasses.replace(COMPANY, name="株式会社\u202eみらい\x00テレコム\u200b"))
    assert cleaned.name == "株式会社みらいテレコム"


@pytest.mark.parametrize("field, limit, label", [("name", 50, "会社名"), ("address", 80, "住所"),
                                                 ("representative", 30, "代表者")])
def test_a_company_field_printed_on_every_notice_is_refused_beyond_its_limit(field, limit, label):
    assert validate_company(clean_company(dataclasses.replace(COMPANY, **{field: "會" * limit}))) == {}
    errors = validate_company(clean_company(dataclasses.replace(COMPANY, **{field: "會" * 800})))
    assert errors == {field: f"{label}は{limit}文字以内で入力してください（800文字）。"}


def test_the_company_phone_fax_and_email_are_checked_as_a_customers_are():
    errors = validate_company(clean_company(dataclasses.replace(COMPANY, phone="03-1234-567", fax="12-3456-7890",
                                                                email="info@")))
    assert set(errors) == {"phone", "fax", "email"}
    assert errors["fax"].startswith("FAX番号が正しくありません")


def test_a_holder_name_longer_than_a_zengin_record_is_refused():
    account = clean_bank_account(dataclasses.replace(ACCOUNT, holder_kana="ｱ" * 31))
    assert validate_bank_account(account)["holder_kana"] == "口座名義は30文字以内で入力してください（31文字）。"


def test_a_plan_has_upper_bounds_and_a_whole_decimal_fee_is_stored_as_an_int():
    from decimal import Decimal

    from reseller_desk.domain.company import clean_plan

    plan = clean_plan(PlanDetails("sokujitsu", " SH-LIGHT ", " ライト\u200b ", Decimal("1980"), 3000, 12, 10000))
    assert (plan.code, plan.name, plan.monthly_fee, type(plan.monthly_fee)) == ("SH-LIGHT", "ライト", 1980, int)
    assert validate_plan(plan, PROFILES) == {}
    too_much = dataclasses.replace(plan, monthly_fee=10**15, minimum_term_months=10**6, early_termination_fee=10_000_000,
                                   name="網" * 51, active="yes")
    assert validate_plan(too_much, PROFILES) == {
        "monthly_fee": "月額料金は0〜9,999,999円の整数で入力してください。",
        "minimum_term_months": "最低利用期間は0〜120か月の整数で入力してください。",
        "early_termination_fee": "契約解除料は0〜9,999,999円の整数で入力してください。",
        "name": "名称は50文字以内で入力してください（51文字）。", "active": "状態は「はい」か「いいえ」を選んでください。"}
    assert validate_plan(dataclasses.replace(plan, minimum_term_months=True), PROFILES) == {
        "minimum_term_months": "最低利用期間は0〜120か月の整数で入力してください。"}

"""The 申込 form's checks without a database: the form's fields, the papers, the debit account
and how its faults are keyed, the plan and options it names, and cleaning."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.intake import (
    ApplicationDraft,
    Channel,
    DocumentEntry,
    DocumentKind,
    IdentityKind,
    Offer,
    PaymentMethod,
    applicant_choice_problem,
    clean_debit_account,
    clean_draft,
    offer_problems,
    validate_application,
    validate_debit_account,
    validate_document,
)

TODAY = dt.date(2026, 11, 20)
PROFILES = ("simpleconnect", "sokujitsu")
ACCOUNT = BankAccountDetails("0005", "三菱ＵＦＪ", "021", "寺田町", "普通", "1234567", "ﾐﾗｲ")


def draft(**changes: object) -> ApplicationDraft:
    base = ApplicationDraft(Channel.POST, TODAY, "simpleconnect", 1)
    return dataclasses.replace(base, **changes)


def problems(**changes: object) -> dict[str, str]:
    return validate_application(draft(**changes), today=TODAY, known_profiles=PROFILES)


def test_a_complete_form_has_no_faults():
    assert problems() == {}
    assert problems(payment_method=PaymentMethod.DEBIT, debit_account=ACCOUNT) == {}


@pytest.mark.parametrize("lines, fault", [(0, True), (1, False), (999, False), (1000, True), ("2", True), (1.5, True),
                                         (True, True), (Decimal("2"), False), (Decimal("1.5"), True), (10**20, True)])
def test_lines_are_a_whole_number_from_1_to_999(lines, fault):
    assert problems(lines=lines) == ({"lines": "回線数は1〜999の整数で入力してください。"} if fault else {})


def test_lines_given_as_a_whole_decimal_are_stored_as_an_int():
    cleaned = clean_draft(draft(lines=Decimal("3")))
    assert cleaned.lines == 3 and type(cleaned.lines) is int


def test_a_payment_method_must_be_one_the_office_takes():
    assert draft(payment_method="debit").payment_method is PaymentMethod.DEBIT  # a code becomes its member
    assert problems(payment_method="cash") == {"payment_method": "支払方法を選んでください。"}


def test_a_debit_needs_its_account():
    assert problems(payment_method=PaymentMethod.DEBIT, debit_account=None) == {
        "debit.bank_code": "口座振替の口座を入力してください。"}


def test_an_unknown_channel_profile_or_missing_plan_is_a_fault_of_its_field():
    assert problems(channel="telegram", profile_key="other", plan_id=None) == {
        "channel": "受付経路を選んでください。", "profile_key": "サービスを選んでください。",
        "plan_id": "プランを選んでください。"}


def test_a_form_received_after_today_is_a_fault():
    assert problems(received_on=TODAY + dt.timedelta(days=1)) == {"received_on": "受付日が未来の日付です（本日は11月20日）。"}


def test_the_faults_of_a_paper_are_keyed_by_its_place():
    papers = (DocumentEntry(DocumentKind.APPLICATION_FORM, TODAY),
              DocumentEntry(DocumentKind.OTHER, TODAY, number_last_digits="12"))
    assert problems(documents=papers) == {"documents.1.number_last_digits": "番号は本人確認書類にだけ記録します。"}


def test_a_paper_received_after_today_is_a_fault():
    entry = DocumentEntry(DocumentKind.APPLICATION_FORM, TODAY + dt.timedelta(days=1))
    assert validate_document(entry, TODAY) == {"received_on": "受領日が未来の日付です（本日は11月20日）。"}


def test_a_number_on_a_paper_other_than_an_identity_document_is_refused():
    entry = DocumentEntry(DocumentKind.REGISTRY, TODAY, number_last_digits="1234")
    assert validate_document(entry, TODAY) == {"number_last_digits": "番号は本人確認書類にだけ記録します。"}


def test_an_identity_document_names_its_kind_and_an_unknown_paper_is_refused():
    assert validate_document(DocumentEntry(DocumentKind.IDENTITY, TODAY), TODAY) == {
        "identity_kind": "本人確認書類の種類を選んでください。"}
    assert validate_document(DocumentEntry("fax_cover", TODAY), TODAY) == {"kind": "書類の種類を選んでください。"}
    entry = DocumentEntry(DocumentKind.IDENTITY, TODAY, IdentityKind.PASSPORT, "AB12")
    assert validate_document(entry, TODAY) == {}


def test_a_debit_account_is_named_from_its_codes_and_its_faults_are_keyed_at_the_codes():
    typed = clean_debit_account(BankAccountDetails("0005", "", "021", "", "普通", "1234567", "みらい"))
    assert (typed.bank_name, typed.branch_name, typed.holder_kana) == ("三菱ＵＦＪ", "寺田町", "ﾐﾗｲ")
    assert validate_debit_account(typed) == {}


@pytest.mark.parametrize("bank, branch, errors", [
    ("9999", "021", {"bank_code": "金融機関コード 9999 は見つかりません。"}),
    ("0005", "999", {"branch_code": "支店コード 999 は三菱ＵＦＪにありません。"}),
    ("12", "021", {"bank_code": "金融機関コードは4桁の数字です。"}),
    ("0005", "1", {"branch_code": "支店コードは3桁の数字です。"}),
])
def test_a_name_that_cannot_be_filled_in_is_reported_at_its_code(bank, branch, errors):
    """The clerk types only the codes of a debit account: no fault is ever keyed at a name."""
    account = clean_debit_account(BankAccountDetails(bank, "", branch, "", "普通", "1234567", "ﾐﾗｲ"))
    assert validate_debit_account(account) == errors


def test_a_plan_and_options_of_the_service_sold_now_pass():
    assert offer_problems("sokujitsu", Offer("sokujitsu", "ライト", True), [Offer("sokujitsu", "録音", True)]) == {}


@pytest.mark.parametrize("plan, options, errors", [
    (None, [], {"plan_id": "このサービスのプランを選んでください。"}),
    (Offer("simpleconnect", "ベーシック", True), [], {"plan_id": "このサービスのプランを選んでください。"}),
    (Offer("sokujitsu", "旧プラン", False), [], {"plan_id": "プラン「旧プラン」は現在受け付けていません。"}),
    (Offer("sokujitsu", "ライト", True), [None], {"option_ids": "このサービスで受け付けているオプションを選んでください。"}),
    (Offer("sokujitsu", "ライト", True), [Offer("sokujitsu", "旧", False)],
     {"option_ids": "このサービスで受け付けているオプションを選んでください。"}),
    (Offer("sokujitsu", "ライト", True), [Offer("simpleconnect", "録音", True)],
     {"option_ids": "このサービスで受け付けているオプションを選んでください。"}),
])
def test_a_plan_or_option_not_sold_by_the_service_now_is_refused(plan, options, errors):
    assert offer_problems("sokujitsu", plan, options) == errors


@pytest.mark.parametrize("chosen, given, fault", [(True, False, False), (False, True, False), (True, True, True),
                                                  (False, False, True)])
def test_an_application_has_exactly_one_applicant(chosen, given, fault):
    problem = applicant_choice_problem(customer_chosen=chosen, applicant_given=given)
    assert problem == ("申込者を、既存の顧客から選ぶか新規に入力してください。" if fault else None)


def test_cleaning_trims_the_form_and_drops_an_account_for_a_transfer():
    typed = draft(notes="  メモ ", payment_method=PaymentMethod.TRANSFER, debit_account=ACCOUNT,
                  documents=(DocumentEntry(DocumentKind.IDENTITY, TODAY, IdentityKind.PASSPORT, " 12 ", " 原本 "),))
    cleaned = clean_draft(typed)
    assert cleaned.notes == "メモ" and cleaned.debit_account is None
    assert (cleaned.documents[0].number_last_digits, cleaned.documents[0].note) == ("12", "原本")

"""The application's state machine as pure functions: status before the decision, the date
rules of 承諾 / 不承諾 / 取下げ, the postal identity letter (SH §14.2(7)) and the pre-fill."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain.application import (
    AWAITING_IDENTITY_NOTE,
    FORM_IN_ORDER,
    ApplicationStatus,
    IdentityLetter,
    IdentityLetterResult,
    ScreeningAnswer,
    approval_problems,
    contract_dates,
    decision_date_problems,
    identity_letter_change,
    identity_letter_problems,
    letter_step_problem,
    not_open_problem,
    prefill_answer,
    revokes_acceptance,
    status_before_decision,
    validate_incident,
    withdrawal_problems,
    withdrawal_status,
)
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.intake import DocumentKind
from reseller_desk.domain.terms import ScreeningCheck, ScreeningGround, load_profile

SC, SH = load_profile("simpleconnect"), load_profile("sokujitsu")
RECEIVED, TODAY = dt.date(2026, 11, 16), dt.date(2026, 11, 20)
SENT = IdentityLetter(IdentityLetterResult.SENT, dt.date(2026, 11, 17))
CONFIRMED = IdentityLetter(IdentityLetterResult.CONFIRMED, dt.date(2026, 11, 17), dt.date(2026, 11, 19))
S = ApplicationStatus


# -- before the decision -------------------------------------------------------------------------
def test_an_application_waits_for_papers_until_they_are_in_and_screening_wins_over_both():
    assert status_before_decision(screening_started=False, missing=[DocumentKind.IDENTITY]) is S.AWAITING_DOCUMENTS
    assert status_before_decision(screening_started=False, missing=[]) is S.RECEIVED
    assert status_before_decision(screening_started=True, missing=[DocumentKind.IDENTITY]) is S.SCREENING


@pytest.mark.parametrize("status", [s for s in S if not s.is_open])
def test_a_decided_application_refuses_every_change_naming_its_status(status):
    assert not_open_problem("A-2026-000001", status, "変更") == f"申込 A-2026-000001 は「{status.label}」のため、変更できません。"


@pytest.mark.parametrize("status", [s for s in S if s.is_open])
def test_an_open_application_may_still_change(status):
    assert not_open_problem("A-2026-000001", status, "変更") is None


def test_withdrawal_and_revocation_no_longer_share_a_word():
    assert (S.WITHDRAWN.label, S.REVOKED.label) == ("取下げ", "承諾取消")
    assert len({s.label for s in S}) == len(S)


# -- the decision and its dates ------------------------------------------------------------------
def test_a_decision_is_dated_between_receipt_and_today():
    assert decision_date_problems(received_on=RECEIVED, decided_on=TODAY, today=TODAY) == {}
    assert "申込受付日より前" in decision_date_problems(received_on=RECEIVED, decided_on=dt.date(2026, 11, 15),
                                                      today=TODAY)["decided_on"]
    future = decision_date_problems(received_on=RECEIVED, decided_on=dt.date(2027, 3, 31), today=TODAY)
    assert future == {"decided_on": "決定日が未来の日付です（本日は11月20日）。"}


def test_an_sc_registration_date_may_not_lie_in_the_future_nor_outside_its_window():
    def problems(registered_on, today=TODAY):
        return approval_problems(SC, received_on=RECEIVED, decided_on=TODAY, registered_on=registered_on,
                                 opened_on=None, today=today)
    assert problems(None) == {}
    assert "未来" in problems(dt.date(2026, 11, 21))["registered_on"]
    assert "申込受付日より前" in problems(dt.date(2026, 11, 1))["registered_on"]
    assert "14日以内" in problems(dt.date(2026, 12, 5), today=dt.date(2026, 12, 10))["registered_on"]
    assert problems(dt.date(2026, 12, 4), today=dt.date(2026, 12, 10)) == {}


def test_an_opening_date_comes_after_the_contract_is_formed_and_not_after_today():
    def problems(opened_on):
        return approval_problems(SH, received_on=RECEIVED, decided_on=dt.date(2026, 11, 18), registered_on=None,
                                 opened_on=opened_on, today=TODAY)
    assert problems(dt.date(2026, 11, 19)) == {}
    assert "契約成立日より前" in problems(dt.date(2026, 11, 17))["opened_on"]
    assert "未来" in problems(dt.date(2026, 11, 21))["opened_on"]


def test_an_sh_contract_without_an_opening_date_has_no_first_billable_month_yet():
    dates = contract_dates(SH, TODAY)
    assert (dates.formed_on, dates.first_billable_month, dates.uses_opening_date) == (TODAY, None, True)
    assert contract_dates(SH, TODAY, opened_on=dt.date(2026, 12, 3)).first_billable_month == dt.date(2026, 12, 1)
    assert contract_dates(SH, TODAY, opened_on=dt.date(2026, 11, 1)).first_billable_month is None  # before formation


def test_an_sc_contract_is_formed_on_its_registration_date_and_billed_from_the_next_month():
    dates = contract_dates(SC, TODAY, registered_on=dt.date(2026, 11, 30))
    assert (dates.formed_on, dates.first_billable_month) == (dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert dates.uses_registration_date and not dates.uses_opening_date


def test_a_wrong_argument_type_in_the_dates_is_an_error_never_a_missing_month():
    with pytest.raises(TypeError):
        contract_dates(SC, dt.datetime(2026, 11, 20, 10, 0))  # type: ignore[arg-type]


# -- withdrawal ----------------------------------------------------------------------------------
def test_sc_applicants_withdraw_and_sh_applicants_only_ask():
    assert withdrawal_status(SC) is S.WITHDRAWN
    assert withdrawal_status(SH) is None  # SH §15.2


def test_a_withdrawal_is_dated_between_receipt_and_today():
    assert withdrawal_problems(received_on=RECEIVED, on=TODAY, today=TODAY) == {}
    assert "未来" in withdrawal_problems(received_on=RECEIVED, on=dt.date(2026, 11, 21), today=TODAY)["on"]
    assert "より前" in withdrawal_problems(received_on=RECEIVED, on=dt.date(2026, 11, 1), today=TODAY)["on"]


# -- the postal identity letter (SH §14.2(7)) ----------------------------------------------------
def test_a_letter_is_sent_before_its_result_is_recorded():
    assert letter_step_problem(S.SCREENING, IdentityLetter(), IdentityLetterResult.SENT) is None
    for result in (IdentityLetterResult.CONFIRMED, IdentityLetterResult.FAILED):
        assert "先に本人確認郵便の発送" in letter_step_problem(S.SCREENING, IdentityLetter(), result)
        assert letter_step_problem(S.SCREENING, SENT, result) is None


@pytest.mark.parametrize("new", list(IdentityLetterResult))
@pytest.mark.parametrize("status", [S.SCREENING, S.APPROVED])
def test_a_confirmed_identity_is_final(status, new):
    assert "確認済みの結果は変更できません" in letter_step_problem(status, CONFIRMED, new)


@pytest.mark.parametrize("status", [S.REFUSED, S.WITHDRAWN, S.REVOKED])
def test_nothing_is_recorded_on_a_refused_withdrawn_or_revoked_application(status):
    for new in IdentityLetterResult:
        assert status.label in letter_step_problem(status, SENT, new)


def test_a_letter_already_out_is_not_sent_twice_but_a_failed_one_may_be_sent_again_before_the_decision():
    assert "発送済み" in letter_step_problem(S.SCREENING, SENT, IdentityLetterResult.SENT)
    failed = IdentityLetter(IdentityLetterResult.FAILED, dt.date(2026, 11, 17), dt.date(2026, 11, 18))
    assert letter_step_problem(S.SCREENING, failed, IdentityLetterResult.SENT) is None


def test_letter_dates_follow_the_order_and_never_lie_in_the_future():
    def problems(letter, new, on):
        return identity_letter_problems(S.SCREENING, letter, new, on, received_on=RECEIVED, today=TODAY)
    assert problems(IdentityLetter(), IdentityLetterResult.SENT, RECEIVED) == {}
    assert "申込受付日より前" in problems(IdentityLetter(), IdentityLetterResult.SENT,
                                         dt.date(2026, 11, 15))["identity_letter_sent_on"]
    assert "未来" in problems(IdentityLetter(), IdentityLetterResult.SENT, dt.date(2027, 1, 5))["identity_letter_sent_on"]
    assert "発送日より前" in problems(SENT, IdentityLetterResult.CONFIRMED,
                                   dt.date(2026, 11, 16))["identity_letter_result_on"]
    assert "未来" in problems(SENT, IdentityLetterResult.FAILED, dt.date(2026, 11, 21))["identity_letter_result_on"]
    assert problems(SENT, IdentityLetterResult.FAILED, TODAY) == {}


def test_a_failure_after_acceptance_revokes_it_and_the_contract():
    change = identity_letter_change(S.APPROVED, SENT, IdentityLetterResult.FAILED, TODAY)
    assert change.status is S.REVOKED and change.contract_status is ContractStatus.REVOKED
    assert change.letter == IdentityLetter(IdentityLetterResult.FAILED, SENT.sent_on, TODAY)
    assert revokes_acceptance(S.APPROVED, IdentityLetterResult.FAILED)


def test_a_failure_before_the_decision_only_answers_the_checklist():
    change = identity_letter_change(S.SCREENING, SENT, IdentityLetterResult.FAILED, TODAY)
    assert change.status is S.SCREENING and change.contract_status is None
    assert not revokes_acceptance(S.SCREENING, IdentityLetterResult.FAILED)
    assert not revokes_acceptance(S.APPROVED, IdentityLetterResult.CONFIRMED)


def test_sending_again_clears_the_earlier_result():
    failed = IdentityLetter(IdentityLetterResult.FAILED, dt.date(2026, 11, 17), dt.date(2026, 11, 18))
    assert identity_letter_change(S.SCREENING, failed, IdentityLetterResult.SENT, TODAY).letter == \
        IdentityLetter(IdentityLetterResult.SENT, TODAY, None)


# -- the pre-filled checklist --------------------------------------------------------------------
UNPAID = ScreeningGround("1", "料金の未払い", "SH §14.2(1)", (ScreeningCheck.UNPAID,))
POSTAL = ScreeningGround("7", "郵送による本人確認", "SH §14.2(7)", (ScreeningCheck.POSTAL_IDENTITY,))
FORM = ScreeningGround("4", "虚偽の届出", "SH §14.2(4)", (ScreeningCheck.FORM_INCOMPLETE,))
OTHER = ScreeningGround("6", "その他", "SH §14.2(6)")


def test_a_record_found_makes_the_line_a_hit_with_the_record_as_evidence():
    answer = prefill_answer(UNPAID, {ScreeningCheck.UNPAID: ["顧客1の未払い記録"]}, searched="照合", answered_by_person=False)
    assert (answer.answer, answer.evidence, answer.prefilled) == (ScreeningAnswer.HIT, ("顧客1の未払い記録",), True)


def test_nothing_found_makes_the_line_clear_with_what_was_searched():
    assert prefill_answer(UNPAID, {ScreeningCheck.UNPAID: []}, searched="照合: 顧客なし",
                          answered_by_person=False).evidence == ("照合: 顧客なし",)
    assert prefill_answer(FORM, {ScreeningCheck.FORM_INCOMPLETE: []}, searched="照合",
                          answered_by_person=False).evidence == (FORM_IN_ORDER,)


def test_a_line_waiting_for_the_letter_is_left_unchecked_for_a_person():
    answer = prefill_answer(POSTAL, {ScreeningCheck.POSTAL_IDENTITY: None}, searched="照合", answered_by_person=False)
    assert (answer.answer, answer.note, answer.prefilled) == (ScreeningAnswer.UNCHECKED, AWAITING_IDENTITY_NOTE, False)


def test_a_persons_answer_and_a_line_without_checks_are_left_alone():
    assert prefill_answer(UNPAID, {ScreeningCheck.UNPAID: ["x"]}, searched="照合", answered_by_person=True) is None
    assert prefill_answer(OTHER, {}, searched="照合", answered_by_person=False) is None


# -- customer records ----------------------------------------------------------------------------
def test_an_incident_has_a_known_kind_a_whole_yen_amount_and_dates_that_happened():
    assert validate_incident("unpaid", dt.date(2026, 10, 1), 5_000, None, today=TODAY) == {}
    errors = validate_incident("rumour", dt.date(2026, 12, 1), -1, dt.date(2026, 11, 1), today=TODAY)
    assert set(errors) == {"kind", "amount", "occurred_on", "resolved_on"}
    assert "発生日より前" in errors["resolved_on"]
    assert "未来" in validate_incident("unpaid", dt.date(2026, 10, 1), 0, dt.date(2026, 12, 1), today=TODAY)["resolved_on"]
    assert "amount" in validate_incident("unpaid", dt.date(2026, 10, 1), True, None, today=TODAY)

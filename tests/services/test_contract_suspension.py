"""Opening, suspending and resuming a contract (SH §17, §23; SC §24.1), on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ServiceError, ValidationFailed

from .builders import sc_input, sh_input
from .contract_builders import approved, contract_now, notice_kinds, pdf_text, timeline, version

TODAY = dt.date(2026, 11, 20)   # a Friday
WEEK_LATER = dt.date(2026, 11, 27)


def test_opening_an_sh_contract_sets_its_first_billable_month_to_the_opening_month(db, office, manager, clerk):
    contract_id = approved(db, manager, sh_input(office), today=TODAY)
    assert contract_now(db, contract_id).status == "awaiting_opening"
    with pytest.raises(ValidationFailed, match="入力内容"):
        lifecycle.open_contract(db, clerk, contract_id, opened_on=dt.date(2026, 11, 19),
                                expected_version=version(db, contract_id), today=TODAY)
    result = lifecycle.open_contract(db, clerk, contract_id, opened_on=dt.date(2026, 11, 21),
                                     expected_version=version(db, contract_id), today=dt.date(2026, 11, 23))
    contract = contract_now(db, contract_id)
    assert (contract.status, contract.opened_on, contract.first_billable_month) == \
        ("active", dt.date(2026, 11, 21), dt.date(2026, 11, 1))
    assert result.row_version == contract.row_version and "2026年11月" in result.message
    assert timeline(db, contract_id)[-1][:3] == ("opened", "active", dt.date(2026, 11, 21))


def test_an_active_sc_contract_cannot_be_opened_again_and_the_state_machine_says_why(db, office, manager):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    with pytest.raises(ServiceError, match="開通できるのは「開通待ち」の契約だけです"):
        lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY, expected_version=version(db, contract_id),
                                today=TODAY)


def test_an_action_on_a_stale_screen_is_refused_and_writes_nothing(db, office, manager, sh_open):
    shown = version(db, sh_open) - 1
    with pytest.raises(ConcurrentEdit):
        lifecycle.suspend_contract(db, manager, sh_open, reason_code="unpaid", starts_on=WEEK_LATER,
                                   expected_version=shown, today=TODAY)
    assert notice_kinds(db, sh_open) == ["approval"]


def test_the_sh_suspend_dialog_says_the_customer_is_told_beforehand_and_sc_says_no_notice_is_needed(
        db, office, manager, sh_open):
    sh = lifecycle.suspension_terms(db, sh_open)
    assert sh.notice_required and "第23条" in sh.message and "あらかじめ" in sh.message
    assert [r.code for r in sh.reasons if r.until_paid] == ["unpaid"]
    sc = lifecycle.suspension_terms(db, approved(db, manager, sc_input(office), today=TODAY))
    assert not sc.notice_required and "事前の通知なく" in sc.message and "予告通知書は不要" in sc.message
    assert {"unpaid", "underpaid", "deposit_unpaid", "payment_dispute"} <= {r.code for r in sc.reasons if r.until_paid}


def test_an_sh_suspension_is_noticed_first_and_cannot_start_before_its_day(db, office, clerk, sh_open):
    noticed = lifecycle.suspend_contract(db, clerk, sh_open, reason_code="unpaid", starts_on=WEEK_LATER,
                                         expected_version=version(db, sh_open), today=TODAY)
    assert contract_now(db, sh_open).status == "active"
    text = pdf_text(db, noticed.notice_id)
    assert "利用停止予告通知書" in text and "2026年11月27日" in text and "料金等のお支払いが確認できるまで" in text
    assert "第23条第1項第1号" in text
    with pytest.raises(ServiceError, match="2026年11月27日から開始できます"):
        lifecycle.start_suspension(db, clerk, sh_open, expected_version=noticed.row_version,
                                   today=dt.date(2026, 11, 26))
    started = lifecycle.start_suspension(db, clerk, sh_open, expected_version=noticed.row_version, today=WEEK_LATER)
    assert contract_now(db, sh_open).status == "suspended"
    assert "利用停止通知書" in pdf_text(db, started.notice_id)
    assert notice_kinds(db, sh_open) == ["approval", "suspension_notice", "suspension"]


def test_an_sh_suspension_cannot_be_scheduled_for_the_day_of_its_notice(db, office, clerk, sh_open):
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.suspend_contract(db, clerk, sh_open, reason_code="violation", starts_on=TODAY, period_text="1か月",
                                   expected_version=version(db, sh_open), today=TODAY)
    assert "予告通知書の発行日" in refused.value.errors["starts_on"]


def test_an_sh_suspension_for_another_reason_needs_a_period_and_non_payment_has_no_end_date(
        db, office, clerk, sh_open):
    with pytest.raises(ValidationFailed) as no_period:
        lifecycle.suspend_contract(db, clerk, sh_open, reason_code="violation", starts_on=WEEK_LATER,
                                   expected_version=version(db, sh_open), today=TODAY)
    assert "期間" in no_period.value.errors["period_text"]
    with pytest.raises(ValidationFailed) as end_date:
        lifecycle.suspend_contract(db, clerk, sh_open, reason_code="unpaid", starts_on=WEEK_LATER,
                                   planned_end_on=dt.date(2026, 12, 31), expected_version=version(db, sh_open),
                                   today=TODAY)
    assert "支払われるまで" in end_date.value.errors["planned_end_on"]


def test_an_emergency_starts_at_once_but_only_a_manager_may_declare_one(db, office, manager, clerk, sh_open):
    with pytest.raises(PermissionDenied):
        lifecycle.suspend_contract(db, clerk, sh_open, reason_code="facility_harm", starts_on=TODAY,
                                   emergency_note="設備への攻撃", expected_version=version(db, sh_open), today=TODAY)
    result = lifecycle.suspend_contract(db, manager, sh_open, reason_code="facility_harm", starts_on=TODAY,
                                        emergency_note="設備への攻撃を検知", expected_version=version(db, sh_open),
                                        today=TODAY)
    assert contract_now(db, sh_open).status == "suspended"
    assert "緊急やむを得ない" in pdf_text(db, result.notice_id)
    kind, to, effective, reason, by = timeline(db, sh_open)[-1]
    assert (kind, to, effective, by) == ("suspended", "suspended", TODAY, manager.user_id)
    assert "設備への攻撃を検知" in reason


def test_an_sc_suspension_needs_no_notice_and_starts_on_its_day(db, office, clerk, manager):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    result = lifecycle.suspend_contract(db, clerk, contract_id, reason_code="underpaid", starts_on=TODAY,
                                        expected_version=version(db, contract_id), today=TODAY)
    assert contract_now(db, contract_id).status == "suspended"
    assert notice_kinds(db, contract_id) == ["approval", "suspension"]
    text = pdf_text(db, result.notice_id)
    assert "過小支払" in text and "第13条" in text and "返金いたしません" in text


def test_a_scheduled_suspension_can_be_withdrawn_with_a_note(db, office, clerk, sh_open):
    noticed = lifecycle.suspend_contract(db, clerk, sh_open, reason_code="unpaid", starts_on=WEEK_LATER,
                                         expected_version=version(db, sh_open), today=TODAY)
    with pytest.raises(ValidationFailed):
        lifecycle.withdraw_suspension(db, clerk, sh_open, note=" ", expected_version=noticed.row_version, today=TODAY)
    lifecycle.withdraw_suspension(db, clerk, sh_open, note="入金を確認", expected_version=noticed.row_version,
                                  today=TODAY)
    assert timeline(db, sh_open)[-1][0] == "suspension_withdrawn"
    with pytest.raises(ServiceError, match="予定されている利用停止がありません"):
        lifecycle.start_suspension(db, clerk, sh_open, expected_version=version(db, sh_open), today=WEEK_LATER)


def test_resuming_issues_its_notice_and_is_on_the_timeline(db, office, manager, clerk, sh_open):
    lifecycle.suspend_contract(db, manager, sh_open, reason_code="unpaid", starts_on=TODAY, emergency_note="不正利用",
                               expected_version=version(db, sh_open), today=TODAY)
    with pytest.raises(ValidationFailed):
        lifecycle.resume_contract(db, clerk, sh_open, resumed_on=dt.date(2026, 11, 19),
                                  expected_version=version(db, sh_open), today=TODAY)
    result = lifecycle.resume_contract(db, clerk, sh_open, resumed_on=TODAY, note="入金確認",
                                       expected_version=version(db, sh_open), today=TODAY)
    assert contract_now(db, sh_open).status == "active"
    assert "利用再開通知書" in pdf_text(db, result.notice_id)
    assert [e[0] for e in timeline(db, sh_open)] == ["formed", "opened", "suspended", "resumed"]
    with pytest.raises(ServiceError, match="利用再開できるのは"):
        lifecycle.resume_contract(db, clerk, sh_open, resumed_on=TODAY, expected_version=version(db, sh_open),
                                  today=TODAY)

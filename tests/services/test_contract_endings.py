"""Cancellation (SC §23, SH §26), the fee inside the minimum term (SH §18), termination with
acceleration (SH §27.2), death (SH §20.2), succession (SH §20.1) and changes from a month, on
both engines. Dates worked by hand, the weekday noted; the office has no closure days except in
the year-end case, which is also checked against the rules engine."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk.db.models import ContractOptionPeriod, ContractPlanPeriod, OneTimeCharge
from reseller_desk.domain import rules
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject, SpecialAgreement
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import customers, settings
from reseller_desk.services.contracts import hooks, lifecycle
from reseller_desk.services.errors import PermissionDenied, ServiceError, ValidationFailed

from .builders import SUZUKI, sc_input
from .contract_builders import approved, contract_now, notice_kinds, pdf_text, timeline, version
from .invoice_builders import document, issue_documents

TODAY = dt.date(2026, 11, 20)   # a Friday


def charges(db, contract_id: int) -> list[tuple[str, int, dt.date, bool]]:
    with db.transaction() as session:
        return [(c.kind.value, c.amount, c.billing_month, c.immediate) for c in session.scalars(
            select(OneTimeCharge).where(OneTimeCharge.contract_id == contract_id).order_by(OneTimeCharge.id))]


@pytest.mark.parametrize(("requested_on", "desired", "effective", "problem"), [
    # Fri 20 Nov 2026 for December: the cutoff is Mon 30 Nov, met: the end of December.
    (dt.date(2026, 11, 20), dt.date(2026, 12, 1), dt.date(2026, 12, 31), None),
    # Fri 20 Nov for November: its cutoff Sat 31 Oct → Fri 30 Oct has passed; earliest December.
    (dt.date(2026, 11, 20), dt.date(2026, 11, 1), dt.date(2026, 12, 31), "2026年10月30日"),
    # Sat 30 Jan 2027 for February: cutoff Sun 31 Jan → Fri 29 Jan passed; earliest March.
    (dt.date(2027, 1, 30), dt.date(2027, 2, 1), dt.date(2027, 3, 31), "2027年1月29日"),
    # Fri 29 Jan 2027 for February: on the cutoff itself, accepted.
    (dt.date(2027, 1, 29), dt.date(2027, 2, 1), dt.date(2027, 2, 28), None),
])
def test_an_sc_cancellation_ends_at_the_end_of_the_month_its_cutoff_allows(db, office, manager, requested_on,
                                                                          desired, effective, problem):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    preview = lifecycle.preview_cancellation(db, contract_id, requested_on=requested_on, desired_month=desired)
    assert preview.effective_on == effective and preview.last_billable_month == effective.replace(day=1)
    assert preview.service_data_deletion_due == effective and preview.early_termination_fee == 0
    if problem:
        assert problem in preview.problem and f"{effective.year}年{effective.month}月末" in preview.problem
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.accept_cancellation(db, manager, contract_id, requested_on=requested_on, desired_month=desired,
                                          expected_version=version(db, contract_id), today=requested_on)
        assert problem in refused.value.errors["desired_month"]
        return
    assert preview.problem is None
    result = lifecycle.accept_cancellation(db, manager, contract_id, requested_on=requested_on, desired_month=desired,
                                           expected_version=version(db, contract_id), today=requested_on)
    contract = contract_now(db, contract_id)
    assert (contract.status, contract.ends_on, contract.last_billable_month, contract.service_data_deletion_due) == \
        ("cancellation_scheduled", effective, effective.replace(day=1), effective)
    text = pdf_text(db, result.notice_id)
    assert "解約受付通知書" in text and "設定データ及び履歴データを自動的に削除" in text and "貸与" in text
    with db.transaction() as session:   # the option ends with the contract (SH §6.2-3)
        assert {p.until_month for p in session.scalars(select(ContractOptionPeriod).where(
            ContractOptionPeriod.contract_id == contract_id))} == {effective.replace(day=1)}


def test_an_sh_cancellation_takes_effect_on_the_day_received_with_the_fee_inside_the_minimum_term(
        db, office, clerk, sh_open):
    # Mon 30 Nov 2026: cancelled that day, November the last month billed; 1 of 12 months billed.
    requested = dt.date(2026, 11, 30)
    preview = lifecycle.preview_cancellation(db, sh_open, requested_on=requested)
    assert (preview.effective_on, preview.last_billable_month, preview.early_termination_fee) == \
        (requested, dt.date(2026, 11, 1), 10000)
    assert preview.service_data_deletion_due is None and "第18条" in preview.fee_note
    december = lifecycle.preview_cancellation(db, sh_open, requested_on=requested, desired_month=dt.date(2026, 12, 1))
    assert "2026年11月" in december.problem
    result = lifecycle.accept_cancellation(db, clerk, sh_open, requested_on=requested,
                                           expected_version=version(db, sh_open), today=requested)
    assert charges(db, sh_open) == [("early_termination", 10000, dt.date(2026, 11, 1), False)]
    text = pdf_text(db, result.notice_id)
    assert "¥10,000" in text and "2026年11月30日" in text and "データの削除" not in text
    # it takes effect once its day has passed: the next day
    assert lifecycle.complete_cancellations(db, clerk, today=requested) == []
    assert lifecycle.complete_cancellations(db, clerk, today=dt.date(2026, 12, 1)) == [sh_open]
    assert contract_now(db, sh_open).status == "cancelled"
    assert timeline(db, sh_open)[-1][:3] == ("cancelled", "cancelled", requested)


def test_a_termination_after_a_cancellation_accelerates_and_records_the_fee_only_once(
        db, office, manager, clerk, sh_open):
    lifecycle.accept_cancellation(db, clerk, sh_open, requested_on=TODAY, expected_version=version(db, sh_open),
                                  today=TODAY)
    with pytest.raises(PermissionDenied):
        lifecycle.terminate_contract(db, clerk, sh_open, grounds_code="8", note="督促に応答なし", effective_on=TODAY,
                                     expected_version=version(db, sh_open), today=TODAY)
    with pytest.raises(ValidationFailed):
        lifecycle.terminate_contract(db, manager, sh_open, grounds_code="8", note="", effective_on=TODAY,
                                     expected_version=version(db, sh_open), today=TODAY)
    result = lifecycle.terminate_contract(db, manager, sh_open, grounds_code="antisocial", note="報道により判明",
                                          effective_on=TODAY, expected_version=version(db, sh_open), today=TODAY)
    contract = contract_now(db, sh_open)
    assert (contract.status, contract.accelerated_on) == ("terminated", TODAY)
    assert charges(db, sh_open) == [("early_termination", 10000, dt.date(2026, 11, 1), True)]
    text = pdf_text(db, result.notice_id)
    assert "契約解除通知書" in text and "期限の利益" in text and "第36条第2項" in text


def test_an_sc_termination_does_not_accelerate(db, office, manager):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    grounds = lifecycle.termination_grounds(db, contract_id)
    assert not grounds.accelerates and "antisocial" in {g.code for g in grounds.grounds}
    result = lifecycle.terminate_contract(db, manager, contract_id, grounds_code="antisocial", note="確認済",
                                          effective_on=TODAY, expected_version=version(db, contract_id), today=TODAY)
    assert contract_now(db, contract_id).accelerated_on is None
    assert "期限の利益" not in pdf_text(db, result.notice_id)


def test_every_ending_calls_the_ending_hooks(db, office, manager, sh_open, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "on_contract_ending",
                        [lambda session, actor, contract, ending: seen.append((contract.id, ending.kind, actor.login))])
    lifecycle.accept_cancellation(db, manager, sh_open, requested_on=TODAY, expected_version=version(db, sh_open),
                                  today=TODAY)
    assert seen == [(sh_open, "cancellation", manager.login)]


def test_death_ends_an_individuals_contract_and_is_refused_for_a_company(db, office, manager, sh_open):
    lifecycle.record_death(db, manager, sh_open, died_on=dt.date(2026, 11, 20), expected_version=version(db, sh_open),
                           today=TODAY)
    contract = contract_now(db, sh_open)
    assert (contract.status, contract.ends_on, contract.last_billable_month) == \
        ("ended", TODAY, dt.date(2026, 11, 1))
    company = approved(db, manager, sc_input(office), today=TODAY)
    with pytest.raises(ServiceError, match="法人のお客様の契約は死亡により終了しません"):
        lifecycle.record_death(db, manager, company, died_on=TODAY, expected_version=version(db, company), today=TODAY)


def test_sc_has_no_succession_clause_and_an_sh_succession_moves_the_contract_to_the_successor(
        db, office, manager, clerk, sh_open):
    sc = approved(db, manager, sc_input(office), today=TODAY)
    with pytest.raises(ServiceError, match="地位の承継の定めがありません"):
        lifecycle.report_succession(db, clerk, sc, kind="merger", succeeded_on=TODAY, successor_name="株式会社つばさ",
                                    expected_version=version(db, sc), today=TODAY)
    # SH §20.2: an individual's contract ends on death; it is not inherited
    with pytest.raises(ValidationFailed) as inherited:
        lifecycle.report_succession(db, clerk, sh_open, kind="inheritance", succeeded_on=TODAY,
                                    successor_name="鈴木 花子", expected_version=version(db, sh_open), today=TODAY)
    assert "第20条第2項" in inherited.value.errors["kind"] and "死亡による終了" in inherited.value.errors["kind"]
    # Fri 20 Nov + 30 days = Sun 20 Dec → Fri 18 Dec (SH §20.1); a sole trader's business transferred
    result = lifecycle.report_succession(db, clerk, sh_open, kind="transfer", succeeded_on=TODAY,
                                         successor_name="鈴木 花子", expected_version=version(db, sh_open), today=TODAY)
    assert "2026年12月18日" in pdf_text(db, result.notice_id)
    [waiting] = lifecycle.list_successions(db, today=dt.date(2026, 12, 19))
    assert (waiting.proof_deadline, waiting.overdue, waiting.kind_label) == (dt.date(2026, 12, 18), True, "事業譲渡")
    successor = customers.add_customer(db, clerk, SUZUKI).id
    lifecycle.complete_succession(db, clerk, waiting.id, documents_received_on=dt.date(2026, 12, 1),
                                  successor_customer_id=successor, expected_version=waiting.contract_row_version,
                                  today=dt.date(2026, 12, 1))
    assert contract_now(db, sh_open).customer_id == successor
    assert [e[0] for e in timeline(db, sh_open)][-2:] == ["succession_reported", "succession_completed"]
    assert lifecycle.list_successions(db, today=TODAY) == []
    assert notice_kinds(db, sh_open)[-1] == "succession_request"


def test_a_number_held_by_another_live_contract_is_refused_naming_both(db, office, manager, clerk, sh_open):
    lifecycle.set_numbers(db, clerk, sh_open, numbers=["０５０-１２３４-５６７８"], expected_version=version(db, sh_open),
                          today=TODAY)
    other = approved(db, manager, sc_input(office), today=TODAY)
    held_by = contract_now(db, sh_open).customer_code
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.set_numbers(db, clerk, other, numbers=["05012345678"], expected_version=version(db, other),
                              today=TODAY)
    assert refused.value.errors["numbers"] == f"電話番号 05012345678 は契約 {held_by} で使用中です。"
    with pytest.raises(ValidationFailed, match="入力内容"):
        lifecycle.set_numbers(db, clerk, other, numbers=["0312", "0312345678"], expected_version=version(db, other),
                              today=TODAY)


def test_changes_take_effect_from_a_month_and_never_before_the_running_period(db, office, manager, clerk):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    with pytest.raises(ValidationFailed) as early:
        lifecycle.change_lines(db, clerk, contract_id, lines=3, from_month=dt.date(2026, 10, 1),
                               expected_version=version(db, contract_id), today=TODAY)
    assert "2026年11月" in early.value.errors["from_month"]
    lifecycle.change_lines(db, clerk, contract_id, lines=3, from_month=dt.date(2027, 1, 1),
                           expected_version=version(db, contract_id), today=TODAY)
    lifecycle.end_option(db, clerk, contract_id, option_id=office["sc_rec"], last_month=dt.date(2027, 2, 1),
                         expected_version=version(db, contract_id), today=TODAY)
    lifecycle.add_special_agreement(db, clerk, contract_id, agreement=SpecialAgreement(
        AgreementSubject.PLAN_MONTHLY_FEE, AgreementDocument.QUOTE, "Q-2026-031", dt.date(2027, 1, 1),
        monthly_fee=2500), expected_version=version(db, contract_id), today=TODAY)
    with pytest.raises(ValidationFailed):
        lifecycle.change_plan(db, clerk, contract_id, plan_id=office["sh"], from_month=dt.date(2027, 1, 1),
                              expected_version=version(db, contract_id), today=TODAY)
    with db.transaction() as session:
        periods = [(p.lines, p.from_month, p.until_month) for p in session.scalars(
            select(ContractPlanPeriod).where(ContractPlanPeriod.contract_id == contract_id)
            .order_by(ContractPlanPeriod.from_month))]
    assert periods == [(2, dt.date(2026, 11, 1), dt.date(2026, 12, 1)), (3, dt.date(2027, 1, 1), None)]
    assert [e[0] for e in timeline(db, contract_id)] == ["formed", "lines_changed", "option_ended", "agreement_added"]
    assert all(e[4] == clerk.user_id for e in timeline(db, contract_id)[1:])


def test_a_cancellation_is_refused_on_a_final_contract(db, office, manager, sh_open):
    lifecycle.record_death(db, manager, sh_open, died_on=TODAY, expected_version=version(db, sh_open), today=TODAY)
    with pytest.raises(ServiceError, match="終了」で終わっている"):
        lifecycle.accept_cancellation(db, manager, sh_open, requested_on=TODAY, expected_version=version(db, sh_open),
                                      today=TODAY)


@pytest.mark.parametrize(("requested_on", "desired", "effective"), [
    # The office closes 29 Dec 2026 – 3 Jan 2027 (年末年始). For January the cutoff is Thu 31 Dec,
    # a closure day, so Mon 28 Dec (the last company business day): met on the 28th.
    (dt.date(2026, 12, 28), dt.date(2027, 1, 1), dt.date(2027, 1, 31)),
    # Tue 29 Dec, a closure day after that cutoff: the earliest month is February.
    (dt.date(2026, 12, 29), dt.date(2027, 1, 1), dt.date(2027, 2, 28)),
    # For December the cutoff is Mon 30 Nov, a business day: the closures change nothing.
    (dt.date(2026, 11, 30), dt.date(2026, 12, 1), dt.date(2026, 12, 31)),
])
def test_an_sc_cancellation_across_the_year_end_closure_matches_the_rules_engine(db, office, manager, requested_on,
                                                                                desired, effective):
    closed = [dt.date(2026, 12, 29) + dt.timedelta(days=n) for n in range(6)]
    settings.add_closures(db, manager, closed, "年末年始", today=TODAY)
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    preview = lifecycle.preview_cancellation(db, contract_id, requested_on=requested_on, desired_month=desired)
    calendar = BusinessCalendar.company(closures=closed)
    profile = load_profile("simpleconnect")
    earliest = rules.earliest_cancellation_month(profile, calendar, requested_on)
    assert preview.effective_on == effective == rules.cancellation_date(profile, calendar, requested_on,
                                                                        max(desired, earliest))
    assert preview.last_billable_month == rules.last_billable_month(effective) == effective.replace(day=1)
    assert (preview.problem is None) == (desired >= earliest)


def test_the_preview_names_a_desired_month_too_far_ahead_as_accepting_would_refuse_it(db, office, manager):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    far = dt.date(2029, 6, 1)
    preview = lifecycle.preview_cancellation(db, contract_id, requested_on=TODAY, desired_month=far, today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.accept_cancellation(db, manager, contract_id, requested_on=TODAY, desired_month=far,
                                      expected_version=version(db, contract_id), today=TODAY)
    assert preview.problem == refused.value.errors["desired_month"]
    assert "2028年11月20日" in preview.problem


def test_a_change_never_rewrites_a_month_already_invoiced_nor_drops_lines_below_the_numbers_held(db, office, manager,
                                                                                                  clerk):
    contract_id = approved(db, manager, sc_input(office), today=TODAY)
    december = dt.date(2026, 12, 1)
    issue_documents(db, contract_now(db, contract_id).customer_id, [document(month=december)])
    with pytest.raises(ValidationFailed) as billed:
        lifecycle.change_lines(db, clerk, contract_id, lines=3, from_month=december,
                               expected_version=version(db, contract_id), today=TODAY)
    assert billed.value.errors["from_month"] == "2026年12月分まで請求済みです。変更月は2027年1月以降にしてください。"
    with pytest.raises(ValidationFailed) as ended:
        lifecycle.end_option(db, clerk, contract_id, option_id=office["sc_rec"], last_month=dt.date(2026, 11, 1),
                             expected_version=version(db, contract_id), today=TODAY)
    assert "2026年12月分まで請求済み" in ended.value.errors["last_month"]
    lifecycle.set_numbers(db, clerk, contract_id, numbers=["0312345678", "0312345679"],
                          expected_version=version(db, contract_id), today=TODAY)
    with pytest.raises(ValidationFailed) as numbers:
        lifecycle.change_lines(db, clerk, contract_id, lines=1, from_month=dt.date(2027, 1, 1),
                               expected_version=version(db, contract_id), today=TODAY)
    assert "番号を1件外して" in numbers.value.errors["lines"]
    lifecycle.change_lines(db, clerk, contract_id, lines=3, from_month=dt.date(2027, 1, 1),
                           expected_version=version(db, contract_id), today=TODAY)

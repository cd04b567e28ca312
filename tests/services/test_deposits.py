"""Deposits 利用保証金 (SC §9.10–13): which contracts are listed (monthly service charges per ID
strictly above 30,000 yen; never under terms without the rule), the request and its letter,
receipt, the overdue deposit as a suspension candidate, and the settlement when the contract
ends: applied to the unpaid invoices through the ledger, the rest refunded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.models import AuditEntry, Deposit, DepositEntry, Notice, Payment
from reseller_desk.domain.deposit_notices import from_json
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.payments import ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.errors import PermissionDenied, ServiceError, ValidationFailed
from reseller_desk.services.payments import deposits as dep
from reseller_desk.services.payments.balances import balances

from .contract_builders import pdf_text
from .deposit_builders import MONTH, TODAY, an_office_account, billed, ended, opened_contract

DEADLINE = dt.date(2026, 12, 10)


@pytest.fixture
def account(db, manager):
    an_office_account(db, manager)


@pytest.fixture
def sc(db, manager, office, account) -> int:
    return opened_contract(db, manager, office)


def listed(db) -> dict[int, int]:
    return {c.contract_id: c.monthly_charges for c in dep.deposit_candidates(db, MONTH, today=TODAY)}


def test_a_contract_is_listed_only_when_its_months_charges_are_strictly_above_30000_yen(db, manager, office, account):
    at_line, above, with_calls = (opened_contract(db, manager, office) for _ in range(3))
    # one customer's invoice: calls count, a one-time charge does not
    billed(db, with_calls, recurring=25_000, usage=6_000, fixed=10_000, others={at_line: 30_000, above: 30_001})
    assert listed(db) == {above: 30_001, with_calls: 31_000}


def test_the_latest_invoice_of_the_month_is_the_one_counted(db, manager, sc):
    original, _ = billed(db, sc, recurring=40_000)
    billed(db, sc, recurring=20_000, replacing=original)          # the replacement after a correction
    assert listed(db) == {}


def test_a_contract_under_terms_without_a_deposit_rule_is_never_listed_nor_asked(db, manager, office, account):
    sh = opened_contract(db, manager, office, profile="sokujitsu")
    billed(db, sh, recurring=90_000)
    assert listed(db) == {}
    with pytest.raises(ServiceError, match="利用保証金の定めがありません"):
        dep.request_deposit(db, manager, sh, 100_000, DEADLINE, today=TODAY)


def test_a_request_issues_the_letter_with_the_amount_deadline_no_interest_the_application_and_the_account(
        db, manager, sc):
    billed(db, sc, recurring=45_000)
    row = dep.request_deposit(db, manager, sc, 90_000, DEADLINE, note="2か月分をお預かりします。", today=TODAY)
    assert (row.amount, row.deadline, row.monthly_charges, row.state, row.held) == (
        90_000, DEADLINE, 45_000, dep.DepositState.WAITING, 0)
    assert row.notice_number.startswith("預-2026-")
    with db.transaction() as session:
        notice = session.get(Notice, row.notice_id)
        document = from_json(notice.document_json)
    assert (notice.kind, notice.contract_id) == (NoticeKind.DEPOSIT_REQUEST, sc)
    assert (document.details.amount, document.details.billing_month, document.details.clause,
            document.details.unpaid_clause) == (90_000, MONTH, "第9条第10項", "第9条第12項")
    text = pdf_text(db, row.notice_id)
    for expected in ("利用保証金預託のお願い", "90,000", "45,000", "2026年12月10日", "利息を付しません",
                     "充当", "不課税", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ", "第9条第10項", "第9条第12項",
                     "30,000円を超えて", "2か月分をお預かりします。"):
        assert expected in text, expected
    [candidate] = dep.deposit_candidates(db, MONTH, today=TODAY)
    assert candidate.deposit is not None and candidate.deposit.deposit_id == row.deposit_id
    with pytest.raises(ServiceError, match="すでに利用保証金の依頼"):
        dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)


def test_only_a_manager_asks_and_a_contract_under_the_line_or_a_past_deadline_is_refused(db, manager, clerk, sc):
    billed(db, sc, recurring=30_000)
    with pytest.raises(PermissionDenied):
        dep.request_deposit(db, clerk, sc, 90_000, DEADLINE, today=TODAY)
    with pytest.raises(ServiceError, match="超えていません"):
        dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        dep.request_deposit(db, manager, sc, 0, TODAY, today=TODAY)
    assert set(refused.value.errors) == {"amount"}
    with db.transaction() as session:
        assert session.scalars(select(Deposit)).all() == []


def test_receiving_the_deposit_touches_no_invoice_and_the_deposit_is_then_held(db, manager, clerk, sc):
    invoice_id, _ = billed(db, sc, recurring=45_000)
    row = dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        dep.record_deposit_received(db, clerk, row.deposit_id, TODAY, 90_001, today=TODAY)
    assert "未受領の額（90,000円）" in refused.value.errors["amount"]
    after = dep.record_deposit_received(db, clerk, row.deposit_id, TODAY, 90_000, today=TODAY)
    assert (after.received, after.held, after.state) == (90_000, 90_000, dep.DepositState.RECEIVED)
    with db.transaction() as session:
        assert session.scalars(select(Payment)).all() == []          # not revenue, applied to nothing
        assert balances(session, invoice_ids=[invoice_id])[invoice_id].state is InvoiceState.OPEN


def test_a_deposit_not_fully_received_by_its_deadline_is_a_suspension_candidate(db, manager, clerk, sc):
    billed(db, sc, recurring=45_000)
    row = dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)
    dep.record_deposit_received(db, clerk, row.deposit_id, TODAY, 50_000, today=TODAY)
    assert dep.overdue_deposits(db, DEADLINE) == []                   # the deadline day itself is in time
    [late] = dep.overdue_deposits(db, DEADLINE + dt.timedelta(days=1))
    assert (late.deposit_id, late.state, late.short) == (row.deposit_id, dep.DepositState.OVERDUE, 40_000)
    day = DEADLINE + dt.timedelta(days=2)
    dep.record_deposit_received(db, clerk, row.deposit_id, day, 40_000, today=day)
    assert dep.overdue_deposits(db, day) == []


def test_a_request_nothing_was_received_for_can_be_cancelled_and_asked_again(db, manager, clerk, sc):
    billed(db, sc, recurring=45_000)
    row = dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)
    cancelled = dep.cancel_deposit(db, manager, row.deposit_id, note="金額の誤り", today=TODAY)
    assert cancelled.state == dep.DepositState.CANCELLED
    again = dep.request_deposit(db, manager, sc, 60_000, DEADLINE, today=TODAY)
    dep.record_deposit_received(db, clerk, again.deposit_id, TODAY, 1_000, today=TODAY)
    with pytest.raises(ServiceError, match="受領済み"):
        dep.cancel_deposit(db, manager, again.deposit_id, note="取消", today=TODAY)


def test_when_the_contract_ends_the_deposit_pays_the_unpaid_invoices_and_the_rest_is_refunded(db, manager, clerk, sc):
    november, november_total = billed(db, sc, recurring=45_000)
    row = dep.request_deposit(db, manager, sc, 100_000, DEADLINE, today=TODAY)
    received_on = dt.date(2026, 11, 30)
    dep.record_deposit_received(db, clerk, row.deposit_id, received_on, 100_000, today=received_on)
    with pytest.raises(ServiceError, match="精算できるのは"):
        dep.settle_deposit(db, manager, row.deposit_id, on=received_on, today=received_on)

    ended(db, manager, sc, requested_on=dt.date(2026, 11, 25))       # ends 2026-12-31 (SC §23)
    [due] = dep.deposits_to_settle(db, dt.date(2026, 11, 30))
    assert (due.deposit_id, due.held, due.contract_ends_on) == (row.deposit_id, 100_000, dt.date(2026, 12, 31))
    with db.transaction() as session:
        marked = session.scalars(select(AuditEntry).where(AuditEntry.action == "deposit.settlement_due")).one()
        assert marked.entity_id == row.deposit_id
    assert dep.deposit_candidates(db, MONTH, today=TODAY) == []       # an ending contract is not asked again

    december, december_total = billed(db, sc, recurring=45_000, month=dt.date(2026, 12, 1))
    today = dt.date(2027, 1, 20)
    with pytest.raises(ServiceError, match="未払いの請求"):
        dep.refund_deposit(db, manager, row.deposit_id, today, "振込で返還", today=today)
    settled = dep.settle_deposit(db, manager, row.deposit_id, on=today, today=today)
    assert (settled.applied, settled.refundable) == (november_total + december_total,
                                                     100_000 - november_total - december_total)
    with db.transaction() as session:
        payment = session.get(Payment, settled.payment_id)
        assert (payment.method, payment.deposit_id, payment.amount) == (ReceiptMethod.DEPOSIT, row.deposit_id,
                                                                        settled.applied)
        states = {i: b.state for i, b in balances(session, invoice_ids=[november, december]).items()}
        assert states == {november: InvoiceState.PAID, december: InvoiceState.PAID}
        entry = session.scalars(select(DepositEntry).where(DepositEntry.kind == "applied")).one()
        assert (entry.amount, entry.payment_id) == (settled.applied, settled.payment_id)
    [still] = dep.deposits_to_settle(db, today)
    assert still.held == settled.refundable

    refunded = dep.refund_deposit(db, manager, row.deposit_id, today, "みずほ銀行の口座へ振込で返還", today=today)
    assert (refunded.state, refunded.held, refunded.refunded) == (dep.DepositState.SETTLED, 0, settled.refundable)
    assert dep.deposits_to_settle(db, today) == []
    assert [r.state for r in dep.deposits(db, today=today)] == [dep.DepositState.SETTLED]


def test_an_ending_contract_with_nothing_held_is_not_marked(db, manager, sc):
    billed(db, sc, recurring=45_000)
    dep.request_deposit(db, manager, sc, 90_000, DEADLINE, today=TODAY)
    with clock.frozen(TODAY):
        ended(db, manager, sc)
    assert dep.deposits_to_settle(db, TODAY) == []
    assert dep.overdue_deposits(db, DEADLINE + dt.timedelta(days=1)) == []   # no suspension for an ending contract

"""The payment ledger (services.payments.ledger): receipts applied oldest first or as chosen, the
rest a credit, reversals as new entries, credit applied and refunded; every state derived."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import AuditEntry, Payment, PaymentApplication
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.balances import account_of, balances

from .billing_office import OCTOBER, customer, invoices, put_contract, with_transfer_account
from .builders import MIRAI
from .payment_builders import a_customer, an_invoice

TODAY = dt.date(2026, 12, 20)


def state(db, invoice_id):
    with db.transaction() as session:
        return balances(session, invoice_ids=[invoice_id])[invoice_id]


def account(db, customer_id):
    with db.transaction() as session:
        return account_of(session, customer_id)


def test_a_payment_settles_the_oldest_open_invoice_first_and_the_rest_is_credit(db, office, clerk):
    customer = a_customer(db, clerk)
    older, older_total = an_invoice(db, customer, due=dt.date(2026, 11, 30))
    newer, newer_total = an_invoice(db, customer, month=dt.date(2026, 12, 1), due=dt.date(2026, 12, 31))
    paid = ledger.record_payment(db, clerk, customer, received_on=TODAY, amount=older_total + 500, today=TODAY)
    assert [(a.invoice_id, a.amount) for a in paid.applied] == [(older, older_total), (newer, 500)]
    assert paid.credit == 0
    assert state(db, older).state is InvoiceState.PAID
    assert state(db, newer).state is InvoiceState.SHORT and state(db, newer).owed == newer_total - 500
    assert account(db, customer).owed == newer_total - 500


def test_a_payment_goes_to_the_invoices_the_clerk_chose_and_what_is_left_is_a_credit(db, office, clerk):
    customer = a_customer(db, clerk)
    older, _ = an_invoice(db, customer, due=dt.date(2026, 11, 30))
    newer, newer_total = an_invoice(db, customer, month=dt.date(2026, 12, 1), due=dt.date(2026, 12, 31))
    paid = ledger.record_payment(db, clerk, customer, received_on=TODAY, amount=newer_total + 1000,
                                 invoice_ids=[newer], today=TODAY)
    assert [(a.invoice_id, a.amount) for a in paid.applied] == [(newer, newer_total)]
    assert paid.credit == 1000
    assert state(db, older).state is InvoiceState.OPEN
    assert account(db, customer).credit == 1000


def test_a_reversal_is_a_new_entry_that_puts_the_invoices_back_as_they_were(db, office, clerk):
    customer = a_customer(db, clerk)
    invoice, total = an_invoice(db, customer, due=dt.date(2026, 11, 30))
    paid = ledger.record_payment(db, clerk, customer, received_on=TODAY, amount=total + 300, today=TODAY)
    reversal = ledger.reverse_payment(db, clerk, paid.payment_id, reason="不渡り", on=TODAY, today=TODAY)
    with db.transaction() as session:
        kinds = session.execute(select(Payment.id, Payment.kind, Payment.amount).order_by(Payment.id)).all()
        assert [(k, a) for _, k, a in kinds] == [(PaymentKind.RECEIPT, total + 300), (PaymentKind.REVERSAL, -total - 300)]
        assert session.scalar(select(func.count()).select_from(PaymentApplication)) == 2
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "payment.reverse")) == 1
    assert reversal == kinds[1][0]
    assert state(db, invoice).state is InvoiceState.OPEN
    assert account(db, customer).credit == 0
    with pytest.raises(ServiceError, match="すでに取り消"):
        ledger.reverse_payment(db, clerk, paid.payment_id, reason="二度目", on=TODAY, today=TODAY)


def test_credit_is_applied_to_the_next_invoice_and_can_be_refunded(db, office, clerk):
    customer = a_customer(db, clerk)
    ledger.record_payment(db, clerk, customer, received_on=dt.date(2026, 11, 5), amount=20_000, today=TODAY)
    assert account(db, customer).credit == 20_000
    invoice, total = an_invoice(db, customer, due=dt.date(2026, 11, 30))
    applied = ledger.apply_credit(db, clerk, customer, on=TODAY, today=TODAY)
    assert applied.total_applied == total and applied.credit == 20_000 - total
    assert state(db, invoice).state is InvoiceState.PAID
    ledger.refund_credit(db, clerk, customer, 20_000 - total, on=TODAY, note="口座へ返金", today=TODAY)
    assert account(db, customer).credit == 0
    with pytest.raises(ValidationFailed) as refused:
        ledger.refund_credit(db, clerk, customer, 1, on=TODAY, note="もう一度", today=TODAY)
    assert "amount" in refused.value.errors


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "1000", ledger.MAX_PAYMENT + 1])
def test_a_payment_amount_that_is_not_whole_positive_yen_is_refused_beside_the_field(db, office, clerk, amount):
    customer = a_customer(db, clerk)
    with pytest.raises(ValidationFailed) as refused:
        ledger.record_payment(db, clerk, customer, received_on=TODAY, amount=amount, today=TODAY)
    assert "amount" in refused.value.errors
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_a_payment_dated_in_the_future_or_for_nobody_is_refused(db, office, clerk):
    customer = a_customer(db, clerk)
    with pytest.raises(ValidationFailed) as refused:
        ledger.record_payment(db, clerk, customer, received_on=TODAY + dt.timedelta(days=1), amount=100, today=TODAY)
    assert "received_on" in refused.value.errors
    with pytest.raises(NotFound):
        ledger.record_payment(db, clerk, 999_999, received_on=TODAY, amount=100, today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        ledger.record_payment(db, clerk, customer, received_on=TODAY, amount=100, method=ReceiptMethod.DEPOSIT,
                              today=TODAY)
    assert "method" in refused.value.errors


def test_an_overpayment_is_applied_to_the_next_invoice_when_the_billing_run_issues_it(db, office, clerk, manager):
    with_transfer_account(db, manager)
    mirai = customer(db, manager, MIRAI)
    april = dt.date(2026, 4, 1)
    put_contract(db, mirai, "simpleconnect", plans=[(office["sc"], 1, april, None)], first_billable=april)
    ledger.record_payment(db, clerk, mirai, received_on=dt.date(2026, 10, 20), amount=1000, today=TODAY)
    bill_month(db, clerk, OCTOBER, today=dt.date(2026, 11, 4))
    [october] = invoices(db)
    assert state(db, october.id).applied == 1000 and state(db, october.id).state is InvoiceState.SHORT
    assert account(db, mirai).credit == 0

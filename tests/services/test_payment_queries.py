"""The 入金 screen's reading (services.payments.queries): the payments newest first with their
filters and pages, the invoices each was applied to, a customer's open invoices with state and
what they owe, and the customer search of the entry dialog."""

from __future__ import annotations

import datetime as dt

from reseller_desk.db.models import Invoice
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.payments import ledger, queries
from reseller_desk.services.payments.queries import PaymentFilter

from .payment_builders import a_customer, an_invoice, another_customer

TODAY = dt.date(2026, 12, 28)


def test_payments_are_listed_newest_first_with_their_invoices_and_filtered(db, manager):
    mirai, hikari = a_customer(db, manager), another_customer(db, manager)
    first, _ = an_invoice(db, mirai, before_tax=10_000, month=dt.date(2026, 10, 1), due=dt.date(2026, 11, 30))
    second, _ = an_invoice(db, mirai, before_tax=10_000, due=dt.date(2026, 12, 27))
    an_invoice(db, hikari, before_tax=5_000, customer_code="C0000002")
    both = ledger.record_payment(db, manager, mirai, received_on=dt.date(2026, 12, 1), amount=22_000,
                                 payer_name="ｶ)ﾐﾗｲ", today=TODAY)
    cash = ledger.record_payment(db, manager, hikari, received_on=dt.date(2026, 12, 20), amount=1_000,
                                 method=ReceiptMethod.CASH, today=TODAY)
    undo = ledger.reverse_payment(db, manager, cash.payment_id, reason="二重入力", today=TODAY)

    rows = queries.list_payments(db)
    assert [(r.id, r.kind, r.amount) for r in rows] == [
        (undo, PaymentKind.REVERSAL, -1_000), (cash.payment_id, PaymentKind.RECEIPT, 1_000),
        (both.payment_id, PaymentKind.RECEIPT, 22_000)]
    assert rows[1].reversed_by_id == undo and not rows[1].reversible and rows[2].reversible
    with db.transaction() as session:
        numbers = tuple(session.get(Invoice, i).number for i in (first, second))
    assert rows[2].invoices == numbers and rows[2].applied_to == "、".join(numbers)   # oldest due first
    assert rows[2].customer_name == "株式会社みらい商事" and rows[2].recorded_by
    assert queries.count_payments(db) == 3

    assert [r.id for r in queries.list_payments(db, PaymentFilter(customer_id=mirai))] == [both.payment_id]
    assert [r.id for r in queries.list_payments(db, PaymentFilter(method=ReceiptMethod.CASH))] == [undo, cash.payment_id]
    assert [r.id for r in queries.list_payments(db, PaymentFilter(kind=PaymentKind.REVERSAL))] == [undo]
    december = PaymentFilter(date_from=dt.date(2026, 12, 2), date_to=dt.date(2026, 12, 20))
    assert [r.id for r in queries.list_payments(db, december)] == [cash.payment_id]
    assert queries.count_payments(db, december) == 1
    assert [r.id for r in queries.list_payments(db, offset=1, limit=1)] == [cash.payment_id]
    assert queries.list_payments(db, PaymentFilter(customer_id="x")) == []        # type: ignore[arg-type]
    assert queries.payment_row(db, both.payment_id) == rows[2]
    assert queries.payment_row(db, 999_999) is None and queries.payment_row(db, "1") is None  # type: ignore[arg-type]


def test_a_customers_open_invoices_show_their_state_owed_and_the_credit(db, manager):
    mirai = a_customer(db, manager)
    older, _ = an_invoice(db, mirai, before_tax=10_000, month=dt.date(2026, 10, 1), due=dt.date(2026, 11, 30))
    newer, _ = an_invoice(db, mirai, before_tax=5_000, due=dt.date(2026, 12, 27))
    ledger.record_payment(db, manager, mirai, received_on=dt.date(2026, 12, 1), amount=10_560,
                          invoice_ids=[older], today=TODAY)
    account = queries.customer_open(db, mirai)
    assert account is not None and account.name == "株式会社みらい商事"
    assert [(i.invoice_id, i.owed, i.state) for i in account.invoices] == [
        (older, 440, InvoiceState.SHORT), (newer, 5_500, InvoiceState.OPEN)]
    assert (account.owed, account.credit) == (5_940, 0)
    ledger.record_payment(db, manager, mirai, received_on=dt.date(2026, 12, 2), amount=6_000, today=TODAY)
    account = queries.customer_open(db, mirai)
    assert account.invoices == () and (account.owed, account.credit) == (0, 60)
    assert queries.customer_open(db, 999_999) is None and queries.customer_open(db, None) is None  # type: ignore[arg-type]


def test_the_entry_dialog_finds_customers_by_name_furigana_or_phone(db, manager):
    mirai, hikari = a_customer(db, manager), another_customer(db, manager)
    assert [c.id for c in queries.find_customers(db, "みらい")] == [mirai]
    assert [c.id for c in queries.find_customers(db, "ﾋｶﾘ")] == [hikari]
    assert [c.id for c in queries.find_customers(db, "03-1111")] == [hikari]
    assert queries.find_customers(db, "") == [] and queries.find_customers(db, "存在しない") == []
    assert queries.find_customers(db, None) == []                                   # type: ignore[arg-type]
    assert queries.find_customers(db, "株式会社")[0].label.startswith("株式会社")

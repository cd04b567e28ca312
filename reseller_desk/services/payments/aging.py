"""売掛金 (receivables): the aging table per customer (domain.receivables.AGING_BUCKETS: 未到来,
1〜30日, 31〜60日, 61〜90日, 91日超 past the due date) with its totals, and a customer's account
statement (取引明細): invoices, corrections, payments, reversals, refunds, write-offs, with a
running balance from the balance before the first day; credit applied and late interest are listed
beside them (credit applied moves the customer's own money to an invoice; late interest is billed
on a later invoice, whose total carries it), so they change no balance.

Everything is read through services.payments.balances (what each invoice owes, the credit) and
the entries themselves; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, Invoice, LateInterest, Payment, WriteOff
from reseller_desk.domain.account_statement import AccountStatement, StatementEntry
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import PaymentKind
from reseller_desk.domain.receivables import AGING_BUCKETS, aging_table
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.payments.balances import Account, InvoiceBalance, account_of, balances, credit_applications
from reseller_desk.services.payments.ledger import load_customer

__all__ = ["AccountStatement", "AgingReport", "AgingRow", "CustomerInvoice", "StatementEntry", "account_statement",
           "account_statement_pdf", "aging_report", "bucket_labels", "customer_account", "customer_invoices"]


def bucket_labels() -> tuple[str, ...]:
    return tuple(label for label, _, _ in AGING_BUCKETS)


@dataclass(frozen=True)
class AgingRow:
    customer_id: int
    name: str
    buckets: tuple[int, ...]     # in the order of AGING_BUCKETS
    total: int
    credit: int                  # 過入金


@dataclass(frozen=True)
class AgingReport:
    today: dt.date
    rows: tuple[AgingRow, ...]
    totals: tuple[int, ...]
    total: int
    credit: int


def aging_report(db: Database, today: dt.date) -> AgingReport:
    """What every customer owes by aging column on ``today``, by name; customers owing nothing are
    left out. The totals row adds the columns."""
    with db.transaction() as session:
        by_customer: dict[int, list[InvoiceBalance]] = defaultdict(list)
        for balance in balances(session).values():
            if balance.owed:
                by_customer[balance.customer_id].append(balance)
        names: dict[int, str] = {row[0]: row[1] for row in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(list(by_customer))))} if by_customer else {}
        rows = []
        for customer_id, owing in by_customer.items():
            table = aging_table((b.item() for b in owing), today)
            buckets = tuple(table[label] for label in bucket_labels())
            rows.append(AgingRow(customer_id, names.get(customer_id, ""), buckets, sum(buckets),
                                 account_of(session, customer_id).credit))
    rows.sort(key=lambda r: (r.name, r.customer_id))
    totals = tuple(sum(r.buckets[i] for r in rows) for i in range(len(AGING_BUCKETS)))
    return AgingReport(today, tuple(rows), totals, sum(totals), sum(r.credit for r in rows))


def _raw_entries(session: Session, customer_id: int,
                 numbers: dict[int, str]) -> list[tuple[dt.date, int, StatementEntry]]:
    """Every entry of the customer (balance 0 for now), with an order within its day."""
    found: list[tuple[dt.date, int, StatementEntry]] = []
    for number, kind, on, total, month in session.execute(
            select(Invoice.number, Invoice.kind, Invoice.issue_date, Invoice.total, Invoice.billing_month)
            .where(Invoice.customer_id == customer_id).order_by(Invoice.issue_date, Invoice.id)):
        total = int(total)
        label = "請求" if kind is InvoiceKind.INVOICE else "訂正"
        text = f"{month.year}年{month.month}月分 ご請求" if kind is InvoiceKind.INVOICE else "請求書の訂正（赤伝）"
        found.append((on, 0, StatementEntry(on, label, number, text, max(total, 0), max(-total, 0), 0)))
    for payment in session.scalars(select(Payment).where(Payment.customer_id == customer_id)
                                   .order_by(Payment.received_on, Payment.id)):
        text = payment.method.label if payment.kind is PaymentKind.RECEIPT else payment.note or payment.kind.label
        if payment.kind is PaymentKind.RECEIPT and payment.payer_name:
            text += f"（{payment.payer_name}）"
        found.append((payment.received_on, 1, StatementEntry(
            payment.received_on, payment.kind.label, "", text, max(-payment.amount, 0), max(payment.amount, 0), 0)))
    for row in session.scalars(select(WriteOff).where(WriteOff.customer_id == customer_id)
                               .order_by(WriteOff.written_on, WriteOff.id)):
        found.append((row.written_on, 2, StatementEntry(row.written_on, "償却", numbers.get(row.invoice_id, ""),
                                                        f"{row.account.label}（{row.note}）", 0, row.amount, 0)))
    for applied in credit_applications(session, customer_id):
        found.append((applied.applied_on, 3, StatementEntry(
            applied.applied_on, "充当", numbers.get(applied.invoice_id, ""), f"過入金の充当 {applied.amount:,}円",
            0, 0, 0, counts=False)))
    for late in session.scalars(select(LateInterest).where(LateInterest.customer_id == customer_id)
                                .order_by(LateInterest.assessed_on, LateInterest.id)):
        state = f"免除（{late.waive_reason}）" if late.waived_on else "次回のご請求に計上"
        found.append((late.assessed_on, 4, StatementEntry(
            late.assessed_on, "遅延損害金", numbers.get(late.invoice_id, ""),
            f"{late.period_from:%Y/%m/%d}〜{late.period_to:%Y/%m/%d} {late.days}日 {late.amount:,}円・{state}",
            0, 0, 0, counts=False)))
    found.sort(key=lambda item: (item[0], item[1]))
    return found


def account_statement(db: Database, customer_id: int, *, since: dt.date, until: dt.date) -> AccountStatement:
    """取引明細 of a customer from ``since`` to ``until`` (inclusive) with a running balance."""
    if not isinstance(since, dt.date) or not isinstance(until, dt.date) or since > until:
        raise ValidationFailed({"since": "期間の開始日は終了日以前の日付にしてください。"})
    with db.transaction() as session:
        customer = load_customer(session, customer_id)
        numbers: dict[int, str] = {row[0]: row[1] for row in session.execute(
            select(Invoice.id, Invoice.number).where(Invoice.customer_id == customer_id))}
        opening, entries = 0, []
        for on, _, entry in _raw_entries(session, customer_id, numbers):
            if on < since:
                opening += entry.charged - entry.paid
            elif on <= until:
                entries.append(entry)
        balance, shown = opening, []
        for entry in entries:
            balance += entry.charged - entry.paid
            shown.append(StatementEntry(entry.on, entry.kind, entry.reference, entry.description, entry.charged,
                                        entry.paid, balance, entry.counts))
        account = account_of(session, customer_id)
        return AccountStatement(customer.id, customer.name, customer.postal_code, customer.address, since, until,
                                opening, tuple(shown), balance, account.owed, account.credit)


@dataclass(frozen=True)
class CustomerInvoice:
    invoice_id: int
    number: str
    billing_month: dt.date
    due_date: dt.date | None
    total: int
    paid: int
    owed: int
    state: str


def customer_invoices(db: Database, customer_id: int, *, open_only: bool = False) -> list[CustomerInvoice]:
    """The customer's invoices as the account window lists them (番号, 請求月, 期日, 請求額, 入金済,
    残高, 状態), newest first; ``open_only``: those still owing."""
    with db.transaction() as session:
        load_customer(session, customer_id)
        found = [CustomerInvoice(b.invoice_id, b.number, b.billing_month, b.due_date, b.total, b.applied, b.owed,
                                 b.state.label)
                 for b in balances(session, customer_id=customer_id).values() if b.owed or not open_only]
    return sorted(found, key=lambda i: (i.billing_month, i.invoice_id), reverse=True)


def customer_account(db: Database, customer_id: int) -> tuple[str, Account]:
    """The customer's name and receivables at a glance (what is owed, the credit)."""
    with db.transaction() as session:
        customer = load_customer(session, customer_id)
        return customer.name, account_of(session, customer_id)


def account_statement_pdf(db: Database, customer_id: int, *, since: dt.date, until: dt.date,
                          today: dt.date | None = None) -> bytes:
    """取引明細書 as PDF bytes (reports.account_statement), printed on demand: not stored."""
    from reseller_desk.reports.account_statement import render_account_statement
    from reseller_desk.services.settings import get_company

    statement = account_statement(db, customer_id, since=since, until=until)
    return render_account_statement(statement, get_company(db), printed_on=today or clock.today())

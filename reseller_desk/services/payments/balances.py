"""What each invoice and customer owes, derived from the payments applied and the write-offs
(domain.receivables): nothing here is stored, everything is a sum over entries.

An invoice's *effective total* is its total plus the credit invoices that return it (a
correction, services.billing.corrections): a corrected invoice owes nothing more, and what was
paid on it becomes the customer's credit until applied to the replacement. Credit invoices are
never open items themselves.

A customer's credit (過入金) = what their receipts left unapplied (a receipt's amount − Σ its
applications, less refunds) + what invoices were settled beyond their effective total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk.db.models import Invoice, Payment, PaymentApplication, WriteOff
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import PaymentKind
from reseller_desk.domain.receivables import InvoiceState, OpenItem, state_of

#: Ids bound per IN (...): well under SQLite's 32,766 variables and PostgreSQL's 65,535.
_CHUNK = 5000

__all__ = [
    "Account",
    "Applied",
    "CreditApplied",
    "InvoiceBalance",
    "account_of",
    "applied_between",
    "balances",
    "credit_applications",
    "customers_owing",
    "customers_with_unapplied",
    "open_items",
    "open_items_of",
    "unapplied_receipts",
]


@dataclass(frozen=True)
class InvoiceBalance:
    """An invoice (kind INVOICE) as receivables see it."""

    invoice_id: int
    number: str
    customer_id: int
    terms_profile_id: int
    billing_month: dt.date
    issue_date: dt.date
    due_date: dt.date | None
    payment_method: PaymentMethod
    total: int              # the effective total: the invoice's, less the credit invoices returning it
    applied: int
    written_off: int

    @property
    def owed(self) -> int:
        return max(self.total - self.applied - self.written_off, 0)

    @property
    def over(self) -> int:
        """What was settled beyond the effective total (after a correction): the customer's credit."""
        return max(self.applied - max(self.total, 0), 0)

    @property
    def state(self) -> InvoiceState:
        return state_of(self.total, self.applied, self.written_off)

    def item(self) -> OpenItem:
        return OpenItem(self.invoice_id, self.due_date, self.total, self.applied, self.written_off)


def _sums(session: Session, column: Any, key: Any, ids: list[int]) -> dict[int, int]:
    """Σ ``column`` by ``key`` for the ids (in chunks the engines take as bound parameters)."""
    sums: dict[int, int] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(key, func.coalesce(func.sum(column), 0)).where(key.in_(ids[start:start + _CHUNK]))
        sums.update((row[0], int(row[1])) for row in session.execute(query.group_by(key)))
    return sums


def balances(session: Session, *, customer_id: int | None = None,
             invoice_ids: Iterable[int] | None = None) -> dict[int, InvoiceBalance]:
    """Every invoice (kind INVOICE) of the customer, or the invoices named, with what was applied
    and written off, by id. Credit invoices are folded into the invoice they return."""
    ids = None if invoice_ids is None else sorted(set(invoice_ids))
    query = select(Invoice.id, Invoice.number, Invoice.customer_id, Invoice.terms_profile_id,
                   Invoice.billing_month, Invoice.issue_date, Invoice.due_date, Invoice.payment_method,
                   Invoice.total).where(Invoice.kind == InvoiceKind.INVOICE)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    if ids is not None:
        query = query.where(Invoice.id.in_(ids))
    rows = session.execute(query.order_by(Invoice.id)).all()
    found = [row[0] for row in rows]
    if not found:
        return {}
    returned: dict[int, int] = defaultdict(int)
    for start in range(0, len(found), _CHUNK):
        for original, total in session.execute(
                select(Invoice.corrects_invoice_id, Invoice.total)
                .where(Invoice.kind == InvoiceKind.CREDIT,
                       Invoice.corrects_invoice_id.in_(found[start:start + _CHUNK]))):
            returned[original] += int(total)
    applied = _sums(session, PaymentApplication.amount, PaymentApplication.invoice_id, found)
    written = _sums(session, WriteOff.amount, WriteOff.invoice_id, found)
    return {row[0]: InvoiceBalance(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                                   int(row[8]) + returned.get(row[0], 0), applied.get(row[0], 0),
                                   written.get(row[0], 0))
            for row in rows}


def open_items(session: Session, customer_id: int) -> list[InvoiceBalance]:
    """The customer's invoices that still owe something, oldest due first."""
    owing = [b for b in balances(session, customer_id=customer_id).values() if b.owed > 0]
    return sorted(owing, key=lambda b: (b.due_date or dt.date.max, b.invoice_id))


def unapplied_receipts(session: Session, customer_id: int) -> list[tuple[int, int]]:
    """(payment id, amount not yet applied) of the customer's receipts with something left,
    oldest first; refunds taken from the oldest first."""
    receipts = session.execute(
        select(Payment.id, Payment.amount).where(Payment.customer_id == customer_id,
                                                 Payment.kind == PaymentKind.RECEIPT)
        .order_by(Payment.received_on, Payment.id)).all()
    if not receipts:
        return []
    applied: dict[int, int] = {row[0]: int(row[1]) for row in session.execute(
        select(PaymentApplication.payment_id, func.sum(PaymentApplication.amount))
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Payment.customer_id == customer_id).group_by(PaymentApplication.payment_id))}
    reversed_ids = set(session.scalars(
        select(Payment.reverses_payment_id).where(Payment.customer_id == customer_id,
                                                  Payment.kind == PaymentKind.REVERSAL)))
    refunded = -int(session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.customer_id == customer_id,
                                                                 Payment.kind == PaymentKind.REFUND)) or 0)
    left = []
    for payment_id, amount in receipts:
        if payment_id in reversed_ids:
            continue
        rest = int(amount) - int(applied.get(payment_id, 0) or 0)
        take = min(rest, refunded)
        rest, refunded = rest - take, refunded - take
        if rest > 0:
            left.append((payment_id, rest))
    return left


def customers_owing(session: Session) -> set[int]:
    """The customers with an invoice not yet settled by payments and write-offs, in one query (a
    superset of those who owe: an invoice returned by a credit invoice is counted as issued)."""
    applied = (select(PaymentApplication.invoice_id, func.sum(PaymentApplication.amount).label("amount"))
               .group_by(PaymentApplication.invoice_id).subquery())
    written = (select(WriteOff.invoice_id, func.sum(WriteOff.amount).label("amount"))
               .group_by(WriteOff.invoice_id).subquery())
    query = (select(Invoice.customer_id).distinct()
             .outerjoin(applied, applied.c.invoice_id == Invoice.id)
             .outerjoin(written, written.c.invoice_id == Invoice.id)
             .where(Invoice.kind == InvoiceKind.INVOICE,
                    Invoice.total > func.coalesce(applied.c.amount, 0) + func.coalesce(written.c.amount, 0)))
    return set(session.scalars(query))


def customers_with_unapplied(session: Session) -> list[int]:
    """The customers whose payment entries exceed what they applied (credit from receipts; the
    part of corrected invoices settled beyond their total is found per customer by account_of)."""
    paid = select(Payment.customer_id, func.sum(Payment.amount).label("paid")).group_by(Payment.customer_id).subquery()
    applied = (select(Payment.customer_id, func.sum(PaymentApplication.amount).label("applied"))
               .join(Payment, Payment.id == PaymentApplication.payment_id).group_by(Payment.customer_id).subquery())
    rows = session.execute(select(paid.c.customer_id).outerjoin(applied, applied.c.customer_id == paid.c.customer_id)
                           .where(paid.c.paid > func.coalesce(applied.c.applied, 0))
                           .order_by(paid.c.customer_id))
    return [row[0] for row in rows]


@dataclass(frozen=True)
class Applied:
    """Σ of one payment's applications to one invoice on one day."""

    payment_id: int
    invoice_id: int
    applied_on: dt.date
    amount: int


def applied_between(session: Session, first: dt.date, last: dt.date) -> list[Applied]:
    """What each payment applied to each invoice on each day from ``first`` to ``last``
    (the accountant's receipts journal), zero sums left out, by day, payment and invoice."""
    query = (select(PaymentApplication.payment_id, PaymentApplication.invoice_id, PaymentApplication.applied_on,
                    func.sum(PaymentApplication.amount))
             .where(PaymentApplication.applied_on.between(first, last))
             .group_by(PaymentApplication.payment_id, PaymentApplication.invoice_id, PaymentApplication.applied_on)
             .order_by(PaymentApplication.applied_on, PaymentApplication.payment_id, PaymentApplication.invoice_id))
    return [Applied(p, i, on, int(a)) for p, i, on, a in session.execute(query) if int(a)]


@dataclass(frozen=True)
class Account:
    """A customer's receivables at a glance."""

    customer_id: int
    owed: int          # Σ what the open invoices owe
    credit: int        # 過入金: unapplied receipts + invoices settled beyond their total
    invoices_open: int
    invoices_short: int

    @property
    def balance(self) -> int:
        """What the customer owes net of their credit (negative: the office owes them)."""
        return self.owed - self.credit


def account_of(session: Session, customer_id: int) -> Account:
    """The customer's open amount and credit. Credit = Σ payment entries (receipts, reversals,
    refunds) − Σ their applications + what invoices were settled beyond their effective total."""
    items = list(balances(session, customer_id=customer_id).values())
    paid = int(session.scalar(select(func.coalesce(func.sum(Payment.amount), 0))
                              .where(Payment.customer_id == customer_id)) or 0)
    applied = int(session.scalar(select(func.coalesce(func.sum(PaymentApplication.amount), 0))
                                 .join(Payment, Payment.id == PaymentApplication.payment_id)
                                 .where(Payment.customer_id == customer_id)) or 0)
    return Account(customer_id, sum(b.owed for b in items), paid - applied + sum(b.over for b in items),
                   sum(1 for b in items if b.owed > 0),
                   sum(1 for b in items if b.state is InvoiceState.SHORT))


def open_items_of(session: Session, customer_ids: Iterable[int]) -> dict[int, list[InvoiceBalance]]:
    """:func:`open_items` of many customers at once (the statement matcher's): customer id →
    their invoices that still owe something, oldest due first; customers owing nothing absent."""
    wanted = sorted(set(customer_ids))
    ids: list[int] = []
    for start in range(0, len(wanted), _CHUNK):
        ids.extend(session.scalars(select(Invoice.id).where(Invoice.kind == InvoiceKind.INVOICE,
                                                            Invoice.customer_id.in_(wanted[start:start + _CHUNK]))))
    found: dict[int, list[InvoiceBalance]] = defaultdict(list)
    if not ids:
        return {}
    for start in range(0, len(ids), _CHUNK):     # balances binds the ids in one IN (…)
        for balance in balances(session, invoice_ids=ids[start:start + _CHUNK]).values():
            if balance.owed > 0:
                found[balance.customer_id].append(balance)
    return {customer: sorted(items, key=lambda b: (b.due_date or dt.date.max, b.invoice_id))
            for customer, items in found.items()}
@dataclass(frozen=True)
class CreditApplied:
    """Credit (過入金) applied to an invoice after its receipt was recorded (ledger.apply_credit)."""

    applied_on: dt.date
    payment_id: int
    invoice_id: int
    amount: int


def credit_applications(session: Session, customer_id: int) -> list[CreditApplied]:
    """The customer's receipts applied later than the day they came in (credit applied to a later
    invoice), each as it was written, oldest first. (The account statement lists them: they move
    money from the credit to an invoice and change no balance.)"""
    rows = session.execute(
        select(PaymentApplication.applied_on, PaymentApplication.payment_id, PaymentApplication.invoice_id,
               PaymentApplication.amount)
        .join(Payment, Payment.id == PaymentApplication.payment_id)
        .where(Payment.customer_id == customer_id, Payment.kind == PaymentKind.RECEIPT,
               PaymentApplication.amount > 0, PaymentApplication.applied_on > Payment.received_on)
        .order_by(PaymentApplication.applied_on, PaymentApplication.id)).all()
    return [CreditApplied(*row) for row in rows]

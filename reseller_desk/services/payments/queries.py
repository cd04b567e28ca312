"""The 入金 screen's reading (read-only): the payments with their filters (newest first, paged
like the 機器 list), a customer's open invoices with their state and what they owe (through
services.payments.balances, never a sum of applications here), and the customer search of the
entry dialog (services.customers' search key). services.payments.ledger writes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, Invoice, Payment, PaymentApplication, StaffUser
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services import customers
from reseller_desk.services.payments.balances import account_of, open_items

__all__ = ["CustomerChoice", "CustomerOpen", "OpenInvoice", "PaymentFilter", "PaymentRow", "count_payments",
           "customer_open", "find_customers", "list_payments", "payment_row"]

#: Customers a search of the entry dialog shows at most.
CUSTOMER_HITS = 50


@dataclass(frozen=True)
class PaymentFilter:
    """Which payments the list shows: received from … to (inclusive; None: open-ended), one
    customer, one method, one kind (None: any)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    customer_id: int | None = None
    method: ReceiptMethod | None = None
    kind: PaymentKind | None = None


@dataclass(frozen=True)
class PaymentRow:
    """One line of 入金一覧."""

    id: int
    received_on: dt.date
    customer_id: int
    customer_name: str
    kind: PaymentKind
    method: ReceiptMethod
    amount: int
    payer_name: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    reverses_payment_id: int | None
    #: The receipt was reversed (by the entry of that id).
    reversed_by_id: int | None
    from_statement: bool
    #: The invoices it was applied to (numbers, in the order applied).
    invoices: tuple[str, ...] = field(default=())

    @property
    def applied_to(self) -> str:
        return "、".join(self.invoices)

    @property
    def reversible(self) -> bool:
        return self.kind is PaymentKind.RECEIPT and self.reversed_by_id is None


def _filtered(statement: Select[Any], wanted: PaymentFilter) -> Select[Any]:
    if isinstance(wanted.date_from, dt.date):
        statement = statement.where(Payment.received_on >= wanted.date_from)
    if isinstance(wanted.date_to, dt.date):
        statement = statement.where(Payment.received_on <= wanted.date_to)
    if wanted.customer_id is not None:
        statement = statement.where(Payment.customer_id == (wanted.customer_id if is_record_id(wanted.customer_id)
                                                            else -1))
    if isinstance(wanted.method, ReceiptMethod):
        statement = statement.where(Payment.method == wanted.method)
    if isinstance(wanted.kind, PaymentKind):
        statement = statement.where(Payment.kind == wanted.kind)
    return statement


def _row_statement() -> Select[Any]:
    undo = aliased(Payment, name="undo")  # the reversing entry of a receipt, if any
    return (select(Payment, Customer.name, StaffUser.display_name, undo.id)
            .join(Customer, Customer.id == Payment.customer_id)
            .outerjoin(StaffUser, StaffUser.id == Payment.recorded_by_id)
            .outerjoin(undo, undo.reverses_payment_id == Payment.id))


def _invoices_of(session: Session, payment_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """The invoice numbers each payment was applied to (no amounts: balances.py sums)."""
    found: dict[int, list[str]] = defaultdict(list)
    if not payment_ids:
        return {}
    rows = session.execute(select(PaymentApplication.payment_id, Invoice.number)
                           .join(Invoice, Invoice.id == PaymentApplication.invoice_id)
                           .where(PaymentApplication.payment_id.in_(list(payment_ids)))
                           .order_by(PaymentApplication.payment_id, PaymentApplication.id))
    for payment_id, number in rows:
        if number not in found[payment_id]:
            found[payment_id].append(number)
    return {k: tuple(v) for k, v in found.items()}


def _rows(session: Session, statement: Select[Any]) -> list[PaymentRow]:
    fetched = session.execute(statement).tuples().all()
    numbers = _invoices_of(session, [p.id for p, *_ in fetched])
    return [PaymentRow(p.id, p.received_on, p.customer_id, name, PaymentKind(p.kind), ReceiptMethod(p.method),
                       p.amount, p.payer_name, p.note, who or "", p.recorded_at, p.reverses_payment_id, undo_id,
                       p.statement_line_id is not None, numbers.get(p.id, ()))
            for p, name, who, undo_id in fetched]


def list_payments(db: Database, wanted: PaymentFilter = PaymentFilter(), *, offset: int = 0,
                  limit: int = 200) -> list[PaymentRow]:
    """One page of payments (receipts, reversals, refunds) matching ``wanted``, newest first
    (by the day received, then the entry)."""
    offset = offset if isinstance(offset, int) and offset > 0 else 0
    limit = limit if isinstance(limit, int) and limit > 0 else 0
    statement = _filtered(_row_statement(), wanted).order_by(Payment.received_on.desc(), Payment.id.desc())
    with db.transaction() as session:
        return _rows(session, statement.offset(offset).limit(limit))


def count_payments(db: Database, wanted: PaymentFilter = PaymentFilter()) -> int:
    """How many payments :func:`list_payments` pages through."""
    with db.transaction() as session:
        return int(session.execute(_filtered(select(func.count(Payment.id)), wanted)).scalar_one())


def payment_row(db: Database, payment_id: int) -> PaymentRow | None:
    """The list's row of one payment (None: no such payment)."""
    if not is_record_id(payment_id):
        return None
    with db.transaction() as session:
        rows = _rows(session, _row_statement().where(Payment.id == payment_id))
    return rows[0] if rows else None


# -- a customer's open invoices ----------------------------------------------------------------------
@dataclass(frozen=True)
class OpenInvoice:
    """An invoice that still owes something, as the entry dialog lists it."""

    invoice_id: int
    number: str
    billing_month: dt.date
    due_date: dt.date | None
    payment_method: PaymentMethod
    total: int
    owed: int
    state: InvoiceState


@dataclass(frozen=True)
class CustomerOpen:
    """A customer's open invoices (oldest due first) and their credit (過入金) today."""

    customer_id: int
    name: str
    invoices: tuple[OpenInvoice, ...]
    owed: int
    credit: int


def customer_open(db: Database, customer_id: int) -> CustomerOpen | None:
    """The customer's open invoices with state and what each owes, and their credit (None: no
    such customer)."""
    if not is_record_id(customer_id):
        return None
    with db.transaction() as session:
        name = session.scalar(select(Customer.name).where(Customer.id == customer_id))
        if name is None:
            return None
        items = tuple(OpenInvoice(b.invoice_id, b.number, b.billing_month, b.due_date, b.payment_method, b.total,
                                  b.owed, b.state) for b in open_items(session, customer_id))
        account = account_of(session, customer_id)
    return CustomerOpen(customer_id, name, items, account.owed, account.credit)


# -- the customer search -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CustomerChoice:
    id: int
    name: str
    name_kana: str
    phone: str

    @property
    def label(self) -> str:
        return f"{self.name}（{self.phone}）" if self.phone else self.name


def find_customers(db: Database, query: str, *, limit: int = CUSTOMER_HITS) -> list[CustomerChoice]:
    """The customers whose name, furigana, phone, e-mail or 法人番号 contain every term of
    ``query`` (services.customers' search), by furigana; none for an empty query."""
    matches = customers.customer_matches(db, query if isinstance(query, str) else "")
    if not matches:
        return []
    with db.transaction() as session:
        rows = session.execute(select(Customer.id, Customer.name, Customer.name_kana, Customer.phone)
                               .where(Customer.id.in_(sorted(matches)[:5000]))
                               .order_by(Customer.name_kana, Customer.id).limit(limit)).tuples().all()
    return [CustomerChoice(*row) for row in rows]

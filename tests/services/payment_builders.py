"""Issued invoices and customers for the tests of money in (issue 12): an invoice of a given
total (tax included), due on a given day, issued through the one writer without a billing run."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from reseller_desk.db.models import Invoice
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind

from .builders import MIRAI
from .invoice_builders import MONTH, a_customer, document, issue_documents, recurring

__all__ = ["MONTH", "a_customer", "an_invoice", "invoice_total"]


def an_invoice(db, customer_id: int, *, before_tax: int = 10_000, month: dt.date = MONTH,
               due: dt.date | None = None, method: PaymentMethod = PaymentMethod.TRANSFER,
               profile_key: str = "simpleconnect", customer_code: str = "C0000001") -> tuple[int, int]:
    """An issued invoice of one 課税10% line of ``before_tax`` yen (total = before_tax × 1.1,
    rounded as the profile rounds): (invoice id, total). ``due`` overrides the due date."""
    doc = document([recurring(customer_code, "ベーシック 月額", 1, before_tax, month=month)], profile_key=profile_key,
                   method=method, month=month)
    if due is not None:
        doc = dataclasses.replace(doc, due_date=due)
    issued = issue_documents(db, customer_id, [doc], profile_key=profile_key)[0]
    return issued.invoice_id, issued.document.totals.total


def invoice_total(db, invoice_id: int) -> int:
    with db.transaction() as session:
        return session.scalar(select(Invoice.total).where(Invoice.id == invoice_id, Invoice.kind == InvoiceKind.INVOICE))


def another_customer(db, actor, name: str = "株式会社ひかり商事") -> int:
    return a_customer(db, actor, dataclasses.replace(MIRAI, name=name, name_kana="ヒカリショウジ",
                                                     phone="03-1111-2222"))

"""What the tests of short, over and late payments (write-offs, late interest, aging, the account
statement) are built from: invoices of the payment builders, the month-end setting, and readers
of the late-interest rows and their charges."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk.db.models import LateInterest, OneTimeCharge
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.services import billing_settings
from reseller_desk.services.payments import ledger

from .payment_builders import a_customer, an_invoice, another_customer

__all__ = ["DUE", "a_customer", "a_late_invoice", "an_invoice", "another_customer", "charges", "interest_rows",
           "month_end_on", "pay"]

#: The due date of the invoices here (a transfer invoice of 2026-10: the end of November).
DUE = dt.date(2026, 11, 30)
TODAY = dt.date(2027, 3, 31)


def a_late_invoice(db, customer_id: int, *, profile_key: str = "simpleconnect", before_tax: int = 10_000,
                   due: dt.date = DUE, month: dt.date = dt.date(2026, 10, 1)) -> tuple[int, int]:
    """An invoice of ``before_tax`` yen + 10 % (11,000 by default) due on ``due``."""
    return an_invoice(db, customer_id, before_tax=before_tax, due=due, month=month, profile_key=profile_key)


def pay(db, actor, customer_id: int, amount: int, on: dt.date, invoice_ids=None) -> ledger.Receipt:
    return ledger.record_payment(db, actor, customer_id, received_on=on, amount=amount, invoice_ids=invoice_ids,
                                 today=max(on, TODAY))


def month_end_on(db, manager, on: bool = True) -> None:
    now = billing_settings.billing_settings(db)
    billing_settings.save_billing_settings(db, manager, collection_day=now.collection_day,
                                           invoice_issue_day=now.invoice_issue_day,
                                           early_termination_tax=now.early_termination_tax,
                                           expected_version=now.version, interest_at_month_end=on)


def interest_rows(db) -> list[tuple[int, int, dt.date, dt.date, int, int]]:
    """(invoice id, principal, from, to, days, amount) of every late-interest row, in order."""
    with db.transaction() as session:
        return [(r.invoice_id, r.principal, r.period_from, r.period_to, r.days, r.amount)
                for r in session.scalars(select(LateInterest).order_by(LateInterest.id))]


def charges(db) -> list[tuple[str, int, TaxCategory, dt.date, int | None]]:
    """(kind, amount, tax category, billing month, invoice id) of every one-time charge, in order."""
    with db.transaction() as session:
        return [(c.kind.value, c.amount, c.tax_category, c.billing_month, c.invoice_id)
                for c in session.scalars(select(OneTimeCharge).order_by(OneTimeCharge.id))]

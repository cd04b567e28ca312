"""What the tests of 督促 are built from: the office with its transfer account, customers with
invoices overdue by a given number of days, and how the list sees a customer."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk.db.models import Contract
from reseller_desk.services.payments import dunning

from .billing_office import with_transfer_account
from .payment_builders import a_customer, an_invoice, another_customer

__all__ = ["DUE", "a_customer", "another_customer", "dunning_office", "overdue", "row_of", "stage_named"]

#: Invoices of these tests fall due on Monday 30 November 2026.
DUE = dt.date(2026, 11, 30)


def dunning_office(db, manager) -> None:
    """The ``office`` fixture's company with a transfer account the letters print."""
    with_transfer_account(db, manager)


def overdue(db, customer_id: int, *, month: dt.date = dt.date(2026, 10, 1), due: dt.date = DUE,
            profile_key: str = "simpleconnect", before_tax: int = 10_000) -> tuple[int, int]:
    """An issued invoice of the customer due on ``due``: (invoice id, total)."""
    return an_invoice(db, customer_id, month=month, due=due, profile_key=profile_key, before_tax=before_tax)


def stage_named(db, name: str) -> dunning.StageRecord:
    return next(s for s in dunning.dunning_stages(db) if s.name == name)


def row_of(db, customer_id: int, today: dt.date) -> dunning.DunningRow | None:
    return next((r for r in dunning.dunning_list(db, today) if r.customer_id == customer_id), None)


def contract_of(db, customer_id: int) -> int:
    with db.transaction() as session:
        return session.scalars(select(Contract.id).where(Contract.customer_id == customer_id)).first()

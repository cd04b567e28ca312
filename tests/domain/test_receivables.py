"""Receivables derived from what was applied: an invoice's state, a payment settling the chosen or
the oldest invoices with the rest as a credit, late interest on the part a late payment settles
for both profiles, and the aging columns (domain.receivables)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.receivables import (
    InvoiceState,
    OpenItem,
    PaymentApplied,
    aging_bucket,
    aging_table,
    allocate,
    interest_on_payment,
    state_of,
)
from reseller_desk.domain.terms import load_profile

SC, SH = load_profile("simpleconnect"), load_profile("sokujitsu")
OCT, NOV, DEC = dt.date(2026, 10, 27), dt.date(2026, 11, 27), dt.date(2026, 12, 28)


def test_an_invoices_state_comes_from_what_was_applied_to_it():
    assert [state_of(3278, a) for a in (0, 2838, 3278, 4000)] == [
        InvoiceState.OPEN, InvoiceState.SHORT, InvoiceState.PAID, InvoiceState.PAID]
    assert state_of(-500, 0) is InvoiceState.PAID                    # a credit invoice owes nothing
    assert InvoiceState.SHORT.label == "過小入金" and OpenItem(1, NOV, 3278, 2838).owed == 440


def test_a_payment_settles_the_oldest_first_and_leaves_the_rest_as_a_credit():
    items = [OpenItem(2, NOV, 5000), OpenItem(1, OCT, 3278), OpenItem(3, DEC, 2000, 2000)]
    allocation = allocate(9000, items)
    assert allocation.applied == (PaymentApplied(1, 3278), PaymentApplied(2, 5000))
    assert allocation.credit == 722                                  # 過入金: on the customer's account
    assert allocate(4000, items).applied == (PaymentApplied(1, 3278), PaymentApplied(2, 722))
    assert allocate(4000, items, chosen=[2]).applied == (PaymentApplied(2, 4000),)     # the clerk's choice
    with pytest.raises(ValueError, match="この顧客の未入金の請求書ではありません"):
        allocate(100, items, chosen=[9])
    with pytest.raises(ValueError, match="0円以上"):
        allocate(-1, items)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 90), st.integers(1, 100_000), st.integers(0, 100_000)), max_size=8),
       st.integers(0, 400_000))
def test_a_payment_is_never_applied_beyond_what_is_owed_and_nothing_is_lost(rows, amount):
    items = [OpenItem(n, OCT + dt.timedelta(days=d), total, min(applied, total)) for n, (d, total, applied)
             in enumerate(rows)]
    allocation = allocate(amount, items)
    owed = {i.invoice_id: i.owed for i in items}
    assert all(0 < a.amount <= owed[a.invoice_id] for a in allocation.applied)
    assert allocation.total_applied + allocation.credit == amount
    assert allocation.credit == max(amount - sum(owed.values()), 0)


def test_late_interest_is_on_the_part_settled_for_the_days_each_profile_counts():
    item = OpenItem(1, dt.date(2026, 11, 30), 100_000)
    paid_on = dt.date(2026, 12, 31)                                  # 31 days after the due date
    assert interest_on_payment(SC, item, paid_on, 100_000) == 100_000 * 146 * 30 // (1000 * 365) == 1200  # to the day before
    assert interest_on_payment(SH, item, paid_on, 100_000) == 100_000 * 145 * 31 // (1000 * 365) == 1231  # the day included
    assert interest_on_payment(SC, item, dt.date(2026, 11, 30), 100_000) == 0
    assert interest_on_payment(SH, item, paid_on, 40_000) == 40_000 * 145 * 31 // (1000 * 365)   # the part settled
    assert interest_on_payment(SH, OpenItem(2, None, 1000), paid_on, 1000) == 0                  # a credit invoice


def test_what_is_owed_falls_in_its_aging_column():
    today = dt.date(2026, 12, 31)
    assert [aging_bucket(today - dt.timedelta(days=d), today) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "未到来", "未到来", "1〜30日", "1〜30日", "31〜60日", "31〜60日", "61〜90日", "61〜90日", "91日超", "91日超"]
    table = aging_table([OpenItem(1, dt.date(2026, 12, 28), 3000), OpenItem(2, dt.date(2026, 9, 1), 5000, 1000),
                         OpenItem(3, dt.date(2026, 11, 1), 2000, 2000)], today)
    assert table == {"未到来": 0, "1〜30日": 3000, "31〜60日": 0, "61〜90日": 0, "91日超": 4000}

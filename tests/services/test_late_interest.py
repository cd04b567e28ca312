"""Late interest (services.payments.interest): assessed when a late invoice is paid (SC §14: the
day after the due date to the day before payment, 14.6 %; SH §30: payment day included, 14.5 %),
accrued at month end when the setting is on, waived by a manager, and billed on the next invoice
as a 不課税 one-time charge."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk.db.models import AuditEntry, LateInterest
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.errors import PermissionDenied, ServiceError, ValidationFailed
from reseller_desk.services.payments import interest

from .billing_office import APRIL, NOVEMBER, OCTOBER, customer, invoices, lines_of, put_contract, with_transfer_account
from .builders import MIRAI
from .receivables_builders import DUE, a_customer, a_late_invoice, charges, interest_rows, month_end_on, pay

DECEMBER = dt.date(2026, 12, 1)


def test_simpleconnect_counts_from_the_day_after_the_due_date_to_the_day_before_payment(db, office, clerk):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id)
    assert total == 11_000
    pay(db, clerk, customer_id, total, dt.date(2026, 12, 31))
    # 12/1..12/30: 30 days; floor(11,000 × 14.6 % × 30 / 365) = 132.
    assert interest_rows(db) == [(invoice, 11_000, dt.date(2026, 12, 1), dt.date(2026, 12, 30), 30, 132)]
    assert charges(db) == [("late_interest", 132, TaxCategory.OUTSIDE, DECEMBER, None)]


def test_sokujitsu_counts_the_payment_day_too_at_its_own_rate(db, office, clerk):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id, profile_key="sokujitsu")
    pay(db, clerk, customer_id, total, dt.date(2026, 12, 31))
    # 12/1..12/31: 31 days; floor(11,000 × 14.5 % × 31 / 365) = 135.
    assert interest_rows(db) == [(invoice, 11_000, dt.date(2026, 12, 1), dt.date(2026, 12, 31), 31, 135)]


@pytest.mark.parametrize(("profile_key", "paid_on", "expected"), [
    ("simpleconnect", DUE, []),                          # on the due date: not late
    ("simpleconnect", dt.date(2026, 12, 1), []),         # the day after: 0 days before payment
    ("simpleconnect", dt.date(2026, 12, 2), [1]),        # one day: floor(11,000 × 0.146 / 365) = 4
    ("sokujitsu", DUE, []),
    ("sokujitsu", dt.date(2026, 12, 1), [1]),            # the payment day counts
])
def test_the_day_counts_at_the_edges_follow_each_profile(db, office, clerk, profile_key, paid_on, expected):
    customer_id = a_customer(db, clerk)
    _, total = a_late_invoice(db, customer_id, profile_key=profile_key)
    pay(db, clerk, customer_id, total, paid_on)
    assert [row[4] for row in interest_rows(db)] == expected
    assert all(row[5] == 4 for row in interest_rows(db))


def test_a_part_payment_is_charged_on_the_part_it_settles_and_the_rest_when_it_is_paid(db, office, clerk):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id)
    pay(db, clerk, customer_id, 5_000, dt.date(2026, 12, 31))
    pay(db, clerk, customer_id, total - 5_000, dt.date(2027, 1, 31))
    assert interest_rows(db) == [
        (invoice, 5_000, dt.date(2026, 12, 1), dt.date(2026, 12, 30), 30, 60),    # floor(5,000×.146×30/365)
        (invoice, 6_000, dt.date(2026, 12, 1), dt.date(2027, 1, 30), 61, 146)]    # floor(6,000×.146×61/365)


def test_an_invoice_paid_on_time_or_a_credit_left_over_charges_nothing(db, office, clerk):
    customer_id = a_customer(db, clerk)
    _, total = a_late_invoice(db, customer_id, due=dt.date(2026, 12, 31))
    pay(db, clerk, customer_id, total + 500, dt.date(2026, 12, 20))
    assert interest_rows(db) == [] and charges(db) == []


def test_the_month_end_accrual_then_the_payment_charge_each_day_once(db, office, clerk, manager):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id)
    with pytest.raises(ServiceError, match="設定"):
        interest.assess_month_end(db, clerk, dt.date(2026, 12, 31), today=dt.date(2027, 1, 1))
    month_end_on(db, manager)
    done = interest.assess_month_end(db, clerk, dt.date(2026, 12, 31), today=dt.date(2027, 1, 1))
    assert (done.assessed, done.amount) == (1, 136)    # 12/1..12/31: floor(11,000×.146×31/365)
    again = interest.assess_month_end(db, clerk, dt.date(2026, 12, 31), today=dt.date(2027, 1, 2))
    assert (again.assessed, again.amount) == (0, 0)
    pay(db, clerk, customer_id, total, dt.date(2027, 1, 10))
    assert interest_rows(db) == [
        (invoice, 11_000, dt.date(2026, 12, 1), dt.date(2026, 12, 31), 31, 136),
        (invoice, 11_000, dt.date(2027, 1, 1), dt.date(2027, 1, 9), 9, 39)]     # floor(11,000×.146×9/365)
    # January's accrual: nothing owed any more.
    assert interest.assess_month_end(db, clerk, dt.date(2027, 1, 31), today=dt.date(2027, 2, 1)).assessed == 0


def test_a_month_end_must_be_the_last_day_of_a_month_that_has_come(db, office, clerk, manager):
    month_end_on(db, manager)
    for day, today in ((dt.date(2026, 12, 30), dt.date(2027, 1, 5)), (dt.date(2027, 1, 31), dt.date(2027, 1, 5))):
        with pytest.raises(ValidationFailed) as refused:
            interest.assess_month_end(db, clerk, day, today=today)
        assert "month_end" in refused.value.errors


def test_a_waiver_before_billing_withdraws_the_charge_and_keeps_the_reason(db, office, clerk, manager):
    customer_id = a_customer(db, clerk)
    a_late_invoice(db, customer_id)
    pay(db, clerk, customer_id, 11_000, dt.date(2026, 12, 31))
    [info] = interest.interest_of(db, customer_id)
    with pytest.raises(PermissionDenied):
        interest.waive_interest(db, clerk, info.id, "長年のお客様")
    with pytest.raises(ValidationFailed):
        interest.waive_interest(db, manager, info.id, "  ")
    interest.waive_interest(db, manager, info.id, "長年のお客様", today=dt.date(2027, 1, 5))
    assert charges(db) == []
    [waived] = interest.interest_of(db, customer_id)
    assert (waived.waived_on, waived.waive_reason, waived.amount) == (dt.date(2027, 1, 5), "長年のお客様", 132)
    with pytest.raises(ServiceError, match="すでに免除"):
        interest.waive_interest(db, manager, info.id, "二度目")
    with db.transaction() as session:
        assert session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "late_interest.waive")) \
            .startswith("遅延損害金の免除")


def test_the_interest_reaches_the_next_invoice_through_the_billing_run_and_a_later_waiver_credits_it(
        db, office, clerk, manager):
    with_transfer_account(db, manager)
    mirai = customer(db, manager, MIRAI)
    put_contract(db, mirai, "simpleconnect", plans=[(office["sc"], 1, APRIL, None)], first_billable=APRIL)
    bill_month(db, clerk, OCTOBER, today=dt.date(2026, 11, 5))
    [october] = invoices(db)
    pay(db, clerk, mirai, october.total, october.due_date + dt.timedelta(days=11))
    [row] = interest_rows(db)
    assert row[4] == 10 and row[5] == october.total * 146 * 10 // 365_000
    bill_month(db, clerk, NOVEMBER, today=dt.date(2026, 12, 3))
    bill_month(db, clerk, DECEMBER, today=dt.date(2027, 1, 5))
    december = invoices(db, DECEMBER)[0]
    interest_lines = [line for line in lines_of(db, december.id) if "遅延損害金" in line[2]]
    assert [(line[5], line[6]) for line in interest_lines] == [(row[5], "outside")]
    assert december.outside == row[5]
    with db.transaction() as session:
        late_id = session.scalar(select(LateInterest.id))
    interest.waive_interest(db, manager, late_id, "請求後の免除", today=dt.date(2027, 1, 10))
    assert charges(db)[-1] == ("credit", -row[5], TaxCategory.OUTSIDE, dt.date(2027, 1, 1), None)

"""The rules of both terms of service, case by case.

Every expected value is worked out by hand from the clause cited in the case's id or comment,
never by calling the function under test. Weekdays and holidays are noted next to each date.
"""

from __future__ import annotations

import inspect
import re
from datetime import date as D
from datetime import datetime
from decimal import Decimal

import pytest

from reseller_desk.domain import rules
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.rules import (
    RuleNotApplicable,
    cancellation_cutoff,
    cancellation_date,
    consumption_tax,
    debit_date,
    deposit_required,
    first_billable_month,
    invoice_issue_deadline,
    late_interest,
    late_return_months,
    late_return_penalty,
    outage_claim_deadline,
    outage_credit,
    replacement_penalty,
    replacement_return_deadline,
    succession_deadline,
    transfer_due_date,
)
from reseller_desk.domain.terms import load_profile

SC = load_profile("simpleconnect")
SH = load_profile("sokujitsu")
PROFILES = {"SC": SC, "SH": SH}
COMPANY = BusinessCalendar.company()
YEAR_END = BusinessCalendar.company(
    closures=[D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 2), D(2027, 1, 3)]
)
BANK = BusinessCalendar.bank()
TEN = Decimal("0.10")
EIGHT = Decimal("0.08")

PUBLIC_RULES = [
    "first_billable_month",
    "consumption_tax",
    "late_interest",
    "cancellation_date",
    "cancellation_cutoff",
    "late_return_months",
    "late_return_penalty",
    "replacement_return_deadline",
    "replacement_penalty",
    "outage_credit",
    "outage_claim_deadline",
    "succession_deadline",
    "invoice_issue_deadline",
    "debit_date",
    "transfer_due_date",
    "deposit_required",
    "earliest_cancellation_month",
    "cancellation_month_problem",
    "last_billable_month",
    "ends_within_minimum_term",
    "final_demand_dates",
    "failed_debit_due_date",
]


def test_every_public_rule_is_listed_here():
    assert set(PUBLIC_RULES) == set(rules.__all__) - {"RuleNotApplicable", "late_interest_days"}


@pytest.mark.parametrize("name", PUBLIC_RULES)
def test_every_rule_cites_its_clause(name):
    doc = inspect.getdoc(getattr(rules, name)) or ""
    assert re.search(r"\b(SC|SH) §\d+", doc), name


# -- first billable month (SC §9.2; SH §17, §28.2, §28.4) ------------------------------------


@pytest.mark.parametrize(
    "terms, registered_on, opened_on, expected",
    [
        ("SC", D(2026, 1, 15), None, D(2026, 2, 1)),  # SC §9.2 登録日の翌月初日
        ("SC", D(2026, 1, 1), None, D(2026, 2, 1)),  # SC §9.2 registered on the 1st: still next month
        ("SC", D(2026, 1, 31), None, D(2026, 2, 1)),  # SC §9.2 month end
        ("SC", D(2026, 12, 31), None, D(2027, 1, 1)),  # SC §9.2 into the next year
        ("SC", D(2028, 2, 29), None, D(2028, 3, 1)),  # SC §9.2 leap day
        ("SC", D(2026, 1, 20), D(2026, 3, 5), D(2026, 2, 1)),  # SC §9.2 the opening day plays no part
        ("SH", D(2026, 1, 20), D(2026, 1, 31), D(2026, 1, 1)),  # SH §28.2/§28.4 opened on the last day: whole month
        ("SH", D(2026, 1, 20), D(2026, 2, 1), D(2026, 2, 1)),  # SH §28.2 opened on the 1st
        ("SH", D(2026, 1, 20), D(2026, 1, 20), D(2026, 1, 1)),  # SH §17 opened on acceptance day
        ("SH", D(2028, 2, 1), D(2028, 2, 29), D(2028, 2, 1)),  # SH §28.4 leap day
        ("SH", D(2026, 12, 25), D(2027, 1, 4), D(2027, 1, 1)),  # SH §28.2 opened after New Year
    ],
    ids=[
        "SC §9.2 mid-month registration bills from next month",
        "SC §9.2 registration on the 1st bills from next month",
        "SC §9.2 registration on a month end",
        "SC §9.2 registration on New Year's Eve bills from January",
        "SC §9.2 registration on a leap day",
        "SC §9.2 ignores the opening day",
        "SH §28.4 opening on the last day bills that whole month",
        "SH §28.2 opening on the 1st",
        "SH §17 opening on the acceptance day",
        "SH §28.4 opening on a leap day",
        "SH §28.2 opening after New Year",
    ],
)
def test_first_billable_month(terms, registered_on, opened_on, expected):
    assert first_billable_month(PROFILES[terms], registered_on, opened_on) == expected


def test_sokujitsu_needs_the_opening_day_for_the_first_billable_month():
    with pytest.raises(ValueError, match="開通日"):
        first_billable_month(SH, D(2026, 1, 20), None)


@pytest.mark.parametrize("terms", ["SC", "SH"])
def test_an_opening_day_before_the_registration_day_is_refused(terms):
    with pytest.raises(ValueError, match="より前"):
        first_billable_month(PROFILES[terms], D(2026, 1, 20), D(2026, 1, 19))


# -- consumption tax (SC §12 切り上げ; SH §28.5 切り捨て) ------------------------------------------


@pytest.mark.parametrize(
    "terms, taxable, rate, expected",
    [
        ("SC", 1001, TEN, 101),  # SC §12: 100.1 rounded up
        ("SH", 1001, TEN, 100),  # SH §28.5: 100.1 truncated
        ("SC", 1000, TEN, 100),  # SC §12: exact, nothing to round
        ("SH", 1000, TEN, 100),  # SH §28.5: exact
        ("SC", 0, TEN, 0),  # SC §12: nothing taxable
        ("SH", 0, TEN, 0),  # SH §28.5
        ("SC", 1234, EIGHT, 99),  # SC §12: 98.72 up (reduced rate 8%)
        ("SH", 1234, EIGHT, 98),  # SH §28.5: 98.72 down
        ("SC", 999_999, TEN, 100_000),  # SC §12: 99,999.9 up
        ("SH", 999_999, TEN, 99_999),  # SH §28.5: 99,999.9 down
        ("SC", 12_345_678, TEN, 1_234_568),  # SC §12: one rounding over the whole invoice
        ("SH", 12_345_678, TEN, 1_234_567),  # SH §28.5
        ("SC", 1, Decimal("0.1"), 1),  # SC §12: 0.1 yen rounds up to 1
        ("SH", 1, Decimal("0.1"), 0),  # SH §28.5: 0.1 yen is dropped
    ],
    ids=lambda v: str(v),
)
def test_consumption_tax(terms, taxable, rate, expected):
    assert consumption_tax(PROFILES[terms], taxable, rate) == expected


@pytest.mark.parametrize(
    "taxable, rate, error",
    [
        (-1, TEN, ValueError),  # a negative amount
        (1000.0, TEN, TypeError),  # a float never touches money
        (True, TEN, TypeError),  # a bool is not yen
        (1000, 0.10, TypeError),  # a float rate
        (1000, Decimal("10"), ValueError),  # 10 instead of 0.10
        (1000, Decimal("-0.10"), ValueError),  # negative rate
        (1000, Decimal("NaN"), ValueError),
    ],
    ids=["negative", "float amount", "bool amount", "float rate", "rate as percent", "negative rate", "NaN rate"],
)
def test_consumption_tax_refuses_bad_arguments(taxable, rate, error):
    with pytest.raises(error):
        consumption_tax(SC, taxable, rate)


def test_a_wrong_type_is_a_type_error_and_never_a_value_error():
    with pytest.raises(TypeError) as caught:
        consumption_tax(SC, 1000.0, TEN)  # type: ignore[arg-type]
    assert not isinstance(caught.value, ValueError)


# -- late interest (SC §14 年14.6% 支払前日まで; SH §30 年14.5% 支払い済みまで) ------------------------


@pytest.mark.parametrize(
    "terms, principal, due, paid, expected",
    [
        # SC §14: 29 days (2/1..3/1); 100000 × 0.146 × 29 / 365 = 1160
        ("SC", 100_000, D(2026, 1, 31), D(2026, 3, 2), 1160),
        # SH §30: 30 days (2/1..3/2); 100000 × 0.145 × 30 / 365 = 1191.78 → 1191
        ("SH", 100_000, D(2026, 1, 31), D(2026, 3, 2), 1191),
        ("SC", 100_000, D(2026, 1, 31), D(2026, 1, 31), 0),  # SC §14 paid on the due date
        ("SH", 100_000, D(2026, 1, 31), D(2026, 1, 31), 0),  # SH §30 paid on the due date
        ("SC", 100_000, D(2026, 1, 31), D(2026, 1, 10), 0),  # SC §14 paid early
        ("SH", 100_000, D(2026, 1, 31), D(2026, 1, 10), 0),  # SH §30 paid early
        ("SC", 100_000, D(2026, 1, 31), D(2026, 2, 1), 0),  # SC §14 paid the day after: 0 days
        ("SH", 100_000, D(2026, 1, 31), D(2026, 2, 1), 39),  # SH §30 1 day: 14500/365 = 39.7
        ("SC", 100_000, D(2026, 1, 31), D(2026, 2, 2), 40),  # SC §14 1 day: 14600/365 = 40 exactly
        ("SH", 100_000, D(2026, 1, 31), D(2026, 2, 2), 79),  # SH §30 2 days: 29000/365 = 79.45
        # across the leap year 2028: 12/31/2027 → 1/1/2029 is 367 days apart, still ÷ 365
        ("SC", 365_000, D(2027, 12, 31), D(2029, 1, 1), 53_436),  # 1000 × 0.146 × 366
        ("SH", 365_000, D(2027, 12, 31), D(2029, 1, 1), 53_215),  # 1000 × 0.145 × 367
        # over a leap day: due 2/28/2028, paid 3/1/2028
        ("SC", 1_000_000, D(2028, 2, 28), D(2028, 3, 1), 400),  # 1 day (2/29): 146000/365 = 400
        ("SH", 1_000_000, D(2028, 2, 28), D(2028, 3, 1), 794),  # 2 days: 290000/365 = 794.5
        # due 4/30, paid 6/1: SC 31 days, SH 32 days
        ("SC", 1_234_567, D(2026, 4, 30), D(2026, 6, 1), 15_308),  # 5587650.24/365 = 15308.6
        ("SH", 1_234_567, D(2026, 4, 30), D(2026, 6, 1), 15_694),  # 5728390.88/365 = 15694.2
        ("SC", 0, D(2026, 1, 31), D(2026, 3, 2), 0),  # nothing owed
        ("SH", 0, D(2026, 1, 31), D(2026, 3, 2), 0),
    ],
    ids=[
        "SC §14 one month late",
        "SH §30 one month late",
        "SC §14 paid on the due date",
        "SH §30 paid on the due date",
        "SC §14 paid early",
        "SH §30 paid early",
        "SC §14 paid the next day owes nothing",
        "SH §30 paid the next day owes one day",
        "SC §14 two days after owes one day",
        "SH §30 two days after owes two days",
        "SC §14 across a leap year uses 365",
        "SH §30 across a leap year uses 365",
        "SC §14 over February 29",
        "SH §30 over February 29",
        "SC §14 a month end to the next month",
        "SH §30 a month end to the next month",
        "SC §14 zero principal",
        "SH §30 zero principal",
    ],
)
def test_late_interest(terms, principal, due, paid, expected):
    assert late_interest(PROFILES[terms], principal, due, paid) == expected


@pytest.mark.parametrize(
    "principal, due, paid, error",
    [
        (-1, D(2026, 1, 31), D(2026, 3, 2), ValueError),
        (100.0, D(2026, 1, 31), D(2026, 3, 2), TypeError),
        (100, datetime(2026, 1, 31), D(2026, 3, 2), TypeError),
        (100, D(2026, 1, 31), "2026-03-02", TypeError),
    ],
    ids=["negative principal", "float principal", "datetime due", "string paid"],
)
def test_late_interest_refuses_bad_arguments(principal, due, paid, error):
    with pytest.raises(error):
        late_interest(SC, principal, due, paid)


# -- cancellation (SC §23; SH §26.1) ------------------------------------------------------


@pytest.mark.parametrize(
    "terms, calendar, desired_month, expected",
    [
        ("SC", COMPANY, D(2026, 3, 1), D(2026, 2, 27)),  # SC §23: 2/28 Sat → Fri 2/27
        ("SC", COMPANY, D(2026, 2, 14), D(2026, 1, 30)),  # SC §23: 1/31 Sat → Fri 1/30
        ("SC", COMPANY, D(2026, 4, 30), D(2026, 3, 31)),  # SC §23: 3/31 Tue stays
        ("SC", COMPANY, D(2026, 6, 1), D(2026, 5, 29)),  # SC §23: 5/31 Sun → Fri 5/29
        ("SC", COMPANY, D(2019, 5, 1), D(2019, 4, 26)),  # SC §23: 4/30 国民の休日, 4/29 昭和の日, weekend → 4/26
        ("SC", COMPANY, D(2027, 1, 1), D(2026, 12, 31)),  # SC §23: 12/31 Thu is a company day
        ("SC", YEAR_END, D(2027, 1, 1), D(2026, 12, 28)),  # SC §23: closed 12/29-31 → Mon 12/28
        ("SC", COMPANY, D(2028, 3, 1), D(2028, 2, 29)),  # SC §23: leap day, Tue
        ("SH", COMPANY, D(2026, 2, 1), D(2026, 2, 28)),  # SH §26.1 当月末日, a Saturday, not moved
        ("SH", COMPANY, D(2028, 2, 10), D(2028, 2, 29)),  # SH §26.1 leap February
    ],
    ids=[
        "SC §23 a cutoff on a Saturday moves to Friday",
        "SC §23 a cutoff on January 31 2026 (Sat) moves to Friday",
        "SC §23 a cutoff on a Tuesday stays",
        "SC §23 a cutoff on a Sunday moves to Friday",
        "SC §23 a cutoff in Golden Week 2019 moves before the holidays",
        "SC §23 December 31 is a company business day without closures",
        "SC §23 a cutoff in the year-end closure moves before it",
        "SC §23 a cutoff on a leap day",
        "SH §26.1 the cutoff is the end of the desired month, not moved",
        "SH §26.1 the cutoff in a leap February",
    ],
)
def test_cancellation_cutoff(terms, calendar, desired_month, expected):
    assert cancellation_cutoff(PROFILES[terms], calendar, desired_month) == expected


@pytest.mark.parametrize(
    "terms, calendar, requested_on, desired_month, expected",
    [
        ("SC", COMPANY, D(2026, 1, 15), None, D(2026, 2, 28)),  # SC §23 earliest: end of next month
        ("SC", COMPANY, D(2026, 1, 30), None, D(2026, 2, 28)),  # SC §23 on the rolled cutoff (Fri)
        ("SC", COMPANY, D(2026, 1, 31), None, D(2026, 3, 31)),  # SC §23 Sat 1/31 is after the cutoff 1/30
        ("SC", COMPANY, D(2026, 1, 10), D(2026, 3, 15), D(2026, 3, 31)),  # SC §23 a later desired month
        ("SC", COMPANY, D(2026, 2, 3), D(2026, 2, 1), D(2026, 3, 31)),  # SC §23 too late for February
        ("SC", COMPANY, D(2026, 1, 10), D(2025, 12, 1), D(2026, 2, 28)),  # SC §23 a past month: earliest
        ("SC", COMPANY, D(2026, 2, 28), None, D(2026, 4, 30)),  # SC §23 Sat 2/28 after the cutoff 2/27
        ("SC", COMPANY, D(2026, 3, 31), None, D(2026, 4, 30)),  # SC §23 on the last day, a Tuesday
        ("SC", BusinessCalendar.company(closures=[D(2026, 3, 31)]), D(2026, 3, 31), None, D(2026, 5, 31)),  # SC §23 closure
        ("SC", COMPANY, D(2019, 4, 26), D(2019, 5, 1), D(2019, 5, 31)),  # SC §23 Golden Week 2019, on time
        ("SC", COMPANY, D(2019, 4, 27), D(2019, 5, 1), D(2019, 6, 30)),  # SC §23 Golden Week 2019, too late
        ("SC", COMPANY, D(2026, 12, 31), None, D(2027, 1, 31)),  # SC §23 12/31 open
        ("SC", YEAR_END, D(2026, 12, 29), None, D(2027, 2, 28)),  # SC §23 during the year-end closure
        ("SC", COMPANY, D(2028, 2, 29), None, D(2028, 3, 31)),  # SC §23 on a leap day
        ("SC", COMPANY, D(2028, 3, 1), D(2028, 3, 1), D(2028, 4, 30)),  # SC §23 asked for the current month
        ("SH", COMPANY, D(2026, 1, 31), None, D(2026, 1, 31)),  # SH §26.1 解約受付日, even on a Saturday
        ("SH", COMPANY, D(2026, 1, 15), D(2026, 3, 1), D(2026, 1, 15)),  # SH §26.1 desired month ignored
        ("SH", YEAR_END, D(2026, 12, 30), None, D(2026, 12, 30)),  # SH §26.1 closures play no part
        ("SH", COMPANY, D(2028, 2, 29), D(2028, 2, 1), D(2028, 2, 29)),  # SH §26.1 leap day
    ],
    ids=[
        "SC §23 a mid-month request ends at the end of the next month",
        "SC §23 a request on the Friday cutoff is in time",
        "SC §23 a request on the Saturday month end is too late",
        "SC §23 a later desired month is honoured",
        "SC §23 a late request for this month ends a month later",
        "SC §23 a desired month in the past gives the earliest",
        "SC §23 a request on Saturday February 28 is too late for March",
        "SC §23 a request on a Tuesday month end is in time",
        "SC §23 a closure on the month end moves the cutoff back",
        "SC §23 Golden Week 2019 request on Friday is in time",
        "SC §23 Golden Week 2019 request on Saturday is too late",
        "SC §23 a request on December 31 ends in January",
        "SC §23 a request during the year-end closure ends in February",
        "SC §23 a request on a leap day",
        "SC §23 a request for the current month ends next month",
        "SH §26.1 cancelled on the request day",
        "SH §26.1 the desired month does not matter",
        "SH §26.1 company closures do not matter",
        "SH §26.1 a request on a leap day",
    ],
)
def test_cancellation_date(terms, calendar, requested_on, desired_month, expected):
    assert cancellation_date(PROFILES[terms], calendar, requested_on, desired_month) == expected


# -- rental returns (SH §13.4-5) ----------------------------------------------------------


@pytest.mark.parametrize(
    "deadline, returned_on, expected",
    [
        (D(2026, 1, 31), D(2026, 1, 31), 0),  # on the deadline
        (D(2026, 1, 31), D(2026, 1, 5), 0),  # early
        (D(2026, 1, 31), D(2026, 2, 1), 1),  # the day after: a part of a month is a month
        (D(2026, 1, 31), D(2026, 2, 28), 1),  # month 1 ends 2/28
        (D(2026, 1, 31), D(2026, 3, 1), 2),
        (D(2026, 1, 31), D(2026, 3, 31), 2),  # month 2 ends 3/31 (from the original deadline)
        (D(2026, 1, 31), D(2026, 4, 1), 3),
        (D(2026, 3, 31), D(2026, 4, 30), 1),  # month 1 ends 4/30
        (D(2026, 3, 31), D(2026, 5, 1), 2),
        (D(2026, 3, 31), D(2026, 5, 31), 2),  # month 2 ends 5/31, not 5/30
        (D(2026, 1, 30), D(2026, 2, 28), 1),  # 1/30 + 1 month = 2/28
        (D(2026, 1, 30), D(2026, 3, 1), 2),
        (D(2026, 1, 30), D(2026, 3, 30), 2),  # month 2 ends 3/30
        (D(2026, 1, 30), D(2026, 3, 31), 3),
        (D(2028, 1, 31), D(2028, 2, 29), 1),  # leap February
        (D(2028, 1, 31), D(2028, 3, 1), 2),
        (D(2028, 2, 29), D(2028, 3, 29), 1),  # from a leap day
        (D(2028, 2, 29), D(2028, 3, 30), 2),
        (D(2028, 2, 29), D(2029, 2, 28), 12),  # twelve months from a leap day end on 2/28
        (D(2028, 2, 29), D(2029, 3, 1), 13),
        (D(2026, 12, 31), D(2027, 1, 1), 1),  # across New Year
        (D(2026, 12, 31), D(2027, 12, 31), 12),
        (D(2026, 12, 31), D(2028, 1, 1), 13),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, D) else str(v),
)
def test_late_return_months(deadline, returned_on, expected):
    """SH §13.5: from the day after the deadline; 1カ月以内の日数は切り上げ1カ月."""
    assert late_return_months(deadline, returned_on) == expected


@pytest.mark.parametrize(
    "monthly, deadline, returned_on, expected",
    [
        (5_000, D(2026, 1, 31), D(2026, 3, 1), 20_000),  # SH §13.5: 2 months × 2 × 5,000
        (5_000, D(2026, 1, 31), D(2026, 2, 1), 10_000),  # SH §13.5: one day late is a whole month
        (5_000, D(2026, 1, 31), D(2026, 1, 31), 0),  # SH §13.4 returned on time
        (0, D(2026, 1, 31), D(2026, 6, 1), 0),  # no monthly charges
        (12_345, D(2028, 2, 29), D(2029, 3, 1), 320_970),  # 13 × 2 × 12,345
    ],
    ids=["SH §13.5 two months late", "SH §13.5 one day late", "SH §13.4 on time", "SH §13.5 no charges", "SH §13.5 thirteen months"],
)
def test_late_return_penalty(monthly, deadline, returned_on, expected):
    assert late_return_penalty(SH, monthly, deadline, returned_on) == expected


def test_simpleconnect_has_no_late_return_penalty():
    with pytest.raises(RuleNotApplicable, match="SH §13.5"):
        late_return_penalty(SC, 5_000, D(2026, 1, 31), D(2026, 3, 1))


def test_a_negative_monthly_charge_is_refused():
    with pytest.raises(ValueError):
        late_return_penalty(SH, -1, D(2026, 1, 31), D(2026, 3, 1))


# -- warranty replacements (SC §21.2-3) ---------------------------------------------------


@pytest.mark.parametrize(
    "received_on, expected",
    [
        (D(2026, 1, 20), D(2026, 2, 3)),  # SC §21.2 14 days, the receiving day not counted
        (D(2026, 2, 20), D(2026, 3, 6)),  # SC §21.2 over a 28-day February
        (D(2028, 2, 20), D(2028, 3, 5)),  # SC §21.2 over a leap February (3/5 is a Sunday, not moved)
        (D(2026, 4, 18), D(2026, 5, 2)),  # SC §21.2 Sat 5/2 in Golden Week, not moved
        (D(2026, 12, 20), D(2027, 1, 3)),  # SC §21.2 Sun 1/3 at New Year, not moved
    ],
    ids=lambda v: v.isoformat(),
)
def test_replacement_return_deadline(received_on, expected):
    assert replacement_return_deadline(SC, received_on) == expected


@pytest.mark.parametrize(
    "sale_price, rate, expected",
    [
        (12_800, TEN, 14_080),  # SC §21.3: 12,800 + 1,280
        (12_345, TEN, 13_580),  # SC §21.3 + §12: 1,234.5 rounded up to 1,235
        (9_999, EIGHT, 10_799),  # SC §21.3 + §12: 799.92 rounded up to 800
        (0, TEN, 0),
    ],
    ids=["exact tax", "tax rounded up", "8% rounded up", "free unit"],
)
def test_replacement_penalty(sale_price, rate, expected):
    assert replacement_penalty(SC, sale_price, rate) == expected


def test_sokujitsu_has_no_replacement_rules():
    with pytest.raises(RuleNotApplicable, match="SC §21.2"):
        replacement_return_deadline(SH, D(2026, 1, 20))
    with pytest.raises(RuleNotApplicable, match="SC §21.3"):
        replacement_penalty(SH, 12_800, TEN)


def test_a_negative_sale_price_is_refused():
    with pytest.raises(ValueError):
        replacement_penalty(SC, -1, TEN)


# -- outages (SH §37) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "monthly_fee, hours, expected",
    [
        (10_000, 0, 0),  # SH §37.1 nothing
        (10_000, 23, 0),  # SH §37.1 under 24 hours: nothing
        (10_000, Decimal("23.99"), 0),
        (10_000, 24, 333),  # SH §37.1 1 × 10000/30 = 333.3
        (10_000, Decimal("24.0"), 333),
        (10_000, 47, 333),  # SH §37.1 47/24 truncated to 1
        (10_000, 48, 666),  # 2 × 10000/30 = 666.7
        (10_000, 49, 666),  # the worked example of the outage credit (docs/decisions.md)
        (10_000, 72, 1_000),  # one truncation at the end: 30000/30, not 3 × 333
        (10_000, 720, 10_000),  # 30 days: one month's fee
        (3_000, 24, 100),
        (0, 100, 0),
    ],
    ids=lambda v: str(v),
)
def test_outage_credit(monthly_fee, hours, expected):
    assert outage_credit(SH, monthly_fee, hours) == expected


@pytest.mark.parametrize(
    "fee, hours, error",
    [(10_000, -1, ValueError), (-1, 48, ValueError), (10_000, 48.0, TypeError), (10_000.0, 48, TypeError)],
    ids=["negative hours", "negative fee", "float hours", "float fee"],
)
def test_outage_credit_refuses_bad_arguments(fee, hours, error):
    with pytest.raises(error):
        outage_credit(SH, fee, hours)


@pytest.mark.parametrize(
    "calendar, event_on, expected",
    [
        (COMPANY, D(2026, 1, 10), D(2026, 4, 10)),  # SH §37.5 day 90 is Fri 4/10
        (COMPANY, D(2026, 2, 3), D(2026, 5, 1)),  # SH §37.5 day 90 = Mon 5/4 みどりの日 → Fri 5/1
        (COMPANY, D(2025, 12, 21), D(2026, 3, 19)),  # SH §37.5 day 90 = Sat 3/21; Fri 3/20 春分の日 → Thu 3/19
        (COMPANY, D(2026, 10, 4), D(2026, 12, 31)),  # SH §37.5 day 90 = Sat 1/2; 1/1 元日 → Thu 12/31
        (YEAR_END, D(2026, 10, 4), D(2026, 12, 28)),  # SH §37.5 with the year-end closure → Mon 12/28
        (BusinessCalendar.company(closures=[D(2026, 4, 10)]), D(2026, 1, 10), D(2026, 4, 9)),  # closure
    ],
    ids=[
        "SH §37.5 a 90th day on a Friday stays",
        "SH §37.5 a 90th day on a holiday moves back over Golden Week",
        "SH §37.5 a 90th day on a Saturday after a holiday Friday",
        "SH §37.5 a 90th day at New Year moves to December 31",
        "SH §37.5 a 90th day at New Year with a year-end closure",
        "SH §37.5 a 90th day on a closure day",
    ],
)
def test_outage_claim_deadline(calendar, event_on, expected):
    assert outage_claim_deadline(SH, calendar, event_on) == expected


def test_simpleconnect_has_no_outage_rules():
    with pytest.raises(RuleNotApplicable, match="SH §37"):
        outage_credit(SC, 10_000, 48)
    with pytest.raises(RuleNotApplicable, match="SH §37"):
        outage_claim_deadline(SC, COMPANY, D(2026, 1, 10))


# -- succession (SH §20.1) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "succeeded_on, expected",
    [
        (D(2026, 1, 10), D(2026, 2, 9)),  # SH §20.1 day 30 is Mon 2/9
        (D(2026, 1, 12), D(2026, 2, 10)),  # day 30 = Wed 2/11 建国記念の日 → Tue 2/10
        (D(2026, 1, 24), D(2026, 2, 20)),  # day 30 = Mon 2/23 天皇誕生日, weekend → Fri 2/20
        (D(2026, 1, 30), D(2026, 2, 27)),  # day 30 = Sun 3/1 → Fri 2/27
        (D(2028, 2, 1), D(2028, 3, 2)),  # leap February: day 30 = Thu 3/2
    ],
    ids=lambda v: v.isoformat(),
)
def test_succession_deadline(succeeded_on, expected):
    assert succession_deadline(SH, COMPANY, succeeded_on) == expected


def test_simpleconnect_has_no_succession_deadline():
    with pytest.raises(RuleNotApplicable, match="SH §20.1"):
        succession_deadline(SC, COMPANY, D(2026, 1, 10))


# -- invoice, debit and transfer dates (SC §10; SH §29 → office procedure) ------------------


@pytest.mark.parametrize("terms", ["SC", "SH"])
@pytest.mark.parametrize(
    "usage_month, expected",
    [
        (D(2026, 1, 31), D(2026, 2, 15)),  # SC §10.2: Sun 2/15, not moved
        (D(2026, 1, 1), D(2026, 2, 15)),  # any day of the month
        (D(2026, 12, 5), D(2027, 1, 15)),  # into the next year
        (D(2028, 2, 29), D(2028, 3, 15)),  # from a leap day
    ],
    ids=lambda v: v.isoformat(),
)
def test_invoice_issue_deadline(terms, usage_month, expected):
    assert invoice_issue_deadline(PROFILES[terms], usage_month) == expected


@pytest.mark.parametrize("terms", ["SC", "SH"])
@pytest.mark.parametrize(
    "usage_month, collection_day, expected",
    [
        (D(2026, 1, 10), 27, D(2026, 2, 27)),  # SC §10.1 Fri 2/27
        (D(2026, 1, 10), 31, D(2026, 3, 2)),  # day 31 in February → Sat 2/28 → Mon 3/2
        (D(2026, 3, 10), 31, D(2026, 4, 30)),  # day 31 in a 30-day month → Thu 4/30
        (D(2026, 3, 10), 29, D(2026, 4, 30)),  # Wed 4/29 昭和の日 → Thu 4/30
        (D(2026, 3, 10), 25, D(2026, 4, 27)),  # Sat 4/25 → Mon 4/27
        (D(2026, 4, 10), 31, D(2026, 6, 1)),  # Sun 5/31 → Mon 6/1 (next month)
        (D(2026, 11, 10), 31, D(2027, 1, 4)),  # Thu 12/31 銀行の休日 → Mon 1/4 (next year)
        (D(2026, 11, 10), 30, D(2026, 12, 30)),  # Wed 12/30 stays
        (D(2026, 11, 10), 27, D(2026, 12, 28)),  # Sun 12/27 → Mon 12/28
        (D(2028, 1, 10), 29, D(2028, 2, 29)),  # leap day, Tue
        (D(2028, 1, 10), 31, D(2028, 2, 29)),  # day 31 in a leap February
        (D(2027, 1, 10), 29, D(2027, 3, 1)),  # day 29 in a 28-day February → Sun 2/28 → Mon 3/1
    ],
    ids=lambda v: v.isoformat() if isinstance(v, D) else str(v),
)
def test_debit_date(terms, usage_month, collection_day, expected):
    assert debit_date(PROFILES[terms], BANK, usage_month, collection_day) == expected


@pytest.mark.parametrize("collection_day", [24, 32, 0, 1, -25])
def test_a_collection_day_outside_25_to_31_is_refused(collection_day):
    with pytest.raises(ValueError, match="25 から 31"):
        debit_date(SC, BANK, D(2026, 1, 10), collection_day)


def test_a_collection_day_must_be_an_int():
    with pytest.raises(TypeError):
        debit_date(SC, BANK, D(2026, 1, 10), 27.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("terms", ["SC", "SH"])
@pytest.mark.parametrize(
    "usage_month, expected",
    [
        (D(2026, 1, 10), D(2026, 2, 27)),  # SC §10.1 Sat 2/28 → Fri 2/27
        (D(2026, 2, 10), D(2026, 3, 31)),  # Tue 3/31 stays
        (D(2026, 4, 10), D(2026, 5, 29)),  # Sun 5/31 → Fri 5/29
        (D(2026, 9, 10), D(2026, 10, 30)),  # Sat 10/31 → Fri 10/30
        (D(2026, 11, 10), D(2026, 12, 30)),  # Thu 12/31 銀行の休日 → Wed 12/30
        (D(2026, 12, 10), D(2027, 1, 29)),  # Sun 1/31 → Fri 1/29 (next year)
        (D(2028, 1, 10), D(2028, 2, 29)),  # leap day, Tue
    ],
    ids=lambda v: v.isoformat(),
)
def test_transfer_due_date(terms, usage_month, expected):
    assert transfer_due_date(PROFILES[terms], BANK, usage_month) == expected


@pytest.mark.parametrize("terms", ["SC", "SH"])
def test_a_failed_debit_is_due_by_transfer_pay_days_later_on_the_bank_business_day_before(terms):
    # 2027-01-04 + 14 = 2027-01-18 (Mon) stays; 2026-12-30 + 14 = 2027-01-13 (Wed) stays;
    # 2026-12-19 + 14 = 2027-01-02 (Sat, bank holiday) moves back to 2026-12-30 (Wed).
    profile = PROFILES[terms]
    assert rules.failed_debit_due_date(profile, BANK, D(2027, 1, 4), 14) == D(2027, 1, 18)
    assert rules.failed_debit_due_date(profile, BANK, D(2026, 12, 30), 14) == D(2027, 1, 13)
    assert rules.failed_debit_due_date(profile, BANK, D(2026, 12, 19), 14) == D(2026, 12, 30)
    with pytest.raises(ValueError):
        rules.failed_debit_due_date(profile, BANK, D(2026, 12, 19), 0)


# -- deposits (SC §9.10) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "monthly_charges, expected",
    [(0, False), (29_999, False), (30_000, False), (30_001, True), (1_000_000, True)],
    ids=["nothing", "under", "exactly 30,000 does not exceed", "one yen over", "far over"],
)
def test_deposit_required(monthly_charges, expected):
    """SC §9.10: 1IDあたり30,000円を超過した場合."""
    assert deposit_required(SC, monthly_charges) is expected


def test_sokujitsu_has_no_deposit_rule():
    with pytest.raises(RuleNotApplicable, match="SC §9.10"):
        deposit_required(SH, 50_000)


def test_a_negative_monthly_charge_for_a_deposit_is_refused():
    with pytest.raises(ValueError):
        deposit_required(SC, -1)


def test_rule_not_applicable_names_the_profile_in_japanese():
    with pytest.raises(RuleNotApplicable) as caught:
        deposit_required(SH, 50_000)
    message = str(caught.value)
    assert SH.name in message and "定めがありません" in message
    assert not issubclass(RuleNotApplicable, ValueError)


# -- dunning: the dates a 催告書 names (SC §24.1(8), SH §23.2; decision 督促) ----------------------


@pytest.mark.parametrize(
    "terms, company, issued_on, days, pay_by, suspension_on",
    [
        ("SC", COMPANY, D(2026, 12, 1), 14, D(2026, 12, 14), D(2026, 12, 15)),  # Tue 12/15 stays; pay by Mon 12/14
        ("SH", COMPANY, D(2026, 12, 3), 14, D(2026, 12, 16), D(2026, 12, 17)),  # Thu 12/17 stays
        ("SC", COMPANY, D(2026, 12, 5), 14, D(2026, 12, 18), D(2026, 12, 21)),  # 12/19 Sat → Mon 12/21; pay by Fri 12/18
        ("SC", YEAR_END, D(2026, 12, 20), 10, D(2026, 12, 30), D(2027, 1, 4)),  # 年末年始 → Mon 1/4; pay by Wed 12/30
        ("SC", COMPANY, D(2026, 12, 1), 1, D(2026, 12, 1), D(2026, 12, 2)),   # the day to pay is never before the letter
    ],
)
def test_final_demand_dates(terms, company, issued_on, days, pay_by, suspension_on):
    profile = SC if terms == "SC" else SH
    assert rules.final_demand_dates(profile, company, BANK, issued_on, days) == (pay_by, suspension_on)

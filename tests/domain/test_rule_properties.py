"""Properties that hold for every valid input, not only for the hand-worked cases."""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.money import exact, round_yen
from reseller_desk.domain.rules import (
    cancellation_cutoff,
    cancellation_date,
    consumption_tax,
    debit_date,
    late_interest,
    late_return_months,
    late_return_penalty,
    outage_claim_deadline,
    outage_credit,
    replacement_penalty,
    succession_deadline,
    transfer_due_date,
)
from reseller_desk.domain.terms import CancellationEffective, Roll, load_profile

SC = load_profile("simpleconnect")
SH = load_profile("sokujitsu")
BOTH = [SC, SH]
PROPERTY = settings(max_examples=200, deadline=None, database=None)

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2049, 12, 31))
yen = st.integers(min_value=0, max_value=10**10)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=3)
profiles = st.sampled_from(BOTH)
hours = st.one_of(
    st.integers(min_value=0, max_value=24 * 400),
    st.decimals(min_value=Decimal(0), max_value=Decimal(24 * 400), places=2),
)
# Up to a few dozen closures, some in runs (year-end, お盆), anywhere in the range.
closure_runs = st.lists(
    st.tuples(days, st.integers(min_value=1, max_value=9)), max_size=8
).map(lambda runs: [start + timedelta(days=i) for start, length in runs for i in range(length)])
company_calendars = closure_runs.map(lambda closures: BusinessCalendar.company(closures=closures))
BANK = BusinessCalendar.bank()


# -- no negative amounts ------------------------------------------------------------------


@PROPERTY
@given(profiles, yen, rates)
def test_consumption_tax_is_never_negative_and_within_a_yen_of_the_exact_tax(profile, taxable, rate):
    tax = consumption_tax(profile, taxable, rate)
    assert tax >= 0
    assert abs(tax - taxable * rate) < 1


@PROPERTY
@given(profiles, yen, st.decimals(min_value=Decimal(0), max_value=Decimal(1), places=6))
def test_consumption_tax_in_integers_is_the_exact_product_rounded_once(profile, taxable, rate):
    assert consumption_tax(profile, taxable, rate) == round_yen(exact(taxable) * exact(rate), profile.tax.rounding)


@PROPERTY
@given(profiles, yen, days, days)
def test_late_interest_is_never_negative(profile, principal, due, paid):
    assert late_interest(profile, principal, due, paid) >= 0


@PROPERTY
@given(yen, days, days)
def test_late_return_penalty_is_never_negative(monthly, deadline, returned_on):
    assert late_return_penalty(SH, monthly, deadline, returned_on) >= 0


@PROPERTY
@given(yen, rates)
def test_replacement_penalty_is_never_negative_nor_below_the_price(price, rate):
    assert replacement_penalty(SC, price, rate) >= price >= 0


@PROPERTY
@given(yen, hours)
def test_outage_credit_is_never_negative_nor_above_the_hours_worth_of_fee(fee, outage_hours):
    credit = outage_credit(SH, fee, outage_hours)
    assert 0 <= credit <= fee * outage_hours / Decimal(24 * 30)


# -- late-return months -------------------------------------------------------------------


@PROPERTY
@given(days, days)
def test_the_month_of_delay_contains_the_return_day(deadline, returned_on):
    """SH §13.5: the k-th month runs from deadline + (k-1) months + 1 day to deadline + k months."""
    k = late_return_months(deadline, returned_on)
    if returned_on <= deadline:
        assert k == 0
    else:
        assert deadline + relativedelta(months=k - 1) < returned_on <= deadline + relativedelta(months=k)


# -- every rolled deadline lands on a business day ---------------------------------------------


@PROPERTY
@given(company_calendars, days)
def test_an_outage_claim_deadline_is_a_company_business_day_on_or_before_day_90(calendar, event_on):
    deadline = outage_claim_deadline(SH, calendar, event_on)
    assert calendar.is_business_day(deadline)
    assert event_on < deadline <= event_on + timedelta(days=90)


@PROPERTY
@given(company_calendars, days)
def test_a_succession_deadline_is_a_company_business_day_on_or_before_day_30(calendar, succeeded_on):
    deadline = succession_deadline(SH, calendar, succeeded_on)
    assert calendar.is_business_day(deadline)
    assert succeeded_on < deadline <= succeeded_on + timedelta(days=30)


@PROPERTY
@given(profiles, days, st.integers(min_value=25, max_value=31))
def test_a_debit_date_is_a_bank_business_day_on_or_after_the_named_day(profile, usage_month, day):
    debit = debit_date(profile, BANK, usage_month, day)
    assert BANK.is_business_day(debit)
    first_of_next = (usage_month.replace(day=1) + timedelta(days=32)).replace(day=1)
    named = first_of_next.replace(day=min(day, monthrange(first_of_next.year, first_of_next.month)[1]))
    assert named <= debit <= named + timedelta(days=14)


@PROPERTY
@given(profiles, days)
def test_a_transfer_due_date_is_a_bank_business_day_in_the_following_month(profile, usage_month):
    due = transfer_due_date(profile, BANK, usage_month)
    assert BANK.is_business_day(due)
    first_of_next = (usage_month.replace(day=1) + timedelta(days=32)).replace(day=1)
    assert (due.year, due.month) == (first_of_next.year, first_of_next.month)


@PROPERTY
@given(company_calendars, days)
def test_a_rolled_cancellation_cutoff_is_a_company_business_day(calendar, desired_month):
    assert SC.cancellation.cutoff_roll is Roll.PREVIOUS_BUSINESS_DAY
    cutoff = cancellation_cutoff(SC, calendar, desired_month)
    assert calendar.is_business_day(cutoff)
    assert cutoff < desired_month.replace(day=1)


@PROPERTY
@given(profiles, company_calendars, days, st.one_of(st.none(), days))
def test_a_cancellation_is_never_before_the_request_and_ends_on_a_month_end_or_the_request_day(
    profile, calendar, requested_on, desired_month
):
    ends = cancellation_date(profile, calendar, requested_on, desired_month)
    assert ends >= requested_on
    if profile.cancellation.effective is CancellationEffective.REQUEST_DAY:
        assert ends == requested_on
    else:
        assert (ends + timedelta(days=1)).day == 1
        month = ends.replace(day=1)
        assert cancellation_cutoff(profile, calendar, month) >= requested_on
        if desired_month is not None:
            assert month >= desired_month.replace(day=1)

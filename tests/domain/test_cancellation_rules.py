"""What a cancellation asks of the clerk (issue 9): the earliest month a request can end the
contract in, the refusal of a month that is too early with that month offered, the last billable
month, and whether the contract ends inside its minimum term. Every expected value is worked out
by hand from the clause in the case's id; weekdays and holidays are noted beside the dates."""

from __future__ import annotations

from datetime import date as D

import pytest

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.money import ArgumentTypeError
from reseller_desk.domain.rules import (
    cancellation_month_problem,
    earliest_cancellation_month,
    ends_within_minimum_term,
    last_billable_month,
)
from reseller_desk.domain.terms import load_profile

SC = load_profile("simpleconnect")
SH = load_profile("sokujitsu")
COMPANY = BusinessCalendar.company()
MARCH_31_CLOSED = BusinessCalendar.company(closures=[D(2026, 3, 31)])


@pytest.mark.parametrize(("profile", "calendar", "requested_on", "earliest"), [
    (SC, COMPANY, D(2026, 1, 30), D(2026, 2, 1)),  # Fri Jan 30, the last business day of January: in time for February
    (SC, COMPANY, D(2026, 1, 31), D(2026, 3, 1)),  # Sat Jan 31: the cutoff was Fri Jan 30, so March
    (SC, COMPANY, D(2026, 3, 15), D(2026, 4, 1)),  # mid-March: April
    (SC, MARCH_31_CLOSED, D(2026, 3, 31), D(2026, 5, 1)),  # Tue Mar 31 closed: cutoff Mon Mar 30, so May
    (SH, COMPANY, D(2026, 1, 31), D(2026, 1, 1)),  # SH §26.1: the month of the request
], ids=["SC §23 on the cutoff", "SC §23 after the cutoff", "SC §23 mid-month", "SC §23 a closed month end",
        "SH §26.1 the request's month"])
def test_the_earliest_month_a_request_can_end_the_contract_in(profile, calendar, requested_on, earliest):
    assert earliest_cancellation_month(profile, calendar, requested_on) == earliest


def test_under_sc_a_month_whose_cutoff_passed_is_refused_naming_the_cutoff_and_the_earliest_month():
    # Requested Sat 2026-01-31 for February: February's cutoff was Fri 2026-01-30.
    problem = cancellation_month_problem(SC, COMPANY, D(2026, 1, 31), D(2026, 2, 1))
    assert problem == ("2026年2月末の解約は、申込の締め日（2026年1月30日）を過ぎているためできません。"
                       "最も早くて2026年3月末の解約です。")


@pytest.mark.parametrize("desired", [D(2026, 3, 1), D(2026, 3, 31), D(2026, 7, 15)],
                         ids=["the earliest month", "any day of it", "a later month"])
def test_under_sc_the_earliest_month_and_any_later_one_are_accepted(desired):
    assert cancellation_month_problem(SC, COMPANY, D(2026, 1, 31), desired) is None


def test_under_sh_only_the_month_of_the_request_can_be_asked_for():
    assert cancellation_month_problem(SH, COMPANY, D(2026, 1, 20), D(2026, 1, 1)) is None
    assert cancellation_month_problem(SH, COMPANY, D(2026, 1, 20), D(2026, 3, 1)) == (
        "この契約は解約の受付日（2026年1月20日）に解約となるため、解約月は2026年1月です。")


@pytest.mark.parametrize(("effective_on", "month"), [
    (D(2026, 3, 31), D(2026, 3, 1)),  # SC §23: the end of the desired month
    (D(2026, 1, 20), D(2026, 1, 1)),  # SH §26.1: the request day; January billed whole (SH §28.4)
    (D(2028, 2, 29), D(2028, 2, 1)),  # a leap day
], ids=["SC month end", "SH mid-month", "leap day"])
def test_the_last_billable_month_is_the_month_the_contract_ends_in_billed_whole(effective_on, month):
    assert last_billable_month(effective_on) == month


@pytest.mark.parametrize(("term", "first", "last", "inside"), [
    (12, D(2026, 1, 1), D(2026, 11, 1), True),   # 11 months billed of 12
    (12, D(2026, 1, 1), D(2026, 12, 1), False),  # 12 months billed: the term is served
    (12, D(2026, 1, 15), D(2026, 12, 31), False),  # any day of each month
    (12, D(2026, 6, 1), D(2027, 4, 1), True),    # across a year end: 11 months
    (1, D(2026, 6, 1), D(2026, 6, 1), False),    # SC §6.5: one month is always served
    (0, D(2026, 6, 1), D(2026, 6, 1), False),    # no minimum term
], ids=["SH §18 inside", "SH §18 served", "days do not matter", "across a year end", "SC §6.5 one month",
        "no minimum term"])
def test_a_contract_ends_inside_its_minimum_term_when_fewer_months_were_billed(term, first, last, inside):
    assert ends_within_minimum_term(term, first, last) is inside


def test_a_minimum_term_that_is_no_whole_number_is_a_programming_error():
    with pytest.raises(ArgumentTypeError):
        ends_within_minimum_term(True, D(2026, 1, 1), D(2026, 2, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ends_within_minimum_term(-1, D(2026, 1, 1), D(2026, 2, 1))

"""The business calendars (docs/decisions.md, calendars), checked against the public holiday_jp list."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

from reseller_desk.domain.calendar import BusinessCalendar, CalendarKind, year_end_closure_days

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "holiday_jp" / "holidays.yml"
_LINE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}):")


def _reference_holidays() -> dict[int, set[date]]:
    """holiday_jp's holidays.yml, read by hand (``YYYY-MM-DD: name`` lines; no yaml here)."""
    by_year: dict[int, set[date]] = defaultdict(set)
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        match = _LINE.match(line)
        if match:
            day = date(*(int(part) for part in match.groups()))
            by_year[day.year].add(day)
    return dict(by_year)


REFERENCE_HOLIDAYS = _reference_holidays()
REFERENCE_YEARS = sorted(REFERENCE_HOLIDAYS)


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def _is_bank_holiday_season(day: date) -> bool:
    return (day.month, day.day) in {(12, 31), (1, 1), (1, 2), (1, 3)}


COMPANY = BusinessCalendar.company()
BANK = BusinessCalendar.bank()


def test_the_reference_list_covers_every_year_from_1970_to_2050():
    """Guards the claim the next test makes for the calendar (every year 1970–2050): a trimmed
    reference file would otherwise shrink what is checked without any test failing."""
    assert list(range(1970, 2051)) == REFERENCE_YEARS


@pytest.mark.parametrize("year", REFERENCE_YEARS, ids=str)
def test_the_holidays_package_agrees_with_the_reference_list(year):
    package = set(holidays.JP(years=year, categories=("public",)).keys())
    assert package == REFERENCE_HOLIDAYS[year]


@pytest.mark.parametrize("year", REFERENCE_YEARS, ids=str)
def test_a_company_business_day_is_a_weekday_that_is_not_a_reference_holiday(year):
    wrong = [
        day
        for day in _days_of(year)
        if COMPANY.is_business_day(day)
        != (day.weekday() < 5 and day not in REFERENCE_HOLIDAYS[year])
    ]
    assert wrong == []


@pytest.mark.parametrize("year", REFERENCE_YEARS, ids=str)
def test_a_bank_business_day_is_also_not_between_december_31_and_january_3(year):
    wrong = [
        day
        for day in _days_of(year)
        if BANK.is_business_day(day)
        != (
            day.weekday() < 5
            and day not in REFERENCE_HOLIDAYS[year]
            and not _is_bank_holiday_season(day)
        )
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "day, why",
    [
        (date(2019, 4, 30), "国民の休日 before the 2019 accession"),
        (date(2019, 5, 1), "天皇の即位の日 (one-off)"),
        (date(2019, 5, 2), "国民の休日 after the 2019 accession"),
        (date(2019, 10, 22), "即位礼正殿の儀 (one-off)"),
        (date(2020, 7, 23), "海の日 moved for the Olympics"),
        (date(2020, 7, 24), "スポーツの日 moved for the Olympics"),
        (date(2020, 8, 10), "山の日 moved for the Olympics"),
        (date(2021, 7, 22), "海の日 moved for the Olympics"),
        (date(2021, 7, 23), "スポーツの日 moved for the Olympics"),
        (date(2021, 8, 9), "振替休日 of 山の日 moved to 8/8"),
        (date(2026, 9, 22), "国民の休日 between 敬老の日 and 秋分の日"),
        (date(2026, 5, 6), "振替休日 for 憲法記念日 on a Sunday"),
        (date(2025, 2, 24), "振替休日 for 天皇誕生日 on a Sunday"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.isoformat(),
)
def test_special_holidays_are_not_business_days(day, why):
    assert day.weekday() < 5, "the case must be a weekday to prove anything"
    assert not COMPANY.is_business_day(day), why
    assert not BANK.is_business_day(day), why


@pytest.mark.parametrize(
    "day, company, bank",
    [
        (date(2026, 4, 28), True, True),  # Tue before Golden Week
        (date(2026, 4, 29), False, False),  # 昭和の日 (Wed)
        (date(2026, 4, 30), True, True),  # Thu between the holidays
        (date(2026, 5, 1), True, True),  # Fri
        (date(2026, 5, 4), False, False),  # みどりの日 (Mon)
        (date(2026, 5, 5), False, False),  # こどもの日 (Tue)
        (date(2026, 5, 6), False, False),  # 振替休日 (Wed)
        (date(2026, 5, 7), True, True),  # Thu, back to work
    ],
    ids=lambda value: value.isoformat() if isinstance(value, date) else str(value),
)
def test_golden_week_2026(day, company, bank):
    assert COMPANY.is_business_day(day) is company
    assert BANK.is_business_day(day) is bank


@pytest.mark.parametrize(
    "day, bank_open",
    [
        (date(2026, 12, 30), True),  # Wed, last bank day of the year
        (date(2026, 12, 31), False),  # Thu, 銀行の休日
        (date(2027, 1, 1), False),  # 元日
        (date(2027, 1, 2), False),  # Sat
        (date(2027, 1, 3), False),  # Sun, 銀行の休日 anyway
        (date(2027, 1, 4), True),  # Mon
        (date(2029, 1, 2), False),  # Tue, 銀行の休日
        (date(2029, 1, 3), False),  # Wed, 銀行の休日
        (date(2029, 1, 4), True),  # Thu
    ],
    ids=lambda value: value.isoformat() if isinstance(value, date) else str(value),
)
def test_banks_close_from_december_31_to_january_3(day, bank_open):
    assert BANK.is_business_day(day) is bank_open


@pytest.mark.parametrize("day", [date(2026, 12, 31), date(2029, 1, 2), date(2029, 1, 3)])
def test_the_company_works_on_bank_holidays_unless_closed(day):
    assert COMPANY.is_business_day(day)


def test_a_company_closure_day_is_not_a_business_day():
    year_end = [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    closed = BusinessCalendar.company(closures=year_end)
    assert closed.closures == frozenset(year_end)
    assert [closed.is_business_day(day) for day in year_end] == [False, False, False]
    assert closed.is_business_day(date(2026, 12, 28))
    assert COMPANY.is_business_day(date(2026, 12, 29))


def test_closures_do_not_leak_between_calendars():
    closed = BusinessCalendar.company(closures=[date(2026, 8, 13), date(2026, 8, 14)])
    assert not closed.is_business_day(date(2026, 8, 13))
    assert BusinessCalendar.company().is_business_day(date(2026, 8, 13))


@pytest.mark.parametrize(
    "calendar, day, after, before",
    [
        (COMPANY, date(2026, 3, 4), date(2026, 3, 4), date(2026, 3, 4)),  # a Wednesday stays
        (COMPANY, date(2026, 1, 31), date(2026, 2, 2), date(2026, 1, 30)),  # Sat
        (COMPANY, date(2026, 5, 3), date(2026, 5, 7), date(2026, 5, 1)),  # Golden Week Sunday
        (COMPANY, date(2026, 9, 21), date(2026, 9, 24), date(2026, 9, 18)),  # シルバーウィーク
        (BANK, date(2026, 12, 31), date(2027, 1, 4), date(2026, 12, 30)),  # New Year
        (BANK, date(2027, 1, 1), date(2027, 1, 4), date(2026, 12, 30)),
        (BANK, date(2026, 12, 30), date(2026, 12, 30), date(2026, 12, 30)),
    ],
    ids=[
        "a business day is its own answer",
        "a Saturday",
        "Golden Week",
        "Silver Week 2026",
        "bank New Year's Eve",
        "bank New Year's Day",
        "the last bank day of the year",
    ],
)
def test_rolling_to_the_next_and_previous_business_day(calendar, day, after, before):
    assert calendar.on_or_after(day) == after
    assert calendar.on_or_before(day) == before


def test_rolling_skips_closures_too():
    closed = BusinessCalendar.company(
        closures=[date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)]
    )
    assert closed.on_or_before(date(2027, 1, 2)) == date(2026, 12, 28)
    assert closed.on_or_after(date(2026, 12, 29)) == date(2027, 1, 4)


def test_a_calendar_is_an_immutable_hashable_value():
    closures = [date(2026, 8, 13)]
    first = BusinessCalendar.company(closures=closures)
    second = BusinessCalendar.company(closures=tuple(closures))
    assert first == second and hash(first) == hash(second)
    assert first != BusinessCalendar.company()
    assert isinstance(first.closures, frozenset)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.closures = frozenset()  # type: ignore[misc]


def test_a_calendar_says_what_kind_it_is():
    assert COMPANY.kind is CalendarKind.COMPANY and COMPANY.name == "当社営業日"
    assert BANK.kind is CalendarKind.BANK and BANK.name == "金融機関の営業日"
    assert BANK.closures == frozenset()


def test_a_datetime_is_refused_as_a_day():
    with pytest.raises(TypeError):
        COMPANY.is_business_day(datetime(2026, 3, 4, 9, 0))
    with pytest.raises(TypeError):
        BusinessCalendar.company(closures=[datetime(2026, 3, 4, 9, 0)])


@pytest.mark.parametrize("day", [date(1948, 6, 1), date(2100, 6, 1)])
def test_a_year_without_holiday_data_is_refused(day):
    with pytest.raises(ValueError, match="祝日データ"):
        COMPANY.is_business_day(day)


def test_the_year_end_closure_runs_from_the_29th_to_the_3rd_of_january():
    assert year_end_closure_days(2026) == [date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31),
                                           date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3)]

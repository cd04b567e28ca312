"""Business-day calendars (docs/decisions.md §2).

* The **company** calendar (当社営業日, 弊社営業日): not Saturday or Sunday, not a Japanese
  national holiday (国民の祝日, 振替休日 and 国民の休日 included), and not one of the closure days
  the office configures (e.g. 12/29–1/3, お盆). Used by SC §23, SH §20.1, SH §37.5.
* The **bank** calendar (金融機関の営業日): not Saturday or Sunday, not a national holiday, and
  not 12/31–1/3 (銀行の休日). Used by SC §10.1 for debit and transfer due dates.

Holidays come from the ``holidays`` package (``holidays.JP``), built once per year and cached:
``is_business_day`` runs in hot loops (billing runs, property tests).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from holidays.countries.japan import Japan

from reseller_desk.domain.money import require_date

__all__ = ["BusinessCalendar", "CalendarKind"]

_ONE_DAY = timedelta(days=1)


class CalendarKind(StrEnum):
    COMPANY = "company"  # 当社営業日
    BANK = "bank"  # 金融機関の営業日


_CATEGORIES: dict[CalendarKind, tuple[str, ...]] = {
    CalendarKind.COMPANY: ("public",),
    CalendarKind.BANK: ("public", "bank"),
}

_DISPLAY_NAMES: dict[CalendarKind, str] = {
    CalendarKind.COMPANY: "当社営業日",
    CalendarKind.BANK: "金融機関の営業日",
}


@functools.cache
def _holiday_dates(categories: tuple[str, ...], year: int) -> frozenset[date]:
    """Holidays of one year for the given ``holidays.JP`` categories, cached."""
    if not Japan.start_year <= year <= Japan.end_year:
        raise ValueError(
            f"{year} 年の祝日データがありません "
            f"({Japan.start_year}–{Japan.end_year} 年のみ対応)"
        )
    return frozenset(Japan(years=year, categories=categories).keys())



@dataclass(frozen=True)
class BusinessCalendar:
    """An immutable business-day calendar: weekends, Japanese holidays of its kind, closures.

    Build it with :meth:`company` or :meth:`bank`. Two calendars with the same kind and the
    same closures are equal and hash alike.
    """

    kind: CalendarKind
    closures: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", CalendarKind(self.kind))
        closures = frozenset(self.closures)
        for day in closures:
            require_date("closures の日付", day)
        object.__setattr__(self, "closures", closures)

    # -- construction ---------------------------------------------------------------------

    @classmethod
    def company(cls, closures: Iterable[date] = ()) -> BusinessCalendar:
        """当社営業日: not Sat/Sun, not a national holiday, not one of ``closures``."""
        return cls(CalendarKind.COMPANY, frozenset(closures))

    @classmethod
    def bank(cls) -> BusinessCalendar:
        """金融機関の営業日: not Sat/Sun, not a national holiday, not Dec 31 – Jan 3."""
        return cls(CalendarKind.BANK, frozenset())

    # -- queries --------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The Japanese name of the calendar, for notices and tooltips."""
        return _DISPLAY_NAMES[self.kind]

    def is_business_day(self, d: date) -> bool:
        """Whether ``d`` is a business day: a weekday, not a holiday, not a closure."""
        require_date("d", d)
        if d.weekday() >= 5:
            return False
        if d in self.closures:
            return False
        return d not in _holiday_dates(_CATEGORIES[self.kind], d.year)

    def on_or_after(self, d: date) -> date:
        """``d`` if it is a business day, else the next business day (直後の営業日)."""
        while not self.is_business_day(d):
            d += _ONE_DAY
        return d

    def on_or_before(self, d: date) -> date:
        """``d`` if it is a business day, else the previous business day (直前の営業日)."""
        while not self.is_business_day(d):
            d -= _ONE_DAY
        return d


def japanese_date(day: date) -> str:
    """``japanese_date(date(2026, 11, 22)) -> "2026年11月22日"``: how every message and
    document writes a day (Western year, no zero padding)."""
    return f"{day.year}年{day.month}月{day.day}日"


def year_end_closure_days(year: int) -> list[date]:
    """The usual 年末年始 closure of a Japanese office, 12/29 of ``year`` to 1/3 of the next: the
    days a clerk adds as company closures in one click (they feed BusinessCalendar.company)."""
    start = date(year, 12, 29)
    return [start + timedelta(days=i) for i in range(6)]

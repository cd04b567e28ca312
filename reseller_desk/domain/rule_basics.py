"""What every rule module shares: the error of a rule a profile does not have, the lookup of a
profile's section, and the small date helpers (month edges, rolling a day onto a business day).
The rules themselves are in domain.rules and domain.money_rules (re-exported by domain.rules)."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.money import ArgumentTypeError
from reseller_desk.domain.terms import Roll, TermsProfile

__all__ = ["RuleNotApplicable"]


class RuleNotApplicable(Exception):
    """The profile's terms have no such rule (its section is absent from the profile)."""


_S = TypeVar("_S")


def _section(profile: TermsProfile, section: _S | None, rule: str, reference: str) -> _S:
    """The profile's section for a rule, or RuleNotApplicable naming the rule and its clause."""
    if section is None:
        raise RuleNotApplicable(
            f"{profile.name} の規約 ({profile.cite_as}, {profile.version}) には"
            f"{rule}の定めがありません ({reference} にあたる条項なし)"
        )
    return section



def _require_calendar(name: str, value: object) -> BusinessCalendar:
    if not isinstance(value, BusinessCalendar):
        raise ArgumentTypeError(
            f"{name} は BusinessCalendar のはずです ({value!r} は {type(value).__name__})"
        )
    return value


def _first_of_month(d: date) -> date:
    return d.replace(day=1)


def _last_of_month(d: date) -> date:
    return d.replace(day=_stdlib_calendar.monthrange(d.year, d.month)[1])


def _day_in_month(month: date, day: int) -> date:
    """``day`` of ``month``'s month, clamped to the month's last day (31 → 30, 28 or 29)."""
    return month.replace(day=min(day, _stdlib_calendar.monthrange(month.year, month.month)[1]))


def _next_month(d: date) -> date:
    """The 1st of the month after ``d``'s month."""
    following: date = _first_of_month(d) + relativedelta(months=1)
    return following


def _roll(calendar: BusinessCalendar, d: date, roll: Roll) -> date:
    if roll is Roll.PREVIOUS_BUSINESS_DAY:
        return calendar.on_or_before(d)
    if roll is Roll.NEXT_BUSINESS_DAY:
        return calendar.on_or_after(d)
    return d

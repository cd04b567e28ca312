"""The rules of money in (issue 12), as pure functions of a terms profile: late interest (SC §14,
SH §30), the dates a 催告書 names, the new due date of a failed direct debit (SC §10.1), and
whether a deposit may be asked for (SC §9.10). domain.rules re-exports them, so callers write
``rules.late_interest`` as for every other rule; the conventions are domain.rules'.
"""

from __future__ import annotations

from datetime import date, timedelta

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.money import ArgumentTypeError, exact, require_date, require_yen, round_yen
from reseller_desk.domain.rule_basics import _require_calendar, _roll, _section
from reseller_desk.domain.terms import InterestFirstDay, InterestLastDay, TermsProfile

__all__ = ["deposit_required", "failed_debit_due_date", "final_demand_dates", "late_interest", "late_interest_days"]


# -- late interest ------------------------------------------------------------------------


def late_interest_days(profile: TermsProfile, due: date, paid: date) -> int:
    """Days of late interest between the due date and the payment day; never negative.

    SC §14: from the day after the due date to the day before payment (支払前日まで).
    SH §30: from the day after the due date until paid (支払い済みまで, payment day counted).
    """
    require_date("due", due)
    require_date("paid", paid)
    terms = profile.late_interest
    first = due + timedelta(days=1) if terms.first_day is InterestFirstDay.DAY_AFTER_DUE else due
    last = paid - timedelta(days=1) if terms.last_day is InterestLastDay.DAY_BEFORE_PAYMENT else paid
    return max(0, (last - first).days + 1)


def late_interest(profile: TermsProfile, principal: int, due: date, paid: date) -> int:
    """Late interest in yen: floor(principal × annual rate × days / year_days).

    SC §14: 年 14.6%, days from the day after the due date to the day before payment.
    SH §30: 年 14.5%, days from the day after the due date to the payment day inclusive.
    Decision (docs/decisions.md §7): 365 days a year also in leap years; truncated to the yen;
    0 when paid on or before the due date.
    """
    require_yen("principal", principal)
    days = late_interest_days(profile, due, paid)
    terms = profile.late_interest
    amount = exact(principal) * exact(terms.annual_rate) * days / terms.year_days
    return round_yen(amount, "floor")


# -- dunning ------------------------------------------------------------------------------


def final_demand_dates(
    profile: TermsProfile,
    company_calendar: BusinessCalendar,
    bank_calendar: BusinessCalendar,
    issued_on: date,
    days: int,
) -> tuple[date, date]:
    """(the day to pay by, the day the suspension starts) that a 催告書 issued on ``issued_on``
    names, ``days`` after it.

    SH §23.1(1) / SC §24.1(8): non-payment may suspend the service; SH §23.2: the customer is
    told the start date beforehand. Decision (docs/decisions.md, 督促): the suspension starts
    ``days`` after the letter, moved to the next company business day (the office stops a
    service on a day it works); the customer pays by the day before it, moved as the terms move
    a transfer's due date (SC §10.1: to the previous bank business day), never before the
    letter's own day.
    """
    require_date("issued_on", issued_on)
    _require_calendar("company_calendar", company_calendar)
    _require_calendar("bank_calendar", bank_calendar)
    if isinstance(days, bool) or not isinstance(days, int):
        raise ArgumentTypeError(f"days は int のはずです ({days!r} は {type(days).__name__})")
    if days < 1:
        raise ValueError(f"days は 1 以上のはずです ({days})")
    suspension_on = company_calendar.on_or_after(issued_on + timedelta(days=days))
    pay_by = _roll(bank_calendar, suspension_on - timedelta(days=1), profile.schedule.transfer_roll)
    return max(pay_by, issued_on), suspension_on


def failed_debit_due_date(
    profile: TermsProfile, bank_calendar: BusinessCalendar, result_day: date, pay_days: int
) -> date:
    """When an invoice whose direct debit failed (振替不能) is due by bank transfer instead.

    The office asks for payment ``pay_days`` after the day it learns of the failure (its
    setting, 設定 → 口座振替); the day is a transfer due date, so it rolls as SC §10.1 rolls
    one (a bank non-business day moves to the previous bank business day). SH §29 leaves it
    to the office, which applies the same schedule.
    """
    require_date("result_day", result_day)
    _require_calendar("bank_calendar", bank_calendar)
    if isinstance(pay_days, bool) or not isinstance(pay_days, int) or pay_days < 1:
        raise ValueError(f"pay_days は1以上の整数です ({pay_days!r})")
    return _roll(bank_calendar, result_day + timedelta(days=pay_days), profile.schedule.transfer_roll)


# -- deposits -----------------------------------------------------------------------------


def deposit_required(profile: TermsProfile, monthly_charges: int) -> bool:
    """Whether a deposit 利用保証金 may be asked for.

    SC §9.10: when the monthly charges per ID exceed 30,000 yen (strictly more). Whether the
    charges are *expected* to exceed it is the clerk's judgment, not computed here. SH has no
    deposit rule.
    """
    terms = _section(profile, profile.deposit, "利用保証金", "SC §9.10")
    require_yen("monthly_charges", monthly_charges)
    return monthly_charges > terms.monthly_threshold

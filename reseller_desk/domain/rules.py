"""The business rules of the terms of service, as pure functions of a terms profile.

Every function reads what differs between the terms from the profile's fields
(:mod:`reseller_desk.domain.terms`); none looks at which provider a profile belongs to. Each
docstring cites the clauses it implements ("SC §N" and "SH §N"); the reading of those clauses
and the decisions taken where the texts are silent are in docs/decisions.md.

Money is ``int`` yen, rates are ``Decimal``, dates are ``datetime.date``. A rule that a profile
does not have raises :class:`RuleNotApplicable`; a bad value raises ``ValueError``; a wrong
type raises :class:`~reseller_desk.domain.money.ArgumentTypeError`, a ``TypeError`` (a
programming error that no ``except ValueError`` may swallow).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.money import (
    ArgumentTypeError,
    exact,
    require_date,
    require_rate,
    require_yen,
    round_yen,
    yen_at_rate,
)
from reseller_desk.domain.money_rules import (
    deposit_required,
    failed_debit_due_date,
    final_demand_dates,
    late_interest,
    late_interest_days,
)
from reseller_desk.domain.rule_basics import (
    RuleNotApplicable,
    _day_in_month,
    _first_of_month,
    _last_of_month,
    _next_month,
    _require_calendar,
    _roll,
    _section,
)
from reseller_desk.domain.terms import (
    CancellationCutoff,
    CancellationEffective,
    FirstBillableMonth,
    TermsProfile,
)

__all__ = [
    "RuleNotApplicable",
    "cancellation_cutoff",
    "cancellation_date",
    "cancellation_month_problem",
    "consumption_tax",
    "debit_date",
    "deposit_required",
    "earliest_cancellation_month",
    "ends_within_minimum_term",
    "final_demand_dates",
    "failed_debit_due_date",
    "first_billable_month",
    "invoice_issue_deadline",
    "late_interest",
    "late_interest_days",
    "late_return_months",
    "late_return_penalty",
    "last_billable_month",
    "outage_claim_deadline",
    "outage_credit",
    "replacement_penalty",
    "replacement_return_deadline",
    "succession_deadline",
    "transfer_due_date",
]


# -- billing and tax ----------------------------------------------------------------------


def first_billable_month(
    profile: TermsProfile, registered_on: date, opened_on: date | None = None
) -> date:
    """The 1st of the first month that is billed in full.

    SC §9.2: fees run from the first day of the month after the registration date 登録日.
    SH §17, §28.2, §28.4: fees run from the usage start date 開通日 (the day the number is
    opened) and that whole month is billed, so ``opened_on`` is required.
    ``opened_on`` earlier than ``registered_on`` is refused as inconsistent.
    """
    require_date("registered_on", registered_on)
    if opened_on is not None:
        require_date("opened_on", opened_on)
        if opened_on < registered_on:
            raise ValueError(
                f"開通日 opened_on ({opened_on}) が登録日・承諾日 registered_on "
                f"({registered_on}) より前です"
            )
    rule = profile.billing.first_billable_month
    if rule is FirstBillableMonth.MONTH_AFTER_REGISTRATION:
        return _next_month(registered_on)
    if opened_on is None:
        raise ValueError(
            f"{profile.name} では課金開始月は開通日の月です ({profile.billing.clause}): "
            "opened_on (開通日) が必要です"
        )
    return _first_of_month(opened_on)


def consumption_tax(profile: TermsProfile, taxable_total: int, rate: Decimal) -> int:
    """Consumption tax on ``taxable_total`` yen at ``rate``, rounded once.

    SC §12: a fraction of a yen is rounded up (切り上げ). SH §28.5: truncated (切り捨て).
    One rounding per tax rate over the whole invoice (docs/decisions.md §5, インボイス制度).
    """
    require_yen("taxable_total", taxable_total)
    require_rate("rate", rate)
    return yen_at_rate(taxable_total, rate, profile.tax.rounding)


# -- cancellation -------------------------------------------------------------------------


def cancellation_cutoff(
    profile: TermsProfile, company_calendar: BusinessCalendar, desired_month: date
) -> date:
    """The last day to apply for a cancellation in ``desired_month`` (any day of that month).

    SC §23: the last day of the month before the desired month (解約締め日); when that day is
    a 弊社休業日, the previous company business day.
    SH §26.1: the last day of the desired month itself (not moved: the text says nothing of
    non-business days).
    """
    require_date("desired_month", desired_month)
    _require_calendar("company_calendar", company_calendar)
    terms = profile.cancellation
    if terms.cutoff is CancellationCutoff.END_OF_MONTH_BEFORE_DESIRED:
        day = _first_of_month(desired_month) - timedelta(days=1)
    else:
        day = _last_of_month(desired_month)
    return _roll(company_calendar, day, terms.cutoff_roll)


def cancellation_date(
    profile: TermsProfile,
    company_calendar: BusinessCalendar,
    requested_on: date,
    desired_month: date | None = None,
) -> date:
    """The day the contract is cancelled for a request received on ``requested_on``.

    SC §23: the contract ends on the last day of the desired month when the request arrives
    by that month's cutoff (:func:`cancellation_cutoff`); a later request ends at the end of
    the earliest month whose cutoff it still meets. ``desired_month`` is any day of the
    month; ``None`` or a month earlier than possible means the earliest possible month.
    SH §26.1: the contract is cancelled on the day the request is received (解約受付日),
    whatever month was asked for.
    """
    require_date("requested_on", requested_on)
    _require_calendar("company_calendar", company_calendar)
    if desired_month is not None:
        require_date("desired_month", desired_month)
    if profile.cancellation.effective is CancellationEffective.REQUEST_DAY:
        return requested_on
    month = _first_of_month(requested_on)
    if desired_month is not None and desired_month > month:
        month = _first_of_month(desired_month)
    while cancellation_cutoff(profile, company_calendar, month) < requested_on:
        month += relativedelta(months=1)
    return _last_of_month(month)


def earliest_cancellation_month(
    profile: TermsProfile, company_calendar: BusinessCalendar, requested_on: date
) -> date:
    """The 1st of the earliest month a request received on ``requested_on`` can end the
    contract in: SC §23, the first month whose cutoff it still meets; SH §26.1, the month of
    the request (the contract is cancelled on the day it is received)."""
    return _first_of_month(cancellation_date(profile, company_calendar, requested_on))


def cancellation_month_problem(
    profile: TermsProfile, company_calendar: BusinessCalendar, requested_on: date, desired_month: date
) -> str | None:
    """Why the contract cannot end in ``desired_month`` (any day of it) for a request received
    on ``requested_on``, in Japanese with the earliest possible month; None when it can.

    SC §23: a month whose cutoff (:func:`cancellation_cutoff`) the request missed is refused;
    a later month is accepted. SH §26.1: the contract is cancelled on the day the request is
    received, so only that month can be asked for."""
    require_date("desired_month", desired_month)
    earliest = earliest_cancellation_month(profile, company_calendar, requested_on)
    month = _first_of_month(desired_month)
    if profile.cancellation.effective is CancellationEffective.REQUEST_DAY:
        if month == earliest:
            return None
        return (f"この契約は解約の受付日（{japanese_date(requested_on)}）に解約となるため、"
                f"解約月は{earliest.year}年{earliest.month}月です。")
    if month >= earliest:
        return None
    cutoff = cancellation_cutoff(profile, company_calendar, month)
    return (f"{month.year}年{month.month}月末の解約は、申込の締め日（{japanese_date(cutoff)}）を過ぎているため"
            f"できません。最も早くて{earliest.year}年{earliest.month}月末の解約です。")


def last_billable_month(effective_on: date) -> date:
    """The 1st of the last month billed for a contract that ends on ``effective_on`` (the
    :func:`cancellation_date` of a customer's cancellation, or the day a termination by the
    company takes effect): that day's month, billed whole, nothing prorated or refunded
    (SC §6.5, §23, §24.2; SH §26, §28.4; terms-rules.md §4, decisions)."""
    require_date("effective_on", effective_on)
    return _first_of_month(effective_on)


def ends_within_minimum_term(minimum_term_months: int, first_billable: date, last_billable: date) -> bool:
    """Whether a contract billed from ``first_billable`` to ``last_billable`` (months, any day
    of each) ends inside its plan's minimum usage period, which then owes the plan's
    early-termination fee 契約解除料 (SH §18, for a cancellation under §26, §27 or §36).

    Decision: the period is counted in billed months from the first billable month; a contract
    billed for fewer months than ``minimum_term_months`` ends inside it. SC's minimum of one
    month (§6.5) is always met."""
    require_date("first_billable", first_billable)
    require_date("last_billable", last_billable)
    if isinstance(minimum_term_months, bool) or not isinstance(minimum_term_months, int):
        raise ArgumentTypeError(f"minimum_term_months must be an int, not {type(minimum_term_months).__name__}")
    if minimum_term_months < 0:
        raise ValueError("minimum_term_months must not be negative")
    first, last = _first_of_month(first_billable), _first_of_month(last_billable)
    billed = (last.year - first.year) * 12 + last.month - first.month + 1
    return billed < minimum_term_months


# -- rental equipment and replacements ----------------------------------------------------


def late_return_months(deadline: date, returned_on: date) -> int:
    """Months of delay in returning rented equipment, a part of a month counted whole.

    SH §13.5: from the day after the deadline until the return is complete; 1カ月以内の日数
    は切り上げ1カ月. Month k runs from (deadline + (k−1) months) + 1 day to deadline + k months,
    each counted from the original deadline by calendar months (docs/decisions.md §9).
    0 when returned on or before the deadline.
    """
    require_date("deadline", deadline)
    require_date("returned_on", returned_on)
    if returned_on <= deadline:
        return 0
    # deadline + k months lies in month (deadline.month + k); for every k below the month
    # difference it lies in an earlier month than returned_on, so start there.
    months_apart = (returned_on.year - deadline.year) * 12 + returned_on.month - deadline.month
    k = max(1, months_apart)
    while deadline + relativedelta(months=k) < returned_on:
        k += 1
    return k


def late_return_penalty(
    profile: TermsProfile, monthly_charges: int, deadline: date, returned_on: date
) -> int:
    """Late-return damages: months of delay × multiplier × monthly charges (yen).

    SH §13.4–5: twice the monthly charges (1カ月当たりの料金等の2倍) per month of delay, a part
    of a month counted whole, no daily proration. SC has no rental-return rule.
    """
    terms = _section(profile, profile.rental_return, "貸与機器の返却遅延", "SH §13.5")
    require_yen("monthly_charges", monthly_charges)
    return late_return_months(deadline, returned_on) * terms.multiplier * monthly_charges


def replacement_return_deadline(profile: TermsProfile, received_on: date) -> date:
    """The last day to send back a unit replaced under warranty.

    SC §21.2: within 14 days of receiving the replacement (the receiving day not counted;
    the deadline is not moved off non-business days). SH has no such rule.
    """
    terms = _section(profile, profile.replacement, "保証交換品の返送期限", "SC §21.2")
    require_date("received_on", received_on)
    return received_on + timedelta(days=terms.return_days)


def replacement_penalty(profile: TermsProfile, sale_price: int, rate: Decimal) -> int:
    """The penalty for not returning a replaced unit in time (yen).

    SC §21.3: the unit's sale price at the time the contract was made plus consumption tax on
    it; the tax is rounded in the profile's direction (SC §12). SH has no such rule.
    """
    terms = _section(profile, profile.replacement, "保証交換品の未返送違約金", "SC §21.3")
    require_yen("sale_price", sale_price)
    require_rate("rate", rate)
    if not terms.penalty_includes_tax:
        return sale_price
    return sale_price + consumption_tax(profile, sale_price, rate)


# -- outages ------------------------------------------------------------------------------


def outage_credit(profile: TermsProfile, monthly_fee: int, outage_hours: int | Decimal) -> int:
    """Damages for a total outage: floor(floor(hours / 24) × monthly fee / 30) yen.

    SH §37.1: only when the service is wholly unusable for 24 hours or more in a row (counted
    from when the company learned of it); the hours divided by 24, truncated, times 1/30 of
    the monthly fee. Decision (docs/decisions.md §9): one truncation at the end. SC has no such
    rule (SC §32 caps damages instead).
    """
    terms = _section(profile, profile.outage, "障害時の損害賠償額", "SH §37.1")
    require_yen("monthly_fee", monthly_fee)
    if isinstance(outage_hours, bool) or not isinstance(outage_hours, (int, Decimal, Fraction)):
        raise ArgumentTypeError(
            f"outage_hours は int か Decimal のはずです ({outage_hours!r} は "
            f"{type(outage_hours).__name__})"
        )
    hours = exact(outage_hours)
    if hours < 0:
        raise ValueError(f"outage_hours は 0 以上のはずです ({outage_hours})")
    if hours < terms.minimum_hours:
        return 0
    units = int(hours // terms.unit_hours)
    return round_yen(Fraction(units * monthly_fee, terms.days_per_month), "floor")


def outage_claim_deadline(
    profile: TermsProfile, company_calendar: BusinessCalendar, event_on: date
) -> date:
    """The last day to claim outage damages.

    SH §37.5: 90 days after the event (the event day not counted); a last day on a Saturday,
    Sunday or holiday moves to the previous company business day. SC has no such rule.
    """
    terms = _section(profile, profile.outage, "損害賠償請求の期限", "SH §37.5")
    require_date("event_on", event_on)
    _require_calendar("company_calendar", company_calendar)
    return _roll(company_calendar, event_on + timedelta(days=terms.claim_days), terms.claim_roll)


# -- succession ---------------------------------------------------------------------------


def succession_deadline(
    profile: TermsProfile, company_calendar: BusinessCalendar, succeeded_on: date
) -> date:
    """The last day to notify a succession (地位の承継) with proof.

    SH §20.1: within 30 days of the succession date (not counted); a last day on a Saturday,
    Sunday or holiday moves to the previous company business day. SC has no such rule.
    """
    terms = _section(profile, profile.succession, "地位の承継の届出期限", "SH §20.1")
    require_date("succeeded_on", succeeded_on)
    _require_calendar("company_calendar", company_calendar)
    return _roll(company_calendar, succeeded_on + timedelta(days=terms.days), terms.roll)


# -- invoice, debit and transfer dates ----------------------------------------------------


def invoice_issue_deadline(profile: TermsProfile, usage_month: date) -> date:
    """The day by which the invoice for ``usage_month`` (any day of it) is issued.

    SC §10.2: by the 15th of the following month (not moved off non-business days).
    SH §29 leaves it to the office, which applies the same schedule (profile basis "office").
    """
    require_date("usage_month", usage_month)
    return _day_in_month(_next_month(usage_month), profile.schedule.invoice_issue_day)


def debit_date(
    profile: TermsProfile,
    bank_calendar: BusinessCalendar,
    usage_month: date,
    collection_day: int,
) -> date:
    """The direct-debit day for ``usage_month`` (any day of it).

    SC §10.1: a day the office names between the 25th and the last day of the following month
    (day 31 in a shorter month is its last day); on a non-business day, the next (bank)
    business day — which can fall in the month after, or in the next year.
    SH §29 leaves it to the office, which applies the same schedule.
    """
    require_date("usage_month", usage_month)
    _require_calendar("bank_calendar", bank_calendar)
    schedule = profile.schedule
    if isinstance(collection_day, bool) or not isinstance(collection_day, int):
        raise ArgumentTypeError(
            f"collection_day は int のはずです ({collection_day!r} は "
            f"{type(collection_day).__name__})"
        )
    if not schedule.debit_day_min <= collection_day <= schedule.debit_day_max:
        raise ValueError(
            f"collection_day は {schedule.debit_day_min} から {schedule.debit_day_max} "
            f"のはずです ({collection_day}; {schedule.clause})"
        )
    day = _day_in_month(_next_month(usage_month), collection_day)
    return _roll(bank_calendar, day, schedule.debit_roll)


def transfer_due_date(
    profile: TermsProfile, bank_calendar: BusinessCalendar, usage_month: date
) -> date:
    """The bank-transfer due date for ``usage_month`` (any day of it).

    SC §10.1: the last day of the following month; on a bank non-business day, the previous
    bank business day. SH §29 leaves it to the office, which applies the same schedule.
    """
    require_date("usage_month", usage_month)
    _require_calendar("bank_calendar", bank_calendar)
    day = _last_of_month(_next_month(usage_month))
    return _roll(bank_calendar, day, profile.schedule.transfer_roll)

"""What a month's invoice holds (terms-rules.md §4–5, decisions) — pure rules over values.

One invoice per billing account (a customer and a terms profile) and usage month M:
- the recurring lines of M for every contract billable in M: the plan's monthly fee × 回線数 and
  each option's monthly fee × its quantity, at the price in force in M, a 特約's price replacing
  it (SC §1.3), with no proration at start or end (SC §6.5, SH §28.4);
- the initial fees on the first billable month (SC §9.3; an option added later: on its first
  month);
- the one-time charges recorded for M, the call charges of M (one line per number), and the
  credit carried from an earlier invoice;
- tax computed once per rate over the whole invoice (消費税法施行令第70条の10) in the profile's
  direction (SC §12 切り上げ, SH §28.5 切り捨て), at the rate in force on M's last day;
- never below zero: what is left of the credits is carried to the next month (a 不課税 line
  次回へ繰越, brought in next month as 前回からの繰越).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from reseller_desk.domain import rules
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.contract_history import Composition, first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.tax import rate_on
from reseller_desk.domain.terms import TermsProfile

__all__ = [
    "BillLine", "LineKind", "NamedPrice", "Settlement", "Totals", "billable_in", "carried_in_line",
    "contract_lines", "due_date", "invoice_number", "issue_date", "last_day", "monthly_charges", "next_debit_date",
    "rental_line",
    "replacement_due_date", "reversed_lines", "settle", "usage_line", "MIN_DAYS_TO_PAY", "TRANSFER_FEE_NOTE",
]

#: SC §10.1, §11; SH §29.4: transfer fees are the customer's.
TRANSFER_FEE_NOTE = "振込手数料はお客様のご負担となります。"


class LineKind(StrEnum):
    """The invoice item words (after Kill Bill): what a line is."""

    RECURRING = "recurring"      # 月額（プラン・オプション）
    INITIAL = "initial"          # 初期費用 (SC §9.3)
    USAGE = "usage"              # 通話料
    FIXED = "fixed"              # 単発の請求 (one_time_charges)
    CREDIT_ADJ = "credit_adj"    # 値引き・訂正 (negative)
    CARRIED_IN = "carried_in"    # 前回からの繰越（クレジット, negative）
    CARRIED_OUT = "carried_out"  # 次回へ繰越 (what the credits left over, positive)

    @property
    def label(self) -> str:
        return {"recurring": "月額", "initial": "初期費用", "usage": "通話料", "fixed": "単発",
                "credit_adj": "値引き・訂正", "carried_in": "前回繰越", "carried_out": "次回繰越"}[self.value]


@dataclass(frozen=True)
class BillLine:
    """One line of an invoice. ``amount`` is yen before tax (tax is per invoice and rate);
    ``unit_amount`` None where a unit price means nothing (call charges: the count and total)."""

    kind: LineKind
    description: str
    quantity: int
    unit_amount: int | None
    amount: int
    tax_category: TaxCategory
    customer_code: str = ""              # the contract's カスタマID ("" for an account-level line)
    contract_id: int | None = None
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    source: str = ""                     # e.g. "one_time_charge", "usage", "invoice"
    source_id: int | None = None


@dataclass(frozen=True)
class NamedPrice:
    """A plan's or option's name and its price in force in the month billed."""

    name: str
    monthly_fee: int
    initial_fee: int


@functools.lru_cache(maxsize=256)
def last_day(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def billable_in(month: dt.date, first_billable: dt.date | None, last_billable: dt.date | None) -> bool:
    """Whether a contract is billed for ``month``: from its first billable month
    (``rules.first_billable_month``) to its last (or none yet), suspended months included."""
    month = first_of_month(month)
    if first_billable is None or month < first_billable:
        return False
    return last_billable is None or month <= last_billable


def _taxed(kind: LineKind, description: str, quantity: int, unit: int, *, code: str, contract_id: int | None,
           month: dt.date) -> BillLine:
    return BillLine(kind, description, quantity, unit, quantity * unit, TaxCategory.TAXABLE_10, code, contract_id,
                    month, last_day(month))


def contract_lines(profile: TermsProfile, month: dt.date, *, customer_code: str, contract_id: int | None,
                   composition: Composition, first_billable_month: dt.date, plan: NamedPrice,
                   options: Mapping[int, NamedPrice], option_first_months: Mapping[int, dt.date]) -> list[BillLine]:
    """The recurring and initial lines of one contract for ``month``, which must be billable.

    ``options``: option id → name and price in force in ``month``; ``option_first_months``:
    option id → the first month the contract held it (its initial fee goes on
    max(that month, the contract's first billable month))."""
    month = first_of_month(month)
    lines = []
    override = composition.plan_fee_override()
    agreement = next((a for a in composition.agreements if a.monthly_fee is not None and a.option_id is None), None)
    plan_text = f"{plan.name} 月額" + (f"（特約 {agreement.source}）" if override is not None and agreement else "")
    unit = plan.monthly_fee if override is None else override
    lines.append(_taxed(LineKind.RECURRING, plan_text, composition.lines, unit, code=customer_code,
                        contract_id=contract_id, month=month))
    initial_here = profile.billing.initial_fee_billed_with_first_month and month == first_billable_month
    if initial_here and plan.initial_fee:
        lines.append(_taxed(LineKind.INITIAL, f"{plan.name} 初期費用", composition.lines, plan.initial_fee,
                            code=customer_code, contract_id=contract_id, month=month))
    for option_id, quantity in composition.options:
        option = options[option_id]
        fee = composition.option_fee_override(option_id)
        text = f"{option.name} 月額" + ("（特約）" if fee is not None else "")
        lines.append(_taxed(LineKind.RECURRING, text, quantity, option.monthly_fee if fee is None else fee,
                            code=customer_code, contract_id=contract_id, month=month))
        first = max(option_first_months.get(option_id, month), first_billable_month)
        if profile.billing.initial_fee_billed_with_first_month and month == first and option.initial_fee:
            lines.append(_taxed(LineKind.INITIAL, f"{option.name} 初期費用", quantity, option.initial_fee,
                                code=customer_code, contract_id=contract_id, month=month))
    return lines


def usage_line(month: dt.date, *, customer_code: str, contract_id: int | None, phone_number: str, calls: int,
               amount: int) -> BillLine:
    """The call charges of one number for ``month``: one line with the call count and total, 課税10%.
    Calls given by カスタマID alone (no number) make the line 通話料（N通話）."""
    month = first_of_month(month)
    number = f" {phone_number}" if phone_number.strip() else ""
    return BillLine(LineKind.USAGE, f"通話料{number}（{calls:,}通話）", calls, None, amount,
                    TaxCategory.TAXABLE_10, customer_code, contract_id, month, last_day(month), "usage")


def rental_line(month: dt.date, *, customer_code: str, contract_id: int | None, model_name: str, serial: str,
                fee: int, rental_id: int | None) -> BillLine:
    """A unit lent in ``month`` (domain.equipment.rental_billed_in): its rent for the month,
    whole (no proration, terms-rules.md §4), 課税10%, a RECURRING line of its contract."""
    month = first_of_month(month)
    return BillLine(LineKind.RECURRING, f"機器レンタル {model_name}（{serial}）", 1, fee, fee, TaxCategory.TAXABLE_10,
                    customer_code, contract_id, month, last_day(month), "rental", rental_id)


def monthly_charges(lines: Iterable[BillLine]) -> int:
    """A contract's monthly charges (1カ月当たりの料金等): its recurring lines before tax (plan,
    options, rentals), the base of the late-return penalty (terms-rules.md §8, decision)."""
    return sum(line.amount for line in lines if line.kind is LineKind.RECURRING)


def carried_in_line(amount: int, from_number: str, source_id: int | None) -> BillLine:
    """The credit an earlier invoice carried forward (``amount`` > 0), brought in as a negative
    不課税 line (it was already taxed where it arose)."""
    return BillLine(LineKind.CARRIED_IN, f"前回からの繰越（請求書 {from_number}）", 1, -amount, -amount,
                    TaxCategory.OUTSIDE, source="invoice", source_id=source_id)


@dataclass(frozen=True)
class Totals:
    """Per rate the taxable total and its tax, the 非課税 and 不課税 totals, and the amount due."""

    taxable_10: int = 0
    tax_10: int = 0
    taxable_8: int = 0
    tax_8: int = 0
    exempt: int = 0
    outside: int = 0

    @property
    def total(self) -> int:
        return self.taxable_10 + self.tax_10 + self.taxable_8 + self.tax_8 + self.exempt + self.outside

    def negated(self) -> Totals:
        return Totals(-self.taxable_10, -self.tax_10, -self.taxable_8, -self.tax_8, -self.exempt, -self.outside)


@dataclass(frozen=True)
class Settlement:
    lines: tuple[BillLine, ...]
    totals: Totals
    carried_forward: int = 0     # yen of credit carried to the next month (a CARRIED_OUT line)


def _tax(profile: TermsProfile, base: int, category: TaxCategory, month: dt.date) -> int:
    """Tax once over the rate's whole base; a negative base (credits larger than the charges, or
    a credit invoice) is rounded on its magnitude in the profile's direction."""
    if base == 0:
        return 0
    magnitude = rules.consumption_tax(profile, abs(base), rate_on(category, last_day(month)))
    return magnitude if base >= 0 else -magnitude


_NO_SUMS = dict.fromkeys(TaxCategory, 0)


def totals_of(profile: TermsProfile, month: dt.date, lines: Iterable[BillLine]) -> Totals:
    sums = dict(_NO_SUMS)
    for line in lines:
        sums[line.tax_category] += line.amount
    t10, t8 = sums[TaxCategory.TAXABLE_10], sums[TaxCategory.REDUCED_8]
    return Totals(t10, _tax(profile, t10, TaxCategory.TAXABLE_10, month), t8,
                  _tax(profile, t8, TaxCategory.REDUCED_8, month), sums[TaxCategory.EXEMPT],
                  sums[TaxCategory.OUTSIDE])


def settle(profile: TermsProfile, month: dt.date, lines: Sequence[BillLine]) -> Settlement:
    """The invoice's totals; if the credits leave it below zero, a 次回へ繰越 line brings it to
    zero and that amount is carried to the next month."""
    totals = totals_of(profile, month, lines)
    if totals.total >= 0:
        return Settlement(tuple(lines), totals)
    carry = -totals.total
    out = BillLine(LineKind.CARRIED_OUT, "次回へ繰越（クレジット残高）", 1, carry, carry, TaxCategory.OUTSIDE)
    return Settlement((*lines, out), replace(totals, outside=totals.outside + carry), carry)


def reversed_lines(lines: Iterable[BillLine]) -> tuple[BillLine, ...]:
    """The lines of a credit invoice (適格返還請求書) that returns a whole invoice."""
    return tuple(replace(line, unit_amount=None if line.unit_amount is None else -line.unit_amount,
                         amount=-line.amount) for line in lines)


def issue_date(profile: TermsProfile, company: BusinessCalendar, month: dt.date, setting_day: int | None) -> dt.date:
    """The invoice's issue date for usage ``month``: by default the first company business day
    of M+1; with a day set in 設定, that day of M+1 on or after it on a business day. Never after
    ``rules.invoice_issue_deadline`` (SC §10.2: by the 15th)."""
    deadline = rules.invoice_issue_deadline(profile, month)
    start = first_of_month(month) + relativedelta(months=1)
    if setting_day is not None:
        start = start.replace(day=min(max(setting_day, 1), last_day(start).day))
    return min(company.on_or_after(start), deadline)


def due_date(profile: TermsProfile, bank: BusinessCalendar, month: dt.date, method: PaymentMethod,
             collection_day: int) -> dt.date:
    """口座振替: ``rules.debit_date`` with the office's collection day; 振込: ``rules.transfer_due_date``."""
    if method is PaymentMethod.DEBIT:
        return rules.debit_date(profile, bank, month, collection_day)
    return rules.transfer_due_date(profile, bank, month)


def next_debit_date(profile: TermsProfile, bank: BusinessCalendar, today: dt.date, collection_day: int) -> dt.date:
    """The first direct-debit day on or after ``today`` (:func:`due_date` of the usage month
    before today's, of today's, or of the next: the day may move into the month after on a
    bank holiday)."""
    this_month = first_of_month(today)
    for months in (-2, -1, 0):
        day = due_date(profile, bank, this_month + relativedelta(months=months), PaymentMethod.DEBIT, collection_day)
        if day >= today:
            return day
    return due_date(profile, bank, this_month + relativedelta(months=1), PaymentMethod.DEBIT, collection_day)


#: The fewest days between a replacement invoice's issue and its due date (docs/decisions.md,
#: corrections: the terms give a due date per usage month, never one days after the issue).
MIN_DAYS_TO_PAY = 10


def replacement_due_date(profile: TermsProfile, bank: BusinessCalendar, method: PaymentMethod,
                         original_due: dt.date | None, today: dt.date, collection_day: int) -> dt.date:
    """The due date of a replacement invoice issued ``today``: the original's when it is
    :data:`MIN_DAYS_TO_PAY` days away or more; else the due date (:func:`due_date`) of the usage
    month before today's, of today's month, or of the next, the first that far away."""
    floor = today + dt.timedelta(days=MIN_DAYS_TO_PAY)
    if original_due is not None and original_due >= floor:
        return original_due
    this_month = first_of_month(today)
    for month in (this_month - relativedelta(months=1), this_month):
        due = due_date(profile, bank, month, method, collection_day)
        if due >= floor:
            return due
    return due_date(profile, bank, this_month + relativedelta(months=1), method, collection_day)


def invoice_number(year: int, sequence: int) -> str:
    """Gapless per year (invoices and credit invoices share the series): 2026-000123."""
    return f"{year}-{sequence:06d}"

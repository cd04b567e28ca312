"""Japan's consumption tax rates by the day they are in force (消費税法, 軽減税率制度).

The rate of an invoice line is the one in force on the last day of the usage month (SC §12:
the rate in force on the month's closing date; SH §29.3: the rate then in force). Tax is
computed once per rate over the whole invoice (消費税法施行令第70条の10), in the profile's
direction (``rules.consumption_tax``); this module only says which rate a category has on a day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reseller_desk.domain.charges import TaxCategory

__all__ = ["TaxRateUnknown", "rate_on", "tax_month_problem", "FIRST_TAXABLE_DAY"]

#: From 2019-10-01 the standard rate is 10% and the reduced rate (軽減税率) 8%. Earlier rates
#: (8% standard from 2014-04-01, no reduced rate) are not billed by this app: an office that
#: moves in bills from its last closed month, never before October 2019.
_RATES: tuple[tuple[dt.date, dict[TaxCategory, Decimal]], ...] = (
    (dt.date(2019, 10, 1), {TaxCategory.TAXABLE_10: Decimal("0.10"), TaxCategory.REDUCED_8: Decimal("0.08")}),
)
FIRST_TAXABLE_DAY = _RATES[0][0]


class TaxRateUnknown(ValueError):
    """A day before the first rate this app knows."""


def rate_on(category: TaxCategory, day: dt.date) -> Decimal:
    """The rate of a taxable ``category`` in force on ``day`` (0 for 非課税 and 不課税)."""
    if not category.taxable:
        return Decimal(0)
    for since, rates in reversed(_RATES):
        if day >= since:
            return rates[category]
    raise TaxRateUnknown(f"{day.isoformat()} に適用する消費税率を知りません"
                         f"（{FIRST_TAXABLE_DAY.isoformat()} 以降の月を請求できます）")


def tax_month_problem(month: dt.date) -> str | None:
    """Why ``month`` (its first day) cannot be billed for its tax rate, or None."""
    if month < FIRST_TAXABLE_DAY:
        return (f"{FIRST_TAXABLE_DAY.year}年{FIRST_TAXABLE_DAY.month}月より前の月は請求できません"
                "（消費税率 10%・8% の施行前）")
    return None

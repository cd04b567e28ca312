"""Prices in 設定 with the month they take effect (terms-rules.md §4, decisions: a price change
takes effect from a month and never rewrites past months).

A plan or option has the price it was created with (``plans.monthly_fee`` / ``initial_fee``:
in force from the start) and, after that, price changes each from a month. The price of month M
is the latest change whose month is ≤ M, else the price it was created with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from reseller_desk.domain.contract_history import first_of_month

__all__ = ["Price", "PriceChange", "PricedItem", "price_in"]


class PricedItem(StrEnum):
    PLAN = "plan"
    OPTION = "option"


@dataclass(frozen=True)
class Price:
    monthly_fee: int
    initial_fee: int


@dataclass(frozen=True)
class PriceChange:
    """A new price of a plan or option from ``from_month`` (its first day) on."""

    item: PricedItem
    item_id: int
    from_month: dt.date
    monthly_fee: int
    initial_fee: int

    @property
    def price(self) -> Price:
        return Price(self.monthly_fee, self.initial_fee)


def price_in(month: dt.date, created_with: Price, changes: Iterable[PriceChange]) -> Price:
    """The price in force in ``month``: the latest change from a month ≤ ``month``."""
    month = first_of_month(month)
    in_force = [c for c in changes if c.from_month <= month]
    if not in_force:
        return created_with
    return max(in_force, key=lambda c: c.from_month).price

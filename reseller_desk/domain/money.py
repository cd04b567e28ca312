"""Whole-yen money and exact rounding, and the argument checks every rule shares.

Money is ``int`` yen. Rates are ``decimal.Decimal``. Intermediate results are exact
``fractions.Fraction`` values, rounded to a yen exactly once, in the direction the terms name
(切り上げ SC §12 / 切り捨て SH §28.5). A ``float`` is refused wherever money is computed.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "ArgumentTypeError",
    "Rounding",
    "exact",
    "require_date",
    "require_rate",
    "require_yen",
    "round_yen",
    "yen_at_rate",
]


class ArgumentTypeError(TypeError):
    """An argument of the wrong type (e.g. a ``float`` where yen or a rate is expected): a
    programming error, never a ``ValueError``, so that no ``except ValueError`` meant for a
    bad value can swallow it."""


class Rounding(StrEnum):
    """How a fraction of a yen is removed."""

    CEILING = "ceiling"  # 切り上げ (SC §12)
    FLOOR = "floor"  # 切り捨て (SH §28.5)


def require_yen(name: str, amount: object) -> int:
    """Return ``amount`` if it is a whole, non-negative number of yen; raise otherwise."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ArgumentTypeError(
            f"{name} は円単位の int のはずです ({amount!r} は {type(amount).__name__})"
        )
    if amount < 0:
        raise ValueError(f"{name} は 0 円以上のはずです ({amount})")
    return amount


def require_date(name: str, value: object) -> date:
    """Return ``value`` if it is a ``datetime.date`` (and not a ``datetime``, whose time and
    zone a rule about calendar days must not silently drop)."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ArgumentTypeError(
            f"{name} は datetime.date のはずです ({value!r} は {type(value).__name__})"
        )
    return value


def require_rate(name: str, rate: object) -> Decimal:
    """Return ``rate`` if it is a finite ``Decimal`` in [0, 1] (e.g. ``Decimal("0.10")``)."""
    if not isinstance(rate, Decimal):
        raise ArgumentTypeError(
            f"{name} は Decimal のはずです ({rate!r} は {type(rate).__name__}); "
            'Decimal("0.10") のように渡してください'
        )
    if not rate.is_finite():
        raise ValueError(f"{name} が有限の数ではありません ({rate})")
    if rate < 0 or rate > 1:
        raise ValueError(
            f'{name} は 0 以上 1 以下のはずです ({rate}); 10% は Decimal("0.10") と書きます'
        )
    return rate


def exact(value: int | Decimal | Fraction) -> Fraction:
    """An exact ``Fraction`` of an int, Decimal or Fraction; a ``float`` is refused."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, Fraction)):
        raise ArgumentTypeError(
            f"int・Decimal・Fraction のはずです ({value!r} は {type(value).__name__})"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"有限の数ではありません ({value})")
    return Fraction(value)


def yen_at_rate(amount: int, rate: Decimal, rounding: Rounding | str) -> int:
    """``amount`` yen × ``rate``, rounded once to a whole yen in the given direction: exact, in
    integers (the rate's own ratio), the same as :func:`round_yen` of the product."""
    direction = Rounding(rounding)
    numerator, denominator = rate.as_integer_ratio()
    product = amount * numerator
    if direction is Rounding.CEILING:
        return -(-product // denominator)
    return product // denominator


def round_yen(value: int | Decimal | Fraction, rounding: Rounding | str) -> int:
    """Round an exact amount of yen to a whole yen, once, in the given direction."""
    direction = Rounding(rounding)
    fraction = exact(value)
    if direction is Rounding.CEILING:
        return math.ceil(fraction)
    return math.floor(fraction)

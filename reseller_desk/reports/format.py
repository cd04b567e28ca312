"""How printed documents write yen and dates: ``¥1,980``, ``2026年11月22日``, ``2026年12月``.

Presentation only: no rounding, no tax, no business rule. Money is ``int`` yen everywhere in the
project (see ``domain/money.py``), so anything else is refused rather than printed wrongly.
"""

from __future__ import annotations

import datetime as dt

YEN_SIGN = "\u00a5"  # ¥ (the half-width yen sign, present in the IPAex fonts)


def yen(amount: int) -> str:
    """``yen(1980) -> "¥1,980"``, ``yen(0) -> "¥0"``, ``yen(-500) -> "-¥500"``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"yen amounts are int, not {type(amount).__name__}: {amount!r}")
    sign = "-" if amount < 0 else ""
    return f"{sign}{YEN_SIGN}{abs(amount):,}"


def _check_date(value: object) -> dt.date:
    if not isinstance(value, dt.date):
        raise TypeError(f"expected a datetime.date, not {type(value).__name__}: {value!r}")
    return value


def jp_date(value: dt.date) -> str:
    """``jp_date(date(2026, 11, 22)) -> "2026年11月22日"`` (Western year, no zero padding)."""
    d = _check_date(value)
    return f"{d.year}年{d.month}月{d.day}日"


def jp_month(value: dt.date) -> str:
    """``jp_month(date(2026, 12, 1)) -> "2026年12月"`` (the day is ignored)."""
    d = _check_date(value)
    return f"{d.year}年{d.month}月"

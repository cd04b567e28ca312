"""How printed documents write yen and dates (``¥1,980``, ``2026年11月22日``, ``2026年12月``),
postal codes, addresses and the form of address (御中 / 様).

Presentation only: no rounding, no tax, no business rule. Money is ``int`` yen everywhere in the
project (see ``domain/money.py``), so anything else is refused rather than printed wrongly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.notices import Addressee

IDEOGRAPHIC_SPACE = "\u3000"

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
    return japanese_date(_check_date(value))


def jp_month(value: dt.date) -> str:
    """``jp_month(date(2026, 12, 1)) -> "2026年12月"`` (the day is ignored)."""
    d = _check_date(value)
    return f"{d.year}年{d.month}月"


def postal(code: str) -> str:
    code = code.strip()
    return code if code.startswith("〒") else f"〒{code}"


def salutation(a: Addressee) -> str:
    """How the letter addresses the customer, on one line (the running header of page 2 uses
    the same words as the address block of page 1): a company's contact person 様, a company
    without one 御中, a person 様."""
    if a.is_corporate and a.contact_name:
        return f"{a.name}{IDEOGRAPHIC_SPACE}{contact_line(a)}"
    return f"{a.name}{IDEOGRAPHIC_SPACE}{'御中' if a.is_corporate else '様'}"


def contact_line(a: Addressee) -> str:
    """ご担当 総務部 山﨑 花子 様 (the department or title only when there is one)."""
    title = f"{a.contact_title}{IDEOGRAPHIC_SPACE}" if a.contact_title else ""
    return f"ご担当{IDEOGRAPHIC_SPACE}{title}{a.contact_name}{IDEOGRAPHIC_SPACE}様"


# where the street address ends and the building begins: right after the street number (its
# figures, 号 or 番地) and before the first character that cannot belong to it
_BUILDING_STARTS = re.compile(r"(?<=[0-9０-９号地])[\s\u3000]*(?=[^\s\u3000\-－‐−ー0-9０-９丁目番地号])")


def address_lines(address: str, fits: Callable[[str], bool]) -> list[str]:
    """The address as printed: one line if ``fits(line)`` says it fits, else the street and
    the building on two lines (at a space, or where the building's name begins), so that "4F"
    or "7F" never stands alone on a line."""
    address = address.strip()
    if fits(address):
        return [address]
    match = _BUILDING_STARTS.search(address)
    if match is None:
        spaces = list(re.finditer(r"[\s\u3000]+", address))
        match = spaces[-1] if spaces else None
    if match is None or match.start() == 0 or match.end() >= len(address):
        return [address]
    return [address[: match.start()].rstrip(), address[match.end():].lstrip()]

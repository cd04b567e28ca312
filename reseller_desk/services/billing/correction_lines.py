"""The lines of a replacement invoice (services.billing.corrections), as the correction dialog
edits them and as the correction checks them.

A replacement starts from the original's lines: the clerk changes a quantity, a unit price or a
description, removes a line or adds one with its tax category. Where a line has a unit price its
amount is quantity × unit price (:func:`edited_line` makes it so; :func:`line_problems` refuses
any other); a line without one (call charges: the count and the total) carries its amount. A
line may name only the contracts, カスタマID and sources the original's lines name: a correction
puts right what was billed, it bills nothing new to another contract. Each problem is keyed
``line<n>`` (n from 1, the dialog's row) or ``replacement`` for the whole.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.bounds import is_date, is_record_id, whole_number
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.text import clean_line, is_text

__all__ = ["DESCRIPTION_MAX_LENGTH", "MAX_AMOUNT", "MAX_LINES_PER_INVOICE", "MAX_QUANTITY", "added_line", "edited_line",
           "line_problems"]

#: A line's description (as a one-time charge's: its column holds 200).
DESCRIPTION_MAX_LENGTH = 200
#: A line's quantity: a count of lines, units or calls.
MAX_QUANTITY = 999_999
#: A line's amount and unit price, either sign (below ¥1,000,000,000: int4 on PostgreSQL).
MAX_AMOUNT = bounds.MAX_INCIDENT_AMOUNT
#: The most lines a replacement may have (a long invoice of the run has a few dozen).
MAX_LINES_PER_INVOICE = 500


def edited_line(line: BillLine, *, description: str, quantity: int, unit_amount: int | None,
                amount: int | None = None, tax_category: TaxCategory | None = None) -> BillLine:
    """``line`` with what the clerk typed: with a unit price, its amount is quantity × unit price;
    without one, ``amount`` (the line's own when None)."""
    total = quantity * unit_amount if unit_amount is not None else (line.amount if amount is None else amount)
    return replace(line, description=description, quantity=quantity, unit_amount=unit_amount, amount=total,
                   tax_category=line.tax_category if tax_category is None else tax_category)


def added_line(description: str, quantity: int, unit_amount: int, tax_category: TaxCategory) -> BillLine:
    """A line the clerk adds: a charge (単発), or a credit (値引き・訂正) when the price is negative."""
    kind = LineKind.CREDIT_ADJ if unit_amount < 0 else LineKind.FIXED
    return BillLine(kind, description, quantity, unit_amount, quantity * unit_amount, tax_category)


def _money(value: object) -> int | None:
    number = whole_number(value)
    return number if number is not None and abs(number) <= MAX_AMOUNT else None


def _day_problem(value: object, window: tuple[dt.date, dt.date]) -> bool:
    return value is not None and (not is_date(value) or not window[0] <= value <= window[1])  # type: ignore[operator]


def _line(value: object, original: Sequence[BillLine], window: tuple[dt.date, dt.date]) -> BillLine | str:
    """The line cleaned, or why it cannot be on the replacement."""
    if not isinstance(value, BillLine):
        return "明細の形式が正しくありません。"
    if not isinstance(value.kind, LineKind) or value.kind is LineKind.CARRIED_OUT:
        return "明細の種類が正しくありません（次回への繰越は自動で付きます）。"
    if not is_text(value.description) or not (description := clean_line(value.description)):
        return "内容を入力してください。"
    if len(description) > DESCRIPTION_MAX_LENGTH:
        return f"内容は{DESCRIPTION_MAX_LENGTH}文字以内にしてください（{len(description)}文字）。"
    quantity = whole_number(value.quantity)
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        return f"数量は1〜{MAX_QUANTITY:,}の整数にしてください。"
    unit = None if value.unit_amount is None else _money(value.unit_amount)
    amount = _money(value.amount)
    if (value.unit_amount is not None and unit is None) or amount is None:
        return f"単価と金額は±{MAX_AMOUNT:,}円以内の整数にしてください。"
    if unit is not None and amount != quantity * unit:
        return f"金額（{amount:,}円）が数量×単価（{quantity * unit:,}円）と一致しません。"
    if not isinstance(value.tax_category, TaxCategory):
        return "税区分を選んでください。"
    codes = {line.customer_code for line in original}
    contracts = {line.contract_id for line in original}
    sources = {(line.source, line.source_id) for line in original}
    if not isinstance(value.customer_code, str) or value.customer_code not in codes | {""}:
        return "元の請求書にないカスタマIDは指定できません。"
    if value.contract_id is not None and (not is_record_id(value.contract_id) or value.contract_id not in contracts):
        return "元の請求書にない契約は指定できません。"
    source = (value.source, value.source_id)
    if not isinstance(value.source, str) or not (value.source_id is None or is_record_id(value.source_id)) \
            or (source != ("", None) and source not in sources):
        return "元の請求書にない元データは指定できません。"
    if _day_problem(value.period_from, window) or _day_problem(value.period_to, window) or (
            value.period_from is not None and value.period_to is not None and value.period_from > value.period_to):
        return "期間が正しくありません。"
    return replace(value, description=description, quantity=quantity, unit_amount=unit, amount=amount)


def line_problems(lines: Sequence[object], original: Sequence[BillLine]) -> tuple[dict[str, str], tuple[BillLine, ...]]:
    """Each line's problem (``line<n>``: 「3行目: …」) and the lines cleaned."""
    if not lines:
        return {"replacement": "再発行する請求書に明細がありません。返還のみにするか、明細を入れてください。"}, ()
    if len(lines) > MAX_LINES_PER_INVOICE:
        return {"replacement": f"明細は{MAX_LINES_PER_INVOICE}行までです。"}, ()
    window = bounds.closure_window(clock.today())
    problems: dict[str, str] = {}
    cleaned: list[BillLine] = []
    for number, value in enumerate(lines, start=1):
        checked = _line(value, original, window)
        if isinstance(checked, str):
            problems[f"line{number}"] = f"{number}行目: {checked}"
        else:
            cleaned.append(checked)
    return problems, tuple(cleaned)

"""Reading one cell of the contract import (移行) file: dates, whole numbers, yen, the options
list and the 特約根拠, each as a value or a Japanese reason (never an exception).

Every cell arrives as text (the file reader formats an Excel date as YYYY-MM-DD). Widths are
folded (NFKC) first, so that 全角 digits, ／ and ＊ read as their half-width forms.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Generic, TypeVar

from reseller_desk.domain.contract_history import AgreementDocument
from reseller_desk.domain.text import clean_line

__all__ = ["Parsed", "agreement_source", "cell", "date_cell", "option_list", "whole_cell", "yen_cell"]

#: The longest value quoted back in a message (a cell may hold anything).
QUOTE_LENGTH = 20
#: 特約根拠's document number: its column (special_agreements.document_number).
DOCUMENT_NUMBER_MAX_LENGTH = 50

T = TypeVar("T")

_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_DIGITS = re.compile(r"\d{1,12}")


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A cell's value, or the reason it cannot be read (``value`` is then None)."""

    value: T | None = None
    problem: str | None = None


def cell(value: object) -> str:
    """A cell as one cleaned line (domain.text.clean_line); anything not text is empty."""
    return clean_line(value) if isinstance(value, str) else ""


def folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def quoted(text: str) -> str:
    """「…」 around a cell's text, cut to :data:`QUOTE_LENGTH` characters."""
    shown = text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH] + "…"
    return f"「{shown}」"


def date_cell(text: str, label: str) -> Parsed[dt.date]:
    """``2025-04-01`` or ``2025/4/1``; an empty cell is no date (None, no problem)."""
    if not text:
        return Parsed()
    found = _DATE.fullmatch(folded(text))
    if found is not None:
        try:
            return Parsed(dt.date(int(found[1]), int(found[2]), int(found[3])))
        except ValueError:
            pass
    return Parsed(problem=f"{label}{quoted(text)}は日付として読めません。YYYY-MM-DD か YYYY/MM/DD で入力してください。")


def whole_cell(text: str, label: str, minimum: int, maximum: int, unit: str = "") -> Parsed[int]:
    """A whole number from ``minimum`` to ``maximum`` (thousands separators allowed)."""
    digits = folded(text).replace(",", "")
    if unit:
        digits = digits.removeprefix("¥").removeprefix("\\").removesuffix(unit)
    if _DIGITS.fullmatch(digits):
        number = int(digits)
        if minimum <= number <= maximum:
            return Parsed(number)
    return Parsed(problem=f"{label}は{minimum:,}〜{maximum:,}{unit}の整数で入力してください（{quoted(text)}）。")


def yen_cell(text: str, label: str, maximum: int) -> Parsed[int]:
    """Whole yen from 0 to ``maximum`` (¥, 円 and commas allowed: ¥2,480, 2480円)."""
    return whole_cell(text, label, 0, maximum, "円")


def option_list(text: str, max_quantity: int) -> Parsed[tuple[tuple[str, int], ...]]:
    """``REC;FAX*2`` as ((code, quantity), …) in the file's order, codes as typed (folded).
    Separated by ``;`` (or ；), each optionally ``CODE*quantity``; the same code twice is refused."""
    if not text:
        return Parsed(())
    items: list[tuple[str, int]] = []
    for part in folded(text).split(";"):
        part = part.strip()
        if not part:
            continue
        code, star, amount = part.partition("*")
        code = code.strip()
        quantity = 1
        if star:
            number = whole_cell(amount.strip(), f"オプション{quoted(code)}の数", 1, max_quantity)
            if number.problem or number.value is None:
                return Parsed(problem=number.problem)
            quantity = number.value
        if not code:
            return Parsed(problem=f"オプション{quoted(part)}のコードがありません。「コード*数」で入力してください。")
        if any(code.casefold() == seen.casefold() for seen, _ in items):
            return Parsed(problem=f"オプション{quoted(code)}が2回あります。数は「{code}*2」のように書いてください。")
        items.append((code, quantity))
    return Parsed(tuple(items))


def agreement_source(text: str) -> Parsed[tuple[AgreementDocument, str]]:
    """``見積書 Q-2025-031`` as (document, number): one of 見積書・注文書・契約書 (SC §1.3), then
    its number."""
    text = folded(text)
    for document in AgreementDocument:
        if text.startswith(document.label):
            number = text[len(document.label):].strip(" 　:：")
            if not number:
                break
            if len(number) > DOCUMENT_NUMBER_MAX_LENGTH:
                return Parsed(problem=f"特約根拠の文書番号は{DOCUMENT_NUMBER_MAX_LENGTH}文字以内で入力してください。")
            return Parsed((document, number))
    labels = "・".join(d.label for d in AgreementDocument)
    return Parsed(problem=f"特約根拠は{labels}のどれかと、その番号で入力してください（例: 見積書 Q-2025-031）。")

"""The accountant's journals (仕訳): slips of debit and credit lines that must balance, and the
弥生会計 仕訳日記帳 import file they are written to (issue 12 "The accountant's journals";
the office's file-format reference (formats.md) §3). Pure: slips in, bytes out; the services build the month's
slips from invoices and payments, and the account names from 設定's mapping.

A 弥生 row has 25 columns, no header, Shift_JIS, CR LF (§3.2–3.3): 識別フラグ 2000 for a one-line
slip, 2110 / 2100 / 2101 for the first, middle and last lines of a multi-line one; タイプ 0
(仕訳データ) or 3 (振替伝票); 調整 ``no``. Every slip balances (debits = credits) or nothing is
written (:class:`JournalRefused` with the difference); a text cell starting with ``=``, ``+``,
``-``, ``@``, a tab or CR is neutralised with a leading ``'`` so that a spreadsheet does not run
it; a name Shift_JIS cannot hold is reported by row, never replaced.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NOT_TAXED", "JournalLine", "JournalRefused", "Slip", "encoding_problem", "neutralised", "refuse_unbalanced",
           "refuse_negative", "yayoi_file"]

#: 弥生's 税区分 for a line outside consumption tax (§3.4).
NOT_TAXED = "対象外"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class JournalRefused(ValueError):
    """A journal that cannot be written as a whole; ``row`` is the 1-based row at fault (0: the
    journal itself). The message is Japanese."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(f"{row}行目: {message}" if row else message)
        self.row = row
        self.reason = message


@dataclass(frozen=True)
class JournalLine:
    """One line of a slip: a debit side, a credit side, or both. An empty account is a side
    left blank (a multi-line slip's other lines carry it), written 対象外 and 0 (§3.5)."""

    debit_account: str = ""
    debit_amount: int = 0
    credit_account: str = ""
    credit_amount: int = 0
    debit_sub: str = ""
    debit_tax: str = NOT_TAXED
    debit_tax_amount: int | None = None
    credit_sub: str = ""
    credit_tax: str = NOT_TAXED
    credit_tax_amount: int | None = None
    memo: str = ""
    debit_partner: str = ""      # 取引先 (freee, MF); 弥生 has no column for it
    credit_partner: str = ""


@dataclass(frozen=True)
class Slip:
    """A 伝票: its date and lines; balanced when its debits equal its credits."""

    on: dt.date
    lines: tuple[JournalLine, ...]
    kind: int = 0            # 弥生 タイプ: 0 仕訳データ, 3 振替伝票
    memo: str = ""           # 仕訳メモ

    @property
    def debits(self) -> int:
        return sum(line.debit_amount for line in self.lines)

    @property
    def credits(self) -> int:
        return sum(line.credit_amount for line in self.lines)


def neutralised(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula (a leading ``'`` where it would)."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _flags(count: int) -> list[str]:
    if count == 1:
        return ["2000"]
    return ["2110", *(["2100"] * (count - 2)), "2101"]


def _amount(value: int | None) -> str:
    return "" if value is None else str(value)


def refuse_unbalanced(slip: Slip, row: int) -> None:
    """Refuse a slip whose debits and credits differ (``row``: its first row in the file)."""
    if slip.debits != slip.credits:
        difference = slip.debits - slip.credits
        raise JournalRefused(row, f"{slip.on:%Y/%m/%d} の仕訳の借方 {slip.debits:,}円 と"
                                  f"貸方 {slip.credits:,}円 が合いません（差 {difference:,}円）。")


def refuse_negative(line: JournalLine, row: int) -> None:
    """Refuse a line with an amount that is not a whole number of yen ≥ 0."""
    amounts = (line.debit_amount, line.credit_amount, line.debit_tax_amount or 0, line.credit_tax_amount or 0)
    if any(isinstance(a, bool) or not isinstance(a, int) or a < 0 for a in amounts):
        raise JournalRefused(row, "金額は0円以上の整数です（マイナスは貸借を入れ替えてください）。")


def encoding_problem(cells: Sequence[str], encoding: str, product: str) -> str | None:
    """Why a row's cells cannot be written in ``encoding`` (the first cell at fault), or None."""
    for cell in cells:
        try:
            cell.encode(encoding)
        except UnicodeEncodeError as error:
            bad = cell[error.start:error.end]
            return (f"「{cell}」の「{bad}」は Shift_JIS で書けません"
                    f"（{product}に取り込めません）。名前を直してください。")
    return None


def yayoi_file(slips: Sequence[Slip]) -> bytes:
    """The slips as a 弥生会計 仕訳日記帳 import file (Shift_JIS, CR LF, no header). Refused whole
    when a slip does not balance, an amount is negative, or a name cannot be written in
    Shift_JIS (each naming its row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    row = 0
    for slip in slips:
        if not slip.lines:
            continue
        refuse_unbalanced(slip, row + 1)
        for flag, line in zip(_flags(len(slip.lines)), slip.lines, strict=True):
            row += 1
            refuse_negative(line, row)
            cells = [flag, "", "", f"{slip.on:%Y/%m/%d}", neutralised(line.debit_account), neutralised(line.debit_sub),
                     "", line.debit_tax if line.debit_account else NOT_TAXED, str(line.debit_amount),
                     _amount(line.debit_tax_amount), neutralised(line.credit_account), neutralised(line.credit_sub), "",
                     line.credit_tax if line.credit_account else NOT_TAXED, str(line.credit_amount),
                     _amount(line.credit_tax_amount), neutralised(line.memo), "", "", str(slip.kind), "",
                     neutralised(slip.memo), "0", "0", "no"]
            problem = encoding_problem(cells, "cp932", "弥生会計")
            if problem:
                raise JournalRefused(row, problem)
            writer.writerow(cells)
    return out.getvalue().encode("cp932")

"""The accountant's files besides 弥生's (domain.journal.yayoi_file): freee 会計 仕訳インポート
(汎用形式, 32 columns, formats.md §4.1 (a)), マネーフォワード クラウド会計 仕訳帳インポート
(27 columns, §4.2) and a plain CSV with a header for any other ledger.

Every layout: a header row, CR LF; freee UTF-8 (as the vector; its encoding is [U]), MF
Shift_JIS (CP932, as the vector), the plain CSV UTF-8 with a BOM (a spreadsheet opens it as
UTF-8). Rows with the same 日付 and 伝票番号 / 取引No form one multi-line slip in freee and MF.
Each refuses a slip that does not balance, a negative amount and (MF) a name Shift_JIS cannot
hold, naming its line in the file (the header is line 1); text cells are neutralised
(domain.journal.neutralised) so that a spreadsheet does not run them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reseller_desk.domain.journal import (
    JournalLine,
    JournalRefused,
    Slip,
    encoding_problem,
    neutralised,
    refuse_negative,
    refuse_unbalanced,
    yayoi_file,
)
from reseller_desk.domain.journal_entries import Ledger

__all__ = ["CSV_HEADER", "FREEE_HEADER", "MF_HEADER", "csv_file", "file_problems", "freee_file", "journal_file",
           "mf_file"]

FREEE_HEADER = (
    "日付", "伝票番号", "決算整理仕訳", "借方勘定科目", "借方科目コード", "借方補助科目", "借方取引先",
    "借方取引先コード", "借方部門", "借方品目", "借方メモタグ", "借方セグメント1", "借方セグメント2", "借方セグメント3",
    "借方金額",
    "借方税区分", "借方税額", "貸方勘定科目", "貸方科目コード", "貸方補助科目", "貸方取引先", "貸方取引先コード",
    "貸方部門", "貸方品目", "貸方メモタグ", "貸方セグメント1", "貸方セグメント2", "貸方セグメント3", "貸方金額",
    "貸方税区分", "貸方税額", "摘要")

MF_HEADER = (
    "取引No", "取引日", "借方勘定科目", "借方補助科目", "借方部門", "借方取引先", "借方税区分", "借方インボイス",
    "借方金額(円)", "借方税額", "貸方勘定科目", "貸方補助科目", "貸方部門", "貸方取引先", "貸方税区分",
    "貸方インボイス", "貸方金額(円)", "貸方税額", "摘要", "仕訳メモ", "タグ", "MF仕訳タイプ", "決算整理仕訳",
    "作成日時", "作成者", "最終更新日時", "最終更新者")

CSV_HEADER = (
    "伝票番号", "日付", "借方勘定科目", "借方補助科目", "借方取引先", "借方税区分", "借方金額", "借方税額",
    "貸方勘定科目", "貸方補助科目", "貸方取引先", "貸方税区分", "貸方金額", "貸方税額", "摘要")


@dataclass(frozen=True)
class _Side:
    """One side of a line as the cells write it: blank throughout when the side is empty."""

    account: str
    sub: str
    partner: str
    tax: str
    amount: str
    tax_amount: str


def _sides(line: JournalLine, *, zero_tax: str) -> tuple[_Side, _Side]:
    def side(account: str, sub: str, partner: str, tax: str, amount: int, tax_amount: int | None) -> _Side:
        if not account:
            return _Side("", "", "", "", "", "")
        return _Side(neutralised(account), neutralised(sub), neutralised(partner), neutralised(tax), str(amount),
                     zero_tax if tax_amount is None else str(tax_amount))
    return (side(line.debit_account, line.debit_sub, line.debit_partner, line.debit_tax, line.debit_amount,
                 line.debit_tax_amount),
            side(line.credit_account, line.credit_sub, line.credit_partner, line.credit_tax, line.credit_amount,
                 line.credit_tax_amount))


def _freee_row(number: int, slip: Slip, line: JournalLine) -> list[str]:
    d, c = _sides(line, zero_tax="0")
    blank8 = [""] * 8
    return [f"{slip.on:%Y/%m/%d}", str(number), "", d.account, "", d.sub, d.partner, *blank8[:7], d.amount, d.tax,
            d.tax_amount, c.account, "", c.sub, c.partner, *blank8[:7], c.amount, c.tax, c.tax_amount,
            neutralised(line.memo)]


def _mf_row(number: int, slip: Slip, line: JournalLine) -> list[str]:
    d, c = _sides(line, zero_tax="0")
    return [str(number), f"{slip.on:%Y/%m/%d}", d.account, d.sub, "", d.partner, d.tax, "", d.amount, d.tax_amount,
            c.account, c.sub, "", c.partner, c.tax, "", c.amount, c.tax_amount, neutralised(line.memo),
            neutralised(slip.memo), "", "", "", "", "", "", ""]


def _csv_row(number: int, slip: Slip, line: JournalLine) -> list[str]:
    d, c = _sides(line, zero_tax="")
    return [str(number), f"{slip.on:%Y/%m/%d}", d.account, d.sub, d.partner, d.tax, d.amount, d.tax_amount,
            c.account, c.sub, c.partner, c.tax, c.amount, c.tax_amount, neutralised(line.memo)]


def _write(slips: Sequence[Slip], header: Sequence[str], row_of: Callable[[int, Slip, JournalLine], list[str]],
           encoding: str, product: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    row, number = 1, 0
    for slip in slips:
        if not slip.lines:
            continue
        number += 1
        refuse_unbalanced(slip, row + 1)
        for line in slip.lines:
            row += 1
            refuse_negative(line, row)
            cells = row_of(number, slip, line)
            problem = encoding_problem(cells, encoding, product) if encoding == "cp932" else None
            if problem:
                raise JournalRefused(row, problem)
            writer.writerow(cells)
    return out.getvalue().encode(encoding)


def freee_file(slips: Sequence[Slip]) -> bytes:
    """freee 会計 仕訳インポート (汎用形式): 32 columns with the header, UTF-8, CR LF."""
    return _write(slips, FREEE_HEADER, _freee_row, "utf-8", "freee会計")


def mf_file(slips: Sequence[Slip]) -> bytes:
    """マネーフォワード クラウド会計 仕訳帳インポート: 27 columns with the header, Shift_JIS, CR LF."""
    return _write(slips, MF_HEADER, _mf_row, "cp932", "マネーフォワード クラウド会計")


def csv_file(slips: Sequence[Slip]) -> bytes:
    """A plain journal CSV (one line per debit/credit pair, slips numbered): UTF-8 with BOM, CR LF."""
    return _write(slips, CSV_HEADER, _csv_row, "utf-8-sig", "CSV")


_WRITERS: dict[Ledger, tuple[Callable[[Sequence[Slip]], bytes], int]] = {
    Ledger.YAYOI: (yayoi_file, 0), Ledger.FREEE: (freee_file, 1), Ledger.MF: (mf_file, 1), Ledger.CSV: (csv_file, 1)}


def journal_file(ledger: Ledger, slips: Sequence[Slip]) -> bytes:
    """The slips in ``ledger``'s layout (refused whole: :class:`JournalRefused`)."""
    return _WRITERS[ledger][0](slips)


def file_problems(ledger: Ledger, slips: Sequence[Slip]) -> list[str]:
    """Every line of the file that cannot be written, each as 「N行目: …」 (empty: it can)."""
    write, header = _WRITERS[ledger]
    problems: list[str] = []
    line = header
    for slip in slips:
        if not slip.lines:
            continue
        try:
            write([slip])
        except JournalRefused as refused:
            problems.append(f"{line + refused.row - header}行目: {refused.reason}")
        line += len(slip.lines)
    return problems

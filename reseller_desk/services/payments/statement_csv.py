"""A bank's CSV statement read with the column mapping saved for that bank (issue 12 "Bank
transfers"; formats.md §2.4), and the mappings themselves.

The encoding is detected: UTF-8 (with or without BOM) when the bytes are valid UTF-8, else
Shift_JIS (cp932) — a cp932 statement of Japanese text is practically never valid UTF-8.
Money in only: a row whose amount column is empty (an outgoing row, such as 振込手数料) is
passed over. SBI writes a transfer's payer as 「振込＊<name>」: the 振込 prefix is dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

from reseller_desk.domain.text import clean_line

__all__ = ["DATE_FORMATS", "MAX_COLUMN", "CsvRow", "MappingDetails", "decode_statement", "mapping_problems",
           "read_csv_statement"]

#: The date formats a mapping may name (strptime), with how the screen shows them.
DATE_FORMATS = {"%Y/%m/%d": "2026/01/09", "%Y-%m-%d": "2026-01-09", "%Y%m%d": "20260109",
                "%Y年%m月%d日": "2026年1月9日", "%Y.%m.%d": "2026.01.09"}
#: Columns are counted from 1, up to this.
MAX_COLUMN = 50
#: The most header rows a mapping may skip.
MAX_HEADER_ROWS = 20
BANK_NAME_MAX_LENGTH = 50
#: 「振込＊ﾀｶﾊｼ」「振込 ﾀｶﾊｼ」「ﾌﾘｺﾐ ﾀｶﾊｼ」: what is before the payer's name in a 内容 column.
_TRANSFER_PREFIX = re.compile(r"^\s*(?:振込|ﾌﾘｺﾐ|フリコミ)\s*[＊*:：]?\s*")
_AMOUNT_NOISE = str.maketrans("", "", ",，円¥￥ 　\"")


@dataclass(frozen=True)
class MappingDetails:
    """How one bank's CSV reads: columns counted from 1; ``reference_column`` may be None."""

    bank_name: str
    date_column: int
    amount_column: int
    payer_column: int
    reference_column: int | None = None
    header_rows: int = 1
    date_format: str = "%Y/%m/%d"


@dataclass(frozen=True)
class CsvRow:
    row_no: int
    value_date: dt.date
    amount: int
    payer_name: str
    reference: str


def _column_problem(value: object, label: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_COLUMN:
        return f"{label}は 1〜{MAX_COLUMN} の列番号で入力してください。"
    return None


def mapping_problems(details: object) -> dict[str, str]:
    """Why a mapping as typed cannot be saved, by field (empty when it can)."""
    if not isinstance(details, MappingDetails):
        return {"bank_name": "銀行の列設定が正しく渡されていません。"}
    name = clean_line(details.bank_name) if isinstance(details.bank_name, str) else ""
    problems = {
        "bank_name": (None if name and len(name) <= BANK_NAME_MAX_LENGTH
                      else f"銀行名を{BANK_NAME_MAX_LENGTH}文字以内で入力してください。"),
        "date_column": _column_problem(details.date_column, "日付の列"),
        "amount_column": _column_problem(details.amount_column, "入金額の列"),
        "payer_column": _column_problem(details.payer_column, "振込依頼人名の列"),
        "reference_column": _column_problem(details.reference_column, "照会番号の列", optional=True),
        "header_rows": (None if isinstance(details.header_rows, int) and not isinstance(details.header_rows, bool)
                        and 0 <= details.header_rows <= MAX_HEADER_ROWS
                        else f"見出しの行数は 0〜{MAX_HEADER_ROWS} で入力してください。"),
        "date_format": (None if details.date_format in DATE_FORMATS
                        else "日付の形式は一覧から選んでください（" + "、".join(DATE_FORMATS.values()) + "）。"),
    }
    if not any(problems.values()):
        used = [details.date_column, details.amount_column, details.payer_column]
        if len(set(used)) < 3:
            problems["amount_column"] = "日付・入金額・振込依頼人名は別々の列にしてください。"
    return {k: v for k, v in problems.items() if v}


def decode_statement(data: bytes) -> str:
    """The text of a CSV statement: UTF-8 (BOM or not) if it is valid UTF-8, else cp932."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932", errors="strict")


def _amount(cell: str) -> int | None:
    text = cell.translate(_AMOUNT_NOISE)
    if not text or text == "-":
        return None
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"入金額「{cell[:20]}」が金額ではありません。")
    return int(text)


def read_csv_statement(data: bytes, mapping: MappingDetails) -> tuple[list[CsvRow], list[tuple[int, str]]]:
    """The money-in rows of a CSV statement and the problems (line, Japanese message)."""
    try:
        text = decode_statement(data)
    except UnicodeDecodeError:
        return [], [(0, "文字コードが UTF-8 でも Shift_JIS でもありません。銀行の CSV をそのまま選んでください。")]
    rows: list[CsvRow] = []
    problems: list[tuple[int, str]] = []
    needed = max(mapping.date_column, mapping.amount_column, mapping.payer_column, mapping.reference_column or 0)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            line = reader.line_num
            if line <= mapping.header_rows or not any(c.strip() for c in cells):
                continue
            if len(cells) < needed:
                problems.append((line, f"列が{len(cells)}列しかありません（{needed}列目まで必要です）。"))
                continue
            try:
                amount = _amount(cells[mapping.amount_column - 1])
                if amount is None:
                    continue          # not money in
                on = dt.datetime.strptime(cells[mapping.date_column - 1].strip(), mapping.date_format).date()
            except ValueError as error:
                shown = DATE_FORMATS.get(mapping.date_format, mapping.date_format)
                message = str(error) if "入金額" in str(error) else \
                    f"日付「{cells[mapping.date_column - 1][:20]}」が {shown} の形ではありません。"
                problems.append((line, message))
                continue
            payer = clean_line(_TRANSFER_PREFIX.sub("", cells[mapping.payer_column - 1]))
            reference = clean_line(cells[mapping.reference_column - 1]) if mapping.reference_column else ""
            rows.append(CsvRow(line, on, amount, payer[:100], reference[:30]))
    except csv.Error as error:
        problems.append((reader.line_num, f"CSV として読めません（{error}）。"))
    return rows, problems

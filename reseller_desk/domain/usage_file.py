"""The providers' usage file (通話料ファイル): one call per row, its columns, and each row read
and checked as data — never an exception (README 「通話料ファイルの形式 (call charges)」).

A header row naming the columns exactly (order free), then one call per row:

    電話番号   the number that called (03-1234-5678, 0312345678, +81312345678 …), or
    カスタマID  the contract's ID (C0001234) — at least one of the two columns, one filled a row
    日時      when the call began, Japan time: YYYY-MM-DD HH:MM[:SS] or YYYY/MM/DD HH:MM[:SS]
    発信先     the number called (digits; +, # and * kept; hyphens and spaces dropped)
    秒数      the call's length in seconds (whole, ≥ 0)
    金額      its charge in yen before tax (whole, ≥ 0; 課税10% on the invoice)

Pure: the bytes are decoded by the service (services.contracts.import_file's decoding, UTF-8
with or without BOM or Shift_JIS), the text parsed here. Whether a number or an ID belongs to a
contract on the call's day, whether the month is invoiced and whether a call was imported
before are the service's to ask the database (services.billing.usage); :func:`row_key` is the
call's identity there.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reseller_desk.domain.bounds import MAX_FEE
from reseller_desk.domain.import_cells import quoted, whole_cell
from reseller_desk.domain.lifecycle import normalized_number
from reseller_desk.domain.text import clean_line

__all__ = ["CALLED_AT", "COLUMNS", "CUSTOMER_CODE", "HEADER_ROW", "MAX_ROWS", "NUMBER", "Call", "SourceLine",
           "UsageProblem", "UsageTable", "check_rows", "month_label", "parse_usage_text", "row_key",
           "subscriber_number"]

NUMBER, CUSTOMER_CODE, CALLED_AT = "電話番号", "カスタマID", "日時"
DESTINATION, SECONDS, AMOUNT = "発信先", "秒数", "金額"
#: Every column of the file, as its header names them (their order in a file is free).
COLUMNS = (NUMBER, CUSTOMER_CODE, CALLED_AT, DESTINATION, SECONDS, AMOUNT)
#: Columns every file has; of 電話番号 and カスタマID at least one.
REQUIRED = (CALLED_AT, DESTINATION, SECONDS, AMOUNT)
#: The header is line 1; the first call is line 2.
HEADER_ROW = 1
#: The most calls one file may bring (a provider's month for a small office is tens of
#: thousands; 100,000 must import in reasonable time).
MAX_ROWS = 200_000
#: The longest call counted (a day: a longer one is a misread column).
MAX_SECONDS = 86_400
#: usage_records.destination's width.
DESTINATION_MAX_LENGTH = 30
#: The column the file's own faults (encoding, size, header) are reported in.
FILE = "ファイル"

_DATETIME = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?")
_SEPARATORS = re.compile(r"[\s\-‐－ー―()（）.]")
_DESTINATION = re.compile(r"\+?[0-9#*]{1,29}")
_CODE = re.compile(r"C\d{7}")


@dataclass(frozen=True)
class UsageProblem:
    """One fault: the line of the file (header = 1), the column, why (Japanese)."""

    row: int
    column: str
    reason: str


@dataclass(frozen=True)
class SourceLine:
    """A non-blank row of the file: the line it starts on, its cells by column, and the first
    column past the header that holds a value (None: none does)."""

    line: int
    cells: dict[str, str]
    beyond: int | None = None


@dataclass(frozen=True)
class UsageTable:
    """The file's text split: its header, its non-blank rows, and the faults of the file
    itself (line 1)."""

    header: tuple[str, ...]
    rows: tuple[SourceLine, ...]
    problems: tuple[UsageProblem, ...]


@dataclass(frozen=True)
class Call:
    """A row read: ``number`` (digits) or ``customer_code`` or both, when, where to, how long,
    what it cost (yen before tax)."""

    row: int
    number: str | None
    customer_code: str | None
    called_at: dt.datetime
    destination: str
    seconds: int
    amount: int

    @property
    def identity(self) -> tuple[object, ...]:
        """What makes two rows the same call (the contract aside, which the service finds)."""
        return (self.number, self.customer_code, self.called_at, self.destination, self.seconds, self.amount)


def month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def parse_usage_text(text: str) -> UsageTable:
    """The header and rows of a decoded file; a row numbered by the line it starts on (a quoted
    cell may hold a line break). A wrong header (a missing column, one not of the format, one
    twice) is a fault of line 1 and leaves no rows."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[SourceLine] = []
    header: tuple[str, ...] = ()
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not header:
                header = tuple(clean_line(c).lstrip("\ufeff") for c in cells)
                while header and not header[-1]:   # Excel leaves empty cells after the last column
                    header = header[:-1]
                problems = _header_problems(header)
                if problems:
                    return UsageTable(header, (), problems)
                continue
            if not any(c.strip() for c in cells):
                continue   # a blank row (a spreadsheet's trailing rows) is no call
            if len(rows) == MAX_ROWS:
                return UsageTable(header, (), (_file(f"一度に取り込めるのは {MAX_ROWS:,} 行までです。"
                                                     "ファイルを分けてください。"),))
            beyond = next((i for i in range(len(header), len(cells)) if cells[i].strip()), None)
            values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header)}
            rows.append(SourceLine(line, values, None if beyond is None else beyond + 1))
    except csv.Error as error:
        return UsageTable(header, (), (_file(f"CSV として読めません（{error}）。"),))
    if not header:
        return UsageTable((), (), (_file("ファイルが空です。1行目に見出し、2行目から通話を1行に1件ずつ"
                                         "入れてください。"),))
    return UsageTable(header, tuple(rows), ())


def _file(reason: str) -> UsageProblem:
    return UsageProblem(HEADER_ROW, FILE, reason)


def _header_problems(header: Sequence[str]) -> tuple[UsageProblem, ...]:
    problems = []
    for column in dict.fromkeys(header):
        if column not in COLUMNS:
            shown = quoted(column) if column else "（空の見出し）"
            reason = f"見出し{shown}は通話料ファイルの列ではありません。列は {'、'.join(COLUMNS)} です。"
            problems.append(UsageProblem(HEADER_ROW, column or FILE, reason))
        elif header.count(column) > 1:
            problems.append(UsageProblem(HEADER_ROW, column, f"見出し「{column}」が2回あります。"))
    for column in REQUIRED:
        if column not in header:
            problems.append(UsageProblem(HEADER_ROW, column, f"列「{column}」がありません。"
                                                             "見出しの行に入れてください。"))
    if NUMBER not in header and CUSTOMER_CODE not in header:
        problems.append(UsageProblem(HEADER_ROW, NUMBER, "列「電話番号」か「カスタマID」がありません。"
                                                      "どちらか（両方でも可）を見出しの行に入れてください。"))
    return tuple(problems)


def check_rows(rows: Iterable[SourceLine], month: dt.date, today: dt.date
               ) -> tuple[list[Call], list[UsageProblem]]:
    """Each row as a call of ``month`` (its first day), or its faults; a call that an earlier
    row already holds (the same number or ID, time, destination, length and amount) is a
    duplicate. The calls come back in the file's order, the faults by line."""
    calls: list[Call] = []
    problems: list[UsageProblem] = []
    seen: dict[tuple[object, ...], int] = {}
    for source in rows:
        line = source.line
        if source.beyond is not None:
            problems.append(UsageProblem(line, f"{source.beyond}列目", "見出しのない列に値があります。"))
            continue
        call, faults = _call(line, source.cells, month, today)
        if call is None:
            problems.extend(faults)
            continue
        first = seen.setdefault(call.identity, line)
        if first != line:
            problems.append(UsageProblem(line, CALLED_AT, f"{first}行目と同じ通話です（重複）。"))
            continue
        calls.append(call)
    return calls, problems


def _call(line: int, cells: dict[str, str], month: dt.date, today: dt.date) -> tuple[Call | None, list[UsageProblem]]:
    faults: list[UsageProblem] = []

    def fault(column: str, reason: str) -> None:
        faults.append(UsageProblem(line, column, reason))

    number = code = None
    typed_number = _folded(cells.get(NUMBER, ""))
    typed_code = _folded(cells.get(CUSTOMER_CODE, "")).upper()
    if typed_number:
        number = subscriber_number(typed_number)
        if number is None:
            fault(NUMBER, f"電話番号{quoted(typed_number)}は、0から始まる10桁か11桁の番号"
                          "（+81 から始まる形も可）で入力してください。")
    if typed_code:
        code = typed_code if _CODE.fullmatch(typed_code) else None
        if code is None:
            fault(CUSTOMER_CODE, f"カスタマID{quoted(typed_code)}は C と7桁の数字です（例: C0001234）。")
    if not typed_number and not typed_code:
        fault(NUMBER if NUMBER in cells else CUSTOMER_CODE, "電話番号かカスタマIDを入れてください。")

    typed_moment = _folded(cells[CALLED_AT])
    called_at = _moment(typed_moment)
    if called_at is None:
        fault(CALLED_AT, f"日時{quoted(typed_moment)}は読めません。"
                         "YYYY-MM-DD HH:MM（:SS）か YYYY/MM/DD HH:MM（:SS）で入力してください。")
    elif called_at.date().replace(day=1) != month:
        fault(CALLED_AT, f"日時 {called_at:%Y-%m-%d %H:%M} は{month_label(month)}の通話ではありません。")
    elif called_at.date() > today:
        fault(CALLED_AT, f"日時 {called_at:%Y-%m-%d %H:%M} は今日より後です。")

    destination = _SEPARATORS.sub("", _folded(cells[DESTINATION]))
    if not destination:
        fault(DESTINATION, "発信先（かけた先の番号）を入れてください。")
    elif not _DESTINATION.fullmatch(destination):
        fault(DESTINATION, f"発信先{quoted(destination)}は{DESTINATION_MAX_LENGTH - 1}桁までの番号で入力してください。")

    seconds = whole_cell(_folded(cells[SECONDS]), "秒数", 0, MAX_SECONDS, "秒")
    if seconds.problem:
        fault(SECONDS, seconds.problem)
    amount = whole_cell(_folded(cells[AMOUNT]), "金額", 0, MAX_FEE, "円")
    if amount.problem:
        fault(AMOUNT, amount.problem)
    if faults or called_at is None or seconds.value is None or amount.value is None:
        return None, faults
    return Call(line, number, code, called_at, destination, seconds.value, amount.value), []


def subscriber_number(text: str) -> str | None:
    """The number as stored (digits, 0312345678) from 03-1234-5678, ０３１２３４５６７８ or the
    international form +81312345678 / +81 (0)3-1234-5678; None when it is none of them."""
    folded = _SEPARATORS.sub("", _folded(text))
    if folded.startswith("+81"):
        rest = folded[3:]
        folded = rest if rest.startswith("0") else "0" + rest
    return normalized_number(folded)


def _folded(text: str) -> str:
    """A cell cleaned (domain.text.clean_line) and its widths folded (NFKC); a cell of plain
    printable ASCII, what a provider's system writes, has nothing to clean or fold."""
    if text.isascii() and text.isprintable():
        return text.strip()
    return unicodedata.normalize("NFKC", clean_line(text))


def _moment(text: str) -> dt.datetime | None:
    found = _DATETIME.fullmatch(text)
    if found is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in found.groups(default="0"))
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def row_key(contract_id: int, number: str, called_at: dt.datetime, destination: str, seconds: int,
            amount: int) -> str:
    """The SHA-256 that identifies a call in usage_records (its ``row_key``): the same call
    imported again, from the same file or another, has the same key and adds nothing."""
    text = "\x1f".join((str(contract_id), number, called_at.isoformat(timespec="seconds"), destination, str(seconds),
                        str(amount)))
    return hashlib.sha256(text.encode()).hexdigest()

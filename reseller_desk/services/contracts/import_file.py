"""Reading the file of the contract import (移行): CSV in UTF-8 (with or without BOM) or
Shift_JIS (cp932, what Excel writes on a Japanese Windows), told apart by decoding, or an Excel
.xlsx workbook (its first sheet, openpyxl in read-only mode). The header must be exactly the
columns of domain.contract_import (order free): unknown columns are refused by name, missing
ones named. Rows come back as text by column, numbered as the spreadsheet numbers them.

I/O, so not in domain/: the window and the CLI both read through here, then check and import
with services.contracts.importing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from reseller_desk.domain.contract_import import HEADER_ROW, RowError, SourceRow, header_errors
from reseller_desk.services.errors import ValidationFailed

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "ImportFile", "ImportRefused", "parse_import_file", "read_import_file"]

#: The most rows one file may bring in: an office's whole book of contracts is a few thousand.
MAX_ROWS = 20_000
#: The largest file read (a 20,000-row CSV is about 8 MB).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The longest cell kept (the longest column, 住所, holds 100; a cell of megabytes is cut so
#: that the check still says it is too long without keeping all of it).
MAX_CELL_LENGTH = 1000

UNREADABLE = ("ファイルの文字コードが読めません。CSV は UTF-8（BOM 付きも可）か Shift_JIS で保存してください"
              "（Excel なら「CSV UTF-8」か「CSV」で保存）。")


class ImportRefused(ValidationFailed):
    """Nothing was imported: every fault of the file as data (``row_errors``: row, column and
    reason), and as ValidationFailed's ``errors`` keyed "行 N 列 C"."""

    def __init__(self, row_errors: list[RowError] | tuple[RowError, ...], message: str = "") -> None:
        self.row_errors = tuple(row_errors)
        rows = {e.row for e in self.row_errors}
        super().__init__({f"行 {e.row} 列 {e.column}": e.message for e in self.row_errors},
                         message or f"{len(rows)}行に誤りがあるため、取り込みませんでした（何も取り込んでいません）。")


@dataclass(frozen=True)
class ImportFile:
    """A file read: its name (for the audit record and the 移行 events), its header and rows."""

    name: str
    header: tuple[str, ...]
    rows: tuple[SourceRow, ...]


def read_import_file(path: str | Path) -> ImportFile:
    """Read ``path`` (.xlsx by its name, CSV otherwise). ImportRefused for a file that cannot be
    read or whose header is wrong, naming what to fix."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024 // 1024
            raise _refused(f"ファイルが大きすぎます（{size:,} バイト）。{limit} MB までにしてください。")
        data = path.read_bytes()
    except OSError as error:
        raise _refused(f"ファイル {path.name} を読めません（{error.strerror or error}）。") from None
    return parse_import_file(path.name, data)


def parse_import_file(name: str, data: bytes) -> ImportFile:
    """The rows of a file's bytes; ``name`` says whether it is a workbook (.xlsx)."""
    table: list[list[object]] = _xlsx_rows(data) if name.lower().endswith((".xlsx", ".xlsm")) \
        else list(_csv_rows(data))
    if not table:
        raise _refused("ファイルが空です。1行目に見出し、2行目から契約を1行に1件ずつ入れてください。")
    header = tuple(_text(cell).strip().lstrip("\ufeff") for cell in table[0])
    while header and not header[-1]:   # Excel leaves empty cells after the last column
        header = header[:-1]
    errors = header_errors(header)
    if errors:
        raise ImportRefused(errors, "見出しの行が正しくないため、取り込みませんでした。")
    rows: list[SourceRow] = []
    for index, cells in enumerate(table[1:], start=HEADER_ROW + 1):
        values = [_text(cell)[:MAX_CELL_LENGTH] for cell in cells]
        if not any(v.strip() for v in values):
            continue   # a blank row (a spreadsheet's trailing rows) is no contract
        if len(rows) == MAX_ROWS:
            raise _refused(f"一度に取り込めるのは {MAX_ROWS:,} 件までです。ファイルを分けてください。")
        beyond = [v for v in values[len(header):] if v.strip()]
        if beyond:
            raise ImportRefused([RowError(index, f"{len(header) + 1}列目", "見出しのない列に値があります。")])
        rows.append(SourceRow(index, {column: (values[i] if i < len(values) else "")
                                      for i, column in enumerate(header)}))
    return ImportFile(name, header, tuple(rows))


def _refused(message: str) -> ImportRefused:
    return ImportRefused([RowError(HEADER_ROW, "ファイル", message)], message)


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped) when the bytes are UTF-8, else Shift_JIS (cp932: Windows' own,
    with ① and 髙); both strictly, so a file that is neither is refused, never garbled. A NUL
    byte is in no CSV of either (UTF-16, a binary file): refused before cp932, which would
    read almost any bytes."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:   # UTF-16 (Excel's Unicode text), binary
        raise _refused(UNREADABLE)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refused(UNREADABLE)


def _csv_rows(data: bytes) -> list[list[object]]:
    text = _decode(data)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise _refused(f"CSV として読めません（{error}）。") from None


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook  # ~0.2 s to import: only when a workbook is read

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as error:
        raise _refused(f"Excel のファイル（.xlsx）として読めません（{type(error).__name__}）。") from None
    try:
        rows: list[list[object]] = []
        filled = 0
        for row in book.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row))
            filled += any(cell is not None and str(cell).strip() for cell in row)
            if filled > MAX_ROWS + 1:   # the header, the most rows, and one more to refuse
                break
        return rows
    finally:
        book.close()


def _text(value: object) -> str:
    """A cell as text: a date (Excel keeps them as datetimes) as YYYY-MM-DD, a whole number
    without its ".0", nothing for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

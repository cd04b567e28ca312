"""A list of units to receive (一覧から入庫), pasted or from a CSV file, read and checked as data —
never an exception (issue 11).

Two forms, told apart by the first line:

- a CSV file with a header naming its columns (order free): 製造番号, MACアドレス (optional) and
  機種コード (optional: the model of each row; without it every row is of the model chosen);
- a pasted list, one unit a line: the serial alone, or ``serial<TAB>MAC`` / ``serial,MAC``
  (what a scanner or a spreadsheet's two columns paste).

Pure: the bytes of a file are decoded by the service (services.contracts.import_file's
decoding: UTF-8 with or without BOM, or Shift_JIS); whether a serial or a MAC is already on
file, and which model a code names, are the service's to ask the database
(services.equipment.stock).
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from reseller_desk.domain.equipment import mac_problem, normalise_mac, normalise_serial, serial_problem
from reseller_desk.domain.import_cells import folded
from reseller_desk.domain.text import clean_line

__all__ = ["COLUMNS", "MAC", "MAX_ROWS", "MODEL_CODE", "SERIAL", "StockLine", "StockTable", "check_lines",
           "parse_stock_text"]

SERIAL, MAC, MODEL_CODE = "製造番号", "MACアドレス", "機種コード"
#: The columns a CSV file may have; 製造番号 is required.
COLUMNS = (SERIAL, MAC, MODEL_CODE)
#: The most units one list receives: a delivery is a few hundred.
MAX_ROWS = 5_000
#: The longest cell kept (a serial is 40 characters at most; longer is cut but still refused).
MAX_CELL_LENGTH = 200
ONE_A_LINE = "1行に1台ずつ、製造番号（とMACアドレス）を入れてください。"


@dataclass(frozen=True)
class StockLine:
    """One unit of the list: its row (the line of the paste, or of the file, the header being
    1), what it says, normalised where it can be, and what is wrong with it."""

    row: int
    serial: str
    mac: str = ""
    model_code: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class StockTable:
    """The lines read; ``problem`` says why the whole list cannot be read (then no lines)."""

    lines: tuple[StockLine, ...]
    problem: str | None = None
    has_header: bool = False


def _cells(text: str) -> list[tuple[int, list[str]]]:
    """The list's rows, numbered by line: a line with a tab split on its tabs (a spreadsheet's
    columns pasted), else read as CSV (commas, quotes). Raises csv.Error."""
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        rows.append((number, line.split("\t") if "\t" in line else next(csv.reader([line]), [])))
    return rows


def parse_stock_text(text: str) -> StockTable:
    """The lines of a pasted list or a decoded CSV file, each checked on its own (serial, MAC);
    the duplicates within the list are :func:`check_lines`'."""
    try:
        rows = [(n, [clean_line(c)[:MAX_CELL_LENGTH] for c in cells]) for n, cells in _cells(text)]
    except csv.Error as error:
        return StockTable((), f"一覧として読めません（{error}）。{ONE_A_LINE}")
    rows = [(n, cells) for n, cells in rows if any(cells)]
    if not rows:
        return StockTable((), f"一覧が空です。{ONE_A_LINE}")
    header: tuple[str, ...] = ()
    first = [folded(c).lstrip("\ufeff") for c in rows[0][1]]
    if SERIAL in first:
        header = tuple(first)
        while header and not header[-1]:
            header = header[:-1]
        unknown = [c for c in header if c not in COLUMNS]
        if unknown:
            columns = "、".join(COLUMNS)
            return StockTable((), f"見出し「{unknown[0]}」は入庫の一覧の列ではありません。列は {columns} です。", True)
        twice = [c for c, n in Counter(header).items() if n > 1]
        if twice:
            return StockTable((), f"見出し「{twice[0]}」が2回あります。", True)
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        return StockTable((), f"一度に入庫できるのは {MAX_ROWS:,} 台までです。一覧を分けてください。", bool(header))
    return StockTable(tuple(_line(n, cells, header) for n, cells in rows), None, bool(header))


def _line(row: int, cells: Sequence[str], header: tuple[str, ...]) -> StockLine:
    if header:
        values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(header)}
        extra = any(c for c in cells[len(header):])
    else:
        values = {SERIAL: cells[0], MAC: cells[1] if len(cells) > 1 else ""}
        extra = any(c for c in cells[2:])
    serial_text, mac_text = values.get(SERIAL, ""), values.get(MAC, "")
    problems = []
    serial_fault = serial_problem(serial_text)
    if serial_fault:
        problems.append(serial_fault)
    mac_fault = mac_problem(mac_text)
    if mac_fault:
        problems.append(mac_fault)
    if extra:
        problems.append("列が多すぎます。製造番号とMACアドレスの2列までにしてください。" if not header
                        else "見出しのない列に値があります。")
    return StockLine(row, normalise_serial(serial_text) if not serial_fault else serial_text,
                     normalise_mac(mac_text) if not mac_fault else mac_text,
                     folded(values.get(MODEL_CODE, "")), tuple(problems))


def check_lines(lines: Sequence[StockLine]) -> tuple[StockLine, ...]:
    """The lines with the duplicates within the list added to their problems: a serial or a
    MAC given twice is refused on every row after the first, naming that row."""
    first_serial: dict[str, int] = {}
    first_mac: dict[str, int] = {}
    checked = []
    for line in lines:
        problems = list(line.problems)
        if line.serial and not serial_problem(line.serial):
            seen = first_serial.setdefault(line.serial, line.row)
            if seen != line.row:
                problems.append(f"製造番号 {line.serial} が一覧の{seen}行目と重複しています。")
        if line.mac and not mac_problem(line.mac):
            seen = first_mac.setdefault(line.mac, line.row)
            if seen != line.row:
                problems.append(f"MACアドレス {line.mac} が一覧の{seen}行目と重複しています。")
        checked.append(StockLine(line.row, line.serial, line.mac, line.model_code, tuple(problems)))
    return tuple(checked)

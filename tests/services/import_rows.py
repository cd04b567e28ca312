"""Rows of the contract import (移行) as an office's spreadsheet would hold them, and the files
that carry them: CSV in UTF-8, UTF-8 with BOM and Shift_JIS, and .xlsx. Dates are relative to
builders.TODAY (2026-11-20), which the tests pass as ``today`` (or freeze the clock at)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from reseller_desk.domain.contract_import import COLUMNS, SourceRow

KANA = "アイウエオカキクケコ"


def kana(n: int) -> str:
    return "".join(KANA[int(d)] for d in str(n))


def sc_row(n: int = 1, **changes: str) -> dict[str, str]:
    """A SimpleConnect contract of a company, 利用中, registered 2025-03-10, paid by transfer."""
    row = {
        "種別": "法人", "名称": f"株式会社テスト{n}", "フリガナ": f"カブシキガイシャテスト{kana(n)}", "郵便番号": "1010047",
        "住所": f"東京都千代田区内神田{n}-1-1", "電話番号": f"03-5{n % 1000:03d}-{n % 10000:04d}",
        "メールアドレス": f"info{n}@example.co.jp", "法人番号": "", "サービス": "simpleconnect", "プラン": "SC-BASIC",
        "オプション": "SC-REC", "回線数": "2", "特約月額": "", "特約根拠": "", "申込日": "2025-03-01",
        "登録日": "2025/03/10", "開通日": "", "支払方法": "振込", "銀行コード": "", "支店コード": "", "預金種目": "",
        "口座番号": "", "口座名義": "", "状態": "利用中", "解約日": "",
    }
    row.update(changes)
    return row


def sh_row(n: int = 1, **changes: str) -> dict[str, str]:
    """A 即日発番 contract of an individual, opened 2025-05-12, paid by direct debit."""
    row = {
        "種別": "個人", "名称": f"山田 太郎{n}", "フリガナ": f"ヤマダ タロウ{kana(n)}", "郵便番号": "530-0001",
        "住所": f"大阪府大阪市北区梅田{n}-1-1", "電話番号": f"090-1{n % 1000:03d}-{n % 10000:04d}",
        "メールアドレス": "", "法人番号": "", "サービス": "即日発番.com クラウドPBXサービス", "プラン": "SH-LIGHT",
        "オプション": "", "回線数": "1", "特約月額": "", "特約根拠": "", "申込日": "2025-05-01", "登録日": "",
        "開通日": "2025-05-12", "支払方法": "口座振替", "銀行コード": "0005", "支店コード": "021", "預金種目": "普通",
        "口座番号": "1234567", "口座名義": "ﾔﾏﾀﾞ ﾀﾛｳ", "状態": "利用中", "解約日": "",
    }
    row.update(changes)
    return row


#: What each status needs besides the row (解約予定 ends in the future, 解約済 in the past).
STATUS_CHANGES = {
    "開通待ち": {"開通日": ""},
    "利用中": {},
    "利用停止": {},
    "解約予定": {"解約日": "2027-01-31"},
    "解約済": {"解約日": "2026-06-30"},
}


def every_status_rows(count: int) -> list[dict[str, str]]:
    """``count`` rows alternating the two services across every status they allow (SC has no
    開通待ち), a few with a 特約, one customer holding two contracts."""
    rows = []
    statuses = list(STATUS_CHANGES)
    for n in range(1, count + 1):
        status = statuses[n % len(statuses)]
        if n % 2 and status != "開通待ち":
            row = sc_row(n, 状態=status, **STATUS_CHANGES[status])
        else:
            row = sh_row(n, 状態=status, **STATUS_CHANGES[status])
        if n % 7 == 0:
            row.update(特約月額="2,480", 特約根拠=f"見積書 Q-2025-{n:03d}")
        rows.append(row)
    if count >= 4:
        rows[3] = {**rows[1], "回線数": "5"}   # the customer of row 3 (spreadsheet row 3) again
    return rows


def source_rows(rows: Iterable[Mapping[str, str]]) -> list[SourceRow]:
    """The rows as the file reader gives them: spreadsheet rows 2, 3, …"""
    return [SourceRow(number, dict(row)) for number, row in enumerate(rows, start=2)]


def csv_bytes(rows: Iterable[Mapping[str, str]], encoding: str = "utf-8", columns: Iterable[str] = COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    names = list(columns)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return out.getvalue().encode(encoding)


def write_csv(path: Path, rows: Iterable[Mapping[str, str]], encoding: str = "utf-8",
              columns: Iterable[str] = COLUMNS) -> Path:
    path.write_bytes(csv_bytes(rows, encoding, columns))
    return path


def write_xlsx(path: Path, rows: Iterable[Mapping[str, str]]) -> Path:
    """A workbook as Excel keeps one: dates as date cells, 回線数 as a number."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    columns = list(reversed(COLUMNS))   # column order is free
    sheet.append(columns)
    for row in rows:
        cells: list[object] = []
        for name in columns:
            value: object = row.get(name, "")
            if name in ("申込日", "登録日", "開通日", "解約日") and value:
                value = dt.date.fromisoformat(str(value).replace("/", "-"))
            elif name == "回線数" and str(value).isdigit():
                value = int(str(value))
            cells.append(value if value != "" else None)
        sheet.append(cells)
    book.save(path)
    return path

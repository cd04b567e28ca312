"""The preview of a month's journal (services.payments.journals.build_journal) as a table: one
row per line of the file, in file order (the date on a slip's first line), amounts right-aligned,
and a last row with the totals (借方合計 = 貸方合計). A line the file cannot hold (a name
Shift_JIS cannot write) is painted red: the service names it 「N行目」 of the file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from reseller_desk.domain.journal import JournalLine
from reseller_desk.domain.journal_entries import Ledger
from reseller_desk.services.payments.journals import JournalExport
from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import ALIGN_CENTER, ERROR_COLOR, MONEY_ALIGNMENT, Column, format_date, format_yen

#: The file's lines before the first slip: 弥生's 仕訳日記帳 has no header (formats.md §3.2),
#: freee's, MF's and the plain CSV one header line each. Only to find 「N行目」 in the table.
HEADER_LINES = {Ledger.YAYOI: 0}
_LINE_NUMBER = re.compile(r"^(\d+)行目")
FAULT_BACKGROUND = "#ffebee"
TOTAL_BACKGROUND = "#eceff1"


@dataclass(frozen=True)
class PreviewRow:
    """A line of the file as the table shows it; ``total``: the totals row; ``fault``: the
    line cannot be written (its problem is the tooltip)."""

    on: dt.date | None
    debit: str
    debit_amount: int | None
    credit: str
    credit_amount: int | None
    memo: str
    debit_tax: str = ""
    credit_tax: str = ""
    problem: str = ""
    total: bool = False

    @property
    def fault(self) -> bool:
        return bool(self.problem)


def _account(name: str, sub: str) -> str:
    return f"{name}／{sub}" if name and sub else name


def _tax(category: str, amount: int | None, account: str) -> str:
    if not account:
        return ""
    return f"税区分: {category}" + (f"（消費税 {format_yen(amount)}）" if amount else "")


def problem_lines(problems: Iterable[str], ledger: Ledger) -> dict[int, str]:
    """The problems by the 0-based line of the slips they name (「N行目: …」 of the file)."""
    header = HEADER_LINES.get(ledger, 1)
    found: dict[int, str] = {}
    for problem in problems:
        match = _LINE_NUMBER.match(problem)
        if match:
            found.setdefault(int(match.group(1)) - 1 - header, problem)
    return found


def preview_rows(export: JournalExport, ledger: Ledger) -> list[PreviewRow]:
    """Every line of ``export``'s slips, then the totals row."""
    faults = problem_lines(export.problems, ledger)
    rows: list[PreviewRow] = []
    for slip in export.slips:
        for position, line in enumerate(slip.lines):
            rows.append(_row(line, slip.on if position == 0 else None, faults.get(len(rows), "")))
    difference = export.debit_total - export.credit_total
    rows.append(PreviewRow(None, "借方合計", export.debit_total, "貸方合計", export.credit_total,
                           "借方合計 = 貸方合計" if difference == 0 else f"差 {format_yen(difference)}", total=True))
    return rows


def _row(line: JournalLine, on: dt.date | None, problem: str) -> PreviewRow:
    return PreviewRow(on, _account(line.debit_account, line.debit_sub),
                      line.debit_amount if line.debit_account else None,
                      _account(line.credit_account, line.credit_sub),
                      line.credit_amount if line.credit_account else None, line.memo,
                      _tax(line.debit_tax, line.debit_tax_amount, line.debit_account),
                      _tax(line.credit_tax, line.credit_tax_amount, line.credit_account), problem)


COLUMNS: tuple[Column, ...] = (
    Column("on", "日付", 100, ALIGN_CENTER, lambda r: format_date(r.on)),
    Column("debit", "借方科目", 170),
    Column("debit_amount", "借方金額", 110, MONEY_ALIGNMENT, lambda r: format_yen(r.debit_amount)),
    Column("credit", "貸方科目", 170),
    Column("credit_amount", "貸方金額", 110, MONEY_ALIGNMENT, lambda r: format_yen(r.credit_amount)),
    Column("memo", "摘要", 360),
)


class JournalPreviewModel(RecordTableModel[PreviewRow]):
    """The preview's rows: a faulty line red, the totals row bold on grey; the tax category
    of an account is its cell's tooltip, a faulty line's problem the tooltip of every cell."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)

    def show_export(self, export: JournalExport, ledger: Ledger) -> None:
        self.set_records(preview_rows(export, ledger))

    def lines(self) -> Sequence[PreviewRow]:
        """The rows of the file (the totals row left out)."""
        return [r for r in self.records if not r.total]

    def totals(self) -> PreviewRow | None:
        return next((r for r in self.records if r.total), None)

    def tooltip(self, record: PreviewRow, column: Column) -> str | None:
        if record.problem:
            return record.problem
        if column.key == "debit" and record.debit_tax:
            return f"{record.debit}　{record.debit_tax}"
        if column.key == "credit" and record.credit_tax:
            return f"{record.credit}　{record.credit_tax}"
        return super().tooltip(record, column)

    def extra_data(self, record: PreviewRow, column: Column, role: int) -> Any:
        if record.fault and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(ERROR_COLOR))
        if role == Qt.ItemDataRole.BackgroundRole:
            if record.fault:
                return QBrush(QColor(FAULT_BACKGROUND))
            if record.total:
                return QBrush(QColor(TOTAL_BACKGROUND))
        if record.total and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

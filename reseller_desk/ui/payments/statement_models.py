"""The tables of 振込の取込と消込: a statement file's preview (each row with its problems beside
it), and the matcher's proposals of one group (一致 / 要確認 / 不明), each row with a check box
and the customer and invoices it will be applied to (the proposal's, or the clerk's choice)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.payer_match import MatchGroup
from reseller_desk.services.payments.matching import Confirmation, LineProposal
from reseller_desk.services.payments.statements import PreviewRow
from reseller_desk.ui.payments.models import CheckableModel
from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import ALIGN_CENTER, ERROR_COLOR, MONEY_ALIGNMENT, WARNING_COLOR, Column, format_date

LINE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Choice:
    """Whom a line will be applied to: the customer, and the invoices (None: the oldest open
    first, as the ledger does)."""

    customer_id: int
    customer_name: str
    invoice_ids: tuple[int, ...] | None
    invoice_numbers: tuple[str, ...] = ()

    @property
    def invoices_text(self) -> str:
        if self.invoice_ids is None:
            return "古い順"
        return "、".join(self.invoice_numbers) if self.invoice_ids else "（過入金として残す）"


def proposed_choice(p: LineProposal) -> Choice | None:
    """The proposal's own customer and invoices, when it names one customer."""
    if p.customer_id is None:
        return None
    return Choice(p.customer_id, p.customer_name, p.invoice_ids or None, p.invoice_numbers)


@dataclass(frozen=True)
class PreviewLine:
    """A line of the file in the preview: the row read (None: it could not be read) and its problems."""

    row_no: int
    row: PreviewRow | None
    problems: tuple[str, ...]


def preview_lines(rows: Iterable[PreviewRow], problems: Iterable[tuple[int, str]]) -> list[PreviewLine]:
    """The rows read and the lines that could not be read, in file order, each with its
    problems beside it (a problem of the whole file, line 0, is not a line)."""
    by_row: dict[int, list[str]] = {}
    for line, message in problems:
        if line > 0:
            by_row.setdefault(line, []).append(message)
    read = {r.row_no: r for r in rows}
    return [PreviewLine(n, read.get(n), tuple(by_row.get(n, ()))) for n in sorted(read.keys() | by_row.keys())]


def _cell(text: Any) -> Any:
    return lambda p: "" if p.row is None else text(p.row)


PREVIEW_COLUMNS = (
    Column("row_no", "行", 50, MONEY_ALIGNMENT, lambda p: str(p.row_no)),
    Column("value_date", "日付", 100, ALIGN_CENTER, _cell(lambda r: format_date(r.value_date))),
    Column("amount", "金額", 110, MONEY_ALIGNMENT, _cell(lambda r: f"¥{r.amount:,}")),
    Column("payer_name", "振込依頼人", 180, text=_cell(lambda r: r.payer_name)),
    Column("problems", "問題", 360, text=lambda p: " ".join(p.problems) if p.problems else "OK"),
)


class StatementPreviewModel(RecordTableModel[PreviewLine]):
    """A row at fault in red, its reasons in the last column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)

    def extra_data(self, record: PreviewLine, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and record.problems:
            return QBrush(QColor(ERROR_COLOR))
        return None


def _difference(p: LineProposal) -> str:
    if not p.difference:
        return ""
    return f"+¥{p.difference:,}" if p.difference > 0 else f"−¥{-p.difference:,}"


PROPOSAL_COLUMNS = (
    Column("value_date", "日付", 120, ALIGN_CENTER, lambda p: format_date(p.value_date)),   # with the check box
    Column("payer_name", "振込依頼人", 170),
    Column("amount", "金額", 110, MONEY_ALIGNMENT, lambda p: f"¥{p.amount:,}"),
    Column("customer", "顧客", 190),
    Column("invoices", "消込先", 190),
    Column("difference", "差額", 90, MONEY_ALIGNMENT, _difference),
    Column("reason", "確認すること", 260),
)


class ProposalModel(CheckableModel[LineProposal]):
    """One group's proposals. The first column's check box says whether 消込を確定 applies the
    line; ``choices`` (line id → Choice) says to whom, starting from the proposal's own."""

    def __init__(self, group: MatchGroup, parent: QObject | None = None) -> None:
        super().__init__(PROPOSAL_COLUMNS, parent)
        self.group = group
        self.choices: dict[int, Choice] = {}

    def key(self, record: LineProposal) -> int:
        return record.line_id

    def may_check(self, key: int) -> bool:
        return key in self.choices   # a line with no customer cannot be applied

    def set_records(self, records: Iterable[LineProposal]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.choices = {p.line_id: c for p in self.records if (c := proposed_choice(p)) is not None}
        self.checked = {p.line_id for p in self.records if self.group is MatchGroup.MATCHED}
        self.endResetModel()

    def choose(self, line_id: int, choice: Choice) -> None:
        """The clerk picked the customer (and invoices) of a line: it is checked."""
        row = self.row_of(line_id)
        if row is None:
            return
        self.choices[line_id] = choice
        self.checked.add(line_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def confirmations(self) -> list[Confirmation]:
        return [Confirmation(p.line_id, self.choices[p.line_id].customer_id, self.choices[p.line_id].invoice_ids,
                             p.line_version)
                for p in self.records if p.line_id in self.checked and p.line_id in self.choices]

    def display(self, record: LineProposal, column: Column) -> str:
        choice = self.choices.get(record.line_id)
        if column.key == "customer":
            return choice.customer_name if choice else "（未選択）"
        if column.key == "invoices":
            return choice.invoices_text if choice else ""
        return super().display(record, column)

    def tooltip(self, record: LineProposal, column: Column) -> str | None:
        if column.key == "customer" and len(record.candidates) > 1:
            return "候補: " + "、".join(name for _id, name in record.candidates)
        return super().tooltip(record, column)

    def extra_data(self, record: LineProposal, column: Column, role: int) -> Any:
        if role == LINE_ID_ROLE:
            return record.line_id
        if role == Qt.ItemDataRole.ForegroundRole and column.key in ("difference", "reason") and record.difference:
            return QBrush(QColor(WARNING_COLOR))
        return self.check_data(record, column, role)

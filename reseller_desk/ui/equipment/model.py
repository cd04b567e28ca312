"""The tables of the 機器 section: the units (one page of the service's list), the counts by
model and status, a unit's history, and the preview of a list to receive."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.equipment import UnitStatus
from reseller_desk.services.equipment.stock import PreviewRow
from reseller_desk.services.equipment.stock_list import HistoryRow, ModelCount, UnitRow
from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import ALIGN_CENTER, ERROR_COLOR, MONEY_ALIGNMENT, Column, format_date

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

UNIT_COLUMNS = (
    Column("serial_number", "製造番号", 150),
    Column("mac_address", "MAC", 140),
    Column("model", "機種", 180, text=lambda r: r.model_name),
    Column("kind", "種類", 80, text=lambda r: r.kind_label),
    Column("status", "状態", 80, ALIGN_CENTER, lambda r: r.status_label),
    Column("location", "場所", 140),
    Column("holder", "契約/顧客", 200, text=lambda r: r.holder),
    Column("received_on", "入庫日", 100, text=lambda r: format_date(r.received_on)),
)

#: The statuses of the 状態 filter, in the order of the state machine, after すべて.
STATUS_FILTERS: tuple[tuple[str, tuple[UnitStatus, ...]], ...] = (
    ("すべて", ()), *((status.label, (status,)) for status in UnitStatus))
#: Greyed: the unit has left the office's stock.
GONE = frozenset({UnitStatus.LOST, UnitStatus.DISPOSED})


class UnitTableModel(RecordTableModel[UnitRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(UNIT_COLUMNS, parent)

    def row_of(self, unit_id: int) -> int | None:
        return next((i for i, r in enumerate(self.records) if r.id == unit_id), None)

    def extra_data(self, record: UnitRow, column: Column, role: int) -> Any:
        if role == UNIT_ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ForegroundRole and record.status in GONE:
            return QBrush(QColor("#9e9e9e"))
        return None


def count_columns() -> tuple[Column, ...]:
    statuses = tuple(Column(status.value, status.label, 64, MONEY_ALIGNMENT,
                            lambda c, s=status: f"{c.counts.get(s, 0):,}" if c.counts.get(s) else "")
                     for status in UnitStatus)
    return (Column("model", "機種", 180, text=lambda c: c.name), *statuses,
            Column("total", "計", 64, MONEY_ALIGNMENT, lambda c: f"{c.total:,}"))


class CountsModel(RecordTableModel[ModelCount]):
    """機種 × 状態: each model's units by status, and its total."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(count_columns(), parent)


HISTORY_COLUMNS = (
    Column("on_date", "日付", 100, text=lambda h: format_date(h.on_date)),
    Column("action", "操作", 140, text=lambda h: h.action_label),
    Column("move", "状態", 140, text=lambda h: h.move_text),
    Column("customer_code", "契約", 100),
    Column("location", "場所", 140),
    Column("note", "メモ", 200),
    Column("recorded_by", "担当", 100),
)


class HistoryModel(RecordTableModel[HistoryRow]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HISTORY_COLUMNS, parent)


PREVIEW_COLUMNS = (
    Column("row", "行", 40, MONEY_ALIGNMENT, lambda r: str(r.row)),
    Column("serial", "製造番号", 130),
    Column("mac", "MAC", 130),
    Column("model_name", "機種", 150),
    Column("problems", "誤り", 540, text=lambda r: " ".join(r.problems) if r.problems else "OK"),
)


class PreviewModel(RecordTableModel[PreviewRow]):
    """The rows of a list to receive; a row at fault in red, its reasons in the last column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)

    def extra_data(self, record: PreviewRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and record.problems:
            return QBrush(QColor(ERROR_COLOR))
        return None

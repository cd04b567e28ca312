"""The tables of the 入金 section: the payments (入金一覧) and a customer's open invoices with a
check box each (the entry dialog, and the invoices of a statement line being matched)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.payments import PaymentKind
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.payments.queries import OpenInvoice, PaymentRow
from reseller_desk.ui.tables import Index, RecordTableModel
from reseller_desk.ui.widgets import ALIGN_CENTER, MONEY_ALIGNMENT, WARNING_COLOR, Column, format_date, month_text

PAYMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
R = TypeVar("R")


def _amount(row: PaymentRow) -> str:
    return f"¥{row.amount:,}" if row.amount >= 0 else f"−¥{-row.amount:,}"


def _kind(row: PaymentRow) -> str:
    return row.kind.label + ("（取消済）" if row.reversed_by_id is not None else "")


PAYMENT_COLUMNS = (
    Column("received_on", "日付", 100, ALIGN_CENTER, lambda r: format_date(r.received_on)),
    Column("customer_name", "顧客", 200),
    Column("method", "方法", 80, ALIGN_CENTER, lambda r: r.method.label),
    Column("kind", "種類", 110, ALIGN_CENTER, _kind),
    Column("amount", "金額", 120, MONEY_ALIGNMENT, _amount),
    Column("payer_name", "振込依頼人", 180),
    Column("applied_to", "消込先", 200, text=lambda r: r.applied_to),
    Column("recorded_by", "記録者", 100),
)


class PaymentTableModel(RecordTableModel[PaymentRow]):
    """入金一覧: a reversal and a refund in the warning colour, a reversed receipt greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(PAYMENT_COLUMNS, parent)

    def row_of(self, payment_id: int) -> int | None:
        return next((i for i, r in enumerate(self.records) if r.id == payment_id), None)

    def tooltip(self, record: PaymentRow, column: Column) -> str | None:
        if column.key == "kind" and record.note:
            return f"{record.kind.label}: {record.note}"
        return super().tooltip(record, column)

    def extra_data(self, record: PaymentRow, column: Column, role: int) -> Any:
        if role == PAYMENT_ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if record.kind is not PaymentKind.RECEIPT and column.key in ("kind", "amount"):
                return QBrush(QColor(WARNING_COLOR))
            if record.reversed_by_id is not None:
                return QBrush(QColor("#9e9e9e"))
        return None


OPEN_INVOICE_COLUMNS = (
    Column("number", "請求書番号", 125),
    Column("billing_month", "請求月", 90, ALIGN_CENTER, lambda i: month_text(i.billing_month)),
    Column("due_date", "支払期日", 100, ALIGN_CENTER, lambda i: format_date(i.due_date)),
    Column("total", "請求額", 90, MONEY_ALIGNMENT, lambda i: f"¥{i.total:,}"),
    Column("owed", "未入金額", 90, MONEY_ALIGNMENT, lambda i: f"¥{i.owed:,}"),
    Column("state", "状態", 70, ALIGN_CENTER, lambda i: i.state.label),
)


class CheckableModel(RecordTableModel[R]):
    """A list with a check box in its first column; ``checked`` holds the keys of the rows ticked."""

    def __init__(self, columns: tuple[Column, ...], parent: QObject | None = None) -> None:
        super().__init__(columns, parent)
        self.checked: set[int] = set()

    def key(self, record: R) -> int:
        raise NotImplementedError

    def may_check(self, key: int) -> bool:
        return True

    def row_of(self, key: int) -> int | None:
        return next((i for i, r in enumerate(self.records) if self.key(r) == key), None)

    def set_checked(self, key: int, on: bool) -> bool:
        row = self.row_of(key)
        if row is None or (on and not self.may_check(key)):
            return False
        (self.checked.add if on else self.checked.discard)(key)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 0), [Qt.ItemDataRole.CheckStateRole])
        return True

    def check_data(self, record: R, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and column is self.columns[0]:
            return Qt.CheckState.Checked if self.key(record) in self.checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsUserCheckable if index.isValid() and index.column() == 0 else flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        on = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        return self.set_checked(self.key(self.records[index.row()]), on)


class OpenInvoiceModel(CheckableModel[OpenInvoice]):
    """A customer's open invoices, oldest due first, each with a check box (first column):
    the invoices checked, in list order, are the ones chosen."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(OPEN_INVOICE_COLUMNS, parent)

    def key(self, record: OpenInvoice) -> int:
        return record.invoice_id

    def set_records(self, records: Iterable[OpenInvoice], checked: Iterable[int] = ()) -> None:
        self.beginResetModel()
        self.records = list(records)
        ids = {r.invoice_id for r in self.records}
        self.checked = {i for i in checked if i in ids}
        self.endResetModel()

    def chosen(self) -> list[int]:
        return [r.invoice_id for r in self.records if r.invoice_id in self.checked]

    def extra_data(self, record: OpenInvoice, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and record.state is InvoiceState.SHORT and column.key == "state":
            return QBrush(QColor(WARNING_COLOR))
        return self.check_data(record, column, role)

"""売掛金: one row per customer owing something (services.payments.aging.aging_report), the five
aging columns (未到来, 1〜30日, 31〜60日, 61〜90日, 91日超), the total and the credit, with a totals
row; sortable by any column and filtered by name. A double click (or 開く) opens the customer's
account window. Refreshed on Changes.PAYMENTS (and INVOICES: a billing run adds invoices)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.services.payments.aging import AgingRow, bucket_labels
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.receivables.account import AccountWindow
from reseller_desk.ui.tables import RECORD_ROLE, RecordTableModel, list_table
from reseller_desk.ui.widgets import ALIGN_RIGHT, Column, format_yen, muted_label

TOTAL_NAME = "合計"
#: The sort value of a column (numbers as numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


def _bucket(i: int) -> Any:
    return lambda r: format_yen(r.buckets[i])


COLUMNS: tuple[Column, ...] = (
    Column("name", "顧客", 240),
    *(Column(f"bucket{i}", label, 100, ALIGN_RIGHT, _bucket(i)) for i, label in enumerate(bucket_labels())),
    Column("total", "合計", 110, ALIGN_RIGHT, lambda r: format_yen(r.total)),
    Column("credit", "過入金", 100, ALIGN_RIGHT, lambda r: format_yen(r.credit) if r.credit else ""),
)


class AgingModel(RecordTableModel[AgingRow]):
    def extra_data(self, record: AgingRow, column: Column, role: int) -> Any:
        if role == SORT_ROLE:
            if column.key == "name":
                return record.name
            if column.key.startswith("bucket"):
                return record.buckets[int(column.key[6:])]
            return getattr(record, column.key)
        if role == Qt.ItemDataRole.FontRole and record.customer_id == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class AgingFilter(QSortFilterProxyModel):
    """Filters by name (the totals row always shown, always last) and sorts by SORT_ROLE."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.text = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:  # noqa: N802 - Qt naming
        record = self.sourceModel().index(row, 0, parent).data(RECORD_ROLE)
        return record is None or record.customer_id == 0 or not self.text or self.text in record.name

    def lessThan(self, left: Any, right: Any) -> bool:  # noqa: N802
        a, b = left.data(RECORD_ROLE), right.data(RECORD_ROLE)
        ascending = self.sortOrder() == Qt.SortOrder.AscendingOrder
        if a.customer_id == 0:
            return not ascending   # the totals row last whichever way
        if b.customer_id == 0:
            return ascending
        return bool(left.data(SORT_ROLE) < right.data(SORT_ROLE))


class ReceivablesPage(QWidget):
    title = "売掛金"

    #: An account window was opened (for tests).
    window_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.windows: list[AccountWindow] = []
        self.model = AgingModel(COLUMNS, self)
        self.proxy = AgingFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = list_table(self.proxy, COLUMNS, "agingTable", self)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(lambda index: self.open_account(index.data(RECORD_ROLE)))
        self.search = QLineEdit()
        self.search.setObjectName("agingSearch")
        self.search.setPlaceholderText("顧客名で絞り込み")
        self.search.textChanged.connect(self.proxy.set_text)
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openAccount")
        self.open_button.clicked.connect(self._open_selected)
        self.month_end_button = QPushButton("月末の遅延損害金を計上")
        self.month_end_button.setObjectName("assessMonthEnd")
        self.month_end_button.setToolTip("前月末までの遅延損害金を、延滞中の請求書すべてに計上します"
                                         "（設定 → 請求 で月末計上を有効にしたとき。同じ月は二度計上しません）")
        self.month_end_button.clicked.connect(self.assess_month_end)
        self.count_label = QLabel()
        self.count_label.setObjectName("agingCount")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.month_end_button)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(muted_label("期日からの経過日数ごとの未入金額です（本日現在）。行をダブルクリックすると"
                                     "顧客の売掛金（請求書・過入金・償却・遅延損害金・取引明細書）を開きます。"))
        layout.addWidget(self.table, 1)
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.PAYMENTS, Changes.INVOICES)
                                    else None)
        self.refresh()

    def refresh(self) -> None:
        from reseller_desk.services.payments.aging import aging_report

        db, today = self.ctx.db, clock.today()
        self.ctx.ops.run(lambda: aging_report(db, today), success=self._show, parent=self)

    def _show(self, report: Any) -> None:
        totals = AgingRow(0, TOTAL_NAME, report.totals, report.total, report.credit)
        self.model.set_records([*report.rows, totals])
        self.count_label.setText(f"{len(report.rows):,}社　未入金 {format_yen(report.total)}")

    def assess_month_end(self) -> None:
        from reseller_desk.services.payments.interest import assess_month_end

        db, actor = self.ctx.db, self.ctx.actor
        month_end = clock.today().replace(day=1) - dt.timedelta(days=1)

        def done(result: Any) -> None:
            self.ctx.ops.message.emit(f"{result.month_end:%Y年%m月%d日}までの遅延損害金を {result.assessed:,}件"
                                      f"（{format_yen(result.amount)}）計上しました。")

        self.ctx.ops.run(lambda: assess_month_end(db, actor, month_end), success=done, changes=Changes.PAYMENTS,
                         parent=self)

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.open_account(rows[0].data(RECORD_ROLE))

    def open_account(self, record: AgingRow | None) -> None:
        if record is None or record.customer_id == 0:
            return
        window = AccountWindow(self.ctx, record.customer_id, self)
        window.destroyed.connect(lambda *_: self.windows.remove(window) if window in self.windows else None)
        self.windows.append(window)
        self.window_opened.emit(window)
        window.show()

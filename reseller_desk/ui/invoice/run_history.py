"""請求履歴: every billing run (services.billing.runs.list_runs), newest first, with its month,
status, who ran it, when, and what it did; a run cut short or cancelled says that running the
month again issues the rest. 開く (Enter / double-click) shows a run's whole summary."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from reseller_desk.ui.context import AppContext
from reseller_desk.ui.invoice.run_dialog import RunSummaryDialog, run_status_text
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    WARNING_COLOR,
    Column,
    format_local_datetime,
    muted_label,
)

COLUMNS: tuple[Column, ...] = (
    Column("billing_month", "対象月", 80, ALIGN_CENTER, lambda r: f"{r.billing_month:%Y-%m}"),
    Column("status", "状態", 230, text=lambda r: run_status_text(r.status)),
    Column("started_at", "開始", 130, ALIGN_CENTER, lambda r: format_local_datetime(r.started_at)),
    Column("started_by", "担当", 110, text=lambda r: r.started_by or ""),
    Column("billed", "発行", 70, ALIGN_RIGHT, lambda r: f"{r.billed:,}"),
    Column("already", "発行済み", 70, ALIGN_RIGHT, lambda r: f"{r.already:,}"),
    Column("skipped", "対象外", 70, ALIGN_RIGHT, lambda r: f"{r.skipped:,}"),
    Column("failed", "失敗", 60, ALIGN_RIGHT, lambda r: f"{r.failed:,}"),
    Column("finished_at", "終了", 130, ALIGN_CENTER, lambda r: format_local_datetime(r.finished_at)),
)


class RunHistoryModel(RecordTableModel[Any]):
    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "status" and record.status != "finished":
            return QBrush(QColor(WARNING_COLOR))
        return None


class RunHistoryPanel(QWidget):
    """The runs, read off the UI thread; refreshed when a run ends (Changes "invoices")."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialogs: list[RunSummaryDialog] = []
        self.model = RunHistoryModel(COLUMNS, self)
        self.table = list_table(self.model, COLUMNS, "runHistory", self)
        self.table.activated.connect(self._activated)
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openRun")
        self.open_button.setToolTip("選択した請求の記録（合計と、対象外・失敗の理由）を開く")
        self.open_button.clicked.connect(self.open_selected)
        row = QHBoxLayout()
        row.addWidget(muted_label("未完了・中止・失敗の月は、月次請求をもう一度実行すると残りだけを発行します。"), 1)
        row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        ctx.changes.changed.connect(lambda what: self.refresh() if what == Changes.INVOICES else None)

    def refresh(self) -> None:
        from reseller_desk.services.billing.runs import list_runs

        db = self.ctx.db
        self.ctx.ops.run(lambda: list_runs(db), success=self.model.set_records, parent=self)

    def selected_run(self) -> Any:
        return self.model.record(self.table.currentIndex().row())

    def open_selected(self) -> None:
        run = self.selected_run()
        if run is not None:
            self.open_run(run.run_id)

    def _activated(self, index: QModelIndex) -> None:
        run = self.model.record(index.row())
        if run is not None:
            self.open_run(run.run_id)

    def open_run(self, run_id: int) -> None:
        from reseller_desk.services.billing.runs import get_run

        db = self.ctx.db
        self.ctx.ops.run(lambda: get_run(db, run_id), success=self._show, parent=self)

    def _show(self, summary: Any) -> None:
        dialog = RunSummaryDialog(summary, self.window())
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.show()

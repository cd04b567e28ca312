"""地位承継の一覧 (SH §20.1): every succession waiting for its papers — not only those near their
deadline, which 本日の業務 shows — with its deadline and the days left, 期限切れ in red. A row
opens its contract (Enter / double-click); 「書類を受領…」 on a row asks for the successor,
chosen from the customer book with the same search as the application intake, and the day the
papers arrived, and moves the contract to the successor (lifecycle.complete_succession).
Reached from 本日の業務."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.results import SuccessionRow
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.application.applicant import ApplicantChooser
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.opening import open_contract_window
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RECORD_ROLE, RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    APP_STYLE,
    ERROR_COLOR,
    Column,
    FieldErrors,
    date_edit,
    error_label,
    field_cell,
    fit_on_screen,
    form_layout,
    format_date,
    muted_label,
    to_date,
)


def days_left_text(row: SuccessionRow) -> str:
    if row.overdue:
        return f"期限切れ（{-row.days_left}日経過）"
    return "本日まで" if row.days_left == 0 else f"あと{row.days_left}日"


COLUMNS = (
    Column("proof_deadline", "書類の期限", 92, text=lambda r: format_date(r.proof_deadline)),
    Column("days_left", "残り", 130, text=days_left_text),
    Column("receive", "", 112, text=lambda _r: ""),  # 「書類を受領…」, where it is always seen
    Column("customer_code", "カスタマID", 96),
    Column("customer_name", "契約者", 170),
    Column("kind_label", "種類", 70),
    Column("succeeded_on", "承継日", 92, text=lambda r: format_date(r.succeeded_on)),
    Column("successor_name", "承継者", 180),
)


class SuccessionModel(RecordTableModel[SuccessionRow]):
    def extra_data(self, record: SuccessionRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and record.overdue and column.key in ("proof_deadline", "days_left"):
            return QColor(ERROR_COLOR)
        return None


class SuccessionListDialog(QDialog):
    """Every waiting succession, the nearest deadline first (overdue ones first)."""

    #: A contract window or a 書類を受領 dialog was opened (for tests).
    opened = Signal(object)
    title = "地位承継の一覧"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("successionList")
        self.setWindowTitle(self.title)
        self.setStyleSheet(APP_STYLE)
        self.model = SuccessionModel(COLUMNS, self)
        self.table = list_table(self.model, COLUMNS, "successions", self)
        self.table.activated.connect(self._activated)
        self.empty_label = muted_label("書類待ちの地位承継はありません。")
        self.receive_buttons: list[QPushButton] = []
        refresh = QPushButton("再読み込み")
        refresh.clicked.connect(self.refresh)
        close = QPushButton("閉じる")
        close.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(muted_label("行をダブルクリック（Enter）すると契約を開きます。書類の期限は承継日の翌日から"
                                     "30日（SH §20.1）。"), 1)
        footer.addWidget(refresh)
        footer.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(footer)
        ctx.changes.changed.connect(self._data_changed)
        fit_on_screen(self, 1080, 420)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: lifecycle.list_successions(db), success=self.show_rows, parent=self)

    def show_rows(self, rows: list[SuccessionRow]) -> None:
        self.model.set_records(rows)
        self.empty_label.setVisible(not rows)
        self.receive_buttons = []
        column = self.model.column_of("receive")
        for index, row in enumerate(rows):
            button = QPushButton("書類を受領…")
            button.setObjectName(f"receive_{row.id}")
            button.clicked.connect(lambda _checked=False, r=row: self.receive(r))
            self.table.setIndexWidget(self.model.index(index, column), button)
            self.receive_buttons.append(button)

    def rows(self) -> list[SuccessionRow]:
        return list(self.model.records)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.CONTRACTS, Changes.CUSTOMERS):
            self.refresh()

    def _activated(self, index: QModelIndex) -> None:
        row = index.data(RECORD_ROLE)
        if isinstance(row, SuccessionRow):
            open_contract_window(self.ctx, row.contract_id, self, self.opened.emit)

    def receive(self, row: SuccessionRow) -> ReceiveDocumentsDialog:
        dialog = ReceiveDocumentsDialog(self.ctx, row, self)
        dialog.done_with.connect(self.ctx.ops.message.emit)
        dialog.stale_reloaded.connect(self.refresh)
        dialog.open()
        self.opened.emit(dialog)
        return dialog


class ReceiveDocumentsDialog(QDialog):
    """書類を受領: the successor customer (from the customer book) and the day the papers came."""

    done_with = Signal(str)
    #: The contract changed meanwhile and the clerk chose to read the list again.
    stale_reloaded = Signal()

    def __init__(self, ctx: AppContext, row: SuccessionRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.row = row
        self.setStyleSheet(APP_STYLE)
        self.setWindowTitle(f"地位承継の書類を受領（{row.customer_code} {row.customer_name}）")
        self.errors = FieldErrors(on_cleared=self._cleared)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.chooser = ApplicantChooser(ctx, self.errors, self)
        self.chooser.new_radio.setVisible(False)  # the successor is a customer of the book
        self.chooser.existing_radio.setVisible(False)
        self.chooser.existing_radio.setChecked(True)
        self.chooser.fields.setVisible(False)
        self.chooser.existing_box.setVisible(True)
        self.chooser.customer_search.setText(row.successor_name)
        self.received_on = date_edit(clock.today())
        form = form_layout()
        form.addRow("種類・承継日", muted_label(f"{row.kind_label}　{format_date(row.succeeded_on)}　"
                                              f"承継者（届出）: {row.successor_name}"))
        form.addRow("承継者（顧客）", self.chooser)
        form.addRow("書類の受領日", field_cell(self.received_on, labels=[
            self.errors.add("documents_received_on", self.received_on)], left=True))
        self.confirm_button = QPushButton("承継を記録")
        self.confirm_button.setObjectName("confirmSuccession")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.submit)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(muted_label("承継者が顧客台帳にないときは、先に「顧客」で登録してください。"), 1)
        footer.addWidget(cancel)
        footer.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(footer)
        self.setMinimumWidth(640)
        self.chooser.search_customers()

    def submit(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        db, actor, row = self.ctx.db, self.ctx.actor, self.row
        received, successor = to_date(self.received_on), self.chooser.customer_id
        self.ctx.ops.run(lambda: lifecycle.complete_succession(
            db, actor, row.id, documents_received_on=received, successor_customer_id=successor,  # type: ignore[arg-type]
            expected_version=row.contract_row_version), success=self._succeeded, invalid=self.show_invalid,
            failure=self.show_refused, reload=self._reload_latest, changes=(Changes.CONTRACTS, Changes.CUSTOMERS),
            parent=self)

    def _reload_latest(self) -> None:
        self.stale_reloaded.emit()
        self.reject()

    def _succeeded(self, result: Any) -> None:
        self.done_with.emit(result.message)
        self.accept()

    def show_invalid(self, error: ValidationFailed) -> None:
        errors = dict(error.errors)
        if "successor_customer_id" in errors:
            errors["customer_id"] = errors.pop("successor_customer_id")
        self.errors.show_refusal(ValidationFailed(errors, str(error)), self.summary)

    def show_refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def _cleared(self) -> None:
        if not self.errors.has_errors():
            self.summary.setVisible(False)

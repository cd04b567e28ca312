"""A customer's 売掛金 window (opened from the aging table): what is owed and the credit, the
invoices (番号, 請求月, 期日, 請求額, 入金済, 残高, 状態), the late interest assessed, and the actions
過入金を充当 (ledger.apply_credit), 返金を記録…, 償却… and 免除… (a manager) and 取引明細書… (a PDF).
Reads again on Changes.PAYMENTS."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.staff import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.receivables.dialogs import RefundDialog, StatementDialog, WaiveDialog, WriteOffDialog
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    APP_STYLE,
    Column,
    ask_save_path,
    error_label,
    format_date,
    format_yen,
    group,
    month_text,
    muted_label,
)

INVOICE_COLUMNS: tuple[Column, ...] = (
    Column("number", "番号", 120),
    Column("billing_month", "請求月", 90, ALIGN_CENTER, lambda r: month_text(r.billing_month)),
    Column("due_date", "期日", 95, ALIGN_CENTER, lambda r: format_date(r.due_date)),
    Column("total", "請求額", 100, ALIGN_RIGHT, lambda r: format_yen(r.total)),
    Column("paid", "入金済", 100, ALIGN_RIGHT, lambda r: format_yen(r.paid)),
    Column("owed", "残高", 100, ALIGN_RIGHT, lambda r: format_yen(r.owed)),
    Column("state", "状態", 80, ALIGN_CENTER),
)

INTEREST_COLUMNS: tuple[Column, ...] = (
    Column("invoice_number", "請求書", 120),
    Column("period", "期間", 190, ALIGN_CENTER,
           lambda r: f"{format_date(r.period_from)}〜{format_date(r.period_to)}"),
    Column("days", "日数", 60, ALIGN_RIGHT, lambda r: f"{r.days:,}日"),
    Column("principal", "元本", 100, ALIGN_RIGHT, lambda r: format_yen(r.principal)),
    Column("amount", "遅延損害金", 100, ALIGN_RIGHT, lambda r: format_yen(r.amount)),
    Column("state", "状態", 200, text=lambda r: (f"免除（{r.waive_reason}）" if r.waived_on
                                                else "請求済み" if r.billed else "次回請求予定")),
)


class AccountWindow(QDialog):
    """One customer's receivables. ``ask_path`` is the save dialog of the 取引明細書 (tests swap it)."""

    def __init__(self, ctx: AppContext, customer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.name = ""
        self.credit = 0
        self.ask_path: Any = ask_save_path
        self.dialogs: list[QDialog] = []
        self.setObjectName("accountWindow")
        self.setWindowTitle("売掛金")
        self.setStyleSheet(APP_STYLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        manager = ctx.actor.role == Role.MANAGER
        self.heading = QLabel()
        self.heading.setObjectName("accountHeading")
        self.summary = QLabel()
        self.summary.setObjectName("accountSummary")
        self.error = error_label()
        self.invoices = RecordTableModel[Any](INVOICE_COLUMNS, self)
        self.invoice_table = list_table(self.invoices, INVOICE_COLUMNS, "accountInvoices", self)
        self.interest = RecordTableModel[Any](INTEREST_COLUMNS, self)
        self.interest_table = list_table(self.interest, INTEREST_COLUMNS, "accountInterest", self)
        self.apply_button = self._button("過入金を充当", "applyCredit", self.apply_credit,
                                         "過入金を未入金の請求書に古い順に充当します")
        self.refund_button = self._button("返金を記録…", "recordRefund", self.record_refund,
                                          "過入金を返金したことを記録します")
        self.write_off_button = self._button("償却…", "writeOff", self.write_off,
                                             "選択した請求書の残高を償却します（管理者）")
        self.write_off_button.setVisible(manager)
        self.statement_button = self._button("取引明細書…", "accountStatement", self.statement,
                                             "期間を選んで取引明細書をPDFで保存します")
        self.waive_button = self._button("免除…", "waiveInterest", self.waive,
                                         "選択した遅延損害金を免除します（管理者）")
        self.waive_button.setVisible(manager)
        for table in (self.invoice_table, self.interest_table):
            table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        buttons = QHBoxLayout()
        for button in (self.apply_button, self.refund_button, self.write_off_button, self.statement_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        invoices_box, invoices_layout = group("請求書")
        invoices_layout.addWidget(self.invoice_table)
        invoices_layout.addLayout(buttons)
        interest_box, interest_layout = group("遅延損害金")
        interest_layout.addWidget(muted_label("延滞した請求書が支払われたとき（設定により月末にも）計上し、"
                                              "次回の請求書に不課税で載せます。"))
        interest_layout.addWidget(self.interest_table)
        waive_row = QHBoxLayout()
        waive_row.addWidget(self.waive_button)
        waive_row.addStretch(1)
        interest_layout.addLayout(waive_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(invoices_box, 3)
        layout.addWidget(interest_box, 2)
        layout.addWidget(self.error)
        ctx.changes.changed.connect(self._changed)
        self.resize(860, 640)
        self.refresh()

    def _button(self, text: str, name: str, slot: Any, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    def _changed(self, what: str) -> None:
        if what == Changes.PAYMENTS:
            self.refresh()

    # -- reading ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        from reseller_desk.services.payments.aging import customer_account, customer_invoices
        from reseller_desk.services.payments.interest import interest_of

        db, customer = self.ctx.db, self.customer_id

        def read() -> tuple[Any, Any, Any]:
            return customer_account(db, customer), customer_invoices(db, customer), interest_of(db, customer)

        self.ctx.ops.run(read, success=self._show, parent=self)

    def _show(self, found: tuple[Any, Any, Any]) -> None:
        (name, account), invoices, interest = found
        self.name, self.credit = name, account.credit
        self.setWindowTitle(f"売掛金 — {name}")
        self.heading.setText(f"<b>{name}</b>")
        self.summary.setText(f"未入金 {format_yen(account.owed)}（{account.invoices_open:,}件、うち過小入金 "
                             f"{account.invoices_short:,}件）　過入金 {format_yen(account.credit)}")
        self.invoices.set_records(invoices)
        self.interest.set_records(interest)
        self._enable()

    def selected_invoice(self) -> Any:
        rows = self.invoice_table.selectionModel().selectedRows()
        return self.invoices.record(rows[0].row()) if rows else None

    def selected_interest(self) -> Any:
        rows = self.interest_table.selectionModel().selectedRows()
        return self.interest.record(rows[0].row()) if rows else None

    def _enable(self) -> None:
        invoice, interest = self.selected_invoice(), self.selected_interest()
        owing = any(i.owed for i in self.invoices.records)
        self.apply_button.setEnabled(self.credit > 0 and owing)
        self.refund_button.setEnabled(self.credit > 0)
        self.write_off_button.setEnabled(invoice is not None and invoice.owed > 0)
        self.waive_button.setEnabled(interest is not None and interest.waived_on is None)

    # -- actions ---------------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        dialog.show()

    def apply_credit(self) -> None:
        from reseller_desk.services.payments.ledger import apply_credit

        db, actor, customer = self.ctx.db, self.ctx.actor, self.customer_id

        def applied(result: Any) -> None:
            self.error.setVisible(False)
            self.ctx.ops.message.emit(f"過入金 {format_yen(result.total_applied)} を充当しました"
                                      f"（残り {format_yen(result.credit)}）。")

        def failed(error: Exception) -> None:
            self.error.setText(str(error))
            self.error.setVisible(True)

        self.ctx.ops.run(lambda: apply_credit(db, actor, customer), success=applied, failure=failed,
                         invalid=failed, changes=Changes.PAYMENTS, parent=self)

    def record_refund(self) -> None:
        self._open(RefundDialog(self.ctx, self.customer_id, self.credit, self))

    def write_off(self) -> None:
        invoice = self.selected_invoice()
        if invoice is not None:
            self._open(WriteOffDialog(self.ctx, invoice, self))

    def waive(self) -> None:
        row = self.selected_interest()
        if row is not None:
            self._open(WaiveDialog(self.ctx, row, self))

    def statement(self) -> None:
        self._open(StatementDialog(self.ctx, self.customer_id, self.name, self.ask_path, self))

"""保証金 (利用保証金, SC §9.10–13). Two tabs:

- 対象の契約: the contracts whose charges of the month chosen exceed their terms' line
  (services.payments.deposits.deposit_candidates), with their deposit if one is asked; 依頼… (a
  manager) issues the 利用保証金預託のお願い, then 通知書を保存… saves its PDF to print.
- 預託状況: every deposit (契約, 顧客, 金額, 期限, 受領額, 残高, 状態), with 受領を記録…, 精算… and
  返還を記録… (a manager), and for a 期限超過 row 利用停止の手続きへ…: the contract's 利用停止
  dialog (services.contracts.lifecycle_suspension) with the deposit reason chosen.

Refreshed on Changes.PAYMENTS, INVOICES and CONTRACTS.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.domain.staff import Role
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.deposits.dialogs import ReceiveDialog, RefundDialog, RequestDialog, SettleDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_LEFT,
    ALIGN_RIGHT,
    WARNING_COLOR,
    Column,
    ask_save_path,
    documents_folder,
    format_date,
    month_text,
    muted_label,
    select_data,
)

OVERDUE, TO_SETTLE = "期限超過", "精算待ち"


def _yen(amount: int) -> str:
    return f"¥{amount:,}"


def _deposit_text(deposit: Any) -> str:
    if deposit is None:
        return "未依頼"
    return f"{deposit.state} ¥{deposit.amount:,}（期日 {format_date(deposit.deadline)}）"


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column("customer_name", "顧客", 200),
    Column("customer_code", "カスタマID", 100, ALIGN_CENTER),
    Column("service_name", "サービス", 200),
    Column("monthly_charges", "月間の利用料金等（税抜）", 170, ALIGN_RIGHT, lambda r: _yen(r.monthly_charges)),
    Column("deposit", "保証金", 200, ALIGN_LEFT, lambda r: _deposit_text(r.deposit)),
)

DEPOSIT_COLUMNS: tuple[Column, ...] = (
    Column("customer_code", "契約", 100, ALIGN_CENTER),
    Column("customer_name", "顧客", 200),
    Column("amount", "金額", 100, ALIGN_RIGHT, lambda r: _yen(r.amount)),
    Column("deadline", "期限", 100, ALIGN_CENTER, lambda r: format_date(r.deadline)),
    Column("received", "受領額", 100, ALIGN_RIGHT, lambda r: _yen(r.received)),
    Column("held", "残高", 100, ALIGN_RIGHT, lambda r: _yen(r.held)),
    Column("state", "状態", 90, ALIGN_CENTER),
    Column("notice_number", "通知書", 130, ALIGN_CENTER),
)


class DepositsModel(RecordTableModel[Any]):
    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        state = getattr(record, "state", "")
        if state == OVERDUE and role == Qt.ItemDataRole.ForegroundRole and column.key in ("deadline", "state"):
            return QBrush(QColor(WARNING_COLOR))
        if state in (OVERDUE, TO_SETTLE) and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#fff3e0"))
        return None


def _months(today: dt.date, count: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def _button(text: str, name: str, slot: Any, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


class DepositsPage(QWidget):
    title = "保証金"

    #: A dialog of the page was opened (for tests).
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_save_path = ask_save_path
        self.dialogs: list[QWidget] = []
        manager = ctx.actor.role == Role.MANAGER
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("depositTabs")
        # -- 対象の契約
        self.month = QComboBox()
        self.month.setObjectName("depositMonth")
        for month in _months(clock.today()):
            self.month.addItem(month_text(month), month)
        self.month.currentIndexChanged.connect(lambda _i: self.refresh())
        self.candidates = DepositsModel(CANDIDATE_COLUMNS, self)
        self.candidate_table = list_table(self.candidates, CANDIDATE_COLUMNS, "depositCandidates", self)
        self.candidate_table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.request_button = _button("依頼…", "requestDeposit", self.request,
                                      "利用保証金の額と期日を決めて、預託のお願いを発行する（管理者）")
        self.request_button.setVisible(manager)
        self.save_button = _button("通知書を保存…", "saveDepositNotice", self.save_notice,
                                   "選択した契約の利用保証金預託のお願いをPDFで保存する（印刷用）")
        self.candidate_count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("対象の月"))
        top.addWidget(self.month)
        top.addWidget(self.request_button)
        top.addWidget(self.save_button)
        top.addStretch(1)
        top.addWidget(self.candidate_count)
        first = QWidget()
        box = QVBoxLayout(first)
        box.addLayout(top)
        box.addWidget(muted_label("月間の利用料金等（月額と通話料、税抜）が1IDあたり30,000円を超える契約です"
                                  "（SC §9.10）。即日発番の契約は対象外です。"))
        box.addWidget(self.candidate_table, 1)
        self.tabs.addTab(first, "対象の契約")
        # -- 預託状況
        self.deposits = DepositsModel(DEPOSIT_COLUMNS, self)
        self.deposit_table = list_table(self.deposits, DEPOSIT_COLUMNS, "depositList", self)
        self.deposit_table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.receive_button = _button("受領を記録…", "receiveDeposit", self.receive, "選択した保証金の受領を記録する")
        self.settle_button = _button("精算…", "settleDeposit", self.settle,
                                     "契約終了後、預かり残高を未払いの請求に充当する（管理者）")
        self.refund_button = _button("返還を記録…", "refundDeposit", self.refund,
                                     "残額を返還したことを記録する（管理者）")
        self.suspend_button = _button("利用停止の手続きへ…", "suspendForDeposit", self.suspend,
                                      "期日までに預託のない契約の利用停止（SC §9.12）")
        for button in (self.settle_button, self.refund_button):
            button.setVisible(manager)
        self.deposit_count = QLabel()
        row = QHBoxLayout()
        for button in (self.receive_button, self.settle_button, self.refund_button, self.suspend_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.deposit_count)
        second = QWidget()
        box = QVBoxLayout(second)
        box.addLayout(row)
        box.addWidget(muted_label("保証金には利息が付かず、不課税で売上ではありません。契約が終了すると精算待ちになり、"
                                  "最終請求の発行後に未払いへ充当して残りを返還します。"))
        box.addWidget(self.deposit_table, 1)
        self.tabs.addTab(second, "預託状況")
        self.result_label = muted_label()
        self.result_label.setObjectName("depositResult")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.result_label)
        ctx.changes.changed.connect(lambda what: self.refresh()
                                    if what in (Changes.PAYMENTS, Changes.INVOICES, Changes.CONTRACTS) else None)
        self._enable()
        self.refresh()

    # -- the lists ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        from reseller_desk.services.payments.deposits import deposit_candidates, deposits

        db, month = self.ctx.db, self.month.currentData()
        self.ctx.ops.run(lambda: (deposit_candidates(db, month), deposits(db)), success=self._show, parent=self)

    def _show(self, found: tuple[list[Any], list[Any]]) -> None:
        candidates, rows = found
        self.candidates.set_records(candidates)
        self.deposits.set_records(rows)
        waiting = sum(1 for c in candidates if not c.deposit)
        self.candidate_count.setText(f"{len(candidates):,}件（うち未依頼 {waiting:,}件）")
        overdue = sum(1 for r in rows if r.state == OVERDUE)
        settle = sum(1 for r in rows if r.state == TO_SETTLE)
        self.deposit_count.setText(f"{len(rows):,}件（期限超過 {overdue:,}件、精算待ち {settle:,}件）")
        self._enable()

    def choose_month(self, month: dt.date) -> None:
        select_data(self.month, month)

    def _selected(self, table: Any, model: DepositsModel) -> Any:
        rows = table.selectionModel().selectedRows()
        return model.record(rows[0].row()) if rows else None

    def selected_candidate(self) -> Any:
        return self._selected(self.candidate_table, self.candidates)

    def selected_deposit(self) -> Any:
        return self._selected(self.deposit_table, self.deposits)

    def _enable(self) -> None:
        c, d = self.selected_candidate(), self.selected_deposit()
        self.request_button.setEnabled(c is not None and c.deposit is None)
        self.save_button.setEnabled(c is not None and c.deposit is not None and c.deposit.notice_id is not None)
        state = d.state if d is not None else ""
        self.receive_button.setEnabled(state in ("未受領", OVERDUE))
        self.settle_button.setEnabled(state == TO_SETTLE)
        self.refund_button.setEnabled(state == TO_SETTLE)
        self.suspend_button.setEnabled(state == OVERDUE)

    def _open(self, dialog: Any) -> None:
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.succeeded.connect(self._done)
        self.dialogs.append(dialog)
        self.dialog_opened.emit(dialog)
        dialog.show()

    def _done(self, result: Any) -> None:
        if hasattr(result, "refundable"):
            text = f"充当 ¥{result.applied:,}、返還する残額 ¥{result.refundable:,}（返還したら「返還を記録…」）。"
        elif getattr(result, "notice_number", "") and result.state == "未受領":
            text = f"利用保証金を依頼し、{result.notice_number} を発行しました。「通知書を保存…」で印刷できます。"
        else:
            text = f"{result.customer_code}: {result.state}（残高 ¥{result.held:,}）"
        self.result_label.setText(text)
        self.ctx.ops.message.emit(text)

    # -- actions -----------------------------------------------------------------------------------
    def request(self) -> None:
        c = self.selected_candidate()
        if c is not None and c.deposit is None:
            self._open(RequestDialog(self.ctx, c, self))

    def receive(self) -> None:
        if (d := self.selected_deposit()) is not None:
            self._open(ReceiveDialog(self.ctx, d, self))

    def settle(self) -> None:
        if (d := self.selected_deposit()) is not None:
            self._open(SettleDialog(self.ctx, d, self))

    def refund(self) -> None:
        if (d := self.selected_deposit()) is not None:
            self._open(RefundDialog(self.ctx, d, self))

    def save_notice(self) -> None:
        from reseller_desk.services import notices as notice_service

        c = self.selected_candidate()
        if c is None or c.deposit is None or c.deposit.notice_id is None:
            return
        number, notice_id = c.deposit.notice_number, c.deposit.notice_id
        suggested = str(documents_folder() / f"{number}_{c.customer_name}.pdf")
        path = self.ask_save_path(self, "通知書をPDFで保存", suggested)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        db = self.ctx.db

        def write() -> str:
            try:
                Path(path).write_bytes(notice_service.notice_pdf(db, notice_id))
            except OSError as error:
                raise ServiceError(f"PDFを保存できませんでした（{path}）: {error.strerror or error}") from error
            return path

        self.ctx.ops.run(write, success=lambda p: self.result_label.setText(f"{number} を {p} に保存しました。"),
                         failure=lambda e: self.result_label.setText(str(e)), parent=self)

    def suspend(self) -> None:
        from reseller_desk.services.contracts.detail import contract_detail

        d = self.selected_deposit()
        if d is None or d.state != OVERDUE:
            return
        db, contract_id = self.ctx.db, d.contract_id
        self.ctx.ops.run(lambda: contract_detail(db, contract_id), success=self._suspend_dialog,
                         failure=lambda e: self.result_label.setText(str(e)), parent=self)

    def _suspend_dialog(self, detail: Any) -> None:
        from reseller_desk.ui.deposits.suspend import DepositSuspendDialog

        dialog = DepositSuspendDialog(self.ctx, detail, self)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.done_with.connect(self._suspended)
        self.dialogs.append(dialog)
        self.dialog_opened.emit(dialog)
        dialog.show()

    def _suspended(self, text: str) -> None:
        self.result_label.setText(text)
        self.ctx.changes.changed.emit(Changes.CONTRACTS)

"""The dialogs of 保証金: 依頼 (a manager: the amount and the deadline → the 預託のお願い),
受領を記録, 精算 (a manager: applied to the unpaid invoices) and 返還を記録 (a manager). Each calls
one service of services.payments.deposits through Operations and announces Changes.PAYMENTS; a
refusal is shown beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.actions import future_window
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    FieldErrors,
    date_edit,
    error_label,
    form_layout,
    format_date,
    month_text,
    muted_label,
    note_edit,
    to_date,
    yen_spin_box,
)

MAX_AMOUNT = 99_999_999



class _DepositDialog(QDialog):
    """A form, a red summary, the action's button and 閉じる."""

    #: The service's result once it succeeded.
    succeeded = Signal(object)

    def __init__(self, ctx: AppContext, title: str, button: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = clock.today()
        self.setWindowTitle(title)
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("depositSummary")
        self.form = form_layout()
        self.ok_button = QPushButton(button)
        self.ok_button.setObjectName("depositOk")
        self.ok_button.clicked.connect(self.submit)
        close = QPushButton("閉じる")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        head = QLabel(heading)
        head.setWordWrap(True)
        layout.addWidget(head)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.layout_ = layout

    def field(self, label: str, name: str, widget: QWidget) -> Any:
        cell = QVBoxLayout()
        cell.addWidget(widget)
        cell.addWidget(self.errors.add(name, widget))
        self.form.addRow(label, cell)
        return widget

    def call(self, fn: Any) -> None:
        self.summary.setVisible(False)
        self.ok_button.setEnabled(False)

        def succeeded(result: Any) -> None:
            self.succeeded.emit(result)
            self.accept()

        self.ctx.ops.run(fn, success=succeeded, invalid=lambda e: self.errors.show_refusal(e, self.summary),
                         failure=self.failed, done=lambda: self.ok_button.setEnabled(True),
                         changes=Changes.PAYMENTS, parent=self)

    def failed(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def submit(self) -> None:
        raise NotImplementedError


class RequestDialog(_DepositDialog):
    """依頼: the amount (set case by case, SC §9.10) and the deadline; issues the letter."""

    def __init__(self, ctx: AppContext, candidate: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "利用保証金の依頼", "依頼して通知書を発行",
                         f"{candidate.customer_name}（{candidate.customer_code}）: "
                         f"{month_text(candidate.billing_month)}の利用料金等 ¥{candidate.monthly_charges:,}（税抜）",
                         parent)
        self.setObjectName("depositRequestDialog")
        self.candidate = candidate
        self.amount = self.field("保証金の額", "amount", yen_spin_box(MAX_AMOUNT))
        self.amount.setObjectName("depositAmount")
        self.amount.setValue(candidate.monthly_charges * 2)
        self.deadline = self.field("お預け期日", "deadline", date_edit(self.today + dt.timedelta(days=14),
                                                                  window=future_window(self.today)))
        self.deadline.setObjectName("depositDeadline")
        self.note = self.field("備考（通知書に印刷）", "note",
                               note_edit("depositNote", "例: 2か月分をお預かりします。", 56))
        self.layout_.insertWidget(2, muted_label("利息は付かず、消費税の対象外です。通知書には振込先（設定 → 振込先）を"
                                                 "印刷します。期日までに預託がなければ利用停止の候補になります。"))

    def submit(self) -> None:
        from reseller_desk.services.payments.deposits import request_deposit

        db, actor, c = self.ctx.db, self.ctx.actor, self.candidate
        amount, deadline, note = self.amount.value(), to_date(self.deadline), self.note.toPlainText()
        self.call(lambda: request_deposit(db, actor, c.contract_id, amount, deadline, note=note,
                                          month=c.billing_month))


class ReceiveDialog(_DepositDialog):
    """受領を記録: the day and the amount (up to what is still to come)."""

    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "保証金の受領", "受領を記録",
                         f"{row.customer_name}（{row.customer_code}）: 依頼額 ¥{row.amount:,}、"
                         f"受領済 ¥{row.received:,}、期日 {format_date(row.deadline)}", parent)
        self.setObjectName("depositReceiveDialog")
        self.row = row
        self.on = self.field("受領日", "on", date_edit(self.today))
        self.amount = self.field("受領額", "amount", yen_spin_box(MAX_AMOUNT))
        self.amount.setObjectName("depositReceived")
        self.amount.setValue(row.short)

    def submit(self) -> None:
        from reseller_desk.services.payments.deposits import record_deposit_received

        db, actor, deposit_id = self.ctx.db, self.ctx.actor, self.row.deposit_id
        on, amount = to_date(self.on), self.amount.value()
        self.call(lambda: record_deposit_received(db, actor, deposit_id, on, amount))


class SettleDialog(_DepositDialog):
    """精算: what is held applied to the customer's unpaid invoices, oldest first."""

    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "保証金の精算", "精算する",
                         f"{row.customer_name}（{row.customer_code}）: 預かり残高 ¥{row.held:,}。"
                         "未払いの請求に古い順に充当し、残りを返還します（最終請求の発行後に行ってください）。", parent)
        self.setObjectName("depositSettleDialog")
        self.row = row
        self.on = self.field("精算日", "on", date_edit(self.today))

    def submit(self) -> None:
        from reseller_desk.services.payments.deposits import settle_deposit

        db, actor, deposit_id, on = self.ctx.db, self.ctx.actor, self.row.deposit_id, to_date(self.on)
        self.call(lambda: settle_deposit(db, actor, deposit_id, on=on))


class RefundDialog(_DepositDialog):
    """返還を記録: once the office has paid back what is held."""

    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "保証金の返還", "返還を記録",
                         f"{row.customer_name}（{row.customer_code}）: 返還する額 ¥{row.held:,}", parent)
        self.setObjectName("depositRefundDialog")
        self.row = row
        self.on = self.field("返還日", "on", date_edit(self.today))
        self.note = self.field("返還の内容", "note", note_edit("depositRefundNote", "例: お客様の口座へ振込で返還", 56))

    def submit(self) -> None:
        from reseller_desk.services.payments.deposits import refund_deposit

        db, actor, deposit_id = self.ctx.db, self.ctx.actor, self.row.deposit_id
        on, note = to_date(self.on), self.note.toPlainText()
        self.call(lambda: refund_deposit(db, actor, deposit_id, on, note))



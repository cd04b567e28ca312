"""The dialogs of 返却管理: 返却受付 (scan or type the serial + Enter: the return found, the
accessories that came back ticked, damage and a repair cost), 紛失として処理 (the model's price or
another amount with a reason) and 遅延損害金の減免 (a manager, with a reason). Each calls one
service (services.equipment.returns / penalties) through Operations and announces
Changes.EQUIPMENT; a refusal is shown beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    FieldErrors,
    date_edit,
    error_label,
    form_layout,
    format_date,
    muted_label,
    note_edit,
    to_date,
    yen_spin_box,
)

MAX_AMOUNT = 9_999_999



class _ReturnDialog(QDialog):
    """The frame every dialog here shares: a form, a red summary, 実行 and 閉じる."""

    #: What a success announces (the 売掛金 dialogs, built on this frame, announce PAYMENTS).
    changes: tuple[str, ...] = (Changes.EQUIPMENT,)

    #: The service's result once it succeeded (ClosedReturn, or the amount set).
    done = Signal(object)

    def __init__(self, ctx: AppContext, title: str, button: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("returnSummary")
        self.form = form_layout()
        self.ok_button = QPushButton(button)
        self.ok_button.setObjectName("returnOk")
        self.ok_button.clicked.connect(self.submit)
        close = QPushButton("閉じる")
        close.clicked.connect(self.reject)
        # Enter in a field (a scanner ends the serial with it) never presses a button
        for button in (self.ok_button, close):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(close)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.summary)
        self.layout_.addLayout(buttons)

    def field(self, label: str, name: str, widget: QWidget) -> None:
        cell = QVBoxLayout()
        cell.addWidget(widget)
        cell.addWidget(self.errors.add(name, widget))
        self.form.addRow(label, cell)

    def call(self, fn: Any, message: bool = True) -> None:
        self.summary.setVisible(False)
        self.ok_button.setEnabled(False)

        def succeeded(result: Any) -> None:
            if message and hasattr(result, "message"):
                self.ctx.ops.message.emit(result.message)
            self.done.emit(result)
            self.accept()

        self.ctx.ops.run(fn, success=succeeded, invalid=self.refused, failure=self.failed,
                         done=lambda: self.ok_button.setEnabled(True), changes=self.changes, parent=self)

    def refused(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def failed(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def submit(self) -> None:
        raise NotImplementedError


class ReceiveReturnDialog(_ReturnDialog):
    """返却受付: the serial (a scanner types it and Enter), then what came back."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, serial: str = "") -> None:
        super().__init__(ctx, "返却受付", "受付", parent)
        self.setObjectName("receiveReturnDialog")
        self.lookup: Any = None
        self.serial = QLineEdit(serial)
        self.serial.setObjectName("returnSerial")
        self.serial.setPlaceholderText("製造番号をスキャンまたは入力して Enter")
        self.serial.returnPressed.connect(self.find)
        self.found = QLabel()
        self.found.setObjectName("returnFound")
        self.found.setWordWrap(True)
        self.accessory_box = QVBoxLayout()
        self.accessory_checks: dict[int, QCheckBox] = {}
        self.on = date_edit()
        self.on.setObjectName("returnOn")
        self.damage = note_edit("returnDamage", "破損・汚損があれば内容を入力（入力すると修理中になります）")
        self.repair_cost = yen_spin_box(MAX_AMOUNT)
        self.repair_cost.setObjectName("returnRepairCost")
        self.field("製造番号", "serial", self.serial)
        self.form.addRow("返却の記録", self.found)
        self.accessory_box.addWidget(self.errors.add("accessories", self.found))
        self.form.addRow("返却された付属品", self.accessory_box)
        self.field("返却日", "on", self.on)
        self.field("破損の内容", "damage_note", self.damage)
        self.field("修理代（請求額）", "repair_cost", self.repair_cost)
        self.layout_.insertWidget(0, muted_label("付属品の不足は付属品の代金、修理代は入力した額を、遅延損害金とともに"
                                                 "次回の請求に不課税で計上します。"))
        self.ok_button.setEnabled(False)
        self.resize(560, self.sizeHint().height())
        if serial:
            self.find()

    def find(self) -> None:
        from reseller_desk.services.equipment.returns import find_return

        db, serial = self.ctx.db, self.serial.text()
        self.summary.setVisible(False)
        self.ctx.ops.run(lambda: find_return(db, serial), success=self.show_lookup, failure=self.not_found,
                         parent=self)

    def not_found(self, error: ServiceError) -> None:
        self.show_lookup(None)
        self.errors.show({"serial": str(error)})

    def show_lookup(self, lookup: Any) -> None:
        self.lookup = lookup
        for check in self.accessory_checks.values():
            self.accessory_box.removeWidget(check)
            check.deleteLater()
        self.accessory_checks = {}
        if lookup is None:
            self.found.setText("")
            self.ok_button.setEnabled(False)
            return
        penalty = f"、遅延損害金（現時点）¥{lookup.penalty_so_far:,}" if lookup.penalty_so_far else ""
        self.found.setText(f"{lookup.customer_name}（{lookup.contract_code}） {lookup.model_name} {lookup.serial}\n"
                           f"返却期限 {format_date(lookup.deadline)}{penalty}")
        for accessory in lookup.accessories:
            check = QCheckBox(f"{accessory.name}（不足時 ¥{accessory.replacement_price:,}）")
            check.setObjectName(f"accessory_{accessory.id}")
            check.setChecked(True)
            self.accessory_box.insertWidget(len(self.accessory_checks), check)
            check.show()
            self.accessory_checks[accessory.id] = check
        if not lookup.accessories:
            self.found.setText(self.found.text() + "\n（この機種に付属品はありません）")
        self.ok_button.setEnabled(True)
        self.layout_.activate()
        self.resize(max(self.width(), self.sizeHint().width()), self.sizeHint().height())

    def submit(self) -> None:
        from reseller_desk.services.equipment.returns import receive_return

        if self.lookup is None:
            return
        db, actor, request_id = self.ctx.db, self.ctx.actor, self.lookup.request_id
        back = {i for i, check in self.accessory_checks.items() if check.isChecked()}
        on, note, cost = to_date(self.on), self.damage.toPlainText(), self.repair_cost.value()
        self.call(lambda: receive_return(db, actor, request_id, on, back, note, cost))


class DeclareLostDialog(_ReturnDialog):
    """紛失として処理: the replacement's price (the model's, or another with a reason)."""

    def __init__(self, ctx: AppContext, row: Any, sale_price: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "紛失として処理", "紛失として処理", parent)
        self.setObjectName("declareLostDialog")
        self.row = row
        self.sale_price = sale_price
        self.form.addRow("機器", QLabel(f"{row.customer_name}（{row.contract_code}） {row.model_name} {row.serial}"))
        self.on = date_edit()
        self.on.setObjectName("lostOn")
        self.other = QCheckBox(f"機種の販売価格（¥{sale_price:,}）と違う額にする")
        self.other.setObjectName("lostOtherAmount")
        self.amount = yen_spin_box(MAX_AMOUNT)
        self.amount.setObjectName("lostAmount")
        self.amount.setValue(sale_price)
        self.amount.setEnabled(False)
        self.other.toggled.connect(self.amount.setEnabled)
        self.reason = note_edit("lostReason", "額を変えるときは理由を入力（必須）")
        self.field("紛失とする日", "on", self.on)
        self.form.addRow("", self.other)
        self.field("代替機代金", "amount", self.amount)
        self.field("理由・メモ", "reason", self.reason)
        self.layout_.insertWidget(0, muted_label("代替機代金（不課税）と、返却期限を過ぎていれば遅延損害金を"
                                                 "次回の請求に計上し、機器は「紛失」として在庫から外れます。"))
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        from reseller_desk.services.equipment.returns import declare_lost

        db, actor, request_id = self.ctx.db, self.ctx.actor, self.row.request_id
        on: dt.date = to_date(self.on)
        amount = self.amount.value() if self.other.isChecked() else None
        reason = self.reason.toPlainText()
        self.call(lambda: declare_lost(db, actor, request_id, on, amount, reason))


class PenaltyDialog(_ReturnDialog):
    """遅延損害金の減免 (a manager): the amount to charge instead (0: waived) and why."""

    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "遅延損害金の減免", "減免する", parent)
        self.setObjectName("penaltyDialog")
        self.row = row
        self.form.addRow("契約", QLabel(f"{row.customer_name}（{row.contract_code}）"))
        self.form.addRow("現時点の遅延損害金", QLabel(f"¥{row.penalty_so_far:,}（{row.months_late}カ月分）"))
        self.amount = yen_spin_box(max(row.penalty_so_far, 0))
        self.amount.setObjectName("penaltyAmount")
        self.reason = note_edit("penaltyReason", "減額・免除の理由（必須、操作履歴に残ります）")
        self.field("請求する額", "amount", self.amount)
        self.field("理由", "reason", self.reason)
        self.layout_.insertWidget(0, muted_label("0円にすると免除です。返却受付・紛失の処理のとき、この額を請求します"
                                                 "（契約の機器すべてに共通）。"))
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        from reseller_desk.services.equipment.penalties import set_penalty

        db, actor, request_id = self.ctx.db, self.ctx.actor, self.row.request_id
        amount, reason = self.amount.value(), self.reason.toPlainText()

        def work() -> int:
            return set_penalty(db, actor, request_id, amount, reason)

        self.call(work, message=False)

"""保証交換 (SC §21): the dialog of one sold unit — the unit and its sale, the replacement picked
from the same model's stock (the serial typed or scanned, then Enter), and, once one is under
way, 受領日を記録…, 返送を受付 and 違約金を請求 as its state allows. Every call goes through
ctx.ops to services.equipment.replacements; the services decide, this only shows.

``open_replacement_dialog(ctx, unit_id, parent)`` is what a screen's button calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.services.equipment import replacements
from reseller_desk.services.equipment.replacements import ReplacementResult, ReplacementView
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    ConfirmFunction,
    ask_confirmation,
    date_edit,
    error_label,
    format_date,
    format_yen,
    group,
    muted_label,
    to_date,
)

__all__ = ["AskDate", "ReplacementDialog", "ask_date", "open_replacement_dialog"]

TITLE = "保証交換"
#: ask_date(parent, title, label) -> the day chosen, or None when cancelled.
AskDate = Callable[[QWidget, str, str], "dt.date | None"]


def ask_date(parent: QWidget, title: str, label: str) -> dt.date | None:
    """The real question: a date field (today by default, not after today) and OK / やめる."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    edit = date_edit()
    form = QFormLayout(dialog)
    form.addRow(label, edit)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText("記録する")
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("やめる")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    form.addRow(box)
    return to_date(edit) if dialog.exec() == QDialog.DialogCode.Accepted else None


class ReplacementDialog(QDialog):
    def __init__(self, ctx: AppContext, unit_id: int, parent: QWidget | None = None, *,
                 ask: AskDate = ask_date, confirm: ConfirmFunction | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.unit_id, self.ask = ctx, unit_id, ask
        self.confirm = confirm or ask_confirmation(self)
        self.view: ReplacementView | None = None
        self.setWindowTitle(TITLE)
        self.resize(640, 520)

        self.unit_label = QLabel("読み込んでいます…")
        self.unit_label.setWordWrap(True)
        self.unit_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem = error_label()

        ship_box, ship = group("交換品の発送")
        self.serial = QLineEdit()
        self.serial.setPlaceholderText("交換品の製造番号（スキャンまたは入力して Enter）")
        self.serial.returnPressed.connect(self.pick)
        self.serial.textChanged.connect(lambda _text: self._enable())
        self.picked = muted_label("")
        self.ship_day = date_edit()
        self.ship_button = QPushButton("交換品を発送")
        self.ship_button.clicked.connect(self.ship)
        row = QHBoxLayout()
        row.addWidget(QLabel("発送日:"))
        row.addWidget(self.ship_day)
        row.addStretch(1)
        row.addWidget(self.ship_button)
        ship.addWidget(self.serial)
        ship.addWidget(self.picked)
        ship.addLayout(row)
        self.ship_box = ship_box

        open_box, opened = group("交換の状況")
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.receive_button = QPushButton("受領日を記録…")
        self.receive_button.clicked.connect(self.record_received)
        self.damaged = QCheckBox("破損あり（修理へ）")
        self.return_button = QPushButton("返送を受付")
        self.return_button.clicked.connect(self.take_back)
        self.charge_button = QPushButton("違約金を請求")
        self.charge_button.clicked.connect(self.charge)
        buttons = QHBoxLayout()
        for widget in (self.receive_button, self.damaged, self.return_button, self.charge_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        opened.addWidget(self.state)
        opened.addLayout(buttons)
        self.open_box = open_box

        self.message = QLabel("")
        self.message.setWordWrap(True)
        close = QDialogButtonBox()
        close.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.unit_label)
        layout.addWidget(self.problem)
        layout.addWidget(ship_box)
        layout.addWidget(open_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(close)
        # Enter belongs to the serial field (a scanner ends with it): it must never press a button
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._enable()
        self.reload()

    # -- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        ctx, unit_id = self.ctx, self.unit_id
        ctx.ops.run(lambda: replacements.replacement_view(ctx.db, unit_id), success=self.show_view, parent=self)

    def show_view(self, view: ReplacementView) -> None:
        self.view = view
        sale = (f"販売日 {format_date(view.sold_on)}　出荷日 {format_date(view.shipped_on)}　"
                f"販売価格 {format_yen(view.sale_price)}（税抜）" if view.sold_on else "当社の販売記録はありません")
        warranty = f"保証期限 {format_date(view.warranty_ends_on)}" if view.warranty_ends_on else ""
        holder = f"{view.customer_code} {view.customer_name}" if view.customer_code else "—"
        self.unit_label.setText(f"<b>{view.model_name}　{view.serial}</b>（{view.status_label}）<br>"
                                f"契約: {holder}<br>{sale}　{warranty}")
        self.problem.setText(view.problem or "")
        self.problem.setVisible(bool(view.problem) and view.open is None)
        completer = QCompleter(list(view.in_stock), self.serial)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        # inline, no popup: a scanner's Enter reaches the field (a popup would take it)
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        self.serial.setCompleter(completer)
        self.state.setText(self._state_text(view))
        self._enable()

    @staticmethod
    def _state_text(view: ReplacementView) -> str:
        o = view.open
        if o is None:
            return "交換は行われていません。"
        lines = [f"交換品 {o.new_serial} を {format_date(o.shipped_on)} に発送しました。"]
        if o.received_on is None or o.deadline is None or o.days_left is None:
            lines.append("お客様の受領日が未記録です（受領日から14日が返送期限になります）。")
        else:
            due = f"受領日 {format_date(o.received_on)}　返送期限 {format_date(o.deadline)}"
            left = f"あと{o.days_left}日" if o.days_left >= 0 else f"{o.days_late}日超過"
            lines.append(f"{due}（{left}）")
        lines.append(f"期限までに返送がない場合の違約金: {format_yen(o.penalty)}（税込・不課税）")
        return "\n".join(lines)

    def _enable(self) -> None:
        v = self.view
        self.ship_box.setEnabled(v is not None and v.can_ship)
        self.ship_button.setEnabled(v is not None and v.can_ship and bool(self.serial.text().strip()))
        self.open_box.setEnabled(v is not None and v.open is not None)
        self.receive_button.setEnabled(v is not None and v.can_record_received)
        self.return_button.setEnabled(v is not None and v.can_take_back)
        self.damaged.setEnabled(v is not None and v.can_take_back)
        self.charge_button.setEnabled(v is not None and v.can_charge)

    # -- acting ------------------------------------------------------------------------------
    def pick(self) -> None:
        """Enter in the serial field (a scanner sends it): the replacement chosen."""
        serial = self.serial.text().strip()
        in_stock = self.view.in_stock if self.view else ()
        known = serial.upper() in in_stock
        self.picked.setText(f"交換品: {serial.upper()}" if known else
                            f"{serial} は同じ機種の在庫にありません（発送すると理由を表示します）。" if serial else "")
        self._enable()

    def _run(self, call: Callable[[], ReplacementResult]) -> None:
        self.message.setText("")
        self.ctx.ops.run(call, success=self._done, invalid=self._invalid, failure=self._refused,
                         changes=Changes.EQUIPMENT, parent=self)

    def ship(self) -> None:
        ctx, unit_id, serial, day = self.ctx, self.unit_id, self.serial.text().strip(), to_date(self.ship_day)
        self._run(lambda: replacements.ship_replacement(ctx.db, ctx.actor, unit_id, serial, day))

    def record_received(self) -> None:
        if self.view is None or self.view.open is None:
            return
        day = self.ask(self, "受領日を記録", "お客様が交換品を受け取った日:")
        if day is None:
            return
        ctx, replacement_id = self.ctx, self.view.open.replacement_id
        self._run(lambda: replacements.record_received(ctx.db, ctx.actor, replacement_id, day))

    def take_back(self) -> None:
        if self.view is None or self.view.open is None:
            return
        ctx, replacement_id, damaged = self.ctx, self.view.open.replacement_id, self.damaged.isChecked()
        today = clock.today()
        self._run(lambda: replacements.old_unit_returned(ctx.db, ctx.actor, replacement_id, today, damaged))

    def charge(self) -> None:
        o = self.view.open if self.view else None
        if o is None:
            return
        if not self.confirm("違約金の請求", f"交換前の機器 {o.old_serial} の未返送違約金 {format_yen(o.penalty)} を"
                            "次の請求に加え、機器を「紛失」にします。よろしいですか？"):
            return
        ctx, replacement_id = self.ctx, o.replacement_id
        self._run(lambda: replacements.charge_replacement_penalty(ctx.db, ctx.actor, replacement_id))

    def _done(self, result: ReplacementResult) -> None:
        self.message.setText(result.message)
        self.serial.clear()
        self.picked.setText("")
        self.damaged.setChecked(False)
        self.reload()

    def _invalid(self, error: ValidationFailed) -> None:
        self.message.setText("\n".join(error.errors.values()))

    def _refused(self, error: ServiceError) -> None:
        self.message.setText(str(error))


def open_replacement_dialog(ctx: AppContext, unit_id: int, parent: QWidget | None = None) -> ReplacementDialog:
    dialog = ReplacementDialog(ctx, unit_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

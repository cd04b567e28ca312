"""A unit's window: what it is, where it is and who holds it, its whole history (every move,
who and when), and the moves that stay in the office — 修理に出す, 修理完了, 廃棄 and 紛失（在庫）.
Which are enabled is what domain.equipment.allowed_actions says of its status (and 廃棄 and 紛失
are a manager's); the others belong to the contract window and 返却管理."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.equipment import UnitAction, UnitStatus
from reseller_desk.services.equipment import stock, stock_list
from reseller_desk.services.equipment.stock_list import UnitDetail
from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.model import HISTORY_COLUMNS, HistoryModel
from reseller_desk.ui.equipment.receive import RefusalsShown
from reseller_desk.ui.equipment.replacement_dialog import open_replacement_dialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import APP_STYLE, error_label, form_layout, format_date

#: The in-office moves: the button's text, the service, whether only a manager may.
MOVES: dict[UnitAction, tuple[str, Callable[..., UnitDetail], bool]] = {
    UnitAction.SEND_TO_REPAIR: ("修理に出す", stock.send_to_repair, False),
    UnitAction.REPAIRED: ("修理完了", stock.repaired, False),
    UnitAction.DISPOSE: ("廃棄", stock.dispose, True),
    UnitAction.DECLARE_LOST: ("紛失（在庫）", stock.declare_lost_in_stock, True),
}


REPLACEABLE_ONLY = "保証交換は当社が販売した「販売済」の機器だけです（SC §21）。"


class UnitWindow(RefusalsShown, QDialog):
    #: The unit moved (its new UnitDetail).
    changed = Signal(object)

    def __init__(self, ctx: AppContext, detail: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setStyleSheet(APP_STYLE)
        self.fields: dict[str, QLabel] = {}
        form = form_layout()
        for key, title in (("serial", "製造番号"), ("mac", "MACアドレス"), ("model", "機種"), ("status", "状態"),
                           ("location", "場所"), ("holder", "契約/顧客"), ("received_on", "入庫日"), ("note", "メモ")):
            label = QLabel()
            label.setObjectName(f"unit_{key}")
            label.setWordWrap(True)
            self.fields[key] = label
            form.addRow(title, label)
        self.history_model = HistoryModel(self)
        self.history = list_table(self.history_model, HISTORY_COLUMNS, "unitHistory", self)
        history_box = QGroupBox("履歴（古い順）")
        QVBoxLayout(history_box).addWidget(self.history)
        self.note = QLineEdit()
        self.note.setObjectName("moveNote")
        self.note.setPlaceholderText("メモ（修理の内容、廃棄・紛失の理由など）")
        self.buttons: dict[UnitAction, QPushButton] = {}
        moves = QHBoxLayout()
        moves.addWidget(self.note, 1)
        for action, (text, _service, _manager) in MOVES.items():
            button = QPushButton(text)
            button.setObjectName(f"move_{action.value}")
            button.clicked.connect(lambda _=False, a=action: self.move_unit(a))
            self.buttons[action] = button
            moves.addWidget(button)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        # SC §21: a sold unit's warranty replacement, and the unit it replaced until it is back.
        self.replacement_button = QPushButton("保証交換…")
        self.replacement_button.setObjectName("replacement")
        self.replacement_button.clicked.connect(self.open_replacement)
        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.replacement_button)
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(history_box, 1)
        layout.addLayout(moves)
        layout.addWidget(self.summary)
        layout.addLayout(bottom)
        self.show_detail(detail)
        self.resize(860, 560)

    def show_detail(self, detail: UnitDetail) -> None:
        self.detail = detail
        unit = detail.unit
        self.setWindowTitle(f"機器 {unit.serial_number}（{unit.model_name}）")
        values = {"serial": unit.serial_number, "mac": unit.mac_address or "—",
                  "model": f"{unit.model_name}（{unit.kind_label}）", "status": unit.status_label,
                  "location": unit.location, "holder": unit.holder or "—",
                  "received_on": format_date(unit.received_on), "note": detail.note or "—"}
        for key, text in values.items():
            self.fields[key].setText(text)
        self.history_model.set_records(detail.history)
        replaceable = unit.status in (UnitStatus.SOLD, UnitStatus.AWAITING_RETURN)
        self.replacement_button.setEnabled(replaceable)
        self.replacement_button.setToolTip("" if replaceable else REPLACEABLE_ONLY)
        manager = self.ctx.actor.role == Role.MANAGER
        for action, button in self.buttons.items():
            allowed = action in detail.allowed
            if action is UnitAction.DECLARE_LOST:   # out with a customer: 返却管理 declares it (and charges it)
                allowed = allowed and unit.status is UnitStatus.IN_STOCK
            needs_manager = MOVES[action][2] and not manager
            button.setEnabled(allowed and not needs_manager)
            button.setToolTip("管理者だけが行えます。" if allowed and needs_manager else
                              "" if allowed else f"「{unit.status_label}」の機器にはできません。")

    def open_replacement(self) -> QDialog:
        """保証交換 of this unit (ui.equipment.replacement_dialog); the window follows what it does."""
        dialog = open_replacement_dialog(self.ctx, self.detail.unit.id, self)
        dialog.finished.connect(lambda _result: self.reload())
        return dialog

    def move_unit(self, action: UnitAction) -> None:
        ctx, unit, note = self.ctx, self.detail.unit, self.note.text()
        _text, service, _manager = MOVES[action]
        self.summary.setVisible(False)
        ctx.ops.run(lambda: service(ctx.db, ctx.actor, unit.id, note, expected_version=unit.row_version),
                    success=self._moved, failure=self._refused, invalid=self._refused,
                    reload=self.reload, changes=Changes.EQUIPMENT,
                    status=f"機器 {unit.serial_number}: {action.label}を記録しました。", parent=self)

    def _moved(self, detail: UnitDetail) -> None:
        self.note.clear()
        self.show_detail(detail)
        self.changed.emit(detail)

    def reload(self) -> None:
        ctx, unit_id = self.ctx, self.detail.unit.id
        ctx.ops.run(lambda: stock_list.unit_detail(ctx.db, unit_id), success=self.show_detail, parent=self)

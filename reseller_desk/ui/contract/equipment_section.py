"""The contract window's 機器 tab (issue 11): the units lent and sold to the contract
(services.equipment.holdings) and the actions on them, each through its service in
services.equipment.lending, off the UI thread (Operations), announcing Changes.EQUIPMENT.

- 貸出… (a serial typed or scanned, then Enter; the day): disabled, with the service's reason
  as its tooltip, when the contract's terms do not lend (SC) or the contract is not live.
- 販売… (a serial; the price filled in from the model's price in force, which may be changed).
- 入金確認… (managers; a note), 出荷 (disabled with the reason while not paid, SC §10.4),
  販売の取消… (managers; a reason), 返却（契約中）… on the selected unit.

A refusal is shown beside the field at fault (ValidationFailed) or above the form; the tab's own
refusals (出荷) in a red line under the buttons. No rule is decided here: the buttons follow
what the service read (its ``lend_problem``, each sale's ``ship_problem``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.equipment import UnitStatus
from reseller_desk.services.contracts.detail import ContractDetail
from reseller_desk.services.equipment import holdings, lending
from reseller_desk.services.equipment.holdings import ContractEquipment, HeldUnit, SaleQuote
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.actions import ActionDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    date_edit,
    error_label,
    format_date,
    format_yen,
    muted_label,
    to_date,
    yen_spin_box,
)

COLUMNS = (
    Column("serial_number", "製造番号", 120),
    Column("model_name", "機種", 160),
    Column("holding", "区分", 48, ALIGN_CENTER),
    Column("state_label", "状態", 140),
    Column("day", "貸出日/出荷日", 100, text=lambda u: format_date(u.day)),
    Column("sale_price", "販売価格（税抜）", 110, ALIGN_RIGHT,
           lambda u: format_yen(u.sale_price) if u.sale_price is not None else ""),
)
MANAGERS_ONLY = "{}は管理者だけが行えます。"


class EquipmentSection(QWidget):
    """The 機器 tab of contract ``contract_id``. Emits :attr:`acted` with a service's message."""

    acted = Signal(str)
    #: A dialog was opened (the dialog), for tests.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, detail: ContractDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.contract_id = detail.id
        self.equipment: ContractEquipment | None = None
        self.model: RecordTableModel[HeldUnit] = RecordTableModel(COLUMNS, self)
        self.table = list_table(self.model, COLUMNS, "equipmentTable", self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.lend_button = self._button("貸出…", "lendUnit", self.start_lend)
        self.sell_button = self._button("販売…", "sellUnit", self.start_sell)
        self.paid_button = self._button("入金確認…", "confirmPaid", self.start_confirm_paid)
        self.ship_button = self._button("出荷", "shipSale", self.ship_selected)
        self.cancel_button = self._button("販売の取消…", "cancelSale", self.start_cancel_sale)
        self.return_button = self._button("返却（契約中）…", "endRental", self.start_end_rental)
        row = QHBoxLayout()
        for button in (self.lend_button, self.sell_button, self.paid_button, self.ship_button, self.cancel_button,
                       self.return_button):
            row.addWidget(button)
        row.addStretch(1)
        self.refusal = error_label()
        self.refusal.setObjectName("equipmentRefusal")
        self.reason_label = muted_label("")
        self.reason_label.setObjectName("shipReason")
        self.note_label = muted_label("")
        self.note_label.setObjectName("equipmentNote")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.refusal)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.note_label)
        ctx.changes.changed.connect(self._data_changed)
        self._update_buttons()
        self.reload()

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # -- showing -------------------------------------------------------------------------
    def show_contract(self, detail: ContractDetail) -> None:
        """The window read the contract again (its status decides what may be lent or sold)."""
        self.detail = detail
        self.reload()

    def reload(self) -> None:
        db, contract_id = self.ctx.db, self.contract_id
        self.ctx.ops.run(lambda: holdings.units_of_contract(db, contract_id), success=self.show_equipment, parent=self)

    def show_equipment(self, equipment: ContractEquipment) -> None:
        self.equipment = equipment
        self.model.set_records(equipment.units)
        lent = sum(1 for unit in equipment.units if unit.holding == holdings.LENT)
        self.note_label.setText(f"貸出 {lent}台・販売 {len(equipment.units) - lent}台。"
                                "貸出中の機器の月額料金は毎月の請求に含まれます（日割りなし）。")
        self._update_buttons()

    def units(self) -> list[HeldUnit]:
        return list(self.model.records)

    def select_serial(self, serial: str) -> bool:
        for row, unit in enumerate(self.model.records):
            if unit.serial_number == serial:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> HeldUnit | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        manager = self.ctx.actor.role == Role.MANAGER
        equipment, unit = self.equipment, self.selected()
        lend_problem = equipment.lend_problem if equipment else ""
        sell_problem = equipment.sell_problem if equipment else ""
        self._enable(self.lend_button, lend_problem, "製造番号を読み取って（入力して Enter）、この契約に貸し出します。")
        self._enable(self.sell_button, sell_problem, "製造番号を読み取って、この契約の顧客に販売します。")
        sale = unit if unit is not None and unit.sale_id is not None else None
        pick_sale = "一覧で販売した機器を選んでください。"
        open_sale = pick_sale if sale is None else "出荷済みです。" if sale.shipped_on else None
        paid = "入金確認済みです。" if sale is not None and sale.paid else None
        self._enable(self.paid_button, MANAGERS_ONLY.format("入金確認") if not manager else open_sale or paid,
                     "販売代金の入金を確認したことを記録します。")
        self._enable(self.ship_button, open_sale or (sale.ship_problem if sale else None),
                     "選んだ販売機器を本日出荷します。")
        self._enable(self.cancel_button, MANAGERS_ONLY.format("販売の取消") if not manager else open_sale,
                     "出荷前の販売を取り消し、機器を在庫に戻します（請求は減額で訂正）。")
        lent = unit is not None and unit.holding == holdings.LENT
        back = ("一覧で貸出中の機器を選んでください。" if not lent else
                "契約終了後の返却は返却管理の「返却受付」で受け付けます。"
                if unit is not None and unit.status is UnitStatus.AWAITING_RETURN else None)
        self._enable(self.return_button, back, "契約中に戻ってきた貸出機器を受け付けます。")
        waiting = sale.ship_problem if sale is not None and not sale.shipped_on else None
        self.reason_label.setText(f"{sale.serial_number}: {waiting}" if sale is not None and waiting else "")
        self.reason_label.setVisible(bool(waiting))

    @staticmethod
    def _enable(button: QPushButton, why_not: str | None, tip: str) -> None:
        button.setEnabled(why_not is None)
        button.setToolTip(why_not or tip)

    # -- acting --------------------------------------------------------------------------
    def start_lend(self) -> EquipmentDialog:
        return self._open(LendDialog(self.ctx, self.detail, self))

    def start_sell(self) -> EquipmentDialog:
        return self._open(SellDialog(self.ctx, self.detail, self))

    def start_confirm_paid(self) -> EquipmentDialog | None:
        unit = self.selected()
        if unit is None or unit.sale_id is None:
            return None
        return self._open(ConfirmPaidDialog(self.ctx, self.detail, self, unit))

    def start_cancel_sale(self) -> EquipmentDialog | None:
        unit = self.selected()
        if unit is None or unit.sale_id is None:
            return None
        return self._open(CancelSaleDialog(self.ctx, self.detail, self, unit))

    def start_end_rental(self) -> EquipmentDialog | None:
        unit = self.selected()
        if unit is None or unit.rental_id is None:
            return None
        return self._open(EndRentalDialog(self.ctx, self.detail, self, unit))

    def ship_selected(self) -> None:
        unit = self.selected()
        if unit is None or unit.sale_id is None:
            return
        db, actor, sale_id = self.ctx.db, self.ctx.actor, unit.sale_id
        self.refusal.setVisible(False)
        self.ctx.ops.run(lambda: lending.ship_sale(db, actor, sale_id), success=self._done, failure=self._refused,
                         invalid=self._refused, changes=Changes.EQUIPMENT, parent=self)

    def _open(self, dialog: EquipmentDialog) -> EquipmentDialog:
        dialog.done_with.connect(self._acted)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _done(self, result: lending.EquipmentResult) -> None:
        self._acted(result.message)

    def _acted(self, message: str) -> None:
        self.refusal.setVisible(False)
        self.acted.emit(message)
        self.reload()

    def _refused(self, error: ServiceError) -> None:
        self.refusal.setText(str(error))
        self.refusal.setVisible(True)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.EQUIPMENT, Changes.CONTRACTS) and self.window().isVisible():
            self.reload()


class EquipmentDialog(ActionDialog):
    """One action of the 機器 tab (ui.contract.actions.ActionDialog: fields with a red label
    under each, 実行 and キャンセル), on the selected ``unit`` when it acts on one; what it does
    is announced as Changes.EQUIPMENT."""

    def __init__(self, ctx: AppContext, detail: ContractDetail, parent: QWidget | None = None,
                 unit: HeldUnit | None = None) -> None:
        self.unit = unit
        super().__init__(ctx, detail, parent)
        if unit is not None:
            self.form.insertRow(0, "機器", QLabel(f"{unit.serial_number}　{unit.model_name}　{unit.state_label}"))

    def note_field(self, name: str, label: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setFixedHeight(60)
        edit.setObjectName(name)
        self.field(name, label, edit)
        return edit

    def submit(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        self.confirm_button.setEnabled(False)
        self.ctx.ops.run(self.call, success=self._succeeded, invalid=self.show_invalid, failure=self.show_refused,
                         changes=Changes.EQUIPMENT, done=lambda: self.confirm_button.setEnabled(True), parent=self)


def serial_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName("serial")
    edit.setPlaceholderText("バーコードを読み取るか入力して Enter")
    edit.setMinimumWidth(260)
    return edit


class LendDialog(EquipmentDialog):
    title = "機器の貸出"
    confirm_text = "貸し出す"

    def build(self) -> None:
        self.serial = serial_edit()
        self.field("serial", "製造番号", self.serial)
        self.serial.returnPressed.connect(self.submit)   # a scanner types the serial and Enter
        self.on = date_edit(self.today)
        self.field("on", "貸出日", self.on)

    def call(self) -> Any:
        db, actor, cid, serial, on = self.ctx.db, self.ctx.actor, self.detail.id, self.serial.text(), to_date(self.on)
        return lending.lend_unit(db, actor, cid, serial, on)


class SellDialog(EquipmentDialog):
    """販売: the serial, then (Enter, or leaving the field) its model and price in force are read
    and the price filled in; the price may be changed before 販売する."""

    title = "機器の販売"
    confirm_text = "販売する"

    def build(self) -> None:
        self.serial = serial_edit()
        self.field("serial", "製造番号", self.serial)
        self.serial.returnPressed.connect(self.look_up)
        self.serial.editingFinished.connect(self.look_up)
        self.model_label = muted_label("")
        self.model_label.setObjectName("modelName")
        self.form.addRow("機種", self.model_label)
        self.price = yen_spin_box()
        self.field("price", "販売価格（税抜）", self.price)
        self.on = date_edit(self.today)
        self.field("on", "販売日", self.on)
        self._looked_up = ""

    def look_up(self) -> None:
        serial, db, on = self.serial.text(), self.ctx.db, to_date(self.on)
        if serial == self._looked_up:
            return
        self._looked_up = serial
        self.ctx.ops.run(lambda: holdings.sale_quote(db, serial, on), success=self._quoted, parent=self)

    def _quoted(self, quote: SaleQuote | None) -> None:
        if quote is None:
            self.model_label.setText("（この製造番号の機器は見つかりません）")
            return
        self.model_label.setText(f"{quote.model_name}（{quote.status_label}）")
        self.price.setValue(quote.price)
        self.price.setFocus()

    def call(self) -> Any:
        db, actor, cid = self.ctx.db, self.ctx.actor, self.detail.id
        serial, price, on = self.serial.text(), self.price.value(), to_date(self.on)
        return lending.sell_unit(db, actor, cid, serial, price, on)


class ConfirmPaidDialog(EquipmentDialog):
    title = "販売代金の入金確認"
    confirm_text = "入金確認を記録"

    def build(self) -> None:
        assert self.unit is not None
        self.form.addRow("販売価格（税抜）", QLabel(format_yen(self.unit.sale_price)))
        self.note = self.note_field("note", "確認の内容")
        self.note.setPlaceholderText("例: 11月18日 振込入金を通帳で確認")

    def call(self) -> Any:
        assert self.unit is not None
        db, actor, sale_id, note = self.ctx.db, self.ctx.actor, self.unit.sale_id, self.note.toPlainText()
        return lending.confirm_sale_paid(db, actor, sale_id, note)  # type: ignore[arg-type]


class CancelSaleDialog(EquipmentDialog):
    title = "販売の取消"
    confirm_text = "販売を取り消す"

    def build(self) -> None:
        self.reason = self.note_field("note", "取消の理由")
        self.form.addRow("", muted_label("機器は在庫に戻り、販売代金は同じ額の減額で訂正されます"
                                         "（請求済みなら次の請求で）。"))

    def call(self) -> Any:
        assert self.unit is not None
        db, actor, sale_id, reason = self.ctx.db, self.ctx.actor, self.unit.sale_id, self.reason.toPlainText()
        return lending.cancel_sale(db, actor, sale_id, reason)  # type: ignore[arg-type]


class EndRentalDialog(EquipmentDialog):
    title = "返却（契約中）"
    confirm_text = "返却を受け付ける"

    def build(self) -> None:
        self.on = date_edit(self.today)
        self.field("on", "返却日", self.on)
        self.damaged = QCheckBox("破損あり（修理へ回す）")
        self.damaged.setObjectName("damaged")
        self.form.addRow("", self.damaged)
        self.note = self.note_field("note", "メモ")

    def call(self) -> Any:
        assert self.unit is not None
        db, actor, unit_id = self.ctx.db, self.ctx.actor, self.unit.unit_id
        on, damaged, note = to_date(self.on), self.damaged.isChecked(), self.note.toPlainText()
        return lending.end_rental(db, actor, unit_id, on, damaged=damaged, note=note)

"""設定 → 機器: the models (機種) with their kind, maker, prices this month (a later change is the
cell's tooltip), warranty and accessories. 機種を追加 and 変更 open :class:`ModelDialog` (the details
and the accessories, each with its replacement price); 価格改定… opens :class:`ModelPriceDialog`
(the prices from a month, as for plans: an invoiced month is never repriced). A manager edits;
anyone else reads."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.equipment import EquipmentKind
from reseller_desk.services.equipment import catalog, return_settings
from reseller_desk.services.equipment.catalog import AccessoryDetails, ModelDetails, ModelPriceRow, ModelRecord
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.permissions import Role
from reseller_desk.services.settings import NO_COMPANY_ROW
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.changes import month_edit
from reseller_desk.ui.equipment.receive import RefusalsShown
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import MANAGER_ONLY, SettingsTab
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    APP_STYLE,
    MONEY_ALIGNMENT,
    Column,
    FieldErrors,
    error_label,
    field_cell,
    form_layout,
    format_yen,
    group,
    month_text,
    muted_label,
    to_date,
    yen_spin_box,
)

MODEL_COLUMNS = (
    Column("code", "コード", 110, text=lambda r: r.details.code),
    Column("name", "名称", 200, text=lambda r: r.details.name),
    Column("kind", "種類", 80, text=lambda r: r.details.kind.label),
    Column("maker", "メーカー", 110, text=lambda r: r.details.maker),
    Column("sale_price", "販売価格", 90, MONEY_ALIGNMENT, lambda r: format_yen(r.price_now.sale_price)),
    Column("rental_fee", "月額レンタル料", 100, MONEY_ALIGNMENT, lambda r: format_yen(r.price_now.rental_fee)),
    Column("warranty_months", "保証", 60, MONEY_ALIGNMENT, lambda r: f"{r.details.warranty_months}か月"),
    Column("accessories", "付属品", 220, text=lambda r: "、".join(a.name for a in r.accessories)),
    Column("active", "有効", 60, ALIGN_CENTER, lambda r: "有効" if r.details.active else "停止"),
)
PRICE_KEYS = ("sale_price", "rental_fee")


class ModelTableModel(RecordTableModel[ModelRecord]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(MODEL_COLUMNS, parent)

    def tooltip(self, record: ModelRecord, column: Column) -> str | None:
        if column.key in PRICE_KEYS and record.next_price is not None:
            return (f"今月の価格です。{month_text(record.next_from)}から "
                    f"{format_yen(getattr(record.next_price, column.key))}（価格改定）")
        return super().tooltip(record, column)

    def extra_data(self, record: ModelRecord, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not record.details.active:
            return QBrush(QColor("#9e9e9e"))
        return None


class EquipmentTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialogs: list[QDialog] = []
        self.model = ModelTableModel(self)
        self.table = list_table(self.model, MODEL_COLUMNS, "modelTable", self)
        self.table.doubleClicked.connect(lambda index: self.edit(index.row()) if self.editable else None)
        self.add_button = QPushButton("機種を追加")
        self.add_button.setObjectName("addModel")
        self.add_button.clicked.connect(lambda: self.add())
        self.edit_button = QPushButton("変更")
        self.edit_button.setObjectName("editModel")
        self.edit_button.clicked.connect(lambda: self.edit(self.table.currentIndex().row()))
        prices = QPushButton("価格改定…")
        prices.setObjectName("modelPrices")
        prices.setToolTip("適用月を指定して販売価格・レンタル料を変えます（請求済みの月は変わりません）。")
        prices.clicked.connect(lambda: self.open_prices(self.table.currentIndex().row()))
        row = QHBoxLayout()
        row.addWidget(muted_label("金額は税抜・円。販売価格・レンタル料は今月の価格です。"), 1)
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addWidget(prices)
        # The return deadline: days after a contract ends (SH §13.4, 返却管理 and 機器返却のお願い).
        self.return_days = QSpinBox()
        self.return_days.setObjectName("returnDays")
        self.return_days.setRange(1, return_settings.MAX_RETURN_DAYS)
        self.return_days.setSuffix(" 日後")
        self.return_days_version = NO_COMPANY_ROW
        self.save_days_button = QPushButton("保存")
        self.save_days_button.setObjectName("saveReturnDays")
        self.save_days_button.clicked.connect(self.save_return_days)
        days_row = QHBoxLayout()
        days_row.addWidget(QLabel("貸与機器の返却期限: 契約終了の"))
        days_row.addWidget(self.return_days)
        days_row.addWidget(muted_label("（休業日なら翌営業日。依頼済みの返却の期限は変わりません）"), 1)
        days_row.addWidget(self.save_days_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(days_row)
        layout.addWidget(self.status)
        ctx.changes.changed.connect(lambda what: self.load() if what in (Changes.EQUIPMENT, Changes.SETTINGS) else None)
        self.set_editable(ctx.actor.role == Role.MANAGER)
        self.load()

    def changing_widgets(self) -> list[QWidget]:
        return [self.add_button, self.edit_button, self.return_days, self.save_days_button]

    def load(self) -> None:
        db, today = self.ctx.db, clock.today()
        self.ctx.ops.run(lambda: catalog.list_models(db, today=today), success=self.model.set_records, parent=self)
        self.ctx.ops.run(lambda: return_settings.return_settings(db), success=self._days_loaded, parent=self)

    def _days_loaded(self, setting: return_settings.ReturnSettings) -> None:
        self.return_days.setValue(setting.days)
        self.return_days_version = setting.version

    def save_return_days(self) -> None:
        ctx, days, shown = self.ctx, self.return_days.value(), self.return_days_version
        ctx.ops.run(lambda: return_settings.save_return_days(ctx.db, ctx.actor, days, expected_version=shown),
                    success=self._days_loaded, invalid=lambda e: self.set_status(" ".join(e.errors.values()), True),
                    failure=self.refused, reload=self.load, changes=Changes.SETTINGS,
                    status=f"返却期限を契約終了の{days}日後にしました。", parent=self)

    def add(self) -> ModelDialog:
        return self._opened(ModelDialog(self.ctx, None, self.window()))

    def edit(self, row: int) -> ModelDialog | None:
        record = self.model.record(row)
        return None if record is None else self._opened(ModelDialog(self.ctx, record, self.window()))

    def open_prices(self, row: int) -> ModelPriceDialog | None:
        record = self.model.record(row)
        if record is None:
            self.set_status("価格を改定する機種を一覧で選んでください。", error=True)
            return None
        self.set_status("")
        return self._opened(ModelPriceDialog(self.ctx, record, self.window()))

    def _opened(self, dialog: Any) -> Any:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        dialog.open()
        return dialog


class ModelDialog(RefusalsShown, QDialog):
    """A model's details and accessories: added (``record`` None) or changed."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, record: ModelRecord | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.setWindowTitle("機種の追加" if record is None else f"機種の変更 — {record.details.name}")
        self.setStyleSheet(APP_STYLE)
        details = record.details if record else ModelDetails("", "")
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.code, self.name, self.maker = QLineEdit(details.code), QLineEdit(details.name), QLineEdit(details.maker)
        self.kind = QComboBox()
        for kind in EquipmentKind:
            self.kind.addItem(kind.label, kind)
        self.kind.setCurrentIndex(self.kind.findData(details.kind))
        self.sale_price, self.rental_fee = yen_spin_box(), yen_spin_box()
        self.sale_price.setValue(details.sale_price)
        self.rental_fee.setValue(details.rental_fee)
        self.warranty_months = QSpinBox()
        self.warranty_months.setRange(0, catalog.MAX_WARRANTY_MONTHS)
        self.warranty_months.setSuffix(" か月")
        self.warranty_months.setValue(details.warranty_months)
        self.active = QCheckBox("有効（停止中の機種には入庫できません）")
        self.active.setChecked(details.active)
        self.notes = QPlainTextEdit(details.notes)
        self.notes.setFixedHeight(60)
        form = form_layout()
        for key, title, widget in (("code", "コード", self.code), ("name", "名称", self.name),
                                   ("kind", "種類", self.kind),
                                   ("maker", "メーカー", self.maker), ("sale_price", "販売価格", self.sale_price),
                                   ("rental_fee", "月額レンタル料", self.rental_fee),
                                   ("warranty_months", "保証期間", self.warranty_months), ("active", "", self.active),
                                   ("notes", "備考", self.notes)):
            widget.setObjectName(key)
            form.addRow(title, field_cell(widget, labels=[self.errors.add(key, widget)], left=key != "name"))
        self.accessories = QTableWidget(0, 2)
        self.accessories.setObjectName("accessories")
        self.accessories.setHorizontalHeaderLabels(["付属品", "弁償額（円）"])
        self.accessories.setColumnWidth(0, 260)
        self.accessories.horizontalHeader().setStretchLastSection(True)
        self.accessories.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.accessory_ids: list[int | None] = []
        for accessory in record.accessories if record else ():
            self.add_accessory(accessory)
        add_row, remove_row = QPushButton("付属品を追加"), QPushButton("選んだ付属品を削除")
        add_row.clicked.connect(lambda: self.add_accessory(AccessoryDetails("", 0)))
        remove_row.clicked.connect(self.remove_accessory)
        accessory_box, accessory_layout = group("付属品（返却されないときの弁償額）")
        accessory_layout.addWidget(self.accessories)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(add_row)
        buttons.addWidget(remove_row)
        accessory_layout.addLayout(buttons)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveModel")
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(accessory_box, 1)
        layout.addLayout(bottom)
        self.resize(620, 680)

    def add_accessory(self, accessory: AccessoryDetails) -> None:
        row = self.accessories.rowCount()
        self.accessories.insertRow(row)
        self.accessories.setItem(row, 0, QTableWidgetItem(accessory.name))
        price = QTableWidgetItem(str(accessory.replacement_price))
        price.setTextAlignment(MONEY_ALIGNMENT)
        self.accessories.setItem(row, 1, price)
        self.accessory_ids.append(accessory.accessory_id)

    def remove_accessory(self) -> None:
        row = self.accessories.currentRow()
        if row >= 0:
            self.accessories.removeRow(row)
            del self.accessory_ids[row]

    def values(self) -> tuple[ModelDetails, list[AccessoryDetails]]:
        details = ModelDetails(self.code.text(), self.name.text(), self.kind.currentData(), self.maker.text(),
                               self.sale_price.value(), self.rental_fee.value(), self.warranty_months.value(),
                               self.active.isChecked(), self.notes.toPlainText())
        accessories = []
        for row, accessory_id in enumerate(self.accessory_ids):
            name, price = self.accessories.item(row, 0), self.accessories.item(row, 1)
            text = (price.text() if price else "").replace(",", "").replace("円", "").strip()
            accessories.append(AccessoryDetails(name.text() if name else "", int(text) if text.isdigit() else -1,
                                                accessory_id))
        return details, accessories

    def save(self) -> None:
        ctx, record = self.ctx, self.record
        details, accessories = self.values()
        model_id, version = (record.id, record.row_version) if record else (None, None)
        self.summary.setVisible(False)
        ctx.ops.run(lambda: catalog.save_model(ctx.db, ctx.actor, model_id, details, accessories,
                                               expected_version=version),
                    success=self._saved, invalid=self._invalid, failure=self._refused, changes=Changes.EQUIPMENT,
                    status=f"機種「{details.name}」を保存しました。", parent=self)

    def _saved(self, record: ModelRecord) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()


HISTORY_COLUMNS = (
    Column("from_month", "適用月", 110, text=lambda h: month_text(h.from_month) if h.from_month else "当初から"),
    Column("sale_price", "販売価格", 100, MONEY_ALIGNMENT, lambda h: format_yen(h.sale_price)),
    Column("rental_fee", "月額レンタル料", 110, MONEY_ALIGNMENT, lambda h: format_yen(h.rental_fee)),
    Column("recorded_by", "登録者", 120, text=lambda h: h.recorded_by if h.change_id else "（作成時の価格）"),
    Column("billed", "請求", 80, text=lambda h: "請求済み" if h.billed else ""),
)


class ModelPriceDialog(RefusalsShown, QDialog):
    """A model's prices from each month, and the form to add or remove a change."""

    changed = Signal(object)

    def __init__(self, ctx: AppContext, record: ModelRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.editable = ctx.actor.role == Role.MANAGER
        self.setWindowTitle(f"価格改定 — 機種「{record.details.name}」")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.model: RecordTableModel[ModelPriceRow] = RecordTableModel(HISTORY_COLUMNS, self)
        self.table = list_table(self.model, HISTORY_COLUMNS, "modelPriceHistory", self)
        self.remove_button = QPushButton("選んだ価格改定を削除")
        self.remove_button.setObjectName("removeModelPrice")
        self.remove_button.clicked.connect(self.remove_selected)
        self.from_month = month_edit(clock.today())
        self.sale_price, self.rental_fee = yen_spin_box(), yen_spin_box()
        self.sale_price.setValue(record.price_now.sale_price)
        self.rental_fee.setValue(record.price_now.rental_fee)
        self.add_button = QPushButton("追加")
        self.add_button.setObjectName("addModelPrice")
        self.add_button.clicked.connect(self.add)
        form = form_layout()
        for key, title, widget in (("from_month", "適用月", self.from_month),
                                   ("sale_price", "販売価格", self.sale_price),
                                   ("rental_fee", "月額レンタル料", self.rental_fee)):
            widget.setObjectName(key)
            form.addRow(title, field_cell(widget, labels=[self.errors.add(key, widget)], left=True))
        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(self.add_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(bottom)
        for part in (self.from_month, self.sale_price, self.rental_fee, self.add_button, self.remove_button):
            part.setEnabled(self.editable)
            part.setToolTip("" if self.editable else MANAGER_ONLY)
        self.resize(600, 480)
        self.load()

    def load(self) -> None:
        db, model_id = self.ctx.db, self.record.id
        self.ctx.ops.run(lambda: catalog.model_price_history(db, model_id), success=self.model.set_records,
                         failure=self._refused, parent=self)

    def add(self) -> None:
        ctx, model_id = self.ctx, self.record.id
        month, sale, rent = to_date(self.from_month).replace(day=1), self.sale_price.value(), self.rental_fee.value()
        self.summary.setVisible(False)
        ctx.ops.run(lambda: catalog.add_price_change(ctx.db, ctx.actor, model_id, from_month=month, sale_price=sale,
                                                     rental_fee=rent),
                    success=self._changed, invalid=self._invalid, failure=self._refused, changes=Changes.EQUIPMENT,
                    status=f"{month_text(month)}からの価格を登録しました。", parent=self)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        chosen = self.model.record(rows[0].row()) if rows else None
        if chosen is None or chosen.change_id is None:
            self._refused(ServiceError("削除する価格改定を選んでください（作成時の価格は削除できません）。"))
            return
        ctx, change_id = self.ctx, chosen.change_id
        ctx.ops.run(lambda: catalog.remove_price_change(ctx.db, ctx.actor, change_id), success=self._changed,
                    invalid=self._invalid, failure=self._refused, changes=Changes.EQUIPMENT, parent=self)

    def _changed(self, history: list[ModelPriceRow]) -> None:
        self.errors.clear()
        self.model.set_records(history)
        self.changed.emit(history)


__all__ = ["EquipmentTab", "ModelDialog", "ModelPriceDialog"]

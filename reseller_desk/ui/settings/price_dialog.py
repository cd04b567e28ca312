"""価格改定: one plan's (or option's) prices with the month each takes effect — the price it
was created with first, then each change — and a form to add a change from a month (by default
next month) or remove one not yet billed (services.prices: a month already invoiced for the
service is never repriced; the refusal lands beside the field). Whoever may not change settings
sees the history only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.domain.prices import PricedItem
from reseller_desk.services import prices as price_service
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Role
from reseller_desk.services.prices import PriceHistoryRow
from reseller_desk.services.settings import PlanRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.changes import month_edit
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import MANAGER_ONLY
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    APP_STYLE,
    MONEY_ALIGNMENT,
    Column,
    FieldErrors,
    error_label,
    field_cell,
    form_layout,
    format_local_datetime,
    format_yen,
    group,
    month_text,
    muted_label,
    to_date,
    yen_spin_box,
)

HISTORY_COLUMNS = (
    Column("from_month", "適用月", 110, text=lambda h: month_text(h.from_month) if h.from_month else "当初から"),
    Column("monthly_fee", "月額", 100, MONEY_ALIGNMENT, lambda h: format_yen(h.monthly_fee)),
    Column("initial_fee", "初期費用", 100, MONEY_ALIGNMENT, lambda h: format_yen(h.initial_fee)),
    Column("recorded_by", "登録者", 120, text=lambda h: h.recorded_by if h.change_id else "（作成時の価格）"),
    Column("billed", "請求", 80, text=lambda h: "請求済み" if h.billed else ""),
)
NOT_REMOVABLE = "作成時の価格と、請求済みの月に使われた価格は削除できません。"


class PriceHistoryModel(RecordTableModel[PriceHistoryRow]):
    """The prices of one item; a billed one is greyed (it can no longer be removed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(HISTORY_COLUMNS, parent)

    def tooltip(self, record: PriceHistoryRow, column: Column) -> str | None:
        if column.key == "recorded_by" and record.recorded_at is not None:
            return f"{record.recorded_by} {format_local_datetime(record.recorded_at)}"
        return super().tooltip(record, column)

    def extra_data(self, record: PriceHistoryRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and record.billed:
            return QBrush(QColor("#757575"))
        return None


class PriceDialog(QDialog):
    """The price history of ``record`` (a plan, or an option with ``item`` OPTION) and its form."""

    #: The history changed (a change added or removed): the tables behind show the new price.
    changed = Signal(object)

    def __init__(self, ctx: AppContext, item: PricedItem, record: PlanRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item = item
        self.record = record
        self.history: list[PriceHistoryRow] = []
        self.editable = ctx.actor.role == Role.MANAGER
        noun = "オプション" if item is PricedItem.OPTION else "プラン"
        self.setWindowTitle(f"価格改定 — {noun}「{record.details.name}」（{record.profile_name}）")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("summary")

        self.model = PriceHistoryModel(self)
        self.table = list_table(self.model, HISTORY_COLUMNS, "priceHistory", self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.remove_button = QPushButton("選んだ価格改定を削除")
        self.remove_button.setObjectName("removePriceChange")
        self.remove_button.clicked.connect(self.remove_selected)
        history_box, history_layout = group("価格の履歴")
        history_layout.addWidget(self.table)
        remove_row = QHBoxLayout()
        remove_row.addWidget(muted_label("請求済みの月の価格は変わりません。"), 1)
        remove_row.addWidget(self.remove_button)
        history_layout.addLayout(remove_row)

        today = clock.today()
        self.from_month = month_edit(today)
        self.from_month.setObjectName("from_month")
        self.from_month.setToolTip("この月の利用分から新しい価格で請求します（請求済みの月は選べません）。")
        self.monthly_fee = yen_spin_box()
        self.monthly_fee.setObjectName("monthly_fee")
        self.initial_fee = yen_spin_box()
        self.initial_fee.setObjectName("initial_fee")
        self.add_button = QPushButton("追加")
        self.add_button.setObjectName("addPriceChange")
        self.add_button.clicked.connect(self.add)
        form = form_layout()
        for name, title, widget in (("from_month", "適用月", self.from_month),
                                    ("monthly_fee", "月額", self.monthly_fee),
                                    ("initial_fee", "初期費用", self.initial_fee)):
            form.addRow(title, field_cell(widget, labels=[self.errors.add(name, widget)], left=True))
        form_box, form_layout_ = group("価格改定の追加")
        form_layout_.addLayout(form)
        add_row = QHBoxLayout()
        add_row.addWidget(muted_label("金額は税抜・円単位。初期費用はこの月以降に課金開始する契約に請求します。"), 1)
        add_row.addWidget(self.add_button)
        form_layout_.addLayout(add_row)

        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(history_box, 1)
        layout.addWidget(form_box)
        layout.addLayout(bottom)
        changing: tuple[QWidget, ...] = (self.from_month, self.monthly_fee, self.initial_fee, self.add_button)
        for part in changing:
            part.setEnabled(self.editable)
            if not self.editable:
                part.setToolTip(MANAGER_ONLY)
        self._selection_changed()
        self.resize(620, 560)
        self.load()

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> None:
        db, item, item_id = self.ctx.db, self.item, self.record.id
        self.ctx.ops.run(lambda: price_service.price_history(db, item, item_id), success=self._loaded,
                         failure=self._refused, parent=self)

    def _loaded(self, history: list[PriceHistoryRow]) -> None:
        first_load = not self.history
        self.history = list(history)
        self.model.set_records(self.history)
        if first_load and self.history:  # start from the latest price: a change usually moves it a little
            latest = self.history[-1]
            self.monthly_fee.setValue(latest.monthly_fee)
            self.initial_fee.setValue(latest.initial_fee)
        self._selection_changed()

    def selected(self) -> PriceHistoryRow | None:
        indexes = self.table.selectionModel().selectedRows()
        return self.model.record(indexes[0].row()) if indexes else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        removable = self.editable and chosen is not None and chosen.change_id is not None and not chosen.billed
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(MANAGER_ONLY if not self.editable else
                                      "" if removable or chosen is None else NOT_REMOVABLE)

    # -- changing -----------------------------------------------------------------------------
    def add(self) -> None:
        month = to_date(self.from_month).replace(day=1)
        monthly, initial = self.monthly_fee.value(), self.initial_fee.value()
        ctx, item, item_id = self.ctx, self.item, self.record.id
        self.summary.setVisible(False)
        self.add_button.setEnabled(False)
        self.ctx.ops.run(lambda: price_service.add_price_change(ctx.db, ctx.actor, item, item_id, from_month=month,
                                                                monthly_fee=monthly, initial_fee=initial),
                         success=self._changed, invalid=self._invalid, failure=self._refused,
                         done=lambda: self.add_button.setEnabled(self.editable), changes=Changes.SETTINGS,
                         status=f"{month_text(month)}からの価格を登録しました。", parent=self)

    def remove_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or chosen.change_id is None:
            return
        ctx, change_id = self.ctx, chosen.change_id
        self.summary.setVisible(False)
        self.ctx.ops.run(lambda: price_service.remove_price_change(ctx.db, ctx.actor, change_id),
                         success=self._changed, invalid=self._invalid, failure=self._refused,
                         changes=Changes.SETTINGS,
                         status=f"{month_text(chosen.from_month)}からの価格改定を削除しました。", parent=self)

    def _changed(self, history: list[PriceHistoryRow]) -> None:
        self.errors.clear()
        self._loaded(history)
        self.changed.emit(history)

    def _invalid(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def _refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def error_text(self, field: str) -> str:
        return self.errors.message(field)

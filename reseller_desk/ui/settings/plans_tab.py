"""プラン・オプション: the plans and options of each service (terms profile), with their fees in
yen, right-aligned: the price in force this month (services.prices; a later change is the
cell's tooltip); 追加 and 変更 open the plan dialog, 価格改定… the price history and its form
(ui.settings.price_dialog). The services offered are read off the UI thread, like the plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.prices import PricedItem
from reseller_desk.services import prices as price_service
from reseller_desk.services import settings as settings_service
from reseller_desk.services.prices import PriceNow
from reseller_desk.services.settings import PlanRecord, ProfileInfo
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.settings.plan_dialog import PlanDialog
from reseller_desk.ui.settings.price_dialog import PriceDialog
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import ALIGN_CENTER, MONEY_ALIGNMENT, Column, format_yen, month_text

PLAN_COLUMNS = (
    Column("code", "コード", 110, text=lambda r: r.details.code),
    Column("name", "名称", 220, text=lambda r: r.details.name),
    Column("monthly_fee", "月額", 90, MONEY_ALIGNMENT, lambda r: format_yen(r.details.monthly_fee)),
    Column("initial_fee", "初期費用", 90, MONEY_ALIGNMENT, lambda r: format_yen(r.details.initial_fee)),
    Column("minimum_term_months", "最低利用期間", 100, MONEY_ALIGNMENT,
           lambda r: f"{r.details.minimum_term_months}か月" if r.details.minimum_term_months else "なし"),
    Column("early_termination_fee", "契約解除料", 100, MONEY_ALIGNMENT,
           lambda r: format_yen(r.details.early_termination_fee)),
    Column("requires_face_to_face", "対面販売要", 80, ALIGN_CENTER,
           lambda r: "要" if r.details.requires_face_to_face else ""),
    Column("active", "有効", 60, ALIGN_CENTER, lambda r: "有効" if r.details.active else "停止"),
)
OPTION_COLUMNS = tuple(c for c in PLAN_COLUMNS
                       if c.key not in ("minimum_term_months", "early_termination_fee", "requires_face_to_face"))


D = TypeVar("D", PlanDialog, PriceDialog)

#: The columns that show the price in force this month rather than the price it was created with.
PRICE_KEYS = ("monthly_fee", "initial_fee")


class PlanTableModel(RecordTableModel[PlanRecord]):
    """Plans (or options) of one service; a stopped one is greyed, its notes are the name's
    tooltip; the fees are those in force this month (``prices``), a later change the tooltip."""

    def __init__(self, is_option: bool, parent: QObject | None = None) -> None:
        super().__init__(OPTION_COLUMNS if is_option else PLAN_COLUMNS, parent)
        self.is_option = is_option
        self.prices: dict[int, PriceNow] = {}

    def set_plans(self, records: list[PlanRecord], prices: dict[int, PriceNow]) -> None:
        self.prices = dict(prices)
        self.set_records(records)

    def display(self, record: PlanRecord, column: Column) -> str:
        now = self.prices.get(record.id)
        if now is not None and column.key in PRICE_KEYS:
            return format_yen(getattr(now.price, column.key))
        return super().display(record, column)

    def tooltip(self, record: PlanRecord, column: Column) -> str | None:
        if column.key == "name" and record.details.notes:
            return record.details.notes
        now = self.prices.get(record.id)
        if column.key in PRICE_KEYS and now is not None and now.next_price is not None:
            return (f"今月の価格です。{month_text(now.next_from)}から "
                    f"{format_yen(getattr(now.next_price, column.key))}（価格改定）")
        return super().tooltip(record, column)

    def extra_data(self, record: PlanRecord, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not record.details.active:
            return QBrush(QColor("#9e9e9e"))
        return None


class PlansTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profiles: list[ProfileInfo] = []
        self.dialogs: list[PlanDialog] = []
        self.buttons: list[QPushButton] = []
        #: 価格改定… of each table: open for everyone (a clerk reads the history).
        self.price_buttons: list[QPushButton] = []
        self.price_dialogs: list[PriceDialog] = []
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileCombo")
        self.profile_combo.currentIndexChanged.connect(lambda _i: self.load())
        top = QHBoxLayout()
        top.addWidget(QLabel("サービス"))
        top.addWidget(self.profile_combo, 1)
        self.plan_model = PlanTableModel(False, self)
        self.option_model = PlanTableModel(True, self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.plan_table = self._section(layout, "プラン", self.plan_model)
        self.option_table = self._section(layout, "オプション", self.option_model)
        layout.addWidget(self.status)

    def _section(self, layout: QVBoxLayout, title: str, model: PlanTableModel) -> QTableView:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        table = list_table(model, model.columns, "optionTable" if model.is_option else "planTable", self)
        table.doubleClicked.connect(lambda index, o=model.is_option: self.edit(o, index.row()) if self.editable
                                    else None)
        inner.addWidget(table)
        row = QHBoxLayout()
        row.addStretch(1)
        add = QPushButton(f"{title}を追加")
        add.clicked.connect(lambda _=False, o=model.is_option: self.add(o))
        change = QPushButton("変更")
        change.clicked.connect(lambda _=False, o=model.is_option, t=table: self.edit(o, t.currentIndex().row()))
        prices = QPushButton("価格改定…")
        prices.setObjectName("optionPrices" if model.is_option else "planPrices")
        prices.setToolTip("適用月を指定して価格を変えます（請求済みの月は変わりません）。")
        prices.clicked.connect(lambda _=False, o=model.is_option, t=table: self.open_prices(o, t.currentIndex().row()))
        row.addWidget(add)
        row.addWidget(change)
        row.addWidget(prices)
        self.buttons += [add, change]
        self.price_buttons.append(prices)
        inner.addLayout(row)
        layout.addWidget(box, 1)
        return table

    def changing_widgets(self) -> Iterable[QWidget]:
        return self.buttons

    def load_profiles(self) -> None:
        self.ctx.ops.run(settings_service.list_profiles, success=self._profiles_loaded, parent=self)

    def _profiles_loaded(self, profiles: list[ProfileInfo]) -> None:
        current = self.profile_combo.currentData()
        self.profiles = list(profiles)
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for profile in self.profiles:
            self.profile_combo.addItem(f"{profile.name}（{profile.provider}）", profile.key)
        self.profile_combo.setCurrentIndex(max(self.profile_combo.findData(current), 0))
        self.profile_combo.blockSignals(False)
        self.load()

    def current_profile(self) -> ProfileInfo | None:
        key = self.profile_combo.currentData()
        return next((p for p in self.profiles if p.key == key), None)

    def load(self) -> None:
        profile = self.current_profile()
        if profile is None:
            return
        db, key, month = self.ctx.db, profile.key, clock.today()

        def read() -> tuple[list[PlanRecord], list[PlanRecord], dict[int, PriceNow], dict[int, PriceNow]]:
            plans, options = settings_service.list_plans(db, key), settings_service.list_options(db, key)
            return (plans, options, price_service.prices_now(db, PricedItem.PLAN, month, [p.id for p in plans]),
                    price_service.prices_now(db, PricedItem.OPTION, month, [o.id for o in options]))

        self.ctx.ops.run(read, success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[PlanRecord], list[PlanRecord], dict[int, PriceNow], dict[int, PriceNow]]
                ) -> None:
        plans, options, plan_prices, option_prices = result
        self.plan_model.set_plans(plans, plan_prices)
        self.option_model.set_plans(options, option_prices)

    def add(self, is_option: bool = False) -> PlanDialog | None:
        return self._open(is_option, None)

    def edit(self, is_option: bool, row: int) -> PlanDialog | None:
        record = (self.option_model if is_option else self.plan_model).record(row)
        return None if record is None else self._open(is_option, record)

    def _open(self, is_option: bool, record: PlanRecord | None) -> PlanDialog | None:
        profile = self.current_profile()
        if profile is None:
            return None
        dialog = PlanDialog(self.ctx, profile, record, is_option=is_option, parent=self.window())
        dialog.reloaded.connect(lambda _record: self.load())
        dialog.prices_changed.connect(lambda _history: self.load())
        return self._opened(dialog, self.dialogs)

    @staticmethod
    def _opened(dialog: D, kept: list[D]) -> D:
        """Open ``dialog``, kept in ``kept`` (so that it lives) until it is closed."""
        kept.append(dialog)

        def closed(_result: int) -> None:
            if dialog in kept:
                kept.remove(dialog)
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    def open_prices(self, is_option: bool, row: int) -> PriceDialog | None:
        """価格改定… of the plan (or option) on ``row``: None when no row is chosen."""
        record = (self.option_model if is_option else self.plan_model).record(row)
        if record is None:
            noun = "オプション" if is_option else "プラン"
            self.set_status(f"価格を改定する{noun}を一覧で選んでください。", error=True)
            return None
        self.set_status("")
        dialog = PriceDialog(self.ctx, PricedItem.OPTION if is_option else PricedItem.PLAN, record,
                             parent=self.window())
        dialog.changed.connect(lambda _history: self.load())
        return self._opened(dialog, self.price_dialogs)

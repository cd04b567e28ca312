"""プラン・オプション: the plans and options of each service (terms profile), with their fees in
yen, right-aligned; 追加 and 変更 open the plan dialog. The services offered are read off the
UI thread, like the plans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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

from reseller_desk.services import settings as settings_service
from reseller_desk.services.settings import PlanRecord, ProfileInfo
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.settings.plan_dialog import PlanDialog
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import ALIGN_CENTER, MONEY_ALIGNMENT, Column, format_yen

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


class PlanTableModel(RecordTableModel[PlanRecord]):
    """Plans (or options) of one service; a stopped one is greyed, its notes are the name's tooltip."""

    def __init__(self, is_option: bool, parent: QObject | None = None) -> None:
        super().__init__(OPTION_COLUMNS if is_option else PLAN_COLUMNS, parent)
        self.is_option = is_option

    def tooltip(self, record: PlanRecord, column: Column) -> str | None:
        if column.key == "name" and record.details.notes:
            return record.details.notes
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
        row.addWidget(add)
        row.addWidget(change)
        self.buttons += [add, change]
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
        db, key = self.ctx.db, profile.key
        self.ctx.ops.run(lambda: (settings_service.list_plans(db, key), settings_service.list_options(db, key)),
                         success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[PlanRecord], list[PlanRecord]]) -> None:
        plans, options = result
        self.plan_model.set_records(plans)
        self.option_model.set_records(options)

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
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _closed(self, dialog: PlanDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()

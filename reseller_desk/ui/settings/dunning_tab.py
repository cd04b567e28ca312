"""設定 → 督促: the stages of dunning, in order (services.payments.dunning.save_dunning_stages):
each a name, the days after the due date it is reached, what it does (督促状, 催告書 naming a
suspension date so many days on, 利用停止候補) and whether it is active. Saved as a whole; a
refusal is shown in the status line naming the row."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.payments import DunningAction
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.payments import dunning
from reseller_desk.services.payments.dunning_stages import DAYS_MAX, NAME_MAX, SUSPENSION_DAYS_MAX
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.widgets import muted_label

HEADERS = ("段階の名前", "期日からの日数", "処理", "利用停止までの日数（催告書）", "有効")


class DunningTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.shown: list[Any] = []
        self.ids: list[int | None] = []
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("dunningStages")
        self.table.setHorizontalHeaderLabels(HEADERS)
        for column, width in enumerate((180, 110, 150, 200, 60)):
            self.table.setColumnWidth(column, width)
        self.add_button = QPushButton("段階を追加")
        self.add_button.setObjectName("addStage")
        self.add_button.clicked.connect(lambda: self._add_row(None))
        self.remove_button = QPushButton("選択した段階を削除")
        self.remove_button.setObjectName("removeStage")
        self.remove_button.clicked.connect(self._remove_row)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveStages")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("請求書の期日から何日後にどの通知を出すかを、上から順に設定します。日数は上の段階より多くし、"
                                     "催告書は一つだけ、利用停止候補より前に置きます。発行済みの段階は削除できません（無効にしてください）。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        ctx.changes.changed.connect(lambda what: self.load() if what == Changes.SETTINGS else None)
        self.load()

    def changing_widgets(self) -> list[QWidget]:
        return [self.add_button, self.remove_button, self.save_button, self.table]

    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: dunning.dunning_stages(db), success=self._show, parent=self)

    def _show(self, stages: list[Any]) -> None:
        self.shown = stages
        self.table.setRowCount(0)
        self.ids = []
        for stage in stages:
            self._add_row(stage.draft())

    def _add_row(self, draft: dunning.StageDraft | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QLineEdit(draft.name if draft else "")
        name.setMaxLength(NAME_MAX)
        days = QSpinBox()
        days.setRange(1, DAYS_MAX)
        days.setSuffix(" 日")
        last = self.table.cellWidget(row - 1, 1) if row else None
        days.setValue(draft.days_after_due if draft else (last.value() + 7 if isinstance(last, QSpinBox) else 3))
        action = QComboBox()
        for kind in DunningAction:
            action.addItem(kind.label, kind.value)
        action.setCurrentIndex(max(action.findData(str(draft.action) if draft else DunningAction.LETTER.value), 0))
        suspension = QSpinBox()
        suspension.setRange(1, SUSPENSION_DAYS_MAX)
        suspension.setSuffix(" 日")
        suspension.setValue(draft.suspension_days or 10 if draft else 10)
        action.currentIndexChanged.connect(
            lambda _i, a=action, s=suspension: s.setEnabled(a.currentData() == DunningAction.FINAL_DEMAND.value))
        suspension.setEnabled(action.currentData() == DunningAction.FINAL_DEMAND.value)
        active = QCheckBox()
        active.setChecked(draft.active if draft else True)
        for column, widget in enumerate((name, days, action, suspension, active)):
            self.table.setCellWidget(row, column, widget)
        self.ids.append(draft.id if draft else None)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            del self.ids[row]

    def drafts(self) -> list[dunning.StageDraft]:
        drafts = []
        for row in range(self.table.rowCount()):
            name, days, action, suspension, active = (self.table.cellWidget(row, c) for c in range(len(HEADERS)))
            assert isinstance(name, QLineEdit) and isinstance(days, QSpinBox) and isinstance(action, QComboBox)
            assert isinstance(suspension, QSpinBox) and isinstance(active, QCheckBox)
            kind = DunningAction(action.currentData())
            drafts.append(dunning.StageDraft(name.text(), days.value(), kind,
                                             suspension.value() if kind is DunningAction.FINAL_DEMAND else None,
                                             active.isChecked(), self.ids[row]))
        return drafts

    def save(self) -> None:
        db, actor, drafts = self.ctx.db, self.ctx.actor, self.drafts()
        versions = dunning.stage_versions(self.shown)
        self.ctx.ops.run(lambda: dunning.save_dunning_stages(db, actor, drafts, expected_versions=versions),
                         success=self._saved, invalid=self._invalid, failure=self.refused, reload=self.load,
                         changes=Changes.SETTINGS, parent=self)

    def _saved(self, stages: list[Any]) -> None:
        self._show(stages)
        self.set_status(f"督促の段階を保存しました（{len(stages)}段階）。")

    def _invalid(self, error: ValidationFailed) -> None:
        lines = []
        for key, message in error.errors.items():
            head, _, _field = key.partition(".")
            lines.append(f"{int(head) + 1}行目: {message}" if head.isdigit() else message)
        self.set_status("\n".join(lines), error=True)

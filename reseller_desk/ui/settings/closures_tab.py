"""休業日: the days the company is closed besides weekends and holidays (夏季休業, 年末年始 in one
click), which the business-day rules count with (申込期限, 解約日 …)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.services import settings as settings_service
from reseller_desk.services.settings import Closure
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import RECORD_ROLE, RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    WEEKDAYS,
    Column,
    date_edit,
    format_date,
    format_date_long,
    muted_label,
    to_date,
)

CLOSURE_COLUMNS = (
    Column("day", "日付", 120, text=lambda c: format_date(c.day)),
    Column("weekday", "曜日", 50, ALIGN_CENTER, lambda c: WEEKDAYS[c.day.weekday()]),
    Column("note", "メモ", 200),
)


class ClosuresTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(ctx, parent)
        today = today or clock.today()
        self.model: RecordTableModel[Closure] = RecordTableModel(CLOSURE_COLUMNS, self)
        self.table = list_table(self.model, CLOSURE_COLUMNS, "closureTable", self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        # the window add_closures checks: from 2000-01-01 to two years ahead (domain.bounds)
        window = bounds.closure_window(today)
        self.date_edit = date_edit(today, window=window)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("メモ（例: 夏季休業）")
        self.add_button = QPushButton("休業日を追加")
        self.add_button.clicked.connect(self.add_day)
        one = QHBoxLayout()
        one.addWidget(QLabel("日付"))
        one.addWidget(self.date_edit)
        one.addWidget(self.note_edit, 1)
        one.addWidget(self.add_button)

        self.year_spin = QSpinBox()
        # a year whose 年末年始 (12/29 to 1/3 of the next year) lies inside that window
        self.year_spin.setRange(window[0].year, window[1].year - 1)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix("年")
        self.year_end_button = QPushButton("年末年始（12/29〜1/3）を追加")
        self.year_end_button.clicked.connect(self.add_year_end)
        year = QHBoxLayout()
        year.addWidget(self.year_spin)
        year.addWidget(self.year_end_button)
        year.addStretch(1)

        self.remove_button = QPushButton("選択した日を削除")
        self.remove_button.clicked.connect(self.remove_selected)

        adding = QGroupBox("休業日の追加")
        adding_layout = QVBoxLayout(adding)
        adding_layout.addLayout(one)
        adding_layout.addLayout(year)

        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("土日・祝日以外で会社が休みの日です。営業日の計算（申込期限・解約日など）に使われます。"))
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)
        layout.addWidget(adding)
        layout.addWidget(self.status)

    def changing_widgets(self) -> Iterable[QWidget]:
        return (self.date_edit, self.note_edit, self.add_button, self.year_spin, self.year_end_button,
                self.remove_button)

    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: settings_service.list_closures(db), success=self.model.set_records, parent=self)

    def _run(self, call: Callable[[], list[Closure]], status: str) -> None:
        self.set_status("")
        self.ctx.ops.run(call, success=lambda closures: self._done(closures, status), failure=self.refused,
                         changes=Changes.SETTINGS, status=status, parent=self)

    def _done(self, closures: list[Closure], status: str) -> None:
        self.model.set_records(closures)
        self.set_status(status)

    def add_day(self) -> None:
        day = to_date(self.date_edit)
        note = self.note_edit.text()
        ctx = self.ctx
        self._run(lambda: settings_service.add_closures(ctx.db, ctx.actor, [day], note),
                  f"{format_date_long(day)}を休業日に追加しました。")

    def add_year_end(self) -> None:
        year = self.year_spin.value()
        days, ctx = year_end_closure_days(year), self.ctx
        self._run(lambda: settings_service.add_closures(ctx.db, ctx.actor, days, "年末年始"),
                  f"{format_date_long(days[0])}〜{format_date_long(days[-1])}を休業日に追加しました。")

    def remove_selected(self) -> None:
        days = [i.data(RECORD_ROLE).day for i in self.table.selectionModel().selectedRows(0)]
        if days:
            ctx = self.ctx
            self._run(lambda: settings_service.remove_closures(ctx.db, ctx.actor, days),
                      f"休業日を{len(days)}日削除しました。")

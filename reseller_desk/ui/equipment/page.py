"""The 機器 section: the units filtered by 状態, 機種 and a search (製造番号, MAC, customer or
カスタマID), the counts by model and status beside them, 入庫… (one unit at a time, as the
scanner types it), 一覧から入庫… (a pasted or CSV list) and 開く (the unit's window). Everything
is read and written through the services, off the UI thread; a change anywhere in equipment
(Changes.EQUIPMENT) re-reads the page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services.equipment import catalog, stock_list
from reseller_desk.services.equipment.catalog import ModelRecord
from reseller_desk.services.equipment.stock_list import ModelCount, UnitDetail, UnitRow
from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.model import STATUS_FILTERS, UNIT_COLUMNS, UNIT_ID_ROLE, CountsModel, UnitTableModel
from reseller_desk.ui.equipment.receive import ReceiveDialog, ReceiveListDialog
from reseller_desk.ui.equipment.unit_window import UnitWindow
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import SelectableList, list_table

#: Units read at once; 次の500台 reads the next ones with the same filters.
PAGE_SIZE = 500


class EquipmentPage(QWidget):
    title = "機器"

    #: A window or dialog was opened (for tests).
    opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.models: list[ModelRecord] = []
        self.windows: list[QWidget] = []
        self.total = 0

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, statuses)
        self.model_filter = QComboBox()
        self.model_filter.setObjectName("modelFilter")
        self.model_filter.addItem("すべて", None)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("製造番号・MAC・顧客名・カスタマID")
        self.search.setClearButtonEnabled(True)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.model_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search.returnPressed.connect(self.refresh)
        self.search.textChanged.connect(lambda text: self.refresh() if not text else None)

        self.count_label = QLabel()
        self.count_label.setObjectName("unitCount")
        self.receive_button = QPushButton("入庫…")
        self.receive_button.setObjectName("receive")
        self.receive_button.setToolTip("1台ずつ入庫します（バーコードの読み取り → Enter）")
        self.receive_button.clicked.connect(self.open_receive)
        self.list_button = QPushButton("一覧から入庫…")
        self.list_button.setObjectName("receiveList")
        self.list_button.clicked.connect(self.open_receive_list)
        self.more_button = QPushButton(f"次の{PAGE_SIZE}台")
        self.more_button.setObjectName("more")
        self.more_button.setVisible(False)
        self.more_button.clicked.connect(self.load_more)
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openUnit")
        self.open_button.clicked.connect(self.open_selected)
        may_receive = ctx.actor.role in (Role.CLERK, Role.MANAGER)
        for button in (self.receive_button, self.list_button):
            button.setEnabled(may_receive)

        self.model = UnitTableModel(self)
        self.table = list_table(self.model, UNIT_COLUMNS, "unitTable", self)
        self.table.activated.connect(self._activated)
        self.selection = SelectableList(self.table, UNIT_ID_ROLE, self.model.row_of, self._update_buttons)
        self.counts_model = CountsModel(self)
        self.counts = list_table(self.counts_model, self.counts_model.columns, "countsTable", self)
        counts_box = QGroupBox("機種 × 状態")
        QVBoxLayout(counts_box).addWidget(self.counts)

        top = QHBoxLayout()
        top.addWidget(QLabel("状態"))
        top.addWidget(self.status_filter)
        top.addSpacing(12)
        top.addWidget(QLabel("機種"))
        top.addWidget(self.model_filter)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.more_button)
        top.addWidget(self.receive_button)
        top.addWidget(self.list_button)
        top.addWidget(self.open_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(counts_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        ctx.changes.changed.connect(self._data_changed)
        self._update_buttons()
        self.load_models()

    # -- reading --------------------------------------------------------------------------
    def load_models(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: catalog.list_models(db), success=self._models_loaded, parent=self)

    def _models_loaded(self, models: list[ModelRecord]) -> None:
        self.models = list(models)
        current = self.model_filter.currentData()
        self.model_filter.blockSignals(True)
        self.model_filter.clear()
        self.model_filter.addItem("すべて", None)
        for model in self.models:
            self.model_filter.addItem(f"{model.details.name}（{model.details.code}）", model.id)
        self.model_filter.setCurrentIndex(max(self.model_filter.findData(current), 0))
        self.model_filter.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        """F5 / a filter / data changed: the units and the counts, read in the background."""
        db, statuses, model_id, search = (self.ctx.db, self.status_filter.currentData() or (),
                                          self.model_filter.currentData(), self.search.text())

        def read() -> tuple[list[UnitRow], int, list[ModelCount]]:
            return (stock_list.list_units(db, statuses=statuses, model_id=model_id, search=search, limit=PAGE_SIZE),
                    stock_list.count_units(db, statuses=statuses, model_id=model_id, search=search),
                    stock_list.unit_counts(db))

        self.ctx.ops.run(read, success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[UnitRow], int, list[ModelCount]]) -> None:
        rows, total, counts = result
        self.total = total
        self.model.set_records(rows)
        self.counts_model.set_records(counts)
        self._show_count()

    def _show_count(self) -> None:
        shown = len(self.model.records)
        more = self.total > shown
        self.count_label.setText(f"{self.total:,}台" + (f"（{shown:,}台を表示）" if more else ""))
        self.more_button.setVisible(more)

    def load_more(self) -> None:
        """The next page of the same filters, added below the units shown."""
        db, statuses, model_id, search = (self.ctx.db, self.status_filter.currentData() or (),
                                          self.model_filter.currentData(), self.search.text())
        offset = len(self.model.records)
        self.ctx.ops.run(lambda: stock_list.list_units(db, statuses=statuses, model_id=model_id, search=search,
                                                  offset=offset, limit=PAGE_SIZE),
                         success=self._more_loaded, parent=self)

    def _more_loaded(self, rows: list[UnitRow]) -> None:
        self.model.set_records([*self.model.records, *rows])
        self._show_count()

    def _data_changed(self, what: str) -> None:
        if what == Changes.EQUIPMENT:
            self.load_models()
        elif what in (Changes.CONTRACTS, Changes.CUSTOMERS):
            self.refresh()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selection.selected_id() is not None)

    # -- dialogs and windows -------------------------------------------------------------------
    def _keep(self, window: QWidget) -> QWidget:
        self.windows.append(window)
        window.finished.connect(lambda _r, w=window: self._closed(w))  # type: ignore[attr-defined]
        window.show()
        self.opened.emit(window)
        return window

    def _closed(self, window: QWidget) -> None:
        if window in self.windows:
            self.windows.remove(window)
        self.ctx.ops.delete_when_idle(window)

    def open_receive(self) -> ReceiveDialog:
        dialog = ReceiveDialog(self.ctx, self.models, self.window())
        self._keep(dialog)
        return dialog

    def open_receive_list(self) -> ReceiveListDialog:
        dialog = ReceiveListDialog(self.ctx, self.models, self.window())
        self._keep(dialog)
        return dialog

    def open_selected(self) -> None:
        unit_id = self.selection.selected_id()
        if unit_id is not None:
            self.open_unit(unit_id)

    def _activated(self, index: QModelIndex) -> None:
        unit_id = index.data(UNIT_ID_ROLE)
        if unit_id is not None:
            self.open_unit(unit_id)

    def open_unit(self, unit_id: int) -> None:
        existing = next((w for w in self.windows if isinstance(w, UnitWindow) and w.detail.unit.id == unit_id), None)
        if existing is not None:
            existing.raise_()
            existing.activateWindow()
            self.opened.emit(existing)
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: stock_list.unit_detail(db, unit_id), success=self._open_detail, parent=self)

    def _open_detail(self, detail: UnitDetail) -> None:
        window = UnitWindow(self.ctx, detail, self.window())
        window.changed.connect(lambda d: self.selection.select_when_listed(d.unit.id))
        self._keep(window)

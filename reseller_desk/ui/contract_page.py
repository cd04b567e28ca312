"""The 契約 section: every contract, a page at a time (ui.contract.model), with filters by 状態
and サービス, the customer book's search box (and the カスタマID), sorting by the header, and
開く (Enter / double-click) for the contract window. A new filter, search or sort is read off the
UI thread through Operations; the next pages follow as the list is scrolled."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.terms import available_profiles, load_profile
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.model import (
    COLUMNS,
    CONTRACT_ID_ROLE,
    STATUS_FILTERS,
    ContractTableModel,
    ListQuery,
)
from reseller_desk.ui.contract.opening import open_contract_window
from reseller_desk.ui.customer_page import debounced_search
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import SelectableList, list_table
from reseller_desk.ui.widgets import muted_label

SEARCH_PLACEHOLDER = "名称・フリガナ・電話番号・メール・法人番号・カスタマIDで検索"


def service_filters() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The サービス filter: everything, then each shipped terms profile by its name."""
    return (("すべて", ()), *((load_profile(key).name, (key,)) for key in available_profiles()))


class ContractPage(QWidget):
    title = "契約"

    #: A contract window was opened (the window itself), for tests and the main window.
    window_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ContractTableModel(ctx.db, load=False, parent=self)
        self._pending: ListQuery | None = None

        self.search, self._search_timer = debounced_search(
            self, "contractSearch", SEARCH_PLACEHOLDER,
            "半角・全角、ひらがな・カタカナ、ハイフンの有無は区別しません。スペースで区切るとすべてを含む契約を探します。",
            self.apply_filters, 360)
        self.search.move_down.connect(self._enter_table)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("contractStatusFilter")
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, statuses)
        self.service_filter = QComboBox()
        self.service_filter.setObjectName("contractServiceFilter")
        for label, keys in service_filters():
            self.service_filter.addItem(label, keys)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.service_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())

        self.count_label = QLabel()
        self.count_label.setObjectName("contractCount")
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openContract")
        self.open_button.setToolTip("選択した契約を開く（Enter / ダブルクリック）")
        self.open_button.clicked.connect(lambda: self.open_selected())

        self.table = list_table(self.model, COLUMNS, "contractTable", self)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self.selection = SelectableList(self.table, CONTRACT_ID_ROLE, self.model.row_of, self._update_buttons)
        self.open_selected = self.selection.opening_with(self.open_contract)
        self.model.total_changed.connect(lambda total: self.count_label.setText(f"{total:,}件"))

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addSpacing(8)
        top.addWidget(QLabel("状態"))
        top.addWidget(self.status_filter)
        top.addWidget(QLabel("サービス"))
        top.addWidget(self.service_filter)
        top.addSpacing(8)
        top.addWidget(self.count_label)
        top.addSpacing(8)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(muted_label("プラン・回線数・月額は今月の内容です（特約の料金を含む、税抜）。"
                                     "月額と次の予定の列では並べ替えできません。"))
        ctx.changes.changed.connect(self._data_changed)
        self._update_buttons()
        self.refresh()

    # -- the list ------------------------------------------------------------------------
    def current_query(self) -> ListQuery:
        return self.model.with_filters(self.status_filter.currentData() or (),
                                       self.service_filter.currentData() or (), self.search.text())

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.load(self.current_query())

    def refresh(self) -> None:
        """F5 / contracts changed: read the first page again (off the UI thread)."""
        self._search_timer.stop()
        self.load(self.current_query())

    def load(self, query: ListQuery) -> None:
        self._pending = query
        model = self.model
        self.ctx.ops.run(lambda: model.first_page(query), success=self._loaded, parent=self)

    def _loaded(self, loaded) -> None:
        if loaded[0] != self._pending:  # a newer filter is on its way
            return
        self.model.show_first(loaded)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder if loaded[0].descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _header_clicked(self, column: int) -> None:
        query = self.model.query
        same = self.model.sort_column() == column
        order = (Qt.SortOrder.AscendingOrder if same and query.descending or not same
                 else Qt.SortOrder.DescendingOrder)
        sorted_query = self.model.sort_query(column, order)
        if sorted_query is None:  # not sortable: the indicator stays where the order is
            self._loaded((query, self.model.total(), list(self.model.records)))
            self.ctx.ops.message.emit("この列では並べ替えできません。")
            return
        self.load(sorted_query)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.CONTRACTS, Changes.CUSTOMERS, Changes.SETTINGS, Changes.APPLICATIONS):
            self.refresh()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selection.selected_id() is not None)

    def _enter_table(self) -> None:
        self.selection.enter()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- windows -------------------------------------------------------------------------
    def open_contract(self, contract_id: int) -> None:
        open_contract_window(self.ctx, contract_id, self, self.window_opened.emit)

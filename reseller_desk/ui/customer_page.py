"""The 顧客 section: one search box, the customer list, 新規登録 and 編集."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services import customers as customer_service
from reseller_desk.services.customers import CustomerRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.customer_form import CustomerForm
from reseller_desk.ui.customer_model import COLUMNS, CUSTOMER_ID_ROLE, CustomerTableModel
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import SelectableList, list_table

SEARCH_PLACEHOLDER = "名称・フリガナ・電話番号・メール・法人番号で検索"
SEARCH_DELAY_MS = 150


class SearchBox(QLineEdit):
    """The search field; ↓ moves into the list."""

    move_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        super().keyPressEvent(event)


def debounced_search(parent: QWidget, object_name: str, placeholder: str, tooltip: str, apply: Callable[[], None],
                     width: int) -> tuple[SearchBox, QTimer]:
    """A list page's search box and the timer that runs ``apply`` once typing pauses
    (:data:`SEARCH_DELAY_MS`)."""
    box = SearchBox()
    box.setObjectName(object_name)
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    box.setToolTip(tooltip)
    box.setMinimumWidth(width)
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(SEARCH_DELAY_MS)
    timer.timeout.connect(apply)
    box.textChanged.connect(lambda _text: timer.start())
    return box, timer


class CustomerPage(QWidget):
    title = "顧客"

    #: A form was opened (the form itself), so that tests and the window can reach it.
    form_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.forms: list[CustomerForm] = []
        self.model = CustomerTableModel(ctx.db, parent=self)

        self.search, self._search_timer = debounced_search(
            self, "customerSearch", SEARCH_PLACEHOLDER,
            "検索（Ctrl+F）: 半角・全角、ひらがな・カタカナ、ハイフンの有無は区別しません。"
            "スペースで区切るとすべてを含む顧客を探します。", self.apply_search, 420)
        self.search.returnPressed.connect(self._search_return)
        self.search.move_down.connect(self._enter_table)

        self.count_label = QLabel()
        self.count_label.setObjectName("customerCount")

        self.new_button = QPushButton("新規登録")
        self.new_button.setToolTip("顧客を新規登録（Ctrl+N）")
        self.new_button.clicked.connect(self.new_customer)
        self.edit_button = QPushButton("編集")
        self.edit_button.setToolTip("選択した顧客を開く（Enter / ダブルクリック）")
        self.edit_button.clicked.connect(self.edit_selected)

        self.table = list_table(self.model, COLUMNS, "customerTable", self)
        header = self.table.horizontalHeader()
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.table.setSortingEnabled(True)  # header clicks -> model.sort(column, order)
        self.table.activated.connect(self._activated)  # Enter and double-click
        self.selection = SelectableList(self.table, CUSTOMER_ID_ROLE, self.model.row_of, self._update_buttons)
        self.model.total_changed.connect(self._update_count)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count_label)
        top.addSpacing(16)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

        ctx.changes.changed.connect(self._data_changed)
        self._update_count(self.model.total())
        self._update_buttons()

    # -- searching ---------------------------------------------------------------------
    def apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.search.text())

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_return(self) -> None:
        self.apply_search()
        if self.selection.selected_id() is not None:
            self.edit_selected()
        else:
            self._enter_table()

    def _enter_table(self) -> None:
        self.apply_search()
        if self.model.rowCount() and self.selection.selected_id() is None:
            self.selection.select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_count(self, total: int) -> None:
        self.count_label.setText(f"{total:,}件")

    def _update_buttons(self) -> None:
        self.edit_button.setEnabled(self.selection.selected_id() is not None)

    # -- refreshing --------------------------------------------------------------------
    def refresh(self) -> None:
        """F5 / data changed elsewhere: re-read the list, keep search, order and selection."""
        self._search_timer.stop()
        self.model.refresh(self.search.text())

    def _data_changed(self, what: str) -> None:
        if what == Changes.CUSTOMERS:
            self.refresh()

    # -- opening forms -----------------------------------------------------------------
    def new_customer(self) -> CustomerForm:
        return self._open_form(None)

    def edit_selected(self) -> None:
        customer_id = self.selection.selected_id()
        if customer_id is not None:
            self.open_customer(customer_id)

    def open_customer(self, customer_id: int) -> None:
        self.ctx.ops.run(lambda: customer_service.get_customer(self.ctx.db, customer_id),
                         success=self._open_form, parent=self)

    def _activated(self, index: QModelIndex) -> None:
        customer_id = index.data(CUSTOMER_ID_ROLE)
        if customer_id is not None:
            self.open_customer(customer_id)

    def _open_form(self, record: CustomerRecord | None) -> CustomerForm:
        form = CustomerForm(self.ctx, record, self.window())
        form.saved.connect(lambda saved: self.selection.select(saved.id))
        form.finished.connect(lambda _result, f=form: self._form_closed(f))
        self.forms.append(form)
        form.open()  # window-modal, does not block
        self.form_opened.emit(form)
        return form

    def _form_closed(self, form: CustomerForm) -> None:
        if form in self.forms:
            self.forms.remove(form)
        form.deleteLater()

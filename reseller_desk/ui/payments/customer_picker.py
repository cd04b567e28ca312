"""Choosing a customer in the 入金 section: a search field (name, furigana, phone … as the
customer list searches; Enter) and the customers found, or the candidates a match proposed.
Read through services.payments.queries.find_customers, off the UI thread."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from reseller_desk.services.payments.queries import CustomerChoice, find_customers
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.widgets import muted_label


class CustomerPicker(QWidget):
    """``chosen`` carries the customer id picked (None when the choice was cleared)."""

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, rows: int = 5) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id: int | None = None
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setPlaceholderText("顧客名・フリガナ・電話番号で検索して Enter")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.search_now)
        self.hits = QListWidget()
        self.hits.setObjectName("customerHits")
        self.hits.setFixedHeight(self.fontMetrics().height() * rows + 12)
        self.hits.currentItemChanged.connect(self._picked)
        self.status = muted_label()
        self.status.setObjectName("customerStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search)
        layout.addWidget(self.hits)
        layout.addWidget(self.status)

    def search_now(self) -> None:
        db, query = self.ctx.db, self.search.text()
        if not query.strip():
            self.show_choices([], "検索する語を入力してください。")
            return
        self.ctx.ops.run(lambda: find_customers(db, query), success=self._found, parent=self)

    def _found(self, hits: list[CustomerChoice]) -> None:
        self.show_choices(hits, f"{len(hits):,}件見つかりました。" if hits else "該当する顧客はいません。")

    def show_choices(self, choices: Iterable[CustomerChoice], text: str = "", select_id: int | None = None) -> None:
        """List ``choices`` (a search's hits, a match's candidates); select ``select_id``."""
        previous, self.customer_id = self.customer_id, None   # selecting below announces the choice
        self.hits.blockSignals(True)
        self.hits.clear()
        for choice in choices:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setToolTip(choice.name_kana)
            self.hits.addItem(item)
        self.hits.blockSignals(False)
        self.status.setText(text)
        wanted = next((i for i in range(self.hits.count())
                       if self.hits.item(i).data(Qt.ItemDataRole.UserRole) == select_id), None)
        if wanted is not None:
            self.hits.setCurrentRow(wanted)
        elif previous is not None:
            self.chosen.emit(None)

    def choose_row(self, row: int) -> None:
        self.hits.setCurrentRow(row)

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if customer_id != self.customer_id:
            self.customer_id = customer_id
            self.chosen.emit(customer_id)

    def chosen_label(self) -> str:
        item = self.hits.currentItem()
        return item.text() if item is not None else ""


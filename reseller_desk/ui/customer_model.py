"""The customer list as a Qt table model that never loads the whole book.

The model holds the ids of every customer in the current sort order (``customer_order``, one
index-only query, re-read only when the sort or the data changes) and, while a search is typed,
the set of ids that match (``customer_matches``, one query over the covering index of the
normalised search key); the rows shown are that order filtered by that set. Rows are fetched a
page at a time as the view asks for them (``customer_rows``), at most a few thousand kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal

from reseller_desk.domain.customer import CustomerKind
from reseller_desk.services import customers as customer_service
from reseller_desk.services.customers import CustomerRow
from reseller_desk.ui.tables import NO_PARENT, fill_page, header_data
from reseller_desk.ui.widgets import ALIGN_CENTER, ALIGN_LEFT, ALIGN_RIGHT, Column

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

OrderFetcher = Callable[[str, bool], list[int]]  # (sort key, descending) -> every id in order
MatchFetcher = Callable[[str], "set[int] | None"]  # query -> matching ids (None: everyone)
PageFetcher = Callable[[str, bool, int, int], list[int]]  # (sort key, descending, offset, limit) -> ids
CountFetcher = Callable[[], int]
RowFetcher = Callable[[Sequence[int]], list[CustomerRow]]

#: The customer id of a row (an ``int``), whatever the column.
CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The whole :class:`CustomerRow` of a row.
CUSTOMER_ROW_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS: tuple[Column, ...] = (
    Column("id", "ID", 60, ALIGN_RIGHT),
    Column("kind", "区分", 48, ALIGN_CENTER),
    Column("name", "名称・氏名", 180),
    Column("name_kana", "フリガナ", 215),
    Column("phone", "電話番号", 118),
    Column("email", "メールアドレス", 160),
    Column("corporate_number", "法人番号", 118),
    Column("address", "住所", 150),  # the last column: stretches to the edge
)
COL_ID, COL_KIND, COL_NAME, COL_NAME_KANA, COL_PHONE, COL_EMAIL, COL_CORPORATE_NUMBER, COL_ADDRESS = range(len(COLUMNS))
DEFAULT_SORT_COLUMN = COL_NAME_KANA

assert all(c.key in customer_service.SORT_COLUMNS for c in COLUMNS), "every column must be sortable by the service"


def kind_label(kind: str) -> str:
    try:
        return CustomerKind(kind).label
    except ValueError:
        return kind


class CustomerTableModel(QAbstractTableModel):
    """Rows are customers in the current search and order; see the module docstring."""

    PAGE_SIZE = 200
    CACHE_LIMIT = 4000
    #: After the first load, the whole order is read this long later: after the window's first
    #: paint, before a clerk can type. A search, a sort or ids() completes it at once.
    DEFERRED_LOAD_DELAY_MS = 150

    #: The number of customers in the list changed (after a search, sort or refresh).
    total_changed = Signal(int)

    def __init__(self, db: Database | None = None, *, fetch_order: OrderFetcher | None = None,
                 fetch_matches: MatchFetcher | None = None, fetch_rows: RowFetcher | None = None,
                 fetch_page_ids: PageFetcher | None = None, fetch_count: CountFetcher | None = None,
                 page_size: int = PAGE_SIZE, cache_limit: int = CACHE_LIMIT, load: bool = True,
                 parent=None) -> None:
        super().__init__(parent)
        if db is None and (fetch_order is None or fetch_matches is None or fetch_rows is None):
            raise ValueError("CustomerTableModel needs a database or all three fetchers")
        self._fetch_order: OrderFetcher = fetch_order or (
            lambda sort, descending: customer_service.customer_order(db, sort, descending))
        self._fetch_matches: MatchFetcher = fetch_matches or (
            lambda query: customer_service.customer_matches(db, query))
        self._fetch_rows: RowFetcher = fetch_rows or (lambda ids: customer_service.customer_rows(db, ids))
        # The first load of an unfiltered list paints before every id is read: only the count
        # and the ids of the pages shown are fetched, and the whole order follows right after
        # the first paint (or at the first search or sort). Needs both page fetchers.
        if db is not None:
            fetch_page_ids = fetch_page_ids or (lambda sort, descending, offset, limit:
                                                customer_service.customer_page_ids(db, sort, descending, offset, limit))
            fetch_count = fetch_count or (lambda: customer_service.count_customers(db))
        self._fetch_page_ids = fetch_page_ids
        self._fetch_count = fetch_count
        self._order: list[int] | None = None  # every id in the current sort order
        self.page_size = max(1, page_size)
        self.cache_limit = max(cache_limit, 2 * self.page_size)
        self._ids: list[int | None] = []  # None: an id of a page not read yet (deferred load)
        self._cache: dict[int, CustomerRow] = {}
        self._query = ""
        self._sort_column = DEFAULT_SORT_COLUMN
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._loaded = False
        if load:
            self.refresh()

    # -- state -------------------------------------------------------------------------
    @property
    def query(self) -> str:
        return self._query

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    @property
    def sort_key(self) -> str:
        return COLUMNS[self._sort_column].key

    def total(self) -> int:
        return len(self._ids)

    def ids(self) -> list[int]:
        self.complete_deferred_load()
        return list(self._ids)

    def cached_count(self) -> int:
        return len(self._cache)

    # -- re-querying -------------------------------------------------------------------
    def set_query(self, text: str) -> None:
        """Show only the customers matching ``text`` (synchronous: one match query; the
        order is reused)."""
        text = text or ""
        if text == self._query and self._loaded:
            return
        self._query = text
        self._reload_ids()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        if column == self._sort_column and order == self._sort_order and self._loaded:
            return
        self._sort_column = column
        self._sort_order = order
        self._order = None
        self._reload_ids()

    def refresh(self, query: str | None = None) -> None:
        """Re-read ids and forget cached rows (after customers were added or changed);
        ``query`` replaces the search text at the same time."""
        if query is not None:
            self._query = query
        self._cache.clear()
        self._order = None
        self._reload_ids()

    def _reload_ids(self) -> None:
        first_load = not self._loaded
        if first_load and self._order is None and not self._query and self._fetch_page_ids and self._fetch_count:
            self._begin_deferred_load()
            return
        self._ensure_order()
        ids = customer_service.filter_order(self._order, self._fetch_matches(self._query))
        self.beginResetModel()
        self._ids = list(ids)
        self._loaded = True
        self.endResetModel()
        self.total_changed.emit(len(self._ids))

    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _ensure_order(self) -> None:
        if self._order is None:
            self._order = self._fetch_order(self.sort_key, self._descending())

    def _begin_deferred_load(self) -> None:
        total = self._fetch_count()
        self.beginResetModel()
        self._ids = [None] * total
        self._loaded = True
        self.endResetModel()
        self.total_changed.emit(total)
        QTimer.singleShot(self.DEFERRED_LOAD_DELAY_MS, self.complete_deferred_load)

    def is_complete(self) -> bool:
        """Whether every id of the list is known (no deferred load pending)."""
        return self._order is not None

    def complete_deferred_load(self) -> None:
        """Read the whole order now. The ids already shown are the same rows in the same
        order, so the view keeps its scroll and selection; should the count have changed in
        between, the list is reset instead."""
        if self._order is not None or self._query:
            return
        self._ensure_order()
        if len(self._order) == len(self._ids):
            self._ids = list(self._order)
        else:
            self.beginResetModel()
            self._ids = list(self._order)
            self.endResetModel()
            self.total_changed.emit(len(self._ids))

    def _load_page_ids(self, page: int) -> None:
        start = page * self.page_size
        ids = self._fetch_page_ids(self.sort_key, self._descending(), start, self.page_size)
        for offset, customer_id in enumerate(ids[: len(self._ids) - start]):
            self._ids[start + offset] = customer_id

    # -- rows --------------------------------------------------------------------------
    def customer_id(self, row: int) -> int | None:
        if not 0 <= row < len(self._ids):
            return None
        if self._ids[row] is None:
            self._load_page_ids(row // self.page_size)
        return self._ids[row]

    def row_of(self, customer_id: int) -> int | None:
        self.complete_deferred_load()
        try:
            return self._ids.index(customer_id)
        except ValueError:
            return None

    def customer_row(self, row: int) -> CustomerRow | None:
        customer_id = self.customer_id(row)
        if customer_id is None:
            return None
        found = self._cache.get(customer_id)
        if found is None:
            self._load_page(row // self.page_size)
            found = self._cache.get(customer_id)
        return found

    def _load_page(self, page: int) -> None:
        page_ids = [i for i in self._ids[page * self.page_size:(page + 1) * self.page_size] if i is not None]
        fill_page(self._cache, page_ids, self._fetch_rows, lambda row: row.id, self.cache_limit)

    # -- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == CUSTOMER_ID_ROLE:
            return self.customer_id(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[column].alignment
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, CUSTOMER_ROW_ROLE):
            record = self.customer_row(row)
            if record is None:
                return None
            if role == CUSTOMER_ROW_ROLE:
                return record
            key = COLUMNS[column].key
            if column == COL_ID:
                return str(record.id)
            if column == COL_KIND:
                return kind_label(record.kind)
            text = getattr(record, key)
            if role == Qt.ItemDataRole.ToolTipRole:
                return text or None
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt naming
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(COLUMNS):
                return None
            return f"{COLUMNS[section].title}で並べ替え（もう一度クリックで逆順）"
        # Headers are left-aligned (a right-aligned title collides with the sort arrow).
        return header_data(COLUMNS, section, orientation, role, alignment=ALIGN_LEFT)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

"""The 請求書 list as a Qt table model that never loads 100,000 invoices' rows.

As the customer book's model (ui.customer_model): it keeps the ids of every invoice in the
current order (``invoices.invoice_order``, one index-only scan, read again only when the order or
the invoices change) and, for a filter, the ids that match (``invoices.invoice_matches``: each
condition one query over one index); the rows shown are that order filtered by those ids, fetched
a page at a time as the view asks for them (``invoices.invoice_rows``), at most a few thousand
kept. A new filter or order is read in two steps so that the page can run the read off the UI
thread: :meth:`load` (a plain function of the query, any thread) and :meth:`show` (on the UI
thread); :meth:`refresh` does both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.services.billing import invoices
from reseller_desk.services.billing.invoices import InvoiceFilter, InvoiceRow, Matches
from reseller_desk.ui.tables import NO_PARENT, Index, fill_page, header_data, sorted_query
from reseller_desk.ui.widgets import ALIGN_CENTER, ALIGN_LEFT, ALIGN_RIGHT, ERROR_COLOR, MUTED_COLOR, Column, format_yen

if TYPE_CHECKING:
    from reseller_desk.db.database import Database


@dataclass(frozen=True)
class InvoiceQuery:
    """What the list shows: the filter and the order."""

    filter: InvoiceFilter = InvoiceFilter()
    sort: str = invoices.DEFAULT_SORT
    descending: bool = False


#: (sort, descending) -> every id in that order; (filter) -> the ids it lets through; (ids) -> their rows.
OrderFetcher = Callable[[str, bool], list[int]]
MatchFetcher = Callable[[InvoiceFilter], Matches]
RowFetcher = Callable[[Sequence[int]], list[InvoiceRow]]
#: What :meth:`InvoiceTableModel.load` read: the query, its ids, the rows of the first page, the
#: whole order the ids were taken from.
Loaded = tuple[InvoiceQuery, list[int], list[InvoiceRow], list[int]]

INVOICE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
INVOICE_ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def status_text(row: InvoiceRow) -> str:
    return f"訂正済（{row.corrected_by}）" if row.corrected_by else ""


COLUMNS: tuple[Column, ...] = (
    Column("number", "請求書番号", 100),
    Column("kind", "種別", 48, ALIGN_CENTER, lambda r: InvoiceKind(r.kind).label),
    Column("billing_month", "対象月", 70, ALIGN_CENTER, lambda r: f"{r.billing_month:%Y-%m}"),
    Column("customer_name", "請求先", 200),
    Column("customer_codes", "カスタマID", 110, text=lambda r: ";".join(r.customer_codes)),
    Column("issue_date", "発行日", 86, ALIGN_CENTER, lambda r: r.issue_date.isoformat()),
    Column("due_date", "支払期限", 86, ALIGN_CENTER, lambda r: r.due_date.isoformat() if r.due_date else ""),
    Column("payment_method", "支払方法", 70, ALIGN_CENTER, lambda r: r.payment_method.label),
    Column("tax", "消費税", 84, ALIGN_RIGHT, lambda r: format_yen(r.tax_10 + r.tax_8)),
    Column("total", "請求額（税込）", 110, ALIGN_RIGHT, lambda r: format_yen(r.total)),
    Column("status", "状態", 150, text=status_text),
)
SORTABLE = frozenset(invoices.SORT_COLUMNS)
assert {c.key for c in COLUMNS} >= SORTABLE, "every sort key of the service has its column"


class InvoiceTableModel(QAbstractTableModel):
    """Rows are the invoices of the current query; see the module docstring."""

    PAGE_SIZE = 200
    CACHE_LIMIT = 4000

    #: The number of invoices of the current query changed.
    total_changed = Signal(int)

    def __init__(self, db: Database | None = None, *, fetch_order: OrderFetcher | None = None,
                 fetch_matches: MatchFetcher | None = None, fetch_rows: RowFetcher | None = None,
                 page_size: int = PAGE_SIZE, cache_limit: int = CACHE_LIMIT, load: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        if fetch_order is None or fetch_matches is None or fetch_rows is None:
            if db is None:
                raise ValueError("InvoiceTableModel needs a database or all three fetchers")
            database = db
            fetch_order = fetch_order or (lambda sort, descending: invoices.invoice_order(database, sort, descending))
            fetch_matches = fetch_matches or (lambda flt: invoices.invoice_matches(database, flt))
            fetch_rows = fetch_rows or (lambda ids: invoices.invoice_rows(database, ids))
        self._fetch_order: OrderFetcher = fetch_order
        self._fetch_matches: MatchFetcher = fetch_matches
        self._fetch_rows: RowFetcher = fetch_rows
        self._order: list[int] | None = None
        self._order_key: tuple[str, bool] | None = None
        self.page_size = max(1, page_size)
        self.cache_limit = max(cache_limit, 2 * self.page_size)
        self.query = InvoiceQuery()
        self._ids: list[int] = []
        self._cache: dict[int, InvoiceRow] = {}
        if load:
            self.refresh()

    # -- reading -------------------------------------------------------------------------
    def load(self, query: InvoiceQuery | None = None, *, reread: bool = False) -> Loaded:
        """Read the ids and the first page of ``query`` (any thread); then :meth:`show`. The
        order kept is reused for the same sort unless ``reread`` (the invoices changed). A bad
        filter raises ValidationFailed (the page shows it beside the field)."""
        query = query or self.query
        matches = self._fetch_matches(query.filter)
        key = (query.sort, query.descending)
        order = self._order if self._order is not None and self._order_key == key and not reread else None
        if order is None:
            order = self._fetch_order(*key)
        ids = invoices.filter_order(order, matches)
        return query, ids, self._fetch_rows(ids[: self.page_size]), order

    def show(self, loaded: Loaded) -> None:
        query, ids, rows, order = loaded
        self.beginResetModel()
        self.query = query
        self._order, self._order_key = order, (query.sort, query.descending)
        self._ids = list(ids)
        self._cache = {row.invoice_id: row for row in rows}
        self.endResetModel()
        self.total_changed.emit(len(self._ids))

    def refresh(self, query: InvoiceQuery | None = None, *, reread: bool = True) -> None:
        """Read ``query`` now (on this thread); the order again too unless ``reread`` is False."""
        self.show(self.load(query, reread=reread))

    def with_filter(self, flt: InvoiceFilter) -> InvoiceQuery:
        return replace(self.query, filter=flt)

    def total(self) -> int:
        return len(self._ids)

    def ids(self) -> list[int]:
        return list(self._ids)

    def cached_count(self) -> int:
        return len(self._cache)

    # -- sorting -------------------------------------------------------------------------
    def sort_query(self, column: int, order: Qt.SortOrder) -> InvoiceQuery | None:
        """The query ordered by ``column``, or None when the list cannot be sorted by it."""
        return sorted_query(self.query, COLUMNS, SORTABLE, column, order)

    def sort_column(self) -> int:
        return next(i for i, c in enumerate(COLUMNS) if c.key == self.query.sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        query = self.sort_query(column, order)
        if query is not None and query != self.query:
            self.refresh(query, reread=False)

    # -- rows ----------------------------------------------------------------------------
    def invoice_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, invoice_id: int) -> int | None:
        try:
            return self._ids.index(invoice_id)
        except ValueError:
            return None

    def invoice_row(self, row: int) -> InvoiceRow | None:
        invoice_id = self.invoice_id(row)
        if invoice_id is None:
            return None
        found = self._cache.get(invoice_id)
        if found is None:
            self._load_page(row // self.page_size)
            found = self._cache.get(invoice_id)
        return found

    def _load_page(self, page: int) -> None:
        page_ids = self._ids[page * self.page_size:(page + 1) * self.page_size]
        fill_page(self._cache, page_ids, self._fetch_rows, lambda row: row.invoice_id, self.cache_limit)

    # -- QAbstractTableModel -------------------------------------------------------------
    def rowCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 - Qt naming
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), COLUMNS[index.column()]
        if role == INVOICE_ID_ROLE:
            return self.invoice_id(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        INVOICE_ROW_ROLE):
            return None
        record = self.invoice_row(row)
        if record is None:
            return None
        if role == INVOICE_ROW_ROLE:
            return record
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == "status" and record.corrected_by:
                return QBrush(QColor(ERROR_COLOR))
            if column.key == "total" and record.total < 0:
                return QBrush(QColor(ERROR_COLOR))
            return QBrush(QColor(MUTED_COLOR)) if record.corrected_by else None
        text = column.display(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column.key == "status" and record.corrected_by:
                return f"返還請求書 {record.corrected_by} で訂正されています"
            return text or None
        return text

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(COLUMNS):
                return None
            if COLUMNS[section].key in SORTABLE:
                return f"{COLUMNS[section].title}で並べ替え（もう一度クリックで逆順）"
            return "この列では並べ替えできません"
        return header_data(COLUMNS, section, orientation, role, alignment=ALIGN_LEFT)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

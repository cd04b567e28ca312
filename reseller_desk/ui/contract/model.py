"""The 契約 list as a Qt table model that never loads 100,000 contracts: it holds the rows of
the pages read so far and, as the view scrolls to the end, ``fetchMore`` reads the next page
(``contracts.queries.contract_page``: LIMIT/OFFSET in SQL, with the count of the filter). The
filters (状態, サービス), the search text and the order go to the service; the model keeps no
rule of its own.

A new filter, search or sort is read in two steps so that the page can run the read off the UI
thread: :meth:`first_page` (a plain function of the filters, for the background) and
:meth:`show_first` (on the UI thread). :meth:`refresh` does both at once (tests, scripts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.contract import LIVE_STATUSES, ContractStatus
from reseller_desk.services.contracts import queries
from reseller_desk.services.contracts.queries import ContractRow
from reseller_desk.ui.tables import NO_PARENT, Index, RecordTableModel, sorted_query
from reseller_desk.ui.widgets import ALIGN_CENTER, ALIGN_LEFT, ALIGN_RIGHT, ERROR_COLOR, Column, format_yen

if TYPE_CHECKING:
    from reseller_desk.db.database import Database


@dataclass(frozen=True)
class ListQuery:
    """What the list shows: the statuses and services (empty: all), the search, the order."""

    statuses: tuple[str, ...] = ()
    profile_keys: tuple[str, ...] = ()
    search: str = ""
    sort: str = queries.DEFAULT_SORT
    descending: bool = False


#: (query, offset, limit) -> rows; () -> the count of the query.
PageFetcher = Callable[[ListQuery, int, int], list[ContractRow]]
CountFetcher = Callable[[ListQuery], int]

CONTRACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS: tuple[Column, ...] = (
    Column("customer_code", "カスタマID", 96),
    Column("status", "状態", 72, ALIGN_CENTER, lambda r: r.status_label),
    Column("customer_name", "顧客", 190),
    Column("profile", "サービス", 230, text=lambda r: r.profile_name),
    Column("plan", "プラン", 150, text=lambda r: r.plan_name),
    Column("lines", "回線数", 60, ALIGN_RIGHT, lambda r: "" if r.lines is None else f"{r.lines:,}"),
    Column("monthly_charges", "月額（税抜）", 100, ALIGN_RIGHT, lambda r: format_yen(r.monthly_charges)),
    Column("next_event", "次の予定", 160, text=lambda r: r.next_event.text if r.next_event else ""),
)
SORTABLE = frozenset(queries.SORT_KEYS)
assert {c.key for c in COLUMNS} >= SORTABLE, "every sort key of the service has its column"

STATUS_COLORS: dict[str, str] = {
    ContractStatus.AWAITING_OPENING: "#1565c0",
    ContractStatus.ACTIVE: "#2e7d32",
    ContractStatus.SUSPENDED: ERROR_COLOR,
    ContractStatus.CANCELLATION_SCHEDULED: "#e65100",
    ContractStatus.CANCELLED: "#757575",
    ContractStatus.TERMINATED: "#6d4c41",
    ContractStatus.ENDED: "#757575",
    ContractStatus.REVOKED: "#6d4c41",
}

#: The 状態 filter: (label, statuses); the first is everything.
STATUS_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("すべて", ()),
    ("継続中（解約済などを除く）", tuple(s.value for s in ContractStatus if s in LIVE_STATUSES)),
    *((s.label, (s.value,)) for s in ContractStatus),
)


class ContractTableModel(RecordTableModel[ContractRow]):
    PAGE_SIZE = 200

    #: The number of contracts of the current filters changed.
    total_changed = Signal(int)

    def __init__(self, db: Database | None = None, *, fetch_page: PageFetcher | None = None,
                 fetch_count: CountFetcher | None = None, page_size: int = PAGE_SIZE, load: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        if fetch_page is None or fetch_count is None:
            if db is None:
                raise ValueError("ContractTableModel needs a database or both fetchers")
            database = db
            fetch_page = fetch_page or (lambda q, offset, limit: queries.contract_page(
                database, statuses=q.statuses, profile_keys=q.profile_keys, search=q.search, offset=offset,
                limit=limit, sort=q.sort, descending=q.descending))
            fetch_count = fetch_count or (lambda q: queries.count_contracts(
                database, statuses=q.statuses, profile_keys=q.profile_keys, search=q.search))
        self._fetch_page: PageFetcher = fetch_page
        self._fetch_count: CountFetcher = fetch_count
        self.page_size = max(1, page_size)
        self.query = ListQuery()
        self._total = 0
        if load:
            self.refresh()

    # -- what is shown -------------------------------------------------------------------
    def set_query(self, query: ListQuery) -> None:
        self.query = query

    def with_filters(self, statuses: Sequence[str] = (), profile_keys: Sequence[str] = (),
                     search: str | None = None) -> ListQuery:
        return replace(self.query, statuses=tuple(statuses), profile_keys=tuple(profile_keys),
                       search=self.query.search if search is None else search)

    def first_page(self, query: ListQuery | None = None) -> tuple[ListQuery, int, list[ContractRow]]:
        """Read the count and the first page of ``query`` (any thread); :meth:`show_first`."""
        query = query or self.query
        return query, self._fetch_count(query), self._fetch_page(query, 0, self.page_size)

    def show_first(self, loaded: tuple[ListQuery, int, list[ContractRow]]) -> None:
        query, total, rows = loaded
        self.query = query
        self._total = total
        self.set_records(rows)
        self.total_changed.emit(total)

    def refresh(self, query: ListQuery | None = None) -> None:
        self.show_first(self.first_page(query))

    def total(self) -> int:
        return self._total

    def loaded(self) -> int:
        return len(self.records)

    # -- paging (the view asks when it scrolls to the end) ---------------------------------
    def canFetchMore(self, parent: Index = NO_PARENT) -> bool:  # noqa: N802 - Qt naming
        return not parent.isValid() and len(self.records) < self._total

    def fetchMore(self, parent: Index = NO_PARENT) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        start = len(self.records)
        rows = self._fetch_page(self.query, start, self.page_size)
        if len(rows) < self.page_size:  # the last page: fewer than counted if contracts went meanwhile
            self._total = start + len(rows)
        if not rows:
            return
        self.beginInsertRows(NO_PARENT, start, start + len(rows) - 1)
        self.records.extend(rows)
        self.endInsertRows()

    # -- sorting -------------------------------------------------------------------------
    def sort_query(self, column: int, order: Qt.SortOrder) -> ListQuery | None:
        """The query sorted by ``column``, or None when the list cannot be sorted by it (the
        charges and the next event are worked out per page)."""
        return sorted_query(self.query, COLUMNS, SORTABLE, column, order)

    def sort_column(self) -> int:
        return next(i for i, c in enumerate(COLUMNS) if c.key == self.query.sort)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        query = self.sort_query(column, order)
        if query is not None and query != self.query:
            self.refresh(query)

    # -- rows ----------------------------------------------------------------------------
    def contract_id(self, row: int) -> int | None:
        found = self.record(row)
        return found.id if found else None

    def row_of(self, contract_id: int) -> int | None:
        return next((i for i, r in enumerate(self.records) if r.id == contract_id), None)

    def extra_data(self, record: ContractRow, column: Column, role: int) -> Any:
        if role == CONTRACT_ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "status":
            return QBrush(QColor(STATUS_COLORS.get(record.status, "#000000")))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(COLUMNS):
                if COLUMNS[section].key in SORTABLE:
                    return f"{COLUMNS[section].title}で並べ替え（もう一度クリックで逆順）"
                return "この列では並べ替えできません"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            return ALIGN_LEFT
        return super().headerData(section, orientation, role)

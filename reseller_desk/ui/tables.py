"""The pieces every list on screen is made of: a table model over a list of records described
by :class:`~reseller_desk.ui.widgets.Column` definitions, the read-only list view of a
section, and the selection that a list page keeps across refreshes.

A small record list (incidents, bank accounts, closure days, plans, audit records, the 申込
list) is a :class:`RecordTableModel` with its columns; only what differs (colours, a tooltip,
an editable cell) is written in its subclass. The customer list pages its rows itself and
shares only :func:`header_data`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from reseller_desk.ui.widgets import Column

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

#: The parent index of a table's rows (a table has no tree); the default of rowCount() & co.
NO_PARENT = QModelIndex()
#: The whole record of a row, whatever the column.
RECORD_ROLE = Qt.ItemDataRole.UserRole


def header_data(columns: Sequence[Column], section: int, orientation: Qt.Orientation, role: int, *,
                alignment: Qt.AlignmentFlag | None = None) -> Any:
    """The horizontal header of ``columns``: the titles, aligned like their column (or all
    with ``alignment``)."""
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
        return None
    if role == Qt.ItemDataRole.DisplayRole:
        return columns[section].title
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return alignment if alignment is not None else columns[section].alignment
    return None


def fill_page(cache: dict[int, R], page_ids: Sequence[int], fetch: Callable[[Sequence[int]], list[R]],
              key: Callable[[R], int], limit: int) -> None:
    """Read the rows of ``page_ids`` not in ``cache`` (one fetch) into it, dropping the oldest
    rows of other pages first so that it holds at most about ``limit`` (a paged list's cache)."""
    missing = [i for i in page_ids if i not in cache]
    if not missing:
        return
    rows = fetch(missing)
    overflow = len(cache) + len(rows) - limit
    if overflow > 0:
        keep = set(page_ids)
        for stale in [i for i in cache if i not in keep][:overflow]:  # oldest first
            del cache[stale]
    for row in rows:
        cache[key(row)] = row


def sorted_query(query: Any, columns: Sequence[Column], sortable: frozenset[str], column: int,
                 order: Qt.SortOrder) -> Any:
    """``query`` (a dataclass with ``sort`` and ``descending``) ordered by ``column``, or None when
    the list cannot be sorted by it (a column worked out per page)."""
    if not 0 <= column < len(columns) or columns[column].key not in sortable:
        return None
    return dataclasses.replace(query, sort=columns[column].key, descending=order == Qt.SortOrder.DescendingOrder)


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Rows are ``records`` (plain service values), columns are ``columns``. Subclasses add
    roles through :meth:`extra_data` (colours, icons) and may make cells editable."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[Column, ...] = tuple(columns)
        self.records: list[R] = []

    def set_records(self, records: Iterable[R]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        return self.records[row] if 0 <= row < len(self.records) else None

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    # -- what a cell says ------------------------------------------------------------------
    def display(self, record: R, column: Column) -> str:
        return column.display(record)

    def tooltip(self, record: R, column: Column) -> str | None:
        """By default the cell's own text, so that a cut-off cell can be read in full."""
        return self.display(record, column) or None

    def extra_data(self, record: R, column: Column, role: int) -> Any:
        return None

    # -- QAbstractTableModel ---------------------------------------------------------------
    def rowCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802 - Qt naming
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: Index = NO_PARENT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record, column = self.records[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        if role == RECORD_ROLE:
            return record
        return self.extra_data(record, column, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(self.columns, section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def list_table(model: QAbstractItemModel, columns: Sequence[Column], object_name: str,
               parent: QWidget) -> QTableView:
    """The read-only list of a section: whole-row single selection, alternating rows, no word
    wrap, fixed row heights (the view never asks 100,000 rows for their size), interactive
    column widths from ``columns`` with the last one stretching."""
    table = QTableView(parent)
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(parent.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    for column, spec in enumerate(columns):
        table.setColumnWidth(column, spec.width)
    return table


class SelectableList:
    """The selection of a list page: which record id is selected, selecting one, and keeping
    it selected when the model is reset (a refresh, a new search). ``row_of(id)`` finds the
    row of an id in the model; ``changed`` is called whenever the selection may have changed
    (to enable the page's buttons)."""

    def __init__(self, table: QTableView, id_role: int, row_of: Callable[[int], int | None],
                 changed: Callable[[], None]) -> None:
        self.table = table
        self.id_role = id_role
        self.row_of = row_of
        self.changed = changed
        self._before_reset: int | None = None
        self._after_refresh: int | None = None
        model = table.model()
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)
        table.selectionModel().selectionChanged.connect(lambda *_: changed())

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(self.id_role) if rows else None

    def opening_with(self, open_record: Callable[[int], None]) -> Callable[[], None]:
        """Enter and double-click open the record of their row with ``open_record``; returns
        the slot of the page's 開く button (the selected record)."""
        def activated(index: QModelIndex) -> None:
            record_id = index.data(self.id_role)
            if record_id is not None:
                open_record(record_id)

        def open_selected() -> None:
            record_id = self.selected_id()
            if record_id is not None:
                open_record(record_id)

        self.table.activated.connect(activated)
        return open_selected

    def enter(self) -> None:
        """↓ from the search field: into the list, its first row selected if none is."""
        if self.table.model().rowCount() and self.selected_id() is None:
            self.select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def select_row(self, row: int) -> None:
        """Select and show one whole row."""
        index = self.table.model().index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def select(self, record_id: int) -> bool:
        row = self.row_of(record_id)
        if row is None:
            return False
        self.select_row(row)
        return True

    def select_when_listed(self, record_id: int) -> None:
        """Select ``record_id`` now, or after the refresh that brings it into the list."""
        if not self.select(record_id):
            self._after_refresh = record_id

    def _remember(self) -> None:
        self._before_reset = self.selected_id()

    def _restore(self) -> None:
        wanted = self._after_refresh or self._before_reset
        if wanted is not None and self.select(wanted):
            self._after_refresh = None
        self._before_reset = None
        self.changed()

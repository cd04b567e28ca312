"""The 申込 list as a Qt table model.

The rows are what ``applications.list_applications`` returns, in its order: open applications
first, the one waiting longest at the top, then decided ones, newest first. Filters (状態 and
受付経路) are passed to the service; the model keeps no rule of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.application import ApplicationStatus
from reseller_desk.domain.intake import Channel
from reseller_desk.services import applications as application_service
from reseller_desk.services.applications import ApplicationRow
from reseller_desk.ui.widgets import format_date
from reseller_desk.ui.widgets import ALIGN_CENTER, ALIGN_RIGHT, Column

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

#: (statuses, channels) -> rows; an empty tuple means "every status" / "every channel".
RowFetcher = Callable[[tuple[str, ...], tuple[str, ...]], list[ApplicationRow]]

#: The application id of a row (an ``int``), whatever the column.
APPLICATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The whole :class:`ApplicationRow` of a row.
APPLICATION_ROW_ROLE = Qt.ItemDataRole.UserRole + 2



COLUMNS: tuple[Column, ...] = (
    Column("number", "申込番号", 118),
    Column("status", "状態", 64, ALIGN_CENTER),
    Column("channel", "受付経路", 72, ALIGN_CENTER),
    Column("received_on", "受付日", 90),
    Column("days_waiting", "待ち日数", 70, ALIGN_RIGHT),
    Column("applicant_name", "申込者", 210),
    Column("profile_name", "サービス", 140),
    Column("plan_name", "プラン", 190),
    Column("handled_by_name", "担当", 90),  # the last column: stretches to the edge
)
(COL_NUMBER, COL_STATUS, COL_CHANNEL, COL_RECEIVED, COL_DAYS, COL_APPLICANT, COL_PROFILE, COL_PLAN,
 COL_HANDLER) = range(len(COLUMNS))

#: Status colours: what needs someone's attention stands out.
STATUS_COLORS = {
    ApplicationStatus.RECEIVED.value: "#1565c0",
    ApplicationStatus.AWAITING_DOCUMENTS.value: "#e65100",
    ApplicationStatus.SCREENING.value: "#6a1b9a",
    ApplicationStatus.APPROVED.value: "#2e7d32",
    ApplicationStatus.REFUSED.value: "#c62828",
    ApplicationStatus.WITHDRAWN.value: "#757575",
    ApplicationStatus.REVOKED.value: "#757575",
}

#: The 状態 filter: (label, statuses); the first is everything.
OPEN_STATUSES = tuple(s.value for s in ApplicationStatus if s.is_open)
STATUS_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("すべて", ()),
    ("未決定（受付・書類待ち・審査中）", OPEN_STATUSES),
    *((s.label, (s.value,)) for s in ApplicationStatus),
)
#: The 受付経路 filter: (label, channels).
CHANNEL_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("すべて", ()),
    *((c.label, (c.value,)) for c in Channel),
)


def days_text(row: ApplicationRow) -> str:
    """"3日" while open; nothing once decided (the service counts 0 then)."""
    return f"{row.days_waiting}日" if ApplicationStatus(row.status).is_open else ""


class ApplicationTableModel(QAbstractTableModel):
    #: The number of applications shown changed.
    total_changed = Signal(int)

    def __init__(self, db: "Database | None" = None, *, fetch: RowFetcher | None = None, load: bool = True,
                 parent=None) -> None:
        super().__init__(parent)
        if db is None and fetch is None:
            raise ValueError("ApplicationTableModel needs a database or a fetcher")
        self._fetch: RowFetcher = fetch or (lambda statuses, channels: application_service.list_applications(
            db, statuses=statuses or None, channels=channels or None))
        self._rows: list[ApplicationRow] = []
        self._statuses: tuple[str, ...] = ()
        self._channels: tuple[str, ...] = ()
        if load:
            self.refresh()

    # -- filters -----------------------------------------------------------------------
    @property
    def statuses(self) -> tuple[str, ...]:
        return self._statuses

    @property
    def channels(self) -> tuple[str, ...]:
        return self._channels

    def set_filters(self, statuses: Iterable[str] = (), channels: Iterable[str] = (), *, load: bool = True) -> None:
        self._statuses, self._channels = tuple(statuses), tuple(channels)
        if load:
            self.refresh()

    def fetch(self) -> list[ApplicationRow]:
        """The rows of the current filters (for a background call; :meth:`set_rows` shows them)."""
        return self._fetch(self._statuses, self._channels)

    def refresh(self) -> None:
        """Read the rows now (synchronously)."""
        self.set_rows(self.fetch())

    def set_rows(self, rows: Sequence[ApplicationRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        self.total_changed.emit(len(self._rows))

    # -- rows --------------------------------------------------------------------------
    def total(self) -> int:
        return len(self._rows)

    def rows(self) -> list[ApplicationRow]:
        return list(self._rows)

    def application_row(self, row: int) -> ApplicationRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def application_id(self, row: int) -> int | None:
        found = self.application_row(row)
        return found.id if found else None

    def row_of(self, application_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == application_id), None)

    # -- QAbstractTableModel -----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == APPLICATION_ID_ROLE:
            return record.id
        if role == APPLICATION_ROW_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[column].alignment
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return QBrush(QColor(STATUS_COLORS.get(record.status, "#000000")))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == COL_STATUS:
                return record.status_label
            if column == COL_CHANNEL:
                return record.channel_label
            if column == COL_RECEIVED:
                return format_date(record.received_on)
            if column == COL_DAYS:
                return days_text(record)
            text = getattr(record, COLUMNS[column].key)
            if role == Qt.ItemDataRole.ToolTipRole:
                return text or None
            return text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return COLUMNS[section].alignment
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

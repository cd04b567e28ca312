"""The 申込 list as a Qt table model.

The rows are what ``applications.list_applications`` returns, in its order: open applications
first, the one waiting longest at the top, then decided ones, newest first. Filters (状態 and
受付経路) are passed to the service; the model keeps no rule of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from reseller_desk.domain.application import ApplicationStatus
from reseller_desk.domain.intake import Channel
from reseller_desk.services import applications as application_service
from reseller_desk.services.applications import ApplicationRow
from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import ALIGN_CENTER, ALIGN_RIGHT, ERROR_COLOR, Column, format_date

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

#: (statuses, channels) -> rows; an empty tuple means "every status" / "every channel".
RowFetcher = Callable[[tuple[str, ...], tuple[str, ...]], list[ApplicationRow]]

#: The application id of a row (an ``int``), whatever the column.
APPLICATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: The whole :class:`ApplicationRow` of a row.
APPLICATION_ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def days_text(row: ApplicationRow) -> str:
    """"3日" while open; nothing once decided (the service counts 0 then)."""
    return f"{row.days_waiting}日" if ApplicationStatus(row.status).is_open else ""


COLUMNS: tuple[Column, ...] = (
    Column("number", "申込番号", 110),
    Column("status", "状態", 72, ALIGN_CENTER, lambda r: r.status_label),
    Column("channel", "受付経路", 72, ALIGN_CENTER, lambda r: r.channel_label),
    Column("received_on", "受付日", 90, text=lambda r: format_date(r.received_on)),
    Column("days_waiting", "待ち日数", 70, ALIGN_RIGHT, days_text),
    Column("applicant_name", "申込者", 180),
    Column("profile_name", "サービス", 250),
    Column("plan_name", "プラン", 190),
    Column("handled_by_name", "担当", 90),  # the last column: stretches to the edge
)
(COL_NUMBER, COL_STATUS, COL_CHANNEL, COL_RECEIVED, COL_DAYS, COL_APPLICANT, COL_PROFILE, COL_PLAN,
 COL_HANDLER) = range(len(COLUMNS))

#: Status colours: what needs someone's attention stands out. A withdrawal (the applicant's
#: own step, nothing wrong) is grey; a revoked acceptance (the identity check failed) is dark
#: red-brown, never the same as a withdrawal.
STATUS_COLORS: dict[str, str] = {
    ApplicationStatus.RECEIVED: "#1565c0",
    ApplicationStatus.AWAITING_DOCUMENTS: "#e65100",
    ApplicationStatus.SCREENING: "#6a1b9a",
    ApplicationStatus.APPROVED: "#2e7d32",
    ApplicationStatus.REFUSED: ERROR_COLOR,
    ApplicationStatus.WITHDRAWN: "#757575",
    ApplicationStatus.REVOKED: "#6d4c41",
}

#: The 状態 filter: (label, statuses); the first is everything. 取下げ and 承諾取消 are
#: separate entries, as they are separate outcomes.
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


class ApplicationTableModel(RecordTableModel[ApplicationRow]):
    #: The number of applications shown changed.
    total_changed = Signal(int)

    def __init__(self, db: Database | None = None, *, fetch: RowFetcher | None = None, load: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        if fetch is None:
            if db is None:
                raise ValueError("ApplicationTableModel needs a database or a fetcher")
            database = db

            def fetch(statuses: tuple[str, ...], channels: tuple[str, ...]) -> list[ApplicationRow]:
                return application_service.list_applications(database, statuses=statuses or None,
                                                              channels=channels or None)
        self._fetch: RowFetcher = fetch
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
        self.set_records(rows)
        self.total_changed.emit(len(self.records))

    # -- rows --------------------------------------------------------------------------
    def total(self) -> int:
        return len(self.records)

    def rows(self) -> list[ApplicationRow]:
        return list(self.records)

    def application_row(self, row: int) -> ApplicationRow | None:
        return self.record(row)

    def application_id(self, row: int) -> int | None:
        found = self.record(row)
        return found.id if found else None

    def row_of(self, application_id: int) -> int | None:
        return next((i for i, r in enumerate(self.records) if r.id == application_id), None)

    # -- what differs from a plain record list -----------------------------------------
    def extra_data(self, record: ApplicationRow, column: Column, role: int) -> Any:
        if role == APPLICATION_ID_ROLE:
            return record.id
        if role == APPLICATION_ROW_ROLE:
            return record
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "status":
            return QBrush(QColor(STATUS_COLORS.get(record.status, "#000000")))
        return None

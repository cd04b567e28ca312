"""The 操作履歴 section (managers): who changed what and when, with the values before and after
in readable Japanese (audit_format), filtered by customer, application, staff member and a
range of days (Japan time, like the times shown). The newest 500 come first; 「さらに表示」
reads the next 500. 「CSV出力」 writes what is shown. The service refuses a clerk; the
navigation does not offer the section to one either."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.services import applications as application_service
from reseller_desk.services import audit as audit_service
from reseller_desk.services import customers as customer_service
from reseller_desk.services import staff as staff_service
from reseller_desk.services.applications import ApplicationRow
from reseller_desk.services.audit import AuditRecord
from reseller_desk.services.customers import CustomerRow
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.staff import StaffInfo
from reseller_desk.ui.audit_format import AuditText, write_csv
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import NO_PARENT, RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    Column,
    SavePathFunction,
    date_edit,
    documents_folder,
    format_local_datetime,
    muted_label,
    save_path_asker,
    to_date,
    to_qdate,
)

PAGE_SIZE = 500
MAX_LINES = 4
MAX_LINE_CHARS = 60
CUSTOMER_SEARCH_LIMIT = 50
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
AUDIT_COLUMNS = (
    Column("at", "日時", 150, TOP_LEFT), Column("user_name", "担当", 90, TOP_LEFT),
    Column("action", "操作", 280, TOP_LEFT), Column("target", "対象", 140, TOP_LEFT),
    Column("before", "変更前", 200, TOP_LEFT), Column("after", "変更後", 200, TOP_LEFT),
)
COL_AT, COL_USER, COL_SUMMARY, COL_TARGET, COL_BEFORE, COL_AFTER = range(len(AUDIT_COLUMNS))


def local_time(moment: dt.datetime | None) -> str:
    """Stored naive UTC -> Japan time (UTC+9), 2026-11-22 14:05:09."""
    return format_local_datetime(moment, seconds=True)


def clip(text: str) -> str:
    """At most a few short lines in the table; the whole text is in the tooltip and the pane."""
    lines = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS - 1] + "…" for line in text.splitlines()]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES - 1], f"…（ほか{len(lines) - MAX_LINES + 1}行）"]
    return "\n".join(lines)


class AuditModel(RecordTableModel[AuditRecord]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(AUDIT_COLUMNS, parent)
        self.texts = AuditText()

    def full_text(self, record: AuditRecord, column: Column) -> str:
        _at, user, _action, _summary, target, before, after = self.texts.row(record)
        return {"at": local_time(record.at), "user_name": user, "action": self.texts.operation(record),
                "target": target, "before": before, "after": after}[column.key]

    def display(self, record: AuditRecord, column: Column) -> str:
        return clip(self.full_text(record, column))

    def tooltip(self, record: AuditRecord, column: Column) -> str | None:
        return self.full_text(record, column) or None

    def append(self, records: list[AuditRecord]) -> None:
        if records:
            first = len(self.records)
            self.beginInsertRows(NO_PARENT, first, first + len(records) - 1)
            self.records.extend(records)
            self.endInsertRows()


class AuditPage(QWidget):
    title = "操作履歴"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditModel(self)
        self.has_more = False
        self.ask_csv_path: SavePathFunction = save_path_asker("CSV (*.csv)")

        self.customer_query = QLineEdit()
        self.customer_query.setObjectName("auditCustomerQuery")
        self.customer_query.setPlaceholderText("顧客名・フリガナ・電話番号で検索")
        self.customer_query.setClearButtonEnabled(True)
        self.customer_query.returnPressed.connect(self.search_customers)
        self.customer_search_button = QPushButton("検索")
        self.customer_search_button.clicked.connect(self.search_customers)
        self.customer_combo = self._combo("auditCustomer", "すべての顧客", 220)
        self.application_combo = self._combo("auditApplication", "すべての申込", 240)
        self.staff_combo = self._combo("auditStaff", "すべての担当者", 150)
        self.period_check = QCheckBox("期間")
        self.period_check.setObjectName("auditPeriod")
        self.date_from = date_edit(clock.today().replace(day=1))
        self.date_from.setObjectName("auditDateFrom")
        self.date_to = date_edit(clock.today())
        self.date_to.setObjectName("auditDateTo")
        for edit in (self.date_from, self.date_to):
            edit.setEnabled(False)
            edit.dateChanged.connect(lambda _d: self.refresh() if self.period_check.isChecked() else None)
        self.period_check.toggled.connect(self._period_toggled)
        self.clear_button = QPushButton("条件を解除")
        self.clear_button.clicked.connect(self.clear_filters)
        self.csv_button = QPushButton("CSV出力…")
        self.csv_button.setObjectName("auditCsv")
        self.csv_button.setToolTip("表示中の履歴をCSV（Excelで開けるUTF-8）で保存します")
        self.csv_button.clicked.connect(self.export_csv)

        self.count_label = QLabel()
        self.count_label.setObjectName("auditCount")
        self.more_button = QPushButton(f"さらに{PAGE_SIZE}件を表示")
        self.more_button.setObjectName("auditMore")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.table = list_table(self.model, AUDIT_COLUMNS, "auditTable", self)
        self.table.verticalHeader().setSectionResizeMode(self.table.verticalHeader().ResizeMode.Interactive)

        first = QHBoxLayout()
        first.addWidget(QLabel("顧客"))
        first.addWidget(self.customer_query, 1)
        first.addWidget(self.customer_search_button)
        first.addWidget(self.customer_combo, 1)
        first.addSpacing(12)
        first.addWidget(QLabel("申込番号"))
        first.addWidget(self.application_combo, 1)
        second = QHBoxLayout()
        second.addWidget(QLabel("担当"))
        second.addWidget(self.staff_combo)
        second.addSpacing(12)
        second.addWidget(self.period_check)
        second.addWidget(self.date_from)
        second.addWidget(QLabel("〜"))
        second.addWidget(self.date_to)
        second.addStretch(1)
        second.addWidget(self.clear_button)
        second.addWidget(self.csv_button)
        info = QHBoxLayout()
        info.addWidget(muted_label(f"新しい順に{PAGE_SIZE}件ずつ表示します。日時と期間は日本時間です。"), 1)
        info.addWidget(self.count_label)
        info.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addLayout(info)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 3)
        self.details = QPlainTextEdit()
        self.details.setObjectName("auditDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("行を選ぶと、その操作の変更前・変更後がすべて表示されます。")
        layout.addWidget(self.details, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self.show_details(current.row()))

        ctx.changes.changed.connect(self._data_changed)
        self.load_choices()
        self.refresh()

    def _combo(self, name: str, everything: str, width: int) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setMinimumWidth(width)
        box.addItem(everything, None)
        box.currentIndexChanged.connect(lambda _i: self.refresh())
        return box

    # -- filters ----------------------------------------------------------------------------
    def load_choices(self) -> None:
        """The applications and the staff to filter by (off the UI thread)."""
        db = self.ctx.db
        self.ctx.ops.run(lambda: (application_service.list_applications(db), staff_service.list_staff(db)),
                         success=self._choices_loaded, parent=self)

    def _choices_loaded(self, result: tuple[list[ApplicationRow], list[StaffInfo]]) -> None:
        rows, staff = result
        self.model.texts.application_numbers = {r.id: r.number for r in rows}
        self._refill(self.application_combo, "すべての申込",
                     [(f"{r.number}　{r.applicant_name}", r.id) for r in sorted(rows, key=lambda r: r.number,
                                                                               reverse=True)])
        self._refill(self.staff_combo, "すべての担当者", [(f"{s.name}（{s.role.label}）", s.id) for s in staff])
        if self.model.records:
            self.model.set_records(self.model.records)  # show the numbers

    @staticmethod
    def _refill(box: QComboBox, everything: str, items: list[tuple[str, Any]]) -> None:
        current = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(everything, None)
        for text, data in items:
            box.addItem(text, data)
        box.setCurrentIndex(max(box.findData(current), 0))
        box.blockSignals(False)

    def search_customers(self) -> None:
        query, db = self.customer_query.text().strip(), self.ctx.db
        if not query:
            self._customers_found([])
            return
        self.ctx.ops.run(lambda: customer_service.customer_rows(
            db, customer_service.customer_ids(db, query)[:CUSTOMER_SEARCH_LIMIT]), success=self._customers_found,
            parent=self)

    def _customers_found(self, rows: list[CustomerRow]) -> None:
        self._refill(self.customer_combo, "すべての顧客" if not rows else f"該当 {len(rows)}件から選択…",
                     [(f"ID {row.id}　{row.name}", row.id) for row in rows])
        self.customer_combo.setCurrentIndex(0)
        if len(rows) == 1:
            self.customer_combo.setCurrentIndex(1)  # the only match: filter at once
        else:
            self.refresh()

    def set_application(self, application_id: int | None) -> None:
        self.application_combo.setCurrentIndex(max(self.application_combo.findData(application_id), 0))

    def set_period(self, date_from: dt.date | None, date_to: dt.date | None = None) -> None:
        """Only the days from ``date_from`` to ``date_to`` (None: no range)."""
        self.period_check.blockSignals(True)
        self.period_check.setChecked(date_from is not None)
        self.period_check.blockSignals(False)
        for edit, day in ((self.date_from, date_from), (self.date_to, date_to or date_from)):
            edit.blockSignals(True)
            if day is not None:
                edit.setDate(to_qdate(day))
            edit.setEnabled(date_from is not None)
            edit.blockSignals(False)
        self.refresh()

    def _period_toggled(self, checked: bool) -> None:
        self.date_from.setEnabled(checked)
        self.date_to.setEnabled(checked)
        self.refresh()

    def clear_filters(self) -> None:
        self.customer_query.clear()
        for box in (self.customer_combo, self.application_combo, self.staff_combo):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.set_period(None)

    def filters(self) -> dict[str, Any]:
        period = self.period_check.isChecked()
        return {"customer_id": self.customer_combo.currentData(),
                "application_id": self.application_combo.currentData(), "user_id": self.staff_combo.currentData(),
                "date_from": to_date(self.date_from) if period else None,
                "date_to": to_date(self.date_to) if period else None}

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._load(0)

    def load_more(self) -> None:
        self._load(len(self.model.records))

    def _load(self, offset: int) -> None:
        ctx, filters = self.ctx, self.filters()
        ctx.ops.run(lambda: audit_service.list_audit(ctx.db, ctx.actor, limit=PAGE_SIZE + 1, offset=offset, **filters),
                    success=lambda records: self._loaded(records, offset), failure=self._refused, parent=self)

    def _loaded(self, records: list[AuditRecord], offset: int) -> None:
        self.message.setVisible(False)
        self.has_more = len(records) > PAGE_SIZE
        page = records[:PAGE_SIZE]
        if offset:
            self.model.append(page)
        else:
            self.model.set_records(page)
        self.table.resizeRowsToContents()
        total = len(self.model.records)
        self.count_label.setText(f"{total:,}件" + ("（さらにあります）" if self.has_more else ""))
        self.more_button.setVisible(self.has_more)
        self.csv_button.setEnabled(bool(total))

    def show_details(self, row: int) -> None:
        record = self.model.record(row)
        if record is None:
            self.details.clear()
            return
        self.details.setPlainText(self.model.texts.details(record))

    def _refused(self, error: ServiceError) -> None:
        self.model.set_records([])
        self.count_label.setText("")
        self.more_button.setVisible(False)
        self.message.setText(str(error))
        self.message.setVisible(True)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.APPLICATIONS, Changes.CUSTOMERS):
            self.load_choices()
        self.refresh()

    # -- CSV ----------------------------------------------------------------------------------
    def export_csv(self) -> None:
        """「CSV出力」: the rows shown, as the table reads them in full, written off the UI thread."""
        suggested = str(documents_folder() / f"操作履歴_{clock.today():%Y%m%d}.csv")
        path = self.ask_csv_path(self, "操作履歴をCSVで保存", suggested)
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        rows = [self.model.texts.row(record) for record in self.model.records]

        def write() -> int:
            try:
                return write_csv(path, rows)
            except OSError as error:
                raise ServiceError(f"CSVを保存できませんでした（{path}）: {error.strerror or error}") from error

        self.ctx.ops.run(write, status=f"操作履歴 {len(rows):,}件を {Path(path).name} に保存しました。",
                         failure=self._csv_failed, parent=self)

    def _csv_failed(self, error: ServiceError) -> None:
        self.message.setText(str(error))
        self.message.setVisible(True)

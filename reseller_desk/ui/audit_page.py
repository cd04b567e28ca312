"""The 操作履歴 section (managers): who changed what and when, with the values before and after,
filtered by customer or by application. The service refuses a clerk; the navigation does not
offer the section to one either."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.application import (
    ApplicationStatus,
    IdentityLetterResult,
    IncidentKind,
    ScreeningAnswer,
)
from reseller_desk.domain.customer import FIELD_LABELS, CustomerKind
from reseller_desk.domain.intake import Channel, DocumentKind, PaymentMethod
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.services import applications as application_service
from reseller_desk.services import audit as audit_service
from reseller_desk.services import customers as customer_service
from reseller_desk.services.audit import AuditRecord
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.widgets import ERROR_COLOR, TEXT_ALIGNMENT, format_local_datetime, muted_label

AUDIT_COLUMNS = (("日時", 150), ("担当", 90), ("操作", 270), ("対象", 140), ("変更前", 170), ("変更後", 180))
COL_AT, COL_USER, COL_SUMMARY, COL_TARGET, COL_BEFORE, COL_AFTER = range(len(AUDIT_COLUMNS))
MAX_LINES = 4
MAX_LINE_CHARS = 60
CUSTOMER_SEARCH_LIMIT = 50

ENTITY_LABELS = {
    "customer": "顧客", "application": "申込", "contract": "契約", "notice": "通知書",
    "screening_item": "審査項目", "customer_incident": "顧客の記録", "staff": "担当者", "plan": "プラン",
    "option": "オプション", "company": "会社情報", "bank_account": "振込先口座", "bank_accounts": "振込先口座",
    "closure": "休業日", "closures": "休業日",
}
#: Names of the values an audit record keeps, for reading (unknown keys are shown as stored).
VALUE_LABELS = {
    **FIELD_LABELS,
    "status": "状態", "answer": "回答", "note": "メモ", "ground": "審査項目", "prefilled": "システム照合",
    "decided_on": "決定日", "formed_on": "契約成立日", "customer_code": "カスタマID",
    "first_billable_month": "課金開始月", "opened_on": "開通日", "registered_on": "登録日",
    "occurred_on": "発生日", "amount": "金額", "number": "番号", "login": "ログインID", "role": "役割",
    "channel": "受付経路", "received_on": "受付日", "profile_key": "サービス", "plan_id": "プラン",
    "option_ids": "オプション", "lines": "回線数", "payment_method": "支払方法", "debit_account": "口座",
    "documents": "提出書類", "notes": "備考", "customer_id": "顧客ID", "applicant": "申込者",
    "handled_by_id": "担当", "hit_grounds": "該当した審査項目", "internal_note": "社内メモ", "on": "日付",
    "sent_on": "発送日", "result_on": "結果の日", "count": "件数", "monthly_fee": "月額", "initial_fee": "初期費用",
    "active": "有効", "code": "コード", "revoked_on": "取消日",
}


def local_time(moment: dt.datetime | None) -> str:
    """Stored naive UTC -> Japan time (UTC+9), 2026-11-22 14:05:09."""
    return format_local_datetime(moment, seconds=True)


#: Stored codes shown with their Japanese labels (display only; unknown codes stay as stored).
VALUE_ENUMS = {
    "channel": (Channel,), "status": (ApplicationStatus, IdentityLetterResult), "answer": (ScreeningAnswer,),
    "payment_method": (PaymentMethod,), "kind": (CustomerKind, IncidentKind, DocumentKind, NoticeKind),
}


def _value_label(key: str, value: Any) -> Any:
    if isinstance(value, str):
        for enum in VALUE_ENUMS.get(key, ()):
            try:
                member = enum(value)
            except ValueError:
                continue
            return getattr(member, "label", None) or getattr(member, "title", value)
    return value


def _compact(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def format_values(value: Any) -> str:
    """A dict as "名前: 値" lines, anything else as compact JSON; "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{VALUE_LABELS.get(key, key)}: {_compact(_value_label(key, item))}"
                         for key, item in value.items())
    return _compact(value)


def _clip(text: str) -> str:
    """At most a few short lines in the table; the whole text is in the tooltip and the pane."""
    lines = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS - 1] + "…" for line in text.splitlines()]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES - 1] + [f"…（ほか{len(lines) - MAX_LINES + 1}行）"]
    return "\n".join(lines)


class AuditModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.records: list[AuditRecord] = []
        self.application_numbers: dict[int, str] = {}

    def set_records(self, records) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def target(self, record: AuditRecord) -> str:
        label = ENTITY_LABELS.get(record.entity, record.entity)
        if record.entity == "application" and record.entity_id in self.application_numbers:
            return f"{label} {self.application_numbers[record.entity_id]}"
        if record.entity_id is None:
            return label
        return f"{label} ID {record.entity_id}"

    def text(self, record: AuditRecord, column: int) -> str:
        if column == COL_AT:
            return local_time(record.at)
        if column == COL_USER:
            return record.user_name
        if column == COL_SUMMARY:
            return record.summary or record.action
        if column == COL_TARGET:
            return self.target(record)
        if column == COL_BEFORE:
            return format_values(record.before)
        return format_values(record.after)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(AUDIT_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _clip(self.text(record, index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == COL_SUMMARY:
                return f"{record.summary}\n（{record.action}）"
            text = self.text(record, index.column())
            return text or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return AUDIT_COLUMNS[section][0]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return TEXT_ALIGNMENT
        return None


class AuditPage(QWidget):
    title = "操作履歴"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = AuditModel(self)

        self.customer_query = QLineEdit()
        self.customer_query.setObjectName("auditCustomerQuery")
        self.customer_query.setPlaceholderText("顧客名・フリガナ・電話番号で検索")
        self.customer_query.setClearButtonEnabled(True)
        self.customer_query.returnPressed.connect(self.search_customers)
        self.customer_search_button = QPushButton("検索")
        self.customer_search_button.clicked.connect(self.search_customers)
        self.customer_combo = QComboBox()
        self.customer_combo.setObjectName("auditCustomer")
        self.customer_combo.setMinimumWidth(240)
        self.customer_combo.addItem("すべての顧客", None)
        self.application_combo = QComboBox()
        self.application_combo.setObjectName("auditApplication")
        self.application_combo.setMinimumWidth(260)
        self.application_combo.addItem("すべての申込", None)
        self.customer_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.application_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.clear_button = QPushButton("条件を解除")
        self.clear_button.clicked.connect(self.clear_filters)

        self.count_label = QLabel()
        self.count_label.setObjectName("auditCount")
        self.message = QLabel()
        self.message.setObjectName("auditMessage")
        self.message.setStyleSheet(f"color: {ERROR_COLOR};")
        self.message.setWordWrap(True)
        self.message.setVisible(False)

        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column, (_title, width) in enumerate(AUDIT_COLUMNS):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        filters.addWidget(QLabel("顧客"))
        filters.addWidget(self.customer_query, 1)
        filters.addWidget(self.customer_search_button)
        filters.addWidget(self.customer_combo, 1)
        filters.addSpacing(12)
        filters.addWidget(QLabel("申込番号"))
        filters.addWidget(self.application_combo, 1)
        filters.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        info = QHBoxLayout()
        info.addWidget(muted_label("新しい順に最大500件。日時は日本時間です。"), 1)
        info.addWidget(self.count_label)
        layout.addLayout(info)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 3)
        self.details = QPlainTextEdit()
        self.details.setObjectName("auditDetails")
        self.details.setReadOnly(True)
        self.details.setPlaceholderText("行を選ぶと、その操作の変更前・変更後がすべて表示されます。")
        layout.addWidget(self.details, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _previous: self.show_details(current.row()))

        ctx.changes.changed.connect(self._data_changed)
        self.load_applications()
        self.refresh()

    # -- filters ----------------------------------------------------------------------------
    def load_applications(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: application_service.list_applications(db), success=self._applications_loaded,
                         parent=self)

    def _applications_loaded(self, rows) -> None:
        current = self.application_combo.currentData()
        self.model.application_numbers = {r.id: r.number for r in rows}
        self.application_combo.blockSignals(True)
        self.application_combo.clear()
        self.application_combo.addItem("すべての申込", None)
        for row in sorted(rows, key=lambda r: r.number, reverse=True):
            self.application_combo.addItem(f"{row.number}　{row.applicant_name}", row.id)
        position = self.application_combo.findData(current)
        self.application_combo.setCurrentIndex(max(position, 0))
        self.application_combo.blockSignals(False)
        if self.model.records:
            self.model.set_records(self.model.records)  # show the numbers

    def search_customers(self) -> None:
        query, db = self.customer_query.text().strip(), self.ctx.db
        if not query:
            self._customers_found([])
            return
        self.ctx.ops.run(lambda: customer_service.customer_rows(db, customer_service.customer_ids(db, query)[:CUSTOMER_SEARCH_LIMIT]),
                         success=self._customers_found, parent=self)

    def _customers_found(self, rows) -> None:
        self.customer_combo.blockSignals(True)
        self.customer_combo.clear()
        self.customer_combo.addItem("すべての顧客" if not rows else f"該当 {len(rows)}件から選択…", None)
        for row in rows:
            self.customer_combo.addItem(f"ID {row.id}　{row.name}", row.id)
        self.customer_combo.blockSignals(False)
        if len(rows) == 1:
            self.customer_combo.setCurrentIndex(1)  # the only match: filter at once
        else:
            self.refresh()

    def set_customer(self, customer_id: int | None, name: str = "") -> None:
        if customer_id is not None and self.customer_combo.findData(customer_id) < 0:
            self.customer_combo.addItem(f"ID {customer_id}　{name}", customer_id)
        self.customer_combo.setCurrentIndex(max(self.customer_combo.findData(customer_id), 0))

    def set_application(self, application_id: int | None) -> None:
        self.application_combo.setCurrentIndex(max(self.application_combo.findData(application_id), 0))

    def clear_filters(self) -> None:
        self.customer_query.clear()
        self._customers_found([])
        self.set_application(None)

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        ctx = self.ctx
        customer_id, application_id = self.customer_combo.currentData(), self.application_combo.currentData()
        ctx.ops.run(lambda: audit_service.list_audit(ctx.db, ctx.actor, customer_id=customer_id,
                                                     application_id=application_id),
                    success=self._loaded, failure=self._refused, parent=self)

    def _loaded(self, records) -> None:
        self.message.setVisible(False)
        self.model.set_records(records)
        self.table.resizeRowsToContents()
        self.count_label.setText(f"{len(records):,}件")

    def show_details(self, row: int) -> None:
        if not 0 <= row < len(self.model.records):
            self.details.clear()
            return
        record = self.model.records[row]
        text = [f"{local_time(record.at)}　{record.user_name}　{record.summary}（{record.action}）",
                f"対象: {self.model.target(record)}"]
        for title, value in (("変更前", record.before), ("変更後", record.after)):
            if value is not None:
                text.append(f"【{title}】\n{json.dumps(value, ensure_ascii=False, indent=2)}")
        self.details.setPlainText("\n".join(text))

    def _refused(self, error: ServiceError) -> None:
        self.model.set_records([])
        self.count_label.setText("")
        self.message.setText(str(error))
        self.message.setVisible(True)

    def _data_changed(self, what: str) -> None:
        if what in ("applications", "customers"):
            self.load_applications()
        self.refresh()

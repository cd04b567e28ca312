"""顧客の記録: what a customer has on record that screening must see (資格取消, 強制解約,
規約違反, 未払い), and 「記録を追加」. Reached from the customer form (「顧客の記録…」); the
審査 checklist of later applications by the same customer is pre-filled from these records."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain import bounds
from reseller_desk.domain.application import IncidentKind
from reseller_desk.services import incidents as incident_service
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.incidents import IncidentRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    APP_STYLE,
    MONEY_ALIGNMENT,
    Column,
    FieldErrors,
    date_edit,
    error_label,
    field_cell,
    format_date,
    format_yen,
    muted_label,
    to_date,
    yen_spin_box,
)

INCIDENT_COLUMNS = (
    Column("kind_label", "種類", 110),
    Column("occurred_on", "発生日", 100, text=lambda r: format_date(r.occurred_on)),
    Column("amount", "金額", 100, MONEY_ALIGNMENT, lambda r: format_yen(r.amount) if r.amount else ""),
    Column("resolved_on", "解消日", 100, text=lambda r: format_date(r.resolved_on)),
    Column("note", "メモ", 200),
)


class IncidentModel(RecordTableModel[IncidentRecord]):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(INCIDENT_COLUMNS, parent)


class IncidentsDialog(QDialog):
    added = Signal(object)

    def __init__(self, ctx: AppContext, customer_id: int, customer_name: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.customer_id = customer_id
        self.setObjectName("incidentsDialog")
        self.setWindowTitle(f"顧客の記録（ID {customer_id}　{customer_name}）")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()

        self.model = IncidentModel(self)
        self.table = list_table(self.model, INCIDENT_COLUMNS, "incidentTable", self)

        box = QGroupBox("記録を追加")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.kind = QComboBox()
        self.kind.setObjectName("incidentKind")
        for kind in IncidentKind:
            self.kind.addItem(kind.label, kind.value)
        self.occurred_on = date_edit()
        self.occurred_on.setObjectName("occurredOn")
        self.amount = yen_spin_box(bounds.MAX_INCIDENT_AMOUNT)
        self.amount.setObjectName("amount")
        self.note = QLineEdit()
        self.note.setObjectName("incidentNote")
        self.note.setPlaceholderText("例: 2025年2月分 未入金")
        for text, name, widget in (("種類", "kind", self.kind), ("発生日", "occurred_on", self.occurred_on),
                                   ("金額", "amount", self.amount), ("メモ", "note", self.note)):
            cell = field_cell(widget, labels=[self.errors.add(name, widget)], left=widget is not self.note)
            form.addRow(text, cell)
        self.add_button = QPushButton("記録を追加")
        self.add_button.setObjectName("addIncident")
        self.add_button.clicked.connect(self.add)
        form.addRow("", self.add_button)
        self.summary = error_label()

        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("申込の審査で、同じ顧客（同じ法人番号・名称と電話番号・名称と住所）の記録として照合されます。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(box)
        layout.addLayout(buttons)
        self.resize(680, 520)
        self.load()

    def load(self) -> None:
        db, customer_id = self.ctx.db, self.customer_id
        self.ctx.ops.run(lambda: incident_service.list_incidents(db, customer_id), success=self.model.set_records,
                         parent=self)

    def add(self) -> None:
        ctx, customer_id = self.ctx, self.customer_id
        kind, occurred_on = self.kind.currentData(), to_date(self.occurred_on)
        amount, note = self.amount.value(), self.note.text()
        self.errors.clear()
        self.summary.setVisible(False)
        self.add_button.setEnabled(False)
        ctx.ops.run(lambda: incident_service.add_incident(ctx.db, ctx.actor, customer_id, kind, occurred_on,
                                                          amount=amount, note=note),
                    success=self._added, invalid=self._invalid, failure=self._failed,
                    done=lambda: self.add_button.setEnabled(True), changes=Changes.INCIDENTS,
                    status=f"顧客の記録（{IncidentKind(kind).label}）を追加しました。", parent=self)

    def _added(self, record: IncidentRecord) -> None:
        self.note.clear()
        self.amount.setValue(0)
        self.added.emit(record)
        self.load()

    def _invalid(self, error: ValidationFailed) -> None:
        _first, others = self.errors.show(error.errors)
        self.summary.setText("\n".join([str(error), *others.values()]))
        self.summary.setVisible(True)

    def _failed(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.ctx.ops.show_message("記録を追加できませんでした", str(error))

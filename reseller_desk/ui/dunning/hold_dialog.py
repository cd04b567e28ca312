"""督促保留…: hold a customer's dunning (or one overdue invoice's) until a date, with the reason
(services.payments.dunning.hold_dunning); a refusal is shown beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.domain.payments import HoldKind
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.payments import dunning
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import APP_STYLE, FieldErrors, date_edit, error_label, field_cell, form_layout, to_date


class HoldDialog(QDialog):
    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        today = clock.today()
        self.setStyleSheet(APP_STYLE)
        self.setWindowTitle(f"督促の保留（{row.customer_name}）")
        self.errors = FieldErrors()
        self.summary = error_label()
        self.target = QComboBox()
        self.target.setObjectName("holdTarget")
        self.target.addItem("顧客全体", None)
        for invoice in row.invoices:
            self.target.addItem(f"請求書 {invoice.number}（¥{invoice.owed:,}）", invoice.invoice_id)
        self.kind = QComboBox()
        self.kind.setObjectName("holdKind")
        for kind in HoldKind:
            self.kind.addItem(kind.label, kind.value)
        self.until = date_edit(today + dt.timedelta(days=14), window=(today, bounds.years_after(today, 1)))
        self.until.setObjectName("holdUntil")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("holdReason")
        self.reason.setFixedHeight(60)
        self.reason.setPlaceholderText("例: 12月10日に振込むと電話連絡あり")
        form = form_layout()
        for name, label, widget in (("invoice_id", "対象", self.target), ("kind", "保留の理由の種類", self.kind),
                                    ("until", "保留の期限", self.until), ("reason", "保留の理由", self.reason)):
            form.addRow(label, field_cell(widget, labels=[self.errors.add(name, widget)], left=True))
        self.save_button = QPushButton("保留する")
        self.save_button.setObjectName("saveHold")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(cancel)
        footer.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(footer)
        self.setMinimumWidth(480)

    def save(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        db, actor, customer = self.ctx.db, self.ctx.actor, self.row.customer_id
        values = dict(invoice_id=self.target.currentData(), kind=HoldKind(self.kind.currentData()),
                      reason=self.reason.toPlainText(), until=to_date(self.until))
        self.ctx.ops.run(lambda: dunning.hold_dunning(db, actor, customer, **values), success=lambda _h: self.accept(),
                         invalid=self._invalid, failure=self._refused, changes=Changes.PAYMENTS,
                         status="督促を保留しました。", parent=self)

    def _invalid(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def _refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

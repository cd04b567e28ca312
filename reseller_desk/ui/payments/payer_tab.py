"""振込依頼人名: per customer, the names their transfers arrive under as the bank prints them
(matching.payer_names_of; 学習 = learned when a clerk confirmed a match), with 追加 (typed in
kana: full-width and hiragana become the bank's half-width kana) and 削除."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget

from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.payments.matching import PayerNameRecord, add_payer_name, payer_names_of, remove_payer_name
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.payments.customer_picker import CustomerPicker
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    APP_STYLE,
    Column,
    ConfirmFunction,
    FieldErrors,
    ask_confirmation,
    format_local_datetime,
    muted_label,
)

PAYER_COLUMNS = (
    Column("name", "振込依頼人名（通帳の表記）", 260),
    Column("learned", "登録のしかた", 110, ALIGN_CENTER, lambda r: "消込で学習" if r.learned else "手入力"),
    Column("created_at", "登録日時", 140, ALIGN_CENTER, lambda r: format_local_datetime(r.created_at)),
)


class PayerNamesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setStyleSheet(APP_STYLE)
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.customer_id: int | None = None
        self.picker = CustomerPicker(ctx, self, rows=12)
        self.picker.chosen.connect(self._customer_chosen)
        self.customer_label = QLabel("顧客を検索して選んでください。")
        self.customer_label.setObjectName("payerCustomer")
        self.model: RecordTableModel[PayerNameRecord] = RecordTableModel(PAYER_COLUMNS, self)
        self.table = list_table(self.model, PAYER_COLUMNS, "payerNames", self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.name = QLineEdit()
        self.name.setObjectName("newPayerName")
        self.name.setPlaceholderText("例: ｶ)ﾐﾗｲﾂｳｼﾝ（全角・ひらがなも可）")
        self.name.returnPressed.connect(self.add)
        self.errors = FieldErrors()
        name_error = self.errors.add("name", self.name)
        self.add_button = QPushButton("追加")
        self.add_button.setObjectName("addPayerName")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("削除…")
        self.remove_button.setObjectName("removePayerName")
        self.remove_button.clicked.connect(self.remove)

        left = QGroupBox("顧客")
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.picker)
        left_layout.addStretch(1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(self.customer_label)
        column.addWidget(self.table, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.name, 1)
        add_row.addWidget(self.add_button)
        add_row.addWidget(self.remove_button)
        column.addLayout(add_row)
        column.addWidget(name_error)
        column.addWidget(muted_label("振込の明細の名義がここにある名前（法人格の略号・小書き・濁点・空白の違いは無視）と"
                                     "一致すると、その顧客の入金として提案します。顧客のフリガナも照合に使います。"))
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        ctx.changes.changed.connect(lambda what: self.refresh() if what == Changes.PAYMENTS else None)
        self._enable()

    def _customer_chosen(self, customer_id: int | None) -> None:
        self.customer_id = customer_id
        self.customer_label.setText(self.picker.chosen_label() if customer_id else "顧客を検索して選んでください。")
        self.errors.clear()
        self.refresh()

    def refresh(self) -> None:
        if self.customer_id is None:
            self.model.set_records([])
            self._enable()
            return
        db, customer_id = self.ctx.db, self.customer_id
        self.ctx.ops.run(lambda: payer_names_of(db, customer_id), success=self._loaded, parent=self)

    def _loaded(self, names: list[PayerNameRecord]) -> None:
        self.model.set_records(names)
        self._enable()

    def selected(self) -> PayerNameRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _enable(self) -> None:
        self.add_button.setEnabled(self.customer_id is not None)
        self.name.setEnabled(self.customer_id is not None)
        self.remove_button.setEnabled(self.selected() is not None)

    def add(self) -> None:
        if self.customer_id is None:
            return
        db, actor, customer_id, name = self.ctx.db, self.ctx.actor, self.customer_id, self.name.text()

        def refused(error: ValidationFailed) -> None:
            self.errors.show(error.errors)

        self.ctx.ops.run(lambda: add_payer_name(db, actor, customer_id, name),
                         success=lambda record: self.name.clear(), invalid=refused,
                         status="振込依頼人名を登録しました。", changes=Changes.PAYMENTS, parent=self)

    def remove(self) -> None:
        record = self.selected()
        if record is None or not self.confirm("振込依頼人名の削除",
                                              f"「{record.name}」を削除します。この名義の振込はこの顧客に提案されなくなります。"):
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: remove_payer_name(db, actor, record.id), status="振込依頼人名を削除しました。",
                         changes=Changes.PAYMENTS, parent=self)

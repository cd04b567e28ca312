"""入金一覧: the payments newest first, filtered by date range, customer, method and kind (paged:
次の500件), with 入金を記録… (RecordPaymentDialog) and 取消… (ReversePaymentDialog, with a
reason, confirmed). Refreshed on Changes.PAYMENTS and CUSTOMERS."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.services.payments.queries import PaymentFilter, PaymentRow, count_payments, list_payments
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.payments.customer_picker import CustomerPicker
from reseller_desk.ui.payments.entry_dialog import RecordPaymentDialog, ReversePaymentDialog
from reseller_desk.ui.payments.kept import show_kept
from reseller_desk.ui.payments.models import PAYMENT_COLUMNS, PAYMENT_ID_ROLE, PaymentTableModel
from reseller_desk.ui.tables import SelectableList, list_table
from reseller_desk.ui.widgets import ConfirmFunction, ask_confirmation, combo, date_edit, muted_label, to_date

#: Payments read at once; 次の500件 reads the next ones with the same filters.
PAGE_SIZE = 500


class PaymentListTab(QWidget):
    #: A dialog of the tab was opened (for tests).
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.dialogs: list[QWidget] = []
        self.total = 0
        self.customer_id: int | None = None
        today = clock.today()

        self.use_dates = QCheckBox("期間")
        self.use_dates.setObjectName("useDates")
        self.date_from = date_edit(today.replace(day=1) - dt.timedelta(days=62))
        self.date_from.setObjectName("dateFrom")
        self.date_to = date_edit(today)
        self.date_to.setObjectName("dateTo")
        self.method_filter: QComboBox = combo([("すべて", None), *((m.label, m) for m in ReceiptMethod)])
        self.method_filter.setObjectName("methodFilter")
        self.kind_filter: QComboBox = combo([("すべて", None), *((k.label, k) for k in PaymentKind)])
        self.kind_filter.setObjectName("kindFilter")
        self.customer_search = QLineEdit()
        self.customer_search.setObjectName("customerFilter")
        self.customer_search.setPlaceholderText("顧客で絞り込む（検索して Enter）")
        self.customer_search.setClearButtonEnabled(True)
        self.customer_search.returnPressed.connect(self._find_customer)
        self.customer_search.textChanged.connect(lambda text: self._set_customer(None) if not text else None)
        self.picker = CustomerPicker(ctx, self, rows=3)
        self.picker.search.setVisible(False)
        self.picker.setVisible(False)
        self.picker.chosen.connect(self._set_customer)
        for signal in (self.use_dates.toggled, self.date_from.dateChanged, self.date_to.dateChanged,
                       self.method_filter.currentIndexChanged, self.kind_filter.currentIndexChanged):
            signal.connect(lambda *_: self.refresh())

        self.count_label = QLabel()
        self.count_label.setObjectName("paymentCount")
        self.more_button = QPushButton(f"次の{PAGE_SIZE}件")
        self.more_button.setObjectName("morePayments")
        self.more_button.setVisible(False)
        self.more_button.clicked.connect(self.load_more)
        self.record_button = QPushButton("入金を記録…")
        self.record_button.setObjectName("recordPayment")
        self.record_button.setToolTip("入金を手入力で記録し、請求書に消し込む（Ctrl+Shift+P）")
        self.record_button.setShortcut("Ctrl+Shift+P")
        self.record_button.clicked.connect(self.open_record)
        self.reverse_button = QPushButton("取消…")
        self.reverse_button.setObjectName("reversePayment")
        self.reverse_button.setToolTip("選択した入金を取り消す（逆の記録を残す）")
        self.reverse_button.clicked.connect(self.open_reverse)

        self.model = PaymentTableModel(self)
        self.table = list_table(self.model, PAYMENT_COLUMNS, "paymentTable", self)
        self.selection = SelectableList(self.table, PAYMENT_ID_ROLE, self.model.row_of, self._enable)

        filters = QHBoxLayout()
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("〜"))
        filters.addWidget(self.date_to)
        filters.addSpacing(8)
        filters.addWidget(QLabel("方法"))
        filters.addWidget(self.method_filter)
        filters.addWidget(QLabel("種類"))
        filters.addWidget(self.kind_filter)
        filters.addSpacing(8)
        filters.addWidget(self.customer_search, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.record_button)
        actions.addWidget(self.reverse_button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        actions.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.picker)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(muted_label("新しい順。取消は入金を編集せず逆の記録を残します（取り消された入金は灰色）。"))
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.PAYMENTS, Changes.CUSTOMERS)
                                    else None)
        self._enable()
        self.refresh()

    # -- filters -----------------------------------------------------------------------------------
    def current_filter(self) -> PaymentFilter:
        dates = self.use_dates.isChecked()
        method, kind = self.method_filter.currentData(), self.kind_filter.currentData()  # (a combo keeps str)
        return PaymentFilter(date_from=to_date(self.date_from) if dates else None,
                             date_to=to_date(self.date_to) if dates else None, customer_id=self.customer_id,
                             method=ReceiptMethod(method) if method else None, kind=PaymentKind(kind) if kind else None)

    def _find_customer(self) -> None:
        self.picker.setVisible(True)
        self.picker.search.setText(self.customer_search.text())
        self.picker.search_now()

    def _set_customer(self, customer_id: int | None) -> None:
        if customer_id is None:
            self.picker.setVisible(False)
        if customer_id != self.customer_id:
            self.customer_id = customer_id
            self.refresh()

    # -- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        db, wanted = self.ctx.db, self.current_filter()

        def read() -> tuple[list[PaymentRow], int]:
            return list_payments(db, wanted, limit=PAGE_SIZE), count_payments(db, wanted)

        self.ctx.ops.run(read, success=self._loaded, parent=self)

    def _loaded(self, result: tuple[list[PaymentRow], int]) -> None:
        rows, self.total = result
        self.model.set_records(rows)
        self._show_count()

    def load_more(self) -> None:
        db, wanted, offset = self.ctx.db, self.current_filter(), len(self.model.records)
        self.ctx.ops.run(lambda: list_payments(db, wanted, offset=offset, limit=PAGE_SIZE),
                         success=self._more_loaded, parent=self)

    def _more_loaded(self, rows: list[PaymentRow]) -> None:
        self.model.set_records([*self.model.records, *rows])
        self._show_count()

    def _show_count(self) -> None:
        shown = len(self.model.records)
        more = self.total > shown
        self.count_label.setText(f"{self.total:,}件" + (f"（{shown:,}件を表示）" if more else ""))
        self.more_button.setVisible(more)

    def selected(self) -> PaymentRow | None:
        payment_id = self.selection.selected_id()
        row = self.model.row_of(payment_id) if payment_id is not None else None
        return self.model.record(row) if row is not None else None

    def _enable(self) -> None:
        chosen = self.selected()
        self.reverse_button.setEnabled(chosen is not None and chosen.reversible)

    # -- dialogs -----------------------------------------------------------------------------------
    def open_record(self) -> RecordPaymentDialog:
        return show_kept(RecordPaymentDialog(self.ctx, self.window(), customer_id=self.customer_id), self.dialogs,
                         self.dialog_opened)

    def open_reverse(self) -> ReversePaymentDialog | None:
        chosen = self.selected()
        if chosen is None or not chosen.reversible:
            return None
        dialog = ReversePaymentDialog(self.ctx, chosen, self.window())
        dialog.confirm = self.confirm
        return show_kept(dialog, self.dialogs, self.dialog_opened)

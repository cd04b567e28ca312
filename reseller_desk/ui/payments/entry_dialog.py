"""入金を記録 (a payment entered by hand: ledger.record_payment) and 入金の取消 (a reversing
entry with a reason: ledger.reverse_payment). The entry dialog lists the customer's open
invoices with check boxes (none checked: the oldest first, terms-rules.md §6) and says what
will be applied and the credit that will be left (domain.receivables.allocate, the ledger's own
rule). A refusal is shown beside its field; every success announces Changes.PAYMENTS."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.payments import ReceiptMethod
from reseller_desk.domain.receivables import OpenItem, allocate
from reseller_desk.services.payments.ledger import MAX_PAYMENT, Receipt, record_payment, reverse_payment
from reseller_desk.services.payments.queries import CustomerOpen, PaymentRow, customer_open
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.payments.customer_picker import CustomerPicker
from reseller_desk.ui.payments.models import OPEN_INVOICE_COLUMNS, OpenInvoiceModel
from reseller_desk.ui.receivables.dialogs import MoneyDialog
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import (
    combo,
    date_edit,
    fit_on_screen,
    format_date,
    muted_label,
    note_edit,
    to_date,
    yen_spin_box,
)

#: The methods a clerk may enter by hand (a deposit is applied from the 保証金 screen).
MANUAL_METHODS = (ReceiptMethod.TRANSFER, ReceiptMethod.DEBIT, ReceiptMethod.CASH, ReceiptMethod.OTHER)


class _EntryDialog(MoneyDialog):
    """The 売掛金 dialogs' frame (返却管理's: a form, a red summary, the action and 閉じる,
    announcing Changes.PAYMENTS), with room under the form and a status line on success."""

    def __init__(self, ctx: AppContext, title: str, button: str, name: str, parent: QWidget | None) -> None:
        super().__init__(ctx, title, button, name, parent)
        self.status_text = ""
        self.done.connect(lambda _result: self.ctx.ops.message.emit(self.status_text))

    def add_below_form(self, widget: QWidget, stretch: int = 0) -> None:
        """``widget`` between the form and the summary."""
        self.layout_.insertWidget(self.layout_.count() - 2, widget, stretch)

    def record(self, fn: Any, status: str) -> None:
        self.status_text = status
        self.call(fn)


class RecordPaymentDialog(_EntryDialog):
    """入金を記録: customer, date, amount, method, payer name, note and the invoices it pays."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, customer_id: int | None = None) -> None:
        super().__init__(ctx, "入金を記録", "記録する", "recordPaymentDialog", parent)
        self.account: CustomerOpen | None = None
        self.picker = CustomerPicker(ctx, self, rows=4)
        self.picker.chosen.connect(self._customer_chosen)
        self.customer_label = QLabel("（未選択）")
        self.customer_label.setObjectName("chosenCustomer")
        self.received_on = date_edit()
        self.received_on.setObjectName("receivedOn")
        self.amount = yen_spin_box(MAX_PAYMENT)
        self.amount.setObjectName("amount")
        self.amount.setMaximumWidth(220)
        self.amount.valueChanged.connect(lambda _v: self._preview())
        self.method: QComboBox = combo((m.label, m) for m in MANUAL_METHODS)
        self.method.setObjectName("method")
        self.method.setMaximumWidth(220)
        self.payer_name = QLineEdit()
        self.payer_name.setObjectName("payerName")
        self.payer_name.setPlaceholderText("通帳に印字された名義（任意）")
        self.note = note_edit("paymentNote", "備考（任意）")
        self.invoices = OpenInvoiceModel(self)
        self.invoices.dataChanged.connect(lambda *_: self._preview())
        self.invoice_table = list_table(self.invoices, OPEN_INVOICE_COLUMNS, "openInvoices", self)
        self.invoice_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.invoice_table.setMinimumHeight(140)
        self.preview = QLabel()
        self.preview.setObjectName("paymentPreview")
        self.preview.setWordWrap(True)

        customer_cell = QVBoxLayout()
        customer_cell.setSpacing(2)
        customer_cell.addWidget(self.picker)
        customer_cell.addWidget(self.customer_label)
        customer_cell.addWidget(self.errors.add("customer", self.picker.search))
        self.form.addRow("顧客", customer_cell)
        self.field("入金日", "received_on", self.received_on)
        self.field("入金額", "amount", self.amount)
        self.field("方法", "method", self.method)
        self.field("振込依頼人名", "payer_name", self.payer_name)
        self.field("備考", "note", self.note)
        self.add_below_form(QLabel("消し込む請求書"))
        self.add_below_form(muted_label("チェックした請求書に上から順に消し込みます。"
                                        "チェックしないときは支払期日の古い順です。"))
        self.add_below_form(self.invoice_table, 1)
        self.add_below_form(self.errors.add("invoices", self.invoice_table))
        self.add_below_form(self.preview)
        fit_on_screen(self, 760, 720)
        if customer_id is not None:
            self._customer_chosen(customer_id)
        self._preview()

    # -- the customer and their open invoices ------------------------------------------------------
    def _customer_chosen(self, customer_id: int | None) -> None:
        self.errors.clear_field("customer")
        self.account = None
        self.invoices.set_records([])
        if customer_id is None:
            self.customer_label.setText("（未選択）")
            self._preview()
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: customer_open(db, customer_id), success=self._account_read, parent=self)

    def _account_read(self, account: CustomerOpen | None) -> None:
        self.account = account
        if account is None:
            self.customer_label.setText("（未選択）")
        else:
            credit = f"、過入金 ¥{account.credit:,}" if account.credit else ""
            self.customer_label.setText(f"{account.name}　未入金 {len(account.invoices):,}件 "
                                        f"¥{account.owed:,}{credit}")
            self.invoices.set_records(account.invoices)
        self._preview()

    def _preview(self) -> None:
        """What the amount will settle and the credit left, as the ledger will apply it."""
        amount = self.amount.value()
        if self.account is None or amount <= 0:
            self.preview.setText("")
            return
        items = [OpenItem(i.invoice_id, i.due_date, i.total, i.total - i.owed) for i in self.invoices.records]
        chosen = self.invoices.chosen() or None
        allocation = allocate(amount, items, chosen)
        numbers = {i.invoice_id: i.number for i in self.invoices.records}
        parts = "、".join(f"{numbers[a.invoice_id]} ¥{a.amount:,}" for a in allocation.applied) or "なし"
        self.preview.setText(f"消込: {parts}　／　過入金として残る額: ¥{allocation.credit:,}")

    # -- recording ---------------------------------------------------------------------------------
    def submit(self) -> None:
        customer_id = self.account.customer_id if self.account is not None else None
        if customer_id is None:
            self.errors.show({"customer": "入金した顧客を検索して選んでください。"})
            self.picker.search.setFocus()
            return
        db, actor = self.ctx.db, self.ctx.actor
        on, amount, method = to_date(self.received_on), self.amount.value(), ReceiptMethod(self.method.currentData())
        payer, note, chosen = self.payer_name.text(), self.note.toPlainText(), self.invoices.chosen() or None

        def record() -> Receipt:
            return record_payment(db, actor, customer_id, received_on=on, amount=amount, method=method,
                                  payer_name=payer, note=note, invoice_ids=chosen)

        self.record(record, f"入金 ¥{amount:,} を記録しました。")


class ReversePaymentDialog(_EntryDialog):
    """入金の取消: a reversing entry of the receipt, with the reason (asks to confirm)."""

    def __init__(self, ctx: AppContext, payment: PaymentRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "入金の取消", "取り消す", "reversePaymentDialog", parent)
        self.payment = payment
        self.confirm: Any = None   # (title, text) -> bool; the page gives the real one
        about = QLabel(f"{format_date(payment.received_on)}　{payment.customer_name}　{payment.method.label}　"
                       f"¥{payment.amount:,}" + (f"\n消込先: {payment.applied_to}" if payment.invoices else ""))
        about.setObjectName("reversedPayment")
        self.form.addRow("取り消す入金", about)
        self.on = date_edit()
        self.on.setObjectName("reverseOn")
        self.reason = note_edit("reverseReason", "例: 不渡り、二重入力、顧客の取り違え")
        self.field("取消日", "on", self.on)
        self.field("取消の理由", "reason", self.reason)
        self.add_below_form(muted_label("入金は編集せず、逆の記録（取消）を残します。消し込んだ請求書は未入金に戻ります。"))

    def submit(self) -> None:
        question = f"{self.payment.customer_name} の入金 ¥{self.payment.amount:,} を取り消します。よろしいですか。"
        if self.confirm is not None and not self.confirm("入金の取消", question):
            return
        db, actor, payment_id = self.ctx.db, self.ctx.actor, self.payment.id
        on, reason = to_date(self.on), self.reason.toPlainText()
        self.record(lambda: reverse_payment(db, actor, payment_id, reason=reason, on=on),
                    f"入金 ¥{self.payment.amount:,} を取り消しました。")

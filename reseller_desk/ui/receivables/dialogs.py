"""The dialogs of a customer's 売掛金 window: 返金を記録 (the credit paid back), 償却 (a manager:
the shortfall of an invoice written off with a note), 遅延損害金の免除 (a manager, with a reason)
and 取引明細書 (the period, then the PDF saved). Each calls one service through Operations and
announces Changes.PAYMENTS; a refusal is shown beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from reseller_desk import clock
from reseller_desk.domain.payments import WriteOffAccount
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.return_dialogs import _ReturnDialog as FormDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    combo,
    date_edit,
    documents_folder,
    format_yen,
    muted_label,
    note_edit,
    to_date,
    yen_spin_box,
)


class MoneyDialog(FormDialog):
    """返却管理's dialog frame (a form, a red summary, the action and 閉じる), announcing PAYMENTS."""

    changes: tuple[str, ...] = (Changes.PAYMENTS,)

    def __init__(self, ctx: AppContext, title: str, button: str, name: str, parent: QWidget | None) -> None:
        super().__init__(ctx, title, button, parent)
        self.setObjectName(name)

    def call(self, fn: Any, message: bool = False) -> None:
        super().call(fn, message=message)


class RefundDialog(MoneyDialog):
    """返金を記録: what the office paid back of the customer's credit (at most the credit)."""

    def __init__(self, ctx: AppContext, customer_id: int, credit: int, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "過入金の返金を記録", "記録する", "refundDialog", parent)
        self.customer_id = customer_id
        self.form.addRow("過入金", QLabel(format_yen(credit)))
        self.amount = yen_spin_box(max(credit, 0))
        self.amount.setObjectName("refundAmount")
        self.amount.setValue(credit)
        self.on = date_edit(clock.today())
        self.on.setObjectName("refundOn")
        self.note = note_edit("refundNote", "返金の内容（振込先・振込日など。必須）")
        self.field("返金額", "amount", self.amount)
        self.field("返金日", "on", self.on)
        self.field("内容", "note", self.note)

    def submit(self) -> None:
        from reseller_desk.services.payments.ledger import refund_credit

        db, actor, customer = self.ctx.db, self.ctx.actor, self.customer_id
        amount, on, note = self.amount.value(), to_date(self.on), self.note.toPlainText()
        self.call(lambda: refund_credit(db, actor, customer, amount, on=on, note=note))


class WriteOffDialog(MoneyDialog):
    """償却 (a manager): what an invoice still owes written off, to 雑損失 or 貸倒損失, with a note."""

    def __init__(self, ctx: AppContext, invoice: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "未収金の償却", "償却する", "writeOffDialog", parent)
        self.invoice = invoice
        self.layout_.insertWidget(0, muted_label("請求書は変更せず、償却を別の仕訳として記録します"
                                                 "（操作履歴に残ります）。"))
        self.form.addRow("請求書", QLabel(f"{invoice.number}（残高 {format_yen(invoice.owed)}）"))
        self.amount = yen_spin_box(max(invoice.owed, 0))
        self.amount.setObjectName("writeOffAmount")
        self.amount.setValue(invoice.owed)
        self.account = combo((a.label, a) for a in WriteOffAccount)
        self.account.setObjectName("writeOffAccount")
        self.on = date_edit(clock.today())
        self.note = note_edit("writeOffNote", "償却の理由（例: 振込手数料の差引。必須）")
        self.field("償却額", "amount", self.amount)
        self.field("勘定科目", "account", self.account)
        self.field("償却日", "on", self.on)
        self.field("理由", "note", self.note)

    def submit(self) -> None:
        from reseller_desk.services.payments.write_offs import write_off

        db, actor, invoice_id = self.ctx.db, self.ctx.actor, self.invoice.invoice_id
        amount, account, on, note = (self.amount.value(), self.account.currentData(), to_date(self.on),
                                     self.note.toPlainText())
        self.call(lambda: write_off(db, actor, invoice_id, amount, account=account, note=note, on=on))


class WaiveDialog(MoneyDialog):
    """遅延損害金の免除 (a manager): why; an unbilled charge is withdrawn, a billed one credited."""

    def __init__(self, ctx: AppContext, row: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, "遅延損害金の免除", "免除する", "waiveDialog", parent)
        self.row = row
        self.form.addRow("遅延損害金", QLabel(f"{row.invoice_number}　{format_yen(row.amount)}（{row.days}日）"))
        self.form.addRow("", muted_label("請求済みのときは次回の請求書で同額を差し引きます。" if row.billed
                                         else "まだ請求していないので、次回の請求に載せません。"))
        self.reason = note_edit("waiveReason", "免除の理由（必須、操作履歴に残ります）")
        self.field("理由", "reason", self.reason)

    def submit(self) -> None:
        from reseller_desk.services.payments.interest import waive_interest

        db, actor, row_id, reason = self.ctx.db, self.ctx.actor, self.row.id, self.reason.toPlainText()
        self.call(lambda: waive_interest(db, actor, row_id, reason))


class StatementDialog(MoneyDialog):
    """取引明細書: the period; the PDF is made off the UI thread and saved where the clerk says."""

    changes = ()

    def __init__(self, ctx: AppContext, customer_id: int, name: str, ask_path: Any,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "取引明細書", "PDFを保存…", "statementDialog", parent)
        self.customer_id, self.name, self.ask_path = customer_id, name, ask_path
        today = clock.today()
        self.since = date_edit(dt.date(today.year - 1, today.month, 1))
        self.since.setObjectName("statementSince")
        self.until = date_edit(today)
        self.until.setObjectName("statementUntil")
        self.field("開始日", "since", self.since)
        self.field("終了日", "until", self.until)
        self.saved_to: str = ""
        self.done.connect(self._saved)

    def submit(self) -> None:
        from reseller_desk.services.payments.aging import account_statement_pdf

        path = self.ask_path(self, "取引明細書の保存先", str(documents_folder() / f"取引明細書_{self.name}.pdf"))
        if not path:
            return
        db, customer, since, until = self.ctx.db, self.customer_id, to_date(self.since), to_date(self.until)

        def work() -> str:
            if since > until:
                raise ValidationFailed({"since": "開始日は終了日以前にしてください。"})
            data = account_statement_pdf(db, customer, since=since, until=until)
            with open(path, "wb") as out:
                out.write(data)
            return str(path)

        self.call(work)

    def _saved(self, result: str) -> None:
        self.saved_to = result
        self.ctx.ops.message.emit(f"取引明細書を {result} に保存しました。")

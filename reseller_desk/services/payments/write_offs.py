"""償却 (write-off): the manager writes off what an invoice still owes (a shortfall, SC §13: a
deducted transfer fee is non-payment; or a bad debt), with a note. A write-off is its own row and
its own journal entry (雑損失 or 貸倒損失), never a changed invoice; the invoice then reads 償却済
(domain.receivables.state_of) once nothing is left.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Invoice, WriteOff
from reseller_desk.domain.bounds import is_record_id, number_problem, recorded_date_problem
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import WriteOffAccount
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import note_problem
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["WriteOffInfo", "write_off", "write_offs_of"]


@dataclass(frozen=True)
class WriteOffInfo:
    id: int
    invoice_id: int
    invoice_number: str
    amount: int
    account: WriteOffAccount
    written_on: dt.date
    note: str


@retried
def write_off(db: Database, actor: Actor, invoice_id: int, amount: int, *, account: WriteOffAccount, note: str,
              on: dt.date, today: dt.date | None = None) -> int:
    """償却: write off ``amount`` yen (1 to what the invoice owes) of an invoice on ``on`` to
    ``account``, with a note (manager only). Returns the write-off's id."""
    require_role(actor, Role.MANAGER, action="未収金の償却")
    today = today or clock.today()
    problems = {k: p for k, p in (
        ("amount", number_problem(amount, "償却額", 1, 999_999_999, "円")),
        ("account", None if isinstance(account, str) and any(account == a for a in WriteOffAccount)
         else "償却の勘定科目を選んでください。"),
        ("note", note_problem(note, "償却の理由", required=True)),
        ("on", recorded_date_problem(on, today, "償却日"))) if p}
    if problems:
        raise ValidationFailed(problems)
    account = WriteOffAccount(account)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        balance = balances(session, invoice_ids=[invoice_id]).get(invoice_id) if is_record_id(invoice_id) else None
        if balance is None:
            raise NotFound("指定された請求書は見つかりません。")
        if balance.owed == 0:
            raise ValidationFailed({"amount": f"請求書 {balance.number} に未収の残高はありません。"})
        if amount > balance.owed:
            raise ValidationFailed({"amount": f"償却額は残高（{balance.owed:,}円）以下にしてください。"})
        row = WriteOff(invoice_id=invoice_id, customer_id=balance.customer_id, amount=amount, account=account,
                       written_on=on, note=clean_note(note), recorded_by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(session, actor, "payment.write_off", "invoice", invoice_id, customer_id=balance.customer_id,
                     before={"owed": balance.owed},
                     after={"amount": amount, "account": account.value, "on": on.isoformat(), "note": row.note},
                     summary=f"償却 {balance.number} {amount:,}円（{account.label}）")
        return row.id


def write_offs_of(db: Database, customer_id: int) -> list[WriteOffInfo]:
    """The customer's write-offs, oldest first."""
    with db.transaction() as session:
        rows = session.execute(
            select(WriteOff, Invoice.number).join(Invoice, Invoice.id == WriteOff.invoice_id)
            .where(WriteOff.customer_id == customer_id, Invoice.kind == InvoiceKind.INVOICE)
            .order_by(WriteOff.written_on, WriteOff.id)).all()
        return [WriteOffInfo(w.id, w.invoice_id, number, w.amount, w.account, w.written_on, w.note)
                for w, number in rows]

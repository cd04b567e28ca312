"""The demo office's money in (issue 12): the invoices the demo billed, most paid on their due day
(debits as the bank's result would settle them, transfers a few days before), some paid short by
a deducted transfer fee (SC §13), some late, a few overpaid, and some still unpaid, so that the
入金, 売掛金 and 督促 sections have something to show; the oldest month's unpaid customers were sent
the first 督促状 a week after its due date (services.payments.dunning).

Receipts go through the one ledger (services.payments.ledger.receive: applications, audit, the
after-receipt hooks). The payer names the bank prints for each transfer customer, and the office's
direct-debit consignor settings, are written as their services store them (the services belong to
other parts of the issue). Called by ``fill_demo`` after the demo bills its months.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings, Customer, Invoice, PayerName
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payer_match import loose_key, payer_key
from reseller_desk.domain.payments import DunningAction, ReceiptMethod
from reseller_desk.domain.zengin_debit import bank_kana
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.dunning import dunning_list, issue_stage
from reseller_desk.services.permissions import Actor, confirm_actor

__all__ = ["TRANSFER_FEE", "fill_payments", "payer_name_of"]

#: The transfer fee a customer deducts when paying short (SC §13: still non-payment).
TRANSFER_FEE = 440

#: How the banks abbreviate a legal form in a payer name (全銀協 略語), prefix or suffix.
_FORMS = {"カブシキガイシャ": "ｶ", "ユウゲンガイシャ": "ﾕ", "ゴウドウガイシャ": "ﾄﾞ", "イッパンシャダンホウジン": "ｼﾔ"}


def payer_name_of(kind: CustomerKind, name_kana: str) -> str:
    """The name a customer's transfers arrive under, as a bank prints it: half-width kana, the
    legal form abbreviated (ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ, ﾔﾏﾀﾞｼｮｳｼﾞ(ｶ), a person's family and given names with
    one space."""
    kana = name_kana.replace("\u3000", " ").strip()
    if kind is CustomerKind.CORPORATE:
        for form, short in _FORMS.items():
            if kana.startswith(form):
                return f"{short})" + bank_kana(kana[len(form):].strip())
            if kana.endswith(form):
                return bank_kana(kana[:-len(form)].strip()) + f"({short}"
    return bank_kana(kana)


def _consignor(db: Database) -> None:
    with db.transaction(write=True) as session:
        company = session.scalars(select(CompanySettings)).one()
        if not company.debit_consignor_code:
            company.debit_consignor_code, company.debit_consignor_name = "1234567890", "ｶ)ﾐﾗｲﾃﾚｺﾑ"
            company.debit_bank_code, company.debit_bank_name = "0001", "ﾐｽﾞﾎ"
            company.debit_branch_code, company.debit_branch_name = "001", "ﾎﾝﾃﾝ"
            company.debit_account_type, company.debit_account_number = 1, "1234567"


def fill_payments(db: Database, clerk: Actor, today: dt.date, seed: int = 12) -> int:
    """Pay the demo's invoices due before today (see the module's docstring); the receipts made."""
    _consignor(db)
    rng = random.Random(seed)
    made = 0
    with db.transaction(write=True) as session:
        confirm_actor(session, clerk)
        rows = session.execute(
            select(Invoice.id, Invoice.customer_id, Invoice.due_date, Invoice.total, Invoice.payment_method,
                   Customer.kind, Customer.name_kana)
            .join(Customer, Customer.id == Invoice.customer_id)
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.total > 0, Invoice.due_date < today)
            .order_by(Invoice.due_date, Invoice.id)).all()
        named: set[int] = set()
        for invoice_id, customer_id, due, total, method, kind, kana in rows:
            debit = method is PaymentMethod.DEBIT
            if not debit and customer_id not in named:
                name = payer_name_of(kind, kana)
                session.add(PayerName(customer_id=customer_id, name=name, key=payer_key(name),
                                      loose_key=loose_key(name), created_by_id=clerk.user_id))
                named.add(customer_id)
            fate = rng.random()
            if fate < 0.07:
                continue                                      # still unpaid
            amount, on = total, due
            if not debit:
                on = due - dt.timedelta(days=rng.randint(0, 5))
                if fate < 0.12:
                    amount = total - TRANSFER_FEE             # 振込手数料を差し引いた過小入金
                elif fate < 0.17:
                    on = due + dt.timedelta(days=rng.randint(3, 20))   # late
                elif fate < 0.19:
                    amount = total + 1000                     # overpaid: a credit
            if on >= today or amount <= 0:
                continue
            ledger.receive(session, clerk, customer_id, received_on=on, amount=amount,
                           method=ReceiptMethod.DEBIT if debit else ReceiptMethod.TRANSFER,
                           payer_name="" if debit else payer_name_of(kind, kana),
                           invoice_ids=[invoice_id], note="デモデータ")
            made += 1
    _first_letters(db, clerk, today)
    return made


def _first_letters(db: Database, clerk: Actor, today: dt.date) -> None:
    """The first dunning stage (督促状) issued, a week after the oldest month's due dates, to the
    customers then due it, so that 督促 shows letters sent and the next stage due."""
    rows = dunning_list(db, today)
    if not rows:
        return
    on = min(r.oldest_due for r in rows) + dt.timedelta(days=7)
    if on >= today:
        return
    due = [(r.stage.id, r.customer_id) for r in dunning_list(db, on)
           if r.stage is not None and r.stage.action is DunningAction.LETTER and not r.on_hold]
    if due:
        issue_stage(db, clerk, due[0][0], [customer for _, customer in due], today=on)

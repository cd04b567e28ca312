"""The one writer of payments and their applications (消込): a receipt applied to the invoices
the clerk chose or the oldest open first (domain.receivables.allocate; terms-rules.md §6
decision), a reversal of a mistaken or bounced receipt (a new entry, never an edit), credit
applied to later invoices, and credit refunded.

Every other use case that takes money in (a statement line confirmed, a debit result, a deposit
applied) calls :func:`receive` inside its own transaction, so the rule is written once, and
every receipt runs the after-receipt hooks (services.payments.hooks: late interest …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, Payment, PaymentApplication, StatementLine
from reseller_desk.domain.bounds import is_record_id, number_problem, recorded_date_problem
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod, StatementLineStatus
from reseller_desk.domain.receivables import Allocation, PaymentApplied, allocate
from reseller_desk.domain.text import clean_line, clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import note_problem
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments import hooks
from reseller_desk.services.payments.balances import (
    account_of,
    balances,
    customers_with_unapplied,
    open_items,
    unapplied_receipts,
)
from reseller_desk.services.permissions import Actor, confirm_actor
from reseller_desk.services.retry import retried

__all__ = ["MAX_CHOSEN", "MAX_PAYMENT", "Receipt", "apply_credit", "invoice_ids_problem", "load_customer",
           "payment_problems", "receive", "record_payment", "refund_credit", "reverse", "reverse_payment",
           "settle_all_credit", "settle_credit"]

#: The largest single payment (¥1,000,000,000 exclusive): far above any customer's month.
MAX_PAYMENT = 999_999_999


@dataclass(frozen=True)
class Receipt:
    """What a receipt did: its id, the (invoice id, amount) it settled, and the credit left."""

    payment_id: int
    applied: tuple[PaymentApplied, ...]
    credit: int


def load_customer(session: Session, customer_id: object) -> Customer:
    if not is_record_id(customer_id):
        raise NotFound("指定された顧客は見つかりません。")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("指定された顧客は見つかりません。")
    return customer


def payment_problems(amount: object, received_on: object, today: dt.date, *, payer_name: object = "",
                     note: object = "") -> dict[str, str]:
    """Why a payment as typed cannot be recorded, by field (empty when it can)."""
    problems = {
        "amount": number_problem(amount, "入金額", 1, MAX_PAYMENT, "円"),
        "received_on": recorded_date_problem(received_on, today, "入金日"),
        "payer_name": note_problem(payer_name, "振込依頼人名") if payer_name else None,
        "note": note_problem(note, "備考"),
    }
    return {k: v for k, v in problems.items() if v}


#: The most invoices one payment may be matched to by hand.
MAX_CHOSEN = 100


def invoice_ids_problem(invoice_ids: object) -> str | None:
    """Why a choice of invoices cannot be used (None: use it; None as the choice: oldest first)."""
    if invoice_ids is None:
        return None
    if not isinstance(invoice_ids, (list, tuple)) or len(invoice_ids) > MAX_CHOSEN \
            or not all(is_record_id(i) for i in invoice_ids):
        return f"消し込む請求書は一覧から選んでください（{MAX_CHOSEN}件まで）。"
    return None


def _apply(session: Session, actor: Actor, payment: Payment, parts: Sequence[PaymentApplied], on: dt.date) -> None:
    for part in parts:
        session.add(PaymentApplication(payment_id=payment.id, invoice_id=part.invoice_id, amount=part.amount,
                                       applied_on=on, recorded_by_id=actor.user_id))


def receive(session: Session, actor: Actor, customer_id: int, *, received_on: dt.date, amount: int,
            method: ReceiptMethod, payer_name: str = "", note: str = "",
            invoice_ids: Sequence[int] | None = None, statement_line_id: int | None = None,
            debit_request_id: int | None = None, deposit_id: int | None = None) -> Receipt:
    """Record a receipt inside the caller's transaction and apply it: to ``invoice_ids`` (the
    clerk's choice, in order) or else the oldest open invoices first; the rest is the customer's
    credit. Audited as ``payment.receive``; runs the after-receipt hooks."""
    load_customer(session, customer_id)
    problem = invoice_ids_problem(invoice_ids)
    if problem:
        raise ValidationFailed({"invoices": problem})
    items = [b.item() for b in open_items(session, customer_id)]
    try:
        allocation = allocate(amount, items, list(invoice_ids) if invoice_ids is not None else None)
    except ValueError as error:
        raise ValidationFailed({"invoices": str(error)}) from error
    payment = Payment(customer_id=customer_id, kind=PaymentKind.RECEIPT, method=method, received_on=received_on,
                      amount=amount, payer_name=clean_line(payer_name), note=clean_note(note),
                      statement_line_id=statement_line_id, debit_request_id=debit_request_id,
                      deposit_id=deposit_id, recorded_by_id=actor.user_id)
    session.add(payment)
    session.flush()
    _apply(session, actor, payment, allocation.applied, received_on)
    session.flush()
    settled = balances(session, invoice_ids=[a.invoice_id for a in allocation.applied])
    numbers = {b.invoice_id: b.number for b in settled.values()}
    audit.record(session, actor, "payment.receive", "payment", payment.id, customer_id=customer_id,
                 after={"amount": amount, "method": method.value, "received_on": received_on.isoformat(),
                        "applied": {numbers[a.invoice_id]: a.amount for a in allocation.applied},
                        "credit": allocation.credit},
                 summary=f"{method.label}入金 {amount:,}円（{received_on:%Y-%m-%d}）")
    hooks.receipt_applied(session, actor, payment, allocation.applied)
    return Receipt(payment.id, allocation.applied, allocation.credit)


@retried
def record_payment(db: Database, actor: Actor, customer_id: int, *, received_on: dt.date, amount: int,
                   method: ReceiptMethod = ReceiptMethod.TRANSFER, payer_name: str = "", note: str = "",
                   invoice_ids: Sequence[int] | None = None, today: dt.date | None = None) -> Receipt:
    """入金の手入力: a receipt of ``amount`` yen on ``received_on`` (see :func:`receive`)."""
    today = today or clock.today()
    problems = payment_problems(amount, received_on, today, payer_name=payer_name, note=note)
    if not isinstance(method, ReceiptMethod) or method is ReceiptMethod.DEPOSIT:
        problems["method"] = "入金方法を選んでください（保証金の充当は保証金の画面から行います）。"
    if problems:
        raise ValidationFailed(problems)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        return receive(session, actor, customer_id, received_on=received_on, amount=amount, method=method,
                       payer_name=payer_name, note=note, invoice_ids=invoice_ids)


def reverse(session: Session, actor: Actor, payment: Payment, *, on: dt.date, reason: str) -> Payment:
    """The reversing entry of a receipt inside the caller's transaction: the negative of its
    amount, and of each of its applications on the same invoices; a statement line it came from
    is open again. Audited as ``payment.reverse``."""
    if payment.kind is not PaymentKind.RECEIPT:
        raise ServiceError("取り消せるのは入金だけです（取消や返金は取り消せません）。")
    if session.scalar(select(Payment.id).where(Payment.reverses_payment_id == payment.id)) is not None:
        raise ServiceError("この入金はすでに取り消されています。")
    reversal = Payment(customer_id=payment.customer_id, kind=PaymentKind.REVERSAL, method=payment.method,
                       received_on=on, amount=-payment.amount, payer_name=payment.payer_name,
                       note=clean_note(reason), reverses_payment_id=payment.id, recorded_by_id=actor.user_id)
    session.add(reversal)
    session.flush()
    net = session.execute(select(PaymentApplication.invoice_id, func.sum(PaymentApplication.amount))
                          .where(PaymentApplication.payment_id == payment.id)
                          .group_by(PaymentApplication.invoice_id).order_by(PaymentApplication.invoice_id)).all()
    _apply(session, actor, reversal, [PaymentApplied(i, -int(a)) for i, a in net if a], on)
    if payment.statement_line_id is not None:
        line = session.get(StatementLine, payment.statement_line_id)
        if line is not None:
            line.status = StatementLineStatus.OPEN
    session.flush()
    audit.record(session, actor, "payment.reverse", "payment", payment.id, customer_id=payment.customer_id,
                 before={"amount": payment.amount}, after={"reversal_id": reversal.id, "reason": clean_note(reason)},
                 summary=f"入金取消 {payment.amount:,}円")
    hooks.receipt_reversed(session, actor, payment, reversal)
    return reversal


@retried
def reverse_payment(db: Database, actor: Actor, payment_id: int, *, reason: str, on: dt.date | None = None,
                    today: dt.date | None = None) -> int:
    """入金の取消 (a bounced or mistaken entry): a reversing entry, never an edit. Returns its id."""
    today = today or clock.today()
    on = on or today
    problems = {k: p for k, p in (("reason", note_problem(reason, "取消の理由", required=True)),
                                  ("on", recorded_date_problem(on, today, "取消日"))) if p}
    if problems:
        raise ValidationFailed(problems)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        payment = session.get(Payment, payment_id) if is_record_id(payment_id) else None
        if payment is None:
            raise NotFound("指定された入金は見つかりません。")
        return reverse(session, actor, payment, on=on, reason=reason).id


def _release_over(session: Session, actor: Actor, customer_id: int, on: dt.date) -> None:
    """Take back what invoices were settled beyond their effective total (a corrected invoice):
    negative applications of the same receipts, newest first, so that it is unapplied credit."""
    for balance in balances(session, customer_id=customer_id).values():
        over = balance.over
        if not over:
            continue
        rows = session.execute(select(PaymentApplication.payment_id, func.sum(PaymentApplication.amount))
                               .where(PaymentApplication.invoice_id == balance.invoice_id)
                               .group_by(PaymentApplication.payment_id)
                               .order_by(PaymentApplication.payment_id.desc())).all()
        for payment_id, amount in rows:
            take = min(over, int(amount))
            if take > 0:
                session.add(PaymentApplication(payment_id=payment_id, invoice_id=balance.invoice_id, amount=-take,
                                               applied_on=on, recorded_by_id=actor.user_id))
                over -= take
            if over == 0:
                break
    session.flush()


def settle_credit(session: Session, actor: Actor, customer_id: int, on: dt.date,
                  invoice_ids: Sequence[int] | None = None) -> Allocation:
    """The customer's credit applied, inside the caller's transaction, to ``invoice_ids`` or the
    oldest open invoices first, from the oldest receipt with something left (nothing when there
    is no credit or nothing open)."""
    _release_over(session, actor, customer_id, on)
    credit = unapplied_receipts(session, customer_id)
    total = sum(amount for _, amount in credit)
    items = [b.item() for b in open_items(session, customer_id)]
    if total == 0 or not items:
        return Allocation((), total)
    try:
        allocation = allocate(total, items, list(invoice_ids) if invoice_ids is not None else None)
    except ValueError as error:
        raise ValidationFailed({"invoices": str(error)}) from error
    sources = iter(credit)
    payment_id, left = next(sources)
    for part in allocation.applied:
        need = part.amount
        while need:
            if left == 0:
                payment_id, left = next(sources)
            take = min(need, left)
            session.add(PaymentApplication(payment_id=payment_id, invoice_id=part.invoice_id, amount=take,
                                           applied_on=on, recorded_by_id=actor.user_id))
            need, left = need - take, left - take
    session.flush()
    if allocation.applied:
        audit.record(session, actor, "payment.apply_credit", "customer", customer_id,
                     after={"applied": {str(a.invoice_id): a.amount for a in allocation.applied},
                            "credit_left": allocation.credit},
                     summary=f"過入金の充当 {allocation.total_applied:,}円")
    return allocation


def settle_all_credit(session: Session, actor: Actor, on: dt.date) -> int:
    """Every customer's credit applied to their open invoices, oldest first (after a billing run:
    an overpayment is applied to the next invoice). Returns the yen applied."""
    return sum(settle_credit(session, actor, customer_id, on).total_applied
               for customer_id in customers_with_unapplied(session))


@retried
def apply_credit(db: Database, actor: Actor, customer_id: int, *, invoice_ids: Sequence[int] | None = None,
                 on: dt.date | None = None, today: dt.date | None = None) -> Allocation:
    """過入金の充当: the customer's credit applied to ``invoice_ids`` or the oldest open invoices
    first (:func:`settle_credit`). Returns what was applied and the credit left."""
    today = today or clock.today()
    on = today if on is None else on
    problems = {k: p for k, p in (("invoices", invoice_ids_problem(invoice_ids)),
                                  ("on", recorded_date_problem(on, today, "充当日"))) if p}
    if problems:
        raise ValidationFailed(problems)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        load_customer(session, customer_id)
        if account_of(session, customer_id).credit == 0:
            raise ServiceError("この顧客に充当できる過入金はありません。")
        allocation = settle_credit(session, actor, customer_id, on, invoice_ids)
        if not allocation.applied:
            raise ServiceError("充当する未入金の請求書がありません。")
        return allocation


@retried
def refund_credit(db: Database, actor: Actor, customer_id: int, amount: int, *, on: dt.date, note: str,
                  method: ReceiptMethod = ReceiptMethod.TRANSFER, today: dt.date | None = None) -> int:
    """過入金の返金 (recorded when the office has paid it back): at most the customer's credit.
    Returns the refund entry's id."""
    today = today or clock.today()
    problems = payment_problems(amount, on, today, note=note)
    problem = note_problem(note, "返金の内容", required=True)
    if problem:
        problems["note"] = problem
    if not isinstance(method, ReceiptMethod) or method is ReceiptMethod.DEPOSIT:
        problems["method"] = "返金の方法を選んでください。"
    if problems:
        raise ValidationFailed({("on" if k == "received_on" else k): v for k, v in problems.items()})
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        load_customer(session, customer_id)
        _release_over(session, actor, customer_id, on)
        credit = account_of(session, customer_id).credit
        if amount > credit:
            raise ValidationFailed({"amount": f"返金額は過入金（{credit:,}円）以下にしてください。"})
        refund = Payment(customer_id=customer_id, kind=PaymentKind.REFUND, method=method, received_on=on,
                         amount=-amount, note=clean_note(note), recorded_by_id=actor.user_id)
        session.add(refund)
        session.flush()
        audit.record(session, actor, "payment.refund", "payment", refund.id, customer_id=customer_id,
                     after={"amount": amount, "on": on.isoformat(), "note": clean_note(note)},
                     summary=f"過入金の返金 {amount:,}円")
        return refund.id

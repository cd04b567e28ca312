"""督促保留 (issue 12): a customer, or one of their invoices, skipped by dunning until an end date
(a dispute over the bill, SC §9.9; a promise to pay by a date), with the reason; released
earlier by hand. A hold is never edited: a new end date is a new hold.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import DunningHold, Invoice
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import HoldKind
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import note_problem, planned_date_problem
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments.dunning_list import HoldInfo, hold_infos
from reseller_desk.services.payments.ledger import load_customer
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["hold_dunning", "hold_problems", "holds_of", "release_hold"]


def hold_problems(kind: object, reason: object, until: object, today: dt.date) -> dict[str, str]:
    """Why a hold as typed cannot be recorded, by field (empty when it can)."""
    problems = {
        "kind": None if isinstance(kind, str) and kind in set(HoldKind) else "保留の理由の種類を選んでください。",
        "reason": note_problem(reason, "保留の理由", required=True),
        "until": planned_date_problem(until, today, "保留の期限"),
    }
    if problems["until"] is None and isinstance(until, dt.date) and until < today:
        problems["until"] = "保留の期限は本日以降の日付にしてください。"
    return {k: v for k, v in problems.items() if v}


@retried
def hold_dunning(db: Database, actor: Actor, customer_id: int, *, invoice_id: int | None = None,
                 kind: HoldKind, reason: str, until: dt.date, today: dt.date | None = None) -> HoldInfo:
    """Hold the customer's dunning (or only ``invoice_id``'s) until ``until`` (included)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="督促の保留")
    today = today or clock.today()
    problems = hold_problems(kind, reason, until, today)
    if problems:
        raise ValidationFailed(problems)
    if invoice_id is not None and not is_record_id(invoice_id):
        raise NotFound("指定された請求書は見つかりません。")
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        customer = load_customer(session, customer_id)
        number = ""
        if invoice_id is not None:
            invoice = session.get(Invoice, invoice_id)
            if invoice is None or invoice.customer_id != customer.id or invoice.kind != InvoiceKind.INVOICE:
                raise NotFound("指定された請求書はこの顧客のものではありません。一覧を読み込み直してください。")
            number = invoice.number
        row = DunningHold(customer_id=customer.id, invoice_id=invoice_id, kind=HoldKind(kind),
                          reason=clean_note(reason), until=until, created_by_id=actor.user_id)
        session.add(row)
        session.flush()
        what = f"請求書 {number}" if number else "顧客全体"
        audit.record(session, actor, "dunning.hold", "dunning_hold", row.id,
                     after={"invoice_id": invoice_id, "kind": str(kind), "reason": row.reason, "until": until},
                     summary=f"督促保留 {customer.name}（{what}、{japanese_date(until)}まで）", customer_id=customer.id)
        return hold_infos(session, [row])[0]


@retried
def release_hold(db: Database, actor: Actor, hold_id: int, *, today: dt.date | None = None) -> HoldInfo:
    """End a hold today: dunning takes the customer (or the invoice) up again."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="督促保留の解除")
    today = today or clock.today()
    if not is_record_id(hold_id):
        raise NotFound("指定された督促保留は見つかりません。")
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        row = session.get(DunningHold, hold_id)
        if row is None:
            raise NotFound("指定された督促保留は見つかりません。")
        if row.released_on is not None or row.until < today:
            raise ServiceError("この督促保留はすでに終わっています。一覧を読み込み直してください。")
        row.released_on, row.released_by_id = today, actor.user_id
        session.flush()
        audit.record(session, actor, "dunning.release_hold", "dunning_hold", row.id,
                     before={"until": row.until}, after={"released_on": today},
                     summary=f"督促保留の解除（{japanese_date(row.until)}までの保留）", customer_id=row.customer_id)
        return hold_infos(session, [row])[0]


def holds_of(db: Database, customer_id: int) -> list[HoldInfo]:
    """Every hold of the customer, newest first (released and ended ones too)."""
    with db.transaction() as session:
        customer = load_customer(session, customer_id)
        rows = list(session.scalars(select(DunningHold).where(DunningHold.customer_id == customer.id)
                                    .order_by(DunningHold.id.desc())))
        return hold_infos(session, rows)

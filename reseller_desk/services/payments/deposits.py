"""Deposits 利用保証金 (SC §9.10–13, terms-rules.md §6): which contracts may be asked for one, the
request and its 利用保証金預託のお願い, the money received, the deposits not paid by their
deadline (a suspension candidate, handed to services.contracts.lifecycle_suspension), and the
settlement when the contract ends: what is held applied to the customer's unpaid invoices
(through the ledger, a receipt of method ``deposit``), the rest refunded.

A deposit bears no interest, is outside consumption tax (不課税) and is not revenue: receiving it
touches no invoice. What a deposit holds is derived from its entries (received − applied −
refunded); nothing else is stored.

**Decision (the charges of SC §9.10):** a contract's 月間の利用料金等 for a month are its recurring
(月額: plan, options, rentals) and call-charge (通話料) lines, before tax, on its latest issued
invoice of that month: the service's own charges. Initial fees, one-time charges (penalties,
late interest, damages) and corrections are not the month's use of the service.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    ContractEnding,
    Customer,
    Deposit,
    DepositEntry,
    Invoice,
    InvoiceLineRow,
    Notice,
)
from reseller_desk.domain import rules
from reseller_desk.domain.billing import LineKind
from reseller_desk.domain.bounds import is_record_id, number_problem, recorded_date_problem
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import DepositEntryKind, ReceiptMethod
from reseller_desk.domain.staff import Role
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import changing, load, note_problem, planned_date_problem, profile_by_id
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.balances import open_items
from reseller_desk.services.payments.deposit_notices import issue_deposit_request
from reseller_desk.services.permissions import Actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["CHARGE_KINDS", "DepositCandidate", "DepositRow", "DepositState", "Settlement", "cancel_deposit",
           "contract_ended", "deposit_candidates", "deposits", "deposits_to_settle", "monthly_charges",
           "overdue_deposits", "record_deposit_received", "refund_deposit", "request_deposit", "settle_deposit"]

#: The lines that are a month's use of the service (the module's decision).
CHARGE_KINDS = (LineKind.RECURRING, LineKind.USAGE)
MAX_DEPOSIT = ledger.MAX_PAYMENT


class DepositState:
    """Where a deposit stands (derived, never stored)."""

    WAITING = "未受領"      # asked for, not (fully) received, the deadline not passed
    RECEIVED = "受領済"     # received in full, the contract goes on
    OVERDUE = "期限超過"    # not fully received by the deadline: a suspension candidate (SC §9.12)
    TO_SETTLE = "精算待ち"  # the contract ended and something is held
    SETTLED = "精算済"      # the contract ended and nothing is held any more
    CANCELLED = "取消"      # the request was withdrawn

    ALL = (WAITING, RECEIVED, OVERDUE, TO_SETTLE, SETTLED, CANCELLED)


@dataclass(frozen=True)
class DepositRow:
    deposit_id: int
    contract_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    amount: int
    deadline: dt.date
    requested_on: dt.date
    monthly_charges: int
    received: int
    applied: int
    refunded: int
    state: str
    notice_id: int | None
    notice_number: str
    contract_ends_on: dt.date | None    # the effective day of the contract's ending, if recorded
    note: str
    row_version: int

    @property
    def held(self) -> int:
        """What the office holds: received − applied − refunded."""
        return self.received - self.applied - self.refunded

    @property
    def short(self) -> int:
        """What is still to be received of the amount asked for."""
        return max(self.amount - self.received, 0)


@dataclass(frozen=True)
class DepositCandidate:
    contract_id: int
    customer_id: int
    customer_code: str
    customer_name: str
    service_name: str
    billing_month: dt.date
    monthly_charges: int
    deposit: DepositRow | None          # the contract's deposit not cancelled nor settled, if any


@dataclass(frozen=True)
class Settlement:
    deposit_id: int
    applied: int             # to the customer's unpaid invoices (the receipt's amount)
    payment_id: int | None
    refundable: int          # what is still held: to be paid back (refund_deposit)


# -- reading -------------------------------------------------------------------------------------

def monthly_charges(session: Session, month: dt.date) -> dict[int, int]:
    """contract id → its charges of ``month`` (the module's decision): the lines of its latest
    issued invoice of that month."""
    month = first_of_month(month)
    latest: dict[int, int] = {}
    for contract_id, invoice_id in session.execute(
            select(InvoiceLineRow.contract_id, func.max(Invoice.id))
            .join(Invoice, Invoice.id == InvoiceLineRow.invoice_id)
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.billing_month == month,
                   InvoiceLineRow.contract_id.is_not(None))
            .group_by(InvoiceLineRow.contract_id)):
        latest[contract_id] = invoice_id
    sums: dict[int, int] = defaultdict(int)
    for contract_id, invoice_id, amount in session.execute(
            select(InvoiceLineRow.contract_id, InvoiceLineRow.invoice_id, InvoiceLineRow.amount)
            .join(Invoice, Invoice.id == InvoiceLineRow.invoice_id)
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.billing_month == month,
                   InvoiceLineRow.kind.in_(CHARGE_KINDS), InvoiceLineRow.contract_id.is_not(None))):
        if latest.get(contract_id) == invoice_id:
            sums[contract_id] += int(amount)
    return {c: sums.get(c, 0) for c in latest}


def _state(deposit: Deposit, received: int, held: int, ended: bool, today: dt.date) -> str:
    if deposit.cancelled_on is not None:
        return DepositState.CANCELLED
    if ended and received > 0:
        return DepositState.TO_SETTLE if held > 0 else DepositState.SETTLED
    if received >= deposit.amount:
        return DepositState.RECEIVED
    return DepositState.OVERDUE if today > deposit.deadline else DepositState.WAITING


def _endings(session: Session, contract_ids: list[int]) -> dict[int, dt.date]:
    if not contract_ids:
        return {}
    return dict(session.execute(
        select(ContractEnding.contract_id, func.max(ContractEnding.effective_on))
        .where(ContractEnding.contract_id.in_(contract_ids), ContractEnding.superseded.is_(False))
        .group_by(ContractEnding.contract_id)).tuples().all())


def _names(session: Session, customer_ids: set[int]) -> dict[int, str]:
    if not customer_ids:
        return {}
    return dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customer_ids)))
                .tuples().all())


def _rows(session: Session, found: list[Deposit], today: dt.date) -> list[DepositRow]:
    ids = [d.id for d in found]
    sums: dict[tuple[int, DepositEntryKind], int] = {}
    if ids:
        sums = {(d, kind): int(total) for d, kind, total in session.execute(
            select(DepositEntry.deposit_id, DepositEntry.kind, func.sum(DepositEntry.amount))
            .where(DepositEntry.deposit_id.in_(ids)).group_by(DepositEntry.deposit_id, DepositEntry.kind))}
    contracts = {c.id: c for c in session.scalars(select(Contract).where(
        Contract.id.in_({d.contract_id for d in found})))} if found else {}
    names = _names(session, {d.customer_id for d in found})
    numbers: dict[int | None, str] = dict(session.execute(select(Notice.id, Notice.number).where(
        Notice.id.in_({d.notice_id for d in found if d.notice_id}))).tuples().all()) if found else {}
    ends = _endings(session, list(contracts))
    rows = []
    for d in found:
        received, applied, refunded = (sums.get((d.id, k), 0) for k in (
            DepositEntryKind.RECEIVED, DepositEntryKind.APPLIED, DepositEntryKind.REFUNDED))
        held = received - applied - refunded
        rows.append(DepositRow(
            d.id, d.contract_id, d.customer_id, contracts[d.contract_id].customer_code, names.get(d.customer_id, ""),
            d.amount, d.deadline, d.requested_on, d.monthly_charges, received, applied, refunded,
            _state(d, received, held, d.contract_id in ends, today), d.notice_id, numbers.get(d.notice_id, ""),
            ends.get(d.contract_id), d.note, d.row_version))
    return rows


def deposits(db: Database, *, state: str | None = None, today: dt.date | None = None) -> list[DepositRow]:
    """Every deposit (or those in ``state``, one of DepositState.ALL), newest request first."""
    today = today or clock.today()
    with db.transaction() as session:
        found = list(session.scalars(select(Deposit).order_by(Deposit.requested_on.desc(), Deposit.id.desc())))
        rows = _rows(session, found, today)
    return [r for r in rows if state is None or r.state == state]


def overdue_deposits(db: Database, today: dt.date | None = None) -> list[DepositRow]:
    """Requested, not fully received by the deadline, the contract not ending: each a
    suspension candidate (SC §9.12–13; the screen hands it to lifecycle_suspension)."""
    return [r for r in deposits(db, state=DepositState.OVERDUE, today=today) if r.contract_ends_on is None]


def deposits_to_settle(db: Database, today: dt.date | None = None) -> list[DepositRow]:
    """The deposits of ended contracts that still hold something (contract_ended marks them)."""
    return deposits(db, state=DepositState.TO_SETTLE, today=today)


def deposit_candidates(db: Database, month: dt.date, *, today: dt.date | None = None) -> list[DepositCandidate]:
    """The contracts whose charges of ``month`` exceed their terms' line (rules.deposit_required,
    SC §9.10), by カスタマID; terms without a deposit rule (SH) never. A contract that has a
    deposit neither cancelled nor settled is listed with it. Contracts that have ended are not."""
    today = today or clock.today()
    month = first_of_month(month)
    with db.transaction() as session:
        charges = monthly_charges(session, month)
        if not charges:
            return []
        contracts = session.scalars(select(Contract).where(Contract.id.in_(list(charges)))
                                    .order_by(Contract.customer_code)).all()
        ended = _endings(session, [c.id for c in contracts])
        profiles: dict[int, TermsProfile] = {}
        chosen = []
        for contract in contracts:
            if contract.id in ended:
                continue
            if contract.terms_profile_id not in profiles:
                profiles[contract.terms_profile_id] = profile_by_id(session, contract.terms_profile_id,
                                                                    f"契約 {contract.customer_code}")
            profile = profiles[contract.terms_profile_id]
            if profile.deposit is not None and rules.deposit_required(profile, charges[contract.id]):
                chosen.append((contract, profile))
        existing = session.scalars(select(Deposit).where(Deposit.contract_id.in_([c.id for c, _ in chosen]),
                                                         Deposit.cancelled_on.is_(None))
                                   .order_by(Deposit.id)).all() if chosen else []
        open_rows = {r.contract_id: r for r in _rows(session, list(existing), today)
                     if r.state != DepositState.SETTLED}
        names = _names(session, {c.customer_id for c, _ in chosen})
        return [DepositCandidate(c.id, c.customer_id, c.customer_code, names.get(c.customer_id, ""), p.name, month,
                                 charges[c.id], open_rows.get(c.id)) for c, p in chosen]


# -- writing -------------------------------------------------------------------------------------

def _load(session: Session, deposit_id: object) -> Deposit:
    deposit = session.get(Deposit, deposit_id) if is_record_id(deposit_id) else None
    if deposit is None:
        raise NotFound("指定された保証金は見つかりません。一覧を読み込み直してください。")
    return deposit


def _row(session: Session, deposit: Deposit, today: dt.date) -> DepositRow:
    session.flush()
    return _rows(session, [deposit], today)[0]


def _audit(session: Session, actor: Actor, action: str, deposit: Deposit, summary: str, **after: object) -> None:
    contract = session.get(Contract, deposit.contract_id)
    code = contract.customer_code if contract else ""
    audit.record(session, actor, action, "deposit", deposit.id, customer_id=deposit.customer_id, after=after,
                 summary=f"{summary}（{code}）")


@retried
def request_deposit(db: Database, actor: Actor, contract_id: int, amount: int, deadline: dt.date, *,
                    note: str = "", month: dt.date | None = None, today: dt.date | None = None) -> DepositRow:
    """利用保証金の依頼 (manager): a deposit of ``amount`` yen due by ``deadline`` for a contract
    whose charges of ``month`` (default: the latest month billed) exceed its terms' line, and the
    利用保証金預託のお願い issued today. A contract with a deposit neither cancelled nor settled
    is refused."""
    require_role(actor, Role.MANAGER, action="利用保証金の依頼")
    today = today or clock.today()
    problems = {k: v for k, v in {
        "amount": number_problem(amount, "保証金の額", 1, MAX_DEPOSIT, "円"),
        "deadline": planned_date_problem(deadline, today, "お預け期日"),
        "note": note_problem(note, "備考"),
    }.items() if v}
    if not problems and deadline <= today:
        problems["deadline"] = "お預け期日は明日以降の日付にしてください。"
    if month is not None and (p := recorded_date_problem(month, today, "対象の月")):
        problems["month"] = p
    if problems:
        raise ValidationFailed(problems)
    with changing(db, actor) as session:
        contract = load(session, contract_id)
        profile = profile_by_id(session, contract.terms_profile_id, f"契約 {contract.customer_code}")
        if profile.deposit is None:
            raise ServiceError(f"{profile.name}の規約には利用保証金の定めがありません（依頼できません）。")
        if _endings(session, [contract.id]):
            raise ServiceError("この契約は終了（予定）です。利用保証金は依頼できません。")
        if month is None:
            month = session.scalar(select(func.max(Invoice.billing_month))
                                   .join(InvoiceLineRow, InvoiceLineRow.invoice_id == Invoice.id)
                                   .where(InvoiceLineRow.contract_id == contract.id,
                                          Invoice.kind == InvoiceKind.INVOICE))
        charges = monthly_charges(session, month).get(contract.id, 0) if month else 0
        if not rules.deposit_required(profile, charges):
            raise ServiceError(f"この契約の月間の利用料金等（{charges:,}円）は{profile.deposit.monthly_threshold:,}円を"
                               f"超えていません（{profile.deposit.clause}）。利用保証金は依頼できません。")
        others = _rows(session, list(session.scalars(select(Deposit).where(Deposit.contract_id == contract.id,
                                                                           Deposit.cancelled_on.is_(None)))), today)
        if any(r.state != DepositState.SETTLED for r in others):
            raise ServiceError("この契約にはすでに利用保証金の依頼があります。"
                               "依頼し直すときは、先に取り消してください。")
        deposit = Deposit(contract_id=contract.id, customer_id=contract.customer_id, amount=amount, deadline=deadline,
                          requested_on=today, monthly_charges=charges, note=clean_note(note),
                          created_by_id=actor.user_id)
        session.add(deposit)
        session.flush()
        notice = issue_deposit_request(session, actor, contract, profile, deposit,
                                       billing_month=first_of_month(month) if month else None, issued_on=today)
        deposit.notice_id = notice.id
        _audit(session, actor, "deposit.request", deposit,
               f"利用保証金の依頼 {amount:,}円 期日{japanese_date(deadline)}",
               amount=amount, deadline=deadline, monthly_charges=charges, notice=notice.number)
        return _row(session, deposit, today)


def _entry(session: Session, actor: Actor, deposit: Deposit, kind: DepositEntryKind, on: dt.date, amount: int,
           *, payment_id: int | None = None, note: str = "") -> None:
    session.add(DepositEntry(deposit_id=deposit.id, kind=kind, on=on, amount=amount, payment_id=payment_id,
                             note=clean_note(note), recorded_by_id=actor.user_id))


@retried
def record_deposit_received(db: Database, actor: Actor, deposit_id: int, on: dt.date, amount: int, *,
                            note: str = "", today: dt.date | None = None) -> DepositRow:
    """保証金の受領: ``amount`` yen received on ``on`` (no interest, 不課税, not revenue: it is
    applied to no invoice). Up to what is still to be received."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="保証金の受領の記録")
    today = today or clock.today()
    problems = {k: v for k, v in {
        "amount": number_problem(amount, "受領額", 1, MAX_DEPOSIT, "円"),
        "on": recorded_date_problem(on, today, "受領日"),
        "note": note_problem(note, "備考"),
    }.items() if v}
    if problems:
        raise ValidationFailed(problems)
    with changing(db, actor) as session:
        deposit = _load(session, deposit_id)
        row = _row(session, deposit, today)
        if row.state in (DepositState.CANCELLED, DepositState.SETTLED, DepositState.TO_SETTLE) or row.contract_ends_on:
            raise ServiceError(f"この保証金は{row.state}です。受領は記録できません。")
        if amount > row.short:
            raise ValidationFailed({"amount": f"受領額は未受領の額（{row.short:,}円）以下にしてください。"})
        if on < deposit.requested_on:
            raise ValidationFailed({"on": "受領日は依頼日以降の日付にしてください。"})
        _entry(session, actor, deposit, DepositEntryKind.RECEIVED, on, amount, note=note)
        _audit(session, actor, "deposit.receive", deposit, f"利用保証金の受領 {amount:,}円", amount=amount, on=on)
        return _row(session, deposit, today)


@retried
def cancel_deposit(db: Database, actor: Actor, deposit_id: int, *, note: str,
                   today: dt.date | None = None) -> DepositRow:
    """依頼の取消 (manager): a request nothing was received for is withdrawn, with the reason."""
    require_role(actor, Role.MANAGER, action="利用保証金の依頼の取消")
    today = today or clock.today()
    if (p := note_problem(note, "取消の理由", required=True)):
        raise ValidationFailed({"note": p})
    with changing(db, actor) as session:
        deposit = _load(session, deposit_id)
        row = _row(session, deposit, today)
        if row.state == DepositState.CANCELLED:
            raise ServiceError("この依頼はすでに取り消されています。")
        if row.received:
            raise ServiceError("受領済みの保証金がある依頼は取り消せません。契約の終了時に精算・返還してください。")
        deposit.cancelled_on = today
        deposit.note = (f"{deposit.note}\n" if deposit.note else "") + f"取消: {clean_note(note)}"
        _audit(session, actor, "deposit.cancel", deposit, "利用保証金の依頼の取消", reason=clean_note(note))
        return _row(session, deposit, today)


@retried
def settle_deposit(db: Database, actor: Actor, deposit_id: int, *, on: dt.date,
                   today: dt.date | None = None) -> Settlement:
    """精算 after the contract ended (manager): what is held applied to the customer's unpaid
    invoices, oldest first, up to what they owe (SC §9.11: a receipt of method deposit through
    the ledger and an applied entry); what is left is to be refunded (:func:`refund_deposit`)."""
    require_role(actor, Role.MANAGER, action="利用保証金の精算")
    today = today or clock.today()
    if (p := recorded_date_problem(on, today, "精算日")):
        raise ValidationFailed({"on": p})
    with changing(db, actor) as session:
        deposit = _load(session, deposit_id)
        row = _row(session, deposit, today)
        if row.state != DepositState.TO_SETTLE:
            raise ServiceError(f"この保証金は{row.state}です。"
                               "精算できるのは、契約が終了し保証金を預かっているものだけです。")
        owed = sum(b.owed for b in open_items(session, deposit.customer_id))
        applied = min(row.held, owed)
        payment_id = None
        if applied:
            receipt = ledger.receive(session, actor, deposit.customer_id, received_on=on, amount=applied,
                                     method=ReceiptMethod.DEPOSIT, note=f"利用保証金の充当（{row.customer_code}）",
                                     deposit_id=deposit.id)
            payment_id = receipt.payment_id
            _entry(session, actor, deposit, DepositEntryKind.APPLIED, on, applied, payment_id=payment_id)
        _audit(session, actor, "deposit.settle", deposit,
               f"利用保証金の精算 充当{applied:,}円 返還予定{row.held - applied:,}円",
               applied=applied, refundable=row.held - applied, payment_id=payment_id, on=on)
        return Settlement(deposit.id, applied, payment_id, row.held - applied)


@retried
def refund_deposit(db: Database, actor: Actor, deposit_id: int, on: dt.date, note: str, *,
                   today: dt.date | None = None) -> DepositRow:
    """返還の記録 (manager), once the office has paid back what is held of an ended contract's
    deposit. Refused while the customer still owes something the deposit could pay: settle first."""
    require_role(actor, Role.MANAGER, action="利用保証金の返還の記録")
    today = today or clock.today()
    problems = {k: v for k, v in {"on": recorded_date_problem(on, today, "返還日"),
                                  "note": note_problem(note, "返還の内容", required=True)}.items() if v}
    if problems:
        raise ValidationFailed(problems)
    with changing(db, actor) as session:
        deposit = _load(session, deposit_id)
        row = _row(session, deposit, today)
        if row.state != DepositState.TO_SETTLE:
            raise ServiceError(f"この保証金は{row.state}です。"
                               "返還できるのは、契約が終了し保証金を預かっているものだけです。")
        owed = sum(b.owed for b in open_items(session, deposit.customer_id))
        if owed:
            raise ServiceError(f"この顧客には未払いの請求（{owed:,}円）があります。先に精算して充当してください。")
        _entry(session, actor, deposit, DepositEntryKind.REFUNDED, on, row.held, note=note)
        _audit(session, actor, "deposit.refund", deposit, f"利用保証金の返還 {row.held:,}円", amount=row.held, on=on,
               note=clean_note(note))
        return _row(session, deposit, today)


def contract_ended(session: Session, actor: Actor, contract: Contract, ending: ContractEnding) -> None:
    """services.contracts.hooks: an ending marks the contract's deposits that hold something as
    due for settlement (精算待ち: derived from the ending, see deposits_to_settle), recorded in
    the audit log. Nothing is applied now: the final invoice is issued later."""
    found = list(session.scalars(select(Deposit).where(Deposit.contract_id == contract.id,
                                                       Deposit.cancelled_on.is_(None)).order_by(Deposit.id)))
    for row in _rows(session, found, clock.today()):
        if row.held > 0:
            audit.record(session, actor, "deposit.settlement_due", "deposit", row.deposit_id,
                         customer_id=row.customer_id,
                         after={"held": row.held, "contract_ends_on": ending.effective_on},
                         summary=f"利用保証金 精算待ち {row.held:,}円（{row.customer_code}）")

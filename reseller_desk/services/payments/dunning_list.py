"""Who is at which stage of 督促 and what they owe (issue 12), derived on every read: an invoice
is overdue while it owes something (services.payments.balances) after its due date, so a
payment stops its dunning at once; it has reached the highest active stage whose
``days_after_due`` its lateness has come to, and is due there until a letter at that stage named
it (DunningLetterItem: unique per stage and invoice). A hold (督促保留) on the customer or on the
invoice, not released and not yet past its end date, skips it: listed 保留中, never due.

Suspension candidates: customers past the suspension date a 催告書 named, still owing on the
invoices it listed (or, with no 催告書 stage in 設定, invoices that reached a suspension stage);
the screen hands one of their contracts to the contract lifecycle (suspend_contract, which
issues the SH §23.2 利用停止予告通知書).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    Customer,
    DunningHold,
    DunningLetter,
    DunningLetterItem,
    DunningStage,
    Invoice,
    InvoiceLineRow,
    Notice,
    Suspension,
    TermsProfileRecord,
)
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.payments import DunningAction, HoldKind
from reseller_desk.services.payments.balances import InvoiceBalance, balances
from reseller_desk.services.payments.dunning_stages import StageRecord, stages_in

__all__ = ["CandidateContract", "DunningRow", "HoldInfo", "LastLetter", "OverdueInvoice", "SuspensionCandidate",
           "active_holds", "dunning_list", "dunning_rows", "suspension_candidates"]

_CHUNK = 5000


@dataclass(frozen=True)
class OverdueInvoice:
    invoice_id: int
    number: str
    billing_month: dt.date
    due_date: dt.date
    owed: int
    days_late: int
    terms_profile_id: int
    reached_stage_id: int | None      # the highest active 督促状/催告書 stage its lateness reached
    issued_stage_ids: tuple[int, ...]  # the stages a letter named it at
    held: bool

    def due_at(self, stage_id: int) -> bool:
        """Whether a letter at ``stage_id`` is due for it now."""
        return not self.held and self.reached_stage_id == stage_id and stage_id not in self.issued_stage_ids


@dataclass(frozen=True)
class HoldInfo:
    id: int
    customer_id: int
    invoice_id: int | None
    invoice_number: str
    kind: HoldKind
    reason: str
    until: dt.date
    released_on: dt.date | None
    created_on: dt.date

    @property
    def text(self) -> str:
        what = f"請求書 {self.invoice_number}" if self.invoice_id else "顧客全体"
        return f"{what}: {self.kind.label}（{self.until.month}/{self.until.day}まで）{self.reason}"


@dataclass(frozen=True)
class LastLetter:
    stage_name: str
    issued_on: dt.date
    number: str


@dataclass(frozen=True)
class DunningRow:
    """A customer with an overdue invoice: the stage due now (the highest; None when nothing is
    to be issued), every stage due, the overdue invoices and what they owe."""

    customer_id: int
    customer_name: str
    stage: StageRecord | None
    due_stage_ids: tuple[int, ...]
    invoices: tuple[OverdueInvoice, ...]
    last_letter: LastLetter | None
    holds: tuple[HoldInfo, ...]
    on_hold: bool

    @property
    def owed(self) -> int:
        return sum(i.owed for i in self.invoices)

    @property
    def oldest_due(self) -> dt.date:
        return min(i.due_date for i in self.invoices)

    def due_invoices(self, stage_id: int) -> tuple[OverdueInvoice, ...]:
        return tuple(i for i in self.invoices if i.due_at(stage_id))


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])


def active_holds(session: Session, today: dt.date, customer_ids: Sequence[int] | None = None) -> list[HoldInfo]:
    """The holds in force today (not released, ``until`` today or later)."""
    query = (select(DunningHold).where(DunningHold.released_on.is_(None), DunningHold.until >= today)
             .order_by(DunningHold.id))
    rows: list[DunningHold] = []
    if customer_ids is None:
        rows = list(session.scalars(query))
    else:
        for chunk in _chunks(sorted(set(customer_ids))):
            rows += session.scalars(query.where(DunningHold.customer_id.in_(chunk)))
    return hold_infos(session, rows)


def hold_infos(session: Session, rows: Sequence[DunningHold]) -> list[HoldInfo]:
    numbers = dict(session.execute(select(Invoice.id, Invoice.number).where(
        Invoice.id.in_([r.invoice_id for r in rows if r.invoice_id]))).tuples().all()) if rows else {}
    return [HoldInfo(r.id, r.customer_id, r.invoice_id, numbers.get(r.invoice_id or 0, ""), HoldKind(r.kind), r.reason,
                     r.until, r.released_on, r.created_at.date()) for r in rows]


def _reached(stages: Sequence[StageRecord], days_late: int) -> int | None:
    reached = None
    for stage in stages:          # in order of days
        if stage.days_after_due <= days_late:
            reached = stage.id
    return reached


def _overdue_balances(session: Session, today: dt.date, customer_ids: Sequence[int] | None) -> list[InvoiceBalance]:
    found: list[InvoiceBalance] = []
    if customer_ids is None:
        found = list(balances(session).values())
    else:
        for customer_id in sorted(set(customer_ids)):
            found += balances(session, customer_id=customer_id).values()
    return [b for b in found if b.owed > 0 and b.due_date is not None and b.due_date < today]


def _issued(session: Session, invoice_ids: Sequence[int]) -> dict[int, set[int]]:
    issued: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(sorted(invoice_ids)):
        for stage_id, invoice_id in session.execute(select(DunningLetterItem.stage_id, DunningLetterItem.invoice_id)
                                                    .where(DunningLetterItem.invoice_id.in_(chunk))):
            issued[invoice_id].add(stage_id)
    return issued


def _last_letters(session: Session, customer_ids: Sequence[int]) -> dict[int, LastLetter]:
    last: dict[int, LastLetter] = {}
    for chunk in _chunks(sorted(customer_ids)):
        rows = session.execute(
            select(DunningLetter.customer_id, DunningStage.name, DunningLetter.issued_on, Notice.number)
            .join(DunningStage, DunningStage.id == DunningLetter.stage_id)
            .outerjoin(Notice, Notice.id == DunningLetter.notice_id)
            .where(DunningLetter.customer_id.in_(chunk)).order_by(DunningLetter.issued_on, DunningLetter.id))
        for customer_id, name, issued_on, number in rows:
            last[customer_id] = LastLetter(name, issued_on, number or "")
    return last


def _names(session: Session, customer_ids: Sequence[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(customer_ids)):
        names.update(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(chunk))).tuples().all())
    return names


def dunning_rows(session: Session, today: dt.date, customer_ids: Sequence[int] | None = None) -> list[DunningRow]:
    """:func:`dunning_list` inside the caller's transaction (``customer_ids``: only these)."""
    stages = stages_in(session)
    issuable = sorted((s for s in stages if s.active and s.action != DunningAction.SUSPENSION),
                      key=lambda s: s.days_after_due)
    by_id = {s.id: s for s in stages}
    overdue = _overdue_balances(session, today, customer_ids)
    if not overdue:
        return []
    customers = sorted({b.customer_id for b in overdue})
    holds = active_holds(session, today, customers)
    held_customers = {h.customer_id for h in holds if h.invoice_id is None}
    held_invoices = {h.invoice_id for h in holds if h.invoice_id is not None}
    issued = _issued(session, [b.invoice_id for b in overdue])
    grouped: dict[int, list[OverdueInvoice]] = defaultdict(list)
    for b in sorted(overdue, key=lambda b: (b.due_date, b.invoice_id)):
        assert b.due_date is not None
        late = (today - b.due_date).days
        grouped[b.customer_id].append(OverdueInvoice(
            b.invoice_id, b.number, b.billing_month, b.due_date, b.owed, late, b.terms_profile_id,
            _reached(issuable, late), tuple(sorted(issued.get(b.invoice_id, ()))),
            b.customer_id in held_customers or b.invoice_id in held_invoices))
    last = _last_letters(session, customers)
    names = _names(session, customers)
    rows = []
    for customer_id in customers:
        invoices = tuple(grouped[customer_id])
        due = sorted({i.reached_stage_id for i in invoices if i.reached_stage_id is not None
                      and i.due_at(i.reached_stage_id)}, key=lambda s: by_id[s].days_after_due, reverse=True)
        on_hold = customer_id in held_customers or all(i.held for i in invoices)
        rows.append(DunningRow(customer_id, names.get(customer_id, ""), by_id[due[0]] if due else None, tuple(due),
                               invoices, last.get(customer_id),
                               tuple(h for h in holds if h.customer_id == customer_id), on_hold))
    return rows


def dunning_list(db: Database, today: dt.date | None = None) -> list[DunningRow]:
    """Every customer with an overdue invoice, oldest due first."""
    today = today or clock.today()
    with db.transaction() as session:
        rows = dunning_rows(session, today)
    return sorted(rows, key=lambda r: (r.oldest_due, r.customer_id))


# -- suspension candidates -------------------------------------------------------------------------
@dataclass(frozen=True)
class CandidateContract:
    contract_id: int
    customer_code: str
    service_name: str
    scheduled: bool                   # a suspension is already scheduled (noticed beforehand)


@dataclass(frozen=True)
class SuspensionCandidate:
    customer_id: int
    customer_name: str
    owed: int                         # what the overdue invoices owe
    suspension_on: dt.date | None     # the date the 催告書 named (None: reached a suspension stage)
    letter_number: str
    contracts: tuple[CandidateContract, ...]   # 利用中 contracts billed on the overdue invoices


def _contracts(session: Session, invoice_ids: Sequence[int], customer_id: int) -> tuple[CandidateContract, ...]:
    ids = set(session.scalars(select(InvoiceLineRow.contract_id).where(InvoiceLineRow.invoice_id.in_(invoice_ids),
                                                                     InvoiceLineRow.contract_id.is_not(None))))
    query = (select(Contract.id, Contract.customer_code, TermsProfileRecord.name)
             .join(TermsProfileRecord, TermsProfileRecord.id == Contract.terms_profile_id)
             .where(Contract.customer_id == customer_id, Contract.status == ContractStatus.ACTIVE)
             .order_by(Contract.customer_code))
    found = [row for row in session.execute(query) if not ids or row[0] in ids]
    scheduled = set(session.scalars(select(Suspension.contract_id).where(
        Suspension.contract_id.in_([r[0] for r in found]), Suspension.state == "scheduled"))) if found else set()
    return tuple(CandidateContract(r[0], r[1], r[2], r[0] in scheduled) for r in found)


def suspension_candidates(db: Database, today: dt.date | None = None) -> list[SuspensionCandidate]:
    """Customers whose 催告書's suspension date has come and who still owe on what it named (or
    whose invoices reached a suspension stage when 設定 has no 催告書 stage), not on hold, with
    a 利用中 contract to suspend."""
    today = today or clock.today()
    with db.transaction() as session:
        stages = [s for s in stages_in(session) if s.active]
        has_final = any(s.action == DunningAction.FINAL_DEMAND for s in stages)
        suspension_days = [s.days_after_due for s in stages if s.action == DunningAction.SUSPENSION]
        rows = {r.customer_id: r for r in dunning_rows(session, today) if not r.on_hold}
        letters = session.execute(
            select(DunningLetter.id, DunningLetter.customer_id, DunningLetter.suspension_date, Notice.number)
            .outerjoin(Notice, Notice.id == DunningLetter.notice_id)
            .where(DunningLetter.suspension_date.is_not(None), DunningLetter.suspension_date <= today)
            .order_by(DunningLetter.suspension_date, DunningLetter.id)).all()
        named: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks([row[0] for row in letters]):
            for letter_id, invoice_id in session.execute(
                    select(DunningLetterItem.dunning_letter_id, DunningLetterItem.invoice_id)
                    .where(DunningLetterItem.dunning_letter_id.in_(chunk))):
                named[letter_id].add(invoice_id)
        found: dict[int, tuple[dt.date | None, str]] = {}
        for letter_id, customer_id, suspension_on, number in letters:
            row = rows.get(customer_id)
            if row is not None and customer_id not in found and any(
                    i.invoice_id in named[letter_id] and not i.held for i in row.invoices):
                found[customer_id] = (suspension_on, number or "")
        if not has_final and suspension_days:
            for customer_id, row in rows.items():
                if customer_id not in found and any(not i.held and i.days_late >= min(suspension_days)
                                                    for i in row.invoices):
                    found[customer_id] = (None, "")
        candidates = []
        for customer_id, (suspension_on, number) in found.items():
            row = rows[customer_id]
            contracts = _contracts(session, [i.invoice_id for i in row.invoices], customer_id)
            if contracts:
                candidates.append(SuspensionCandidate(customer_id, row.customer_name, row.owed, suspension_on,
                                                      number, contracts))
    return sorted(candidates, key=lambda c: (c.suspension_on or dt.date.min, c.customer_id))

"""What the contract window reads: one contract in full, as plain data — its customer and
service, status and dates, payment (the account masked), what it consists of this month and the
history of it (plan periods, options, 特約 with their documents), its numbers, its timeline
oldest first, the notices issued, the suspension / ending / succession under way, and the
actions its status allows (domain.contract.allowed_actions: the window's buttons). Reading
writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    ContractEnding,
    ContractEvent,
    ContractNumber,
    Customer,
    Notice,
    Succession,
    Suspension,
    TermsProfileRecord,
)
from reseller_desk.domain import intake
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.contract import ContractAction, ContractStatus, allowed_actions
from reseller_desk.domain.contract_history import ContractEventKind, SpecialAgreement, first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.services import records
from reseller_desk.services.contracts.queries import ACTIVE, SCHEDULED, Prices, periods_of, prices_of
from reseller_desk.services.errors import NotFound
from reseller_desk.services.notices import NoticeInfo


@dataclass(frozen=True)
class ContractCustomer:
    id: int
    name: str
    name_kana: str
    kind_label: str
    postal_code: str
    address: str
    phone: str
    email: str


@dataclass(frozen=True)
class OptionLine:
    option_id: int
    name: str
    quantity: int
    from_month: dt.date
    until_month: dt.date | None = None


@dataclass(frozen=True)
class PlanLine:
    plan_id: int
    name: str
    lines: int
    from_month: dt.date
    until_month: dt.date | None = None


@dataclass(frozen=True)
class AgreementLine:
    """A 特約 as the window lists it: what it overrides, the price or condition, its document."""

    subject_label: str
    target: str               # the plan or the option it prices ("" for a condition)
    monthly_fee: int | None
    condition: str
    source: str               # 見積書 Q-2025-031
    from_month: dt.date
    until_month: dt.date | None = None


@dataclass(frozen=True)
class CompositionNow:
    """What the contract consists of this month and what it costs a month before tax."""

    month: dt.date
    plan_name: str
    lines: int
    options: tuple[OptionLine, ...]
    agreements: tuple[AgreementLine, ...]
    monthly_charges: int


@dataclass(frozen=True)
class NumberLine:
    number: str
    assigned_on: dt.date
    released_on: dt.date | None = None


@dataclass(frozen=True)
class TimelineLine:
    """One line of the timeline: what, the status from → to, from which day, why, who, when,
    and the notice issued for it."""

    kind: ContractEventKind
    kind_label: str
    from_label: str
    to_label: str
    effective_on: dt.date
    reason: str
    recorded_by: str
    recorded_at: dt.datetime
    notice_number: str


@dataclass(frozen=True)
class SuspensionInfo:
    id: int
    state: str                # scheduled / active
    reason_code: str
    reason_text: str
    clause: str
    noticed_on: dt.date | None
    starts_on: dt.date
    planned_end_on: dt.date | None
    period_text: str
    emergency: bool
    row_version: int


@dataclass(frozen=True)
class EndingInfo:
    kind: str                 # cancellation / termination / death / revocation
    requested_on: dt.date
    desired_month: dt.date | None
    effective_on: dt.date
    last_billable_month: dt.date
    grounds_text: str
    note: str
    early_termination_fee: int
    accelerated: bool
    service_data_deletion_due: dt.date | None
    taken_effect: bool


@dataclass(frozen=True)
class SuccessionInfo:
    id: int
    kind: str
    succeeded_on: dt.date
    successor_name: str
    proof_deadline: dt.date
    state: str
    row_version: int


@dataclass(frozen=True)
class ContractDetail:
    id: int
    customer_code: str
    customer: ContractCustomer
    application_id: int | None
    profile_key: str
    profile_name: str
    status: ContractStatus
    status_label: str
    formed_on: dt.date
    registered_on: dt.date | None
    opened_on: dt.date | None
    first_billable_month: dt.date | None
    last_billable_month: dt.date | None
    ends_on: dt.date | None
    accelerated_on: dt.date | None
    service_data_deletion_due: dt.date | None
    payment_method: PaymentMethod
    payment_label: str
    payment_account: str      # masked: 三菱ＵＦＪ 神田支店 普通 ****567 ("" for 振込)
    now: CompositionNow | None
    plan_history: tuple[PlanLine, ...]
    option_history: tuple[OptionLine, ...]
    agreements: tuple[AgreementLine, ...]
    numbers: tuple[NumberLine, ...]
    timeline: tuple[TimelineLine, ...]
    notices: tuple[NoticeInfo, ...]
    suspension: SuspensionInfo | None
    ending: EndingInfo | None
    succession: SuccessionInfo | None
    allowed_actions: tuple[ContractAction, ...]
    row_version: int


def _agreement_lines(agreements: Iterable[SpecialAgreement], prices: Prices) -> tuple[AgreementLine, ...]:
    lines = []
    for a in agreements:
        target = prices.options.get(a.option_id, ("", 0))[0] if a.option_id is not None else ""
        lines.append(AgreementLine(a.subject.label, target, a.monthly_fee, a.condition, a.source, a.from_month,
                                   a.until_month))
    return tuple(lines)


def _timeline(session: Session, contract_id: int) -> tuple[TimelineLine, ...]:
    events = list(session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract_id)
                                  .order_by(ContractEvent.recorded_at, ContractEvent.id)))
    names = records.staff_names(session, (e.recorded_by_id for e in events))
    notice_ids = {e.notice_id for e in events if e.notice_id is not None}
    numbers = dict(session.execute(select(Notice.id, Notice.number).where(Notice.id.in_(notice_ids)))
                   .tuples().all()) if notice_ids else {}
    return tuple(TimelineLine(
        e.kind, e.kind.label, e.from_status.label if e.from_status else "", e.to_status.label if e.to_status else "",
        e.effective_on, e.reason, names.get(e.recorded_by_id, "") if e.recorded_by_id else "", e.recorded_at,
        numbers.get(e.notice_id, "") if e.notice_id else "") for e in events)


def _notices(session: Session, contract: Contract) -> tuple[NoticeInfo, ...]:
    mine = Notice.contract_id == contract.id
    where = or_(mine, Notice.application_id == contract.application_id) if contract.application_id else mine
    return tuple(NoticeInfo(n.id, n.number, n.kind, NoticeKind(n.kind).label, n.issued_on)
                 for n in session.scalars(select(Notice).where(where).order_by(Notice.id)))


def _under_way(session: Session, contract_id: int) -> tuple[SuspensionInfo | None, EndingInfo | None,
                                                            SuccessionInfo | None]:
    s = session.scalars(select(Suspension).where(Suspension.contract_id == contract_id,
                                                 Suspension.state.in_((SCHEDULED, ACTIVE)))
                        .order_by(Suspension.id.desc())).first()
    e = session.scalars(select(ContractEnding).where(ContractEnding.contract_id == contract_id,
                                                     ContractEnding.superseded.is_(False))
                        .order_by(ContractEnding.id.desc())).first()
    w = session.scalars(select(Succession).where(Succession.contract_id == contract_id, Succession.state == "waiting")
                        .order_by(Succession.id.desc())).first()
    suspension = SuspensionInfo(s.id, s.state, s.reason_code, s.reason_text, s.clause, s.noticed_on, s.starts_on,
                                s.planned_end_on, s.period_text, s.emergency, s.row_version) if s else None
    ending = EndingInfo(e.kind, e.requested_on, e.desired_month, e.effective_on, e.last_billable_month,
                        e.grounds_text, e.note, e.early_termination_fee, e.accelerated, e.service_data_deletion_due,
                        e.taken_effect) if e else None
    succession = SuccessionInfo(w.id, w.kind, w.succeeded_on, w.successor_name, w.proof_deadline, w.state,
                                w.row_version) if w else None
    return suspension, ending, succession


def detail_of(session: Session, contract: Contract, today: dt.date) -> ContractDetail:
    customer = session.get(Customer, contract.customer_id)
    profile = session.get(TermsProfileRecord, contract.terms_profile_id)
    if customer is None or profile is None:  # the foreign keys forbid it
        raise NotFound(f"契約 {contract.customer_code} の顧客または約款が見つかりません。")
    periods = periods_of(session, [contract.id])
    prices = prices_of(session, periods, first_of_month(today))
    plan_name = {i: name for i, (name, _fee) in prices.plans.items()}
    option_name = {i: name for i, (name, _fee) in prices.options.items()}
    composition = periods.composition(contract.id, first_of_month(today))
    now = None
    if composition is not None:
        now = CompositionNow(
            composition.month, plan_name.get(composition.plan_id, ""), composition.lines,
            tuple(OptionLine(i, option_name.get(i, ""), q, composition.month) for i, q in composition.options),
            _agreement_lines(composition.agreements, prices), prices.charge(composition))
    numbers = tuple(NumberLine(n.number, n.assigned_on, n.released_on) for n in session.scalars(
        select(ContractNumber).where(ContractNumber.contract_id == contract.id)
        .order_by(ContractNumber.released_on.is_not(None), ContractNumber.number)))
    suspension, ending, succession = _under_way(session, contract.id)
    debit = contract.payment_method == PaymentMethod.DEBIT
    return ContractDetail(
        contract.id, contract.customer_code,
        ContractCustomer(customer.id, customer.name, customer.name_kana, customer.kind.label, customer.postal_code,
                         customer.address, customer.phone, customer.email),
        contract.application_id, profile.key, profile.name, contract.status, contract.status.label,
        contract.formed_on, contract.registered_on, contract.opened_on, contract.first_billable_month,
        contract.last_billable_month, contract.ends_on, contract.accelerated_on, contract.service_data_deletion_due,
        contract.payment_method, PaymentMethod(contract.payment_method).label,
        intake.masked_account(contract.debit_account()) if debit else "",
        now,
        tuple(PlanLine(p.plan_id, plan_name.get(p.plan_id, ""), p.lines, p.from_month, p.until_month)
              for p in periods.plans.get(contract.id, [])),
        tuple(OptionLine(o.option_id, option_name.get(o.option_id, ""), o.quantity, o.from_month, o.until_month)
              for o in periods.options.get(contract.id, [])),
        _agreement_lines(periods.agreements.get(contract.id, []), prices),
        numbers, _timeline(session, contract.id), _notices(session, contract), suspension, ending, succession,
        allowed_actions(contract.status), contract.row_version)


def contract_detail(db: Database, contract_id: int, *, today: dt.date | None = None) -> ContractDetail:
    """The contract window's content; NotFound for an id that is not a contract."""
    if not is_record_id(contract_id):
        raise NotFound("指定された契約は見つかりません。")
    with db.transaction() as session:
        contract = session.get(Contract, contract_id)
        if contract is None:
            raise NotFound(f"契約 {contract_id} は見つかりません。")
        return detail_of(session, contract, today or clock.today())


__all__ = ["AgreementLine", "CompositionNow", "ContractCustomer", "ContractDetail", "EndingInfo", "NumberLine",
           "OptionLine", "PlanLine", "SuccessionInfo", "SuspensionInfo", "TimelineLine", "contract_detail",
           "detail_of"]

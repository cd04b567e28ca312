"""Reading and writing a contract's history inside a caller's transaction: its periods (plan and
lines, options, 特約) as domain values, what it consisted of in a month, and its timeline.

Every service that changes a contract records the change here, so that the timeline and the
periods are written the same way whoever changes them (the lifecycle, the import, the demo).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import (
    Contract,
    ContractEvent,
    ContractOptionPeriod,
    ContractPlanPeriod,
    SpecialAgreementRow,
)
from reseller_desk.domain.contract import ContractAction, ContractStatus, transition
from reseller_desk.domain.contract_history import (
    Composition,
    ContractEventKind,
    OptionPeriod,
    PlanPeriod,
    SpecialAgreement,
    composition_in,
    month_before,
)
from reseller_desk.services.permissions import Actor


def plan_periods(session: Session, contract_id: int) -> list[PlanPeriod]:
    rows = session.scalars(select(ContractPlanPeriod).where(ContractPlanPeriod.contract_id == contract_id)
                           .order_by(ContractPlanPeriod.from_month))
    return [PlanPeriod(r.plan_id, r.lines, r.from_month, r.until_month) for r in rows]


def option_periods(session: Session, contract_id: int) -> list[OptionPeriod]:
    rows = session.scalars(select(ContractOptionPeriod).where(ContractOptionPeriod.contract_id == contract_id)
                           .order_by(ContractOptionPeriod.from_month, ContractOptionPeriod.option_id))
    return [OptionPeriod(r.option_id, r.quantity, r.from_month, r.until_month) for r in rows]


def agreements(session: Session, contract_id: int) -> list[SpecialAgreement]:
    rows = session.scalars(select(SpecialAgreementRow).where(SpecialAgreementRow.contract_id == contract_id)
                           .order_by(SpecialAgreementRow.from_month, SpecialAgreementRow.id))
    return [SpecialAgreement(r.subject, r.document, r.document_number, r.from_month, r.until_month,
                             r.monthly_fee, r.option_id, r.condition) for r in rows]


def composition_of(session: Session, contract_id: int, month: dt.date) -> Composition | None:
    """What the contract consisted of in ``month`` (domain.contract_history.composition_in)."""
    return composition_in(month, plan_periods(session, contract_id), option_periods(session, contract_id),
                          agreements(session, contract_id))


def start_periods(session: Session, actor: Actor | None, contract: Contract, *, plan_id: int, lines: int,
                  options: dict[int, int], from_month: dt.date) -> None:
    """The first plan period and option periods of a new contract (``options``: id → quantity)."""
    by = actor.user_id if actor else None
    session.add(ContractPlanPeriod(contract_id=contract.id, plan_id=plan_id, lines=lines, from_month=from_month,
                                   recorded_by_id=by))
    for option_id, quantity in sorted(options.items()):
        session.add(ContractOptionPeriod(contract_id=contract.id, option_id=option_id, quantity=quantity,
                                         from_month=from_month, recorded_by_id=by))


def record_event(session: Session, actor: Actor | None, contract: Contract, kind: ContractEventKind, *,
                 effective_on: dt.date, reason: str = "", action: ContractAction | None = None,
                 from_status: ContractStatus | None = None, to_status: ContractStatus | None = None,
                 notice_id: int | None = None) -> ContractEvent:
    """One line of the timeline: who (``actor``), when (now), what, from which day, why."""
    event = ContractEvent(contract_id=contract.id, kind=kind, action=action, from_status=from_status,
                          to_status=to_status, effective_on=effective_on, reason=reason, notice_id=notice_id,
                          recorded_by_id=actor.user_id if actor else None)
    session.add(event)
    session.flush()
    return event


def change_status(session: Session, actor: Actor | None, contract: Contract, action: ContractAction,
                  kind: ContractEventKind, *, effective_on: dt.date, reason: str = "",
                  notice_id: int | None = None) -> ContractEvent:
    """Move the contract by ``action`` (domain.contract.transition refuses a move not allowed,
    in Japanese) and record the move on its timeline."""
    before = contract.status
    contract.status = transition(before, action)
    return record_event(session, actor, contract, kind, effective_on=effective_on, reason=reason, action=action,
                        from_status=before, to_status=contract.status, notice_id=notice_id)


# -- changes from a month ------------------------------------------------------------------------
def running_plan_period(session: Session, contract_id: int) -> ContractPlanPeriod | None:
    """The contract's latest plan period (the one still running, or the last one it had)."""
    return session.scalars(select(ContractPlanPeriod).where(ContractPlanPeriod.contract_id == contract_id)
                           .order_by(ContractPlanPeriod.from_month.desc()).limit(1)).first()


def running_option_period(session: Session, contract_id: int, option_id: int) -> ContractOptionPeriod | None:
    return session.scalars(select(ContractOptionPeriod).where(
        ContractOptionPeriod.contract_id == contract_id, ContractOptionPeriod.option_id == option_id,
        ContractOptionPeriod.until_month.is_(None))).first()


def change_plan_period(session: Session, actor: Actor | None, contract: Contract, *, plan_id: int, lines: int,
                       from_month: dt.date) -> None:
    """The plan and lines from ``from_month`` (the 1st of a month, not before the running
    period's start, which the caller checked): the running period closes at the month before and
    a new one opens; a change from the running period's own first month replaces it."""
    running = running_plan_period(session, contract.id)
    if running is not None and running.from_month == from_month:
        running.plan_id, running.lines = plan_id, lines
        return
    if running is not None:
        running.until_month = month_before(from_month)
    session.add(ContractPlanPeriod(contract_id=contract.id, plan_id=plan_id, lines=lines, from_month=from_month,
                                   recorded_by_id=actor.user_id if actor else None))


def set_option_period(session: Session, actor: Actor | None, contract: Contract, *, option_id: int, quantity: int,
                      from_month: dt.date) -> None:
    """The option with ``quantity`` from ``from_month`` (closing a running period of it first)."""
    running = running_option_period(session, contract.id, option_id)
    if running is not None and running.from_month == from_month:
        running.quantity = quantity
        return
    if running is not None:
        running.until_month = month_before(from_month)
    session.add(ContractOptionPeriod(contract_id=contract.id, option_id=option_id, quantity=quantity,
                                     from_month=from_month, recorded_by_id=actor.user_id if actor else None))


def end_periods(session: Session, contract: Contract, last_month: dt.date) -> None:
    """Every period of the contract ends at ``last_month`` (the contract's last billable month):
    options exist only on the base contract and end with it (SH §6.2–3). A period that would
    only have begun after it never took effect and is removed."""
    periods: list[ContractPlanPeriod | ContractOptionPeriod] = [
        *session.scalars(select(ContractPlanPeriod).where(ContractPlanPeriod.contract_id == contract.id)),
        *session.scalars(select(ContractOptionPeriod).where(ContractOptionPeriod.contract_id == contract.id))]
    for period in periods:
        if period.from_month > last_month:
            session.delete(period)
        elif period.until_month is None or period.until_month > last_month:
            period.until_month = last_month


def add_agreement(session: Session, actor: Actor | None, contract: Contract, agreement: SpecialAgreement) -> None:
    session.add(SpecialAgreementRow(
        contract_id=contract.id, subject=agreement.subject, option_id=agreement.option_id,
        monthly_fee=agreement.monthly_fee, condition=agreement.condition, document=agreement.document,
        document_number=agreement.document_number, from_month=agreement.from_month,
        until_month=agreement.until_month, recorded_by_id=actor.user_id if actor else None))

"""How a contract ends: the customer's cancellation (解約: SC §23, SH §26), its taking effect, the
company's termination (強制解約: SC §24, §26; SH §27, §36) and the death of an individual (SH
§20.2) (terms-rules.md §3, §4, §7, §10).

Every ending records a ``contract_endings`` row (an earlier one it replaces is marked
superseded), the contract's last billable month and end day, ends its plan and option periods
with it (SH §6.2–3), records the early-termination fee once as a one-time charge when it ends
inside the plan's minimum term (SH §18, per contract), and calls the ending hooks
(services.contracts.hooks: the equipment issue's returns).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings, Contract, ContractEnding, ContractNumber, OneTimeCharge, Plan
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import date_type_problem
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract import ContractAction, ContractStatus
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month
from reseller_desk.domain.contract_notices import CancellationDetails, TerminationDetails
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.lifecycle import EQUIPMENT_RETURN_NOTE, early_termination_fee, service_data_deletion_due
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_note
from reseller_desk.services import contract_notices
from reseller_desk.services.contracts import history, hooks
from reseller_desk.services.contracts.acting import (
    audit_contract,
    changing,
    company_calendar,
    customer_of,
    day_problems,
    done,
    load,
    load_for_change,
    month_reach_problem,
    month_text,
    note_problem,
    planned_date_problem,
    profile_of,
    refuse_if,
    require_move,
)
from reseller_desk.services.contracts.results import ActionResult, CancellationPreview, Ground, TerminationTerms
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

CANCELLATION, TERMINATION, DEATH = "cancellation", "termination", "death"
SOURCE = "contract_ending"


# -- what an ending owes and schedules ------------------------------------------------------------
def _plan(session: Session, contract: Contract, month: dt.date) -> Plan | None:
    composition = history.composition_of(session, contract.id, month)
    period = history.running_plan_period(session, contract.id)
    plan_id = composition.plan_id if composition else (period.plan_id if period else None)
    return session.get(Plan, plan_id) if plan_id is not None else None


def _fee(session: Session, contract: Contract, profile: TermsProfile, last_billable: dt.date) -> tuple[int, str]:
    """The 契約解除料 and the sentence that explains it (SH §18), or (0, "")."""
    plan = _plan(session, contract, last_billable)
    if plan is None:
        return 0, ""
    fee = early_termination_fee(plan.minimum_term_months, plan.early_termination_fee, contract.first_billable_month,
                                last_billable)
    if not fee:
        return 0, ""
    return fee, (f"最低利用期間（{plan.minimum_term_months}か月）内の契約終了のため、契約解除料がかかります"
                 f"（{printed_clause(profile.cancellation.minimum_term_clause)}）。")


def _deletion_note(profile: TermsProfile, due: dt.date | None) -> str:
    if due is None:
        return ""
    return (f"{japanese_date(due)}の解約日に、本サービスの設定データ及び履歴データを自動的に削除します"
            f"（{printed_clause(profile.cancellation.clause)}）。必要なデータは解約日までにお客様ご自身で保存してください。"
            "請求・お支払いの記録は法令の定める期間保存します。")


def _preview(session: Session, contract: Contract, profile: TermsProfile, requested_on: dt.date,
             desired_month: dt.date | None) -> CancellationPreview:
    calendar = company_calendar(session)
    effective_on = rules.cancellation_date(profile, calendar, requested_on, desired_month)
    earliest = rules.earliest_cancellation_month(profile, calendar, requested_on)
    problem = (rules.cancellation_month_problem(profile, calendar, requested_on, desired_month)
               if desired_month is not None else None)
    last_billable = rules.last_billable_month(effective_on)
    fee, fee_note = _fee(session, contract, profile, last_billable)
    return CancellationPreview(effective_on, last_billable, earliest, problem, fee, fee_note,
                               service_data_deletion_due(profile, effective_on),
                               EQUIPMENT_RETURN_NOTE)


def _cancellation_problems(contract: Contract, requested_on: object, desired_month: object,
                           today: dt.date) -> dict[str, str]:
    problems = day_problems(today, requested_on=(requested_on, "解約の受付日"))
    if not problems and isinstance(requested_on, dt.date) and requested_on < contract.formed_on:
        problems["requested_on"] = (f"解約の受付日は契約成立日（{japanese_date(contract.formed_on)}）"
                                    "より前にできません。")
    if desired_month is not None and (p := planned_date_problem(desired_month, today, "解約希望月", years=2)):
        problems["desired_month"] = p
    return problems


def preview_cancellation(db: Database, contract_id: int, *, requested_on: dt.date,
                         desired_month: dt.date | None = None, today: dt.date | None = None) -> CancellationPreview:
    """What accepting a cancellation received on ``requested_on`` for ``desired_month`` (any day
    of it; None: the earliest possible) would record; writes nothing. Bad dates are refused
    (ValidationFailed) as accepting would refuse them; a month too early, or too far ahead for
    accepting to take it (more than two years), is ``problem``."""
    for value, label, field in ((requested_on, "解約の受付日", "requested_on"),
                                (desired_month, "解約希望月", "desired_month")):
        if (value is not None or field == "requested_on") and (p := date_type_problem(value, label)):
            raise ValidationFailed({field: p})
    month = first_of_month(desired_month) if desired_month is not None else None
    with db.transaction() as session:
        contract = load(session, contract_id)
        plan = _preview(session, contract, profile_of(session, contract), requested_on, month)
    if plan.problem is None and desired_month is not None:   # as accept_cancellation refuses it
        today = today or clock.today()
        too_far = (planned_date_problem(desired_month, today, "解約希望月", years=2)
                   or month_reach_problem(plan.effective_on, today, "解約希望月"))
        plan = dataclasses.replace(plan, problem=too_far)
    return plan


# -- recording an ending ---------------------------------------------------------------------------
def _release_numbers(session: Session, contract: Contract, on: dt.date) -> None:
    session.execute(update(ContractNumber).where(ContractNumber.contract_id == contract.id,
                                                 ContractNumber.released_on.is_(None)).values(released_on=on))


def _record_ending(session: Session, actor: Actor, contract: Contract, *, kind: str, requested_on: dt.date,
                   effective_on: dt.date, fee: int, fee_note: str, desired_month: dt.date | None = None,
                   grounds: tuple[str, str] = ("", ""), note: str = "", accelerated: bool = False,
                   deletion_due: dt.date | None = None) -> ContractEnding:
    last_billable = rules.last_billable_month(effective_on)
    for earlier in session.scalars(select(ContractEnding).where(ContractEnding.contract_id == contract.id,
                                                                ContractEnding.superseded.is_(False))):
        earlier.superseded = True
    ending = ContractEnding(contract_id=contract.id, kind=kind, requested_on=requested_on, desired_month=desired_month,
                            effective_on=effective_on, last_billable_month=last_billable, grounds_code=grounds[0],
                            grounds_text=grounds[1], note=note, early_termination_fee=fee, accelerated=accelerated,
                            service_data_deletion_due=deletion_due, taken_effect=kind != CANCELLATION,
                            recorded_by_id=actor.user_id)
    session.add(ending)
    session.flush()
    contract.last_billable_month, contract.ends_on = last_billable, effective_on
    if deletion_due is not None:
        contract.service_data_deletion_due = deletion_due
    history.end_periods(session, contract, last_billable)
    charged = session.scalars(select(OneTimeCharge).where(
        OneTimeCharge.contract_id == contract.id, OneTimeCharge.kind == ChargeKind.EARLY_TERMINATION)).first()
    if fee and charged is None:   # once per contract, whichever ending records it first
        company = session.get(CompanySettings, 1)
        session.add(OneTimeCharge(
            customer_id=contract.customer_id, terms_profile_id=contract.terms_profile_id, contract_id=contract.id,
            billing_month=last_billable, kind=ChargeKind.EARLY_TERMINATION,
            description=f"{ChargeKind.EARLY_TERMINATION.label}（{contract.customer_code}）", quantity=1,
            unit_amount=fee, amount=fee, tax_category=company.early_termination_tax if company else TaxCategory.OUTSIDE,
            source=SOURCE, source_id=ending.id, immediate=accelerated, note=fee_note, recorded_by_id=actor.user_id))
    if accelerated:   # SH §27.2: every open charge of the contract falls due at once
        contract.accelerated_on = effective_on
        session.execute(update(OneTimeCharge).where(OneTimeCharge.contract_id == contract.id,
                                                    OneTimeCharge.invoice_id.is_(None)).values(immediate=True))
    if kind != CANCELLATION:
        _release_numbers(session, contract, effective_on)
    session.flush()
    hooks.contract_ending(session, actor, contract, ending)
    return ending


@retried
def accept_cancellation(db: Database, actor: Actor, contract_id: int, *, requested_on: dt.date,
                        desired_month: dt.date | None = None, note: str = "", expected_version: int,
                        today: dt.date | None = None) -> ActionResult:
    """解約受付 → 解約予定: the effective day from the terms (SC §23: the end of the desired month
    when the request met its cutoff; SH §26.1: the day received), the last billable month, the
    early-termination fee inside the minimum term (SH §18), options ending with the contract,
    the data deletion due (SC §23) and the 解約受付通知書. A desired month too early is refused
    naming the cutoff and the earliest month."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="解約の受付")
    today = today or clock.today()
    if (p := note_problem(note, "メモ")):
        raise ValidationFailed({"note": p})
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.ACCEPT_CANCELLATION)
        refuse_if(_cancellation_problems(contract, requested_on, desired_month, today))
        month = first_of_month(desired_month) if desired_month is not None else None
        profile = profile_of(session, contract)
        plan = _preview(session, contract, profile, requested_on, month)
        problem = plan.problem or month_reach_problem(plan.effective_on, today, "解約希望月")
        if problem:
            raise ValidationFailed({"desired_month": problem})
        ending = _record_ending(session, actor, contract, kind=CANCELLATION, requested_on=requested_on,
                                desired_month=month, effective_on=plan.effective_on, fee=plan.early_termination_fee,
                                fee_note=plan.fee_note, note=clean_note(note),
                                deletion_due=plan.service_data_deletion_due)
        details = CancellationDetails(
            customer_code=contract.customer_code, requested_on=requested_on, effective_on=plan.effective_on,
            last_billable_month=plan.last_billable_month,
            cancellation_clause=printed_clause(profile.cancellation.clause),
            early_termination_fee=plan.early_termination_fee, fee_note=plan.fee_note,
            equipment_note=plan.equipment_note,
            data_deletion_note=_deletion_note(profile, plan.service_data_deletion_due), desired_month=month)
        notice = contract_notices.issue(session, actor, NoticeKind.CANCELLATION, contract, profile, today, details)
        history.change_status(session, actor, contract, ContractAction.ACCEPT_CANCELLATION,
                              ContractEventKind.CANCELLATION_ACCEPTED, effective_on=plan.effective_on,
                              reason=clean_note(note) or f"お客様からの解約の申出（{japanese_date(requested_on)}受付）",
                              notice_id=notice.id)
        audit_contract(session, actor, "contract.accept_cancellation", contract, "解約受付",
                       {"requested_on": requested_on, "effective_on": plan.effective_on, "ending_id": ending.id,
                        "last_billable_month": plan.last_billable_month, "fee": plan.early_termination_fee})
        fee = (f"契約解除料 {plan.early_termination_fee:,}円を最終請求に計上しました。"
               if plan.early_termination_fee else "")
        return done(session, contract, f"解約を受け付けました。解約日は{japanese_date(plan.effective_on)}、"
                                       f"最終請求月は{month_text(plan.last_billable_month)}です。{fee}", notice.id)


@retried
def complete_cancellations(db: Database, actor: Actor, *, today: dt.date | None = None) -> list[int]:
    """Every 解約予定 whose effective day has passed becomes 解約済 (its numbers released); the ids."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="解約の発効")
    today = today or clock.today()
    with changing(db, actor) as session:
        due = list(session.scalars(select(Contract).where(
            Contract.status == ContractStatus.CANCELLATION_SCHEDULED, Contract.ends_on < today).order_by(Contract.id)))
        for contract in due:
            assert contract.ends_on is not None
            history.change_status(session, actor, contract, ContractAction.CANCELLATION_TAKES_EFFECT,
                                  ContractEventKind.CANCELLED, effective_on=contract.ends_on, reason="解約日の到来")
            _release_numbers(session, contract, contract.ends_on)
            for ending in session.scalars(select(ContractEnding).where(
                    ContractEnding.contract_id == contract.id, ContractEnding.kind == CANCELLATION,
                    ContractEnding.superseded.is_(False))):
                ending.taken_effect = True
            audit_contract(session, actor, "contract.cancel", contract, "解約済", {"ends_on": contract.ends_on})
            done(session, contract, "")
        return [c.id for c in due]


# -- termination and death -------------------------------------------------------------------------
def termination_grounds(db: Database, contract_id: int) -> TerminationTerms:
    """The grounds of the contract's terms for a termination by the company, and what it means."""
    with db.transaction() as session:
        profile = profile_of(session, load(session, contract_id))
    t = profile.termination
    message = "強制解約は管理者だけが行えます。理由のメモが必要です。"
    if t.accelerates:
        message += ("お客様は期限の利益を失い、未払いの料金等はすべて直ちに支払期限となります"
                    f"（{printed_clause(t.acceleration_clause)}）。")
    grounds = tuple(Ground(g.code, g.text, g.clause) for g in t.grounds)
    return TerminationTerms(t.clause, t.accelerates, message, grounds)


def _ending_day_problems(contract: Contract, value: object, label: str, field: str, today: dt.date) -> None:
    problems = day_problems(today, **{field: (value, label)})
    if not problems and isinstance(value, dt.date) and value < contract.formed_on:
        problems[field] = f"{label}は契約成立日（{japanese_date(contract.formed_on)}）より前にできません。"
    refuse_if(problems)


@retried
def terminate_contract(db: Database, actor: Actor, contract_id: int, *, grounds_code: str, note: str,
                       effective_on: dt.date, expected_version: int, today: dt.date | None = None) -> ActionResult:
    """強制解約 (manager only, with a note) on one of the terms' grounds, effective on a day up to
    today: the last billable month is that day's month; inside the minimum term the fee (SH §18
    covers §27 and §36 too); where the terms accelerate (SH §27.2) every open charge of the
    contract falls due at once; the 契約解除通知書."""
    require_role(actor, Role.MANAGER, action="強制解約")
    today = today or clock.today()
    refuse_if({"note": p} if (p := note_problem(note, "強制解約の理由", required=True)) else {})
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.TERMINATE)
        _ending_day_problems(contract, effective_on, "解除日", "effective_on", today)
        profile = profile_of(session, contract)
        t = profile.termination
        ground = t.ground(grounds_code)
        if ground is None:
            raise ValidationFailed({"grounds_code": "解除の事由を一覧から選んでください。"})
        last_billable = rules.last_billable_month(effective_on)
        fee, fee_note = _fee(session, contract, profile, last_billable)
        _record_ending(session, actor, contract, kind=TERMINATION, requested_on=today, effective_on=effective_on,
                       fee=fee, fee_note=fee_note, grounds=(ground.code, ground.text), note=clean_note(note),
                       accelerated=t.accelerates)
        acceleration = (f"{printed_clause(t.acceleration_clause)}に該当したため、お客様は期限の利益を失い、"
                        "当社に対する一切の債務は直ちにお支払いいただくことになります。") if t.accelerates else ""
        details = TerminationDetails(contract.customer_code, ground.text, printed_clause(ground.clause), effective_on,
                                     last_billable, t.accelerates, acceleration, fee, fee_note, EQUIPMENT_RETURN_NOTE)
        notice = contract_notices.issue(session, actor, NoticeKind.TERMINATION, contract, profile, today, details)
        history.change_status(session, actor, contract, ContractAction.TERMINATE, ContractEventKind.TERMINATED,
                              effective_on=effective_on, reason=f"{ground.text}（{ground.clause}） {clean_note(note)}",
                              notice_id=notice.id)
        audit_contract(session, actor, "contract.terminate", contract, "強制解約",
                       {"grounds_code": ground.code, "effective_on": effective_on, "fee": fee,
                        "accelerated": t.accelerates, "note": clean_note(note)})
        return done(session, contract, f"{japanese_date(effective_on)}付で強制解約しました。"
                                       "契約解除通知書を発行しました。",
                    notice.id)


@retried
def record_death(db: Database, actor: Actor, contract_id: int, *, died_on: dt.date, note: str = "",
                 expected_version: int, today: dt.date | None = None) -> ActionResult:
    """The contract of an individual ends on the day of death (SH §20.2: 終了); refused for a 法人
    (a company's position passes by succession instead). No fee: SH §18 names §26, §27 and §36."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="死亡による終了")
    today = today or clock.today()
    refuse_if({"note": p} if (p := note_problem(note, "メモ")) else {})
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.DEATH)
        if customer_of(session, contract).kind != CustomerKind.INDIVIDUAL:
            raise ServiceError("法人のお客様の契約は死亡により終了しません。"
                               "合併などは「地位承継の届出」で記録してください。")
        _ending_day_problems(contract, died_on, "死亡日", "died_on", today)
        _record_ending(session, actor, contract, kind=DEATH, requested_on=today, effective_on=died_on, fee=0,
                       fee_note="", note=clean_note(note))
        history.change_status(session, actor, contract, ContractAction.DEATH, ContractEventKind.ENDED_BY_DEATH,
                              effective_on=died_on, reason=clean_note(note) or "契約者の死亡")
        audit_contract(session, actor, "contract.death", contract, "死亡による終了", {"died_on": died_on})
        return done(session, contract, f"契約者の死亡により、{japanese_date(died_on)}で契約を終了しました。")

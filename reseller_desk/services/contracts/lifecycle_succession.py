"""Succession to the customer's position (地位の承継, SH §20.1): the report with its date and the
deadline for proof (rules.succession_deadline: 30 days, the day itself not counted, a weekend or
holiday moving to the business day before), the letter asking for the papers, the list of those
waiting and overdue, and on receipt the contract moving to the successor with its history.

Terms without a succession clause (SC) refuse the report: the office handles it as the
cancellation of the contract and a new application by the successor.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, Customer, Succession
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.contract import LIVE_STATUSES
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.domain.contract_notices import SuccessionRequestDetails
from reseller_desk.domain.lifecycle import SuccessionKind
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.text import clean_line, clean_note
from reseller_desk.services import contract_notices
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.acting import (
    audit_contract,
    changing,
    company_calendar,
    day_problems,
    done,
    load_for_change,
    note_problem,
    profile_of,
    refuse_if,
    text_problem,
)
from reseller_desk.services.contracts.results import ActionResult, SuccessionRow
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

WAITING, COMPLETED = "waiting", "completed"
SUCCESSOR_NAME_MAX = 60   # printed on the letter like a customer's name (domain.bounds)


def _live(contract: Contract, action: str) -> None:
    if contract.status not in LIVE_STATUSES:
        raise ServiceError(f"契約は「{contract.status.label}」で終わっているため、{action}はできません。")


@retried
def report_succession(db: Database, actor: Actor, contract_id: int, *, kind: SuccessionKind | str,
                      succeeded_on: dt.date, successor_name: str, note: str = "", expected_version: int,
                      today: dt.date | None = None) -> ActionResult:
    """Record a succession (合併, 会社分割, 事業譲渡, 相続) on ``succeeded_on`` by ``successor_name``,
    with the deadline for proof, and issue the 地位承継届出のお願い (the deadline, the papers)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="地位承継の届出")
    today = today or clock.today()
    problems = day_problems(today, succeeded_on=(succeeded_on, "承継日"))
    for field, problem in (("successor_name", text_problem(successor_name, "承継者の名称", SUCCESSOR_NAME_MAX,
                                                             required=True)), ("note", note_problem(note, "メモ"))):
        if problem:
            problems[field] = problem
    if kind not in [k.value for k in SuccessionKind]:
        problems["kind"] = "承継の種類を一覧から選んでください。"
    refuse_if(problems)
    succession_kind = SuccessionKind(kind)
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "地位承継の届出")
        profile = profile_of(session, contract)
        if profile.succession is None:
            raise ServiceError(f"{profile.name}の規約には地位の承継の定めがありません。"
                               "この契約の解約と、承継者からの新しい申込として手続きしてください。")
        if succession_kind is SuccessionKind.INHERITANCE and profile.succession.death_ends_contract:
            raise ValidationFailed({"kind": f"{profile.name}の規約（{printed_clause(profile.succession.death_clause)}）"
                                            "では、個人のご契約は契約者の死亡により終了し、相続されません。"
                                            "「死亡による終了」で手続きしてください。"})
        if succeeded_on < contract.formed_on:
            raise ValidationFailed({"succeeded_on": f"承継日は契約成立日（{japanese_date(contract.formed_on)}）"
                                                    "より前にできません。"})
        if session.scalars(select(Succession).where(Succession.contract_id == contract.id,
                                                    Succession.state == WAITING)).first() is not None:
            raise ServiceError("この契約には書類待ちの地位承継がすでにあります。")
        deadline = rules.succession_deadline(profile, company_calendar(session), succeeded_on)
        name = clean_line(successor_name)
        row = Succession(contract_id=contract.id, kind=succession_kind.value, succeeded_on=succeeded_on,
                         successor_name=name, previous_customer_id=contract.customer_id, proof_deadline=deadline,
                         state=WAITING, note=clean_note(note), recorded_by_id=actor.user_id)
        session.add(row)
        session.flush()
        details = SuccessionRequestDetails(contract.customer_code, succession_kind.label, succeeded_on, name, deadline,
                                           succession_kind.documents, printed_clause(profile.succession.clause))
        notice = contract_notices.issue(session, actor, NoticeKind.SUCCESSION_REQUEST, contract, profile, today,
                                        details)
        row.notice_id = notice.id
        history.record_event(session, actor, contract, ContractEventKind.SUCCESSION_REPORTED, effective_on=succeeded_on,
                             reason=f"{succession_kind.label}（承継者: {name}） 書類の期限 {japanese_date(deadline)}",
                             notice_id=notice.id)
        audit_contract(session, actor, "contract.report_succession", contract, "地位承継の届出",
                       {"succession_id": row.id, "kind": succession_kind.value, "succeeded_on": succeeded_on,
                        "proof_deadline": deadline, "successor_name": name})
        return done(session, contract, f"地位承継（{succession_kind.label}）を記録しました。"
                                       f"書類の期限は{japanese_date(deadline)}です。"
                                       "地位承継届出のお願いを発行しました。", notice.id)


@retried
def complete_succession(db: Database, actor: Actor, succession_id: int, *, documents_received_on: dt.date,
                        successor_customer_id: int, expected_version: int,
                        today: dt.date | None = None) -> ActionResult:
    """The papers arrived: the contract moves to the successor customer with its whole history
    (periods, numbers, timeline stay the contract's). ``expected_version``: the contract's."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="地位承継の完了")
    today = today or clock.today()
    refuse_if(day_problems(today, documents_received_on=(documents_received_on, "書類の受領日")))
    with changing(db, actor) as session:
        row = session.get(Succession, succession_id) if is_record_id(succession_id) else None
        if row is None:
            raise NotFound("指定された地位承継は見つかりません。")
        contract = load_for_change(session, row.contract_id, expected_version)
        if row.state != WAITING:
            raise ServiceError("この地位承継はすでに完了しています。")
        _live(contract, "地位承継")
        if documents_received_on < row.succeeded_on:
            raise ValidationFailed({"documents_received_on": "書類の受領日は承継日より前にできません。"})
        successor = session.get(Customer, successor_customer_id) if is_record_id(successor_customer_id) else None
        if successor is None:
            raise ValidationFailed({"successor_customer_id": "承継者を顧客台帳から選んでください。"})
        if successor.id == contract.customer_id:
            raise ValidationFailed({"successor_customer_id": "承継者が今の契約者と同じです。"})
        previous = contract.customer_id
        row.state, row.documents_received_on, row.successor_customer_id = COMPLETED, documents_received_on, successor.id
        contract.customer_id = successor.id
        history.record_event(session, actor, contract, ContractEventKind.SUCCESSION_COMPLETED,
                             effective_on=row.succeeded_on,
                             reason=f"{SuccessionKind(row.kind).label}により {successor.name} へ承継"
                                    f"（書類受領 {japanese_date(documents_received_on)}）")
        audit_contract(session, actor, "contract.complete_succession", contract, "地位承継",
                       {"succession_id": row.id, "from_customer_id": previous, "to_customer_id": successor.id})
        return done(session, contract, f"契約を {successor.name} に承継しました。")


def list_successions(db: Database, *, today: dt.date | None = None) -> list[SuccessionRow]:
    """Successions waiting for their papers, the nearest deadline first (overdue ones first)."""
    today = today or clock.today()
    with db.transaction() as session:
        rows = session.execute(
            select(Succession, Contract, Customer).join(Contract, Contract.id == Succession.contract_id)
            .join(Customer, Customer.id == Contract.customer_id).where(Succession.state == WAITING)
            .order_by(Succession.proof_deadline, Succession.id)).all()
        return [SuccessionRow(s.id, c.id, c.customer_code, customer.name, s.kind, SuccessionKind(s.kind).label,
                              s.succeeded_on, s.successor_name, s.proof_deadline, (s.proof_deadline - today).days,
                              s.proof_deadline < today, c.row_version) for s, c, customer in rows]

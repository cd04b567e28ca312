"""Suspension by the company (利用停止) and resuming (利用再開): SC §9.9, §9.12–13, §13, §24.1–2;
SH §23 (terms-rules.md §7).

Where the terms require the customer to be told beforehand (SH §23.2: the reason, the start date
and the period) the suspension is first *scheduled*, with the 利用停止予告通知書 issued the day it
is entered, and cannot start before a later day; only a manager may start one at once as an
emergency, with a note (SH §23.2 但し書). Where they do not (SC §24.1: 事前に通知することなく)
it starts on the day given: at once when that day has come, else when it comes. Starting issues
the 利用停止通知書, resuming the 利用再開通知書. A suspension for non-payment lasts until paid.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, Suspension
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.contract import ContractAction
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.domain.contract_notices import ResumptionDetails, SuspensionDetails
from reseller_desk.domain.lifecycle import planned_end_problem, suspension_period_text, suspension_start_problem
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_line, clean_note
from reseller_desk.services import contract_notices
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.acting import (
    audit_contract,
    changing,
    day_problems,
    done,
    load,
    load_for_change,
    note_problem,
    planned_date_problem,
    profile_of,
    refuse_if,
    require_move,
    text_problem,
)
from reseller_desk.services.contracts.results import ActionResult, Reason, SuspensionTerms
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

SCHEDULED, ACTIVE, ENDED, WITHDRAWN = "scheduled", "active", "ended", "withdrawn"
PERIOD_TEXT_MAX = 100   # suspensions.period_text
#: The period as typed: the stored one puts "YYYY年MM月DD日まで（…）" around it when there is an end
#: date (domain.lifecycle.suspension_period_text), and must still fit its column.
PERIOD_TYPED_MAX = PERIOD_TEXT_MAX - len("2000年12月31日まで（）")


def suspension_terms(db: Database, contract_id: int) -> SuspensionTerms:
    """What the suspend dialog of this contract shows (its profile's [suspension])."""
    with db.transaction() as session:
        profile = profile_of(session, load(session, contract_id))
    rules = profile.suspension
    clause = printed_clause(rules.clause)
    if rules.notice_required:
        message = (f"{profile.name}の規約（{clause}）により、利用停止の理由・開始日・期間を"
                   "あらかじめお客様に通知します。"
                   "予告通知書を本日発行し、開始日は翌日以降になります（緊急の場合は管理者がメモを付けて直ちに停止できます）。")
    else:
        message = (f"{profile.name}の規約（{clause}）では、事前の通知なく利用停止できます。予告通知書は不要です。"
                   "開始日に利用停止通知書を発行します。")
    if rules.charges_continue:
        message += "利用停止中も月額料金はかかり、返金はありません。"
    return SuspensionTerms(rules.notice_required, rules.clause, message,
                           tuple(Reason(r.code, r.text, r.clause, r.until_paid) for r in rules.reasons))


def _pending(session: Session, contract: Contract, state: str) -> Suspension | None:
    return session.scalars(select(Suspension).where(Suspension.contract_id == contract.id, Suspension.state == state)
                           .order_by(Suspension.id.desc())).first()


def _details(profile: TermsProfile, contract: Contract, s: Suspension, starts_on: dt.date) -> SuspensionDetails:
    rules = profile.suspension
    return SuspensionDetails(
        customer_code=contract.customer_code, reason_text=s.reason_text, reason_clause=printed_clause(s.clause),
        starts_on=starts_on, period_text=s.period_text, charges_continue=rules.charges_continue,
        emergency=s.emergency, noticed_on=s.noticed_on, notice_clause=printed_clause(rules.clause))


def _start(session: Session, actor: Actor, contract: Contract, profile: TermsProfile, s: Suspension, *,
           started_on: dt.date, today: dt.date) -> ActionResult:
    """The suspension begins on ``started_on``: 利用停止, with the 利用停止通知書 issued today."""
    s.state, s.started_on = ACTIVE, started_on
    notice = contract_notices.issue(session, actor, NoticeKind.SUSPENSION, contract, profile, today,
                                    _details(profile, contract, s, started_on))
    reason = f"{s.reason_text}（{s.clause}）" + (f" 緊急: {s.emergency_note}" if s.emergency else "")
    history.change_status(session, actor, contract, ContractAction.SUSPEND, ContractEventKind.SUSPENDED,
                          effective_on=started_on, reason=reason, notice_id=notice.id)
    audit_contract(session, actor, "contract.suspend", contract, "利用停止",
                   {"reason_code": s.reason_code, "started_on": started_on, "emergency": s.emergency})
    return done(session, contract, f"{japanese_date(started_on)}から利用停止にしました。利用停止通知書を発行しました。",
                notice.id)


@retried
def suspend_contract(db: Database, actor: Actor, contract_id: int, *, reason_code: str, starts_on: dt.date,
                     planned_end_on: dt.date | None = None, period_text: str = "", emergency_note: str = "",
                     expected_version: int, today: dt.date | None = None) -> ActionResult:
    """利用停止 of a 利用中 contract for one of its terms' reasons (see the module's docstring).
    An ``emergency_note`` makes it an emergency (manager only): no notice beforehand even where
    the terms require one. ``planned_end_on`` / ``period_text``: the period told to the customer;
    a reason that lasts until paid has no end date."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="利用停止")
    today = today or clock.today()
    refuse_if({k: v for k, v in {
        "period_text": text_problem(period_text, "期間", PERIOD_TYPED_MAX),
        "emergency_note": note_problem(emergency_note, "緊急の理由"),
        "starts_on": planned_date_problem(starts_on, today, "利用停止の開始日"),
        "planned_end_on": None if planned_end_on is None else planned_date_problem(planned_end_on, today,
                                                                                   "終了予定日", years=2),
    }.items() if v})
    emergency_text, period = clean_note(emergency_note), clean_line(period_text)
    emergency = bool(emergency_text)
    if emergency:
        require_role(actor, Role.MANAGER, action="緊急の利用停止")
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.SUSPEND)
        waiting = _pending(session, contract, SCHEDULED)
        if waiting is not None:
            raise ServiceError(f"{japanese_date(waiting.starts_on)}開始の利用停止がすでに予定されています。"
                               "変更するときは、予定を取りやめてから入力し直してください。")
        profile = profile_of(session, contract)
        rules = profile.suspension
        reason = rules.reason(reason_code)
        if reason is None:
            raise ValidationFailed({"reason_code": "利用停止の事由を一覧から選んでください。"})
        notice_first = rules.notice_required and not emergency
        noticed_on = today if notice_first else None
        problems = {k: v for k, v in {
            "starts_on": suspension_start_problem(starts_on, noticed_on=noticed_on, formed_on=contract.formed_on),
            "planned_end_on": planned_end_problem(starts_on, planned_end_on, until_paid=reason.until_paid),
        }.items() if v}
        if notice_first and not reason.until_paid and planned_end_on is None and not period:
            problems["period_text"] = "予告には期間を記載します。終了予定日か期間を入力してください。"
        refuse_if(problems)
        s = Suspension(contract_id=contract.id, reason_code=reason.code, reason_text=reason.text,
                       clause=reason.clause, state=SCHEDULED, noticed_on=noticed_on, starts_on=starts_on,
                       planned_end_on=planned_end_on, emergency=emergency, emergency_note=emergency_text,
                       period_text=suspension_period_text(planned_end_on, period, until_paid=reason.until_paid),
                       recorded_by_id=actor.user_id)
        session.add(s)
        session.flush()
        if not notice_first and starts_on <= today:
            return _start(session, actor, contract, profile, s, started_on=starts_on, today=today)
        notice_id = None
        if notice_first:
            notice = contract_notices.issue(session, actor, NoticeKind.SUSPENSION_NOTICE, contract, profile, today,
                                            _details(profile, contract, s, starts_on))
            s.notice_id = notice_id = notice.id
        history.record_event(session, actor, contract,
                             ContractEventKind.SUSPENSION_NOTICED if notice_first else ContractEventKind.NOTE,
                             effective_on=starts_on, notice_id=notice_id,
                             reason=f"利用停止の予定: {reason.text}（{reason.clause}） 期間: {s.period_text}")
        audit_contract(session, actor, "contract.schedule_suspension", contract, "利用停止の予定",
                       {"reason_code": reason.code, "starts_on": starts_on, "noticed_on": noticed_on})
        told = "利用停止予告通知書を発行しました。" if notice_first else ""
        return done(session, contract, f"{japanese_date(starts_on)}からの利用停止を予定しました。{told}", notice_id)


@retried
def start_suspension(db: Database, actor: Actor, contract_id: int, *, expected_version: int,
                     today: dt.date | None = None) -> ActionResult:
    """Start the scheduled suspension on or after its day (never before: SH §23.2, the day
    told to the customer), issuing the 利用停止通知書."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="利用停止の開始")
    today = today or clock.today()
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        s = _pending(session, contract, SCHEDULED)
        if s is None:
            raise ServiceError("予定されている利用停止がありません。")
        if today < s.starts_on:
            raise ServiceError(f"この利用停止は{japanese_date(s.starts_on)}から開始できます"
                               "（お客様にお知らせした開始日より前には停止できません）。")
        require_move(contract, ContractAction.SUSPEND)
        return _start(session, actor, contract, profile_of(session, contract), s, started_on=today, today=today)


@retried
def withdraw_suspension(db: Database, actor: Actor, contract_id: int, *, note: str, expected_version: int,
                        today: dt.date | None = None) -> ActionResult:
    """Call off the scheduled suspension (paid meanwhile, resolved), with a note why."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="利用停止の取りやめ")
    today = today or clock.today()
    refuse_if({"note": p} if (p := note_problem(note, "取りやめの理由", required=True)) else {})
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        s = _pending(session, contract, SCHEDULED)
        if s is None:
            raise ServiceError("取りやめる利用停止の予定がありません（開始済みの利用停止は「利用再開」で終えます）。")
        s.state = WITHDRAWN
        history.record_event(session, actor, contract, ContractEventKind.SUSPENSION_WITHDRAWN, effective_on=today,
                             reason=clean_note(note))
        audit_contract(session, actor, "contract.withdraw_suspension", contract, "利用停止の取りやめ",
                       {"suspension_id": s.id, "note": clean_note(note)})
        return done(session, contract, f"{japanese_date(s.starts_on)}からの利用停止の予定を取りやめました。")


@retried
def resume_contract(db: Database, actor: Actor, contract_id: int, *, resumed_on: dt.date, note: str = "",
                    expected_version: int, today: dt.date | None = None) -> ActionResult:
    """利用再開 of a 利用停止 contract from ``resumed_on``, issuing the 利用再開通知書."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="利用再開")
    today = today or clock.today()
    problems = day_problems(today, resumed_on=(resumed_on, "利用再開日"))
    if (p := note_problem(note, "メモ")):
        problems["note"] = p
    refuse_if(problems)
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.RESUME)
        s = _pending(session, contract, ACTIVE)
        if s is None or s.started_on is None:   # every SUSPENDED contract has one
            raise ServiceError("利用停止の記録が見つかりません。")
        if resumed_on < s.started_on:
            raise ValidationFailed({"resumed_on": f"利用再開日は利用停止の開始日（{japanese_date(s.started_on)}）"
                                                  "より前にできません。"})
        s.state, s.resumed_on = ENDED, resumed_on
        profile = profile_of(session, contract)
        notice = contract_notices.issue(session, actor, NoticeKind.RESUMPTION, contract, profile, today,
                                        ResumptionDetails(contract.customer_code, s.started_on, resumed_on,
                                                          s.reason_text))
        history.change_status(session, actor, contract, ContractAction.RESUME, ContractEventKind.RESUMED,
                              effective_on=resumed_on, reason=clean_note(note) or f"利用停止（{s.reason_text}）の解除",
                              notice_id=notice.id)
        audit_contract(session, actor, "contract.resume", contract, "利用再開", {"resumed_on": resumed_on})
        return done(session, contract, f"{japanese_date(resumed_on)}から利用を再開しました。"
                                       "利用再開通知書を発行しました。",
                    notice.id)


__all__ = ["resume_contract", "start_suspension", "suspend_contract", "suspension_terms",
           "withdraw_suspension"]

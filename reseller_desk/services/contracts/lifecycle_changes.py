"""Changes during the contract, each from a month (terms-rules.md §3–4: SH §6.2–3, SC §1.3): プラン
変更, 回線数の増減, オプションの追加・終了, 特約, and the phone numbers (one per line, each held by
one live contract).

A change from month M closes the running period at M−1 and opens one at M (history.py); M is
the first of a month, not before the running period's start, and not after the contract's last
billable month once it is ending. Each change is an event on the timeline.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, ContractNumber, Plan, PlanOption, SpecialAgreementRow
from reseller_desk.domain.bounds import (
    MAX_FEE,
    MAX_LINES,
    MIN_LINES,
    NOTE_MAX_LENGTH,
    is_record_id,
    number_problem,
    whole_number,
)
from reseller_desk.domain.contract import LIVE_STATUSES
from reseller_desk.domain.contract_history import (
    AgreementDocument,
    AgreementSubject,
    ContractEventKind,
    SpecialAgreement,
    first_of_month,
    overlaps,
    period_problem,
)
from reseller_desk.domain.lifecycle import normalized_number
from reseller_desk.domain.text import clean_line, clean_note, is_visible, length_problem
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.acting import (
    audit_contract,
    billed_month_problem,
    changing,
    done,
    load_for_change,
    month_reach_problem,
    month_text,
    planned_date_problem,
    refuse_if,
)
from reseller_desk.services.contracts.results import ActionResult
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

DOCUMENT_NUMBER_MAX = 50   # special_agreements.document_number


def _month_problem(session: Session, contract: Contract, month: object, today: dt.date, field: str,
                   label: str) -> None:
    """Refuse a month a change cannot start from (see the module's docstring)."""
    problem = planned_date_problem(month, today, label, years=2) or period_problem(month, None)  # type: ignore[arg-type]
    if problem is None:
        assert isinstance(month, dt.date)
        running = history.running_plan_period(session, contract.id)
        if running is not None and month < running.from_month:
            problem = f"{label}は今のプランの開始月（{month_text(running.from_month)}）より前にできません。"
        elif contract.last_billable_month is not None and month > contract.last_billable_month:
            problem = f"{label}は最終請求月（{month_text(contract.last_billable_month)}）より後にできません。"
        else:
            problem = billed_month_problem(session, contract, first_of_month(month), label)
    refuse_if({field: problem} if problem else {})


def _live(contract: Contract, action: str) -> None:
    if contract.status not in LIVE_STATUSES:
        raise ServiceError(f"契約は「{contract.status.label}」で終わっているため、{action}はできません。")


def _plan_of_profile(session: Session, contract: Contract, plan_id: object) -> Plan:
    plan = session.get(Plan, plan_id) if is_record_id(plan_id) else None
    if plan is None or plan.terms_profile_id != contract.terms_profile_id:
        raise ValidationFailed({"plan_id": "この契約のサービスのプランを選んでください。"})
    return plan


def _option_of_profile(session: Session, contract: Contract, option_id: object) -> PlanOption:
    option = session.get(PlanOption, option_id) if is_record_id(option_id) else None
    if option is None or option.terms_profile_id != contract.terms_profile_id:
        raise ValidationFailed({"option_id": "この契約のサービスのオプションを選んでください。"})
    return option


def _running(session: Session, contract: Contract) -> tuple[int, int]:
    period = history.running_plan_period(session, contract.id)
    if period is None:  # every contract starts with one
        raise ServiceError(f"契約 {contract.customer_code} のプランの記録がありません。")
    return period.plan_id, period.lines


@retried
def change_plan(db: Database, actor: Actor, contract_id: int, *, plan_id: int, from_month: dt.date,
                expected_version: int, today: dt.date | None = None) -> ActionResult:
    """プラン変更 from ``from_month`` to another plan of the same service; the lines stay."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="プラン変更")
    today = today or clock.today()
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "プラン変更")
        plan = _plan_of_profile(session, contract, plan_id)
        _month_problem(session, contract, from_month, today, "from_month", "変更月")
        current_plan, lines = _running(session, contract)
        if current_plan == plan.id:
            raise ValidationFailed({"plan_id": "今と同じプランです。"})
        history.change_plan_period(session, actor, contract, plan_id=plan.id, lines=lines, from_month=from_month)
        history.record_event(session, actor, contract, ContractEventKind.PLAN_CHANGED, effective_on=from_month,
                             reason=f"{plan.name}（{plan.code}）へ変更")
        audit_contract(session, actor, "contract.change_plan", contract, "プラン変更",
                       {"plan_id": plan.id, "from_month": from_month, "previous_plan_id": current_plan})
        return done(session, contract, f"{month_text(from_month)}から{plan.name}に変更しました。")


@retried
def change_lines(db: Database, actor: Actor, contract_id: int, *, lines: int, from_month: dt.date,
                 expected_version: int, today: dt.date | None = None) -> ActionResult:
    """回線数の増減 from ``from_month``; the plan stays."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="回線数の変更")
    today = today or clock.today()
    refuse_if({"lines": p} if (p := number_problem(lines, "回線数", MIN_LINES, MAX_LINES, "回線")) else {})
    count = whole_number(lines)
    assert count is not None
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "回線数の変更")
        _month_problem(session, contract, from_month, today, "from_month", "変更月")
        plan_id, current = _running(session, contract)
        if current == count:
            raise ValidationFailed({"lines": "今と同じ回線数です。"})
        held = session.scalar(select(func.count()).select_from(ContractNumber).where(
            ContractNumber.contract_id == contract.id, ContractNumber.released_on.is_(None))) or 0
        if count < held:
            raise ValidationFailed({"lines": f"電話番号が{held}件登録されています。"
                                             f"{count}回線にするには、先に番号を{held - count}件外してください。"})
        history.change_plan_period(session, actor, contract, plan_id=plan_id, lines=count, from_month=from_month)
        history.record_event(session, actor, contract, ContractEventKind.LINES_CHANGED, effective_on=from_month,
                             reason=f"{current}回線 → {count}回線")
        audit_contract(session, actor, "contract.change_lines", contract, "回線数変更",
                       {"lines": count, "from_month": from_month, "previous_lines": current})
        return done(session, contract, f"{month_text(from_month)}から{count}回線に変更しました。")


@retried
def add_option(db: Database, actor: Actor, contract_id: int, *, option_id: int, quantity: int, from_month: dt.date,
               expected_version: int, today: dt.date | None = None) -> ActionResult:
    """An option of the same service from ``from_month`` with ``quantity`` (an option already on the
    contract takes the new quantity from that month)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="オプションの追加")
    today = today or clock.today()
    refuse_if({"quantity": p} if (p := number_problem(quantity, "数量", 1, MAX_LINES)) else {})
    count = whole_number(quantity)
    assert count is not None
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "オプションの追加")
        option = _option_of_profile(session, contract, option_id)
        _month_problem(session, contract, from_month, today, "from_month", "開始月")
        running = history.running_option_period(session, contract.id, option.id)
        if running is not None and from_month < running.from_month:
            raise ValidationFailed({"from_month": f"開始月は今のオプションの開始月（{month_text(running.from_month)}）"
                                                  "より前にできません。"})
        if running is not None and running.quantity == count:
            raise ValidationFailed({"quantity": "このオプションはすでに同じ数量で付いています。"})
        history.set_option_period(session, actor, contract, option_id=option.id, quantity=count, from_month=from_month)
        history.record_event(session, actor, contract, ContractEventKind.OPTION_ADDED, effective_on=from_month,
                             reason=f"{option.name} × {count}")
        audit_contract(session, actor, "contract.add_option", contract, "オプション追加",
                       {"option_id": option.id, "quantity": count, "from_month": from_month})
        return done(session, contract, f"{month_text(from_month)}から{option.name}（{count}）を追加しました。")


@retried
def end_option(db: Database, actor: Actor, contract_id: int, *, option_id: int, last_month: dt.date,
               expected_version: int, today: dt.date | None = None) -> ActionResult:
    """The option ends after ``last_month`` (the last month it is billed)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="オプションの終了")
    today = today or clock.today()
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "オプションの終了")
        option = _option_of_profile(session, contract, option_id)
        problem = planned_date_problem(last_month, today, "最終月", years=2) or period_problem(last_month, None)
        running = history.running_option_period(session, contract.id, option.id)
        if problem is None and running is None:
            problem = "このオプションは付いていません。"
        if problem is None and running is not None and last_month < running.from_month:
            problem = f"最終月はオプションの開始月（{month_text(running.from_month)}）より前にできません。"
        effective = first_of_month(last_month + dt.timedelta(days=31)) if problem is None else None
        if effective is not None:   # the ending is dated the month after
            problem = (month_reach_problem(effective, today, "最終月")
                       or billed_month_problem(session, contract, effective, "終了の翌月"))
        refuse_if({"last_month": problem} if problem else {})
        assert running is not None and effective is not None
        running.until_month = last_month
        history.record_event(session, actor, contract, ContractEventKind.OPTION_ENDED, effective_on=effective,
                             reason=f"{option.name}（{month_text(last_month)}まで）")
        audit_contract(session, actor, "contract.end_option", contract, "オプション終了",
                       {"option_id": option.id, "last_month": last_month})
        return done(session, contract, f"{option.name}を{month_text(last_month)}で終了します。")


def _agreement_problems(session: Session, contract: Contract, a: object, today: dt.date) -> dict[str, str]:
    if not isinstance(a, SpecialAgreement) or not isinstance(a.subject, AgreementSubject) \
            or not isinstance(a.document, AgreementDocument) or not isinstance(a.document_number, str) \
            or not isinstance(a.condition, str):
        return {"agreement": "特約の内容を入力し直してください。"}
    problems: dict[str, str] = {}
    month = planned_date_problem(a.from_month, today, "開始月", years=2) or (
        a.until_month is not None and planned_date_problem(a.until_month, today, "終了月", years=2)) or \
        period_problem(a.from_month, a.until_month)
    if not month:
        month = billed_month_problem(session, contract, first_of_month(a.from_month), "開始月")
    if month:
        problems["from_month"] = month
    number = clean_line(a.document_number)
    if (p := length_problem(number, DOCUMENT_NUMBER_MAX, "書類番号")) or not is_visible(number):
        problems["document_number"] = p or "特約の根拠となる書類の番号を入力してください。"
    if (p := length_problem(clean_note(a.condition), NOTE_MAX_LENGTH, "特約の条件")):
        problems["condition"] = p
    if a.subject is AgreementSubject.CONDITION:
        if not is_visible(clean_note(a.condition)):
            problems["condition"] = "特約の条件を入力してください。"
        if a.monthly_fee is not None:   # a price is a subject of its own (プラン月額 / オプション月額)
            problems["monthly_fee"] = ("条件の特約には月額を入力しません。"
                                       "月額を変えるときは「プラン月額」か「オプション月額」を選んでください。")
    elif (p := number_problem(a.monthly_fee, "特約の月額", 0, MAX_FEE, "円")):
        problems["monthly_fee"] = p
    if a.subject is AgreementSubject.OPTION_MONTHLY_FEE:
        _option_of_profile(session, contract, a.option_id)
    if not problems:
        for other in session.scalars(select(SpecialAgreementRow).where(
                SpecialAgreementRow.contract_id == contract.id, SpecialAgreementRow.subject == a.subject,
                SpecialAgreementRow.option_id.is_(a.option_id) if a.option_id is None
                else SpecialAgreementRow.option_id == a.option_id)):
            if a.subject is not AgreementSubject.CONDITION and overlaps(a.from_month, a.until_month, other.from_month,
                                                                       other.until_month):
                problems["from_month"] = (f"同じ対象の特約（{other.document.label} {other.document_number}）と"
                                          "期間が重なっています。")
    return problems


@retried
def add_special_agreement(db: Database, actor: Actor, contract_id: int, *, agreement: SpecialAgreement,
                          expected_version: int, today: dt.date | None = None) -> ActionResult:
    """A 特約 (SC §1.3): a price or a condition for this contract, from its document, for months."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="特約の登録")
    today = today or clock.today()
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "特約の登録")
        refuse_if(_agreement_problems(session, contract, agreement, today))
        a = SpecialAgreement(agreement.subject, agreement.document, clean_line(agreement.document_number),
                             agreement.from_month, agreement.until_month, whole_number(agreement.monthly_fee),
                             agreement.option_id if agreement.subject is AgreementSubject.OPTION_MONTHLY_FEE else None,
                             clean_note(agreement.condition))
        history.add_agreement(session, actor, contract, a)
        until = f"〜{month_text(a.until_month)}" if a.until_month else "〜"
        what = f"月額 {a.monthly_fee:,}円" if a.monthly_fee is not None else a.condition[:50]
        history.record_event(session, actor, contract, ContractEventKind.AGREEMENT_ADDED, effective_on=a.from_month,
                             reason=f"{a.subject.label}: {what}（{a.source}、{month_text(a.from_month)}{until}）")
        audit_contract(session, actor, "contract.add_agreement", contract, "特約",
                       {"subject": a.subject.value, "monthly_fee": a.monthly_fee, "document": a.source,
                        "from_month": a.from_month, "until_month": a.until_month})
        return done(session, contract, f"特約を登録しました（{a.source}）。")


@retried
def set_numbers(db: Database, actor: Actor, contract_id: int, *, numbers: list[str], expected_version: int,
                today: dt.date | None = None) -> ActionResult:
    """The contract's phone numbers, one per line at most (digits; 全角 and hyphens accepted), each
    held by no other live contract. Numbers left out are released today, new ones assigned."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="電話番号の登録")
    today = today or clock.today()
    if not isinstance(numbers, (list, tuple)):
        raise ValidationFailed({"numbers": "電話番号を1行に1つずつ入力してください。"})
    wanted: list[str] = []
    for index, typed in enumerate(numbers, 1):
        number = normalized_number(typed)
        if number is None:
            raise ValidationFailed({"numbers": f"{index}行目の電話番号は、0から始まる10桁か11桁の数字で"
                                               "入力してください。"})
        if number in wanted:
            raise ValidationFailed({"numbers": f"電話番号 {number} が2回入力されています。"})
        wanted.append(number)
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        _live(contract, "電話番号の登録")
        _, lines = _running(session, contract)
        if len(wanted) > lines:
            raise ValidationFailed({"numbers": f"電話番号は回線数（{lines}回線）までです（{len(wanted)}件入力）。"})
        held = session.execute(select(ContractNumber.number, Contract.customer_code).join(
            Contract, Contract.id == ContractNumber.contract_id).where(
            ContractNumber.number.in_(wanted), ContractNumber.released_on.is_(None),
            ContractNumber.contract_id != contract.id)).first()
        if held is not None:
            raise ValidationFailed({"numbers": f"電話番号 {held[0]} は契約 {held[1]} で使用中です。"})
        current = {n.number: n for n in session.scalars(select(ContractNumber).where(
            ContractNumber.contract_id == contract.id, ContractNumber.released_on.is_(None)))}
        for number, row in current.items():
            if number not in wanted:
                row.released_on = today
        session.flush()
        for number in wanted:
            if number not in current:
                session.add(ContractNumber(contract_id=contract.id, number=number, assigned_on=today,
                                           recorded_by_id=actor.user_id))
        history.record_event(session, actor, contract, ContractEventKind.NOTE, effective_on=today,
                             reason="電話番号: " + ("、".join(wanted) or "なし"))
        audit_contract(session, actor, "contract.set_numbers", contract, "電話番号",
                       {"numbers": wanted, "previous": sorted(current)})
        return done(session, contract, f"電話番号を{len(wanted)}件登録しました。")


__all__ = ["add_option", "add_special_agreement", "change_lines", "change_plan", "end_option", "set_numbers"]

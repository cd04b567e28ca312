"""Returns of lent units when a contract ends (SH §13.4–6; terms-rules.md §8): the return requests
and their 機器返却のお願い, receiving a return (missing accessories and damage charged 不課税), loss,
and the late-return penalty charged once the return is complete (issue 11).

- :func:`contract_ended` (services.contracts.hooks, inside the ending's transaction): each unit
  lent to the contract is asked back (返却待ち), with the deadline (company setting, rolled as the
  profile says), the office as the place, and the penalty's base (services.equipment.penalties).
  An ending recorded again moves the open requests' deadline instead of adding requests.
- :func:`receive_return`, :func:`declare_lost`: close a request and the rental, move the unit
  (services.equipment.units), record the charges on the next invoice of the account.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    CompanySettings,
    Contract,
    ContractEnding,
    Customer,
    EquipmentAccessory,
    EquipmentModel,
    EquipmentUnit,
    Rental,
    ReturnedAccessory,
    ReturnRequest,
)
from reseller_desk.domain import rules
from reseller_desk.domain.charges import ChargeKind
from reseller_desk.domain.equipment import (
    DEFAULT_RETURN_DAYS,
    UnitAction,
    normalise_serial,
    return_deadline,
    serial_problem,
)
from reseller_desk.domain.staff import Role
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_note, is_visible
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import (
    changing,
    company_calendar,
    customer_of,
    day_problems,
    note_problem,
    profile_of,
    refuse_if,
)
from reseller_desk.services.equipment import units
from reseller_desk.services.equipment.penalties import (
    LOST,
    MAX_AMOUNT,
    OPEN,
    RETURNED,
    add_charge,
    computed_penalty,
    load_request,
    monthly_charges_at_end,
    open_group,
    set_amount,
)
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["AccessoryChoice", "ChargedItem", "ClosedReturn", "OpenReturn", "ReturnLookup", "contract_ended",
           "declare_lost", "find_return", "office_place", "open_returns", "receive_return"]

CONTRACT_ENDED = "contract_ended"


@dataclass(frozen=True)
class ChargedItem:
    description: str
    amount: int


@dataclass(frozen=True)
class ClosedReturn:
    """A return received or declared lost: what it charged (on the next invoice) and a message."""

    request_id: int
    serial: str
    status: str                      # returned / lost
    charges: tuple[ChargedItem, ...]
    penalty: int | None              # None: other units of the contract are still out
    message: str


# -- the contract ends ---------------------------------------------------------------------------
def office_place(company: CompanySettings | None) -> str:
    """Where units come back: the office's address and name (設定 → 会社情報)."""
    if company is None or not company.address:
        raise ServiceError("返却先に印刷する会社情報（住所）が未設定です。設定 > 会社情報 で登録してください。")
    postal = f"〒{company.postal_code} " if company.postal_code else ""
    return f"{postal}{company.address}\n{company.name}"


def contract_ended(session: Session, actor: Actor, contract: Contract, ending: ContractEnding) -> None:
    """services.contracts.hooks: a contract's ending asks for its lent units back — one request
    per open rental, the unit 返却待ち, and one 機器返却のお願い listing them. Recorded again (a
    later ending supersedes the earlier), the open requests take the new deadline and base, and
    a new letter says so. A contract with nothing lent: nothing."""
    from reseller_desk.services.equipment.return_notices import issue_return_request

    rentals = session.scalars(select(Rental).where(Rental.contract_id == contract.id, Rental.returned_on.is_(None))
                              .order_by(Rental.id)).all()
    if not rentals:
        return
    profile = profile_of(session, contract)
    company = session.get(CompanySettings, 1)
    days = company.equipment_return_days if company is not None else DEFAULT_RETURN_DAYS
    if profile.rental_return is not None:
        deadline = return_deadline(profile, company_calendar(session), ending.effective_on, days)
    else:   # lending is refused under such terms (domain.equipment.lending_problem); a unit out anyway comes back
        deadline = ending.effective_on + dt.timedelta(days=days)
    base = monthly_charges_at_end(session, contract, profile)
    place = office_place(company)
    today = clock.today()
    changed: list[ReturnRequest] = []
    for rental in rentals:
        request = session.scalars(select(ReturnRequest).where(ReturnRequest.unit_id == rental.unit_id,
                                                              ReturnRequest.status == OPEN)).first()
        unit = units.load_unit(session, rental.unit_id)
        if request is not None and request.rental_id == rental.id:
            if (request.deadline, request.monthly_charges) != (deadline, base):
                before = {"deadline": request.deadline, "monthly_charges": request.monthly_charges}
                request.deadline, request.monthly_charges, request.place = deadline, base, place
                session.flush()
                audit.record(session, actor, "return_request.deadline", "return_request", request.id, before=before,
                             after={"deadline": deadline, "monthly_charges": base},
                             summary=f"返却期限の変更 {unit.serial_number}（{contract.customer_code}）",
                             customer_id=contract.customer_id)
                changed.append(request)
            continue
        request = ReturnRequest(unit_id=unit.id, contract_id=contract.id, reason=CONTRACT_ENDED, rental_id=rental.id,
                                requested_on=today, deadline=deadline, place=place, monthly_charges=base,
                                recorded_by_id=actor.user_id)
        session.add(request)
        units.move(session, actor, unit, UnitAction.REQUEST_RETURN, today, contract_id=contract.id,
                   note=f"契約終了（{ending.effective_on:%Y-%m-%d}）", customer_id=contract.customer_id)
        session.flush()
        audit.record(session, actor, "return_request.create", "return_request", request.id,
                     after={"serial_number": unit.serial_number, "deadline": deadline, "monthly_charges": base},
                     summary=f"機器の返却依頼 {unit.serial_number}"
                             f"（{contract.customer_code}、期限 {deadline:%Y-%m-%d}）",
                     customer_id=contract.customer_id)
        changed.append(request)
    if changed:
        issue_return_request(session, actor, contract, profile, open_group(session, contract.id), today)


# -- closing a return ------------------------------------------------------------------------------
def _request_for(session: Session, which: object) -> ReturnRequest:
    """The open request of a request id, or of a unit's serial number (scanned or typed)."""
    if isinstance(which, str):
        if serial_problem(which):
            raise NotFound(f"製造番号を確かめてください: {serial_problem(which)}")
        unit = units.unit_by_serial(session, normalise_serial(which))
        if unit is None:
            raise NotFound(f"製造番号 {normalise_serial(which)} の機器は登録されていません。")
        request = session.scalars(select(ReturnRequest).where(ReturnRequest.unit_id == unit.id,
                                                              ReturnRequest.status == OPEN)).first()
        if request is None:
            raise NotFound(f"機器 {unit.serial_number} は返却待ちではありません（{unit.status.label}）。")
        return request
    request = load_request(session, which)
    if request.status != OPEN:
        raise ServiceError("この返却はすでに処理済みです。一覧を読み込み直してください。")
    return request


def _context(session: Session, request: ReturnRequest) -> tuple[Contract, EquipmentUnit, EquipmentModel]:
    contract = session.get(Contract, request.contract_id)
    unit = session.get(EquipmentUnit, request.unit_id)
    assert contract is not None and unit is not None  # the foreign keys say so
    model = session.get(EquipmentModel, unit.model_id)
    assert model is not None
    return contract, unit, model


def _close(session: Session, actor: Actor, request: ReturnRequest, contract: Contract, on: dt.date,
           status: str) -> int | None:
    """Close ``request`` and its rental on ``on``; when it was the contract's last open return,
    charge the late-return penalty once (the manager's amount if set). The penalty, or None while
    other units of the contract are out."""
    group = open_group(session, contract.id) if request.reason == CONTRACT_ENDED else []
    request.status, request.closed_on = status, on
    if request.rental_id is not None:
        rental = session.get(Rental, request.rental_id)
        if rental is not None and rental.returned_on is None:
            rental.returned_on = on
    if request.reason != CONTRACT_ENDED or any(r.id != request.id for r in group):
        session.flush()
        return None
    profile = profile_of(session, contract)
    # the return is complete on the latest day any of the contract's units came back (SH §13.5)
    latest = session.scalar(select(func.max(ReturnRequest.closed_on)).where(
        ReturnRequest.contract_id == contract.id, ReturnRequest.reason == CONTRACT_ENDED,
        ReturnRequest.id != request.id, ReturnRequest.requested_on >= min(r.requested_on for r in group)))
    complete = max(on, latest) if latest else on
    computed = computed_penalty(profile, group, complete)
    chosen = set_amount(group)
    amount = computed if chosen is None else chosen
    request.penalty_computed, request.penalty_charged = computed, amount
    if amount:
        months = rules.late_return_months(min(r.deadline for r in group), complete)
        add_charge(session, actor, contract, request, on, ChargeKind.LATE_RETURN_PENALTY,
                   f"機器返却遅延損害金（{contract.customer_code}、{months}カ月）", amount,
                   note=request.penalty_reason)
    session.flush()
    return amount


def _on_problems(on: object, today: dt.date, label: str, earliest: dt.date | None) -> None:
    problems = day_problems(today, on=(on, label))
    if not problems and earliest is not None and isinstance(on, dt.date) and on < earliest:
        problems["on"] = f"{label}は貸出日（{earliest:%Y年%m月%d日}）より前にはできません。"
    refuse_if(problems)


def _penalty_text(penalty: int | None) -> str:
    if penalty is None:
        return "同じ契約の他の機器が未返却のため、遅延損害金は全台の返却後に計上します。"
    return f"遅延損害金 {penalty:,}円を次回の請求に計上しました。" if penalty else "遅延損害金はありません。"


@retried
def receive_return(db: Database, actor: Actor, which: int | str, on: dt.date, accessories_returned: Collection[int],
                   damage_note: str = "", repair_cost: int = 0, *, today: dt.date | None = None) -> ClosedReturn:
    """返却受付: the unit of ``which`` (a request id, or the serial scanned) came back on ``on`` with
    the accessories ticked. Each missing accessory is charged at its replacement price, a repair
    cost with its note (SH §13.6), the late-return penalty once the contract's return is complete
    (SH §13.5) — all 不課税, on the next invoice. A damaged unit goes to repair (修理中)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="返却受付")
    today = today or clock.today()
    problems = {}
    if (p := note_problem(damage_note, "破損の内容")):
        problems["damage_note"] = p
    if isinstance(repair_cost, bool) or not isinstance(repair_cost, int) or not 0 <= repair_cost <= MAX_AMOUNT:
        problems["repair_cost"] = f"修理代は0円から{MAX_AMOUNT:,}円までの整数で入力してください。"
    elif repair_cost and not (isinstance(damage_note, str) and is_visible(clean_note(damage_note))):
        problems["damage_note"] = "修理代を請求するときは、破損の内容を入力してください。"
    if not isinstance(accessories_returned, Collection) or isinstance(accessories_returned, str) or any(
            isinstance(a, bool) or not isinstance(a, int) for a in accessories_returned):
        problems["accessories"] = "返却された付属品の指定が正しくありません。"
    if not isinstance(which, (int, str)) or isinstance(which, bool):
        raise NotFound("返却する機器の製造番号を入力してください。")
    refuse_if(problems)
    note = clean_note(damage_note)
    with changing(db, actor) as session:
        request = _request_for(session, which)
        contract, unit, model = _context(session, request)
        rental = session.get(Rental, request.rental_id) if request.rental_id else None
        _on_problems(on, today, "返却日", rental.lent_on if rental else None)
        accessories = session.scalars(select(EquipmentAccessory).where(EquipmentAccessory.model_id == model.id)
                                      .order_by(EquipmentAccessory.sort_order, EquipmentAccessory.id)).all()
        unknown = set(accessories_returned) - {a.id for a in accessories}
        if unknown:
            raise ValidationFailed({"accessories": f"{model.name} の付属品ではないものが指定されています。"})
        charges = []
        for accessory in accessories:
            back = accessory.id in accessories_returned
            session.add(ReturnedAccessory(return_request_id=request.id, accessory_id=accessory.id, returned=back))
            if not back and accessory.replacement_price:
                text = f"付属品不足 {accessory.name}（{unit.serial_number}）"
                add_charge(session, actor, contract, request, on, ChargeKind.DAMAGES, text, accessory.replacement_price)
                charges.append(ChargedItem(text, accessory.replacement_price))
        if repair_cost:
            text = f"機器の修理代 {model.name}（{unit.serial_number}）"
            add_charge(session, actor, contract, request, on, ChargeKind.DAMAGES, text, repair_cost, note=note)
            charges.append(ChargedItem(text, repair_cost))
        request.damage_note = note
        action = UnitAction.RETURN_FOR_REPAIR if is_visible(note) else UnitAction.RETURN
        units.move(session, actor, unit, action, on, note=note, customer_id=contract.customer_id)
        penalty = _close(session, actor, request, contract, on, RETURNED)
        if penalty:
            charges.append(ChargedItem("機器返却遅延損害金", penalty))
        missing = [a.name for a in accessories if a.id not in accessories_returned]
        audit.record(session, actor, "return_request.receive", "return_request", request.id,
                     after={"serial_number": unit.serial_number, "returned_on": on, "missing_accessories": missing,
                            "damage_note": note, "repair_cost": repair_cost, "penalty": penalty},
                     summary=f"機器の返却受付 {unit.serial_number}（{contract.customer_code}）",
                     customer_id=contract.customer_id)
        charged = sum(c.amount for c in charges if c.description != "機器返却遅延損害金")
        text = f"機器 {unit.serial_number} の返却を受け付けました。" + (
            f"付属品不足・修理代 {charged:,}円を次回の請求に計上しました。" if charged else "") + (
            _penalty_text(penalty) if request.reason == CONTRACT_ENDED else "")
        return ClosedReturn(request.id, unit.serial_number, RETURNED, tuple(charges), penalty, text)


@retried
def declare_lost(db: Database, actor: Actor, request_id: int, on: dt.date, amount: int | None = None,
                 reason: str = "", *, today: dt.date | None = None) -> ClosedReturn:
    """紛失として処理: the unit never came back (SH §13.6). The customer is charged a replacement
    unit (代替機代金, 不課税 as damages): the model's sale price in force, or ``amount`` with a
    ``reason``; and the late-return penalty up to ``on`` once the contract's return is complete.
    The unit leaves stock (紛失); the rental ends on ``on``."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="紛失の処理")
    today = today or clock.today()
    problems = {}
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_AMOUNT:
            problems["amount"] = f"代替機代金は0円から{MAX_AMOUNT:,}円までの整数で入力してください。"
        if (p := note_problem(reason, "金額を変える理由", required=True)):
            problems["reason"] = p
    elif (p := note_problem(reason, "メモ")):
        problems["reason"] = p
    refuse_if(problems)
    with changing(db, actor) as session:
        request = _request_for(session, request_id if not isinstance(request_id, str) else None)
        contract, unit, model = _context(session, request)
        rental = session.get(Rental, request.rental_id) if request.rental_id else None
        _on_problems(on, today, "紛失とする日", rental.lent_on if rental else None)
        price = model_prices_in(session, on, [model.id])[model.id].sale_price
        charged = price if amount is None else amount
        charges = []
        if charged:
            text = f"代替機代金 {model.name}（{unit.serial_number}）"
            add_charge(session, actor, contract, request, on, ChargeKind.REPLACEMENT, text, charged,
                       note=clean_note(reason))
            charges.append(ChargedItem(text, charged))
        units.move(session, actor, unit, UnitAction.DECLARE_LOST, on, note=clean_note(reason),
                   customer_id=contract.customer_id)
        penalty = _close(session, actor, request, contract, on, LOST)
        if penalty:
            charges.append(ChargedItem("機器返却遅延損害金", penalty))
        audit.record(session, actor, "return_request.lost", "return_request", request.id,
                     before={"sale_price": price},
                     after={"serial_number": unit.serial_number, "on": on, "amount": charged,
                            "reason": clean_note(reason), "penalty": penalty},
                     summary=f"機器の紛失 {unit.serial_number}（{contract.customer_code}、{charged:,}円）",
                     customer_id=contract.customer_id)
        text = (f"機器 {unit.serial_number} を紛失として処理し、代替機代金 {charged:,}円を次回の請求に計上しました。"
                + (_penalty_text(penalty) if request.reason == CONTRACT_ENDED else ""))
        return ClosedReturn(request.id, unit.serial_number, LOST, tuple(charges), penalty, text)


# -- reading -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenReturn:
    """A row of 返却管理: a unit still to come back."""

    request_id: int
    customer_id: int
    customer_name: str
    contract_id: int
    contract_code: str
    serial: str
    model_name: str
    reason: str
    requested_on: dt.date
    deadline: dt.date
    days_late: int
    months_late: int
    penalty_so_far: int              # the contract's (one penalty per contract, SH §13.5)
    penalty_set: bool                # a manager reduced or waived it
    reminders_sent: int
    last_reminded_on: dt.date | None

    @property
    def late(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class AccessoryChoice:
    id: int
    name: str
    replacement_price: int


@dataclass(frozen=True)
class ReturnLookup:
    """What 返却受付 shows once the serial is scanned: the request and the accessories to tick."""

    request_id: int
    serial: str
    model_name: str
    customer_name: str
    contract_code: str
    deadline: dt.date
    penalty_so_far: int
    accessories: tuple[AccessoryChoice, ...]
    sale_price: int


def open_returns(db: Database, today: dt.date | None = None) -> list[OpenReturn]:
    """Every open return, oldest deadline first, with how late it is and the penalty so far
    (rules.late_return_months / late_return_penalty to ``today``)."""
    today = today or clock.today()
    with db.transaction() as session:
        rows = session.execute(
            select(ReturnRequest, Contract, Customer.name, EquipmentUnit.serial_number, EquipmentModel.name)
            .join(Contract, Contract.id == ReturnRequest.contract_id)
            .join(Customer, Customer.id == Contract.customer_id)
            .join(EquipmentUnit, EquipmentUnit.id == ReturnRequest.unit_id)
            .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
            .where(ReturnRequest.status == OPEN)
            .order_by(ReturnRequest.deadline, ReturnRequest.id)).all()
        profiles: dict[int, TermsProfile] = {}
        groups: dict[int, list[ReturnRequest]] = {}
        for request, contract, *_ in rows:
            if request.reason == CONTRACT_ENDED:
                groups.setdefault(contract.id, []).append(request)
        result = []
        for request, contract, customer_name, serial, model_name in rows:
            if contract.terms_profile_id not in profiles:
                profiles[contract.terms_profile_id] = profile_of(session, contract)
            profile = profiles[contract.terms_profile_id]
            group = groups.get(contract.id, []) if request.reason == CONTRACT_ENDED else []
            chosen = set_amount(group)
            penalty = chosen if chosen is not None else computed_penalty(profile, group, today)
            result.append(OpenReturn(
                request.id, contract.customer_id, customer_name, contract.id, contract.customer_code, serial,
                model_name, request.reason, request.requested_on, request.deadline,
                max(0, (today - request.deadline).days), rules.late_return_months(request.deadline, today), penalty,
                chosen is not None, request.reminders_sent, request.last_reminded_on))
        return result


def find_return(db: Database, which: int | str, today: dt.date | None = None) -> ReturnLookup:
    """The open return of a scanned serial (or a request id), for 返却受付 and 紛失として処理."""
    today = today or clock.today()
    with db.transaction() as session:
        request = _request_for(session, which)
        contract, unit, model = _context(session, request)
        accessories = session.scalars(select(EquipmentAccessory).where(EquipmentAccessory.model_id == model.id)
                                      .order_by(EquipmentAccessory.sort_order, EquipmentAccessory.id)).all()
        group = open_group(session, contract.id) if request.reason == CONTRACT_ENDED else []
        chosen = set_amount(group)
        penalty = chosen if chosen is not None else computed_penalty(profile_of(session, contract), group, today)
        return ReturnLookup(request.id, unit.serial_number, model.name, customer_of(session, contract).name,
                            contract.customer_code, request.deadline, penalty,
                            tuple(AccessoryChoice(a.id, a.name, a.replacement_price) for a in accessories),
                            model_prices_in(session, today, [model.id])[model.id].sale_price)

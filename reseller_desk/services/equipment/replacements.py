"""Warranty replacements (保証交換, SC §21; terms-rules.md §8): a unit bought from the office and
still under warranty is replaced by a unit of the same model from stock; the customer sends the
old one back within 14 days of receiving the replacement (SC §21.2), or owes the penalty of the
unit's sale price when the contract was made plus tax (SC §21.3).

- :func:`ship_replacement`: the new unit 在庫 → 販売済 (SHIP_REPLACEMENT, to the contract), the old
  one 販売済 → 返却待ち (AWAIT_REPLACED_UNIT), the replacement with the penalty's base, a return
  request (reason "replacement") and the 交換機器送付のご案内.
- :func:`record_received`: the deadline (rules.replacement_return_deadline) on the replacement
  and its return request, and the 交換前機器返送のお願い.
- :func:`old_unit_returned`: the request closes, the old unit is the office's again (在庫, or
  修理中 when it came back damaged).
- :func:`charge_replacement_penalty`: past the deadline without the unit: the 不課税 penalty on the
  next invoice, the old unit 紛失, the request closed as lost.

Decision (docs/decisions.md, equipment): the return request's deadline column needs a day
before the receipt is known; until then it holds the shipping day + the profile's return days
(the earliest the real deadline can be), and the replacement's own ``deadline`` stays empty. The
penalty reads only the replacement's deadline, so nothing is charged on the provisional one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    EquipmentModel,
    EquipmentSale,
    EquipmentUnit,
    ReturnRequest,
    WarrantyReplacement,
)
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_record_id, recorded_date_problem
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.equipment import (
    UnitAction,
    UnitStatus,
    normalise_serial,
    replacement_problem,
    warranty_ends_on,
)
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.replacement_notices import ReplacedUnitReturnDetails, ReplacementSentDetails
from reseller_desk.domain.staff import Role
from reseller_desk.domain.tax import rate_on
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import customer_of, load, note_problem, profile_of
from reseller_desk.services.equipment import charging, replacement_notices, units
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["SOURCE", "OpenReplacement", "ReplacementResult", "ReplacementView", "charge_replacement_penalty",
           "old_unit_returned", "original_sale", "penalty_of", "record_received", "replacement_view",
           "replacements_open", "ship_replacement"]

#: ``one_time_charges.source`` of the penalty (its source_id: the replacement).
SOURCE = "warranty_replacement"
REASON = "replacement"
ACTION = "保証交換"


@dataclass(frozen=True)
class ReplacementResult:
    replacement_id: int
    message: str
    notice_id: int | None = None
    charge_id: int | None = None


# -- reading, inside the caller's transaction ----------------------------------------------------
def _unit(session: Session, ref: object, label: str) -> EquipmentUnit:
    """A unit by id or by serial (typed or scanned)."""
    if isinstance(ref, str):
        unit = units.unit_by_serial(session, normalise_serial(ref)) if ref.strip() else None
        if unit is None:
            raise NotFound(f"{label}（製造番号 {ref.strip() or '未入力'}）は登録されていません。")
        return unit
    return units.load_unit(session, ref)


def original_sale(session: Session, unit: EquipmentUnit) -> EquipmentSale | None:
    """The sale a sold unit is under: its own (shipped, not cancelled), or, for a unit sent as a
    replacement, the sale of the unit it replaced (the warranty goes on: decision)."""
    seen: set[int] = set()
    while unit.id not in seen:
        seen.add(unit.id)
        sale = session.scalars(select(EquipmentSale).where(
            EquipmentSale.unit_id == unit.id, EquipmentSale.cancelled.is_(False),
            EquipmentSale.shipped_on.is_not(None)).order_by(EquipmentSale.id.desc())).first()
        if sale is not None:
            return sale
        before = session.scalars(select(WarrantyReplacement).where(WarrantyReplacement.new_unit_id == unit.id)
                                 .order_by(WarrantyReplacement.id.desc())).first()
        if before is None:
            return None
        unit = units.load_unit(session, before.old_unit_id)
    return None


def _replacement(session: Session, replacement_id: object) -> WarrantyReplacement:
    row = session.get(WarrantyReplacement, replacement_id) if is_record_id(replacement_id) else None
    if row is None:
        raise NotFound("指定された保証交換は見つかりません。一覧を読み込み直してください。")
    return row


def _open_request(session: Session, replacement: WarrantyReplacement) -> ReturnRequest:
    request = session.scalars(select(ReturnRequest).where(ReturnRequest.replacement_id == replacement.id)
                              .order_by(ReturnRequest.id.desc())).first()
    if request is None:  # ship_replacement writes one with every replacement
        raise NotFound("保証交換の返送依頼が見つかりません。")
    if request.status != "open":
        closed = "返送を受け付け" if request.status == "returned" else "違約金を請求し"
        when = japanese_date(request.closed_on) if request.closed_on else ""
        raise ServiceError(f"この保証交換は{when}に{closed}済みです。")
    return request


def penalty_of(profile: TermsProfile, sale_price_at_contract: int, day: dt.date) -> int:
    """SC §21.3: the sale price when the contract was made plus the tax in force on ``day``."""
    return rules.replacement_penalty(profile, sale_price_at_contract, rate_on(TaxCategory.TAXABLE_10, day))


def _day(value: object, today: dt.date, label: str, field: str) -> dt.date:
    day = today if value is None else value
    problem = recorded_date_problem(day, today, label)
    if problem:
        raise ValidationFailed({field: problem})
    assert isinstance(day, dt.date)
    return day


def _context(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, TermsProfile]:
    confirm_actor(session, actor)
    contract = load(session, contract_id)
    profile = profile_of(session, contract)
    if profile.replacement is None:
        raise ServiceError(replacement_problem(profile, None, 0, clock.today()) or "")
    return contract, profile


def _holder(session: Session, contract: Contract) -> str:
    return f"{customer_of(session, contract).name}（{contract.customer_code}）"


# -- the use cases -------------------------------------------------------------------------------
@retried
def ship_replacement(db: Database, actor: Actor, old_unit: int | str, new_unit: int | str,
                     on: dt.date | None = None, note: str = "", *, today: dt.date | None = None) -> ReplacementResult:
    """Send ``new_unit`` (在庫, the same model) in place of ``old_unit`` (sold by the office, under
    warranty), on ``on`` (today by default)."""
    today = today or clock.today()
    day = _day(on, today, "発送日", "on")
    if (problem := note_problem(note, "メモ")):
        raise ValidationFailed({"note": problem})
    require_role(actor, Role.CLERK, Role.MANAGER, action=ACTION)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        old, new = _unit(session, old_unit, "交換前の機器"), _unit(session, new_unit, "交換品")
        sale = original_sale(session, old) if old.status == UnitStatus.SOLD else None
        if sale is None:
            raise ServiceError(f"機器 {old.serial_number} は当社が販売し出荷した「販売済」の機器ではないため、"
                               "保証交換できません（SC §21: 保証は当社から購入した機器に限ります）。")
        contract, profile = _context(session, actor, sale.contract_id)
        model = session.get(EquipmentModel, old.model_id)
        assert model is not None  # the foreign key
        if (problem := replacement_problem(profile, sale.shipped_on, model.warranty_months, day)):
            raise ServiceError(f"機器 {old.serial_number}: {problem}")
        if new.id == old.id:
            raise ServiceError("交換品には交換前の機器とは別の機器を選んでください。")
        if new.model_id != old.model_id:
            raise ServiceError(f"交換品 {new.serial_number} は機種が違います。{model.name} の在庫から選んでください。")
        if new.status != UnitStatus.IN_STOCK:
            raise ServiceError(f"交換品 {new.serial_number} は「{UnitStatus(new.status).label}」です。"
                               "「在庫」の機器を選んでください。")
        price = model_prices_in(session, contract.formed_on, [model.id])[model.id].sale_price
        replacement = WarrantyReplacement(contract_id=contract.id, old_unit_id=old.id, new_unit_id=new.id,
                                          shipped_on=day, sale_price_at_contract=price, note=clean_note(note),
                                          recorded_by_id=actor.user_id)
        session.add(replacement)
        session.flush()
        units.move(session, actor, new, UnitAction.SHIP_REPLACEMENT, day, contract_id=contract.id,
                   location=_holder(session, contract), note=f"保証交換（{old.serial_number} の交換品）",
                   customer_id=contract.customer_id)
        units.move(session, actor, old, UnitAction.AWAIT_REPLACED_UNIT, day,
                   note=f"保証交換（交換品 {new.serial_number}）", customer_id=contract.customer_id)
        assert profile.replacement is not None
        place = replacement_notices.return_place(session)
        session.add(ReturnRequest(unit_id=old.id, contract_id=contract.id, reason=REASON, replacement_id=replacement.id,
                                  requested_on=day, deadline=day + dt.timedelta(days=profile.replacement.return_days),
                                  place=place, recorded_by_id=actor.user_id))
        clauses = [printed_clause(c.strip()) for c in profile.replacement.clause.split(",")]
        details = ReplacementSentDetails(
            customer_code=contract.customer_code, model_name=model.name, new_serial=new.serial_number,
            new_mac=new.mac_address, old_serial=old.serial_number, shipped_on=day,
            return_days=profile.replacement.return_days, return_clause=clauses[0], place=place,
            penalty=penalty_of(profile, price, day), penalty_clause=clauses[-1],
            warranty_ends_on=warranty_ends_on(sale.shipped_on, model.warranty_months) if sale.shipped_on else None)
        notice = replacement_notices.issue(session, actor, NoticeKind.REPLACEMENT_SENT, contract, profile, day, details)
        audit.record(session, actor, "warranty_replacement.ship", "warranty_replacement", replacement.id,
                     after={"old_unit": old.serial_number, "new_unit": new.serial_number, "shipped_on": day,
                            "sale_price_at_contract": price},
                     summary=f"保証交換品の発送 {old.serial_number}→{new.serial_number}（{contract.customer_code}）",
                     customer_id=contract.customer_id)
        sent = NoticeKind.REPLACEMENT_SENT.label
        return ReplacementResult(replacement.id, f"交換品 {new.serial_number} を発送し、"
                                 f"{sent}（{notice.number}）を発行しました。", notice.id)


@retried
def record_received(db: Database, actor: Actor, replacement_id: int, received_on: dt.date, *,
                    today: dt.date | None = None) -> ReplacementResult:
    """The customer received the replacement on ``received_on``: the old unit's deadline (SC
    §21.2, 14 days, not moved off closed days) and the 交換前機器返送のお願い."""
    today = today or clock.today()
    require_role(actor, Role.CLERK, Role.MANAGER, action=ACTION)
    with db.transaction(write=True) as session:
        replacement = _replacement(session, replacement_id)
        contract, profile = _context(session, actor, replacement.contract_id)
        request = _open_request(session, replacement)
        day = _day(received_on, today, "受領日", "received_on")
        if day < replacement.shipped_on:
            raise ValidationFailed({"received_on": f"受領日は発送日（{japanese_date(replacement.shipped_on)}）以降に"
                                                   "してください。"})
        deadline = rules.replacement_return_deadline(profile, day)
        before = {"received_on": replacement.received_on, "deadline": replacement.deadline}
        replacement.received_on, replacement.deadline, request.deadline = day, deadline, deadline
        old, new = units.load_unit(session, replacement.old_unit_id), units.load_unit(session, replacement.new_unit_id)
        model = session.get(EquipmentModel, old.model_id)
        assert model is not None and profile.replacement is not None
        clauses = [printed_clause(c.strip()) for c in profile.replacement.clause.split(",")]
        details = ReplacedUnitReturnDetails(
            customer_code=contract.customer_code, model_name=model.name, old_serial=old.serial_number,
            new_serial=new.serial_number, shipped_on=replacement.shipped_on, received_on=day, deadline=deadline,
            return_clause=clauses[0], place=request.place,
            penalty=penalty_of(profile, replacement.sale_price_at_contract, today), penalty_clause=clauses[-1])
        notice = replacement_notices.issue(session, actor, NoticeKind.REPLACED_UNIT_RETURN, contract, profile, today,
                                           details)
        session.flush()
        audit.record(session, actor, "warranty_replacement.received", "warranty_replacement", replacement.id,
                     before=before, after={"received_on": day, "deadline": deadline},
                     summary=f"保証交換品の受領 {new.serial_number}（返送期限 {deadline:%Y-%m-%d}）",
                     customer_id=contract.customer_id)
        return ReplacementResult(replacement.id, f"受領日を記録しました。返送期限は {japanese_date(deadline)} です。"
                                 f"{NoticeKind.REPLACED_UNIT_RETURN.label}（{notice.number}）を発行しました。",
                                 notice.id)


@retried
def old_unit_returned(db: Database, actor: Actor, replacement_id: int, on: dt.date | None = None,
                      damaged: bool = False, *, today: dt.date | None = None) -> ReplacementResult:
    """The old unit came back on ``on``: it is the office's again (在庫; 修理中 when damaged)."""
    today = today or clock.today()
    if not isinstance(damaged, bool):
        raise ValidationFailed({"damaged": "破損の有無が正しく渡されていません。"})
    day = _day(on, today, "返送の受付日", "on")
    require_role(actor, Role.CLERK, Role.MANAGER, action=ACTION)
    with db.transaction(write=True) as session:
        replacement = _replacement(session, replacement_id)
        contract, _profile = _context(session, actor, replacement.contract_id)
        request = _open_request(session, replacement)
        if day < replacement.shipped_on:
            raise ValidationFailed({"on": f"受付日は交換品の発送日（{japanese_date(replacement.shipped_on)}）以降に"
                                          "してください。"})
        old = units.load_unit(session, replacement.old_unit_id)
        units.move(session, actor, old, UnitAction.RETURN_FOR_REPAIR if damaged else UnitAction.RETURN, day,
                   note="保証交換の交換前機器" + ("（破損）" if damaged else ""), customer_id=contract.customer_id)
        request.status, request.closed_on = "returned", day
        if damaged:
            request.damage_note = "破損あり（保証交換）"
        session.flush()
        audit.record(session, actor, "warranty_replacement.returned", "warranty_replacement", replacement.id,
                     after={"old_unit": old.serial_number, "returned_on": day, "damaged": damaged},
                     summary=f"交換前機器の返送受付 {old.serial_number}（{contract.customer_code}）",
                     customer_id=contract.customer_id)
        where = "修理中にしました" if damaged else "在庫に戻しました"
        return ReplacementResult(replacement.id, f"交換前の機器 {old.serial_number} の返送を受け付け、{where}。")


@retried
def charge_replacement_penalty(db: Database, actor: Actor, replacement_id: int, on: dt.date | None = None, *,
                               today: dt.date | None = None) -> ReplacementResult:
    """Past the deadline without the old unit back: the penalty (SC §21.3) as a 不課税 charge on
    the next invoice, the old unit 紛失, the request closed as lost."""
    today = today or clock.today()
    day = _day(on, today, "請求日", "on")
    require_role(actor, Role.CLERK, Role.MANAGER, action=ACTION)
    with db.transaction(write=True) as session:
        replacement = _replacement(session, replacement_id)
        contract, profile = _context(session, actor, replacement.contract_id)
        request = _open_request(session, replacement)
        if replacement.deadline is None:
            raise ServiceError("交換品の受領日が未記録のため、返送期限が決まっていません。"
                               "先に受領日を記録してください。")
        if day <= replacement.deadline:
            raise ServiceError(f"返送期限（{japanese_date(replacement.deadline)}）を過ぎていないため、"
                               "違約金は請求できません。")
        old = units.load_unit(session, replacement.old_unit_id)
        penalty = penalty_of(profile, replacement.sale_price_at_contract, day)
        charge = charging.add_charge(session, actor, contract, day, ChargeKind.REPLACEMENT_PENALTY,
                                     f"交換前機器の未返送違約金（{old.serial_number}）", penalty, TaxCategory.OUTSIDE,
                                     source=SOURCE, source_id=replacement.id,
                                     note=f"返送期限 {replacement.deadline.isoformat()}（SC §21.3）")
        units.move(session, actor, old, UnitAction.DECLARE_LOST, day, note="保証交換の交換前機器が期限までに返送されず",
                   customer_id=contract.customer_id)
        request.status, request.closed_on = "lost", day
        request.penalty_computed = request.penalty_charged = penalty
        session.flush()
        audit.record(session, actor, "warranty_replacement.penalty", "warranty_replacement", replacement.id,
                     after={"old_unit": old.serial_number, "penalty": penalty, "billing_month": charge.billing_month},
                     summary=f"交換前機器の未返送違約金 {penalty:,}円（{contract.customer_code}）",
                     customer_id=contract.customer_id)
        return ReplacementResult(replacement.id, f"違約金 {penalty:,}円（税込・不課税）を"
                                 f"{charge.billing_month.year}年{charge.billing_month.month}月分の請求に加えました。",
                                 charge_id=charge.id)


# -- for the screens -----------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenReplacement:
    """A replacement whose old unit is not back: its deadline (None until the receipt is
    recorded), days left (negative: late) and the penalty it would cost today."""

    replacement_id: int
    contract_id: int
    customer_code: str
    customer_name: str
    model_name: str
    old_serial: str
    new_serial: str
    shipped_on: dt.date
    received_on: dt.date | None
    deadline: dt.date | None
    days_left: int | None
    penalty: int

    @property
    def days_late(self) -> int:
        return max(0, -(self.days_left or 0))


@dataclass(frozen=True)
class ReplacementView:
    """What the 保証交換 dialog shows of a unit: the unit and its sale, whether it can be replaced
    (``problem``: why not), the units of its model in stock, and its open replacement if any."""

    unit_id: int
    serial: str
    model_name: str
    status_label: str
    customer_code: str
    customer_name: str
    sold_on: dt.date | None
    shipped_on: dt.date | None
    sale_price: int | None
    warranty_ends_on: dt.date | None
    problem: str | None
    in_stock: tuple[str, ...]
    open: OpenReplacement | None

    @property
    def can_ship(self) -> bool:
        return self.open is None and self.problem is None

    @property
    def can_record_received(self) -> bool:
        return self.open is not None

    @property
    def can_take_back(self) -> bool:
        return self.open is not None

    @property
    def can_charge(self) -> bool:
        o = self.open
        return o is not None and o.deadline is not None and o.days_left is not None and o.days_left < 0


_IN_STOCK_SHOWN = 200


def _open_rows(session: Session, today: dt.date, unit_id: int | None = None) -> list[OpenReplacement]:
    query = (select(WarrantyReplacement, ReturnRequest).join(ReturnRequest, ReturnRequest.replacement_id
                                                            == WarrantyReplacement.id)
             .where(ReturnRequest.status == "open").order_by(WarrantyReplacement.id))
    if unit_id is not None:
        query = query.where(WarrantyReplacement.old_unit_id == unit_id)
    rows = []
    for replacement, _request in session.execute(query).all():
        contract = load(session, replacement.contract_id)
        profile = profile_of(session, contract)
        old, new = units.load_unit(session, replacement.old_unit_id), units.load_unit(session, replacement.new_unit_id)
        model = session.get(EquipmentModel, old.model_id)
        deadline = replacement.deadline
        penalty = penalty_of(profile, replacement.sale_price_at_contract, today) if profile.replacement else 0
        rows.append(OpenReplacement(
            replacement.id, contract.id, contract.customer_code, customer_of(session, contract).name,
            model.name if model else "", old.serial_number, new.serial_number, replacement.shipped_on,
            replacement.received_on, deadline, (deadline - today).days if deadline else None, penalty))
    return rows


def replacements_open(db: Database, today: dt.date | None = None) -> list[OpenReplacement]:
    """Every replacement whose old unit is not back (nor charged as lost), oldest first."""
    with db.transaction() as session:
        return _open_rows(session, today or clock.today())


def replacement_view(db: Database, unit_id: int, today: dt.date | None = None) -> ReplacementView:
    """The dialog's view of ``unit_id`` (the unit a replacement is for)."""
    today = today or clock.today()
    with db.transaction() as session:
        unit = units.load_unit(session, unit_id)
        model = session.get(EquipmentModel, unit.model_id)
        assert model is not None  # the foreign key
        sale = original_sale(session, unit)
        opened = _open_rows(session, today, unit.id)
        contract = load(session, sale.contract_id) if sale else (load(session, unit.contract_id)
                                                                 if unit.contract_id else None)
        problem: str | None = None
        if sale is None or unit.status != UnitStatus.SOLD:
            problem = (f"「{UnitStatus(unit.status).label}」の機器です。保証交換できるのは当社が販売し出荷した"
                       "「販売済」の機器だけです。")
        if contract is not None and sale is not None:
            problem = replacement_problem(profile_of(session, contract), sale.shipped_on, model.warranty_months,
                                          today) or problem
        stock = tuple(session.scalars(select(EquipmentUnit.serial_number).where(
            EquipmentUnit.model_id == model.id, EquipmentUnit.status == UnitStatus.IN_STOCK)
            .order_by(EquipmentUnit.serial_number).limit(_IN_STOCK_SHOWN)))
        return ReplacementView(
            unit.id, unit.serial_number, model.name, UnitStatus(unit.status).label,
            contract.customer_code if contract else "", customer_of(session, contract).name if contract else "",
            sale.sold_on if sale else None, sale.shipped_on if sale else None, sale.price if sale else None,
            warranty_ends_on(sale.shipped_on, model.warranty_months) if sale and sale.shipped_on else None,
            problem, stock, opened[0] if opened else None)

"""Rentals and sales of units to a contract (issue 11; terms-rules.md §4, §8; SH §13, SC §10.4).

- :func:`lend_unit` (貸出): a unit in stock to a live contract whose terms lend equipment
  (domain.equipment.lending_problem: SH yes, SC no). The rent is no one-time charge: the
  billing run reads ``rentals`` (services.billing.accounts, domain.equipment.rental_billed_in).
- :func:`end_rental` (返却（契約中）): a unit back while its contract still runs. After the
  contract has ended, a return goes through the returns' 返却受付 instead.
- :func:`sell_unit` (販売): the sale, its one-time charge (課税10%) and the unit 出荷待ち.
- :func:`confirm_sale_paid` (入金確認, manager): what "paid" is until the payments issue feeds
  :func:`sale_paid`; :func:`ship_sale` (出荷) asks it (SC §10.4); :func:`cancel_sale` (販売の取消,
  manager) before shipping, crediting the charge (charges are never edited).

services.equipment.charging.charge_month is the one rule of the month a charge of an event is billed in.
Every move of a unit goes through services.equipment.units.move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, EquipmentModel, EquipmentSale, EquipmentUnit, OneTimeCharge, Rental
from reseller_desk.domain.bounds import is_record_id, recorded_date_problem, yen_problem
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract import LIVE_STATUSES, ContractStatus
from reseller_desk.domain.equipment import (
    UnitAction,
    UnitStatus,
    lending_problem,
    normalise_serial,
    serial_problem,
    shipping_problem,
)
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts import acting
from reseller_desk.services.equipment import units
from reseller_desk.services.equipment.charging import charge_month
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["SALE_CANCEL_SOURCE", "SALE_SOURCE", "EquipmentResult", "cancel_sale", "find_unit",
           "lend_contract_problem", "open_rental",
           "confirm_sale_paid", "contract_problem", "end_rental", "lend_unit", "sale_paid", "sell_unit", "ship_sale"]

#: ``one_time_charges.source`` of a sale's charge and of the credit that cancels it.
SALE_SOURCE = "equipment_sale"
SALE_CANCEL_SOURCE = "equipment_sale_cancel"


@dataclass(frozen=True)
class EquipmentResult:
    """What a rental or sale action did: the unit, the sale (when it is one) and what to say."""

    unit_id: int
    serial_number: str
    message: str
    sale_id: int | None = None
    charge_id: int | None = None


# -- rules in one place --------------------------------------------------------------------------
def sale_paid(session: Session, sale: EquipmentSale) -> bool:
    """Whether a sale is paid for (SC §10.4: it ships only then). Until the payments issue
    exists this is a manager's confirmation (:func:`confirm_sale_paid`); that issue feeds the
    payment of the sale's invoice here."""
    return sale.paid_confirmed_at is not None


def contract_problem(contract: Contract, doing: str) -> str | None:
    """Why equipment cannot be lent to or sold to ``contract`` now, or None: only a live
    contract (domain.contract.LIVE_STATUSES) takes units."""
    if contract.status not in LIVE_STATUSES:
        return f"契約 {contract.customer_code} は「{contract.status.label}」のため、{doing}できません。"
    return None


def lend_contract_problem(contract: Contract) -> str | None:
    # A contract whose ending is recorded has asked its units back (returns.contract_ended):
    # a unit lent now would have no return request (decision).
    if contract.status is ContractStatus.CANCELLATION_SCHEDULED:
        return f"契約 {contract.customer_code} は解約予定のため、新しく貸出できません。"
    return contract_problem(contract, "貸出")


# -- plumbing ------------------------------------------------------------------------------------
@contextmanager
def _writing(db: Database, actor: Actor) -> Iterator[Session]:
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        yield session


def _day(value: object, today: dt.date, label: str, field: str = "on") -> dt.date:
    problem = recorded_date_problem(value, today, label)
    if problem:
        raise ValidationFailed({field: problem})
    assert isinstance(value, dt.date)
    return value


def _not_before(on: dt.date, earliest: dt.date, label: str, what: str) -> None:
    if on < earliest:
        raise ValidationFailed({"on": f"{label}は{what}（{japanese_date(earliest)}）以降にしてください。"})


def find_unit(session: Session, unit: object) -> EquipmentUnit:
    """The unit of an id, or of a serial number as typed or scanned (normalised)."""
    if isinstance(unit, str):
        problem = serial_problem(unit)
        if problem:
            raise ValidationFailed({"serial": problem})
        serial = normalise_serial(unit)
        found = units.unit_by_serial(session, serial)
        if found is None:
            raise ValidationFailed({"serial": f"製造番号 {serial} の機器は登録されていません。"
                                              "入庫を確認してください。"})
        return found
    return units.load_unit(session, unit)


def _model(session: Session, unit: EquipmentUnit) -> EquipmentModel:
    model = session.get(EquipmentModel, unit.model_id)
    assert model is not None  # the foreign key
    return model


def _load_sale(session: Session, sale_id: object) -> EquipmentSale:
    sale = session.get(EquipmentSale, sale_id) if is_record_id(sale_id) else None
    if sale is None:
        raise NotFound("指定された販売の記録は見つかりません。一覧を読み込み直してください。")
    if sale.cancelled:
        raise ServiceError("この販売は取り消されています。")
    return sale


def _note(value: object, label: str, *, required: bool = False) -> str:
    problem = acting.note_problem(value, label, required=required)
    if problem:
        raise ValidationFailed({"note": problem})
    return clean_note(value)


def open_rental(session: Session, unit_id: int) -> Rental | None:
    return session.scalars(select(Rental).where(Rental.unit_id == unit_id, Rental.returned_on.is_(None))).first()


# -- rentals -------------------------------------------------------------------------------------
@retried
def lend_unit(db: Database, actor: Actor, contract_id: int, unit: int | str, on: dt.date | None = None, *,
              today: dt.date | None = None) -> EquipmentResult:
    """貸出: ``unit`` (an id, or a serial typed or scanned) to the contract from day ``on``
    (today unless given), a Rental, the unit 貸出中 at the customer's. Refused when the terms
    do not lend (SC), the contract is not live, the unit is not in stock, or ``on`` is before
    the contract formed or after today."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の貸出")
    today = today or clock.today()
    on = _day(today if on is None else on, today, "貸出日")
    with _writing(db, actor) as session:
        contract = acting.load(session, contract_id)
        problem = lending_problem(acting.profile_of(session, contract)) or lend_contract_problem(contract)
        if problem:
            raise ServiceError(problem)
        _not_before(on, contract.formed_on, "貸出日", "契約の成立日")
        found = find_unit(session, unit)
        customer = acting.customer_of(session, contract)
        units.move(session, actor, found, UnitAction.LEND, on, contract_id=contract.id, location=customer.name,
                   note=f"貸出 {contract.customer_code}", customer_id=contract.customer_id)
        session.add(Rental(unit_id=found.id, contract_id=contract.id, lent_on=on, recorded_by_id=actor.user_id))
        session.flush()
        return EquipmentResult(found.id, found.serial_number,
                               f"機器 {found.serial_number} を {contract.customer_code} に貸し出しました"
                               f"（{japanese_date(on)}から。月額料金は請求に含まれます）。")


@retried
def end_rental(db: Database, actor: Actor, unit_id: int, on: dt.date | None = None, *, damaged: bool = False,
               note: str = "", today: dt.date | None = None) -> EquipmentResult:
    """返却（契約中）: a lent unit back while its contract still runs (a swap, no longer
    needed): the rental ends on ``on`` (that month is still billed) and the unit goes back to
    stock, or to repair when ``damaged``. A unit asked back after its contract ended
    (返却待ち) is received by the returns' 返却受付 instead."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の返却（契約中）")
    today = today or clock.today()
    on = _day(today if on is None else on, today, "返却日")
    text = _note(note, "メモ")
    with _writing(db, actor) as session:
        unit = units.load_unit(session, unit_id)
        if unit.status is UnitStatus.AWAITING_RETURN:
            raise ServiceError(f"機器 {unit.serial_number} は契約終了後の返却待ちです。"
                               "返却管理の「返却受付」で受け付けてください。")
        rental = open_rental(session, unit.id)
        if rental is None:
            raise ServiceError(f"機器 {unit.serial_number} は貸出中ではありません（貸出の記録がありません）。")
        _not_before(on, rental.lent_on, "返却日", "貸出日")
        contract = acting.load(session, rental.contract_id)
        action = UnitAction.RETURN_FOR_REPAIR if damaged else UnitAction.RETURN
        units.move(session, actor, unit, action, on, note=text or f"契約中の返却 {contract.customer_code}",
                   customer_id=contract.customer_id)
        rental.returned_on = on
        session.flush()
        where = "修理へ回しました" if damaged else "在庫に戻しました"
        return EquipmentResult(unit.id, unit.serial_number,
                               f"機器 {unit.serial_number} の返却を受け付け、{where}（{contract.customer_code}）。")


# -- sales ---------------------------------------------------------------------------------------
@retried
def sell_unit(db: Database, actor: Actor, contract_id: int, unit: int | str, price: int | None = None,
              on: dt.date | None = None, *, today: dt.date | None = None) -> EquipmentResult:
    """販売: ``unit`` sold to the contract's customer on ``on`` at ``price`` (yen before tax;
    the model's sale price in force that month unless given). Records the sale, its charge
    (機器販売, 課税10%, in charging.charge_month) and moves the unit 出荷待ち: it ships once paid."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の販売")
    today = today or clock.today()
    on = _day(today if on is None else on, today, "販売日")
    if price is not None and (problem := yen_problem(price, "販売価格")):
        raise ValidationFailed({"price": problem})
    with _writing(db, actor) as session:
        contract = acting.load(session, contract_id)
        if (problem := contract_problem(contract, "販売")):
            raise ServiceError(problem)
        _not_before(on, contract.formed_on, "販売日", "契約の成立日")
        found = find_unit(session, unit)
        model = _model(session, found)
        amount = model_prices_in(session, on, [model.id])[model.id].sale_price if price is None else int(price)
        units.move(session, actor, found, UnitAction.SELL, on, contract_id=contract.id,
                   note=f"販売 {contract.customer_code} {amount:,}円（税抜）", customer_id=contract.customer_id)
        sale = EquipmentSale(unit_id=found.id, contract_id=contract.id, sold_on=on, price=amount,
                             recorded_by_id=actor.user_id)
        session.add(sale)
        session.flush()
        month = charge_month(session, contract, on)
        charge = OneTimeCharge(
            customer_id=contract.customer_id, terms_profile_id=contract.terms_profile_id, contract_id=contract.id,
            billing_month=month, kind=ChargeKind.EQUIPMENT_SALE,
            description=f"{ChargeKind.EQUIPMENT_SALE.label} {model.name}（{found.serial_number}）", quantity=1,
            unit_amount=amount, amount=amount, tax_category=TaxCategory.TAXABLE_10, source=SALE_SOURCE,
            source_id=sale.id, recorded_by_id=actor.user_id)
        session.add(charge)
        session.flush()
        sale.charge_id = charge.id
        session.flush()
        return EquipmentResult(found.id, found.serial_number,
                               f"機器 {found.serial_number}（{model.name}）を {amount:,}円（税抜）で販売し、"
                               f"{month.year}年{month.month}月分の請求に計上しました。入金を確認してから出荷します。",
                               sale.id, charge.id)


@retried
def confirm_sale_paid(db: Database, actor: Actor, sale_id: int, note: str) -> EquipmentResult:
    """入金確認 (manager, with a note saying how it was paid): the sale counts as paid
    (:func:`sale_paid`) and may ship."""
    require_role(actor, Role.MANAGER, action="販売代金の入金確認")
    text = _note(note, "入金確認のメモ", required=True)
    with _writing(db, actor) as session:
        sale = _load_sale(session, sale_id)
        unit = units.load_unit(session, sale.unit_id)
        if sale_paid(session, sale):
            raise ServiceError(f"機器 {unit.serial_number} の販売は入金確認済みです。")
        contract = acting.load(session, sale.contract_id)
        sale.paid_confirmed_at, sale.paid_confirmed_by_id, sale.paid_note = clock.utcnow(), actor.user_id, text
        session.flush()
        audit.record(session, actor, "equipment_sale.confirm_paid", "equipment_sale", sale.id,
                     after={"paid_note": text, "price": sale.price},
                     summary=f"販売代金の入金確認 {unit.serial_number} {contract.customer_code}",
                     customer_id=contract.customer_id)
        return EquipmentResult(unit.id, unit.serial_number,
                               f"機器 {unit.serial_number} の入金を確認しました。出荷できます。",
                               sale.id, sale.charge_id)


@retried
def ship_sale(db: Database, actor: Actor, sale_id: int, on: dt.date | None = None, *,
              today: dt.date | None = None) -> EquipmentResult:
    """出荷: the sold unit ships on ``on`` (販売済, the warranty runs from it); refused while the
    sale is not paid (SC §10.4, domain.equipment.shipping_problem)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="販売機器の出荷")
    today = today or clock.today()
    on = _day(today if on is None else on, today, "出荷日")
    with _writing(db, actor) as session:
        sale = _load_sale(session, sale_id)
        unit = units.load_unit(session, sale.unit_id)
        if sale.shipped_on is not None:
            raise ServiceError(f"機器 {unit.serial_number} は {japanese_date(sale.shipped_on)} に出荷済みです。")
        if (problem := shipping_problem(sale_paid(session, sale))):
            raise ServiceError(problem)
        _not_before(on, sale.sold_on, "出荷日", "販売日")
        contract = acting.load(session, sale.contract_id)
        customer = acting.customer_of(session, contract)
        units.move(session, actor, unit, UnitAction.SHIP, on, contract_id=contract.id, location=customer.name,
                   note=f"出荷 {contract.customer_code}", customer_id=contract.customer_id)
        sale.shipped_on = on
        session.flush()
        return EquipmentResult(unit.id, unit.serial_number,
                               f"機器 {unit.serial_number} を{japanese_date(on)}に出荷しました（販売済）。",
                               sale.id, sale.charge_id)


@retried
def cancel_sale(db: Database, actor: Actor, sale_id: int, reason: str, *,
                today: dt.date | None = None) -> EquipmentResult:
    """販売の取消 (manager, with a reason), before shipping only: the unit back in stock, and a
    credit of the sale's charge (charges are never edited) in the charge's month while it is
    not invoiced, or in the next month not yet invoiced once it is."""
    require_role(actor, Role.MANAGER, action="販売の取消")
    today = today or clock.today()
    text = _note(reason, "取消の理由", required=True)
    with _writing(db, actor) as session:
        sale = _load_sale(session, sale_id)
        unit = units.load_unit(session, sale.unit_id)
        if sale.shipped_on is not None:
            raise ServiceError(f"機器 {unit.serial_number} は出荷済みのため、販売を取り消せません。")
        contract = acting.load(session, sale.contract_id)
        charge = session.get(OneTimeCharge, sale.charge_id) if sale.charge_id is not None else None
        units.move(session, actor, unit, UnitAction.CANCEL_SALE, today, note=f"販売の取消: {text}",
                   customer_id=contract.customer_id)
        sale.cancelled = True
        message = f"機器 {unit.serial_number} の販売を取り消し、在庫に戻しました。"
        if charge is not None:
            invoiced = charge.invoice_id is not None
            month = charge_month(session, contract, today) if invoiced else charge.billing_month
            session.add(OneTimeCharge(
                customer_id=charge.customer_id, terms_profile_id=charge.terms_profile_id, contract_id=contract.id,
                billing_month=month, kind=ChargeKind.CREDIT, description=f"{charge.description}の取消",
                quantity=1, unit_amount=-charge.amount, amount=-charge.amount, tax_category=charge.tax_category,
                source=SALE_CANCEL_SOURCE, source_id=sale.id, note=text, recorded_by_id=actor.user_id))
            message += (f"販売代金は請求済みのため、{month.year}年{month.month}月分の請求で {charge.amount:,}円（税抜）"
                        "を減額します。" if invoiced else "販売代金の請求も取り消しました。")
        session.flush()
        return EquipmentResult(unit.id, unit.serial_number, message, sale.id, sale.charge_id)

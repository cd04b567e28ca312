"""What the warranty replacement tests are built from: a model with its price change, units
received through services.equipment.units, and a unit sold and shipped to a contract, its
sale written the way the sales service stores it (paid, shipped) with the unit moved SELL then
SHIP through units.move, so that its history is what the office's would be."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk.db.models import (
    EquipmentModel,
    EquipmentPriceChange,
    EquipmentSale,
    EquipmentUnit,
    OneTimeCharge,
    ReturnRequest,
    WarrantyReplacement,
)
from reseller_desk.domain.equipment import EquipmentKind, UnitAction
from reseller_desk.services.equipment import units

from .billing_office import customer, put_contract

FORMED = dt.date(2026, 5, 10)
SOLD = dt.date(2026, 6, 1)
SHIPPED = dt.date(2026, 6, 5)
#: The model's sale price when the contract was formed, and from August on.
PRICE_AT_CONTRACT, PRICE_LATER = 15000, 18000


def put_model(db, *, code: str = "SIP-T46", name: str = "SIP電話機 T46", sale_price: int = PRICE_AT_CONTRACT,
              warranty_months: int = 12, price_changes: tuple[tuple[dt.date, int], ...] = ((dt.date(2026, 8, 1),
                                                                                            PRICE_LATER),)) -> int:
    with db.transaction(write=True) as session:
        model = EquipmentModel(code=code, name=name, maker="Yealink", kind=EquipmentKind.PHONE, sale_price=sale_price,
                               rental_fee=500, warranty_months=warranty_months)
        session.add(model)
        session.flush()
        for from_month, price in price_changes:
            session.add(EquipmentPriceChange(model_id=model.id, from_month=from_month, sale_price=price,
                                             rental_fee=500))
        return model.id


def put_unit(db, actor, model_id: int, serial: str, mac: str = "", on: dt.date = dt.date(2026, 4, 1)) -> int:
    with db.transaction(write=True) as session:
        model = session.get(EquipmentModel, model_id)
        return units.receive(session, actor, model, serial, mac, on).id


def sold_unit(db, actor, contract_id: int, model_id: int, serial: str, *, sold_on: dt.date = SOLD,
              shipped_on: dt.date = SHIPPED, price: int = PRICE_AT_CONTRACT) -> int:
    """A unit received, sold to the contract and shipped once paid."""
    unit_id = put_unit(db, actor, model_id, serial)
    with db.transaction(write=True) as session:
        unit = session.get(EquipmentUnit, unit_id)
        units.move(session, actor, unit, UnitAction.SELL, sold_on, contract_id=contract_id)
        session.add(EquipmentSale(unit_id=unit_id, contract_id=contract_id, sold_on=sold_on, price=price,
                                  paid_confirmed_at=dt.datetime(2026, 6, 3, 1, 0), paid_confirmed_by_id=actor.user_id,
                                  paid_note="振込を確認", shipped_on=shipped_on, recorded_by_id=actor.user_id))
        units.move(session, actor, unit, UnitAction.SHIP, shipped_on)
    return unit_id


def sc_contract(db, office, actor, *, formed_on: dt.date = FORMED) -> tuple[int, str]:
    """An SC contract (ベーシック, one line) formed on ``formed_on``, billed from the month after."""
    first = (formed_on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return put_contract(db, customer(db, actor), "simpleconnect", plans=[(office["sc"], 1, first, None)],
                        first_billable=first, formed_on=formed_on)


def sh_contract(db, office, actor) -> tuple[int, str]:
    return put_contract(db, customer(db, actor), "sokujitsu", plans=[(office["sh"], 1, dt.date(2026, 6, 1), None)],
                        first_billable=dt.date(2026, 6, 1), formed_on=FORMED)


def unit_row(db, unit_id: int) -> EquipmentUnit:
    with db.transaction() as session:
        unit = session.get(EquipmentUnit, unit_id)
        session.expunge(unit)
        return unit


def replacement_row(db, replacement_id: int) -> WarrantyReplacement:
    with db.transaction() as session:
        row = session.get(WarrantyReplacement, replacement_id)
        session.expunge(row)
        return row


def request_of(db, replacement_id: int) -> ReturnRequest:
    with db.transaction() as session:
        row = session.scalars(select(ReturnRequest).where(ReturnRequest.replacement_id == replacement_id)).one()
        session.expunge(row)
        return row


def charges_of(db, contract_id: int) -> list[OneTimeCharge]:
    with db.transaction() as session:
        rows = list(session.scalars(select(OneTimeCharge).where(OneTimeCharge.contract_id == contract_id)
                                    .order_by(OneTimeCharge.id)))
        session.expunge_all()
        return rows

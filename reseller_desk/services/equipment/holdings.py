"""What a contract holds (issue 11): the units lent to it and those sold to it, with where each
stands, for the contract window's 機器 section (:func:`units_of_contract`), and its open
rentals for the returns (:func:`open_rentals`, in the caller's transaction). Read only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import EquipmentModel, EquipmentSale, EquipmentUnit, Rental
from reseller_desk.domain.equipment import (
    UnitStatus,
    lending_problem,
    normalise_serial,
    serial_problem,
    shipping_problem,
)
from reseller_desk.services.contracts import acting
from reseller_desk.services.equipment.lending import contract_problem, lend_contract_problem, sale_paid
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.equipment.units import unit_by_serial

__all__ = ["ContractEquipment", "HeldUnit", "SaleQuote", "open_rentals", "sale_quote", "units_of_contract"]

LENT, SOLD = "貸出", "販売"
#: A sale's state, as the 機器 section shows it.
AWAITING_PAYMENT, AWAITING_SHIPMENT, SHIPPED = "入金待ち", "出荷待ち", "出荷済"


@dataclass(frozen=True)
class HeldUnit:
    """A unit lent or sold to the contract. ``day``: the day it was lent, or shipped (None
    while a sold unit waits). ``ship_problem``: why a sold unit may not ship yet, or None."""

    unit_id: int
    serial_number: str
    model_name: str
    holding: str                  # 貸出 / 販売
    status: UnitStatus
    status_label: str
    day: dt.date | None
    rental_id: int | None = None
    lent_on: dt.date | None = None
    sale_id: int | None = None
    sale_state: str = ""          # 入金待ち / 出荷待ち / 出荷済
    sale_price: int | None = None
    sold_on: dt.date | None = None
    shipped_on: dt.date | None = None
    paid: bool = False
    ship_problem: str | None = None

    @property
    def state_label(self) -> str:
        return f"{self.status_label}（{self.sale_state}）" if self.sale_state else self.status_label


@dataclass(frozen=True)
class ContractEquipment:
    """The contract's units, lent first (in the order lent), then sold; why units cannot be
    lent or sold to it now (None when they can)."""

    contract_id: int
    customer_code: str
    lend_problem: str | None
    sell_problem: str | None
    units: tuple[HeldUnit, ...]


@dataclass(frozen=True)
class SaleQuote:
    """What a serial typed in the 販売 dialog is: its model and the sale price in force."""

    unit_id: int
    serial_number: str
    model_name: str
    status_label: str
    price: int


def open_rentals(session: Session, contract_id: int) -> list[Rental]:
    """The contract's rentals not yet returned, in the order lent (the caller's transaction)."""
    return list(session.scalars(select(Rental).where(Rental.contract_id == contract_id, Rental.returned_on.is_(None))
                                .order_by(Rental.lent_on, Rental.id)))


def units_of_contract(db: Database, contract_id: int) -> ContractEquipment:
    with db.transaction() as session:
        contract = acting.load(session, contract_id)
        lend = lending_problem(acting.profile_of(session, contract)) or lend_contract_problem(contract)
        sell = contract_problem(contract, "販売")
        held: list[HeldUnit] = []
        rented = session.execute(
            select(Rental, EquipmentUnit, EquipmentModel.name).join(EquipmentUnit, EquipmentUnit.id == Rental.unit_id)
            .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
            .where(Rental.contract_id == contract.id, Rental.returned_on.is_(None))
            .order_by(Rental.lent_on, Rental.id)).all()
        for rental, unit, model_name in rented:
            held.append(HeldUnit(unit.id, unit.serial_number, model_name, LENT, unit.status, unit.status.label,
                                 rental.lent_on, rental_id=rental.id, lent_on=rental.lent_on))
        sold = session.execute(
            select(EquipmentSale, EquipmentUnit, EquipmentModel.name)
            .join(EquipmentUnit, EquipmentUnit.id == EquipmentSale.unit_id)
            .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
            .where(EquipmentSale.contract_id == contract.id, EquipmentSale.cancelled.is_(False))
            .order_by(EquipmentSale.sold_on, EquipmentSale.id)).all()
        for sale, unit, model_name in sold:
            paid = sale_paid(session, sale)
            state = SHIPPED if sale.shipped_on else AWAITING_SHIPMENT if paid else AWAITING_PAYMENT
            held.append(HeldUnit(unit.id, unit.serial_number, model_name, SOLD, unit.status, unit.status.label,
                                 sale.shipped_on, sale_id=sale.id, sale_state=state, sale_price=sale.price,
                                 sold_on=sale.sold_on, shipped_on=sale.shipped_on, paid=paid,
                                 ship_problem=None if sale.shipped_on else shipping_problem(paid)))
        return ContractEquipment(contract.id, contract.customer_code, lend, sell, tuple(held))


def sale_quote(db: Database, serial: str, on: dt.date) -> SaleQuote | None:
    """The unit of ``serial`` (as typed or scanned) and its model's sale price in force on
    ``on``; None when the serial is not one or no unit has it (the sale refuses it, saying why)."""
    if not isinstance(serial, str) or serial_problem(serial):
        return None
    with db.transaction() as session:
        unit = unit_by_serial(session, normalise_serial(serial))
        if unit is None:
            return None
        model = session.get(EquipmentModel, unit.model_id)
        assert model is not None  # the foreign key
        price = model_prices_in(session, on, [model.id])[model.id].sale_price
        return SaleQuote(unit.id, unit.serial_number, model.name, unit.status.label, price)

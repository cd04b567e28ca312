"""What the tests of returns are built from: a model of phone with two accessories, units received
and lent to a contract the way the lending service stores them (a rental and the LEND move;
the lending service itself is i11-lend's), a contract ended through the real ending service,
and the returns and charges read back."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from reseller_desk import clock
from reseller_desk.db.models import (
    EquipmentAccessory,
    EquipmentModel,
    EquipmentUnit,
    OneTimeCharge,
    Rental,
    ReturnRequest,
    UnitEvent,
)
from reseller_desk.domain.equipment import EquipmentKind, UnitAction
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.equipment import units

from .contract_builders import version

PHONE_PRICE, PHONE_RENT = 18000, 500
AC_PRICE, HANDSET_PRICE = 1500, 2500


def phone_model(db, *, code: str = "YL-T58W", name: str = "Yealink T58W", sale_price: int = PHONE_PRICE,
                rental_fee: int = PHONE_RENT) -> dict[str, int]:
    """A phone model with an AC adapter and a handset; its id and the accessories' ids."""
    with db.transaction(write=True) as session:
        model = EquipmentModel(code=code, name=name, maker="Yealink", kind=EquipmentKind.PHONE, sale_price=sale_price,
                               rental_fee=rental_fee, warranty_months=12)
        session.add(model)
        session.flush()
        ac = EquipmentAccessory(model_id=model.id, name="ACアダプター", replacement_price=AC_PRICE, sort_order=1)
        handset = EquipmentAccessory(model_id=model.id, name="受話器", replacement_price=HANDSET_PRICE, sort_order=2)
        session.add_all([ac, handset])
        session.flush()
        return {"model": model.id, "ac": ac.id, "handset": handset.id}


def lent_unit(db, actor, model_id: int, contract_id: int, serial: str, lent_on: dt.date) -> int:
    """A unit received and lent to ``contract_id`` on ``lent_on`` (貸出中, an open rental)."""
    with db.transaction(write=True) as session:
        model = session.get(EquipmentModel, model_id)
        unit = units.receive(session, actor, model, serial, "", lent_on)
        session.add(Rental(unit_id=unit.id, contract_id=contract_id, lent_on=lent_on, recorded_by_id=actor.user_id))
        units.move(session, actor, unit, UnitAction.LEND, lent_on, contract_id=contract_id)
        return unit.id


def cancel(db, actor, contract_id: int, on: dt.date) -> None:
    """The contract cancelled through the ending service (SH: effective the day received)."""
    with clock.frozen(on):
        lifecycle.accept_cancellation(db, actor, contract_id, requested_on=on,
                                      expected_version=version(db, contract_id), today=on)


def requests_of(db, contract_id: int) -> list[ReturnRequest]:
    with db.transaction() as session:
        rows = list(session.scalars(select(ReturnRequest).where(ReturnRequest.contract_id == contract_id)
                                    .order_by(ReturnRequest.id)))
        session.expunge_all()
        return rows


def with_deadline(db, contract_id: int, deadline: dt.date) -> None:
    """Every open return of the contract due on ``deadline`` (a case's exact day)."""
    with db.transaction(write=True) as session:
        session.execute(update(ReturnRequest).where(ReturnRequest.contract_id == contract_id,
                                                    ReturnRequest.status == "open").values(deadline=deadline))


def charges_of(db, contract_id: int) -> list[tuple[str, str, int, str, dt.date]]:
    """(kind, description, amount, tax category, billing month) of the charges the contract's
    returns recorded (its early-termination fee left aside)."""
    with db.transaction() as session:
        rows = session.scalars(select(OneTimeCharge).where(OneTimeCharge.contract_id == contract_id,
                                                           OneTimeCharge.source == "return_request")
                               .order_by(OneTimeCharge.id))
        return [(c.kind.value, c.description, c.amount, c.tax_category.value, c.billing_month) for c in rows]


def unit_state(db, unit_id: int) -> tuple[str, int | None, list[str]]:
    """The unit's status, its holder and its moves, oldest first."""
    with db.transaction() as session:
        unit = session.get(EquipmentUnit, unit_id)
        moves = session.scalars(select(UnitEvent.action).where(UnitEvent.unit_id == unit_id).order_by(UnitEvent.id))
        return unit.status.value, unit.contract_id, [m.value for m in moves]


def rental_returned_on(db, unit_id: int) -> dt.date | None:
    with db.transaction() as session:
        return session.scalars(select(Rental.returned_on).where(Rental.unit_id == unit_id)
                               .order_by(Rental.id.desc())).first()

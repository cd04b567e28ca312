"""What the tests of rentals and sales are built from: a model (機種) with its prices put on file
directly (the 設定 screen's services are another part of issue 11), units received through
services.equipment.units.receive, and SH / SC contracts of the billing tests
(tests/services/billing_office.put_contract). Read back: a unit's status, place, holder and
moves; the one-time charges of a contract."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    EquipmentModel,
    EquipmentPriceChange,
    EquipmentSale,
    EquipmentUnit,
    OneTimeCharge,
    Rental,
    UnitEvent,
)
from reseller_desk.domain.equipment import EquipmentKind, UnitAction, UnitStatus
from reseller_desk.services.equipment import units

from .billing_office import OCTOBER, SEPTEMBER, customer, put_contract, with_transfer_account
from .builders import MIRAI, YAMADA

PHONE_PRICE, PHONE_RENT = 12_800, 500


def put_model(db, *, code: str = "PH-100", name: str = "SIP電話機 PH-100", kind: EquipmentKind = EquipmentKind.PHONE,
              sale_price: int = PHONE_PRICE, rental_fee: int = PHONE_RENT, warranty_months: int = 12) -> int:
    with db.transaction(write=True) as session:
        model = EquipmentModel(code=code, name=name, maker="みらい電機", kind=kind, sale_price=sale_price,
                               rental_fee=rental_fee, warranty_months=warranty_months)
        session.add(model)
        session.flush()
        return model.id


def put_price_change(db, model_id: int, from_month: dt.date, sale_price: int, rental_fee: int) -> None:
    with db.transaction(write=True) as session:
        session.add(EquipmentPriceChange(model_id=model_id, from_month=from_month, sale_price=sale_price,
                                         rental_fee=rental_fee))


def put_units(db, actor, model_id: int, serials: Sequence[str], *, on: dt.date = dt.date(2026, 8, 1)) -> list[int]:
    """Units of the model in stock, received on ``on``; their ids."""
    with db.transaction(write=True) as session:
        model = session.get(EquipmentModel, model_id)
        made = [units.receive(session, actor, model, serial, "", on) for serial in serials]
        return [unit.id for unit in made]


def ready_to_bill(db, manager) -> None:
    """The office's transfer account, which an invoice paid by transfer names."""
    with_transfer_account(db, manager)


def sh_contract(db, manager, office, *, first_billable: dt.date = SEPTEMBER, last_billable: dt.date | None = None,
                formed_on: dt.date | None = None, customer_id: int | None = None, **changes) -> int:
    """An SH contract (ライト × 1 from ``first_billable``) of 山田 太郎 (or ``customer_id``),
    billed by transfer (the office's transfer account: :func:`ready_to_bill`)."""
    contract_id, _code = put_contract(db, customer_id or customer(db, manager, YAMADA), "sokujitsu",
                                      plans=[(office["sh"], 1, first_billable, last_billable)],
                                      first_billable=first_billable, last_billable=last_billable,
                                      formed_on=formed_on or dt.date(2026, 8, 20), **changes)
    return contract_id


def sc_contract(db, manager, office, *, first_billable: dt.date = OCTOBER) -> int:
    """An SC contract (ベーシック × 1 from ``first_billable``) of みらい商事, billed by transfer."""
    contract_id, _code = put_contract(db, customer(db, manager, MIRAI), "simpleconnect",
                                      plans=[(office["sc"], 1, first_billable, None)], first_billable=first_billable,
                                      formed_on=dt.date(2026, 8, 20))
    return contract_id


def bad_input_office(tmp_path_factory, name: str, profile_key: str, plan_key: str, serials: Sequence[str]
                     ) -> Iterator[tuple[object, int, list[int]]]:
    """The bad-input property tests' office (tests/services/test_bad_input_properties.Office, on
    SQLite, once for a module) with a contract of ``profile_key`` and units of one model in
    stock: (office, contract id, unit ids)."""
    from .test_bad_input_properties import Office  # noqa: PLC0415 - the property tests' own office

    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp(name) / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            made = put_units(db, office.manager, put_model(db, code="PH-PROP"), serials)
            contract, _ = put_contract(db, office.customer_id, profile_key,
                                       plans=[(office.plans[plan_key], 1, SEPTEMBER, None)],
                                       first_billable=SEPTEMBER, formed_on=dt.date(2026, 8, 20))
            yield office, contract, made
        finally:
            db.dispose()


# -- reading back --------------------------------------------------------------------------------
def unit_state(db, unit_id: int) -> tuple[UnitStatus, str, int | None]:
    """(status, location, the contract holding it)."""
    with db.transaction() as session:
        unit = session.get(EquipmentUnit, unit_id)
        return unit.status, unit.location, unit.contract_id


def moves_of(db, unit_id: int) -> list[tuple[UnitAction, UnitStatus | None, UnitStatus]]:
    with db.transaction() as session:
        return [(e.action, e.from_status, e.to_status)
                for e in session.scalars(select(UnitEvent).where(UnitEvent.unit_id == unit_id).order_by(UnitEvent.id))]


def rentals_of(db, unit_id: int) -> list[tuple[int, dt.date, dt.date | None]]:
    """(contract, lent on, returned on) of each rental of the unit."""
    with db.transaction() as session:
        return [(r.contract_id, r.lent_on, r.returned_on)
                for r in session.scalars(select(Rental).where(Rental.unit_id == unit_id).order_by(Rental.id))]


def charges_of(db, contract_id: int) -> list[tuple[str, str, int, str, dt.date, int | None]]:
    """(kind, description, amount, tax category, billing month, invoice) of each one-time charge."""
    with db.transaction() as session:
        return [(c.kind.value, c.description, c.amount, c.tax_category.value, c.billing_month, c.invoice_id)
                for c in session.scalars(select(OneTimeCharge).where(OneTimeCharge.contract_id == contract_id)
                                         .order_by(OneTimeCharge.id))]


def sale_row(db, sale_id: int) -> EquipmentSale:
    with db.transaction() as session:
        sale = session.get(EquipmentSale, sale_id)
        session.expunge(sale)
        return sale

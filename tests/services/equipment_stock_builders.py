"""What the tests of the stock (models, receiving, the unit list) are built from: models saved
through 設定's service, units received through the stock service, and a unit put with a
contract through services.equipment.units (the lending service is another part's)."""

from __future__ import annotations

import datetime as dt

from reseller_desk.domain.equipment import EquipmentKind, UnitAction
from reseller_desk.services.equipment import catalog, stock, stock_list, units
from reseller_desk.services.equipment.catalog import AccessoryDetails, ModelDetails

TODAY = dt.date(2026, 11, 20)

PHONE = ModelDetails("KX-HDV130", "KX-HDV130 SIP電話機", EquipmentKind.PHONE, "パナソニック", 19800, 500, 12)
ROUTER = ModelDetails("RTX830", "RTX830 ルーター", EquipmentKind.ROUTER, "ヤマハ", 64800, 1500, 12)
HANDSET = (AccessoryDetails("受話器", 2000), AccessoryDetails("ACアダプター", 1500))


def a_model(db, manager, details: ModelDetails = PHONE, accessories=HANDSET) -> int:
    return catalog.save_model(db, manager, None, details, list(accessories), expected_version=None).id


def received(db, actor, model_id: int, *serials: str, on: dt.date = TODAY) -> list[int]:
    """Units of ``model_id`` received one by one (no MAC); their ids."""
    return [stock.receive_unit(db, actor, model_id, serial, on=on, today=TODAY).id for serial in serials]


def put_with_contract(db, actor, unit_id: int, contract_id: int, action: UnitAction = UnitAction.LEND,
                      on: dt.date = TODAY) -> None:
    """The unit moved out to a contract (貸出 by default) as the rentals do it."""
    with db.transaction(write=True) as session:
        units.move(session, actor, units.load_unit(session, unit_id), action, on, contract_id=contract_id)


def version_of(db, unit_id: int) -> int:
    return stock_list.unit_detail(db, unit_id).unit.row_version

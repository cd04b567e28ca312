"""A unit's moves, inside the caller's write transaction — the one writer of a unit's status and
of ``unit_events`` (issue 11; domain.equipment is the state machine).

:func:`receive` makes a unit (入庫); :func:`move` applies one move: it asks
``domain.equipment.transition`` (a refused move raises ``ServiceError`` with the domain's
Japanese reason, writing nothing), sets the status, the holder and the place, writes the event
and one audit record (``unit.<action>``). Every service of the equipment package moves units
through here, never by setting ``status``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import EquipmentModel, EquipmentUnit, UnitEvent
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.equipment import UnitAction, UnitMoveRefused, UnitStatus, normalise_mac, transition
from reseller_desk.services import audit
from reseller_desk.services.errors import NotFound, ServiceError
from reseller_desk.services.permissions import Actor

__all__ = ["OFFICE_STOCK", "STATUS_LOCATIONS", "UnitRefused", "load_unit", "move", "receive", "unit_by_serial"]

#: Where a unit in stock is, unless the clerk says otherwise.
OFFICE_STOCK = "事務所（在庫）"
#: Where a unit in a status is, when the move names no place (the holder's name for units out).
STATUS_LOCATIONS = {UnitStatus.IN_STOCK: OFFICE_STOCK, UnitStatus.IN_REPAIR: "修理中",
                    UnitStatus.LOST: "（紛失）", UnitStatus.DISPOSED: "（廃棄）"}


class UnitRefused(ServiceError):
    """A move the unit's status does not allow (domain.equipment.UnitMoveRefused's reason)."""

    def __init__(self, serial: str, reason: str) -> None:
        super().__init__(f"機器 {serial}: {reason}")
        self.reason = reason


def load_unit(session: Session, unit_id: object) -> EquipmentUnit:
    unit = session.get(EquipmentUnit, unit_id) if is_record_id(unit_id) else None
    if unit is None:
        raise NotFound("指定された機器は見つかりません。一覧を読み込み直してください。")
    return unit


def unit_by_serial(session: Session, serial: str) -> EquipmentUnit | None:
    """The unit of a (normalised) serial number, or None."""
    return session.scalars(select(EquipmentUnit).where(EquipmentUnit.serial_number == serial)).first()


def receive(session: Session, actor: Actor, model: EquipmentModel, serial: str, mac: str, on: dt.date, *,
            location: str = OFFICE_STOCK, note: str = "", audited: bool = True) -> EquipmentUnit:
    """A new unit in stock (入庫). ``serial`` and ``mac`` are checked by the caller
    (domain.equipment.serial_problem / mac_problem, and unique); stored normalised. A bulk
    receipt passes ``audited=False`` and records one audit entry for the whole list."""
    unit = EquipmentUnit(model_id=model.id, serial_number=serial, mac_address=normalise_mac(mac),
                         status=UnitStatus.IN_STOCK, location=location or OFFICE_STOCK, received_on=on, note=note)
    session.add(unit)
    session.flush()
    session.add(UnitEvent(unit_id=unit.id, action=UnitAction.RECEIVE, from_status=None, to_status=UnitStatus.IN_STOCK,
                          on_date=on, location=unit.location, note=note, recorded_by_id=actor.user_id))
    if audited:
        audit.record(session, actor, "unit.receive", "unit", unit.id,
                     after={"serial_number": serial, "model": model.name, "received_on": on},
                     summary=f"機器の入庫 {model.name} {serial}")
    return unit


def move(session: Session, actor: Actor, unit: EquipmentUnit, action: UnitAction, on: dt.date, *,
         contract_id: int | None = None, location: str | None = None, note: str = "",
         customer_id: int | None = None) -> UnitStatus:
    """Move ``unit`` by ``action`` on day ``on``: the new status, the contract holding it now
    (``contract_id``: the one it goes to on LEND, SELL, SHIP_REPLACEMENT; kept while it is out;
    cleared when it is back in the office or gone) and where it is. UnitRefused if the status
    does not allow it. Returns the new status."""
    before = unit.status
    try:
        after = transition(before, action)
    except UnitMoveRefused as refused:
        raise UnitRefused(unit.serial_number, str(refused)) from refused
    holder = contract_id if contract_id is not None else unit.contract_id
    if after in (UnitStatus.IN_STOCK, UnitStatus.IN_REPAIR, UnitStatus.DISPOSED):
        holder = None
    place = location if location is not None else STATUS_LOCATIONS.get(after, unit.location)
    unit.status, unit.contract_id, unit.location = after, holder, place
    session.add(UnitEvent(unit_id=unit.id, action=action, from_status=before, to_status=after, on_date=on,
                          contract_id=contract_id if contract_id is not None else unit.contract_id or holder,
                          location=place, note=note, recorded_by_id=actor.user_id))
    session.flush()
    audit.record(session, actor, f"unit.{UnitAction(action).value}", "unit", unit.id,
                 before={"status": before}, after={"status": after, "on": on, "location": place, "note": note},
                 summary=f"機器の{UnitAction(action).label} {unit.serial_number}（{before.label}→{after.label}）",
                 customer_id=customer_id)
    return after

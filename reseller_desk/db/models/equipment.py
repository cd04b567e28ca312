"""Equipment (issue 11, domain.equipment): models (機種) with their accessories and prices from a
month, units (個体) with their status and every move, rentals, sales, returns after a contract
ends, and warranty replacements. What they cost reaches the invoice through ``one_time_charges``
(sales, damages, penalties) and, for rentals, as recurring lines the billing run reads here."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.equipment import MAC_MAX_LENGTH, SERIAL_MAX_LENGTH, EquipmentKind, UnitAction, UnitStatus


class EquipmentModel(Base):
    """A model (機種): what a unit is, its prices now (``equipment_price_changes`` holds the prices
    from a month, as ``price_changes`` does for plans) and its warranty."""

    __tablename__ = "equipment_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    maker: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[EquipmentKind] = mapped_column(EnumCode(EquipmentKind, 20))
    sale_price: Mapped[int] = mapped_column(Integer, default=0)          # yen before tax
    rental_fee: Mapped[int] = mapped_column(Integer, default=0)          # yen a month before tax
    warranty_months: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class EquipmentAccessory(Base):
    """What comes with a unit of the model (AC アダプター, LAN ケーブル, 受話器…), with the price
    charged when it does not come back (SH §13.6)."""

    __tablename__ = "equipment_accessories"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("equipment_models.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    replacement_price: Mapped[int] = mapped_column(Integer, default=0)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class EquipmentPriceChange(Base):
    """A model's sale price and rental fee from ``from_month`` (the first of a month) on."""

    __tablename__ = "equipment_price_changes"
    __table_args__ = (UniqueConstraint("model_id", "from_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("equipment_models.id", ondelete="CASCADE"), index=True)
    from_month: Mapped[dt.date] = mapped_column(Date)
    sale_price: Mapped[int] = mapped_column(Integer)
    rental_fee: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class EquipmentUnit(Base):
    """One unit: its serial and MAC (normalised, unique), model, status, where it is and, while
    it is out, the contract holding it. ``unit_events`` is its full history."""

    __tablename__ = "equipment_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("equipment_models.id"), index=True)
    serial_number: Mapped[str] = mapped_column(String(SERIAL_MAX_LENGTH), unique=True)
    mac_address: Mapped[str] = mapped_column(String(MAC_MAX_LENGTH), default="")
    status: Mapped[UnitStatus] = mapped_column(EnumCode(UnitStatus, 20), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True, default=None)
    received_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        # Unique when given; many units (adapters) have none.
        Index("uq_equipment_units_mac_address", "mac_address", unique=True,
              sqlite_where=text("mac_address <> ''"), postgresql_where=text("mac_address <> ''")),
    )


class UnitEvent(Base):
    """A move of a unit (or its receipt): from which status to which, on which day, for which
    contract, by whom. Written only by services.equipment.units.move."""

    __tablename__ = "unit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id", ondelete="CASCADE"), index=True)
    action: Mapped[UnitAction] = mapped_column(EnumCode(UnitAction, 30))
    from_status: Mapped[UnitStatus | None] = mapped_column(EnumCode(UnitStatus, 20), default=None)
    to_status: Mapped[UnitStatus] = mapped_column(EnumCode(UnitStatus, 20))
    on_date: Mapped[dt.date] = mapped_column(Date)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True, default=None)
    location: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class Rental(Base):
    """A unit lent to a contract from ``lent_on`` until ``returned_on`` (None while out). Billed
    for every month it is out on any day, up to the contract's last billable month
    (domain.equipment.rental_billed_in)."""

    __tablename__ = "rentals"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    lent_on: Mapped[dt.date] = mapped_column(Date)
    returned_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (
        # One contract at a time: at most one open rental per unit.
        Index("uq_rentals_open_unit", "unit_id", unique=True,
              sqlite_where=text("returned_on IS NULL"), postgresql_where=text("returned_on IS NULL")),
    )


class EquipmentSale(Base):
    """A unit sold to a contract's customer: its charge (課税10%), the payment confirmed (by a
    manager until the payments issue feeds it), and the day it shipped (SC §10.4: not before)."""

    __tablename__ = "equipment_sales"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    sold_on: Mapped[dt.date] = mapped_column(Date)
    price: Mapped[int] = mapped_column(Integer)                  # yen before tax
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("one_time_charges.id"), default=None)
    paid_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    paid_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    paid_note: Mapped[str] = mapped_column(Text, default="")
    shipped_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class ReturnRequest(Base):
    """A unit to come back: a lent unit when its contract ends (SH §13.4), or a unit replaced
    under warranty (SC §21.2). ``status``: open, returned, lost. The late-return penalty's base
    (the contract's monthly charges at its end) is fixed when the request is made; the penalty
    becomes a charge when the unit is back or declared lost, as computed, reduced or waived."""

    __tablename__ = "return_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))                    # contract_ended, replacement
    rental_id: Mapped[int | None] = mapped_column(ForeignKey("rentals.id"), default=None)
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("warranty_replacements.id"), default=None)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(Text, default="")
    monthly_charges: Mapped[int] = mapped_column(Integer, default=0)   # the penalty's base (SH §13.5)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)   # back or declared lost
    damage_note: Mapped[str] = mapped_column(Text, default="")
    penalty_computed: Mapped[int | None] = mapped_column(Integer, default=None)
    penalty_charged: Mapped[int | None] = mapped_column(Integer, default=None)  # after a reduction or waiver
    penalty_reason: Mapped[str] = mapped_column(Text, default="")      # the manager's reason for less
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_reminded_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        Index("uq_return_requests_open_unit", "unit_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )


class ReturnedAccessory(Base):
    """What came back with a returned unit: each accessory of its model, ticked or not (one
    missing is charged at its replacement price, SH §13.6)."""

    __tablename__ = "returned_accessories"
    __table_args__ = (UniqueConstraint("return_request_id", "accessory_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_request_id: Mapped[int] = mapped_column(ForeignKey("return_requests.id", ondelete="CASCADE"), index=True)
    accessory_id: Mapped[int] = mapped_column(ForeignKey("equipment_accessories.id"))
    returned: Mapped[bool] = mapped_column(Boolean, default=True)


class WarrantyReplacement(Base):
    """A replacement under warranty (SC §21): the sold unit it replaces, the unit sent, the day
    the customer received it, the old unit's deadline (rules.replacement_return_deadline) and
    the penalty's base, the sale price when the contract was made (SC §21.3)."""

    __tablename__ = "warranty_replacements"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    old_unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id"), index=True)
    new_unit_id: Mapped[int] = mapped_column(ForeignKey("equipment_units.id"), index=True)
    shipped_on: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    deadline: Mapped[dt.date | None] = mapped_column(Date, default=None)
    sale_price_at_contract: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}

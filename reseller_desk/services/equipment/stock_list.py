"""The 機器 screen's reading: the list of units (filtered, paged and sorted in SQL), the counts
by model and status, and a unit's detail with its history and the moves its status allows
(domain.equipment.allowed_actions). services.equipment.stock receives and moves units."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, Customer, EquipmentModel, EquipmentUnit, StaffUser, UnitEvent
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.equipment import (
    EquipmentKind,
    UnitAction,
    UnitStatus,
    allowed_actions,
)
from reseller_desk.domain.search import search_terms
from reseller_desk.services.errors import NotFound

__all__ = ["DEFAULT_SORT", "IN_OFFICE_ACTIONS", "SORT_KEYS", "HistoryRow", "ModelCount", "UnitDetail", "UnitRow",
           "count_units", "detail_in", "list_units", "rows_of", "unit_counts", "unit_detail", "unit_row_in"]

SORT_KEYS = ("serial_number", "model", "status", "received_on", "location")
DEFAULT_SORT = "serial_number"
#: The moves the unit window offers (the others are the rentals', sales', returns' and
#: replacements' own windows).
IN_OFFICE_ACTIONS = (UnitAction.SEND_TO_REPAIR, UnitAction.REPAIRED, UnitAction.DISPOSE, UnitAction.DECLARE_LOST)


@dataclass(frozen=True)
class UnitRow:
    """One line of the 機器 list."""

    id: int
    serial_number: str
    mac_address: str
    model_id: int
    model_code: str
    model_name: str
    kind: EquipmentKind
    status: UnitStatus
    location: str
    received_on: dt.date
    contract_id: int | None
    customer_code: str
    customer_name: str
    row_version: int

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def holder(self) -> str:
        """契約/顧客: ``C0001234 山田 太郎`` for a unit out, "" in the office."""
        return f"{self.customer_code} {self.customer_name}".strip()


@dataclass(frozen=True)
class HistoryRow:
    """A move of the unit (or its receipt), as the unit window lists them, oldest first."""

    on_date: dt.date
    action: UnitAction
    from_status: UnitStatus | None
    to_status: UnitStatus
    customer_code: str
    location: str
    note: str
    recorded_by: str
    recorded_at: dt.datetime

    @property
    def action_label(self) -> str:
        return self.action.label

    @property
    def move_text(self) -> str:
        return self.to_status.label if self.from_status is None else f"{self.from_status.label}→{self.to_status.label}"


@dataclass(frozen=True)
class UnitDetail:
    unit: UnitRow
    note: str
    history: tuple[HistoryRow, ...]
    #: The moves the unit's status allows (domain.equipment.allowed_actions).
    allowed: tuple[UnitAction, ...]


@dataclass(frozen=True)
class ModelCount:
    """A model's units by status (a status with none is left out of ``counts``)."""

    model_id: int
    code: str
    name: str
    kind: EquipmentKind
    counts: dict[UnitStatus, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())



# -- reading the list -----------------------------------------------------------------------------
def _row_statement() -> Select[Any]:
    return (select(EquipmentUnit, EquipmentModel, Contract.customer_code, Customer.name)
            .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
            .outerjoin(Contract, Contract.id == EquipmentUnit.contract_id)
            .outerjoin(Customer, Customer.id == Contract.customer_id))


def _as_row(unit: EquipmentUnit, model: EquipmentModel, code: str | None, name: str | None) -> UnitRow:
    return UnitRow(unit.id, unit.serial_number, unit.mac_address, model.id, model.code, model.name,
                   EquipmentKind(model.kind), UnitStatus(unit.status), unit.location, unit.received_on,
                   unit.contract_id, code or "", name or "", unit.row_version)


def _search_conditions(search: object) -> list[ColumnElement[bool]]:
    """Every term in the serial, the MAC (with or without colons), or the holder's カスタマID or
    customer (its search key: name, furigana, phone …), as the contract list searches."""
    conditions = []
    for term in search_terms(search if isinstance(search, str) else ""):
        bare = term.replace(":", "").replace(".", "")
        customers = select(Customer.id).where(Customer.search_key.contains(term, autoescape=True))
        holders = select(Contract.id).where(or_(Contract.customer_id.in_(customers),
                                                func.lower(Contract.customer_code).contains(term, autoescape=True)))
        matches: list[ColumnElement[bool]] = [
            func.lower(func.replace(EquipmentUnit.serial_number, "-", "")).contains(term, autoescape=True),
            EquipmentUnit.contract_id.in_(holders)]
        if bare:
            matches.append(func.lower(func.replace(EquipmentUnit.mac_address, ":", "")).contains(bare, autoescape=True))
        conditions.append(or_(*matches))
    return conditions


def _statuses(statuses: object) -> list[UnitStatus]:
    if isinstance(statuses, str):
        statuses = [statuses]
    if not isinstance(statuses, (list, tuple, set, frozenset)):
        return []
    return [UnitStatus(s) for s in statuses if isinstance(s, str) and s in set(UnitStatus)]


def _filtered(statement: Select[Any], statuses: object, model_id: object, search: object) -> Select[Any]:
    wanted = _statuses(statuses)
    if wanted:
        statement = statement.where(EquipmentUnit.status.in_(wanted))
    if model_id is not None:
        statement = statement.where(EquipmentUnit.model_id == (model_id if is_record_id(model_id) else -1))
    conditions = _search_conditions(search)
    return statement.where(*conditions) if conditions else statement


def list_units(db: Database, *, statuses: Iterable[UnitStatus | str] | None = None, model_id: int | None = None,
               search: str = "", offset: int = 0, limit: int = 200, sort: str = DEFAULT_SORT,
               descending: bool = False) -> list[UnitRow]:
    """One page of units: ``limit`` from ``offset`` of the units in ``statuses`` (all when
    empty) of ``model_id`` (all when None) matching ``search``, ordered by ``sort`` (one of
    :data:`SORT_KEYS`), ties by serial number."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    column = {"serial_number": None, "model": EquipmentModel.code, "status": EquipmentUnit.status,
              "received_on": EquipmentUnit.received_on, "location": EquipmentUnit.location}[sort]
    keys = ([column] if column is not None else []) + [EquipmentUnit.serial_number]
    statement = _filtered(_row_statement(), statuses, model_id, search).order_by(
        *(k.desc() if descending else k.asc() for k in keys))
    offset = offset if isinstance(offset, int) and offset > 0 else 0
    limit = limit if isinstance(limit, int) and limit > 0 else 0
    with db.transaction() as session:
        return [_as_row(*r) for r in session.execute(statement.offset(offset).limit(limit)).tuples()]


def count_units(db: Database, *, statuses: Iterable[UnitStatus | str] | None = None, model_id: int | None = None,
                search: str = "") -> int:
    """How many units :func:`list_units` pages through with these filters."""
    statement = _filtered(select(func.count(EquipmentUnit.id)), statuses, model_id, search)
    with db.transaction() as session:
        return int(session.execute(statement).scalar_one())


def unit_counts(db: Database, *, active_only: bool = False) -> list[ModelCount]:
    """Every model (by code; or the active ones) with its units counted by status, one query."""
    with db.transaction() as session:
        models = select(EquipmentModel).order_by(EquipmentModel.code)
        if active_only:
            models = models.where(EquipmentModel.active.is_(True))
        counted: dict[int, dict[UnitStatus, int]] = {}
        for model_id, status, n in session.execute(select(EquipmentUnit.model_id, EquipmentUnit.status,
                                                          func.count(EquipmentUnit.id))
                                                   .group_by(EquipmentUnit.model_id, EquipmentUnit.status)):
            counted.setdefault(model_id, {})[UnitStatus(status)] = int(n)
        return [ModelCount(m.id, m.code, m.name, EquipmentKind(m.kind), counted.get(m.id, {}))
                for m in session.scalars(models)]


def unit_row_in(session: Session, unit_id: object) -> UnitRow:
    found = session.execute(_row_statement().where(EquipmentUnit.id == (unit_id if is_record_id(unit_id) else -1))
                            ).tuples().first()
    if found is None:
        raise NotFound("指定された機器は見つかりません。一覧を読み込み直してください。")
    return _as_row(*found)


def detail_in(session: Session, unit_id: object) -> UnitDetail:
    row = unit_row_in(session, unit_id)
    note = session.scalar(select(EquipmentUnit.note).where(EquipmentUnit.id == row.id)) or ""
    events = session.execute(
        select(UnitEvent, Contract.customer_code, StaffUser.display_name)
        .outerjoin(Contract, Contract.id == UnitEvent.contract_id)
        .outerjoin(StaffUser, StaffUser.id == UnitEvent.recorded_by_id)
        .where(UnitEvent.unit_id == row.id).order_by(UnitEvent.on_date, UnitEvent.id)).tuples()
    history = tuple(HistoryRow(e.on_date, UnitAction(e.action),
                               None if e.from_status is None else UnitStatus(e.from_status), UnitStatus(e.to_status),
                               code or "", e.location, e.note, who or "", e.recorded_at) for e, code, who in events)
    return UnitDetail(row, note, history, allowed_actions(row.status))


def unit_detail(db: Database, unit_id: int) -> UnitDetail:
    """The unit, who holds it (contract and customer), its history oldest first, and the moves
    its status allows."""
    with db.transaction() as session:
        return detail_in(session, unit_id)


def rows_of(session: Session, unit_ids: Sequence[int]) -> list[UnitRow]:
    """The list's rows of ``unit_ids``, in the order of their ids (the units just received)."""
    if not unit_ids:
        return []
    rows = session.execute(_row_statement().where(EquipmentUnit.id.in_(unit_ids))
                           .order_by(EquipmentUnit.id)).tuples().all()
    return [_as_row(*r) for r in rows]

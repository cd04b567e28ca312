"""The office's stock of units (個体) on the 機器 screen: receiving (入庫: one unit as the scanner
types it, or a pasted or CSV list, all or nothing) and the moves that stay in the office
(修理に出す, 修理完了, 廃棄, 在庫の紛失). Every move goes through services.equipment.units
(the one writer of a unit's status and history); domain.equipment decides which are allowed.
The list, the counts and a unit's detail are read by services.equipment.stock_list.

A unit lost while out with a customer is not declared here: that is the returns' (it charges
the customer); a unit lost in the office costs nobody anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import EquipmentModel, EquipmentUnit
from reseller_desk.domain.bounds import NOTE_MAX_LENGTH, is_date, is_record_id, recorded_date_problem
from reseller_desk.domain.contract_import import RowError
from reseller_desk.domain.equipment import (
    UnitAction,
    UnitStatus,
    mac_problem,
    normalise_mac,
    normalise_serial,
    serial_problem,
)
from reseller_desk.domain.stock_file import check_lines, parse_stock_text
from reseller_desk.domain.text import clean_note, length_problem, text_type_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.contracts.import_file import MAX_FILE_BYTES, ImportRefused, _decode
from reseller_desk.services.equipment import units
from reseller_desk.services.equipment.stock_list import UnitDetail, UnitRow, detail_in, rows_of, unit_row_in
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["PROGRESS_EVERY", "UNIT", "PreviewRow", "ReceiveCancelled", "StockPreview", "declare_lost_in_stock",
           "dispose", "preview_units", "receive_unit", "receive_units", "repaired", "send_to_repair"]

UNIT = versions.Versioned("この機器", "unit")


@dataclass(frozen=True)
class PreviewRow:
    """A line of a list to receive, with the model it goes to and every problem of it."""

    row: int
    serial: str
    mac: str
    model_id: int | None
    model_name: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class StockPreview:
    rows: tuple[PreviewRow, ...]
    #: Why the whole list cannot be read ("" when it can).
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def faults(self) -> int:
        return sum(1 for r in self.rows if not r.ok)



# -- receiving --------------------------------------------------------------------------------------
def _note(note: object, errors: dict[str, str]) -> str:
    problem = text_type_problem(note, "メモ")
    if problem:
        errors["note"] = problem
        return ""
    cleaned = clean_note(note)
    problem = length_problem(cleaned, NOTE_MAX_LENGTH, "メモ")
    if problem:
        errors["note"] = problem
    return cleaned


def _day(on: object, today: dt.date, label: str, errors: dict[str, str]) -> dt.date:
    if on is None:
        return today
    problem = recorded_date_problem(on, today, label)
    if problem:
        errors["on"] = problem
        return today
    assert isinstance(on, dt.date)
    return on


def _today(today: object) -> dt.date:
    day = today if is_date(today) else clock.today()
    assert isinstance(day, dt.date)
    return day


def _receivable_model(session: Session, model_id: object) -> EquipmentModel:
    model = session.get(EquipmentModel, model_id) if is_record_id(model_id) else None
    if model is None:
        raise NotFound("入庫する機種を選んでください（指定された機種は見つかりません）。")
    if not model.active:
        raise ValidationFailed({"model": f"機種「{model.name}」は停止中のため入庫できません"
                                         "（設定 → 機器で有効にできます）。"})
    return model


def _holder_of(session: Session, column: InstrumentedAttribute[str], value: str) -> str | None:
    """How the unit with this serial (or MAC) is named in a refusal, or None when there is none."""
    found = session.execute(select(EquipmentUnit.serial_number, EquipmentModel.name, EquipmentUnit.status)
                            .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
                            .where(column == value)).first()
    if found is None:
        return None
    serial, model, status = found
    return f"{model} {serial}（{UnitStatus(status).label}）"


@retried
def receive_unit(db: Database, actor: Actor, model_id: int, serial: str, mac: str = "", on: dt.date | None = None,
                 note: str = "", *, today: dt.date | None = None) -> UnitRow:
    """One unit in stock (入庫), as the scanner types its serial and Enter: the serial and MAC
    checked and normalised (domain.equipment), refused beside its field when a unit has it
    already, naming that unit. ``on``: the day received (today when None)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の入庫")
    today = _today(today)
    errors: dict[str, str] = {}
    problem = serial_problem(serial)
    if problem:
        errors["serial"] = problem
    problem = mac_problem(mac)
    if problem:
        errors["mac"] = problem
    day = _day(on, today, "入庫日", errors)
    cleaned_note = _note(note, errors)
    if errors:
        raise ValidationFailed(errors)
    serial, mac = normalise_serial(serial), normalise_mac(mac or "")
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        model = _receivable_model(session, model_id)
        holder = _holder_of(session, EquipmentUnit.serial_number, serial)
        if holder:
            raise ValidationFailed({"serial": f"製造番号 {serial} はすでに登録されています: {holder}"})
        holder = _holder_of(session, EquipmentUnit.mac_address, mac) if mac else None
        if holder:
            raise ValidationFailed({"mac": f"MACアドレス {mac} はすでに登録されています: {holder}"})
        unit = units.receive(session, actor, model, serial, mac, day, note=cleaned_note)
        return unit_row_in(session, unit.id)


def _source_text(source: object) -> str:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1024 // 1024
            raise ServiceError(f"ファイルが大きすぎます（{len(data):,} バイト）。{limit} MB までにしてください。")
        try:
            return _decode(data)
        except ImportRefused as unreadable:
            raise ServiceError(str(unreadable)) from None
    if isinstance(source, str):
        return source
    raise ServiceError("入庫する一覧が正しく渡されていません。")


def _preview(session: Session, source: object, model_id: object) -> StockPreview:
    try:
        text = _source_text(source)
    except ServiceError as error:
        return StockPreview((), str(error))
    table = parse_stock_text(text)
    if table.problem:
        return StockPreview((), table.problem)
    lines = check_lines(table.lines)
    chosen = session.get(EquipmentModel, model_id) if is_record_id(model_id) else None
    codes = {code for line in lines if (code := line.model_code)}
    by_code = {m.code.casefold(): m for m in session.scalars(select(EquipmentModel))} if codes else {}
    serials = {line.serial for line in lines if line.serial}
    macs = {line.mac for line in lines if line.mac}
    taken_serials = _taken(session, EquipmentUnit.serial_number, serials)
    taken_macs = _taken(session, EquipmentUnit.mac_address, macs)
    rows = []
    for line in lines:
        problems = list(line.problems)
        model = by_code.get(line.model_code.casefold()) if line.model_code else chosen
        if line.model_code and model is None:
            problems.append(f"機種コード「{line.model_code}」の機種はありません。")
        elif model is None:
            problems.append("入庫する機種を選んでください。")
        elif not model.active:
            problems.append(f"機種「{model.name}」は停止中のため入庫できません。")
        if line.serial in taken_serials:
            problems.append(f"製造番号 {line.serial} はすでに登録されています: {taken_serials[line.serial]}")
        if line.mac and line.mac in taken_macs:
            problems.append(f"MACアドレス {line.mac} はすでに登録されています: {taken_macs[line.mac]}")
        rows.append(PreviewRow(line.row, line.serial, line.mac, model.id if model else None,
                               model.name if model else "", tuple(problems)))
    return StockPreview(tuple(rows))


def _taken(session: Session, column: InstrumentedAttribute[str], values: set[str]) -> dict[str, str]:
    """value → how the unit that has it is named, for the values of ``values`` on file."""
    found: dict[str, str] = {}
    chunk = sorted(values)
    for start in range(0, len(chunk), 500):
        for value, serial, model, status in session.execute(
                select(column, EquipmentUnit.serial_number, EquipmentModel.name, EquipmentUnit.status)
                .join(EquipmentModel, EquipmentModel.id == EquipmentUnit.model_id)
                .where(column.in_(chunk[start:start + 500]))):
            found[value] = f"{model} {serial}（{UnitStatus(status).label}）"
    return found


def preview_units(db: Database, source: str | bytes, model_id: int | None) -> StockPreview:
    """A pasted list (one serial a line, or serial<TAB or ,>MAC) or a CSV file's bytes
    (製造番号,MACアドレス[,機種コード]; UTF-8 or Shift_JIS), each row with its problems: a bad
    serial or MAC, one twice in the list, one already on file. Reads only."""
    with db.transaction() as session:
        return _preview(session, source, model_id)


@retried
def receive_units(db: Database, actor: Actor, source: str | bytes, model_id: int | None,
                  on: dt.date | None = None, note: str = "", *, today: dt.date | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> list[UnitRow]:
    """Receive every unit of a list (:func:`preview_units`' rows), all or nothing: while any
    row is at fault nothing is written and ImportRefused names every row's reasons. One audit
    record for the list. ``progress(done, total)`` hears how far it got; ``cancelled()`` True
    stops it with ReceiveCancelled, and nothing is received (one transaction)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の入庫")
    today = _today(today)
    errors: dict[str, str] = {}
    day = _day(on, today, "入庫日", errors)
    cleaned_note = _note(note, errors)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        preview = _preview(session, source, model_id)
        if preview.problem:
            raise ImportRefused([RowError(1, "一覧", preview.problem)], preview.problem + "（何も入庫していません）。")
        if not preview.rows:
            raise ServiceError("入庫する機器がありません。")
        faults = [RowError(r.row, "製造番号", problem) for r in preview.rows for problem in r.problems]
        if faults:
            raise ImportRefused(faults, f"{preview.faults}行に誤りがあるため、入庫しませんでした"
                                        "（何も入庫していません）。")
        models = {m.id: m for m in session.scalars(select(EquipmentModel).where(
            EquipmentModel.id.in_({r.model_id for r in preview.rows})))}
        rows = [r for r in preview.rows if r.model_id is not None]
        received = []
        for done, r in enumerate(rows, start=1):
            assert r.model_id is not None
            received.append(units.receive(session, actor, models[r.model_id], r.serial, r.mac, day,
                                          note=cleaned_note, audited=False))
            if done % PROGRESS_EVERY == 0 or done == len(rows):
                if cancelled is not None and cancelled():
                    raise ReceiveCancelled()
                if progress is not None:
                    progress(done, len(rows))
        names = sorted({m.name for m in models.values()})
        audit.record(session, actor, "unit.receive_list", "unit", None,
                     after={"count": len(received), "model": "、".join(names), "received_on": day,
                            "serial_number": [u.serial_number for u in received]},
                     summary=f"機器の一括入庫 {len(received)}台（{'、'.join(names)}）")
        ids = [u.id for u in received]
        return rows_of(session, ids)


class ReceiveCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("入庫を中止しました（何も入庫していません）。")


#: How often a list's receipt reports its progress and looks at 中止.
PROGRESS_EVERY = 50


# -- moves in the office --------------------------------------------------------------------------
def _move(db: Database, actor: Actor, unit_id: int, action: UnitAction, note: object, expected_version: object,
          on: object, today: object, *, customers_own: Sequence[UnitStatus] = ()) -> UnitDetail:
    day_today = _today(today)
    errors: dict[str, str] = {}
    day = _day(on, day_today, "日付", errors)
    cleaned_note = _note(note, errors)
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(UNIT), db.transaction(write=True) as session:
        confirm_actor(session, actor)
        unit = units.load_unit(session, unit_id)
        versions.check(session, UNIT, unit.id, unit.row_version, expected_version)
        if unit.status in customers_own:
            raise ServiceError(f"機器 {unit.serial_number} は「{UnitStatus(unit.status).label}」です。"
                               "お客様の手元にある機器の紛失は、返却管理で記録してください（弁償の請求を伴います）。")
        units.move(session, actor, unit, action, day, note=cleaned_note)
        session.flush()
        return detail_in(session, unit.id)


@retried
def send_to_repair(db: Database, actor: Actor, unit_id: int, note: str = "", *, expected_version: int,
                   on: dt.date | None = None, today: dt.date | None = None) -> UnitDetail:
    """A unit in stock sent to repair (修理に出す); the note says what is wrong."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器を修理に出す")
    return _move(db, actor, unit_id, UnitAction.SEND_TO_REPAIR, note, expected_version, on, today)


@retried
def repaired(db: Database, actor: Actor, unit_id: int, note: str = "", *, expected_version: int,
             on: dt.date | None = None, today: dt.date | None = None) -> UnitDetail:
    """A unit back from repair, in stock again (修理完了)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="機器の修理完了")
    return _move(db, actor, unit_id, UnitAction.REPAIRED, note, expected_version, on, today)


@retried
def dispose(db: Database, actor: Actor, unit_id: int, note: str = "", *, expected_version: int,
            on: dt.date | None = None, today: dt.date | None = None) -> UnitDetail:
    """A unit in stock or in repair disposed of (廃棄): it leaves the stock for good. Manager."""
    require_role(actor, Role.MANAGER, action="機器の廃棄")
    return _move(db, actor, unit_id, UnitAction.DISPOSE, note, expected_version, on, today)


@retried
def declare_lost_in_stock(db: Database, actor: Actor, unit_id: int, note: str = "", *, expected_version: int,
                          on: dt.date | None = None, today: dt.date | None = None) -> UnitDetail:
    """A unit lost in the office (紛失): no charge to anyone. A unit out with a customer is
    declared lost by the returns (返却管理), which charges it. Manager."""
    require_role(actor, Role.MANAGER, action="在庫の機器の紛失")
    return _move(db, actor, unit_id, UnitAction.DECLARE_LOST, note, expected_version, on, today,
                 customers_own=(UnitStatus.LENT, UnitStatus.AWAITING_RETURN))

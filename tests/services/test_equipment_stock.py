"""The stock: receiving one unit as the scanner types it, a pasted or CSV list received all or
nothing, the unit list (filters, search, paging, order), the counts by model and status, a
unit's detail and history, the moves in the office, permissions, and bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import AuditEntry, EquipmentUnit
from reseller_desk.domain.equipment import UnitAction, UnitStatus
from reseller_desk.services.contracts.import_file import ImportRefused
from reseller_desk.services.equipment import catalog, stock, stock_list
from reseller_desk.services.errors import ConcurrentEdit, NotFound, PermissionDenied, ServiceError, ValidationFailed

from .equipment_stock_builders import PHONE, ROUTER, TODAY, a_model, put_with_contract, received, version_of
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
    BAD_ID,
    BAD_TEXT,
    PROPERTY,
    VERSION,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    version,
)


def units_on_file(db) -> int:
    with db.transaction() as session:
        return int(session.scalar(select(func.count(EquipmentUnit.id))) or 0)


# -- one unit at a time -----------------------------------------------------------------------------
def test_a_scanned_serial_and_mac_are_stored_normalised_in_stock(db, manager, clerk):
    model_id = a_model(db, manager)
    row = stock.receive_unit(db, clerk, model_id, "ｓｎ-0001 ", "00-1a-2b-3c-4d-5e", today=TODAY)
    assert (row.serial_number, row.mac_address, row.status, row.received_on) == ("SN-0001", "00:1A:2B:3C:4D:5E",
                                                                                UnitStatus.IN_STOCK, TODAY)
    assert row.location == "事務所（在庫）" and row.model_name == PHONE.name


def test_a_serial_or_mac_already_on_file_is_refused_naming_the_unit_that_has_it(db, manager, clerk):
    model_id = a_model(db, manager)
    stock.receive_unit(db, clerk, model_id, "SN-0001", "001A2B3C4D5E", today=TODAY)
    with pytest.raises(ValidationFailed) as refused:
        stock.receive_unit(db, clerk, model_id, "sn-0001", today=TODAY)
    assert "SN-0001" in refused.value.errors["serial"] and "在庫" in refused.value.errors["serial"]
    with pytest.raises(ValidationFailed) as refused:
        stock.receive_unit(db, clerk, model_id, "SN-0002", "00:1a:2b:3c:4d:5e", today=TODAY)
    assert "SN-0001" in refused.value.errors["mac"]
    assert units_on_file(db) == 1


def test_a_bad_serial_and_a_bad_mac_are_refused_beside_their_fields(db, manager, clerk):
    model_id = a_model(db, manager)
    with pytest.raises(ValidationFailed) as refused:
        stock.receive_unit(db, clerk, model_id, "SN 00#1", "00:1A:2B:3C:4D:ZZ", today=TODAY)
    assert set(refused.value.errors) == {"serial", "mac"}


def test_a_stopped_model_receives_no_units(db, manager, clerk):
    model_id = a_model(db, manager)
    record = catalog.get_model(db, model_id)
    catalog.save_model(db, manager, model_id, PHONE.__class__(**{**record.details.__dict__, "active": False}),
                       list(record.accessories), expected_version=record.row_version)
    with pytest.raises(ValidationFailed) as refused:
        stock.receive_unit(db, clerk, model_id, "SN-1", today=TODAY)
    assert "停止中" in refused.value.errors["model"]


# -- a list -------------------------------------------------------------------------------------------
def test_a_pasted_list_with_tabs_and_commas_is_previewed_row_by_row(db, manager):
    model_id = a_model(db, manager)
    preview = stock.preview_units(db, "SN-1\t00:1A:2B:3C:4D:01\nSN-2,00:1A:2B:3C:4D:02\n\nSN-3\n", model_id)
    assert preview.ok
    assert [(r.row, r.serial, r.mac) for r in preview.rows] == [(1, "SN-1", "00:1A:2B:3C:4D:01"),
                                                                (2, "SN-2", "00:1A:2B:3C:4D:02"), (4, "SN-3", "")]


def test_a_list_with_faults_names_each_row_and_reason(db, manager, clerk):
    model_id = a_model(db, manager)
    received(db, clerk, model_id, "SN-OLD")
    preview = stock.preview_units(db, "SN-1\nSN 2#\nSN-1\nSN-OLD\nSN-5\tZZ\n", model_id)
    assert not preview.ok and preview.faults == 4
    problems = {r.row: r.problems for r in preview.rows}
    assert problems[1] == ()
    assert "英字・数字" in problems[2][0]
    assert "1行目と重複" in problems[3][0]
    assert "すでに登録" in problems[4][0]
    assert "MAC" in problems[5][0]


def test_a_list_with_one_bad_row_receives_nothing(db, manager, clerk):
    model_id = a_model(db, manager)
    with pytest.raises(ImportRefused) as refused:
        stock.receive_units(db, clerk, "SN-1\nSN-2\nSN 3#\n", model_id, today=TODAY)
    assert [e.row for e in refused.value.row_errors] == [3]
    assert "何も入庫していません" in str(refused.value)
    assert units_on_file(db) == 0


def test_a_list_cancelled_part_way_receives_nothing_and_its_progress_was_heard(db, manager, clerk):
    model_id = a_model(db, manager)
    serials = "\n".join(f"SN-{n:03d}" for n in range(1, 121))
    heard: list[tuple[int, int]] = []
    with pytest.raises(stock.ReceiveCancelled, match="何も入庫していません"):
        stock.receive_units(db, clerk, serials, model_id, today=TODAY, progress=lambda d, t: heard.append((d, t)),
                            cancelled=lambda: len(heard) >= 1)
    assert heard == [(50, 120)]
    assert units_on_file(db) == 0
    rows = stock.receive_units(db, clerk, serials, model_id, today=TODAY, progress=lambda d, t: heard.append((d, t)))
    assert len(rows) == 120 and heard[-2:] == [(100, 120), (120, 120)]


def test_a_good_list_is_received_whole_with_one_audit_record(db, manager, clerk):
    model_id = a_model(db, manager)
    rows = stock.receive_units(db, clerk, "SN-1\nSN-2\nSN-3\n", model_id, today=TODAY)
    assert [r.serial_number for r in rows] == ["SN-1", "SN-2", "SN-3"]
    with db.transaction() as session:
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("unit.%"))))
    assert actions == ["unit.receive_list"]


def test_a_csv_file_in_shift_jis_with_model_codes_goes_to_each_rows_model(db, manager, clerk):
    phone, router = a_model(db, manager), a_model(db, manager, ROUTER, ())
    data = "製造番号,MACアドレス,機種コード\r\nP-1,,KX-HDV130\r\nR-1,00:A0:DE:00:00:01,rtx830\r\n".encode("cp932")
    rows = stock.receive_units(db, clerk, data, None, today=TODAY)
    assert [(r.serial_number, r.model_id) for r in rows] == [("P-1", phone), ("R-1", router)]


def test_a_csv_with_an_unknown_column_or_model_code_is_refused(db, manager):
    model_id = a_model(db, manager)
    assert "列ではありません" in stock.preview_units(db, "製造番号,色\nA,赤\n".encode(), model_id).problem
    preview = stock.preview_units(db, "製造番号,機種コード\nA,NOPE\n".encode("utf-8-sig"), model_id)
    assert "NOPE" in preview.rows[0].problems[0]
    assert "文字コード" in stock.preview_units(db, "製造番号\nA\n".encode("utf-16"), model_id).problem


# -- the list, the counts ---------------------------------------------------------------------------------
@pytest.fixture
def shelf(db, manager, clerk, sh_open):
    """Two models: five phones (one lent to 山田's 即日発番 contract, one in repair), two routers."""
    phone, router = a_model(db, manager), a_model(db, manager, ROUTER, ())
    phones = received(db, clerk, phone, "P-5", "P-3", "P-1", "P-4", "P-2")
    routers = received(db, clerk, router, "R-2", "R-1", on=TODAY - dt.timedelta(days=3))
    put_with_contract(db, manager, phones[2], sh_open)
    stock.send_to_repair(db, clerk, phones[3], "電源が入らない", expected_version=version_of(db, phones[3]), today=TODAY)
    return {"phone": phone, "router": router, "phones": phones, "routers": routers, "contract": sh_open}


def test_the_list_is_sorted_by_serial_and_pages_through_every_unit(db, shelf):
    first = stock_list.list_units(db, limit=4)
    second = stock_list.list_units(db, offset=4, limit=4)
    assert [r.serial_number for r in first + second] == ["P-1", "P-2", "P-3", "P-4", "P-5", "R-1", "R-2"]
    assert stock_list.count_units(db) == 7
    by_date = stock_list.list_units(db, sort="received_on", descending=True)
    assert [r.serial_number for r in by_date[-2:]] == ["R-2", "R-1"]   # the oldest last, ties reversed too


def test_the_list_filters_by_status_model_and_customer(db, shelf):
    assert [r.serial_number for r in stock_list.list_units(db, statuses=[UnitStatus.LENT])] == ["P-1"]
    assert stock_list.count_units(db, statuses=["in_stock"], model_id=shelf["phone"]) == 3
    assert [r.serial_number for r in stock_list.list_units(db, model_id=shelf["router"])] == ["R-1", "R-2"]
    [lent] = stock_list.list_units(db, search="やまだ")
    assert lent.serial_number == "P-1" and lent.customer_name and lent.customer_code
    assert [r.serial_number for r in stock_list.list_units(db, search=lent.customer_code.lower())] == ["P-1"]
    assert [r.serial_number for r in stock_list.list_units(db, search="p4")] == ["P-4"]


def test_the_list_finds_a_unit_by_its_mac_typed_any_way(db, manager, clerk):
    model_id = a_model(db, manager)
    stock.receive_unit(db, clerk, model_id, "SN-1", "00:1A:2B:3C:4D:5E", today=TODAY)
    received(db, clerk, model_id, "SN-2")
    for typed in ("3c:4d", "3C4D5E", "001a.2b3c"):
        assert [r.serial_number for r in stock_list.list_units(db, search=typed)] == ["SN-1"], typed


def test_counts_are_by_model_and_status(db, shelf):
    counts = {c.code: (c.counts, c.total) for c in stock_list.unit_counts(db)}
    assert counts["KX-HDV130"] == ({UnitStatus.IN_STOCK: 3, UnitStatus.LENT: 1, UnitStatus.IN_REPAIR: 1}, 5)
    assert counts["RTX830"] == ({UnitStatus.IN_STOCK: 2}, 2)


# -- a unit's detail and the moves in the office ------------------------------------------------------------
def test_a_units_detail_shows_its_holder_and_history_oldest_first(db, shelf):
    detail = stock_list.unit_detail(db, shelf["phones"][2])
    assert detail.unit.status is UnitStatus.LENT and detail.unit.contract_id == shelf["contract"]
    assert [h.action for h in detail.history] == [UnitAction.RECEIVE, UnitAction.LEND]
    assert detail.history[0].move_text == "在庫" and detail.history[1].move_text == "在庫→貸出中"
    assert detail.history[1].customer_code == detail.unit.customer_code
    assert detail.history[0].recorded_by == "事務 太郎"
    assert UnitAction.REQUEST_RETURN in detail.allowed


def test_repair_then_back_then_disposed_keeps_every_step(db, manager, clerk, shelf):
    unit_id = shelf["phones"][3]
    back = stock.repaired(db, clerk, unit_id, "基板交換", expected_version=version_of(db, unit_id), today=TODAY)
    assert back.unit.status is UnitStatus.IN_STOCK
    gone = stock.dispose(db, manager, unit_id, "落下で破損", expected_version=back.unit.row_version, today=TODAY)
    assert gone.unit.status is UnitStatus.DISPOSED and gone.allowed == ()
    assert [h.note for h in gone.history] == ["", "電源が入らない", "基板交換", "落下で破損"]


def test_a_refused_move_says_why_in_japanese_and_writes_nothing(db, manager, shelf):
    unit_id = shelf["phones"][0]
    with pytest.raises(ServiceError) as refused:
        stock.repaired(db, manager, unit_id, expected_version=version_of(db, unit_id), today=TODAY)
    assert "修理中" in str(refused.value)
    assert len(stock_list.unit_detail(db, unit_id).history) == 1


def test_a_unit_out_with_a_customer_is_not_declared_lost_here(db, manager, shelf):
    unit_id = shelf["phones"][2]
    with pytest.raises(ServiceError) as refused:
        stock.declare_lost_in_stock(db, manager, unit_id, expected_version=version_of(db, unit_id), today=TODAY)
    assert "返却管理" in str(refused.value)
    lost = stock.declare_lost_in_stock(db, manager, shelf["phones"][0], "棚卸で不明",
                                       expected_version=version_of(db, shelf["phones"][0]), today=TODAY)
    assert lost.unit.status is UnitStatus.LOST


def test_disposing_and_declaring_lost_are_a_managers(db, clerk, shelf):
    unit_id = shelf["phones"][0]
    for move in (stock.dispose, stock.declare_lost_in_stock):
        with pytest.raises(PermissionDenied):
            move(db, clerk, unit_id, expected_version=version_of(db, unit_id), today=TODAY)


def test_a_stale_move_is_refused(db, clerk, shelf):
    unit_id = shelf["phones"][0]
    shown = version_of(db, unit_id)
    stock.send_to_repair(db, clerk, unit_id, expected_version=shown, today=TODAY)
    with pytest.raises(ConcurrentEdit):
        stock.repaired(db, clerk, unit_id, expected_version=shown, today=TODAY)


def test_an_unknown_unit_is_not_found(db):
    with pytest.raises(NotFound):
        stock_list.unit_detail(db, 999)


# -- bad input ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-stock") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            office.plans["model"] = a_model(db, office.manager)
            office.plans["unit"] = received(db, office.clerk, office.plans["model"], "BAD-0")[0]
            yield office
        finally:
            db.dispose()


SERIALS = st.one_of(st.sampled_from(["SN-1", "ＳＮ－２", "BAD-0"]), BAD_TEXT, BAD_ID)
MACS = st.one_of(st.sampled_from(["", "00:1A:2B:3C:4D:5E", "001a2b3c4d5f"]), BAD_TEXT, BAD_ID)
DAYS = st.one_of(st.none(), BAD_DATE)


@drives("equipment.stock.receive_unit")
@PROPERTY
@given(actor=ACTORS, which=mostly("model"), serial=SERIALS, mac=MACS, on=DAYS, note=st.one_of(st.just(""), BAD_TEXT))
def test_receiving_a_unit_with_bad_values_receives_it_or_refuses(bad_office, actor, which, serial, mac, on, note):
    model_id = bad_office.plans["model"] if which == "model" else which
    attempt(bad_office, lambda: stock.receive_unit(bad_office.db, actor_of(bad_office, actor), model_id, serial, mac,
                                                   on, note))


LISTS = st.one_of(st.sampled_from(["L-1\nL-2", "L-3\tzz", "製造番号,MACアドレス\nL-4,\n", b"\xff\xfe\x00", b"L-5\n",
                                   "", "\x00"]), BAD_TEXT, BAD_ID)


@drives("equipment.stock.receive_units")
@PROPERTY
@given(actor=ACTORS, which=mostly("model"), source=LISTS, on=DAYS, note=st.one_of(st.just(""), BAD_TEXT))
def test_receiving_a_list_with_bad_values_receives_it_whole_or_refuses(bad_office, actor, which, source, on, note):
    model_id = bad_office.plans["model"] if which == "model" else which
    attempt(bad_office, lambda: stock.receive_units(bad_office.db, actor_of(bad_office, actor), source, model_id, on,
                                                    note))


MOVES = {"equipment.stock.send_to_repair": stock.send_to_repair, "equipment.stock.repaired": stock.repaired,
         "equipment.stock.dispose": stock.dispose, "equipment.stock.declare_lost_in_stock": stock.declare_lost_in_stock}


@drives(*MOVES)
@pytest.mark.parametrize("name", sorted(MOVES))
@PROPERTY
@given(actor=ACTORS, which=mostly("unit"), note=st.one_of(st.just("メモ"), BAD_TEXT), shown=VERSION, on=DAYS)
def test_a_move_in_the_office_with_bad_values_moves_it_or_refuses(bad_office, name, actor, which, note, shown, on):
    unit_id = bad_office.plans["unit"] if which == "unit" else which
    expected = version(shown, lambda: version_of(bad_office.db, bad_office.plans["unit"]))
    attempt(bad_office, lambda: MOVES[name](bad_office.db, actor_of(bad_office, actor), unit_id, note,
                                            expected_version=expected, on=on))

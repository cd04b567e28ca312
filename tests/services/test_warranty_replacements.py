"""Warranty replacements (SC §21): the replacement shipped from stock, the receipt that fixes the
old unit's deadline (14 days, not rolled), the old unit back or the penalty (the sale price when
the contract was made plus tax, 不課税) on the next invoice — and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import EquipmentSale, Notice, UnitEvent, WarrantyReplacement
from reseller_desk.domain.equipment import UnitAction, UnitStatus
from reseller_desk.domain.replacement_notices import ReplacedUnitReturnDetails, ReplacementSentDetails
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.equipment import replacement_notices, replacements
from reseller_desk.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

from .billing_office import NOVEMBER, OCTOBER, TODAY, invoices, lines_of, with_transfer_account
from .equipment_swap_builders import (
    PRICE_AT_CONTRACT,
    charges_of,
    put_model,
    put_unit,
    replacement_row,
    request_of,
    sc_contract,
    sh_contract,
    sold_unit,
    unit_row,
)
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
    BAD_ID,
    BAD_TEXT,
    PROPERTY,
    WRONG_TYPE,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
)

PENALTY = PRICE_AT_CONTRACT + PRICE_AT_CONTRACT // 10   # 15,000 + 10% (SC §21.3)


@pytest.fixture
def swap(db, office, manager):
    """An SC contract with a phone sold and shipped (2026-06-05), and two phones of its model in
    stock, one of another model."""
    contract_id, code = sc_contract(db, office, manager)
    model = put_model(db)
    other = put_model(db, code="RT-100", name="ルーター RT-100", price_changes=())
    return {"contract": contract_id, "code": code, "model": model,
            "old": sold_unit(db, manager, contract_id, model, "T46-0001"),
            "new": put_unit(db, manager, model, "T46-0002", "00:15:65:AA:00:02"),
            "spare": put_unit(db, manager, model, "T46-0003"),
            "other": put_unit(db, manager, other, "RT-0001")}


def shipped(db, clerk, swap, on=dt.date(2026, 11, 2), today=TODAY) -> int:
    return replacements.ship_replacement(db, clerk, swap["old"], "t46-0002", on, today=today).replacement_id


def notice_of(db, notice_id):
    with db.transaction() as session:
        row = session.get(Notice, notice_id)
        return row.number, row.kind, replacement_notices.notice_details(session, notice_id), bytes(row.pdf)


def test_shipping_a_replacement_sends_the_new_unit_and_awaits_the_old_one_with_the_price_at_contract(
        db, clerk, swap):
    result = replacements.ship_replacement(db, clerk, "T46-0001", "ｔ46-0002", dt.date(2026, 11, 2), "電源が入らない",
                                           today=TODAY)
    new, old = unit_row(db, swap["new"]), unit_row(db, swap["old"])
    assert (new.status, new.contract_id) == (UnitStatus.SOLD, swap["contract"])
    assert (old.status, old.contract_id) == (UnitStatus.AWAITING_RETURN, swap["contract"])
    replacement = replacement_row(db, result.replacement_id)
    # the model costs 18,000 from August; the contract was made in May at 15,000 (SC §21.3)
    assert (replacement.sale_price_at_contract, replacement.received_on, replacement.deadline) == (15000, None, None)
    request = request_of(db, result.replacement_id)
    assert (request.reason, request.status, request.unit_id) == ("replacement", "open", swap["old"])
    assert request.deadline == dt.date(2026, 11, 16)   # provisional: shipped + 14, until the receipt
    number, kind, details, pdf = notice_of(db, result.notice_id)
    assert number.startswith("交-2026-") and kind == "replacement_sent" and pdf.startswith(b"%PDF")
    assert isinstance(details, ReplacementSentDetails)
    assert (details.new_serial, details.old_serial, details.return_days, details.penalty) == (
        "T46-0002", "T46-0001", 14, PENALTY)
    assert details.return_clause == "第21条第2項" and details.penalty_clause == "第21条第3項"
    assert details.warranty_ends_on == dt.date(2027, 6, 5)
    with db.transaction() as session:
        moves = [e.action for e in session.scalars(select(UnitEvent).where(UnitEvent.unit_id.in_(
            [swap["old"], swap["new"]])).order_by(UnitEvent.id))]
    assert moves[-2:] == [UnitAction.SHIP_REPLACEMENT, UnitAction.AWAIT_REPLACED_UNIT]


@pytest.mark.parametrize(("old", "new", "words"), [
    ("spare", "new", "販売済"),                       # a unit in stock was never sold
    ("old", "other", "機種が違います"),
    ("old", "old", "別の機器"),
    ("old", "missing", "登録されていません"),
])
def test_a_replacement_that_is_not_one_is_refused_and_writes_nothing(db, clerk, swap, old, new, words):
    new_ref = "NOPE-9" if new == "missing" else swap[new]
    with pytest.raises(ServiceError, match=words):
        replacements.ship_replacement(db, clerk, swap[old], new_ref, dt.date(2026, 11, 2), today=TODAY)
    assert unit_row(db, swap["old"]).status == UnitStatus.SOLD
    with db.transaction() as session:
        assert session.scalars(select(WarrantyReplacement)).first() is None


def test_the_replacement_must_be_in_stock(db, clerk, swap):
    shipped(db, clerk, swap)
    second = sold_unit(db, clerk, swap["contract"], swap["model"], "T46-0009")
    with pytest.raises(ServiceError, match="「販売済」です。「在庫」の機器を選んでください"):
        replacements.ship_replacement(db, clerk, second, swap["new"], dt.date(2026, 11, 3), today=TODAY)


def test_a_unit_out_of_warranty_is_not_replaced(db, clerk, swap):
    # shipped 2026-06-05, 12 months: the warranty ends on 2027-06-05
    with pytest.raises(ServiceError, match="保証期間は 2027年6月5日 までで、終了しています"):
        replacements.ship_replacement(db, clerk, swap["old"], swap["new"], dt.date(2027, 6, 6),
                                      today=dt.date(2027, 6, 6))
    replacements.ship_replacement(db, clerk, swap["old"], swap["new"], dt.date(2027, 6, 5), today=dt.date(2027, 6, 5))


def test_a_unit_sold_but_not_shipped_is_not_replaced(db, clerk, swap):
    with db.transaction(write=True) as session:
        session.get(EquipmentSale, 1).shipped_on = None
    with pytest.raises(ServiceError, match="当社が販売し出荷した"):
        replacements.ship_replacement(db, clerk, swap["old"], swap["new"], dt.date(2026, 11, 2), today=TODAY)


def test_a_shipping_day_in_the_future_is_refused(db, clerk, swap):
    with pytest.raises(ValidationFailed) as refused:
        replacements.ship_replacement(db, clerk, swap["old"], swap["new"], TODAY + dt.timedelta(days=1), today=TODAY)
    assert "未来" in refused.value.errors["on"]


def test_under_sokujitsu_every_call_refuses_with_the_terms_words(db, office, clerk, manager, swap):
    contract_id, _code = sh_contract(db, office, manager)
    sold = sold_unit(db, manager, contract_id, swap["model"], "T46-0100")
    words = "即日発番.com クラウドPBXサービスの約款には保証交換の定めがありません"
    with pytest.raises(ServiceError, match=words):
        replacements.ship_replacement(db, clerk, sold, swap["spare"], dt.date(2026, 11, 2), today=TODAY)
    with db.transaction(write=True) as session:   # a replacement on file under SH, as if imported
        row = WarrantyReplacement(contract_id=contract_id, old_unit_id=sold, new_unit_id=swap["spare"],
                                  shipped_on=dt.date(2026, 11, 2), deadline=dt.date(2026, 11, 5))
        session.add(row)
        session.flush()
        replacement_id = row.id
    for call in (lambda: replacements.record_received(db, clerk, replacement_id, dt.date(2026, 11, 3), today=TODAY),
                 lambda: replacements.old_unit_returned(db, clerk, replacement_id, TODAY, today=TODAY),
                 lambda: replacements.charge_replacement_penalty(db, clerk, replacement_id, today=TODAY)):
        with pytest.raises(ServiceError, match=words):
            call()


def test_the_receipt_sets_the_deadline_14_days_on_not_rolled_and_issues_the_return_request(db, clerk, swap):
    replacement_id = shipped(db, clerk, swap, dt.date(2026, 10, 16))
    # received 2026-10-20: the 14th day is 2026-11-03, 文化の日, and stays there (SC §21.2)
    result = replacements.record_received(db, clerk, replacement_id, dt.date(2026, 10, 20), today=TODAY)
    assert replacement_row(db, replacement_id).deadline == dt.date(2026, 11, 3)
    assert request_of(db, replacement_id).deadline == dt.date(2026, 11, 3)
    number, kind, details, _pdf = notice_of(db, result.notice_id)
    assert number.startswith("送-2026-") and kind == "replaced_unit_return"
    assert isinstance(details, ReplacedUnitReturnDetails)
    assert (details.received_on, details.deadline, details.penalty) == (dt.date(2026, 10, 20), dt.date(2026, 11, 3),
                                                                        PENALTY)
    assert "2026年11月3日" in result.message


def test_a_deadline_runs_across_the_end_of_february(db, clerk, swap):
    replacement_id = shipped(db, clerk, swap, dt.date(2027, 2, 20), today=dt.date(2027, 2, 22))
    replacements.record_received(db, clerk, replacement_id, dt.date(2027, 2, 22), today=dt.date(2027, 2, 22))
    assert replacement_row(db, replacement_id).deadline == dt.date(2027, 3, 8)


def test_a_receipt_before_the_shipping_day_is_refused(db, clerk, swap):
    replacement_id = shipped(db, clerk, swap)
    with pytest.raises(ValidationFailed) as refused:
        replacements.record_received(db, clerk, replacement_id, dt.date(2026, 11, 1), today=TODAY)
    assert "発送日" in refused.value.errors["received_on"]


@pytest.mark.parametrize(("damaged", "status"), [(False, UnitStatus.IN_STOCK), (True, UnitStatus.IN_REPAIR)])
def test_the_old_unit_back_is_the_offices_again_and_closes_the_request(db, clerk, swap, damaged, status):
    replacement_id = shipped(db, clerk, swap)
    replacements.record_received(db, clerk, replacement_id, dt.date(2026, 11, 4), today=TODAY)
    replacements.old_unit_returned(db, clerk, replacement_id, dt.date(2026, 11, 10), damaged, today=TODAY)
    old = unit_row(db, swap["old"])
    assert (old.status, old.contract_id) == (status, None)
    request = request_of(db, replacement_id)
    assert (request.status, request.closed_on) == ("returned", dt.date(2026, 11, 10))
    with pytest.raises(ServiceError, match="返送を受け付け済み"):
        replacements.charge_replacement_penalty(db, clerk, replacement_id, today=TODAY)
    assert replacements.replacements_open(db, TODAY) == []


def test_the_penalty_waits_for_the_receipt_and_the_deadline(db, clerk, swap):
    replacement_id = shipped(db, clerk, swap, dt.date(2026, 10, 1))
    with pytest.raises(ServiceError, match="受領日が未記録"):
        replacements.charge_replacement_penalty(db, clerk, replacement_id, today=TODAY)
    replacements.record_received(db, clerk, replacement_id, dt.date(2026, 10, 31), today=TODAY)  # due 11-14
    with pytest.raises(ServiceError, match="過ぎていない"):
        replacements.charge_replacement_penalty(db, clerk, replacement_id, dt.date(2026, 11, 14), today=TODAY)
    assert charges_of(db, swap["contract"]) == []
    assert unit_row(db, swap["old"]).status == UnitStatus.AWAITING_RETURN


def test_past_the_deadline_the_penalty_is_charged_outside_tax_and_the_old_unit_is_lost(db, clerk, swap):
    replacement_id = shipped(db, clerk, swap, dt.date(2026, 10, 1))
    replacements.record_received(db, clerk, replacement_id, dt.date(2026, 10, 31), today=TODAY)
    result = replacements.charge_replacement_penalty(db, clerk, replacement_id, dt.date(2026, 11, 15), today=TODAY)
    [charge] = charges_of(db, swap["contract"])
    assert (charge.id, charge.kind.value, charge.amount, charge.tax_category.value) == (
        result.charge_id, "replacement_penalty", PENALTY, "outside")
    assert charge.description == "交換前機器の未返送違約金（T46-0001）"
    assert (charge.billing_month, charge.source, charge.source_id) == (NOVEMBER, "warranty_replacement", replacement_id)
    assert unit_row(db, swap["old"]).status == UnitStatus.LOST
    request = request_of(db, replacement_id)
    assert (request.status, request.penalty_computed, request.penalty_charged) == ("lost", PENALTY, PENALTY)
    with pytest.raises(ServiceError, match="違約金を請求し済み"):
        replacements.charge_replacement_penalty(db, clerk, replacement_id, today=TODAY)


def test_the_penalty_goes_on_the_first_month_not_yet_invoiced_and_reaches_that_invoice(db, manager, clerk, swap):
    with_transfer_account(db, manager)
    replacement_id = shipped(db, clerk, swap, dt.date(2026, 10, 1))
    replacements.record_received(db, clerk, replacement_id, dt.date(2026, 10, 2), today=TODAY)   # due 10-16
    bill_month(db, clerk, OCTOBER, today=TODAY)
    replacements.charge_replacement_penalty(db, clerk, replacement_id, dt.date(2026, 10, 20), today=TODAY)
    [charge] = charges_of(db, swap["contract"])
    assert charge.billing_month == NOVEMBER          # October is invoiced already
    bill_month(db, clerk, NOVEMBER, today=dt.date(2026, 12, 3))
    [invoice] = invoices(db, NOVEMBER)
    penalty_lines = [line for line in lines_of(db, invoice.id) if "未返送違約金" in line[2]]
    assert [(line[5], line[6]) for line in penalty_lines] == [(PENALTY, "outside")]


def test_open_replacements_show_the_deadline_days_left_or_late_and_the_penalty(db, clerk, swap):
    waiting = shipped(db, clerk, swap, dt.date(2026, 11, 2))
    second = sold_unit(db, clerk, swap["contract"], swap["model"], "T46-0010")
    late = replacements.ship_replacement(db, clerk, second, swap["spare"], dt.date(2026, 10, 1),
                                         today=TODAY).replacement_id
    replacements.record_received(db, clerk, late, dt.date(2026, 10, 3), today=TODAY)    # due 10-17
    rows = {row.replacement_id: row for row in replacements.replacements_open(db, TODAY)}
    assert (rows[waiting].deadline, rows[waiting].days_left, rows[waiting].days_late) == (None, None, 0)
    assert (rows[late].deadline, rows[late].days_left, rows[late].days_late) == (dt.date(2026, 10, 17), -34, 34)
    assert rows[late].penalty == PENALTY and rows[late].customer_code == swap["code"]
    assert (rows[late].old_serial, rows[late].new_serial) == ("T46-0010", "T46-0003")


def test_a_replacement_can_be_replaced_again_under_the_first_sales_warranty(db, clerk, swap):
    shipped(db, clerk, swap)
    view = replacements.replacement_view(db, swap["new"], TODAY)
    assert (view.problem, view.warranty_ends_on, view.can_ship) == (None, dt.date(2027, 6, 5), True)
    replacements.ship_replacement(db, clerk, swap["new"], swap["spare"], TODAY, today=TODAY)
    assert unit_row(db, swap["new"]).status == UnitStatus.AWAITING_RETURN


def test_the_dialogs_view_says_what_the_state_allows(db, clerk, swap):
    view = replacements.replacement_view(db, swap["old"], TODAY)
    assert (view.serial, view.status_label, view.customer_code, view.in_stock) == (
        "T46-0001", "販売済", swap["code"], ("T46-0002", "T46-0003"))
    assert (view.can_ship, view.can_record_received, view.can_charge) == (True, False, False)
    replacement_id = shipped(db, clerk, swap, dt.date(2026, 10, 1))
    replacements.record_received(db, clerk, replacement_id, dt.date(2026, 10, 3), today=TODAY)
    view = replacements.replacement_view(db, swap["old"], TODAY)
    assert (view.can_ship, view.can_take_back, view.can_charge) == (False, True, True)
    assert view.open is not None and view.open.replacement_id == replacement_id
    spare = replacements.replacement_view(db, swap["spare"], TODAY)
    assert spare.can_ship is False and "販売済" in (spare.problem or "")


def test_only_staff_may_replace_and_an_unknown_replacement_is_not_found(db, clerk, swap):
    with pytest.raises(PermissionDenied):
        replacements.ship_replacement(db, None, swap["old"], swap["new"], today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        replacements.record_received(db, clerk, 999, dt.date(2026, 11, 3), today=TODAY)


# -- bad input (driven as tests/services/test_bad_input_properties.py drives every service) ------
@pytest.fixture(scope="module")
def bad_office(tmp_path_factory):
    """The bad-input office in a database of its own, with a sold phone, two in stock, and a
    replacement shipped and received (due 2026-10-17, late on 2026-11-20)."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-swaps") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            contract_id, _code = sc_contract(db, office.plans, office.manager)
            model = put_model(db)
            office.swap = {"sold": sold_unit(db, office.manager, contract_id, model, "T46-0001"),  # type: ignore[attr-defined]
                           "stock": put_unit(db, office.manager, model, "T46-0002")}
            put_unit(db, office.manager, model, "T46-0003")
            late = sold_unit(db, office.manager, contract_id, model, "T46-0004")
            office.swap["replacement"] = replacements.ship_replacement(  # type: ignore[attr-defined]
                db, office.manager, late, "T46-0003", dt.date(2026, 10, 1)).replacement_id
            replacements.record_received(db, office.manager, office.swap["replacement"], dt.date(2026, 10, 3))
            yield office
        finally:
            db.dispose()


UNITS = st.one_of(st.sampled_from(["sold", "stock", "T46-0002", "t46-0001", "", "NOPE"]), BAD_ID, BAD_TEXT)
DAYS = st.one_of(st.none(), BAD_DATE, WRONG_TYPE)


def unit_ref(office, drawn):
    return office.swap.get(drawn, drawn) if isinstance(drawn, str) else drawn


@drives("equipment.replacements.ship_replacement")
@PROPERTY
@given(actor=ACTORS, old=UNITS, new=UNITS, on=DAYS, note=st.one_of(st.just(""), BAD_TEXT, WRONG_TYPE))
def test_shipping_a_replacement_with_bad_values_ships_it_or_refuses(bad_office, actor, old, new, on, note):
    attempt(bad_office, lambda: replacements.ship_replacement(
        bad_office.db, actor_of(bad_office, actor), unit_ref(bad_office, old), unit_ref(bad_office, new), on, note))


REPLACEMENT = mostly("replacement", BAD_ID)


@drives("equipment.replacements.record_received", "equipment.replacements.old_unit_returned",
        "equipment.replacements.charge_replacement_penalty")
@pytest.mark.parametrize("service", ["record_received", "old_unit_returned", "charge_replacement_penalty"])
@PROPERTY
@given(actor=ACTORS, replacement=REPLACEMENT, on=DAYS, damaged=mostly(False, WRONG_TYPE))
def test_a_replacements_next_step_with_bad_values_is_taken_or_refused(bad_office, service, actor, replacement, on,
                                                                      damaged):
    replacement_id = bad_office.swap["replacement"] if replacement == "replacement" else replacement
    who = actor_of(bad_office, actor)
    calls = {"record_received": lambda: replacements.record_received(bad_office.db, who, replacement_id, on),
             "old_unit_returned": lambda: replacements.old_unit_returned(bad_office.db, who, replacement_id, on,
                                                                         damaged),
             "charge_replacement_penalty": lambda: replacements.charge_replacement_penalty(bad_office.db, who,
                                                                                           replacement_id, on)}
    attempt(bad_office, calls[service])

"""Selling units (issue 11; SC §10.4): the sale's charge (課税10%) in the first month not yet
invoiced, shipping refused until a manager confirms payment, and a sale cancelled before
shipping credited, never edited."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.equipment import UnitAction, UnitStatus, lending_problem, shipping_problem
from reseller_desk.domain.terms import load_profile
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.equipment import holdings, lending
from reseller_desk.services.errors import PermissionDenied, ServiceError, ValidationFailed

from .billing_office import NOVEMBER, OCTOBER, TODAY
from .equipment_lend_builders import (
    PHONE_PRICE,
    bad_input_office,
    charges_of,
    moves_of,
    put_model,
    put_price_change,
    put_units,
    ready_to_bill,
    sale_row,
    sc_contract,
    sh_contract,
    unit_state,
)
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
    BAD_ID,
    BAD_NUMBER,
    PROPERTY,
    WRONG_TYPE,
    actor_of,
    attempt,
    drives,
    mostly,
)

NOV_5 = dt.date(2026, 11, 5)
DESCRIPTION = "機器販売 SIP電話機 PH-100（SN-0001）"


@pytest.fixture
def stock(db, manager):
    model = put_model(db)
    return {"model": model, "units": put_units(db, manager, model, ["SN-0001", "SN-0002"])}


@pytest.fixture
def sc(db, manager, office):
    ready_to_bill(db, manager)
    return sc_contract(db, manager, office, first_billable=dt.date(2026, 9, 1))


def sell(db, actor, contract_id, unit, price=None, on=NOV_5):
    return lending.sell_unit(db, actor, contract_id, unit, price, on, today=TODAY)


def test_a_sale_records_its_taxable_charge_and_leaves_the_unit_awaiting_shipment(db, clerk, stock, sc):
    unit = stock["units"][0]
    result = sell(db, clerk, sc, "SN-0001")
    assert charges_of(db, sc) == [("equipment_sale", DESCRIPTION, PHONE_PRICE, "taxable_10", NOVEMBER, None)]
    assert unit_state(db, unit)[0] is UnitStatus.AWAITING_SHIPMENT and unit_state(db, unit)[2] == sc
    sale = sale_row(db, result.sale_id)
    assert (sale.price, sale.sold_on, sale.charge_id, sale.shipped_on) == (PHONE_PRICE, NOV_5, result.charge_id, None)
    assert "入金を確認してから出荷" in result.message


def test_the_price_is_the_models_price_in_force_in_the_month_unless_one_is_given(db, clerk, stock, sc):
    put_price_change(db, stock["model"], NOVEMBER, 9_800, 400)
    sell(db, clerk, sc, stock["units"][0])
    sell(db, clerk, sc, stock["units"][1], price=5_000)
    assert [c[2] for c in charges_of(db, sc)] == [9_800, 5_000]


def test_units_sell_under_both_profiles(db, clerk, manager, office, stock, sc):
    sh = sh_contract(db, manager, office)
    sell(db, clerk, sc, stock["units"][0])
    sell(db, clerk, sh, stock["units"][1])
    assert unit_state(db, stock["units"][1])[0] is UnitStatus.AWAITING_SHIPMENT


def test_a_unit_not_in_stock_or_a_bad_price_is_refused_and_nothing_is_charged(db, clerk, stock, sc):
    sell(db, clerk, sc, stock["units"][0])
    with pytest.raises(ServiceError) as refused:
        sell(db, clerk, sc, stock["units"][0])
    assert "販売できるのは「在庫」の機器だけです" in str(refused.value)
    with pytest.raises(ValidationFailed) as bad:
        sell(db, clerk, sc, stock["units"][1], price=-1)
    assert "販売価格" in bad.value.errors["price"]
    assert len(charges_of(db, sc)) == 1


def test_shipping_before_payment_is_refused_saying_why(db, clerk, stock, sc):
    sale = sell(db, clerk, sc, stock["units"][0]).sale_id
    with pytest.raises(ServiceError) as refused:
        lending.ship_sale(db, clerk, sale, TODAY, today=TODAY)
    assert str(refused.value) == shipping_problem(False)
    assert unit_state(db, stock["units"][0])[0] is UnitStatus.AWAITING_SHIPMENT


def test_a_manager_confirms_payment_with_a_note_and_then_the_unit_ships(db, clerk, manager, stock, sc):
    unit = stock["units"][0]
    sale = sell(db, clerk, sc, unit).sale_id
    with pytest.raises(PermissionDenied):
        lending.confirm_sale_paid(db, clerk, sale, "振込確認")
    with pytest.raises(ValidationFailed) as no_note:
        lending.confirm_sale_paid(db, manager, sale, "  ")
    assert "入金確認のメモ" in no_note.value.errors["note"]
    lending.confirm_sale_paid(db, manager, sale, "11/18 振込入金を確認")
    with pytest.raises(ServiceError):
        lending.confirm_sale_paid(db, manager, sale, "もう一度")
    result = lending.ship_sale(db, clerk, sale, TODAY, today=TODAY)
    assert unit_state(db, unit) == (UnitStatus.SOLD, "株式会社みらい商事", sc)
    assert sale_row(db, sale).shipped_on == TODAY and sale_row(db, sale).paid_note == "11/18 振込入金を確認"
    assert moves_of(db, unit)[-2:] == [(UnitAction.SELL, UnitStatus.IN_STOCK, UnitStatus.AWAITING_SHIPMENT),
                                       (UnitAction.SHIP, UnitStatus.AWAITING_SHIPMENT, UnitStatus.SOLD)]
    assert "出荷しました" in result.message
    with pytest.raises(ServiceError) as again:
        lending.ship_sale(db, clerk, sale, TODAY, today=TODAY)
    assert "出荷済み" in str(again.value)


def test_a_sale_cancelled_before_invoicing_is_credited_in_the_same_month(db, clerk, manager, stock, sc):
    unit = stock["units"][0]
    sale = sell(db, clerk, sc, unit).sale_id
    with pytest.raises(PermissionDenied):
        lending.cancel_sale(db, clerk, sale, "誤登録", today=TODAY)
    result = lending.cancel_sale(db, manager, sale, "誤登録", today=TODAY)
    assert unit_state(db, unit)[0] is UnitStatus.IN_STOCK and unit_state(db, unit)[2] is None
    assert charges_of(db, sc) == [("equipment_sale", DESCRIPTION, PHONE_PRICE, "taxable_10", NOVEMBER, None),
                                  ("credit", f"{DESCRIPTION}の取消", -PHONE_PRICE, "taxable_10", NOVEMBER, None)]
    assert "請求も取り消しました" in result.message
    with pytest.raises(ServiceError) as gone:
        lending.ship_sale(db, clerk, sale, TODAY, today=TODAY)
    assert "取り消されています" in str(gone.value)


def test_a_sale_cancelled_after_its_invoice_is_credited_in_the_next_unbilled_month(db, clerk, manager, stock, sc):
    sale = sell(db, clerk, sc, stock["units"][0], on=dt.date(2026, 10, 15)).sale_id
    bill_month(db, clerk, OCTOBER, today=TODAY)
    result = lending.cancel_sale(db, manager, sale, "返品（未出荷）", today=TODAY)
    charge, credit = charges_of(db, sc)
    assert charge[4] == OCTOBER and charge[5] is not None
    assert credit[:5] == ("credit", f"{DESCRIPTION}の取消", -PHONE_PRICE, "taxable_10", NOVEMBER)
    assert "請求済みのため、2026年11月分の請求で 12,800円（税抜）を減額します" in result.message


def test_a_shipped_sale_cannot_be_cancelled(db, clerk, manager, stock, sc):
    sale = sell(db, clerk, sc, stock["units"][0]).sale_id
    lending.confirm_sale_paid(db, manager, sale, "現金受領")
    lending.ship_sale(db, clerk, sale, TODAY, today=TODAY)
    with pytest.raises(ServiceError) as refused:
        lending.cancel_sale(db, manager, sale, "返品", today=TODAY)
    assert "出荷済み" in str(refused.value)
    assert unit_state(db, stock["units"][0])[0] is UnitStatus.SOLD


def test_the_charge_month_is_the_events_month_or_the_first_after_the_last_invoiced(db, clerk, stock, sc):
    bill_month(db, clerk, OCTOBER, today=TODAY)
    sell(db, clerk, sc, stock["units"][0], on=dt.date(2026, 10, 25))
    assert charges_of(db, sc)[0][4] == NOVEMBER


def test_the_contract_holds_its_sold_units_with_their_sale_state(db, clerk, manager, stock, sc):
    first = sell(db, clerk, sc, stock["units"][0]).sale_id
    sell(db, clerk, sc, stock["units"][1], on=dt.date(2026, 11, 6))
    lending.confirm_sale_paid(db, manager, first, "振込確認")
    held = holdings.units_of_contract(db, sc)
    assert [(u.serial_number, u.holding, u.sale_state, u.ship_problem is None) for u in held.units] == [
        ("SN-0001", "販売", "出荷待ち", True), ("SN-0002", "販売", "入金待ち", False)]
    assert held.lend_problem == lending_problem(load_profile("simpleconnect"))
    assert held.sell_problem is None
    lending.ship_sale(db, clerk, first, TODAY, today=TODAY)
    assert holdings.units_of_contract(db, sc).units[0].sale_state == "出荷済"


def test_a_sale_quote_gives_the_units_model_and_price_in_force(db, stock):
    quote = holdings.sale_quote(db, "sn-0002", TODAY)
    assert (quote.serial_number, quote.model_name, quote.price, quote.status_label) == (
        "SN-0002", "SIP電話機 PH-100", PHONE_PRICE, "在庫")
    assert holdings.sale_quote(db, "SN-9", TODAY) is None and holdings.sale_quote(db, "", TODAY) is None


# -- bad input ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sale_office(tmp_path_factory):
    """The bad-input office with an SC contract and units in stock."""
    yield from bad_input_office(tmp_path_factory, "bad-sales", "simpleconnect", "sc",
                                [f"SN-PROP-{n}" for n in range(40)])


@drives("equipment.lending.sell_unit", "equipment.lending.confirm_sale_paid", "equipment.lending.ship_sale",
        "equipment.lending.cancel_sale")
@PROPERTY
@given(actor=ACTORS, contract=mostly("mine", st.one_of(BAD_ID, WRONG_TYPE)),
       unit=mostly("next", st.one_of(BAD_ID, st.text(max_size=45))), price=st.one_of(st.none(), BAD_NUMBER),
       on=mostly(TODAY, st.one_of(BAD_DATE, WRONG_TYPE, st.none())), sale=mostly("latest", BAD_ID),
       note=st.one_of(st.text(max_size=20), WRONG_TYPE))
def test_selling_paying_shipping_and_cancelling_with_bad_values_acts_or_refuses(sale_office, actor, contract, unit,
                                                                               price, on, sale, note):
    office, contract_id, made = sale_office
    who = actor_of(office, actor)
    target = contract_id if contract == "mine" else contract
    chosen = made[0] if unit == "next" else unit
    sold: list[int | None] = [None]

    def selling() -> None:
        sold[0] = lending.sell_unit(office.db, who, target, chosen, price, on).sale_id
        made.append(made.pop(0))

    attempt(office, selling)
    sale_id = sold[0] if sale == "latest" else sale
    attempt(office, lambda: lending.confirm_sale_paid(office.db, who, sale_id, note))
    attempt(office, lambda: lending.ship_sale(office.db, who, sale_id, on))
    attempt(office, lambda: lending.cancel_sale(office.db, who, sale_id, note))

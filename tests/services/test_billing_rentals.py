"""Rentals and sales on the real billing run's invoices (issue 11; terms-rules.md §4: a rental
is billed whole for every month the unit is lent on any day, up to the contract's last billable
month; a sale's charge is 課税10% on the next invoice)."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.equipment import lending

from .billing_office import NOVEMBER, OCTOBER, SEPTEMBER, invoices, lines_of
from .equipment_lend_builders import (
    PHONE_PRICE,
    PHONE_RENT,
    put_model,
    put_price_change,
    put_units,
    ready_to_bill,
    sc_contract,
    sh_contract,
)

OCT_BILLED_ON = dt.date(2026, 11, 20)
NOV_BILLED_ON = dt.date(2026, 12, 3)
RENT = ("recurring", "機器レンタル SIP電話機 PH-100（{}）", 1, PHONE_RENT, PHONE_RENT, "taxable_10")


@pytest.fixture
def stock(db, manager):
    ready_to_bill(db, manager)
    model = put_model(db)
    return {"model": model, "units": put_units(db, manager, model, ["SN-0001", "SN-0002"])}


def lend(db, actor, contract_id, unit_id, on):
    lending.lend_unit(db, actor, contract_id, unit_id, on, today=NOV_BILLED_ON)


def rent_lines(db, month: dt.date) -> list[tuple]:
    """The rental lines (kind, description, quantity, unit, amount, tax) of the month's invoices."""
    return [(kind, text, qty, unit, amount, tax)
            for invoice in invoices(db, month)
            for kind, _code, text, qty, unit, amount, tax in lines_of(db, invoice.id) if text.startswith("機器レンタル")]


def rent(serial: str, fee: int = PHONE_RENT) -> tuple:
    kind, text, qty, _unit, _amount, tax = RENT
    return (kind, text.format(serial), qty, fee, fee, tax)


def test_a_unit_lent_on_the_31st_is_billed_the_whole_month(db, clerk, manager, office, stock):
    sh = sh_contract(db, manager, office)
    lend(db, clerk, sh, stock["units"][0], dt.date(2026, 10, 31))
    bill_month(db, clerk, OCTOBER, today=OCT_BILLED_ON)
    assert rent_lines(db, OCTOBER) == [rent("SN-0001")]


def test_a_unit_returned_on_the_1st_is_billed_for_that_month_and_not_after(db, clerk, manager, office, stock):
    sh = sh_contract(db, manager, office)
    lend(db, clerk, sh, stock["units"][0], dt.date(2026, 9, 10))
    lending.end_rental(db, clerk, stock["units"][0], dt.date(2026, 10, 1), today=NOV_BILLED_ON)
    for month in (SEPTEMBER, OCTOBER, NOVEMBER):
        bill_month(db, clerk, month, today=NOV_BILLED_ON)
    assert [len(rent_lines(db, m)) for m in (SEPTEMBER, OCTOBER, NOVEMBER)] == [1, 1, 0]


def test_no_rent_is_billed_after_the_contracts_last_billable_month(db, clerk, manager, office, stock):
    sh = sh_contract(db, manager, office, last_billable=OCTOBER)
    lend(db, clerk, sh, stock["units"][0], dt.date(2026, 9, 10))
    bill_month(db, clerk, OCTOBER, today=NOV_BILLED_ON)
    bill_month(db, clerk, NOVEMBER, today=NOV_BILLED_ON)
    assert rent_lines(db, OCTOBER) == [rent("SN-0001")]
    assert rent_lines(db, NOVEMBER) == []


def test_the_rent_follows_the_models_price_change_from_its_month(db, clerk, manager, office, stock):
    put_price_change(db, stock["model"], NOVEMBER, PHONE_PRICE, 650)
    sh = sh_contract(db, manager, office)
    lend(db, clerk, sh, stock["units"][0], dt.date(2026, 10, 5))
    bill_month(db, clerk, OCTOBER, today=NOV_BILLED_ON)
    bill_month(db, clerk, NOVEMBER, today=NOV_BILLED_ON)
    assert rent_lines(db, OCTOBER) == [rent("SN-0001")]
    assert rent_lines(db, NOVEMBER) == [rent("SN-0001", 650)]


def test_two_units_on_one_contract_are_two_lines(db, clerk, manager, office, stock):
    sh = sh_contract(db, manager, office)
    lend(db, clerk, sh, stock["units"][1], dt.date(2026, 10, 2))
    lend(db, clerk, sh, stock["units"][0], dt.date(2026, 10, 20))
    bill_month(db, clerk, OCTOBER, today=OCT_BILLED_ON)
    assert rent_lines(db, OCTOBER) == [rent("SN-0002"), rent("SN-0001")]
    [invoice] = invoices(db, OCTOBER)
    assert [line[2] for line in lines_of(db, invoice.id)][:1] == ["ライト 月額"]


def test_a_sale_is_a_taxable_line_on_the_next_invoice_and_an_sc_contract_pays_no_rent(db, clerk, manager, office,
                                                                                      stock):
    sc = sc_contract(db, manager, office, first_billable=SEPTEMBER)
    lending.sell_unit(db, clerk, sc, stock["units"][0], on=dt.date(2026, 10, 15), today=OCT_BILLED_ON)
    bill_month(db, clerk, OCTOBER, today=OCT_BILLED_ON)
    [invoice] = invoices(db, OCTOBER)
    sale_lines = [line for line in lines_of(db, invoice.id) if line[2].startswith("機器販売")]
    assert [(text, qty, unit, amount, tax) for _kind, _code, text, qty, unit, amount, tax in sale_lines] == [
        ("機器販売 SIP電話機 PH-100（SN-0001）", 1, PHONE_PRICE, PHONE_PRICE, "taxable_10")]
    assert rent_lines(db, OCTOBER) == []


def test_a_sale_after_its_month_was_invoiced_goes_on_the_next_months_invoice(db, clerk, manager, office, stock):
    sc = sc_contract(db, manager, office, first_billable=SEPTEMBER)
    bill_month(db, clerk, OCTOBER, today=OCT_BILLED_ON)
    lending.sell_unit(db, clerk, sc, stock["units"][0], on=dt.date(2026, 10, 28), today=NOV_BILLED_ON)
    bill_month(db, clerk, NOVEMBER, today=NOV_BILLED_ON)
    [october] = invoices(db, OCTOBER)
    [november] = invoices(db, NOVEMBER)
    assert not [line for line in lines_of(db, october.id) if line[2].startswith("機器販売")]
    assert [line[2] for line in lines_of(db, november.id) if line[2].startswith("機器販売")] == [
        "機器販売 SIP電話機 PH-100（SN-0001）"]

"""Lending units to a contract and taking them back while it runs (issue 11; SH §13, SC has no
rental clause): the unit's status, place and holder stay true, every refusal says why in
Japanese and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from reseller_desk.db.models import Contract, EquipmentModel
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.equipment import UnitAction, UnitStatus, lending_problem
from reseller_desk.domain.terms import load_profile
from reseller_desk.services.equipment import holdings, lending, units
from reseller_desk.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed

from .billing_office import TODAY, count_rows
from .equipment_lend_builders import (
    bad_input_office,
    moves_of,
    put_model,
    put_units,
    rentals_of,
    sc_contract,
    sh_contract,
    unit_state,
)
from .test_bad_input_properties import BAD_DATE, BAD_ID, PROPERTY, WRONG_TYPE, attempt, drives, mostly

NOV_2 = dt.date(2026, 11, 2)


@pytest.fixture
def stock(db, manager):
    model = put_model(db)
    return put_units(db, manager, model, ["SN-0001", "SN-0002", "SN-0003"])


@pytest.fixture
def sh(db, manager, office):
    return sh_contract(db, manager, office)


def lend(db, actor, contract_id, unit, on=NOV_2):
    return lending.lend_unit(db, actor, contract_id, unit, on, today=TODAY)


def test_a_unit_in_stock_lent_to_an_sh_contract_is_out_at_the_customers_with_a_rental(db, clerk, stock, sh):
    result = lend(db, clerk, sh, stock[0])
    assert unit_state(db, stock[0]) == (UnitStatus.LENT, "山田 太郎", sh)
    assert rentals_of(db, stock[0]) == [(sh, NOV_2, None)]
    assert moves_of(db, stock[0]) == [(UnitAction.RECEIVE, None, UnitStatus.IN_STOCK),
                                      (UnitAction.LEND, UnitStatus.IN_STOCK, UnitStatus.LENT)]
    assert "SN-0001" in result.message and "貸し出しました" in result.message


def test_a_serial_scanned_in_full_width_and_lower_case_finds_its_unit(db, clerk, stock, sh):
    result = lend(db, clerk, sh, "ｓｎ－０００２")
    assert result.unit_id == stock[1]
    assert unit_state(db, stock[1])[0] is UnitStatus.LENT


def test_a_serial_no_unit_has_is_refused_beside_the_serial_field(db, clerk, stock, sh):
    with pytest.raises(ValidationFailed) as refused:
        lend(db, clerk, sh, "SN-9999")
    assert "SN-9999" in refused.value.errors["serial"]
    with pytest.raises(ValidationFailed) as blank:
        lend(db, clerk, sh, "  ")
    assert "製造番号" in blank.value.errors["serial"]


def test_lending_under_sc_is_refused_with_the_terms_reason_and_writes_nothing(db, clerk, manager, office, stock):
    sc = sc_contract(db, manager, office)
    with pytest.raises(ServiceError) as refused:
        lend(db, clerk, sc, stock[0])
    assert str(refused.value) == lending_problem(load_profile("simpleconnect"))
    assert unit_state(db, stock[0])[0] is UnitStatus.IN_STOCK
    assert rentals_of(db, stock[0]) == []


@pytest.mark.parametrize("status", [ContractStatus.CANCELLED, ContractStatus.TERMINATED, ContractStatus.REVOKED,
                                    ContractStatus.CANCELLATION_SCHEDULED])
def test_a_contract_ended_revoked_or_ending_takes_no_unit(db, clerk, stock, sh, status):
    with db.transaction(write=True) as session:
        session.execute(update(Contract).where(Contract.id == sh).values(status=status))
    with pytest.raises(ServiceError) as refused:
        lend(db, clerk, sh, stock[0])
    assert status.label in str(refused.value)
    assert unit_state(db, stock[0])[0] is UnitStatus.IN_STOCK


def test_a_unit_lent_cannot_be_lent_again_to_another_contract(db, clerk, manager, office, stock, sh):
    lend(db, clerk, sh, stock[0])
    other = sh_contract(db, manager, office)
    with pytest.raises(units.UnitRefused) as refused:
        lend(db, clerk, other, stock[0])
    assert "貸出できるのは「在庫」の機器だけです" in str(refused.value)
    assert rentals_of(db, stock[0]) == [(sh, NOV_2, None)]


def test_a_lending_day_before_the_contract_formed_or_after_today_is_refused_beside_the_date(db, clerk, stock, sh):
    with pytest.raises(ValidationFailed) as early:
        lend(db, clerk, sh, stock[0], on=dt.date(2026, 8, 19))
    assert "成立日" in early.value.errors["on"]
    with pytest.raises(ValidationFailed) as future:
        lend(db, clerk, sh, stock[0], on=TODAY + dt.timedelta(days=1))
    assert "未来" in future.value.errors["on"]
    assert count_rows(db, EquipmentModel) == 1 and rentals_of(db, stock[0]) == []


def test_lending_needs_a_clerk_or_a_manager_and_an_existing_contract(db, clerk, stock, sh):
    with pytest.raises(PermissionDenied):
        lend(db, None, sh, stock[0])
    with pytest.raises(NotFound):
        lend(db, clerk, 999_999, stock[0])
    with pytest.raises(NotFound):
        lend(db, clerk, sh, 999_999)


def test_a_unit_back_while_the_contract_runs_is_in_stock_again_and_may_be_lent_again(db, clerk, manager, office,
                                                                                     stock, sh):
    lend(db, clerk, sh, stock[0])
    result = lending.end_rental(db, clerk, stock[0], dt.date(2026, 11, 10), today=TODAY)
    assert unit_state(db, stock[0]) == (UnitStatus.IN_STOCK, units.OFFICE_STOCK, None)
    assert rentals_of(db, stock[0]) == [(sh, NOV_2, dt.date(2026, 11, 10))]
    assert "在庫に戻しました" in result.message
    other = sh_contract(db, manager, office)
    lend(db, clerk, other, stock[0], on=dt.date(2026, 11, 12))
    assert [r[0] for r in rentals_of(db, stock[0])] == [sh, other]


def test_a_damaged_unit_back_goes_to_repair(db, clerk, stock, sh):
    lend(db, clerk, sh, stock[0])
    lending.end_rental(db, clerk, stock[0], dt.date(2026, 11, 10), damaged=True, note="液晶割れ", today=TODAY)
    assert unit_state(db, stock[0])[0] is UnitStatus.IN_REPAIR
    assert moves_of(db, stock[0])[-1] == (UnitAction.RETURN_FOR_REPAIR, UnitStatus.LENT, UnitStatus.IN_REPAIR)


def test_a_unit_asked_back_after_the_contract_ended_is_sent_to_the_returns_desk(db, clerk, stock, sh):
    lend(db, clerk, sh, stock[0])
    with db.transaction(write=True) as session:
        units.move(session, clerk, units.load_unit(session, stock[0]), UnitAction.REQUEST_RETURN, TODAY)
    with pytest.raises(ServiceError) as refused:
        lending.end_rental(db, clerk, stock[0], TODAY, today=TODAY)
    assert "返却受付" in str(refused.value)
    assert rentals_of(db, stock[0]) == [(sh, NOV_2, None)]


def test_a_unit_not_lent_or_back_before_it_was_lent_is_refused(db, clerk, stock, sh):
    with pytest.raises(ServiceError) as not_lent:
        lending.end_rental(db, clerk, stock[1], TODAY, today=TODAY)
    assert "貸出中ではありません" in str(not_lent.value)
    lend(db, clerk, sh, stock[0])
    with pytest.raises(ValidationFailed) as early:
        lending.end_rental(db, clerk, stock[0], dt.date(2026, 11, 1), today=TODAY)
    assert "貸出日" in early.value.errors["on"]


def test_the_open_rentals_of_a_contract_are_those_not_back_in_the_order_lent(db, clerk, stock, sh):
    lend(db, clerk, sh, stock[1], on=dt.date(2026, 11, 5))
    lend(db, clerk, sh, stock[0], on=NOV_2)
    lend(db, clerk, sh, stock[2], on=dt.date(2026, 11, 6))
    lending.end_rental(db, clerk, stock[2], dt.date(2026, 11, 7), today=TODAY)
    with db.transaction() as session:
        assert [r.unit_id for r in holdings.open_rentals(session, sh)] == [stock[0], stock[1]]
    held = holdings.units_of_contract(db, sh)
    assert [(u.serial_number, u.holding, u.status_label, u.day) for u in held.units] == [
        ("SN-0001", "貸出", "貸出中", NOV_2), ("SN-0002", "貸出", "貸出中", dt.date(2026, 11, 5))]
    assert held.lend_problem is None


# -- bad input ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lend_office(tmp_path_factory):
    """The bad-input office with an SH contract and a unit in stock."""
    for office, contract, [unit] in bad_input_office(tmp_path_factory, "bad-lending", "sokujitsu", "sh", ["SN-PROP-1"]):
        yield office, contract, unit


ANY_UNIT = mostly("mine", st.one_of(BAD_ID, WRONG_TYPE, st.text(max_size=45)))
ANY_DAY = mostly(TODAY, st.one_of(BAD_DATE, WRONG_TYPE, st.none()))


@drives("equipment.lending.lend_unit", "equipment.lending.end_rental")
@PROPERTY
@given(contract=mostly("mine", st.one_of(BAD_ID, WRONG_TYPE)), unit=ANY_UNIT, on=ANY_DAY,
       note=st.one_of(st.text(max_size=20), WRONG_TYPE), damaged=st.booleans())
def test_lending_and_taking_back_with_bad_values_lends_or_refuses(lend_office, contract, unit, on, note, damaged):
    office, contract_id, unit_id = lend_office
    target = contract_id if contract == "mine" else contract
    chosen = unit_id if unit == "mine" else unit
    attempt(office, lambda: lending.lend_unit(office.db, office.clerk, target, chosen, on))
    attempt(office, lambda: lending.end_rental(office.db, office.clerk, chosen, on, damaged=damaged, note=note))

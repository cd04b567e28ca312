"""A unit's status is true through every move: each allowed move goes where the table says, and
every other move is refused with a Japanese reason (domain.equipment)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.equipment import (
    FINAL_UNIT_STATUSES,
    UnitAction,
    UnitMoveRefused,
    UnitStatus,
    allowed_actions,
    lending_problem,
    mac_problem,
    normalise_mac,
    normalise_serial,
    rental_billed_in,
    replacement_problem,
    return_deadline,
    serial_problem,
    shipping_problem,
    transition,
    warranty_ends_on,
)
from reseller_desk.domain.terms import load_profile

SC, SH = load_profile("simpleconnect"), load_profile("sokujitsu")
S, A = UnitStatus, UnitAction
ALLOWED = {
    (S.IN_STOCK, A.LEND): S.LENT, (S.LENT, A.REQUEST_RETURN): S.AWAITING_RETURN, (S.LENT, A.RETURN): S.IN_STOCK,
    (S.LENT, A.RETURN_FOR_REPAIR): S.IN_REPAIR, (S.AWAITING_RETURN, A.RETURN): S.IN_STOCK,
    (S.AWAITING_RETURN, A.RETURN_FOR_REPAIR): S.IN_REPAIR, (S.IN_STOCK, A.SELL): S.AWAITING_SHIPMENT,
    (S.AWAITING_SHIPMENT, A.SHIP): S.SOLD, (S.AWAITING_SHIPMENT, A.CANCEL_SALE): S.IN_STOCK,
    (S.IN_STOCK, A.SHIP_REPLACEMENT): S.SOLD, (S.SOLD, A.AWAIT_REPLACED_UNIT): S.AWAITING_RETURN,
    (S.IN_STOCK, A.SEND_TO_REPAIR): S.IN_REPAIR, (S.IN_REPAIR, A.REPAIRED): S.IN_STOCK,
    (S.LENT, A.DECLARE_LOST): S.LOST, (S.AWAITING_RETURN, A.DECLARE_LOST): S.LOST, (S.IN_STOCK, A.DECLARE_LOST): S.LOST,
    (S.IN_STOCK, A.DISPOSE): S.DISPOSED, (S.IN_REPAIR, A.DISPOSE): S.DISPOSED,
}


@pytest.mark.parametrize(("status", "action"), list(itertools.product(UnitStatus, UnitAction)))
def test_every_move_goes_where_the_table_says_or_is_refused_in_japanese(status, action):
    if (status, action) in ALLOWED:
        assert transition(status, action) is ALLOWED[status, action]
        assert action in allowed_actions(status)
        return
    with pytest.raises(UnitMoveRefused) as refused:
        transition(status, action)
    assert refused.value.status is status and refused.value.action is action
    assert status.label in str(refused.value) and action.label in str(refused.value)
    assert action not in allowed_actions(status)


def test_lost_and_disposed_units_have_left_the_stock_for_good():
    assert all(allowed_actions(status) == () for status in FINAL_UNIT_STATUSES)
    assert "在庫から外れている" in str(pytest.raises(UnitMoveRefused, transition, S.LOST, A.RETURN).value)


def test_serials_and_macs_are_stored_in_one_form():
    assert normalise_serial(" ｓｎ－００１２ ab ") == "SN-0012AB"
    assert serial_problem("SN 01") is None and serial_problem("") and serial_problem("SN#1") and serial_problem("A" * 41)
    assert {normalise_mac(m) for m in ("001a2b3c4d5e", "00-1A-2B-3C-4D-5E", "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e")} \
        == {"00:1A:2B:3C:4D:5E"}
    assert normalise_mac("  ") == "" and mac_problem("") is None and mac_problem(None) is None
    assert "12桁の16進数" in mac_problem("00:1A:2B:3C:4D")
    assert mac_problem("00:1A:2B") and mac_problem("00:1A:2B:3C:4D:5E:6F") and mac_problem("00:1A:2B:3C:4D:5G")


def test_a_rental_is_billed_for_every_month_lent_on_any_day_up_to_the_last_billable_month():
    oct_, nov, dec = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
    lent, back = dt.date(2026, 10, 31), dt.date(2026, 12, 1)
    assert [rental_billed_in(m, lent, back, None) for m in (dt.date(2026, 9, 1), oct_, nov, dec)] == \
        [False, True, True, True]                                    # a day in October, a day in December
    assert not rental_billed_in(dt.date(2027, 1, 1), lent, back, None)
    assert [rental_billed_in(m, lent, None, nov) for m in (oct_, nov, dec)] == [True, True, False]  # not after the end


def test_lending_needs_a_rental_clause_and_the_deadline_moves_to_the_next_open_day():
    assert lending_problem(SH) is None and "貸出できません" in lending_problem(SC)
    company = BusinessCalendar.company()
    assert return_deadline(SH, company, dt.date(2026, 10, 31)) == dt.date(2026, 11, 16)   # 11/14 Sat → Mon 16th
    assert return_deadline(SH, company, dt.date(2027, 1, 31), 14) == dt.date(2027, 2, 15)  # 2/14 is a Sunday
    with pytest.raises(ValueError, match="貸出できません"):
        return_deadline(SC, company, dt.date(2026, 10, 31))


def test_a_sale_ships_only_once_paid_and_a_warranty_replacement_only_under_sc_within_the_warranty():
    assert shipping_problem(True) is None and "SC §10.4" in shipping_problem(False)
    shipped = dt.date(2026, 1, 31)
    assert warranty_ends_on(shipped, 12) == dt.date(2027, 1, 31)              # 民法 §140, §143
    assert warranty_ends_on(dt.date(2026, 3, 31), 11) == dt.date(2027, 2, 28)
    assert warranty_ends_on(dt.date(2026, 1, 30), 1) == dt.date(2026, 2, 28)   # from 1/31: no 2/31
    assert warranty_ends_on(dt.date(2027, 12, 31), 2) == dt.date(2028, 2, 29)
    assert replacement_problem(SC, shipped, 12, dt.date(2027, 1, 31)) is None
    assert "終了" in replacement_problem(SC, shipped, 12, dt.date(2027, 2, 1))
    assert "保証交換の定め" in replacement_problem(SH, shipped, 12, dt.date(2026, 2, 1))
    assert "出荷していない" in replacement_problem(SC, None, 12, dt.date(2026, 2, 1))

"""The late-return penalty (SH §13.5) as the rules engine counts it, across month ends, on the next
billing run's invoice (不課税), reduced or waived by a manager, and never under SimpleConnect."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from reseller_desk.db.models import AuditEntry
from reseller_desk.domain import rules
from reseller_desk.domain.terms import load_profile
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.contracts.acting import load
from reseller_desk.services.equipment import charging, penalties, returns
from reseller_desk.services.errors import PermissionDenied, ValidationFailed

from .billing_office import customer, invoices, lines_of, put_contract, with_transfer_account
from .equipment_return_builders import (
    cancel,
    charges_of,
    lent_unit,
    phone_model,
    requests_of,
    with_deadline,
)

LENT = dt.date(2026, 11, 20)
ENDS = dt.date(2026, 12, 10)
BASE = 1980 + 500
SH = load_profile("sokujitsu")


@pytest.fixture
def phone(db):
    return phone_model(db)


@pytest.fixture
def ended(db, manager, sh_open, phone):
    """山田's 即日発番 contract with one phone lent, cancelled on 2026-12-10 (deadline 12-24)."""
    lent_unit(db, manager, phone["model"], sh_open, "SN-0001", LENT)
    cancel(db, manager, sh_open, ENDS)
    return sh_open


def everything(phone) -> set[int]:
    return {phone["ac"], phone["handset"]}


@pytest.mark.parametrize(("deadline", "returned", "months"), [
    (dt.date(2026, 12, 24), dt.date(2026, 12, 24), 0),      # on the day
    (dt.date(2026, 12, 24), dt.date(2026, 12, 25), 1),      # the day after
    (dt.date(2026, 12, 24), dt.date(2027, 3, 24), 3),       # exactly three months later
    (dt.date(2026, 12, 24), dt.date(2027, 3, 25), 4),       # three months and a day
    (dt.date(2026, 12, 31), dt.date(2027, 1, 1), 1),        # a deadline on the 31st
    (dt.date(2026, 12, 31), dt.date(2027, 1, 31), 1),
    (dt.date(2026, 12, 31), dt.date(2027, 2, 1), 2),
    (dt.date(2026, 12, 31), dt.date(2027, 2, 28), 2),       # February has no 31st: its last day ends month 2
    (dt.date(2026, 12, 31), dt.date(2027, 3, 1), 3),
    (dt.date(2027, 1, 31), dt.date(2027, 2, 28), 1),
    (dt.date(2027, 1, 31), dt.date(2027, 3, 1), 2),
    (dt.date(2027, 4, 30), dt.date(2027, 5, 30), 1),        # a month of 30 days
    (dt.date(2027, 4, 30), dt.date(2027, 5, 31), 2),
    (dt.date(2028, 1, 31), dt.date(2028, 2, 29), 1),        # a leap year
    (dt.date(2028, 1, 31), dt.date(2028, 3, 1), 2),
    (dt.date(2027, 12, 31), dt.date(2028, 2, 29), 2),
    (dt.date(2027, 12, 31), dt.date(2028, 3, 1), 3),
])
def test_the_penalty_charged_on_return_is_the_rules_engines_across_month_ends(db, manager, ended, phone, deadline,
                                                                             returned, months):
    with_deadline(db, ended, deadline)
    result = returns.receive_return(db, manager, "SN-0001", returned, everything(phone), today=returned)
    expected = months * 2 * BASE
    assert result.penalty == expected == rules.late_return_penalty(SH, BASE, deadline, returned)
    charged = [c for c in charges_of(db, ended) if c[0] == "late_return_penalty"]
    assert charged == ([("late_return_penalty", f"機器返却遅延損害金（{code(db, ended)}、{months}カ月）", expected, "outside",
                         returned.replace(day=1))] if months else [])
    assert requests_of(db, ended)[0].penalty_computed == expected


def test_the_penalty_goes_on_the_next_billing_runs_invoice_outside_tax(db, manager, ended, phone):
    with_transfer_account(db, manager)
    bill_month(db, manager, dt.date(2026, 12, 1), today=dt.date(2027, 1, 5))
    december = invoices(db, dt.date(2026, 12, 1))[0]
    assert ("recurring", code(db, ended), "機器レンタル Yealink T58W（SN-0001）", 1, 500, 500, "taxable_10") in lines_of(
        db, december.id)
    # back on 12-28 (one month late), recorded once December is invoiced: the charge goes on January
    back, recorded = dt.date(2026, 12, 28), dt.date(2027, 1, 6)
    returns.receive_return(db, manager, "SN-0001", back, {phone["ac"]}, today=recorded)
    assert [c[4] for c in charges_of(db, ended)] == [dt.date(2027, 1, 1)] * 2
    bill_month(db, manager, dt.date(2027, 1, 1), today=dt.date(2027, 2, 2))
    [january] = invoices(db, dt.date(2027, 1, 1))
    lines = lines_of(db, january.id)
    assert ("fixed", code(db, ended), f"機器返却遅延損害金（{code(db, ended)}、1カ月）", 1, 2 * BASE, 2 * BASE,
            "outside") in lines
    assert ("fixed", code(db, ended), "付属品不足 受話器（SN-0001）", 1, 2500, 2500, "outside") in lines
    assert not any("機器レンタル" in line[2] for line in lines)   # no rent after the contract's last month
    assert (january.outside, january.taxable_10) == (2 * BASE + 2500, 0)


def test_a_manager_waives_the_penalty_with_a_reason_kept_in_the_audit_log(db, manager, ended, phone):
    day = dt.date(2027, 1, 10)
    assert penalties.set_penalty(db, manager, requests_of(db, ended)[0].id, 0, "台風による配送遅延のため", today=day) == 0
    assert returns.open_returns(db, today=day)[0].penalty_so_far == 0
    result = returns.receive_return(db, manager, "SN-0001", day, everything(phone), today=day)
    assert result.penalty == 0
    assert charges_of(db, ended) == []
    request = requests_of(db, ended)[0]
    assert (request.penalty_computed, request.penalty_charged, request.penalty_reason) == (
        2 * BASE, 0, "台風による配送遅延のため")
    with db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "return_request.penalty")).one()
        assert json.loads(entry.before)["penalty_so_far"] == 2 * BASE
        assert json.loads(entry.after) == {"penalty_charged": 0, "penalty_reason": "台風による配送遅延のため"}


def test_a_reduced_penalty_is_charged_at_the_amount_the_manager_set(db, manager, ended, phone):
    day = dt.date(2027, 2, 10)    # two months late: 9,920
    request_id = requests_of(db, ended)[0].id
    penalties.set_penalty(db, manager, request_id, 3000, "初回のため減額", today=day)
    returns.declare_lost(db, manager, request_id, day, today=day)
    assert [(c[0], c[2]) for c in charges_of(db, ended)] == [("replacement", 18000), ("late_return_penalty", 3000)]


def test_only_a_manager_may_reduce_a_penalty_and_only_with_a_reason_and_not_above_it(db, manager, clerk, ended):
    day = dt.date(2027, 1, 10)
    request_id = requests_of(db, ended)[0].id
    with pytest.raises(PermissionDenied):
        penalties.set_penalty(db, clerk, request_id, 0, "理由", today=day)
    with pytest.raises(ValidationFailed) as refused:
        penalties.set_penalty(db, manager, request_id, 0, "  ", today=day)
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        penalties.set_penalty(db, manager, request_id, 2 * BASE + 1, "理由", today=day)
    assert "4,960円" in refused.value.errors["amount"]
    assert requests_of(db, ended)[0].penalty_charged is None


def test_the_penalty_base_is_the_contracts_recurring_charges_in_its_last_month(db, manager, ended):
    with db.transaction() as session:
        contract = load(session, ended)
        assert penalties.monthly_charges_at_end(session, contract, SH) == BASE


def test_a_charge_goes_on_the_first_month_not_yet_invoiced(db, manager, ended):
    with_transfer_account(db, manager)
    with db.transaction() as session:
        contract = load(session, ended)
        assert charging.charge_month(session, contract, dt.date(2026, 12, 28)) == dt.date(2026, 12, 1)
    bill_month(db, manager, dt.date(2026, 12, 1), today=dt.date(2027, 1, 5))
    with db.transaction() as session:
        contract = load(session, ended)
        assert charging.charge_month(session, contract, dt.date(2026, 12, 28)) == dt.date(2027, 1, 1)
        assert charging.charge_month(session, contract, dt.date(2027, 3, 3)) == dt.date(2027, 3, 1)


def test_a_simpleconnect_contract_never_gets_a_late_penalty(db, manager, office, phone):
    """SC has no rental clause (lending is refused); a unit out under SC anyway comes back without one."""
    yamada = customer(db, manager)
    contract_id, _ = put_contract(db, yamada, "simpleconnect", plans=[(office["sc"], 1, dt.date(2026, 10, 1), None)],
                                  first_billable=dt.date(2026, 10, 1), last_billable=dt.date(2026, 12, 1))
    lent_unit(db, manager, phone["model"], contract_id, "SC-0001", dt.date(2026, 10, 1))
    with db.transaction(write=True) as session:
        returns.contract_ended(session, manager, load(session, contract_id),
                               SimpleNamespace(effective_on=dt.date(2026, 12, 31)))
    late = dt.date(2027, 4, 1)
    assert returns.open_returns(db, today=late)[0].penalty_so_far == 0
    assert returns.receive_return(db, manager, "SC-0001", late, everything(phone), today=late).penalty == 0
    assert charges_of(db, contract_id) == []


def code(db, contract_id: int) -> str:
    with db.transaction() as session:
        return load(session, contract_id).customer_code

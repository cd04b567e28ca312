"""The services of returns driven with bad values (tests.services.test_bad_input_properties): each
call saves what is in bounds or refuses in Japanese and writes nothing. Every example gets a late
return of its own (a 即日発番 contract ended 2026-11-01 with a phone out)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.services.contracts.acting import load
from reseller_desk.services.equipment import penalties, return_notices, returns

from .billing_office import put_contract
from .equipment_return_builders import lent_unit, phone_model, requests_of
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    BAD_DATE,
    BAD_ID,
    BAD_NUMBER,
    BAD_TEXT,
    PROPERTY,
    TODAY,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
)


@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-returns") / "desk.sqlite3", create=True)
        try:
            yield Office(db)
        finally:
            db.dispose()


_serials = itertools.count(1)
_models: dict[int, dict[str, int]] = {}


def late_return(office: Office) -> tuple[int, str, dict[str, int]]:
    """A fresh open return, late on TODAY: its request id, the unit's serial, the model's ids."""
    db = office.db
    with clock.frozen(TODAY):
        phone = _models.get(id(db)) or _models.setdefault(id(db), phone_model(db, code=f"BAD-{id(db)}"))
        contract_id, _ = put_contract(db, office.customer_id, "sokujitsu",
                                      plans=[(office.plans["sh"], 1, dt.date(2026, 10, 1), dt.date(2026, 11, 1))],
                                      first_billable=dt.date(2026, 10, 1), last_billable=dt.date(2026, 11, 1))
        serial = f"BAD-{next(_serials):05d}"
        lent_unit(db, office.manager, phone["model"], contract_id, serial, dt.date(2026, 10, 1))
        with db.transaction(write=True) as session:
            returns.contract_ended(session, office.manager, load(session, contract_id),
                                   SimpleNamespace(effective_on=dt.date(2026, 11, 1)))
    return requests_of(db, contract_id)[0].id, serial, phone


ACCESSORIES = st.one_of(st.sets(st.integers(-3, 10**6)), st.lists(ANY_BAD, max_size=3), ANY_BAD)


@drives("equipment.returns.receive_return")
@PROPERTY
@given(actor=ACTORS, which=st.integers(0, 3), on=mostly(TODAY, BAD_DATE), accessories=mostly("all", ACCESSORIES),
       note=mostly("", BAD_TEXT), cost=mostly(0, BAD_NUMBER))
def test_receiving_a_return_with_bad_values_saves_it_cleaned_or_refuses_it(bad_office, actor, which, on, accessories,
                                                                          note, cost):
    office = bad_office
    request_id, serial, phone = late_return(office)
    key = {0: serial, 1: request_id, 2: serial.lower()}.get(which, "\udcff")
    back = {phone["ac"], phone["handset"]} if accessories == "all" else accessories
    attempt(office, lambda: returns.receive_return(office.db, actor_of(office, actor), key, on, back, note, cost))


@drives("equipment.returns.declare_lost")
@PROPERTY
@given(actor=ACTORS, request=mostly("mine"), on=mostly(TODAY, BAD_DATE), amount=mostly(None, BAD_NUMBER),
       reason=mostly("", BAD_TEXT))
def test_declaring_a_unit_lost_with_bad_values_saves_it_cleaned_or_refuses_it(bad_office, actor, request, on, amount,
                                                                             reason):
    office = bad_office
    request_id, _, _ = late_return(office)
    target = request_id if request == "mine" else request
    attempt(office, lambda: returns.declare_lost(office.db, actor_of(office, actor), target, on, amount, reason))


@drives("equipment.penalties.set_penalty")
@PROPERTY
@given(actor=ACTORS, request=mostly("mine"), amount=mostly(0, BAD_NUMBER), reason=mostly("配送遅延のため", BAD_TEXT))
def test_reducing_a_penalty_with_bad_values_saves_it_cleaned_or_refuses_it(bad_office, actor, request, amount, reason):
    office = bad_office
    request_id, _, _ = late_return(office)
    target = request_id if request == "mine" else request
    attempt(office, lambda: penalties.set_penalty(office.db, actor_of(office, actor), target, amount, reason))


@drives("equipment.return_notices.send_reminders")
@PROPERTY
@given(actor=ACTORS, ids=mostly("mine", st.one_of(BAD_ID, st.lists(BAD_ID, max_size=3))))
def test_sending_reminders_with_bad_values_issues_them_or_refuses(bad_office, actor, ids):
    office = bad_office
    request_id, _, _ = late_return(office)
    chosen = [request_id] if ids == "mine" else ids
    attempt(office, lambda: return_notices.send_reminders(office.db, actor_of(office, actor), chosen))

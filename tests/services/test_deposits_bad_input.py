"""The deposit services driven with bad values (tests.services.test_bad_input_properties): each
call records what is in bounds or refuses in Japanese and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.services.payments import deposits as dep

from .builders import sc_input
from .contract_builders import approved
from .deposit_builders import an_office_account, billed, ended
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
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

DEADLINE = dt.date(2026, 12, 10)


@pytest.fixture(scope="module")
def deposit_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own: a SimpleConnect contract billed 45,000 yen
    (a candidate), and one asked for a deposit, received, whose contract has ended."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-deposits") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            an_office_account(db, office.manager)
            office.candidate = approved(db, office.manager, sc_input(office.plans), today=TODAY)
            billed(db, office.candidate, recurring=45_000)
            ending = approved(db, office.manager, sc_input(office.plans), today=TODAY)
            billed(db, ending, recurring=45_000, month=dt.date(2026, 10, 1))
            office.deposit_id = dep.request_deposit(db, office.manager, ending, 90_000, DEADLINE,
                                                    month=dt.date(2026, 10, 1), today=TODAY).deposit_id
            dep.record_deposit_received(db, office.manager, office.deposit_id, TODAY, 90_000, today=TODAY)
            ended(db, office.manager, ending)
            yield office
        finally:
            db.dispose()


def _deposit(office: Office, value: object) -> object:
    return office.deposit_id if value == "mine" else value


@drives("payments.deposits.request_deposit")
@PROPERTY
@given(actor=ACTORS, contract=mostly("mine"), amount=mostly(90_000, BAD_NUMBER), deadline=mostly(DEADLINE, BAD_DATE),
       note=mostly("", BAD_TEXT), month=mostly(None, BAD_DATE))
def test_asking_for_a_deposit_with_bad_values_asks_or_refuses(deposit_office, actor, contract, amount, deadline, note,
                                                             month):
    office = deposit_office
    target = office.candidate if contract == "mine" else contract
    attempt(office, lambda: dep.request_deposit(office.db, actor_of(office, actor), target, amount, deadline,
                                                note=note, month=month, today=TODAY))


@drives("payments.deposits.record_deposit_received")
@PROPERTY
@given(actor=ACTORS, deposit=mostly("mine"), on=mostly(TODAY, BAD_DATE), amount=mostly(1_000, BAD_NUMBER),
       note=mostly("", BAD_TEXT))
def test_recording_a_deposit_received_with_bad_values_records_it_or_refuses(deposit_office, actor, deposit, on,
                                                                           amount, note):
    office = deposit_office
    attempt(office, lambda: dep.record_deposit_received(office.db, actor_of(office, actor), _deposit(office, deposit),
                                                        on, amount, note=note, today=TODAY))


@drives("payments.deposits.cancel_deposit")
@PROPERTY
@given(actor=ACTORS, deposit=mostly("mine"), note=mostly("金額の誤り", BAD_TEXT))
def test_cancelling_a_deposit_with_bad_values_cancels_it_or_refuses(deposit_office, actor, deposit, note):
    office = deposit_office
    attempt(office, lambda: dep.cancel_deposit(office.db, actor_of(office, actor), _deposit(office, deposit),
                                               note=note, today=TODAY))


@drives("payments.deposits.settle_deposit", "payments.deposits.refund_deposit")
@PROPERTY
@given(actor=ACTORS, deposit=mostly("mine"), on=mostly(TODAY, BAD_DATE), note=mostly("振込で返還", BAD_TEXT))
def test_settling_and_refunding_a_deposit_with_bad_values_does_it_or_refuses(deposit_office, actor, deposit, on, note):
    office = deposit_office
    who, target = actor_of(office, actor), _deposit(office, deposit)
    attempt(office, lambda: dep.settle_deposit(office.db, who, target, on=on, today=TODAY))
    attempt(office, lambda: dep.refund_deposit(office.db, who, target, on, note, today=TODAY))

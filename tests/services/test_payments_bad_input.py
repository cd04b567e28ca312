"""The payment ledger's services driven with bad values (tests.services.test_bad_input_properties):
each call records what is in bounds or refuses in Japanese and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.domain.payments import ReceiptMethod
from reseller_desk.services.payments import ledger

from .payment_builders import an_invoice
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
def money_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own, with an open invoice of its customer."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-payments") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            office.invoice_id, _ = an_invoice(db, office.customer_id, month=dt.date(2026, 10, 1),
                                              due=dt.date(2026, 11, 10))
            yield office
        finally:
            db.dispose()


METHODS = mostly(ReceiptMethod.TRANSFER, st.one_of(st.sampled_from(list(ReceiptMethod)), ANY_BAD))


@drives("payments.ledger.record_payment")
@PROPERTY
@given(actor=ACTORS, customer=mostly("mine"), on=mostly(TODAY, BAD_DATE), amount=mostly(1000, BAD_NUMBER),
       method=METHODS, payer=mostly("ｶ)ﾐﾗｲｼｮｳｼﾞ", BAD_TEXT), note=mostly("", BAD_TEXT),
       invoices=mostly(None, st.one_of(BAD_ID, st.lists(BAD_ID, max_size=3))))
def test_recording_a_payment_with_bad_values_records_it_or_refuses(money_office, actor, customer, on, amount, method,
                                                                  payer, note, invoices):
    office = money_office
    target = office.customer_id if customer == "mine" else customer
    attempt(office, lambda: ledger.record_payment(office.db, actor_of(office, actor), target, received_on=on,
                                                  amount=amount, method=method, payer_name=payer, note=note,
                                                  invoice_ids=invoices, today=TODAY))


def a_receipt(office: Office) -> int:
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        return ledger.record_payment(office.db, office.clerk, office.customer_id, received_on=TODAY, amount=100,
                                     today=TODAY).payment_id


@drives("payments.ledger.reverse_payment")
@PROPERTY
@given(actor=ACTORS, payment=mostly("mine"), reason=mostly("誤入力", BAD_TEXT), on=mostly(TODAY, BAD_DATE))
def test_reversing_a_payment_with_bad_values_reverses_it_or_refuses(money_office, actor, payment, reason, on):
    office = money_office
    target = a_receipt(office) if payment == "mine" else payment
    attempt(office, lambda: ledger.reverse_payment(office.db, actor_of(office, actor), target, reason=reason, on=on,
                                                   today=TODAY))


@drives("payments.ledger.apply_credit")
@PROPERTY
@given(actor=ACTORS, customer=mostly("mine"), invoices=mostly(None, st.one_of(BAD_ID, st.lists(BAD_ID, max_size=3))),
       on=mostly(TODAY, BAD_DATE))
def test_applying_credit_with_bad_values_applies_it_or_refuses(money_office, actor, customer, invoices, on):
    office = money_office
    target = office.customer_id if customer == "mine" else customer
    attempt(office, lambda: ledger.apply_credit(office.db, actor_of(office, actor), target, invoice_ids=invoices,
                                                on=on, today=TODAY))


@drives("payments.ledger.refund_credit")
@PROPERTY
@given(actor=ACTORS, customer=mostly("mine"), amount=mostly(1, BAD_NUMBER), on=mostly(TODAY, BAD_DATE),
       note=mostly("返金済み", BAD_TEXT), method=METHODS)
def test_refunding_credit_with_bad_values_refunds_it_or_refuses(money_office, actor, customer, amount, on, note,
                                                                method):
    office = money_office
    target = office.customer_id if customer == "mine" else customer
    attempt(office, lambda: ledger.refund_credit(office.db, actor_of(office, actor), target, amount, on=on, note=note,
                                                 method=method, today=TODAY))

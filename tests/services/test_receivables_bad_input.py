"""Write-offs, the month-end late interest and its waiver driven with bad values
(tests.services.test_bad_input_properties): each call records what is in bounds or refuses in
Japanese and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import LateInterest
from reseller_desk.domain.payments import WriteOffAccount
from reseller_desk.services.payments import interest, ledger, write_offs

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

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture(scope="module")
def late_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own: a late invoice of its customer paid in part
    (so it has late interest and a shortfall)."""
    with clock.frozen(NOW):
        db = Database.open(tmp_path_factory.mktemp("bad-receivables") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            office.invoice_id, total = an_invoice(db, office.customer_id, month=dt.date(2026, 9, 1),
                                                  due=dt.date(2026, 10, 10))
            ledger.record_payment(db, office.clerk, office.customer_id, received_on=TODAY, amount=total // 2,
                                  today=TODAY)
            yield office
        finally:
            db.dispose()


def _late_interest(office: Office) -> int:
    """A late-interest row not yet waived: the part payment's, or (once an earlier example waived
    it) one more put on file as the hook writes it, without a charge."""
    with office.db.transaction(write=True) as session:
        found = session.scalar(select(LateInterest.id).where(LateInterest.waived_on.is_(None)))
        if found is None:
            last = session.scalar(select(LateInterest).order_by(LateInterest.period_to).limit(1))
            assert last is not None
            row = LateInterest(invoice_id=last.invoice_id, customer_id=last.customer_id, principal=100,
                               period_from=last.period_to - dt.timedelta(days=1),
                               period_to=last.period_to - dt.timedelta(days=1), days=1,
                               annual_rate=last.annual_rate, amount=1, assessed_on=TODAY)
            session.add(row)
            session.flush()
            found = row.id
        return found


@drives("payments.write_offs.write_off")
@PROPERTY
@given(actor=ACTORS, invoice=mostly("mine"), amount=mostly(1, BAD_NUMBER),
       account=mostly(WriteOffAccount.MISC_LOSS, st.one_of(st.sampled_from(list(WriteOffAccount)), ANY_BAD)),
       note=mostly("振込手数料の差引", BAD_TEXT), on=mostly(TODAY, BAD_DATE))
def test_writing_off_with_bad_values_writes_off_or_refuses(late_office, actor, invoice, amount, account, note, on):
    office = late_office
    target = office.invoice_id if invoice == "mine" else invoice
    attempt(office, lambda: write_offs.write_off(office.db, actor_of(office, actor), target, amount, account=account,
                                                 note=note, on=on, today=TODAY))


@drives("payments.interest.assess_month_end")
@PROPERTY
@given(actor=ACTORS, month_end=mostly(dt.date(2026, 10, 31), st.one_of(BAD_DATE, st.just(dt.date(2026, 10, 30)))))
def test_the_month_end_interest_with_bad_values_is_assessed_or_refused(late_office, actor, month_end):
    office = late_office
    attempt(office, lambda: interest.assess_month_end(office.db, actor_of(office, actor), month_end, today=TODAY))


@drives("payments.interest.waive_interest")
@PROPERTY
@given(actor=ACTORS, row=mostly("mine", BAD_ID), reason=mostly("初回のため", BAD_TEXT))
def test_waiving_interest_with_bad_values_waives_it_or_refuses(late_office, actor, row, reason):
    office = late_office
    target = _late_interest(office) if row == "mine" else row
    attempt(office, lambda: interest.waive_interest(office.db, actor_of(office, actor), target, reason, today=TODAY))

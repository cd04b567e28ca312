"""The 口座振替 services driven with bad values and garbage bytes (tests.services.test_bad_input_properties):
each call does what is in bounds or refuses in Japanese and writes nothing; a result file that is
not exactly the bank's answer to a request applies nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.services.payments import debit, debit_results, debit_settings

from .debit_builders import COLLECTION, OFFICE, a_debit_contract, a_debit_invoice, a_debit_office, bank_result
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    BAD_DATE,
    BAD_NUMBER,
    BAD_TEXT,
    PROPERTY,
    TODAY,
    VERSION,
    WRONG_TYPE,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    version,
)


@pytest.fixture(scope="module")
def debit_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office with 口座振替 set up, a request file written for COLLECTION (kept as
    ``office.request`` / ``office.result``) and another invoice due the day after."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-debit") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            a_debit_office(db, office.manager)
            _, code = a_debit_contract(db, office.customer_id, holder="ヤマダ タロウ")
            a_debit_invoice(db, office.customer_id, code, month=dt.date(2026, 10, 1))
            a_debit_invoice(db, office.customer_id, code, due=COLLECTION + dt.timedelta(days=1),
                            month=dt.date(2026, 9, 1))
            office.request = debit.export_debit(db, office.manager, COLLECTION).data
            office.result = bank_result(office.request, {1: 1})
            yield office
        finally:
            db.dispose()


@st.composite
def spoiled_file(draw: st.DrawFn, valid: bytes) -> bytes:
    """``valid`` with a few bytes changed, cut or added."""
    data = bytearray(valid)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["change", "cut", "add"]))
        if action == "change":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at]
        else:
            data.insert(at, draw(st.integers(0, 255)))
    return bytes(data)


@drives("payments.debit.export_debit")
@PROPERTY
@given(actor=ACTORS, day=mostly(COLLECTION + dt.timedelta(days=1), st.one_of(BAD_DATE, st.just(COLLECTION))),
       name=mostly("irai.dat", BAD_TEXT))
def test_exporting_with_bad_values_writes_the_file_or_refuses(debit_office, actor, day, name):
    office = debit_office
    attempt(office, lambda: debit.export_debit(office.db, actor_of(office, actor), day, file_name=name))


@drives("payments.debit_results.import_debit_result")
@PROPERTY
@given(actor=ACTORS, data=st.data(), name=mostly("kekka.dat", BAD_TEXT), today=mostly(TODAY, BAD_DATE))
def test_importing_garbage_or_a_spoiled_result_applies_nothing_or_the_whole_file(debit_office, actor, data, name,
                                                                                today):
    office = debit_office
    content = data.draw(st.one_of(st.binary(max_size=700), spoiled_file(office.result), spoiled_file(office.request),
                                  WRONG_TYPE, st.just(office.request)))
    attempt(office, lambda: debit_results.import_debit_result(office.db, actor_of(office, actor), content,
                                                              file_name=name, today=today))


@drives("payments.debit_settings.save_debit_settings")
@PROPERTY
@given(actor=ACTORS, values=st.fixed_dictionaries({k: mostly(v, ANY_BAD) for k, v in OFFICE.items()}),
       shown=VERSION, days=mostly(14, BAD_NUMBER))
def test_saving_the_debit_settings_with_bad_values_saves_them_cleaned_or_refuses(debit_office, actor, values, shown,
                                                                                  days):
    office = debit_office
    shown_version = version(shown, lambda: debit_settings.debit_settings(office.db).version)
    details = {**values, "failed_debit_pay_days": days}
    attempt(office, lambda: debit_settings.save_debit_settings(office.db, actor_of(office, actor), details,
                                                               expected_version=shown_version))

"""Numbers issued once and never reused: 申込番号 follow the year the application was received
and restart at 000001 each year, 文書番号 the year the notice is issued (per kind), and the
カスタマID never restarts; a number taken in a transaction that rolls back was never issued."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reseller_desk.services import applications as apps
from reseller_desk.services import numbering
from reseller_desk.services.errors import ValidationFailed
from tests.versions import application_now

from .builders import sc_input, sh_input

DEC_30, DEC_31 = dt.date(2026, 12, 30), dt.date(2026, 12, 31)
JAN_1, JAN_4 = dt.date(2027, 1, 1), dt.date(2027, 1, 4)


def take_in(db, clerk, office, received_on: dt.date, *, sh: bool = False) -> apps.ApplicationDetail:
    inp = (sh_input if sh else sc_input)(office)
    papers = tuple(dataclasses.replace(d, received_on=received_on) for d in inp.draft.documents)
    inp = dataclasses.replace(inp, draft=dataclasses.replace(inp.draft, received_on=received_on, documents=papers))
    return apps.create_application(db, clerk, inp, today=JAN_4)


def approved(db, clerk, manager, office, received_on: dt.date, decided_on: dt.date) -> apps.ApplicationDetail:
    application_id = take_in(db, clerk, office, received_on).id
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    return apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                    decided_on=decided_on, today=JAN_4)


def test_application_numbers_follow_the_year_received_and_restart_each_year(db, clerk, office):
    numbers = [take_in(db, clerk, office, day).number for day in (DEC_30, JAN_1, DEC_31, JAN_4)]
    assert numbers == ["A-2026-000001", "A-2027-000001", "A-2026-000002", "A-2027-000002"]


def test_notice_numbers_follow_the_year_issued_for_each_kind(db, clerk, manager, office):
    december = approved(db, clerk, manager, office, DEC_30, DEC_31)
    january = approved(db, clerk, manager, office, DEC_30, JAN_1)  # received in 2026, decided in 2027
    refused_id = take_in(db, clerk, office, DEC_31, sh=True).id
    apps.start_screening(db, clerk, refused_id, expected_version=application_now(db, refused_id))
    apps.answer_screening_item(db, clerk, refused_id, "1", "hit", expected_version=application_now(db, refused_id))
    refused = apps.refuse_application(db, manager, refused_id, "滞納", expected_version=application_now(db, refused_id),
                                      decided_on=JAN_4, today=JAN_4)
    assert [n.number for n in december.notices] == ["承-2026-000001"]
    assert [n.number for n in january.notices] == ["承-2027-000001"]
    assert [n.number for n in refused.notices] == ["否-2027-000001"]  # its own series, from 000001


def test_customer_codes_never_restart_at_a_new_year(db, clerk, manager, office):
    codes = [approved(db, clerk, manager, office, received, decided).contract.customer_code
             for received, decided in ((DEC_30, DEC_31), (DEC_31, JAN_1), (JAN_1, JAN_4))]
    assert codes == ["C0000001", "C0000002", "C0000003"]


def test_a_number_taken_in_a_transaction_that_rolls_back_was_never_issued(db, clerk, office):
    first = take_in(db, clerk, office, DEC_30).number
    with pytest.raises(RuntimeError, match="boom"), db.transaction() as session:
        assert numbering.application_number(session, 2026) == "A-2026-000002"
        assert numbering.customer_code(session) == "C0000001"
        raise RuntimeError("boom")
    second = take_in(db, clerk, office, DEC_31).number
    assert (first, second) == ("A-2026-000001", "A-2026-000002")  # no gap, no number given twice
    with db.transaction() as session:
        assert numbering.customer_code(session) == "C0000001"


def test_a_refused_use_case_takes_no_number(db, clerk, office):
    take_in(db, clerk, office, DEC_30)
    with pytest.raises(ValidationFailed) as error:
        apps.create_application(db, clerk, dataclasses.replace(sc_input(office), applicant=None), today=JAN_4)
    assert set(error.value.errors) == {"customer_id"}
    assert take_in(db, clerk, office, DEC_31).number == "A-2026-000002"

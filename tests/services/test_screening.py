"""Screening's look-ups through the services: the applicant keys written on every
application, earlier refusals found by them (one indexed query, whatever is on file), and the
number of SQL statements reading an application takes."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select, update

from reseller_desk.db.models import Application
from reseller_desk.domain.application import ScreeningAnswer
from reseller_desk.domain.customer import identity_keys
from reseller_desk.services import applications as apps
from reseller_desk.services import customers
from tests.versions import application_now

from .builders import MIRAI, SUZUKI, TODAY, YAMADA, for_customer, sc_input, screened_clear, sh_input


def stored_keys(db, application_id: int) -> tuple[str, str, str]:
    with db.transaction() as session:
        app = session.get(Application, application_id)
        return app.applicant_corporate_number, app.applicant_name_phone_key, app.applicant_name_address_key


def refuse(db, clerk, manager, inp) -> int:
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk, application_id, "3", "hit", "規約違反の前歴",
                               expected_version=application_now(db, application_id))
    apps.refuse_application(db, manager, application_id, "規約違反の前歴", expected_version=application_now(db, application_id),
                            today=TODAY)
    return application_id


def refused_before_line(db, clerk, application_id: int):
    return next(i for i in apps.start_screening(db, clerk, application_id,
                                                expected_version=application_now(db, application_id)).checklist if i.code == "6")


def test_a_new_applicants_identity_keys_are_written_on_the_application(db, clerk, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    keys = identity_keys(customers.check_customer(MIRAI)[0])
    assert stored_keys(db, application_id) == (keys.corporate_number, keys.name_phone, keys.name_address)
    assert keys.corporate_number == "8700110005901" and keys.name_phone.endswith("|0334001234")


def test_an_existing_customers_keys_come_from_the_customer_row(db, clerk, office):
    customer = customers.add_customer(db, clerk, YAMADA)
    application_id = apps.create_application(db, clerk, for_customer(sh_input(office), customer.id), today=TODAY).id
    keys = identity_keys(customer.draft)
    assert stored_keys(db, application_id) == ("", keys.name_phone, keys.name_address)


def test_changing_the_applicant_rewrites_the_keys(db, clerk, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    moved = dataclasses.replace(YAMADA, phone="06-6345-0000")
    apps.update_application(db, clerk, application_id, sh_input(office, applicant=moved),
                            expected_version=application_now(db, application_id), today=TODAY)
    assert stored_keys(db, application_id)[1] == identity_keys(customers.check_customer(moved)[0]).name_phone


def test_an_earlier_refusal_is_found_by_name_and_phone_alone(db, clerk, manager, office):
    first = refuse(db, clerk, manager, sh_input(office))
    moved = dataclasses.replace(YAMADA, postal_code="460-0008", address="愛知県名古屋市中区栄2-2-2")
    again = apps.create_application(db, clerk, sh_input(office, applicant=moved), today=TODAY).id
    line = refused_before_line(db, clerk, again)
    first_number = apps.get_application(db, first).number
    assert line.answer is ScreeningAnswer.HIT
    assert line.evidence == (f"過去の申込 {first_number}（2026-11-16受付）が不承諾",)


def test_an_earlier_refusal_is_found_by_name_and_address_alone(db, clerk, manager, office):
    refuse(db, clerk, manager, sh_input(office))
    new_phone = dataclasses.replace(YAMADA, phone="090-9999-0000")
    again = apps.create_application(db, clerk, sh_input(office, applicant=new_phone), today=TODAY).id
    assert refused_before_line(db, clerk, again).answer is ScreeningAnswer.HIT


def test_an_earlier_refusal_of_a_customer_is_found_by_the_customer(db, clerk, manager, office):
    customer = customers.add_customer(db, clerk, YAMADA)
    refuse(db, clerk, manager, for_customer(sh_input(office), customer.id))
    with db.transaction() as session:  # a refusal whose stored keys match nothing any more
        session.execute(update(Application).values(applicant_name_phone_key="x", applicant_name_address_key="y"))
    again = apps.create_application(db, clerk, for_customer(sh_input(office), customer.id), today=TODAY).id
    assert refused_before_line(db, clerk, again).answer is ScreeningAnswer.HIT


def test_another_individual_is_not_taken_for_an_earlier_refused_one(db, clerk, manager, office):
    """Individuals have no 法人番号: an empty key never matches another empty key."""
    refuse(db, clerk, manager, sh_input(office))
    other = apps.create_application(db, clerk, sh_input(office, applicant=SUZUKI), today=TODAY).id
    line = refused_before_line(db, clerk, other)
    assert line.answer is ScreeningAnswer.CLEAR
    assert line.evidence == ("照合: 同じ法人番号・名称と電話番号・名称と住所の顧客なし、過去の申込にも該当なし",)


def test_the_refusal_look_up_is_one_statement_however_many_refusals_are_on_file(db, clerk, manager, office,
                                                                             statements):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    with statements() as before:
        apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    for n in range(5):
        refuse(db, clerk, manager, sh_input(office, applicant=dataclasses.replace(SUZUKI, phone=f"090-3333-000{n}")))
    with statements() as after:
        apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    assert len(after) == len(before)
    looked_up = [s for s in after if "applications.status = " in s and "UNION" in s]
    assert len(looked_up) == 1


def test_reading_an_application_reads_each_part_once(db, clerk, manager, office, statements):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    with statements() as sent:
        detail = apps.get_application(db, application_id)
    assert detail.contract is not None and len(detail.notices) == 1 and len(detail.checklist) == 10
    # BEGIN, the application, its profile, plan, papers, options, checklist, the staff named on
    # it (one query for all), its contract and notices; the checklist names are not one query each.
    assert len(sent) <= 10
    assert sum("FROM staff_users" in s for s in sent) == 1


def test_saving_an_application_does_not_read_it_whole_for_the_audit(db, clerk, office, statements):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    shown = screened_clear(db, clerk, application_id)
    with statements() as sent:
        apps.update_application(db, clerk, application_id, sc_input(office, lines=3),
                                expected_version=shown.row_version, today=TODAY)
    # 58 before the services were reshaped; one confirms the actor; since the checklist lines
    # carry a row version (revision 0006) each pre-filled line is an UPDATE of its own (4 here).
    assert len(sent) <= 34
    assert sum(s.startswith("UPDATE applications") for s in sent) == 1  # one version step per save
    assert sum("FROM contracts" in s for s in sent) == 1  # only the detail returned reads the contract


def test_a_saved_application_advances_its_version_by_one(db, clerk, office):
    detail = apps.create_application(db, clerk, sc_input(office), today=TODAY)
    saved = apps.update_application(db, clerk, detail.id, sc_input(office, lines=3), today=TODAY,
                                    expected_version=detail.row_version)
    assert saved.row_version == detail.row_version + 1
    with db.transaction() as session:
        assert session.scalars(select(Application.lines)).one() == 3

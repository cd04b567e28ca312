"""Taking an application in through the service: which plan and options it may name, exactly
one applicant, an existing customer's application from intake to 承諾, and an applicant stored
by an older version still loading."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import func, select, update

from reseller_desk.db.models import Application, Customer
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.services import applications as apps
from reseller_desk.services import customers, settings
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.notices import notice_document
from tests.versions import application_now, customer_now, option_now, plan_now

from .builders import MIRAI, TODAY, YAMADA, for_customer, sc_input, screened_clear, sh_input

OTHER_SERVICE = "このサービスのプランを選んでください。"
OPTION = "このサービスで受け付けているオプションを選んでください。"


def refused(db, clerk, inp) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as error:
        apps.create_application(db, clerk, inp, today=TODAY)
    assert apps.list_applications(db, today=TODAY) == []
    return error.value.errors


def test_a_plan_no_longer_sold_is_refused_by_name(db, clerk, manager, office):
    plan = next(p for p in settings.list_plans(db, "simpleconnect") if p.id == office["sc"])
    settings.save_plan(db, manager, plan.id, dataclasses.replace(plan.details, active=False),
                       expected_version=plan_now(db, plan.id))
    assert refused(db, clerk, sc_input(office)) == {"plan_id": "プラン「ベーシック」は現在受け付けていません。"}


def test_a_plan_of_the_other_service_is_refused(db, clerk, office):
    assert refused(db, clerk, sc_input(office, plan_id=office["sh"], option_ids=())) == {"plan_id": OTHER_SERVICE}


def test_a_plan_that_does_not_exist_is_refused(db, clerk, office):
    assert refused(db, clerk, sc_input(office, plan_id=9999, option_ids=())) == {"plan_id": OTHER_SERVICE}


def test_an_option_of_the_other_service_is_refused(db, clerk, manager, office):
    sh_option = settings.save_option(db, manager, None, PlanDetails("sokujitsu", "SH-REC", "通話録音", 800),
                                     expected_version=None).id
    assert refused(db, clerk, sc_input(office, option_ids=(sh_option,))) == {"option_ids": OPTION}


def test_an_option_no_longer_sold_is_refused(db, clerk, manager, office):
    option = next(o for o in settings.list_options(db) if o.id == office["sc_rec"])
    settings.save_option(db, manager, option.id, dataclasses.replace(option.details, active=False),
                         expected_version=option_now(db, option.id))
    assert refused(db, clerk, sc_input(office)) == {"option_ids": OPTION}


def test_an_application_names_an_applicant(db, clerk, office):
    nobody = dataclasses.replace(sc_input(office), applicant=None)
    assert refused(db, clerk, nobody) == {"customer_id": "申込者を、既存の顧客から選ぶか新規に入力してください。"}


def test_an_application_names_only_one_applicant(db, clerk, office):
    customer = customers.add_customer(db, clerk, YAMADA)
    both = dataclasses.replace(sc_input(office), customer_id=customer.id)
    assert refused(db, clerk, both) == {"customer_id": "申込者を、既存の顧客から選ぶか新規に入力してください。"}


def test_a_customer_that_does_not_exist_is_refused(db, clerk, office):
    assert refused(db, clerk, for_customer(sh_input(office), 9999)) == {"customer_id": "選んだ顧客が見つかりません。"}


def test_a_new_applicants_faults_are_keyed_under_applicant(db, clerk, office):
    errors = refused(db, clerk, dataclasses.replace(
        sc_input(office), applicant=dataclasses.replace(MIRAI, phone="", corporate_number="1234")))
    assert errors == {"applicant.phone": "電話番号を入力してください。",
                      "applicant.corporate_number": "法人番号は13桁の数字で入力してください。"}


def test_an_existing_customers_application_is_approved_without_a_new_customer(db, clerk, manager, office):
    customer = customers.add_customer(db, clerk, dataclasses.replace(YAMADA, contact_name="無視される"))
    detail = apps.create_application(db, clerk, for_customer(sh_input(office), customer.id), today=TODAY)
    assert (detail.input.customer_id, detail.input.applicant, detail.customer_id) == (customer.id, None, customer.id)
    assert detail.applicant == customer.draft and detail.applicant.kind is CustomerKind.INDIVIDUAL
    apps.record_identity_letter(db, clerk, detail.id, "sent", expected_version=application_now(db, detail.id),
                                on=TODAY, today=TODAY)
    apps.record_identity_letter(db, clerk, detail.id, "confirmed", expected_version=application_now(db, detail.id),
                                on=TODAY, today=TODAY)
    screened_clear(db, clerk, detail.id)
    # The customer moved after applying: the notice is addressed as the customer book says now.
    moved = customers.update_customer(db, clerk, customer.id, dataclasses.replace(
        customer.draft, postal_code="460-0008", address="愛知県名古屋市中区栄3-3-3"), expected_version=customer_now(db, customer.id))
    approved = apps.approve_application(db, manager, detail.id, expected_version=application_now(db, detail.id),
                                        today=TODAY)
    assert approved.customer_id == customer.id and approved.contract is not None
    assert customers.count_customers(db) == 1
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1
    addressee = notice_document(db, approved.notices[0].id).addressee
    assert (addressee.name, addressee.postal_code, addressee.address) == (
        "山田 太郎", "460-0008", moved.draft.address)
    assert addressee.contact_name == ""  # an individual is addressed by name alone


def test_an_applicant_stored_by_an_older_version_still_loads(db, clerk, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    stored = json.loads(apps_applicant_json(db, application_id))
    stored.pop("notes")
    stored["fax"] = "03-0000-0000"  # a field this version does not have
    with db.transaction() as session:
        session.execute(update(Application).values(applicant_json=json.dumps(stored, ensure_ascii=False)))
    applicant = apps.get_application(db, application_id).applicant
    assert applicant.kind is CustomerKind.CORPORATE and applicant.name == MIRAI.name and applicant.notes == ""


def apps_applicant_json(db, application_id: int) -> str:
    with db.transaction() as session:
        return session.get(Application, application_id).applicant_json

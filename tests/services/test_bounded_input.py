"""The probe's bad-input findings, each replayed through the services as the probe typed it
(the reliability probe of issue 7, P3.1, P3.3, P5.2, P6.4): dates outside their window
(M4), over-long text and unbounded numbers (M2, L3), control characters (L4) and lone
surrogates (L5). Each is refused with a Japanese message beside its field, or cleaned away,
and a refused call writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import Application, AuditEntry, CompanyClosure
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.intake import DocumentEntry, DocumentKind
from reseller_desk.services import applications as apps
from reseller_desk.services import customers, incidents, settings
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import PermissionDenied, ValidationFailed
from reseller_desk.services.permissions import Actor, Role
from tests.versions import application_now

from .builders import MIRAI, PAPERS_CORPORATE, TODAY, YAMADA, sc_input, screened_clear

FUTURE = "決定日が未来の日付です（本日は11月20日）。"


def count(db, model: type) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def refused(call, field: str) -> str:
    with pytest.raises(ValidationFailed) as error:
        call()
    assert field in error.value.errors, error.value.errors
    return error.value.errors[field]


# -- M4: dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("decided_on, message", [
    (dt.date(2100, 1, 1), FUTURE), (dt.date(9999, 12, 1), FUTURE), (dt.date(9999, 12, 31), FUTURE),
    ("2026-11-20", "決定日は日付で入力してください（例: 2026-11-20）。"),
    (dt.datetime(2026, 11, 20, 9, 0), "決定日は日付で入力してください（例: 2026-11-20）。"),
])
def test_an_approval_dated_in_2100_9999_or_not_as_a_date_is_refused_and_forms_no_contract(db, clerk, manager, office,
                                                                                          decided_on, message):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    audits = count(db, AuditEntry)
    assert refused(lambda: apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                                    decided_on=decided_on, today=TODAY),
                   "decided_on") == message
    assert apps.get_application(db, application_id).contract is None
    assert count(db, AuditEntry) == audits


def test_an_application_received_in_1900_is_refused_and_opens_no_number_series(db, clerk, office):
    message = refused(lambda: apps.create_application(db, clerk, sc_input(office, received_on=dt.date(1900, 1, 1)),
                                                      today=TODAY), "received_on")
    assert message == "受付日は2000年1月1日以降の日付にしてください。"
    assert count(db, Application) == 0


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_a_paper_received_in_year_1_or_9999_is_refused(db, clerk, office, day):
    papers = (DocumentEntry(DocumentKind.APPLICATION_FORM, day), *PAPERS_CORPORATE[1:])
    refused(lambda: apps.create_application(db, clerk, sc_input(office, documents=papers), today=TODAY),
            "documents.0.received_on")


@pytest.mark.parametrize("day, field", [(dt.date(1, 1, 1), "day"), (dt.date(9999, 12, 31), "day"),
                                        ("2026-12-29", "day")])
def test_a_closure_day_outside_its_window_or_not_a_date_is_refused(db, manager, day, field):
    refused(lambda: settings.add_closures(db, manager, [day], today=TODAY), field)
    assert settings.list_closures(db) == []


def test_a_closure_day_two_years_ahead_is_taken_one_day_more_is_not(db, manager):
    settings.add_closures(db, manager, [dt.date(2028, 11, 20)], "創立記念日", today=TODAY)
    assert refused(lambda: settings.add_closures(db, manager, [dt.date(2028, 11, 21)], today=TODAY), "day") == (
        "休業日は2年先（2028年11月20日）までの日付にしてください。")


def test_removing_days_that_are_not_closure_days_writes_nothing(db, manager):
    audits = count(db, AuditEntry)
    assert settings.remove_closures(db, manager, [dt.date(2026, 8, 13)]) == []
    assert count(db, AuditEntry) == audits


def test_an_incident_dated_9999_is_refused(db, clerk):
    customer_id = customers.add_customer(db, clerk, YAMADA).id
    refused(lambda: incidents.add_incident(db, clerk, customer_id, "unpaid", dt.date(9999, 12, 31), today=TODAY),
            "occurred_on")


# -- M2, L3: lengths and numbers -----------------------------------------------------------------------
def test_a_megabyte_of_plan_name_or_ten_megabytes_of_notes_are_refused_beside_their_fields(db, clerk, manager, office):
    refused(lambda: settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "BIG", "網" * 1_000_000),
                                       expected_version=None), "name")
    message = refused(lambda: apps.create_application(db, clerk, sc_input(office, notes="備" * 10_000_000),
                                                      today=TODAY), "notes")
    assert message == "備考は2000文字以内で入力してください（10000000文字）。"


@pytest.mark.parametrize("changes, field", [
    ({"monthly_fee": 10**15}, "monthly_fee"), ({"early_termination_fee": 2**63}, "early_termination_fee"),
    ({"minimum_term_months": True}, "minimum_term_months"), ({"minimum_term_months": 10**6}, "minimum_term_months"),
    ({"initial_fee": Decimal("1.5")}, "initial_fee"), ({"monthly_fee": "1000"}, "monthly_fee"),
])
def test_a_fee_or_term_beyond_its_bound_or_not_a_whole_number_is_refused(db, manager, changes, field):
    plan = dataclasses.replace(PlanDetails("sokujitsu", "SH-BIG", "大口"), **changes)
    refused(lambda: settings.save_plan(db, manager, None, plan, expected_version=None), field)
    assert settings.list_plans(db) == []


def test_lines_given_as_true_are_refused(db, clerk, office):
    refused(lambda: apps.create_application(db, clerk, sc_input(office, lines=True), today=TODAY), "lines")


def test_an_incident_amount_of_two_to_the_63_is_refused_not_an_overflow(db, clerk):
    customer_id = customers.add_customer(db, clerk, YAMADA).id
    refused(lambda: incidents.add_incident(db, clerk, customer_id, "unpaid", dt.date(2026, 1, 5), amount=2**63,
                                           today=TODAY), "amount")


def test_the_closure_notes_audit_record_keeps_the_note_as_stored(db, manager):
    settings.add_closures(db, manager, [dt.date(2026, 8, 13)], "  夏季\x00休業\u202e  " + "", today=TODAY)
    [entry] = list_audit(db, manager, entity="company_closures")
    with db.transaction() as session:
        stored = session.scalar(select(CompanyClosure.note))
    assert stored == "夏季休業"
    assert entry.after == {"days": ["2026-08-13"], "note": stored}
    refused(lambda: settings.add_closures(db, manager, [dt.date(2026, 8, 14)], "夏" * 1_000_000, today=TODAY), "note")


# -- L4, L5, P6.4: control characters and surrogates --------------------------------------------------
def test_a_customer_typed_with_a_nul_is_stored_without_it_and_found_by_every_key(db, clerk):
    draft = dataclasses.replace(YAMADA, name="山田\x00太郎", name_kana="ヤマダ\x00タロウ")
    record = customers.add_customer(db, clerk, draft)
    assert record.draft.name == "山田太郎"
    for query in ("太郎", "タロウ", "09011112222", "山田"):
        assert customers.customer_ids(db, query) == [record.id], query


def test_escape_bell_rlo_and_zero_width_characters_never_reach_the_book(db, clerk):
    record = customers.add_customer(db, clerk, dataclasses.replace(MIRAI, name="株式会社\x1b[31m\x07みらい\u202e\u200b商事"))
    assert record.draft.name == "株式会社[31mみらい商事"


def test_a_name_of_zero_width_characters_only_is_refused_as_empty(db, clerk):
    assert refused(lambda: customers.add_customer(db, clerk, dataclasses.replace(YAMADA, name="\u200b\u200d\u2060")),
                   "name") == "氏名を入力してください。"


def test_a_lone_surrogate_in_a_name_or_in_the_search_is_no_unicode_error(db, clerk):
    record = customers.add_customer(db, clerk, dataclasses.replace(YAMADA, name="山田\udcff太郎"))
    assert record.draft.name == "山田太郎"
    assert customers.customer_ids(db, "山田\udcff") == [record.id]


def test_a_ghost_actor_is_refused_as_permission_denied_not_a_foreign_key_error(db, clerk):
    ghost = Actor(999_999, "ghost", "幽霊", Role.CLERK)
    with pytest.raises(PermissionDenied):
        customers.add_customer(db, ghost, YAMADA)
    assert customers.count_customers(db) == 0


def test_a_forged_actor_with_an_id_no_database_can_hold_is_refused_as_permission_denied(db, clerk):
    from reseller_desk.services.errors import PermissionDenied
    from reseller_desk.services.permissions import Actor, Role

    for forged in (Actor(10**20, "jimu", "事務", Role.CLERK), Actor(True, "jimu", "事務", Role.CLERK),
                   Actor(clerk.user_id, None, "事務", Role.CLERK)):
        with pytest.raises(PermissionDenied):
            customers.add_customer(db, forged, YAMADA)

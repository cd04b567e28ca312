"""The date and order rules of an application through the services: no decision, 登録日,
開通日, withdrawal or letter dated after today, none before the application was received, and
the identity letter's steps in their order. Today is fixed (TODAY, or clock.frozen): never the
real date."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk import clock
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult
from reseller_desk.services import applications as apps
from reseller_desk.services.errors import ServiceError, ValidationFailed
from tests.versions import application_now

from .builders import RECEIVED, TODAY, sc_input, screened_clear, sh_input

TOMORROW = TODAY + dt.timedelta(days=1)
BEFORE_RECEIPT = RECEIVED - dt.timedelta(days=1)


@pytest.fixture
def sc_screened(db, clerk, office) -> int:
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    return application_id


@pytest.fixture
def sh_screened(db, clerk, office) -> int:
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=RECEIVED,
                                today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id), on=TODAY,
                                today=TODAY)
    screened_clear(db, clerk, application_id)
    return application_id


def refused_with(error: pytest.ExceptionInfo[ValidationFailed], field: str, message: str) -> None:
    assert error.value.errors == {field: message}


@pytest.mark.parametrize("dates, field, message", [
    ({"decided_on": TOMORROW}, "decided_on", "決定日が未来の日付です（本日は11月20日）。"),
    ({"decided_on": BEFORE_RECEIPT}, "decided_on", "決定日は申込受付日より前にできません。"),
    ({"opened_on": TOMORROW}, "opened_on", "開通日が未来の日付です（本日は11月20日）。"),
    ({"decided_on": TODAY, "opened_on": RECEIVED}, "opened_on", "開通日は契約成立日より前にできません。"),
])
def test_an_approval_dated_after_today_or_out_of_order_is_refused(db, manager, sh_screened, dates, field, message):
    with pytest.raises(ValidationFailed) as error:
        apps.approve_application(db, manager, sh_screened, expected_version=application_now(db, sh_screened),
                                 today=TODAY, **dates)
    refused_with(error, field, message)
    assert apps.get_application(db, sh_screened).status is ApplicationStatus.SCREENING


def test_an_sc_registration_date_defaults_to_the_decision_date_and_is_refused_with_it(db, manager, sc_screened):
    with pytest.raises(ValidationFailed) as error:
        apps.approve_application(db, manager, sc_screened, expected_version=application_now(db, sc_screened),
                                 decided_on=TOMORROW, today=TODAY)
    assert error.value.errors == {"decided_on": "決定日が未来の日付です（本日は11月20日）。",
                                  "registered_on": "登録日が未来の日付です（本日は11月20日）。"}
    assert apps.get_application(db, sc_screened).contract is None


def test_a_registration_date_after_today_is_refused(db, manager, sc_screened):
    with pytest.raises(ValidationFailed) as error:
        apps.approve_application(db, manager, sc_screened, expected_version=application_now(db, sc_screened),
                                 decided_on=TODAY, registered_on=TOMORROW, today=TODAY)
    refused_with(error, "registered_on", "登録日が未来の日付です（本日は11月20日）。")


def test_a_refusal_dated_after_today_is_refused(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk, application_id, "1", "hit", expected_version=application_now(db, application_id))
    with pytest.raises(ValidationFailed) as error:
        apps.refuse_application(db, manager, application_id, "滞納", expected_version=application_now(db, application_id),
                                decided_on=TOMORROW, today=TODAY)
    refused_with(error, "decided_on", "決定日が未来の日付です（本日は11月20日）。")
    assert apps.get_application(db, application_id).notices == ()


def test_the_services_take_today_from_the_one_clock(db, manager, sh_screened):
    with clock.frozen(TODAY), pytest.raises(ValidationFailed) as error:
        apps.approve_application(db, manager, sh_screened, expected_version=application_now(db, sh_screened),
                                 decided_on=TOMORROW)
    refused_with(error, "decided_on", "決定日が未来の日付です（本日は11月20日）。")
    with clock.frozen(TOMORROW):
        assert apps.approve_application(db, manager, sh_screened, expected_version=application_now(db, sh_screened),
                                        decided_on=TOMORROW).decided_on == TOMORROW


@pytest.mark.parametrize("on, message", [
    (TOMORROW, "取下げの申し出日が未来の日付です（本日は11月20日）。"),
    (BEFORE_RECEIPT, "申し出日は申込受付日より前にできません。"),
])
def test_a_withdrawal_dated_after_today_or_before_receipt_is_refused(db, clerk, office, on, message):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    with pytest.raises(ValidationFailed) as error:
        apps.withdraw_application(db, clerk, application_id, expected_version=application_now(db, application_id),
                                  on=on, today=TODAY)
    refused_with(error, "on", message)
    assert apps.get_application(db, application_id).status is ApplicationStatus.RECEIVED


@pytest.mark.parametrize("on, message", [
    (TOMORROW, "発送日が未来の日付です（本日は11月20日）。"),
    (BEFORE_RECEIPT, "発送日は申込受付日より前にできません。"),
])
def test_a_letter_sent_after_today_or_before_receipt_is_refused(db, clerk, office, on, message):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    with pytest.raises(ValidationFailed) as error:
        apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=on,
                                    today=TODAY)
    refused_with(error, "identity_letter_sent_on", message)
    assert apps.get_application(db, application_id).identity_letter_status is IdentityLetterResult.NOT_SENT


@pytest.mark.parametrize("on, message", [
    (TOMORROW, "結果の日付が未来の日付です（本日は11月20日）。"),
    (dt.date(2026, 11, 17), "結果の日付が発送日より前です。"),
])
def test_a_letters_result_after_today_or_before_it_was_sent_is_refused(db, clerk, office, on, message):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id),
                                on=dt.date(2026, 11, 18), today=TODAY)
    with pytest.raises(ValidationFailed) as error:
        apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id), on=on,
                                    today=TODAY)
    refused_with(error, "identity_letter_result_on", message)
    assert apps.get_application(db, application_id).identity_letter_status is IdentityLetterResult.SENT


def test_a_letters_result_before_it_was_sent_out_is_refused(db, clerk, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    with pytest.raises(ServiceError, match="^先に本人確認郵便の発送を記録してください。$"):
        apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id),
                                    on=TODAY, today=TODAY)


def test_a_confirmed_identity_is_final(db, clerk, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=RECEIVED,
                                today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id), on=TODAY,
                                today=TODAY)
    with pytest.raises(ServiceError, match="^本人確認は2026年11月20日に確認済みです。確認済みの結果は変更できません。$"):
        apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id), on=TODAY,
                                    today=TODAY)


def test_no_letter_is_recorded_on_a_refused_application(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk, application_id, "1", "hit", expected_version=application_now(db, application_id))
    apps.refuse_application(db, manager, application_id, "滞納", expected_version=application_now(db, application_id),
                            today=TODAY)
    with pytest.raises(ServiceError, match="^申込は「不承諾」のため、本人確認郵便は記録できません。$"):
        apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=TODAY,
                                    today=TODAY)


def test_an_unknown_letter_step_is_refused_beside_its_field(db, clerk, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    with pytest.raises(ValidationFailed) as error:
        apps.record_identity_letter(db, clerk, application_id, "lost", expected_version=application_now(db, application_id), on=TODAY,
                                    today=TODAY)
    refused_with(error, "identity_letter_status", "本人確認郵便の状態を選んでください。")


def test_a_failed_letter_before_the_decision_marks_its_line_a_hit(db, clerk, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=RECEIVED,
                                today=TODAY)
    detail = apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id),
                                         on=TODAY, today=TODAY)
    line = next(i for i in detail.checklist if i.code == "7")
    assert line.answer == "hit" and line.evidence == ("本人確認郵便が届かず本人確認できませんでした（2026-11-20）",)
    assert detail.status is ApplicationStatus.SCREENING and detail.contract is None

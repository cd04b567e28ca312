"""Intake rules without a database: identity numbers, required papers, decisions, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain.application import (
    ChecklistLine,
    approval_blockers,
    contract_formed_on,
    refusal_blockers,
    registration_date_problem,
)
from reseller_desk.domain.intake import (
    MY_NUMBER_REFUSAL,
    Channel,
    DocumentEntry,
    identity_number_problem,
    missing_documents,
    required_documents,
)
from reseller_desk.domain.terms import load_profile

SC, SH = load_profile("simpleconnect"), load_profile("sokujitsu")
DAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("kind, typed, expected", [
    ("my_number_card", "123456789012", MY_NUMBER_REFUSAL),          # a 個人番号: never kept
    ("my_number_card", "1234 5678 9012", MY_NUMBER_REFUSAL),        # however it is typed
    ("my_number_card", "１２３４５６７８９０１２", MY_NUMBER_REFUSAL),  # full-width too
    ("my_number_card", "", None),                                    # the kind alone is fine
    ("drivers_license", "1234", None),
    ("drivers_license", "123456789012", "下4桁"),
    ("passport", "AB12", None),
    ("passport", "TK1234567", "下4桁"),
])
def test_only_the_last_four_characters_of_an_identity_number_are_kept(kind, typed, expected):
    problem = identity_number_problem(kind, typed)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem


def test_required_papers_depend_on_channel_and_kind():
    assert [k.value for k in required_documents(True, Channel.POST)] == ["application_form", "identity", "registry"]
    assert [k.value for k in required_documents(False, Channel.ONLINE)] == ["identity"]  # SC §6.2: the signup is the form
    papers = (DocumentEntry("identity", DAY, "passport", "12"),)
    assert [k.value for k in missing_documents(False, Channel.FAX, papers)] == ["application_form"]


LINES_CLEAR = [ChecklistLine(str(i), f"事由{i}", f"SC §8({i})", "clear") for i in range(1, 11)]
PAPERS = (DocumentEntry("application_form", DAY), DocumentEntry("identity", DAY, "drivers_license", "1"))


def test_approval_needs_every_line_clear():
    assert approval_blockers(LINES_CLEAR, screening_started=True, plan_requires_face_to_face=False, channel=Channel.POST, documents=PAPERS,
                             is_corporate=False) == []
    lines = LINES_CLEAR[:9] + [ChecklistLine("10", "その他", "SC §8(10)", "unchecked")]
    [reason] = approval_blockers(lines, screening_started=True, plan_requires_face_to_face=False, channel=Channel.POST, documents=PAPERS,
                                 is_corporate=False)
    assert "(10)" in reason and "未確認" in reason


def test_a_face_to_face_plan_needs_the_counter_and_photo_id():  # SC §6.4
    no_photo = (DocumentEntry("application_form", DAY), DocumentEntry("identity", DAY, "health_insurance", "1"))
    reasons = approval_blockers(LINES_CLEAR, screening_started=True, plan_requires_face_to_face=True,
                                channel=Channel.POST, documents=no_photo, is_corporate=False)
    assert len(reasons) == 2
    assert approval_blockers(LINES_CLEAR, screening_started=True, plan_requires_face_to_face=True,
                             channel=Channel.COUNTER, documents=PAPERS, is_corporate=False) == []


def test_refusal_needs_a_hit_and_an_internal_note():
    hit = LINES_CLEAR[:1] + [ChecklistLine("2", "虚偽", "SC §8(2)", "hit")]
    assert len(refusal_blockers(LINES_CLEAR, "")) == 2
    assert len(refusal_blockers(hit, " ")) == 1
    assert refusal_blockers(hit, "記載の住所に実在しない") == []


@pytest.mark.parametrize("registered, problem", [
    (DAY, None), (dt.date(2026, 11, 16), None), (dt.date(2026, 12, 4), None),
    (dt.date(2026, 11, 15), "申込受付日より前"), (dt.date(2026, 12, 5), "14日以内"),
])
def test_the_sc_registration_date_stays_within_reason(registered, problem):
    result = registration_date_problem(dt.date(2026, 11, 16), DAY, registered)
    assert (result is None) if problem is None else (problem in result)


def test_the_contract_forms_on_the_registration_date_under_sc_and_on_the_notice_under_sh():
    assert contract_formed_on(SC, DAY, dt.date(2026, 11, 25)) == dt.date(2026, 11, 25)  # SC §7
    assert contract_formed_on(SC, DAY, None) == DAY
    assert contract_formed_on(SH, DAY, dt.date(2026, 11, 25)) == DAY                     # SH §15.1


def test_each_profile_says_which_grounds_the_records_answer():
    sc = {g.code: {c.value for c in g.checks} for g in SC.screening.grounds}
    sh = {g.code: {c.value for c in g.checks} for g in SH.screening.grounds}
    assert sc["1"] == {"disqualified", "forced_termination"} and sc["2"] == {"form_incomplete"}
    assert sh["7"] == {"postal_identity"} and sh["4"] == {"form_incomplete"} and "unpaid" in sh["1"]
    assert SH.intake.postal_identity_check and not SC.intake.postal_identity_check
    assert SC.intake.customer_may_withdraw_application and not SH.intake.customer_may_withdraw_application


@pytest.mark.parametrize("internal, printed", [
    ("SH §14.2(7)", "第14条第2項第7号"), ("SC §9.2", "第9条第2項"), ("SC §23", "第23条"),
    ("（SH §17, §28.2, §28.4）", "（第17条, 第28条第2項, 第28条第4項）"),
])
def test_clauses_print_as_a_customer_reads_them(internal, printed):
    from reseller_desk.domain.notices import printed_clause

    assert printed_clause(internal) == printed

"""The demo contracts' stories, told without a database: on any day of the year (month ends,
holidays, the year-end closure, a leap day) each walks through the state machine and every date
that follows from the customer's request is the rules engine's."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest

from reseller_desk.demo import DEMO_OPTIONS, DEMO_PLANS
from reseller_desk.demo.stories import Office, OptionInfo, PlanInfo, Step, initial_status, walk
from reseller_desk.demo.tales import office_stories
from reseller_desk.domain import rules
from reseller_desk.domain.calendar import BusinessCalendar, year_end_closure_days
from reseller_desk.domain.contract import ContractAction, ContractStatus, TransitionRefused
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month, overlaps
from reseller_desk.domain.terms import load_profile


def _office(today: dt.date) -> Office:
    plans, options = defaultdict(list), defaultdict(list)
    for n, p in enumerate(DEMO_PLANS, 1):
        plans[p.profile_key].append(PlanInfo(n, p.code, p.name, p.profile_key, p.monthly_fee, p.minimum_term_months,
                                             p.early_termination_fee, p.requires_face_to_face))
    for n, o in enumerate(DEMO_OPTIONS, 1):
        options[o.profile_key].append(OptionInfo(n, o.code, o.profile_key))
    closures = [day for year in range(today.year - 2, today.year + 2) for day in year_end_closure_days(year)]
    return Office({key: load_profile(key) for key in plans}, dict(plans), dict(options),
                  BusinessCalendar.company(closures), today)


def test_a_story_the_state_machine_refuses_fails_the_walk():
    day = dt.date(2026, 6, 1)
    with pytest.raises(TransitionRefused, match="利用停止"):
        walk(ContractStatus.ACTIVE, [Step(ContractEventKind.RESUMED, day, ContractAction.RESUME)])
    with pytest.raises(TransitionRefused):  # SH: no suspension before the line is opened
        walk(ContractStatus.AWAITING_OPENING, [Step(ContractEventKind.SUSPENDED, day, ContractAction.SUSPEND)])
    story = [Step(ContractEventKind.SUSPENDED, day, ContractAction.SUSPEND),
             Step(ContractEventKind.RESUMED, day, ContractAction.RESUME)]
    assert walk(ContractStatus.ACTIVE, story) is ContractStatus.ACTIVE
    assert (story[1].from_status, story[1].to_status) == (ContractStatus.SUSPENDED, ContractStatus.ACTIVE)


@pytest.mark.parametrize("today", [dt.date(2026, 12, 1), dt.date(2026, 12, 31), dt.date(2027, 1, 4),
                                   dt.date(2026, 5, 6), dt.date(2027, 2, 28), dt.date(2028, 2, 29),
                                   dt.date(2026, 8, 14)])
def test_the_demo_stories_of_any_day_walk_through_the_state_machine_with_the_rules_dates(today):
    office = _office(today)
    rng = random.Random(today.toordinal())
    individuals = [rng.random() < 0.35 for _ in range(220)]
    stories = office_stories(office, rng, individuals)
    seen: dict[str, set[ContractStatus]] = defaultdict(set)
    for story in stories:
        profile = story.profile
        assert walk(initial_status(profile), story.steps) is story.status
        assert all(step.on <= today for step in story.steps), story.fate
        assert story.formed_on >= profile.effective_from
        seen[profile.key].add(story.status)
        for i, (a_from, a_until, _plan, _lines) in enumerate(story.plans):
            assert all(not overlaps(a_from, a_until, b_from, b_until) for b_from, b_until, *_ in story.plans[i + 1:])
        assert story.plans[0][0] == first_of_month(story.formed_on)
        if story.ending and story.ending.kind == "cancellation":
            e = story.ending
            assert e.effective_on == rules.cancellation_date(profile, office.calendar, e.requested_on, e.desired_month)
            assert e.last_billable_month == rules.last_billable_month(e.effective_on)
            assert (story.status is ContractStatus.CANCELLED) == (e.effective_on < today)
        for span in story.suspensions:  # the profile's reasons (SC §24.1, SH §23.1)
            reason = profile.suspension.reason(span.reason_code)
            assert reason is not None and (span.clause, span.reason_text) == (reason.clause, reason.text)
            assert (span.noticed_on is not None) == profile.suspension.notice_required
        if story.ending and story.ending.kind == "termination":  # its grounds (SC §24.1, SH §27.1)
            ground = profile.termination.ground(story.ending.grounds_code)
            assert ground is not None and story.ending.grounds_text == ground.text
            assert story.ending.accelerated == profile.termination.accelerates  # SH §27.2
        if story.succession:
            assert story.succession.proof_deadline == rules.succession_deadline(
                profile, office.calendar, story.succession.succeeded_on)
    for key, statuses in seen.items():
        profile = load_profile(key)
        expected = set(ContractStatus)
        if initial_status(profile) is not ContractStatus.AWAITING_OPENING:
            expected.discard(ContractStatus.AWAITING_OPENING)
        if not profile.intake.postal_identity_check:
            expected.discard(ContractStatus.REVOKED)
        assert statuses == expected, (today, key)
    this_month = [s for s in stories if s.ending and s.status is ContractStatus.CANCELLATION_SCHEDULED
                  and first_of_month(s.ending.effective_on) == first_of_month(today)]
    assert {s.profile.key for s in this_month} == set(seen)  # 本日の業務: cancellations taking effect this month
    deadlines = [(s.succession.proof_deadline - today).days for s in stories if s.succession]
    assert any(0 <= d <= 5 for d in deadlines) and any(d < 0 for d in deadlines)

"""The contract lifecycle's actions (services.contracts.lifecycle and the modules it gathers),
driven with generated bad values as tests/services/test_bad_input_properties.py drives every
other use case, with its strategies, its ``attempt`` and its coverage guard (which imports this
module): each call succeeds and stores clean values, or refuses with a ServiceError in Japanese
and writes nothing — bad dates, texts, ids, codes, numbers, actors and stale versions alike.

The office is built once per engine: on SQLite and, under tests/with_postgres.py, on PostgreSQL
(where a NUL or an over-long text would be refused by the server itself, not stored). The
contracts the actions start from are formed on Mon 16 Nov 2026 and the calls run on Fri 20 Nov,
so that a suspension noticed on the 16th may start and an SH cancellation received then has
taken effect. A contract serves the next example of its test while no action has changed it
(every action is a new version of the contract), and is made anew once one has: each success
acts on a contract just as its kind was made, never on one a previous example moved on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, ContractNumber, Plan, SpecialAgreementRow, Succession, Suspension
from reseller_desk.domain.bounds import NOTE_MAX_LENGTH, is_record_id
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject, SpecialAgreement
from reseller_desk.domain.lifecycle import SuccessionKind
from reseller_desk.services import customers
from reseller_desk.services import settings as settings_service
from reseller_desk.services.contracts import history, lifecycle
from tests.engines import postgres_url
from tests.versions import version_of

from .builders import RECEIVED, SUZUKI, sc_input, sh_input
from .contract_builders import approved
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    BAD_DATE,
    BAD_ID,
    BAD_NUMBER,
    BAD_TEXT,
    PROPERTY,
    VERSION,
    WRONG_TYPE,
    Office,
    actor_of,
    attempt,
    drives,
    spoiled,
    spoiled_text,
    version,
)

NOW = dt.datetime(2026, 11, 20, 10, 0)   # Fri 20 Nov 2026, as attempt() runs every call
FORMED = RECEIVED                       # Mon 16 Nov 2026: every contract here is formed (and opened) then
LATER = dt.date(2026, 11, 27)           # a scheduled suspension not due yet

#: The states a contract is made in, and the status each has.
KINDS = {
    "sc": ContractStatus.ACTIVE,                      # SimpleConnect of a company, 2 lines, option SC-REC
    "sh": ContractStatus.ACTIVE,                      # 即日発番 of an individual, opened
    "sh_waiting": ContractStatus.AWAITING_OPENING,    # 即日発番, not yet opened
    "sc_suspended": ContractStatus.SUSPENDED,         # suspended for non-payment since the 16th
    "sh_scheduled": ContractStatus.ACTIVE,            # noticed on the 16th, to start on the 17th (due)
    "sh_scheduled_later": ContractStatus.ACTIVE,      # noticed on the 16th, to start on the 27th
    "sh_cancelling": ContractStatus.CANCELLATION_SCHEDULED,   # cancelled on the 16th, not yet 解約済
    "sh_succession": ContractStatus.ACTIVE,           # a merger reported, its papers awaited
    "ended": ContractStatus.ENDED,                    # the customer died on the 16th
}
SCHEDULED = ("sh_scheduled", "sh_scheduled_later")


class Desk(Office):
    """The bad-input office, with a second plan and an option of 即日発番 too, a successor
    customer, and contracts of every kind made on demand."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        for key, plan in (("sc2", PlanDetails("simpleconnect", "SC-PLUS", "プラス", 3980, 5000)),
                          ("sh2", PlanDetails("sokujitsu", "SH-FULL", "フル", 2980, 3000, 12, 10000))):
            self.plans[key] = settings_service.save_plan(db, self.manager, None, plan, expected_version=None).id
        self.plans["sh_opt"] = settings_service.save_option(
            db, self.manager, None, PlanDetails("sokujitsu", "SH-WIFI", "Wi-Fiルーター", 800, 0), expected_version=None).id
        self.successor_id = customers.add_customer(db, self.clerk, SUZUKI).id
        self.made: dict[tuple[str, str], tuple[int, int]] = {}

    def contract(self, use: str, kind: str) -> int:
        """A contract of ``kind`` for the test ``use``: the one made before while no action has
        changed it, else a new one."""
        key = (use, kind)
        made = self.made.get(key)
        if made is None or self._now(made[0]) != made[1]:
            with clock.frozen(NOW):
                contract_id = self._make(kind)
            made = self.made[key] = (contract_id, self._now(contract_id))
        return made[0]

    def target(self, use: str, drawn: object) -> Any:
        """A drawn kind of contract (see :func:`target`) as one of that kind; a bad id as itself."""
        return self.contract(use, drawn) if isinstance(drawn, str) and drawn in KINDS else drawn

    def shown(self, drawn: object, contract_id: object) -> Any:
        """The contract's version a screen shows, from :data:`VERSION`."""
        return version(drawn, lambda: version_of(self.db, Contract, contract_id))

    def _make(self, kind: str) -> int:
        db, m, day = self.db, self.manager, FORMED
        if kind.startswith("sc"):
            contract_id = approved(db, m, sc_input(self.plans), today=day)
        else:
            contract_id = approved(db, m, sh_input(self.plans), today=day)
            if kind != "sh_waiting":
                lifecycle.open_contract(db, m, contract_id, opened_on=day, expected_version=self._now(contract_id),
                                        today=day)
        if kind == "sc_suspended" or kind in SCHEDULED:
            starts_on = {"sc_suspended": day, "sh_scheduled": day + dt.timedelta(days=1)}.get(kind, LATER)
            lifecycle.suspend_contract(db, m, contract_id, reason_code="unpaid", starts_on=starts_on,
                                       expected_version=self._now(contract_id), today=day)
        elif kind == "sh_cancelling":
            lifecycle.accept_cancellation(db, m, contract_id, requested_on=day, expected_version=self._now(contract_id),
                                          today=day)
        elif kind == "sh_succession":
            lifecycle.report_succession(db, m, contract_id, kind="merger", succeeded_on=day,
                                        successor_name="株式会社つばさ", expected_version=self._now(contract_id),
                                        today=day)
        elif kind == "ended":
            lifecycle.record_death(db, m, contract_id, died_on=day, expected_version=self._now(contract_id), today=day)
        assert self._still(kind, contract_id), kind
        return contract_id

    def _now(self, contract_id: int) -> int:
        return version_of(self.db, Contract, contract_id)

    def _still(self, kind: str, contract_id: int) -> bool:
        with self.db.transaction() as session:
            contract = session.get(Contract, contract_id)
            scheduled = session.scalars(select(Suspension.id).where(
                Suspension.contract_id == contract_id, Suspension.state == "scheduled")).first() is not None
            waiting = session.scalars(select(Succession.id).where(
                Succession.contract_id == contract_id, Succession.state == "waiting")).first() is not None
            return contract is not None and contract.status == KINDS[kind] and scheduled == (kind in SCHEDULED) \
                and waiting == (kind == "sh_succession")

    def own(self, drawn: object, contract_id: object) -> Any:
        """``drawn`` "own": the option of the contract's service; "other": the plan of its service it
        is not on, "same": the one it is on; "sc", "sh2", …: that plan or option; else itself."""
        if not isinstance(drawn, str):
            return drawn
        if drawn not in ("own", "other", "same") or not is_record_id(contract_id):
            return self.plans.get(drawn, drawn)
        with self.db.transaction() as session:
            contract = session.get(Contract, contract_id)
            period = history.running_plan_period(session, contract_id) if contract else None
            if contract is None or period is None:
                return None
            sc = contract.terms_profile_id == session.get(Plan, self.plans["sc"]).terms_profile_id
            if drawn == "own":
                return self.plans["sc_rec" if sc else "sh_opt"]
            if drawn == "same":
                return period.plan_id
            pair = (self.plans["sc"], self.plans["sc2"]) if sc else (self.plans["sh"], self.plans["sh2"])
            return pair[1] if period.plan_id == pair[0] else pair[0]

    def waiting_succession(self, contract_id: int) -> int | None:
        with self.db.transaction() as session:
            return session.scalars(select(Succession.id).where(Succession.contract_id == contract_id,
                                                               Succession.state == "waiting")).first()


def engines() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_url() else ["sqlite"]


@pytest.fixture(scope="module", params=engines())
def office(request, tmp_path_factory) -> Iterator[Desk]:
    server = request.getfixturevalue("postgres_server") if request.param == "postgresql" else None
    with clock.frozen(NOW):
        if server is None:
            db = Database.open(tmp_path_factory.mktemp("contract-bad-input") / "desk.sqlite3", create=True)
        else:
            name = server.create_database(migrated=True)
            db = Database.open(server.url_of(name))
        try:
            yield Desk(db)
        finally:
            db.dispose()
            if server is not None:
                server.drop_database(name)


# -- bad values of the lifecycle's kinds -------------------------------------------------------------
def often(valid: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of ``valid`` about five times in six, else one of ``bad`` (an action takes five or
    six values: most examples should still reach its checks past the first)."""
    return st.integers(0, 5).flatmap(lambda i: bad if i == 5 else valid)


def target(*fit: str) -> st.SearchStrategy[Any]:
    """Mostly a contract of a kind the action fits; else one of any kind (which the state machine
    or the action refuses, or accepts too) or a bad id."""
    return often(st.sampled_from(fit), st.one_of(st.sampled_from(sorted(KINDS)), BAD_ID))


TODAY = NOW.date()
#: A day something happened: mostly from the day the contracts were formed to today; else a day
#: around them (before the contract, in the future) or a bad one.
DAY = often(st.dates(FORMED, TODAY), st.one_of(st.dates(dt.date(2026, 11, 1), dt.date(2026, 12, 10)), BAD_DATE))
#: A day an action is planned for: mostly from today to two years on; else any day or a bad one.
PLANNED = often(st.dates(TODAY, dt.date(2028, 11, 20)), st.one_of(st.dates(dt.date(2026, 11, 1), dt.date(2028, 12, 31)),
                                                                 BAD_DATE))
#: The month a change starts from: mostly the 1st of a month from this one on (two years);
#: else another day of a month, a month out of range, or a bad date.
MONTH = often(st.dates(dt.date(2026, 11, 1), dt.date(2028, 11, 1)).map(lambda day: day.replace(day=1)),
              st.one_of(st.dates(dt.date(2026, 10, 1), dt.date(2029, 1, 31)), BAD_DATE))
#: A note: none, a valid one with unwanted characters slipped in, bad text or not text.
NOTE = st.one_of(st.just(""), spoiled_text("お客様から電話で申出あり"), BAD_TEXT, WRONG_TYPE)
REQUIRED_NOTE = often(spoiled_text("確認済"), st.one_of(st.just(""), BAD_TEXT, WRONG_TYPE))


def code(*valid: str) -> st.SearchStrategy[Any]:
    return often(st.sampled_from(valid), st.one_of(BAD_TEXT, WRONG_TYPE))


# -- opening and suspension -------------------------------------------------------------------------
@drives("contracts.lifecycle.open_contract")
@PROPERTY
@given(opened_on=DAY, target=target("sh_waiting"), actor=ACTORS, shown=VERSION)
def test_opening_on_a_bad_day_opens_the_contract_or_refuses(office, opened_on, target, actor, shown):
    contract_id = office.target("open", target)
    attempt(office, lambda: lifecycle.open_contract(office.db, actor_of(office, actor), contract_id,
                                                    opened_on=opened_on,
                                                    expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_suspension.suspend_contract")
@PROPERTY
@given(reason=code("unpaid", "violation", "facility_harm", "underpaid", "obstruction"), starts_on=PLANNED,
       planned_end_on=st.one_of(st.none(), PLANNED), period=st.one_of(spoiled_text("1か月"), BAD_TEXT, WRONG_TYPE),
       emergency=often(st.just(""), st.one_of(spoiled_text("設備への攻撃を検知"), BAD_TEXT, WRONG_TYPE)),
       target=target("sc", "sh"), actor=ACTORS, shown=VERSION)
# a period of 100 characters with an end date was stored as 115 in suspensions.period_text
# (VARCHAR(100): SQLite kept it, PostgreSQL raised DataError)
@example(reason="violation", starts_on=dt.date(2026, 11, 27), planned_end_on=dt.date(2026, 12, 27), period="國" * 100,
         emergency="", target="sh", actor="manager", shown="current")
def test_suspending_with_bad_values_schedules_or_starts_it_or_refuses(office, reason, starts_on, planned_end_on,
                                                                      period, emergency, target, actor, shown):
    contract_id = office.target("suspend", target)
    attempt(office, lambda: lifecycle.suspend_contract(
        office.db, actor_of(office, actor), contract_id, reason_code=reason, starts_on=starts_on,
        planned_end_on=planned_end_on, period_text=period, emergency_note=emergency,
        expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_suspension.start_suspension")
@PROPERTY
@given(target=target(*SCHEDULED), actor=ACTORS, shown=VERSION)
def test_starting_a_scheduled_suspension_starts_it_on_its_day_or_refuses(office, target, actor, shown):
    contract_id = office.target("start", target)
    attempt(office, lambda: lifecycle.start_suspension(office.db, actor_of(office, actor), contract_id,
                                                       expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_suspension.withdraw_suspension")
@PROPERTY
@given(note=REQUIRED_NOTE, target=target(*SCHEDULED), actor=ACTORS, shown=VERSION)
def test_withdrawing_a_suspension_with_a_bad_note_withdraws_it_or_refuses(office, note, target, actor, shown):
    contract_id = office.target("withdraw", target)
    attempt(office, lambda: lifecycle.withdraw_suspension(office.db, actor_of(office, actor), contract_id, note=note,
                                                          expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_suspension.resume_contract")
@PROPERTY
@given(resumed_on=DAY, note=NOTE, target=target("sc_suspended"), actor=ACTORS, shown=VERSION)
def test_resuming_on_a_bad_day_resumes_or_refuses(office, resumed_on, note, target, actor, shown):
    contract_id = office.target("resume", target)
    attempt(office, lambda: lifecycle.resume_contract(office.db, actor_of(office, actor), contract_id,
                                                      resumed_on=resumed_on, note=note,
                                                      expected_version=office.shown(shown, contract_id)))


# -- endings ----------------------------------------------------------------------------------------
@drives("contracts.lifecycle_ending.accept_cancellation")
@PROPERTY
@given(requested_on=DAY, desired=often(st.one_of(st.none(), MONTH), BAD_DATE), note=NOTE,
       target=target("sc", "sh", "sh_waiting", "sc_suspended"), actor=ACTORS, shown=VERSION)
# an SC cancellation for the month two years on ended on its last day, past the window
@example(requested_on=dt.date(2026, 11, 20), desired=dt.date(2028, 11, 1), note="", target="sc", actor="manager",
         shown="current")
def test_accepting_a_cancellation_on_bad_dates_accepts_it_or_refuses(office, requested_on, desired, note, target,
                                                                     actor, shown):
    contract_id = office.target("cancel", target)
    attempt(office, lambda: lifecycle.accept_cancellation(
        office.db, actor_of(office, actor), contract_id, requested_on=requested_on, desired_month=desired, note=note,
        expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_ending.complete_cancellations")
@PROPERTY
@given(due=st.booleans(), actor=ACTORS)
def test_completing_the_cancellations_due_completes_them_or_refuses(office, due, actor):
    if due:
        office.contract("complete", "sh_cancelling")
    attempt(office, lambda: lifecycle.complete_cancellations(office.db, actor_of(office, actor)))


@drives("contracts.lifecycle_ending.terminate_contract")
@PROPERTY
@given(grounds=code("antisocial", "unpaid", "violation", "1", "8"), note=REQUIRED_NOTE, effective_on=DAY,
       target=target("sc", "sh", "sh_waiting", "sc_suspended", "sh_cancelling"), actor=ACTORS, shown=VERSION)
def test_terminating_with_bad_values_terminates_or_refuses(office, grounds, note, effective_on, target, actor, shown):
    contract_id = office.target("terminate", target)
    attempt(office, lambda: lifecycle.terminate_contract(
        office.db, actor_of(office, actor), contract_id, grounds_code=grounds, note=note, effective_on=effective_on,
        expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_ending.record_death")
@PROPERTY
@given(died_on=DAY, note=NOTE, target=target("sh", "sh_waiting", "sc"), actor=ACTORS, shown=VERSION)
def test_recording_a_death_on_a_bad_day_ends_the_contract_or_refuses(office, died_on, note, target, actor, shown):
    contract_id = office.target("death", target)
    attempt(office, lambda: lifecycle.record_death(office.db, actor_of(office, actor), contract_id, died_on=died_on,
                                                   note=note, expected_version=office.shown(shown, contract_id)))


# -- succession -------------------------------------------------------------------------------------
@drives("contracts.lifecycle_succession.report_succession")
@PROPERTY
@given(kind=often(st.sampled_from([*SuccessionKind, "merger", "inheritance"]), st.one_of(BAD_TEXT, WRONG_TYPE)),
       succeeded_on=DAY, name=often(spoiled_text("株式会社つばさ"), st.one_of(BAD_TEXT, WRONG_TYPE)), note=NOTE,
       target=target("sh"), actor=ACTORS, shown=VERSION)
def test_reporting_a_succession_with_bad_values_records_it_or_refuses(office, kind, succeeded_on, name, note, target,
                                                                     actor, shown):
    contract_id = office.target("report", target)
    attempt(office, lambda: lifecycle.report_succession(
        office.db, actor_of(office, actor), contract_id, kind=kind, succeeded_on=succeeded_on, successor_name=name,
        note=note, expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_succession.complete_succession")
@PROPERTY
@given(received_on=DAY, successor=often(st.just("successor"), st.one_of(st.just("same"), BAD_ID)),
       succession=often(st.just("its"), BAD_ID), actor=ACTORS, shown=VERSION)
def test_completing_a_succession_with_bad_values_moves_the_contract_or_refuses(office, received_on, successor,
                                                                              succession, actor, shown):
    contract_id = office.contract("complete_succession", "sh_succession")
    succession_id = office.waiting_succession(contract_id) if succession == "its" else succession
    with office.db.transaction() as session:
        own = session.get(Contract, contract_id).customer_id
    customer_id = {"successor": office.successor_id, "same": own}.get(successor, successor) \
        if isinstance(successor, str) else successor
    attempt(office, lambda: lifecycle.complete_succession(
        office.db, actor_of(office, actor), succession_id, documents_received_on=received_on,
        successor_customer_id=customer_id, expected_version=office.shown(shown, contract_id)))


# -- changes from a month ---------------------------------------------------------------------------
@drives("contracts.lifecycle_changes.change_plan")
@PROPERTY
@given(plan=often(st.just("other"), st.one_of(st.sampled_from(["same", "sc", "sh2", "sc_rec"]), BAD_ID)),
       from_month=MONTH, target=target("sc", "sh", "sc_suspended", "sh_cancelling"), actor=ACTORS, shown=VERSION)
def test_changing_the_plan_with_bad_values_changes_it_or_refuses(office, plan, from_month, target, actor, shown):
    contract_id = office.target("plan", target)
    attempt(office, lambda: lifecycle.change_plan(
        office.db, actor_of(office, actor), contract_id, plan_id=office.own(plan, contract_id), from_month=from_month,
        expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_changes.change_lines")
@PROPERTY
@given(lines=often(st.integers(1, 6), BAD_NUMBER), from_month=MONTH, target=target("sc", "sh", "sh_cancelling"),
       actor=ACTORS, shown=VERSION)
def test_changing_the_lines_to_a_bad_count_changes_them_or_refuses(office, lines, from_month, target, actor, shown):
    contract_id = office.target("lines", target)
    attempt(office, lambda: lifecycle.change_lines(office.db, actor_of(office, actor), contract_id, lines=lines,
                                                   from_month=from_month,
                                                   expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_changes.add_option")
@PROPERTY
@given(option=often(st.just("own"), st.one_of(st.sampled_from(["sc_rec", "sh_opt", "sc"]), BAD_ID)),
       quantity=often(st.integers(2, 4), st.one_of(st.just(1), BAD_NUMBER)), from_month=MONTH, target=target("sc", "sh"), actor=ACTORS,
       shown=VERSION)
def test_adding_an_option_with_bad_values_adds_it_or_refuses(office, option, quantity, from_month, target, actor,
                                                             shown):
    contract_id = office.target("add_option", target)
    attempt(office, lambda: lifecycle.add_option(
        office.db, actor_of(office, actor), contract_id, option_id=office.own(option, contract_id), quantity=quantity,
        from_month=from_month, expected_version=office.shown(shown, contract_id)))


@drives("contracts.lifecycle_changes.end_option")
@PROPERTY
@given(option=often(st.just("own"), st.one_of(st.sampled_from(["sh_opt", "sc"]), BAD_ID)), last_month=MONTH,
       target=target("sc"), actor=ACTORS, shown=VERSION)
# the last month two years on was taken, and its ending dated the month after, past the window
@example(option="own", last_month=dt.date(2028, 11, 1), target="sc", actor="manager", shown="current")
def test_ending_an_option_in_a_bad_month_ends_it_or_refuses(office, option, last_month, target, actor, shown):
    contract_id = office.target("end_option", target)
    attempt(office, lambda: lifecycle.end_option(
        office.db, actor_of(office, actor), contract_id, option_id=office.own(option, contract_id),
        last_month=last_month, expected_version=office.shown(shown, contract_id)))


#: A valid 特約 of each subject ("own": the option of the contract's service).
AGREEMENTS = (
    SpecialAgreement(AgreementSubject.PLAN_MONTHLY_FEE, AgreementDocument.QUOTE, "Q-2026-031", dt.date(2027, 1, 1),
                     monthly_fee=2500),
    SpecialAgreement(AgreementSubject.OPTION_MONTHLY_FEE, AgreementDocument.ORDER, "O-2026-007", dt.date(2027, 2, 1),
                     dt.date(2027, 6, 1), monthly_fee=300, option_id="own"),  # type: ignore[arg-type]
    SpecialAgreement(AgreementSubject.CONDITION, AgreementDocument.CONTRACT, "個別契約書 第12号", dt.date(2026, 12, 1),
                     condition="解約時の機器返却は着払いとする"),
)
AGREEMENT = st.sampled_from(AGREEMENTS).flatmap(lambda valid: often(
    st.one_of(spoiled(valid), st.builds(lambda a, b: dataclasses.replace(valid, from_month=a, until_month=b),
                                        MONTH, st.one_of(st.none(), MONTH))),
    st.sampled_from([valid, None, "特約", {"monthly_fee": 2500}, dataclasses.asdict(valid)])))


@drives("contracts.lifecycle_changes.add_special_agreement")
@PROPERTY
@given(agreement=AGREEMENT, target=target("sc"), actor=ACTORS, shown=VERSION)
# a price given with a condition was stored (a negative one too), and one too large for the
# column raised OverflowError (SQLite) or DataError (PostgreSQL); a condition had no length limit
@example(agreement=dataclasses.replace(AGREEMENTS[2], monthly_fee=10**20), target="sc", actor="manager",
         shown="current")
@example(agreement=dataclasses.replace(AGREEMENTS[0], condition="國" * 100_000), target="sc", actor="manager",
         shown="current")
def test_adding_a_special_agreement_with_bad_fields_adds_it_cleaned_or_refuses(office, agreement, target, actor,
                                                                               shown):
    contract_id = office.target("agreement", target)
    if isinstance(agreement, SpecialAgreement) and agreement.option_id == "own":
        agreement = dataclasses.replace(agreement, option_id=office.own("own", contract_id))

    def adding() -> None:
        lifecycle.add_special_agreement(office.db, actor_of(office, actor), contract_id, agreement=agreement,
                                        expected_version=office.shown(shown, contract_id))
        with office.db.transaction() as session:   # a Text column: attempt() checks no length of it
            stored = session.scalars(select(SpecialAgreementRow).where(SpecialAgreementRow.contract_id == contract_id))
            assert all(len(row.condition) <= NOTE_MAX_LENGTH for row in stored)

    attempt(office, adding)


#: A phone number as a clerk might type one: plain, 全角, with hyphens or brackets; some held by
#: other contracts; digits of other scripts; bad text; not text.
NUMBER = st.one_of(
    st.sampled_from(["0312345678", "05012345678", "090-1111-2222", "０８０－１２３４－５６７８", "(03)1234-5678"]),
    st.from_regex(r"0[1-9]0[0-9]{7,8}", fullmatch=True),
    st.text(st.characters(categories=["Nd"]), min_size=9, max_size=10).map("0".__add__),
    BAD_TEXT, WRONG_TYPE)
NUMBERS = often(st.lists(NUMBER, max_size=3),
                st.one_of(st.sampled_from([("0312345678",), {"0312345678"}, "0312345678"]), ANY_BAD))
STORED_NUMBER = re.compile(r"0[0-9]{9,10}")


@drives("contracts.lifecycle_changes.set_numbers")
@PROPERTY
@given(numbers=NUMBERS, target=target("sc", "sh", "sh_waiting"), actor=ACTORS, shown=VERSION)
# digits of another script passed domain.lifecycle.normalized_number (``\d``) and were stored
@example(numbers=["0᪐٩᠙7០7꧒𖭔𑶡൯"], target="sc", actor="manager", shown="current")
def test_setting_bad_phone_numbers_stores_them_as_digits_or_refuses(office, numbers, target, actor, shown):
    contract_id = office.target("numbers", target)

    def setting() -> None:
        lifecycle.set_numbers(office.db, actor_of(office, actor), contract_id, numbers=numbers,
                              expected_version=office.shown(shown, contract_id))
        with office.db.transaction() as session:
            held = session.scalars(select(ContractNumber.number).where(ContractNumber.contract_id == contract_id,
                                                                       ContractNumber.released_on.is_(None))).all()
        assert all(STORED_NUMBER.fullmatch(number) for number in held), held

    attempt(office, setting)

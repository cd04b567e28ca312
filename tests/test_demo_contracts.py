"""The demo office's contracts and their year of history, read back from the database the demo
filled (once per engine for this module: on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    CompanySettings,
    Contract,
    ContractEnding,
    ContractEvent,
    ContractNumber,
    ContractOptionPeriod,
    ContractPlanPeriod,
    Customer,
    OneTimeCharge,
    Plan,
    Succession,
    Suspension,
    TermsProfileRecord,
)
from reseller_desk.demo import fill_demo
from reseller_desk.demo.stories import initial_status
from reseller_desk.domain import rules
from reseller_desk.domain.charges import ChargeKind
from reseller_desk.domain.contract import LIVE_STATUSES, ContractStatus, transition
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month, overlaps
from reseller_desk.domain.lifecycle import service_data_deletion_due
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import settings
from tests.consistency import check

CUSTOMERS = 200
#: The demo's "today": the real one (the demo is made relative to it; tests/test_demo_stories.py
#: tells the stories of other days). Not frozen: a frozen clock stamps every change of an
#: application with the same updated_at, which then moves no row_version (tests/consistency.py).
TODAY = clock.today()


@pytest.fixture(scope="module")
def _filled(tmp_path_factory):
    """One demo per engine for the whole module: (target, Database), made on first use."""
    made: dict[str, tuple[str, Database]] = {}
    servers = []

    def get(backend: str, server) -> tuple[str, Database]:
        if backend not in made:
            if server is None:
                target = str(tmp_path_factory.mktemp("demo") / "demo.sqlite3")
            else:
                target = server.url_of(server.create_database())
                servers.append((server, target))
            db = Database.open(target, create=True)
            fill_demo(db, customers=CUSTOMERS)
            made[backend] = (target, db)
        return made[backend]

    yield get
    for _target, db in made.values():
        db.dispose()
    for server, target in servers:
        server.drop_database(target.rsplit("/", 1)[-1])


@pytest.fixture
def demo(backend, _filled, request) -> tuple[str, Database]:
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    return _filled(backend, server)


def _rows(db: Database, model, *order) -> list:
    with db.transaction() as session:
        rows = list(session.scalars(select(model).order_by(*(order or (model.id,)))))
        session.expunge_all()
        return rows


def _profiles(db: Database) -> dict[int, object]:
    return {r.id: load_profile(r.key) for r in _rows(db, TermsProfileRecord)}


def test_most_demo_customers_have_a_contract_under_both_profiles_at_every_status_their_terms_allow(demo):
    _target, db = demo
    contracts, profiles = _rows(db, Contract), _profiles(db)
    customers = len(_rows(db, Customer))
    assert 0.8 <= len({c.customer_id for c in contracts}) / customers <= 0.95
    assert any(n == 2 for n in Counter(c.customer_id for c in contracts).values())  # some have two
    by_profile: dict[str, set[ContractStatus]] = defaultdict(set)
    for c in contracts:
        by_profile[profiles[c.terms_profile_id].key].add(c.status)
    for key, seen in by_profile.items():
        profile = load_profile(key)
        expected = set(ContractStatus)
        if initial_status(profile) is not ContractStatus.AWAITING_OPENING:
            expected.discard(ContractStatus.AWAITING_OPENING)  # SC: 利用中 from the 登録日 (SC §7)
        if not profile.intake.postal_identity_check:
            expected.discard(ContractStatus.REVOKED)  # 取消 is the failed postal check (SH §14.2(7))
        assert seen == expected, key
    assert set(by_profile) == {"simpleconnect", "sokujitsu"}
    statuses = Counter(c.status for c in contracts)
    assert statuses.most_common(1)[0][0] is ContractStatus.ACTIVE and statuses[ContractStatus.ACTIVE] > len(contracts) / 2


def test_every_demo_timeline_walks_through_the_state_machine_from_its_formation_to_its_status(demo):
    _target, db = demo
    events: dict[int, list[ContractEvent]] = defaultdict(list)
    for e in _rows(db, ContractEvent):
        events[e.contract_id].append(e)
    kinds = Counter()
    for c in _rows(db, Contract):
        timeline = events[c.id]
        first, rest = timeline[0], timeline[1:]
        assert first.kind is ContractEventKind.FORMED and first.effective_on == c.formed_on
        status = first.to_status
        for e in rest:
            kinds[e.kind] += 1
            if e.action is None:
                assert e.from_status is None and e.to_status is None
                continue
            assert e.from_status is status, (c.customer_code, e.kind)
            status = transition(status, e.action)
            assert e.to_status is status
        assert status is c.status, c.customer_code
        assert [e.effective_on for e in timeline] == sorted(e.effective_on for e in timeline)  # oldest first
    for kind in (ContractEventKind.OPENED, ContractEventKind.PLAN_CHANGED, ContractEventKind.LINES_CHANGED,
                 ContractEventKind.OPTION_ADDED, ContractEventKind.OPTION_ENDED, ContractEventKind.AGREEMENT_ADDED,
                 ContractEventKind.SUSPENSION_NOTICED, ContractEventKind.SUSPENDED, ContractEventKind.RESUMED,
                 ContractEventKind.CANCELLATION_ACCEPTED, ContractEventKind.CANCELLED, ContractEventKind.TERMINATED,
                 ContractEventKind.ENDED_BY_DEATH, ContractEventKind.REVOKED, ContractEventKind.SUCCESSION_REPORTED):
        assert kinds[kind], kind


def test_no_demo_contract_has_two_periods_in_one_month_and_its_first_starts_when_it_was_formed(demo):
    _target, db = demo
    plans: dict[int, list[ContractPlanPeriod]] = defaultdict(list)
    for p in _rows(db, ContractPlanPeriod, ContractPlanPeriod.from_month):
        plans[p.contract_id].append(p)
    options: dict[tuple[int, int], list[ContractOptionPeriod]] = defaultdict(list)
    for o in _rows(db, ContractOptionPeriod, ContractOptionPeriod.from_month):
        options[o.contract_id, o.option_id].append(o)
    contracts = {c.id: c for c in _rows(db, Contract)}
    for contract_id, periods in [*plans.items(), *options.items()]:
        cid = contract_id if isinstance(contract_id, int) else contract_id[0]
        for i, a in enumerate(periods):
            assert a.until_month is None or a.from_month <= a.until_month
            for b in periods[i + 1:]:
                assert not overlaps(a.from_month, a.until_month, b.from_month, b.until_month), (cid, a, b)
        end = contracts[cid].last_billable_month
        if end is not None:  # options end with the base contract (SH §6.2–3)
            assert all(p.until_month is not None and p.until_month <= end for p in periods)
    for c in contracts.values():
        assert plans[c.id][0].from_month == first_of_month(c.formed_on)
    assert any(len(p) > 1 for p in plans.values())  # plan and line changes from a month


def test_a_demo_number_is_held_by_one_live_contract_one_per_line_and_released_when_it_ends(demo):
    _target, db = demo
    contracts = {c.id: c for c in _rows(db, Contract)}
    held: dict[int, list[str]] = defaultdict(list)
    for n in _rows(db, ContractNumber):
        assert n.number.startswith("050") and len(n.number) == 11
        if n.released_on is None:
            held[n.contract_id].append(n.number)
    numbers = [number for numbers in held.values() for number in numbers]
    assert len(numbers) == len(set(numbers))
    lines = {p.contract_id: p.lines for p in _rows(db, ContractPlanPeriod, ContractPlanPeriod.from_month)}  # last
    for c in contracts.values():
        if c.application_id is not None:
            continue  # approved through the services: its numbers come with the lifecycle's opening
        if c.status in LIVE_STATUSES:
            assert len(held[c.id]) == lines[c.id], c.customer_code
        else:
            assert held[c.id] == [], c.customer_code


def test_the_demo_billable_months_and_ending_dates_are_the_rules_engines(demo):
    _target, db = demo
    profiles, calendar = _profiles(db), settings.company_calendar(db)
    contracts = {c.id: c for c in _rows(db, Contract)}
    for c in contracts.values():
        profile = profiles[c.terms_profile_id]
        if c.opened_on is None and initial_status(profile) is ContractStatus.AWAITING_OPENING:
            assert c.first_billable_month is None
        else:
            assert c.first_billable_month == rules.first_billable_month(profile, c.formed_on, c.opened_on)
    endings = _rows(db, ContractEnding)
    assert {e.kind for e in endings} == {"cancellation", "termination", "death"}
    for e in endings:
        c, profile = contracts[e.contract_id], profiles[contracts[e.contract_id].terms_profile_id]
        if e.kind == "cancellation":
            assert e.effective_on == rules.cancellation_date(profile, calendar, e.requested_on, e.desired_month)
            if e.desired_month is not None:
                assert rules.cancellation_month_problem(profile, calendar, e.requested_on, e.desired_month) is None
            assert (c.status is ContractStatus.CANCELLED) == e.taken_effect == (e.effective_on < TODAY)
        assert e.last_billable_month == rules.last_billable_month(e.effective_on)
        assert (c.last_billable_month, c.ends_on) == (e.last_billable_month, e.effective_on)
        assert (c.accelerated_on is not None) == e.accelerated
    for s in _rows(db, Succession):
        profile = profiles[contracts[s.contract_id].terms_profile_id]
        assert s.proof_deadline == rules.succession_deadline(profile, calendar, s.succeeded_on)
        assert s.previous_customer_id == contracts[s.contract_id].customer_id


def test_a_cancelled_sc_demo_contract_has_its_data_deletion_day_and_an_sh_one_has_none(demo):
    """SC §23: the service settings and history of a cancelled contract are deleted on its
    effective date, recorded on the contract and its ending as the lifecycle records them; SH
    deletes nothing, and no termination or death schedules a deletion."""
    _target, db = demo
    profiles = _profiles(db)
    contracts = {c.id: c for c in _rows(db, Contract)}
    endings = _rows(db, ContractEnding)
    cancelled: dict[str, list[tuple]] = defaultdict(list)
    for e in endings:
        c = contracts[e.contract_id]
        profile = profiles[c.terms_profile_id]
        expected = service_data_deletion_due(profile, e.effective_on) if e.kind == "cancellation" else None
        assert e.service_data_deletion_due == c.service_data_deletion_due == expected, c.customer_code
        if e.kind == "cancellation":
            cancelled[profile.key].append((e.effective_on, e.service_data_deletion_due))
    assert cancelled["simpleconnect"] and all(due == on for on, due in cancelled["simpleconnect"])
    assert cancelled["sokujitsu"] and all(due is None for _on, due in cancelled["sokujitsu"])
    ended = {e.contract_id for e in endings}
    assert all(c.service_data_deletion_due is None for c in contracts.values() if c.id not in ended)


def test_the_demo_early_termination_fees_are_one_time_charges_of_contracts_ended_inside_their_minimum_term(demo):
    _target, db = demo
    plans = {p.id: p for p in _rows(db, Plan)}
    last_plan = {p.contract_id: plans[p.plan_id] for p in _rows(db, ContractPlanPeriod, ContractPlanPeriod.from_month)}
    contracts = {c.id: c for c in _rows(db, Contract)}
    charges = {ch.source_id: ch for ch in _rows(db, OneTimeCharge) if ch.kind == ChargeKind.EARLY_TERMINATION}
    tax = _rows(db, CompanySettings)[0].early_termination_tax
    fees = 0
    for e in _rows(db, ContractEnding):
        c, plan = contracts[e.contract_id], last_plan[e.contract_id]
        inside = e.kind != "death" and rules.ends_within_minimum_term(
            plan.minimum_term_months, c.first_billable_month, e.last_billable_month)
        assert e.early_termination_fee == (plan.early_termination_fee if inside else 0)
        if e.early_termination_fee:
            fees += 1
            charge = charges[e.id]
            assert (charge.source, charge.contract_id, charge.customer_id) == ("contract_ending", c.id, c.customer_id)
            assert (charge.amount, charge.billing_month, charge.tax_category) == (
                e.early_termination_fee, e.last_billable_month, tax)
            assert charge.immediate == e.accelerated
    assert fees == len(charges) > 0


def test_todays_work_has_rows_on_the_demos_today(demo):
    _target, db = demo
    suspensions = _rows(db, Suspension)
    assert any(s.state == "active" and s.started_on == TODAY for s in suspensions)  # started today
    assert any(s.state == "scheduled" and s.starts_on == TODAY for s in suspensions)  # starts today
    assert any(s.state == "scheduled" and s.noticed_on and s.starts_on < TODAY for s in suspensions)  # date has come
    for s in suspensions:
        assert s.noticed_on is None or s.noticed_on < s.starts_on  # told beforehand (SH §23.2)
    this_month = first_of_month(TODAY)
    assert any(e.kind == "cancellation" and first_of_month(e.effective_on) == this_month and not e.taken_effect
               for e in _rows(db, ContractEnding))
    deadlines = [(s.proof_deadline - TODAY).days for s in _rows(db, Succession)]
    assert any(0 <= d <= 5 for d in deadlines) and any(d < 0 for d in deadlines)


def test_the_demo_database_passes_the_consistency_checks(demo):
    target, _db = demo
    found = check(target)
    assert found.problems == []
    assert found.counts["contracts"] > CUSTOMERS * 0.8
    assert found.counts["invoices"] > found.counts["contracts"], "two months billed by the run itself"

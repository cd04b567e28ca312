"""Clerks at work in real processes, for the tests of several writers on one database
(tests/services/test_concurrent_mixed.py) and the probe script
(tests/benchmarks/probe_writers.py).

``set_up_office`` makes the office every process works in: a manager and a clerk (the only
passwords hashed, in the parent), the company, a SimpleConnect plan and option, and the shared
customers everyone edits. ``work`` is one process: it does a ``Workload`` (so many of each
kind of operation, in a seeded random order) as the clerk, approving as the manager, and puts
what happened on the results queue: the operations done, each refusal by kind, each failure
(an error a clerk should never see), every customer edit that committed, and the audit record
each successful call should have written. ``tally`` adds the processes' outcomes up against
the database (tests/consistency.py).

Services are called through ``call``, which passes the row version a form was showing as
``expected_version`` wherever the service takes one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reseller_desk.db.database import Database

#: The kinds of operation. "application" is one applicant's whole way: taken in, screened, approved.
KINDS = ("add", "edit", "take_in", "screen", "approve", "application")
#: Every note written by an edit: unique to its process and operation, so that the final value
#: tells which edit it came from.
EDIT_NOTE = "edit w{worker} op{op}"


@dataclass(frozen=True)
class Workload:
    """What one process does: ``ops`` (kind -> how many). ``reload_on_stale``: a save refused
    as stale (ConcurrentEdit) is done again on the reloaded record, as a clerk would; else it is
    an error the clerk saw. ``retry_errors``: any other error is tried again (the probe's
    P1.1/P1.2), up to 5 times. ``pace_s``: a random pause of up to this between operations."""

    ops: dict[str, int]
    reload_on_stale: bool = True
    retry_errors: bool = False
    pace_s: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.ops.values())


def call(service: Callable[..., Any], *args: Any, version: int | None = None, **kwargs: Any) -> Any:
    """``service(*args, **kwargs)``, with ``expected_version=version`` when it takes one."""
    if "expected_version" in inspect.signature(service).parameters:
        kwargs["expected_version"] = version
    return service(*args, **kwargs)


# -- the office ----------------------------------------------------------------------------
def set_up_office(target: str, shared_customers: int) -> dict[str, int]:
    """A new database at ``target`` with the office in it; the ids of its plan and option."""
    from reseller_desk.demo import demo_customer
    from reseller_desk.domain.company import CompanyDetails, PlanDetails
    from reseller_desk.services import customers, settings, staff

    db = Database.open(target, create=True)
    try:
        manager = staff.create_first_manager(db, "kanri", "管理 花子", "office-pass-1")
        staff.add_staff(db, manager, "jimu", "事務 太郎", "clerk", "office-pass-2")
        # A first save: no row yet, whose version the settings screen shows as NO_COMPANY_ROW.
        call(settings.save_company, db, manager, version=settings.get_company_record(db).row_version,
             details=CompanyDetails(
            name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
            phone="03-5289-7410", registration_number="T8700110005901"))
        office = {
            "sc": call(settings.save_plan, db, manager, None, PlanDetails("simpleconnect", "SC-BASIC", "ベーシック",
                                                                          2980, 5000)).id,
            "sc_rec": call(settings.save_option, db, manager, None, PlanDetails("simpleconnect", "SC-REC",
                                                                                "通話録音", 500, 1000)).id,
        }
        rng = random.Random(0)
        office["shared"] = shared_customers
        office["first_shared"] = customers.add_customer(db, manager, demo_customer(rng)).id
        for _ in range(shared_customers - 1):
            customers.add_customer(db, manager, demo_customer(rng))
        office["audit_before"] = _last_audit_id(db)
    finally:
        db.dispose()
    return office


def _last_audit_id(db: Database) -> int:
    from sqlalchemy import func, select

    from reseller_desk.db.models import AuditEntry

    with db.transaction() as session:
        return session.scalar(select(func.max(AuditEntry.id))) or 0


# -- one process -----------------------------------------------------------------------------
class _Retries(logging.Handler):
    """Counts the services' own re-runs of a lost race (services.retry logs each one)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += record.levelno == logging.INFO


@dataclass
class Outcome:
    worker: int
    ops: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors_seen: Counter = field(default_factory=Counter)  # kind -> errors a clerk saw (refusals and failures)
    audit: Counter = field(default_factory=Counter)  # action -> records the successful calls wrote
    edits: list[tuple[int, str, int]] = field(default_factory=list)  # customer, note, row_version after
    saves: int = 0  # service calls that succeeded
    retries: int = 0
    elapsed_s: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """For the results queue (``dataclasses.asdict`` would turn a Counter's items into keys)."""
        return {f.name: dict(value) if isinstance(value := getattr(self, f.name), Counter) else value
                for f in dataclasses.fields(self)}


class _Refused(Exception):
    """An expected refusal, already counted: the operation ends here."""


class _Clerk:
    """One process's clerk (and manager, for 承諾), doing operations and counting what happens."""

    def __init__(self, db: Database, office: dict[str, int], worker: int, workload: Workload) -> None:
        from sqlalchemy import select

        from reseller_desk.db.models import StaffUser
        from reseller_desk.services.auth import actor_of

        self.db, self.office, self.workload = db, office, workload
        self.rng = random.Random(1000 + worker)
        self.outcome = Outcome(worker)
        with db.transaction() as session:
            users = {u.login: actor_of(u) for u in session.scalars(select(StaffUser))}
        self.clerk, self.manager = users["jimu"], users["kanri"]

    # the operations ------------------------------------------------------------------------
    def do(self, kind: str, op: int) -> None:
        self.outcome.ops[kind] += 1
        with contextlib.suppress(_Refused):
            getattr(self, kind)(op)

    def add(self, op: int) -> None:
        from reseller_desk.demo import demo_customer
        from reseller_desk.services import customers

        self._service("add", customers.add_customer, self.db, self.clerk, demo_customer(self.rng))
        self.outcome.audit["customer.add"] += 1

    def edit(self, op: int) -> None:
        """Read a shared customer, change its note to one no other edit writes, save with the
        version read; a stale save is done again on the reloaded record."""
        from reseller_desk.services import customers
        from reseller_desk.services.errors import ConcurrentEdit

        customer_id = self.office["first_shared"] + self.rng.randrange(self.office["shared"])
        note = EDIT_NOTE.format(worker=self.outcome.worker, op=op)
        while True:
            record = customers.get_customer(self.db, customer_id)
            draft = dataclasses.replace(record.draft, notes=note)
            try:
                saved = self._service("edit", customers.update_customer, self.db, self.clerk, customer_id, draft,
                                      version=record.row_version)
            except ConcurrentEdit:
                continue  # reloaded: save again on what is there now
            self.outcome.edits.append((customer_id, note, saved.row_version))
            self.outcome.audit["customer.update"] += 1
            return

    def take_in(self, op: int) -> int:
        from reseller_desk.demo import demo_customer
        from reseller_desk.domain.customer import CustomerKind
        from reseller_desk.services import applications as apps
        from tests.services.builders import PAPERS_CORPORATE, PAPERS_INDIVIDUAL, TODAY, for_customer, sc_input

        if self.rng.random() < 0.5:
            inp = for_customer(sc_input(self.office), self.office["first_shared"]
                               + self.rng.randrange(self.office["shared"]))
        else:
            applicant = demo_customer(self.rng)
            papers = PAPERS_CORPORATE if applicant.kind is CustomerKind.CORPORATE else PAPERS_INDIVIDUAL
            inp = dataclasses.replace(sc_input(self.office, documents=papers), applicant=applicant)
        detail = self._service("take_in", apps.create_application, self.db, self.clerk, inp, today=TODAY)
        self.outcome.audit["application.add"] += 1
        return detail.id

    def screen(self, op: int, application_id: int | None = None) -> int:
        """Start screening an application just taken in (anyone's) and answer every line 問題なし,
        each with the version last seen; after a stale save the clerk reloads and goes on."""
        from reseller_desk.domain.application import ApplicationStatus, ScreeningAnswer
        from reseller_desk.services import applications as apps
        from reseller_desk.services.errors import ConcurrentEdit

        if application_id is None:
            application_id = self._pick(ApplicationStatus.RECEIVED) or self.take_in(op)
        detail = apps.get_application(self.db, application_id)
        started = False
        while True:
            unanswered = [i for i in detail.checklist if i.answer is not ScreeningAnswer.CLEAR]
            if started and not unanswered:
                return application_id
            try:
                if not started:
                    detail = self._service("screen", apps.start_screening, self.db, self.clerk, application_id,
                                           version=detail.row_version)
                    started = True
                    self.outcome.audit["application.screening"] += 1
                else:
                    detail = self._service("screen", apps.answer_screening_item, self.db, self.clerk,
                                           application_id, unanswered[0].code, ScreeningAnswer.CLEAR, "確認済",
                                           version=detail.row_version)
                    self.outcome.audit["screening.answer"] += 1
            except ConcurrentEdit:
                detail = apps.get_application(self.db, application_id)

    def approve(self, op: int, application_id: int | None = None) -> None:
        """承諾 of a screened application (anyone's), as the manager, with the version shown."""
        from reseller_desk.domain.application import ApplicationStatus
        from reseller_desk.services import applications as apps
        from reseller_desk.services.errors import ConcurrentEdit
        from tests.services.builders import TODAY

        if application_id is None:
            application_id = self._pick(ApplicationStatus.SCREENING, screened=True) or self.screen(op)
        while True:
            detail = apps.get_application(self.db, application_id)
            try:
                self._service("approve", apps.approve_application, self.db, self.manager, application_id,
                              version=detail.row_version, today=TODAY)
            except ConcurrentEdit:
                continue
            self.outcome.audit.update(["application.approve", "contract.add", "notice.issue"]
                                      + ["customer.add"] * (detail.customer_id is None))
            return

    def application(self, op: int) -> None:
        self.approve(op, self.screen(op, self.take_in(op)))

    # around every call -----------------------------------------------------------------------
    def _pick(self, status: Any, *, screened: bool = False) -> int | None:
        """A random open application in ``status`` (with every line 問題なし: ``screened``)."""
        from sqlalchemy import exists, select

        from reseller_desk.db.models import Application, ScreeningItem
        from reseller_desk.domain.application import ScreeningAnswer

        query = select(Application.id).where(Application.status == status)
        if screened:
            query = query.where(Application.screening_started_at.is_not(None), ~exists().where(
                ScreeningItem.application_id == Application.id, ScreeningItem.answer != ScreeningAnswer.CLEAR))
        with self.db.transaction() as session:
            ids = list(session.scalars(query))
        return self.rng.choice(ids) if ids else None

    def _service(self, kind: str, service: Callable[..., Any], *args: Any, version: int | None = None,
                 **kwargs: Any) -> Any:
        """Call ``service``: an expected refusal is counted and ends the operation, a stale
        save is raised again for the caller to reload (when the workload reloads, else it ends
        the operation too); anything else is a failure, an error a clerk should never see,
        tried again when the workload says so."""
        from reseller_desk.services.errors import ConcurrentEdit, ServiceError

        for attempt in range(5):
            try:
                result = call(service, *args, version=version, **kwargs)
                self.outcome.saves += 1
                return result
            except ConcurrentEdit:
                self.outcome.refusals[f"{kind}: ConcurrentEdit (stale version)"] += 1
                self.outcome.errors_seen[kind] += 1
                if not self.workload.reload_on_stale:
                    raise _Refused() from None
                raise
            except ServiceError as error:
                reason = _expected_refusal(error)
                if reason is None:
                    self._failed(kind, error)
                else:
                    self.outcome.refusals[f"{kind}: {reason}"] += 1
                    self.outcome.errors_seen[kind] += 1
                    raise _Refused() from None
            except Exception as error:  # noqa: BLE001 - every other error is a failure, counted
                self._failed(kind, error)
            if not self.workload.retry_errors or attempt == 4:
                raise _Refused()
        raise AssertionError("unreachable")

    def _failed(self, kind: str, error: Exception) -> None:
        self.outcome.failures.append(f"{kind}: {type(error).__name__}: {str(error)[:160]}")
        self.outcome.errors_seen[kind] += 1


def _expected_refusal(error: Exception) -> str | None:
    """The refusals that are the right answer when another clerk got there first: the
    application was decided (or is being screened) by someone else. Busy is never one."""
    from reseller_desk.services.errors import Busy

    if isinstance(error, Busy):
        return None
    if "のため、" in str(error) and "できません" in str(error):
        return "no longer open (decided by another)"
    return None


def work(target: str, office: dict[str, int], worker: int, workload: Workload, barrier: Any, results: Any) -> None:
    """One process of ``race``: the workload's operations in a seeded random order."""
    retries = _Retries()
    retry_log = logging.getLogger("reseller_desk.services.retry")
    retry_log.setLevel(logging.INFO)
    retry_log.addHandler(retries)
    outcome = Outcome(worker)
    try:
        db = Database.open(target)
        try:
            clerk = _Clerk(db, office, worker, workload)
            outcome = clerk.outcome
            plan = [kind for kind, n in workload.ops.items() for _ in range(n)]
            clerk.rng.shuffle(plan)
            barrier.wait(timeout=120)
            started = time.perf_counter()
            for op, kind in enumerate(plan):
                if workload.pace_s:
                    time.sleep(clerk.rng.uniform(0, workload.pace_s))
                clerk.do(kind, op)
            outcome.elapsed_s = time.perf_counter() - started
        finally:
            db.dispose()
    except Exception as error:  # noqa: BLE001 - reported to the parent
        outcome.failures.append(f"stopped: {error!r}"[:300])
    outcome.retries = retries.count
    results.put(outcome.as_dict())


# -- adding it up ----------------------------------------------------------------------------
@dataclass
class Tally:
    """The processes' outcomes added up, and what the database holds afterwards."""

    processes: int
    ops: Counter
    refusals: Counter
    failures: list[str]
    errors_seen: Counter
    saves: int
    retries: int
    elapsed_s: float
    edits_committed: int
    edits_lost: list[str]  # a committed edit the database does not show where it should
    audit_expected: Counter
    audit_found: Counter
    problems: list[str]  # tests/consistency.py
    counts: dict[str, int]

    @property
    def ops_per_s(self) -> float:
        return sum(self.ops.values()) / self.elapsed_s if self.elapsed_s else 0.0

    @property
    def saves_per_s(self) -> float:
        return self.saves / self.elapsed_s if self.elapsed_s else 0.0

    def lines(self) -> list[str]:
        """The figures, for print()."""
        return [
            f"{self.processes} processes, {sum(self.ops.values())} operations in {self.elapsed_s:.1f} s "
            f"({self.ops_per_s:.0f} ops/s, {self.saves} saves, {self.saves_per_s:.0f}/s): "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.ops.items())),
            "expected refusals: " + (", ".join(f"{k} {n}" for k, n in sorted(self.refusals.items())) or "none"),
            f"failures (errors a clerk should never see): {len(self.failures)} {self.failures[:3]}",
            f"the services' own re-runs of a lost race: {self.retries}",
            f"customer edits committed {self.edits_committed}, lost {len(self.edits_lost)}",
            f"audit records {sum(self.audit_found.values())} for {sum(self.audit_expected.values())} changes: "
            + ", ".join(f"{k} {n}" for k, n in sorted(self.audit_found.items())),
            f"consistency problems: {self.problems or 'none'}",
            "database: " + ", ".join(f"{k} {n}" for k, n in self.counts.items()),
        ]


def tally(target: str, office: dict[str, int], outcomes: list[dict[str, Any]]) -> Tally:
    from tests.consistency import check

    found = check(target)
    edits = [tuple(e) for o in outcomes for e in o["edits"]]
    audit_found, updates, final = _audit_since(target, office["audit_before"])
    return Tally(
        processes=len(outcomes),
        ops=sum((Counter(o["ops"]) for o in outcomes), Counter()),
        refusals=sum((Counter(o["refusals"]) for o in outcomes), Counter()),
        failures=[f for o in outcomes for f in o["failures"]],
        errors_seen=sum((Counter(o["errors_seen"]) for o in outcomes), Counter()),
        saves=sum(o["saves"] for o in outcomes),
        retries=sum(o["retries"] for o in outcomes),
        elapsed_s=max(o["elapsed_s"] for o in outcomes),
        edits_committed=len(edits),
        edits_lost=lost_edits(edits, updates, final),
        audit_expected=sum((Counter(o["audit"]) for o in outcomes), Counter()),
        audit_found=audit_found,
        problems=found.problems,
        counts=found.counts,
    )


def lost_edits(edits: list[tuple[int, str, int]], updates: dict[int, list[str]], final: dict[int, str]) -> list[str]:
    """Committed edits the database lost. By customer, the edits in the order they committed
    (the version each produced, which must all differ) must be exactly that customer's
    customer.update records in the audit log's order, and the customer's note now must be the
    last of them."""
    lost = []
    by_customer: dict[int, list[tuple[int, str]]] = {}
    for customer_id, note, version in edits:
        by_customer.setdefault(customer_id, []).append((version, note))
    for customer_id, saved in sorted(by_customer.items()):
        saved.sort()
        versions = [v for v, _ in saved]
        if len(set(versions)) != len(versions):
            lost.append(f"customer {customer_id}: two edits committed the same version {versions}")
        notes = [n for _, n in saved]
        if updates.get(customer_id, []) != notes:
            missing = [n for n in notes if n not in updates.get(customer_id, [])]
            lost.append(f"customer {customer_id}: audit order differs from commit order; not audited {missing[:3]}")
        if final.get(customer_id) != notes[-1]:
            lost.append(f"customer {customer_id}: note {final.get(customer_id)!r}, last committed {notes[-1]!r}")
    return lost


def _audit_since(target: str, after_id: int) -> tuple[Counter, dict[int, list[str]], dict[int, str]]:
    """Audit actions written after ``after_id``; each customer's notes in its update records,
    in the log's order; each customer's note now."""
    from sqlalchemy import select

    from reseller_desk.db.models import AuditEntry, Customer

    db = Database.open(target)
    try:
        with db.transaction() as session:
            entries = session.execute(select(AuditEntry.action, AuditEntry.entity_id, AuditEntry.after)
                                      .where(AuditEntry.id > after_id).order_by(AuditEntry.id)).all()
            final = dict(session.execute(select(Customer.id, Customer.notes)).all())
    finally:
        db.dispose()
    updates: dict[int, list[str]] = {}
    for action, entity_id, after in entries:
        if action == "customer.update" and "notes" in json.loads(after):
            updates.setdefault(entity_id, []).append(json.loads(after)["notes"])
    return Counter(action for action, _, _ in entries), updates, final

"""A writer killed midway leaves a whole database (issue 8): a process approving applications
one after another, and a process filling the demo office (``fill_demo``, what ``reseller-desk
demo`` runs), are SIGKILLed at 20 moments chosen by a seeded random number generator — 12
during approvals, 8 during demo fills. After each kill tests/consistency.py finds nothing
wrong: on SQLite, plain sqlite3's ``integrity_check`` and ``foreign_key_check`` are clean;
on both engines no approved application lacks its contract or notice, no change lacks its
audit record, every number is issued without gaps, and the database opens again.

A moment is "``delay`` after the k-th write transaction began" (the process reports each
one down a pipe), so the kills land inside or just after a transaction whatever the speed of
the machine. On PostgreSQL a killed client's transaction is rolled back by the server, which
lives on: its storage and foreign keys are the server's own, so there is no file to check
there, only what the queries see.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import event, select, text

from reseller_desk.db.database import WRITE_LOCK, Database
from reseller_desk.db.models import Application, StaffUser
from reseller_desk.domain.application import ApplicationStatus
from reseller_desk.services import applications as apps
from reseller_desk.services.auth import actor_of
from reseller_desk.services.permissions import Actor
from tests.clerks import call, set_up_office
from tests.consistency import (
    check,
    half_made,
    numbering_problems,
    sqlite_file_problems,
    timeline_problems,
    unaudited,
)
from tests.processes import killed
from tests.services.builders import TODAY, for_customer, sc_input, screened_clear

APPROVAL_KILLS = 12
DEMO_KILLS = 8
#: Applications screened before the first kill; the writer takes in and screens more itself
#: once they are all approved.
SCREENED = 40
#: At most this many write transactions before a kill (an approval is one).
APPROVALS_BEFORE_KILL = 5
DEMO_CUSTOMERS = 2000


def _report_write_transactions(db: Database, report: Callable[[int], object]) -> None:
    """Call ``report`` each time a write transaction of ``db`` begins (after its lock)."""

    @event.listens_for(db.engine, "begin")
    def _began(conn) -> None:
        if conn.get_execution_options().get(WRITE_LOCK):
            report(1)


def _actors(db: Database) -> dict[str, Actor]:
    with db.transaction() as session:
        return {u.login: actor_of(u) for u in session.scalars(select(StaffUser))}


def _approve_until_killed(target: str, office: dict[str, int], moments) -> None:
    """The manager approves the applications being screened, one by one; when there are
    none, the clerk takes one in and screens it. Forever: the test kills it."""
    db = Database.open(target)
    users = _actors(db)
    _report_write_transactions(db, moments.send)
    while True:
        with db.transaction() as session:
            waiting = session.scalars(select(Application.id).where(Application.status == ApplicationStatus.SCREENING)
                                      .order_by(Application.id)).first()
        if waiting is None:
            inp = for_customer(sc_input(office), office["first_shared"])
            waiting = apps.create_application(db, users["jimu"], inp, today=TODAY).id
            screened_clear(db, users["jimu"], waiting)
        version = apps.get_application(db, waiting).row_version
        call(apps.approve_application, db, users["kanri"], waiting, version=version, today=TODAY)


def _fill_demo(target: str, moments) -> None:
    """``fill_demo`` on a new database, as ``reseller-desk demo`` runs it, with the tests'
    cheap password hashes (a spawned child does not inherit the tests' monkeypatch)."""
    from reseller_desk.demo import fill_demo
    from reseller_desk.services import auth
    from tests.conftest import TEST_SCRYPT_N

    auth.SCRYPT_N = TEST_SCRYPT_N
    db = Database.open(target, create=True)
    _report_write_transactions(db, moments.send)
    fill_demo(db, DEMO_CUSTOMERS)


def _office_with_applications(target: str, approved: int, screened: int) -> dict[str, int]:
    """The office of tests/clerks.py, with applications approved and others screened."""
    office = set_up_office(target, 3)
    db = Database.open(target)
    try:
        users = _actors(db)
        for n in range(approved + screened):
            inp = for_customer(sc_input(office), office["first_shared"] + n % 3) if n % 2 else sc_input(office)
            application_id = apps.create_application(db, users["jimu"], inp, today=TODAY).id
            detail = screened_clear(db, users["jimu"], application_id)
            if n < approved:
                call(apps.approve_application, db, users["kanri"], application_id, version=detail.row_version,
                     today=TODAY)
    finally:
        db.dispose()
    return office


def test_a_manager_killed_while_approving_leaves_every_approval_whole_or_not_begun(new_database, backend, figures):
    office = _office_with_applications(new_database, 0, SCREENED)
    rng = random.Random(8)
    figures(f"[{backend}] SIGKILL during approvals")
    contracts = 0
    for round_ in range(APPROVAL_KILLS):
        after, delay = rng.randint(1, APPROVALS_BEFORE_KILL), rng.uniform(0, 0.04)
        seen, exitcode = killed(_approve_until_killed, (new_database, office), after=after, delay_s=delay)
        found = check(new_database)
        made, contracts = found.counts["contracts"] - contracts, found.counts["contracts"]
        figures(f"  kill {round_ + 1}: {delay * 1000:.0f} ms into approval {seen} (exit {exitcode}): {made} approved, "
              f"the last {'rolled back' if made < seen else 'committed'}; problems: {found.problems or 'none'}")
        assert (seen, exitcode) == (after, -9)
        assert found.problems == []


def test_a_demo_fill_killed_at_any_moment_leaves_a_consistent_database(new_databases, backend, figures):
    from reseller_desk.demo import fill_demo

    calibration = new_databases()
    db = Database.open(calibration, create=True)
    transactions: list[int] = []
    try:
        _report_write_transactions(db, transactions.append)
        fill_demo(db, DEMO_CUSTOMERS)
    finally:
        db.dispose()
    assert check(calibration).problems == []  # a whole demo fill passes the checks

    rng = random.Random(9)
    figures(f"[{backend}] SIGKILL during demo fills of {len(transactions)} write transactions")
    for round_ in range(DEMO_KILLS):
        target = new_databases()
        after, delay = rng.randint(1, len(transactions)), rng.uniform(0, 0.05)
        seen, exitcode = killed(_fill_demo, (target,), after=after, delay_s=delay)
        found = check(target)
        figures(f"  kill {round_ + 1}: {delay * 1000:.0f} ms after write transaction {seen} (exit {exitcode}): "
              f"{found.counts['customers']} customers, {found.counts['applications']} applications, "
              f"problems: {found.problems or 'none'}")
        assert seen == after
        assert found.problems == []


#: Damage a writer could leave if a change were not one transaction, and what the checks say.
DAMAGE = {
    "DELETE FROM notices": ["承諾 without its acceptance notice", "notice.issue records of no row of notices",
                            "counter notice-承-2026"],
    "DELETE FROM audit_log WHERE action = 'application.add' AND entity_id = 2":
        ["applications without their application.add record"],
    "UPDATE customers SET row_version = row_version + 1": ["customers whose row_version moved"],
    "UPDATE applications SET row_version = row_version + 1 WHERE id = 2": ["applications whose row_version moved"],
    "UPDATE counters SET next_value = next_value + 1 WHERE name = 'customer-code'": ["counter customer-code"],
    # a status moved without its event (as the identity check's 取消 once did)
    "UPDATE contracts SET status = 'revoked'": ["timelines that do not walk to the contract's status"],
    "UPDATE contract_events SET to_status = 'suspended' WHERE kind = 'formed'":
        ["timelines that do not walk to the contract's status"],
}


def test_the_checks_find_a_half_made_approval_an_unaudited_change_and_a_gap(new_database):
    """tests/consistency.py itself: each kind of damage is found (on a copy of the state, in
    a transaction rolled back after looking), a timeline that does not walk to its contract's
    status among them."""
    _office_with_applications(new_database, 1, 1)
    assert check(new_database).problems == []
    db = Database.open(new_database)
    try:
        for statement, expected in DAMAGE.items():
            with db.engine.connect() as conn:
                damaged = conn.begin()
                conn.execute(text(statement))
                problems = half_made(conn) + unaudited(conn) + numbering_problems(conn) + timeline_problems(conn)
                damaged.rollback()
            assert len(problems) == len(expected), (statement, problems)
            assert all(any(p.startswith(e) for p in problems) for e in expected), (statement, problems)
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_the_checks_find_a_dangling_foreign_key_in_a_sqlite_file(tmp_path):
    path = str(tmp_path / "office.sqlite3")
    _office_with_applications(path, 1, 0)
    assert sqlite_file_problems(path) == []
    broken = shutil.copy(path, tmp_path / "broken.sqlite3")
    conn = sqlite3.connect(broken)  # foreign keys are off in a plain connection
    conn.execute("DELETE FROM contracts")
    conn.commit()
    conn.close()
    assert [p.split(":")[0] for p in sqlite_file_problems(str(broken))] == ["foreign_key_check"]

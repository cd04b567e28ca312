"""Several clerks saving at once on one SQLite file (probe H1, P1.3/P1.5): every service that
writes takes the write lock when its transaction begins, so a clerk whose edit reads, then
writes, waits behind the busy timeout for the other writers instead of failing with
"database is locked". Real processes (spawn), started together by a barrier, no retry."""

from __future__ import annotations

from reseller_desk.db.database import Database
from reseller_desk.demo import demo_customer

from ..processes import race

PROCESSES = 3
EDITS = 30
SHARED = 5


def _edit(path: str, worker: int, barrier, results) -> None:
    """EDITS read-modify-write edits of the shared customers, each with the version it read;
    a ConcurrentEdit (another clerk saved that customer first) is what the form would show, a
    lock error is a failure."""
    import dataclasses

    from sqlalchemy import select

    from reseller_desk.db.models import StaffUser
    from reseller_desk.services import customers
    from reseller_desk.services.auth import actor_of
    from reseller_desk.services.errors import ConcurrentEdit

    outcome: dict = {"saved": 0, "concurrent": 0, "failed": []}
    db = Database.open(path)
    try:
        with db.transaction() as session:  # the clerk as logged in (the log-in is not what is tested)
            actor = actor_of(session.scalars(select(StaffUser).where(StaffUser.login == "jimu")).one())
        barrier.wait(timeout=120)
        for n in range(EDITS):
            customer_id = 1 + (n + worker) % SHARED
            record = customers.get_customer(db, customer_id)
            draft = dataclasses.replace(record.draft, notes=f"worker {worker} edit {n}")
            try:
                customers.update_customer(db, actor, customer_id, draft, expected_version=record.row_version)
                outcome["saved"] += 1
            except ConcurrentEdit:
                outcome["concurrent"] += 1
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome["failed"].append(repr(error)[:200])
    except Exception as error:  # noqa: BLE001 - reported to the test
        outcome["failed"].append(f"before editing: {error!r}"[:300])
    finally:
        db.dispose()
        results.put(outcome)


def test_clerks_saving_at_once_wait_for_each_other_instead_of_failing(tmp_path):
    import random

    from reseller_desk.demo import ensure_demo_staff
    from reseller_desk.services import customers

    path = str(tmp_path / "office.sqlite3")
    db = Database.open(path, create=True)
    _manager, clerk = ensure_demo_staff(db)
    rng = random.Random(5)
    for _ in range(SHARED):
        customers.add_customer(db, clerk, demo_customer(rng))
    db.dispose()

    outcomes = race(_edit, lambda n: (path, n), PROCESSES)
    assert [o["failed"] for o in outcomes] == [[]] * PROCESSES
    saved = sum(o["saved"] for o in outcomes)
    assert saved + sum(o["concurrent"] for o in outcomes) == PROCESSES * EDITS
    db = Database.open(path)
    try:
        versions = sum(customers.get_customer(db, i).row_version - 1 for i in range(1, SHARED + 1))
        assert versions == saved  # every save that was reported is there, once
    finally:
        db.dispose()

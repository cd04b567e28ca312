"""Four clerks working on one database at once (issue 8): 4 real processes × 250 mixed
operations (add and edit customers, take in, screen and approve applications), on one SQLite
file and on PostgreSQL. Every save a clerk makes either succeeds or is refused with the
answer that is right when another clerk got there first (a stale version, reloaded and saved
again; an application someone else decided); nothing else reaches a clerk, nothing is lost,
every number is issued once and without gaps, and each change has exactly one audit record.

The figures are printed at the end of the run (the ``figures`` fixture); nothing here depends on timing.
"""

from __future__ import annotations

from tests.clerks import Workload, set_up_office, tally, work
from tests.processes import race

PROCESSES = 4
#: 250 operations a process; every edit is of one of the SHARED customers, so edits collide.
MIXED = Workload(ops={"add": 60, "edit": 100, "take_in": 40, "screen": 30, "approve": 20})
SHARED = 20


def test_four_clerks_working_at_once_lose_nothing_and_see_no_error(new_database, backend, figures):
    office = set_up_office(new_database, SHARED)

    outcomes = race(work, lambda n: (new_database, office, n, MIXED), PROCESSES)
    result = tally(new_database, office, outcomes)

    figures(f"[{backend}] 4 × 250 mixed operations")
    for line in result.lines():
        figures("  " + line)
    assert result.failures == []
    assert sum(result.ops.values()) == PROCESSES * MIXED.total
    assert set(result.refusals) <= {"edit: ConcurrentEdit (stale version)", "screen: ConcurrentEdit (stale version)",
                                    "approve: ConcurrentEdit (stale version)",
                                    "screen: no longer open (decided by another)",
                                    "approve: no longer open (decided by another)"}
    assert result.edits_committed == PROCESSES * MIXED.ops["edit"]  # each clerk's edit saved once, after reloads
    assert result.edits_lost == []
    assert result.problems == []  # numbers contiguous, nothing half-made, every row audited once
    assert result.audit_found == result.audit_expected  # one record per change made, none other
    assert result.counts["contracts"] == result.audit_expected["contract.add"]

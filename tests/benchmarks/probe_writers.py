"""The reliability probe's several-writers findings (the review reliability-probe.md, §1,
P1.1–P1.4 and H1), measured again on this code, on SQLite and on PostgreSQL.

    .venv/bin/python tests/benchmarks/probe_writers.py                 # SQLite only
    .venv/bin/python tests/with_postgres.py .venv/bin/python tests/benchmarks/probe_writers.py

Run by hand, not by pytest. With ``RESELLER_DESK_TEST_POSTGRES`` set (tests/with_postgres.py
sets it for a throw-away server) each probe also runs on a new PostgreSQL database. It prints
one table and exits 0 (1 if a database was found inconsistent): it reports, it is not a test.

- P1.1: 2 processes × (300 customer adds + 300 read-modify-write edits of 20 shared customers +
  30 applications taken in, screened and approved); every error is tried again, a stale save
  after a reload.
- P1.2: the same with 4 processes.
- P1.3: 4 processes, the same operations, no retry: each error is one dialog a clerk sees (a
  stale save, ConcurrentEdit, among them: the right answer, counted apart).
- P1.4: 4 processes × 100 edits of the shared customers at a clerk's pace (a random pause of
  0–0.2 s before each), no retry.

Columns: failures are errors a clerk should never see (locked, Busy, any other exception; each
failed attempt counts); stale are ConcurrentEdit refusals; lost are committed edits the database
does not show (tests/clerks.py ``lost_edits``); numbers says whether カスタマID, 申込番号 and 文書番号
are each 1 … n with the counter at n + 1; audit is records written / changes made; re-runs are
the services' own retries of a lost race (services/retry.py); saves/s counts successful writing
service calls. The "at 312b656" column is the probe's own figure, SQLite, before issue 8.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.clerks import Tally, Workload, set_up_office, tally, work  # noqa: E402
from tests.engines import PostgresServer, postgres_url  # noqa: E402
from tests.processes import race  # noqa: E402

SHARED = 20
FULL_DAY = {"add": 300, "edit": 300, "application": 30}


@dataclass(frozen=True)
class Probe:
    name: str
    processes: int
    workload: Workload
    before: str  # the probe's figure at 312b656 (SQLite)


PROBES = (
    Probe("P1.1", 2, Workload(FULL_DAY, retry_errors=True), "132 errors (103 locked on edits)"),
    Probe("P1.2", 4, Workload(FULL_DAY, retry_errors=True), "703 errors (512 locked on edits)"),
    Probe("P1.3", 4, Workload(FULL_DAY, reload_on_stale=False), "586/1200 edits failed (565 locked)"),
    Probe("P1.4", 4, Workload({"edit": 100}, reload_on_stale=False, pace_s=0.2), "23/400 saves locked"),
)

COLUMNS = ("probe", "engine", "ops", "failures", "stale", "lost", "numbers", "audit", "re-runs", "saves/s",
           "time", "at 312b656")


def _row(probe: Probe, engine: str, result: Tally) -> tuple[str, ...]:
    stale = sum(n for kind, n in result.refusals.items() if "ConcurrentEdit" in kind)
    numbers_ok = not any(p.startswith("counter ") for p in result.problems)
    found, expected = sum(result.audit_found.values()), sum(result.audit_expected.values())
    audit = f"{found}/{expected}" + ("" if result.audit_found == result.audit_expected else " (differ)")
    return (probe.name, engine, f"{probe.processes}×{probe.workload.total}", str(len(result.failures)), str(stale),
            str(len(result.edits_lost)), "contiguous" if numbers_ok else "GAPS", audit, str(result.retries),
            f"{result.saves_per_s:.0f}", f"{result.elapsed_s:.1f} s", probe.before)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    for n, row in enumerate([COLUMNS, *rows]):
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("-+-".join("-" * w for w in widths))


def main() -> int:
    from reseller_desk.services import auth
    from tests.conftest import TEST_SCRYPT_N

    auth.SCRYPT_N = TEST_SCRYPT_N  # the office's two passwords, hashed cheaply: log-in is not probed
    server = PostgresServer(postgres_url()) if postgres_url() else None
    if server is None:
        print("PostgreSQL: skipped (RESELLER_DESK_TEST_POSTGRES is not set; run through tests/with_postgres.py)")
    rows, inconsistent, made = [], False, []
    with tempfile.TemporaryDirectory(prefix="probe-writers-") as folder:
        try:
            for probe in PROBES:
                engines = [("sqlite", os.path.join(folder, f"{probe.name}.sqlite3"))]
                if server is not None:
                    made.append(server.create_database())
                    engines.append(("postgresql", server.url_of(made[-1])))
                for engine, target in engines:
                    office = set_up_office(target, SHARED)
                    outcomes = race(work, lambda n, t=target, o=office, p=probe: (t, o, n, p.workload),
                                    probe.processes, timeout_s=900)
                    result = tally(target, office, outcomes)
                    rows.append(_row(probe, engine, result))
                    print(f"{probe.name} [{engine}]", *result.lines(), sep="\n  ", flush=True)
                    inconsistent |= bool(result.problems) or result.audit_found != result.audit_expected
        finally:
            if server is not None:
                for name in made:
                    server.drop_database(name)
                server.close()
    print()
    _print_table(rows)
    return 1 if inconsistent else 0


if __name__ == "__main__":
    sys.exit(main())

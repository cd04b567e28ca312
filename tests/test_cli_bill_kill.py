"""The billing run survives kills (issue 10: "a crash, a kill or a cancel leaves no half-made
invoice … Test it by killing the CLI run at random moments and rerunning: the totals equal one
clean run").

An office of 300 billing accounts (generated, bulk inserted) is copied before anything is billed.
``python -m reseller_desk bill`` runs on the original with small chunks and is killed with
SIGKILL at moments drawn with a fixed seed (after a drawn number of progress lines, plus a drawn
pause that lands the kill inside the next chunk's write), several rounds, then run to the end.
The copy is billed once, cleanly. Both hold the same invoices: the count, the totals, the
numbers (gapless from 1), the hash chain, and every invoice has its lines. SQLite is enough:
what is tested is the run's chunking, not the engine (the chunk rollback is tested on both)."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reseller_desk.db.database import Database
from reseller_desk.db.models import BillRun, Invoice, InvoiceLineRow
from reseller_desk.domain.invoice_document import GENESIS_HASH, chain_hash
from reseller_desk.services import staff

from .benchmarks.bench_billing import generate

MONTH = dt.date(2025, 10, 1)         # long ended, whatever the machine's date
PASSWORD = "bill-kill-pass-1"
ACCOUNTS = 300
CHUNK = "9"
ROUNDS = 4


def _bill(path: Path) -> subprocess.Popen[str]:
    """``reseller-desk bill`` on ``path`` as boss, the password on standard input (a file beside it)."""
    password = path.parent / "password.txt"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    with password.open(encoding="utf-8") as stdin:
        return subprocess.Popen(
            [sys.executable, "-m", "reseller_desk", "bill", "--db", str(path), "--month", MONTH.strftime("%Y-%m"),
             "--as", "boss", "--password-stdin", "--chunk", CHUNK],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def _kill_after(path: Path, progress_lines: int, pause_s: float) -> int | None:
    """Run the CLI and SIGKILL it ``pause_s`` after its ``progress_lines``-th progress line;
    returns its exit code (-9 when killed, 0 when it finished first)."""
    process = _bill(path)
    assert process.stderr is not None
    seen = 0
    for line in process.stderr:
        if line.startswith("請求中"):
            seen += 1
            if seen >= progress_lines:
                time.sleep(pause_s)
                process.send_signal(signal.SIGKILL)
                break
    process.wait(timeout=240)
    return process.returncode


def _invoices(path: Path) -> list[tuple[str, str, str, int, int]]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            lineless = session.scalar(select(func.count()).select_from(Invoice).where(
                ~select(InvoiceLineRow.id).where(InvoiceLineRow.invoice_id == Invoice.id).exists()))
            assert lineless == 0, "an invoice without its lines"
            rows = session.execute(select(Invoice.number, Invoice.previous_hash, Invoice.content_hash, Invoice.total,
                                          Invoice.document_json, Invoice.customer_id).order_by(Invoice.id)).all()
    finally:
        db.dispose()
    previous = GENESIS_HASH
    for number, before, content, _total, document, _customer in rows:
        assert before == previous and content == chain_hash(previous, document), f"chain broken at {number}"
        previous = content
    return [(number, before, content, total, customer) for number, before, content, total, _, customer in rows]


def _statuses(path: Path) -> list[str]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            return list(session.scalars(select(BillRun.status).order_by(BillRun.id)))
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_a_run_killed_at_random_moments_and_run_again_equals_one_clean_run(tmp_path):
    path, clean = tmp_path / "office.sqlite3", tmp_path / "clean.sqlite3"
    db = Database.open(path, create=True)
    try:
        staff.create_first_manager(db, "boss", "社長 一郎", PASSWORD)
        made = generate(db, 375, month=MONTH, seed=7)   # 300 customers, one in five with two
    finally:
        db.dispose()
    assert made["customers"] == ACCOUNTS
    shutil.copyfile(path, clean)

    rng = random.Random(20261201)
    chunks = -(-ACCOUNTS // int(CHUNK))
    codes = [_kill_after(path, line, rng.uniform(0.0, 0.08))
             for line in sorted(rng.sample(range(2, chunks - 2), ROUNDS))]
    assert codes.count(-signal.SIGKILL) >= ROUNDS - 1, codes
    assert "running" in _statuses(path)          # a killed run stays on record
    finished = _bill(path)
    out, err = finished.communicate(timeout=240)
    assert finished.returncode == 0, err
    assert f"請求先 {ACCOUNTS}件" in out and "失敗 0件" in out

    once = _bill(clean)
    _out, err = once.communicate(timeout=240)
    assert once.returncode == 0, err

    resumed, reference = _invoices(path), _invoices(clean)
    assert len(reference) == ACCOUNTS
    assert [row[0] for row in resumed] == [f"{MONTH.year}-{n:06d}" for n in range(1, ACCOUNTS + 1)]
    assert resumed == reference                   # numbers, hash chain, totals, accounts: one clean run
    assert sum(row[3] for row in resumed) == sum(row[3] for row in reference)
    assert _statuses(path)[-1] == "finished" and _statuses(clean) == ["finished"]

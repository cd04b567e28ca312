"""A billing run that is cancelled, or fails inside a chunk, leaves whole invoices only and is on
record; running the month again finishes it, with the numbers and hash chain of one clean run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import BillRunProblem, Invoice, InvoiceLineRow, OneTimeCharge
from reseller_desk.domain.invoice_document import GENESIS_HASH, chain_hash
from reseller_desk.services.billing import run as run_module
from reseller_desk.services.billing import runs
from reseller_desk.services.billing.run import bill_month

from .billing_office import OCTOBER, TODAY, build_small_office, invoices


@pytest.fixture
def small_office(db, office, manager):
    return build_small_office(db, office, manager)


def _chain_is_whole(db) -> None:
    previous = GENESIS_HASH
    with db.transaction() as session:
        for invoice in session.scalars(select(Invoice).order_by(Invoice.id)):
            assert invoice.previous_hash == previous and invoice.content_hash == chain_hash(previous,
                                                                                           invoice.document_json)
            previous = invoice.content_hash
        lineless = session.scalar(select(func.count()).select_from(Invoice).where(
            ~select(InvoiceLineRow.id).where(InvoiceLineRow.invoice_id == Invoice.id).exists()))
        assert lineless == 0


def test_a_run_cancelled_after_its_first_chunk_leaves_whole_invoices_and_a_rerun_finishes(db, clerk, small_office):
    seen: list[tuple[int, int]] = []
    summary = bill_month(db, clerk, OCTOBER, today=TODAY, chunk=1, progress=lambda done, total: seen.append((done, total)),
                         cancelled=lambda: True)
    assert seen == [(0, 8), (1, 8)]
    assert (summary.status, summary.billed, summary.accounts_total) == ("cancelled", 1, 8)
    assert [i.number for i in invoices(db)] == ["2026-000001"]
    _chain_is_whole(db)
    rest = bill_month(db, clerk, OCTOBER, today=TODAY, chunk=1)
    assert (rest.status, rest.billed, rest.already, rest.skipped) == ("finished", 3, 1, 4)
    assert [i.number for i in invoices(db)] == [f"2026-00000{n}" for n in range(1, 5)]
    _chain_is_whole(db)
    assert [r.status for r in runs.list_runs(db, OCTOBER)] == ["finished", "cancelled"]


def failing_in_the_second_chunk(monkeypatch, error: Exception) -> list[int]:
    """The run's chunk raises ``error`` after its invoices were written, the second time it
    marks what it billed (once); returns the invoices each call marked."""
    real = run_module._mark_billed
    calls: list[int] = []

    def marking(session, month, issued, bills):
        calls.append(len(issued))
        real(session, month, issued, bills)
        if len(calls) == 2:
            raise error

    monkeypatch.setattr(run_module, "_mark_billed", marking)
    return calls


def test_an_exception_inside_a_chunk_leaves_that_chunk_unwritten_and_the_run_failed(db, clerk, small_office, monkeypatch):
    real = run_module._mark_billed
    failing_in_the_second_chunk(monkeypatch, RuntimeError("disk full"))
    with pytest.raises(RuntimeError, match="disk full"):
        bill_month(db, clerk, OCTOBER, today=TODAY, chunk=1)
    assert [i.number for i in invoices(db)] == ["2026-000001"]
    [failed] = runs.list_runs(db, OCTOBER)
    assert (failed.status, failed.billed, failed.failed) == ("failed", 1, 1)
    assert [(p.outcome, p.customer_name) for p in failed.problems] == [("failed", "株式会社みらい商事")]
    assert "もう一度 月次請求 を実行" in failed.problems[0].reason
    with db.transaction() as session:   # the second account's credit stays unbilled
        assert session.scalar(select(func.count()).select_from(OneTimeCharge)
                              .where(OneTimeCharge.invoice_id.is_(None))) == 1
        assert session.scalar(select(func.count()).select_from(BillRunProblem)) == 1
    monkeypatch.setattr(run_module, "_mark_billed", real)
    again = bill_month(db, clerk, OCTOBER, today=TODAY)
    assert (again.status, again.billed, again.already) == ("finished", 3, 1)
    _chain_is_whole(db)


class _Locked(Exception):
    sqlstate = None


def test_a_chunk_that_lost_a_race_runs_again_alone_and_the_run_goes_on(db, clerk, small_office, monkeypatch):
    from sqlalchemy import exc

    from reseller_desk.services import retry

    monkeypatch.setattr(retry, "PAUSE_S", 0.0)
    calls = failing_in_the_second_chunk(monkeypatch, exc.OperationalError("UPDATE …", {}, _Locked("database is locked")))
    summary = bill_month(db, clerk, OCTOBER, today=TODAY, chunk=1)
    assert calls == [1, 1, 1, 1, 1, 0, 0, 0, 0]      # the second chunk twice, the first once
    assert (summary.status, summary.billed, summary.failed) == ("finished", 4, 0)
    assert [i.number for i in invoices(db)] == [f"2026-00000{n}" for n in range(1, 5)]
    _chain_is_whole(db)


def test_an_account_invoiced_elsewhere_while_the_run_goes_on_is_counted_already_not_billed_twice(
        db, clerk, small_office):
    from .invoice_builders import document, issue_documents

    def another_desk_bills_the_second_account(done: int, total: int) -> None:
        if done == 1:   # after the first chunk: another desk issues みらい商事's SH invoice of October
            [first] = invoices(db)
            issue_documents(db, first.customer_id, [document(profile_key="sokujitsu", month=OCTOBER)],
                            profile_key="sokujitsu")

    summary = bill_month(db, clerk, OCTOBER, today=TODAY, chunk=1, progress=another_desk_bills_the_second_account)
    assert (summary.status, summary.billed, summary.already, summary.skipped) == ("finished", 3, 1, 4)
    issued = invoices(db)
    assert len(issued) == 4 and [i.bill_run_id is None for i in issued] == [False, True, False, False]
    _chain_is_whole(db)

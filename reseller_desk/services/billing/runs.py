"""The bill-run records (月次請求の実行記録): month, who, when, what each run billed, skipped with
the reason, or failed on, and the totals of its invoices per terms profile and tax rate.

A run that was killed stays "running" here (its row was committed before it billed anything);
the next run of the month finishes what it left. The writers are used by services.billing.run
inside its transactions; :func:`list_runs` and :func:`get_run` are what the window and the CLI
show.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BillRun, BillRunProblem, Contract, Customer, Invoice, StaffUser, TermsProfileRecord
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.services.errors import NotFound

__all__ = ["BillRunSummary", "ProfileTotals", "RunProblem", "get_run", "list_runs"]

RUNNING, FINISHED, CANCELLED, FAILED = "running", "finished", "cancelled", "failed"
#: The words of a run's status, in the window and the CLI alike. A run still "running" in the
#: record either runs now on another desk or was stopped short (killed): 未完了 is true of both.
STATUS_LABELS = {RUNNING: "未完了", FINISHED: "完了", CANCELLED: "中止", FAILED: "失敗"}


@dataclass(frozen=True)
class ProfileTotals:
    """Per terms profile, over the invoices of a run."""

    profile_key: str
    profile_name: str
    invoices: int
    taxable_10: int
    tax_10: int
    taxable_8: int
    tax_8: int
    exempt: int
    outside: int
    total: int


@dataclass(frozen=True)
class RunProblem:
    outcome: str            # "skipped" | "failed"
    customer_id: int | None
    customer_name: str
    customer_code: str      # カスタマID or ""
    profile_name: str
    reason: str             # Japanese, says what to do


@dataclass(frozen=True)
class BillRunSummary:
    run_id: int
    billing_month: dt.date
    status: str             # running / finished / cancelled / failed
    started_at: dt.datetime
    started_by: str
    finished_at: dt.datetime | None
    accounts_total: int
    billed: int
    already: int
    skipped: int
    failed: int
    totals: tuple[ProfileTotals, ...]
    problems: tuple[RunProblem, ...]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


# -- writing (inside the run's transactions) ---------------------------------------------------------
def start(session: Session, month: dt.date, started_by_id: int) -> int:
    run = BillRun(billing_month=month, status=RUNNING, started_by_id=started_by_id)
    session.add(run)
    session.flush()
    return run.id


def count(session: Session, run_id: int, *, total: int | None = None, billed: int = 0, already: int = 0,
          skipped: int = 0, failed: int = 0) -> None:
    r = BillRun
    values: dict[str, object] = {
        "accounts_billed": r.accounts_billed + billed, "accounts_already": r.accounts_already + already,
        "accounts_skipped": r.accounts_skipped + skipped, "accounts_failed": r.accounts_failed + failed}
    if total is not None:
        values["accounts_total"] = total
    session.execute(update(BillRun).where(BillRun.id == run_id).values(**values))


def add_problems(session: Session, run_id: int, rows: Sequence[dict[str, object]]) -> None:
    """``rows``: outcome, customer_id, terms_profile_id, contract_id, reason."""
    if rows:
        session.execute(insert(BillRunProblem), [{"bill_run_id": run_id, **row} for row in rows])


def end(session: Session, run_id: int, status: str) -> None:
    """The run's last state, with the totals of its invoices kept in ``summary_json``."""
    totals = _totals(session, [run_id]).get(run_id, ())
    session.execute(update(BillRun).where(BillRun.id == run_id).values(
        status=status, finished_at=clock.utcnow(),
        summary_json=json.dumps({"totals": [asdict(t) for t in totals]}, ensure_ascii=False, sort_keys=True)))


# -- reading ------------------------------------------------------------------------------------------
def _totals(session: Session, run_ids: Sequence[int]) -> dict[int, tuple[ProfileTotals, ...]]:
    i = Invoice
    rows = session.execute(
        select(i.bill_run_id, TermsProfileRecord.key, TermsProfileRecord.name, func.count(), func.sum(i.taxable_10),
               func.sum(i.tax_10), func.sum(i.taxable_8), func.sum(i.tax_8), func.sum(i.exempt), func.sum(i.outside),
               func.sum(i.total))
        .join(TermsProfileRecord, TermsProfileRecord.id == i.terms_profile_id)
        .where(i.bill_run_id.in_(run_ids))
        .group_by(i.bill_run_id, TermsProfileRecord.key, TermsProfileRecord.name)
        .order_by(i.bill_run_id, TermsProfileRecord.key))
    result: dict[int, list[ProfileTotals]] = defaultdict(list)
    for run_id, key, name, invoices, *sums in rows:
        result[run_id].append(ProfileTotals(key, name, invoices, *(int(s or 0) for s in sums)))
    return {run_id: tuple(totals) for run_id, totals in result.items()}


def _problems(session: Session, run_ids: Sequence[int]) -> dict[int, tuple[RunProblem, ...]]:
    p = BillRunProblem
    rows = session.execute(
        select(p.bill_run_id, p.outcome, p.customer_id, Customer.name, Contract.customer_code, TermsProfileRecord.name,
               p.reason)
        .outerjoin(Customer, Customer.id == p.customer_id).outerjoin(Contract, Contract.id == p.contract_id)
        .outerjoin(TermsProfileRecord, TermsProfileRecord.id == p.terms_profile_id)
        .where(p.bill_run_id.in_(run_ids)).order_by(p.bill_run_id, p.id))
    result: dict[int, list[RunProblem]] = defaultdict(list)
    for run_id, outcome, customer_id, name, code, profile_name, reason in rows:
        result[run_id].append(RunProblem(outcome, customer_id, name or "", code or "", profile_name or "", reason))
    return {run_id: tuple(problems) for run_id, problems in result.items()}


def summaries(session: Session, runs: Sequence[BillRun]) -> list[BillRunSummary]:
    ids = [r.id for r in runs]
    staff_ids = sorted({r.started_by_id for r in runs if r.started_by_id})
    names = dict(session.execute(
        select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(staff_ids))).tuples().all())
    totals, problems = _totals(session, ids), _problems(session, ids)
    return [BillRunSummary(r.id, r.billing_month, r.status, r.started_at, names.get(r.started_by_id or 0, ""),
                           r.finished_at, r.accounts_total, r.accounts_billed, r.accounts_already, r.accounts_skipped,
                           r.accounts_failed, totals.get(r.id, ()), problems.get(r.id, ())) for r in runs]


def summary_of(session: Session, run_id: int) -> BillRunSummary:
    run = session.get(BillRun, run_id)
    if run is None:
        raise NotFound("その請求の実行記録は見つかりません。一覧を読み込み直してください。")
    return summaries(session, [run])[0]


def list_runs(db: Database, month: dt.date | None = None) -> list[BillRunSummary]:
    """Every bill run (of ``month``, when given), newest first."""
    with db.transaction() as session:
        query = select(BillRun).order_by(BillRun.id.desc())
        if isinstance(month, dt.date):
            query = query.where(BillRun.billing_month == first_of_month(month))
        return summaries(session, list(session.scalars(query)))


def get_run(db: Database, run_id: int) -> BillRunSummary:
    if not is_record_id(run_id):
        raise NotFound("その請求の実行記録は見つかりません。一覧を読み込み直してください。")
    with db.transaction() as session:
        return summary_of(session, run_id)

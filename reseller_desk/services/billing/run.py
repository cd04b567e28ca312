"""月次請求: the billing run of a usage month (issue 10, "The billing run"; terms-rules.md §4–5).

1. Checks, then the run's record (status running) in its own short write transaction, so that
   even a killed run is on record. Refused before anything is written: a month that has not
   ended, a month before October 2019 (domain.tax), a company without name, address or
   registration number (設定 → 会社情報), a transfer to be paid and no account to pay into
   (設定 → 振込先).
2. One read transaction reads what the month bills in bulk (services.billing.accounts).
3. The accounts (customer + terms profile, in a fixed order) are written ``chunk`` at a time,
   each chunk ONE write transaction: "already invoiced" re-checked inside it, the invoices issued
   (services.billing.issuing: numbers, frozen documents, the hash chain), the one-time charges
   and call charges marked billed, the skipped accounts recorded with their reason, the run's
   counters, one audit record. A crash, a kill or a cancel between chunks leaves whole
   invoices only; an exception inside one rolls that chunk back, and the run is recorded as
   failed. Running the month again issues nothing for the accounts invoiced and finishes the
   rest, in the same order, so the numbers and the hash chain are those of one clean run.

Retrying: a run of 100,000 contracts must not start over because one write lost a race, so
:func:`bill_month` is not retried as a whole; each of its write transactions is (the start,
every chunk, the end), and a chunk that runs again re-checks what is already invoiced.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, and_, bindparam, exists, select, update
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BankAccount, CompanySettings, Contract, OneTimeCharge, UsageRecord
from reseller_desk.domain import billing
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.company import registration_number_problem
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import first_of_month, month_before
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import (
    DebitInfo,
    DocumentParty,
    InvoiceDocument,
    InvoiceKind,
    TransferAccount,
    mask_account_number,
)
from reseller_desk.domain.tax import tax_month_problem
from reseller_desk.services import audit
from reseller_desk.services.billing import issuing, runs
from reseller_desk.services.billing.accounts import (
    Account,
    Billed,
    MonthData,
    Problem,
    Skipped,
    accounts_of,
    already_invoiced,
    bill_account,
    month_text,
    read_month,
)
from reseller_desk.services.billing.runs import BillRunSummary
from reseller_desk.services.contracts.acting import company_calendar
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.payments import ledger
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

__all__ = ["DEFAULT_CHUNK", "MAX_CHUNK", "bill_month"]

log = logging.getLogger(__name__)

MAX_CHUNK = 10_000
#: Accounts per write transaction: at 100,000 accounts a chunk takes about a second, which is
#: how often the progress moves and how soon 中止 stops the run; fewer, larger transactions
#: spend less on commits (each one checkpoints the WAL).
DEFAULT_CHUNK = 5_000
#: The tables themselves: a per-row UPDATE through them is Core executemany (the ORM would
#: take a list of parameters for a bulk update by primary key).
_CHARGES = cast(Table, OneTimeCharge.__table__)
_CALLS = cast(Table, UsageRecord.__table__)
FAILED_REASON = ("請求書の作成中にエラーが発生したため、この顧客の請求書は作成していません。"
                 "原因を取り除いてから、もう一度 月次請求 を実行してください。")


@dataclass(frozen=True)
class _Shared:
    """What every invoice of the run takes from 設定: the issuer, the transfer accounts, the dates."""

    issuer: DocumentParty
    transfer_accounts: tuple[TransferAccount, ...]
    company: BusinessCalendar
    bank: BusinessCalendar
    issue_day: int | None
    collection_day: int


# -- checks -------------------------------------------------------------------------------------------
def _checked_month(month: object, today: object) -> dt.date:
    if today is None:
        today = clock.today()
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise ValidationFailed({"today": "今日の日付が正しく渡されていません。"})
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime):
        raise ValidationFailed({"month": "請求する月を指定してください。"})
    month = first_of_month(month)
    if month >= first_of_month(today):
        raise ValidationFailed({"month": f"{month_text(month)}はまだ終わっていません。"
                                         f"終わった月（{month_text(month_before(today))}まで）を指定してください。"})
    problem = tax_month_problem(month)
    if problem:
        raise ValidationFailed({"month": problem})
    return month


def _checked_options(chunk: object, progress: object, cancelled: object) -> int:
    if not isinstance(chunk, int) or isinstance(chunk, bool) or not 1 <= chunk <= MAX_CHUNK:
        raise ValidationFailed({"chunk": f"一度に書く件数は 1〜{MAX_CHUNK:,} の整数で指定してください。"})
    for name, value in (("progress", progress), ("cancelled", cancelled)):
        if value is not None and not callable(value):
            raise ValidationFailed({name: "進み具合の通知先が正しく渡されていません。"})
    return chunk


def _company_problems(row: CompanySettings | None) -> list[str]:
    missing = []
    if row is None or not row.name.strip():
        missing.append("会社名")
    if row is None or not row.address.strip():
        missing.append("住所")
    if row is None or registration_number_problem(row.registration_number) is not None:
        missing.append("登録番号（T＋13桁）")
    return missing


def _transfer_needed(session: Session, month: dt.date) -> bool:
    return bool(session.scalar(select(exists().where(and_(
        Contract.payment_method == PaymentMethod.TRANSFER, Contract.status != ContractStatus.REVOKED,
        Contract.first_billable_month.is_not(None), Contract.first_billable_month <= month,
        (Contract.last_billable_month.is_(None)) | (Contract.last_billable_month >= month))))))


# -- the run's transactions ----------------------------------------------------------------------------
@retried
def _start(db: Database, actor: Actor, month: dt.date) -> tuple[int, _Shared]:
    """Refuse what cannot be billed, or record the run (running) and read what 設定 gives."""
    with db.transaction(write=True) as session:
        company = session.get(CompanySettings, 1)
        missing = _company_problems(company)
        if missing or company is None:
            raise ServiceError(f"請求書に載せる自社の{'・'.join(missing)}が未登録です。"
                               "設定 → 会社情報 で登録してから 月次請求 を実行してください（何も作成していません）。")
        accounts = session.execute(select(BankAccount.bank_name, BankAccount.branch_name, BankAccount.account_type,
                                          BankAccount.account_number, BankAccount.holder_kana)
                                   .order_by(BankAccount.sort_order, BankAccount.id)).tuples().all()
        if not accounts and _transfer_needed(session, month):
            raise ServiceError("振込で支払う契約がありますが、振込先の口座が未登録です。"
                               "設定 → 振込先 で登録してから 月次請求 を実行してください（何も作成していません）。")
        run_id = runs.start(session, month, actor.user_id)
        audit.record(session, actor, "bill_run.start", "bill_run", run_id, after={"month": month.isoformat()},
                     summary=f"月次請求 {month_text(month)}分 開始")
        issuer = DocumentParty(company.name, company.postal_code, company.address, phone=company.phone,
                               registration_number=company.registration_number)
        shared = _Shared(issuer, tuple(TransferAccount(*a) for a in accounts), company_calendar(session),
                         BusinessCalendar.bank(), company.invoice_issue_day, company.collection_day)
        return run_id, shared


def _problem_rows(account: Account, problems: Sequence[Problem], outcome: str) -> list[dict[str, object]]:
    customer_id, profile_id = account.key
    return [{"outcome": outcome, "customer_id": customer_id, "terms_profile_id": profile_id,
             "contract_id": p.contract_id, "reason": p.reason} for p in problems]


@dataclass(frozen=True)
class _Planned:
    account: Account
    outcome: Billed | Skipped | None     # None: invoiced before this run read the month
    draft: issuing.Draft | None


@dataclass
class _Seen:
    """What the run knows is invoiced for the month: read with the month, then each chunk adds
    what was issued since (by this run or any other) up to the newest invoice id it saw."""

    accounts: set[tuple[int, int]]
    invoice_id: int


@retried
def _write_chunk(db: Database, actor: Actor, run_id: int, month: dt.date, planned: Sequence[_Planned],
                 total: int, seen: _Seen) -> None:
    """One chunk, one transaction: its invoices, what they billed, its skipped accounts, the
    counters. ``seen`` is brought up to date once the chunk is committed."""
    with db.transaction(write=True) as session:
        newer, newest = already_invoiced(session, month, seen.invoice_id)
        already = seen.accounts | newer
        drafts: list[issuing.Draft] = []
        bills: list[Billed] = []
        problems: list[dict[str, object]] = []
        skipped = 0
        for p in planned:
            if p.account.key in already or p.outcome is None:
                continue
            if isinstance(p.outcome, Skipped):
                skipped += 1
                problems += _problem_rows(p.account, p.outcome.problems, "skipped")
            else:
                assert p.draft is not None
                drafts.append(p.draft)
                bills.append(p.outcome)
                problems += _problem_rows(p.account, p.outcome.notes, "skipped")
        issued = issuing.issue(session, drafts, issued_by_id=actor.user_id)
        _mark_billed(session, month, issued, bills)
        runs.add_problems(session, run_id, problems)
        already_here = sum(1 for p in planned if p.account.key in already or p.outcome is None)
        runs.count(session, run_id, total=total, billed=len(issued), already=already_here, skipped=skipped)
        numbers = f" {issued[0].number}〜{issued[-1].number}" if issued else ""
        audit.record(session, actor, "invoice.issue", "bill_run", run_id,
                     after={"invoices": len(issued), "already": already_here, "skipped": skipped},
                     summary=f"月次請求 {month_text(month)}分 請求書 {len(issued)}件{numbers}")
    seen.accounts |= newer
    seen.invoice_id = max([newest, *(i.invoice_id for i in issued)])
    seen.accounts |= {(d.customer_id, d.terms_profile_id) for d in drafts}


def _mark_billed(session: Session, month: dt.date, issued: Sequence[issuing.Issued], bills: Sequence[Billed]) -> None:
    """The one-time charges and call charges each invoice billed get its id (Core executemany)."""
    charges = [{"charge": charge_id, "invoice": i.invoice_id}
               for i, bill in zip(issued, bills, strict=True) for charge_id in bill.charge_ids]
    if charges:
        c = _CHARGES.c
        session.connection().execute(update(_CHARGES).where(
            c.id == bindparam("charge"), c.invoice_id.is_(None)).values(invoice_id=bindparam("invoice")), charges)
    calls = [{"contract": contract_id, "last": last_id, "invoice": i.invoice_id}
             for i, bill in zip(issued, bills, strict=True) for contract_id, last_id in bill.usage]
    if calls:
        u = _CALLS.c
        session.connection().execute(update(_CALLS).where(
            u.contract_id == bindparam("contract"), u.billing_month == month, u.id <= bindparam("last"),
            u.invoice_id.is_(None)).values(invoice_id=bindparam("invoice")), calls)


@retried
def _end(db: Database, actor: Actor, run_id: int, month: dt.date, status: str, on: dt.date) -> None:
    """The run's end; a finished run applies every customer's credit (過入金) to their open
    invoices, the new ones included (issue 12: an overpayment goes to the next invoice)."""
    with db.transaction(write=True) as session:
        runs.end(session, run_id, status)
        if status == runs.FINISHED:
            ledger.settle_all_credit(session, actor, on)
        audit.record(session, actor, f"bill_run.{status}", "bill_run", run_id, after={"status": status},
                     summary=f"月次請求 {month_text(month)}分 {runs.STATUS_LABELS[status]}")


@retried
def _fail(db: Database, actor: Actor, run_id: int, month: dt.date, failed: Sequence[Account]) -> None:
    with db.transaction(write=True) as session:
        runs.count(session, run_id, failed=len(failed))
        failure = [Problem(None, FAILED_REASON)]
        runs.add_problems(session, run_id, [row for a in failed for row in _problem_rows(a, failure, "failed")])
        runs.end(session, run_id, runs.FAILED)
        audit.record(session, actor, "bill_run.failed", "bill_run", run_id, after={"failed": len(failed)},
                     summary=f"月次請求 {month_text(month)}分 失敗（{len(failed)}件）")


# -- documents --------------------------------------------------------------------------------------------
class _Documents:
    """Invoice documents of the run: the dates once per profile and payment method."""

    def __init__(self, data: MonthData, shared: _Shared, run_id: int) -> None:
        self.data, self.shared, self.run_id = data, shared, run_id
        self.issue_dates: dict[int, dt.date] = {}
        self.due_dates: dict[tuple[int, PaymentMethod], dt.date] = {}

    def draft(self, account: Account, bill: Billed) -> issuing.Draft:
        data, shared, month = self.data, self.shared, self.data.month
        customer_id, profile_id = account.key
        profile = data.profiles[profile_id]
        if profile_id not in self.issue_dates:
            self.issue_dates[profile_id] = billing.issue_date(profile, shared.company, month, shared.issue_day)
        method = bill.payment_method
        if (profile_id, method) not in self.due_dates:
            self.due_dates[profile_id, method] = billing.due_date(profile, shared.bank, month, method,
                                                                  shared.collection_day)
        settled = billing.settle(profile, month, bill.lines)
        customer = data.customers[customer_id]
        debit = None
        if method is PaymentMethod.DEBIT and bill.debit is not None:
            _, bank, _, branch, kind, number, holder = bill.debit
            debit = DebitInfo(bank, branch, kind, mask_account_number(number), holder)
        document = InvoiceDocument(
            number="", kind=InvoiceKind.INVOICE, billing_month=month, issue_date=self.issue_dates[profile_id],
            due_date=self.due_dates[profile_id, method], payment_method=method,
            customer=DocumentParty(customer.name, customer.postal_code, customer.address,
                                   is_corporate=customer.kind is CustomerKind.CORPORATE),
            issuer=shared.issuer, service_name=profile.name, lines=settled.lines, totals=settled.totals,
            carried_forward=settled.carried_forward, debit=debit,
            transfer_accounts=shared.transfer_accounts if method is PaymentMethod.TRANSFER else (),
            notes=profile.billing.invoice_notes)
        return issuing.Draft(document, customer_id, profile_id, bill_run_id=self.run_id)

    def plan(self, account: Account) -> _Planned:
        if account.key in self.data.already:
            return _Planned(account, None, None)
        outcome = bill_account(account, self.data)
        return _Planned(account, outcome, self.draft(account, outcome) if isinstance(outcome, Billed) else None)


# -- the use case ------------------------------------------------------------------------------------------
def bill_month(db: Database, actor: Actor, month: dt.date, *, today: dt.date | None = None,
               progress: Callable[[int, int], None] | None = None, cancelled: Callable[[], bool] | None = None,
               chunk: int = DEFAULT_CHUNK) -> BillRunSummary:
    """Issue every billing account's invoice of usage ``month`` that is not issued yet; returns
    the run's summary. Clerks and managers. Not retried as a whole (see the module docstring)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="月次請求")
    month = _checked_month(month, today)
    chunk = _checked_options(chunk, progress, cancelled)
    run_id, shared = _start(db, actor, month)
    part: Sequence[Account] = ()
    try:
        with db.transaction() as session:
            data = read_month(session, month)
        # The month's data (a million objects at 100,000 contracts) lives until the run ends:
        # frozen, the cyclic collector no longer walks it after every few thousand allocations.
        gc.freeze()
        accounts = accounts_of(data)
        documents = _Documents(data, shared, run_id)
        seen = _Seen(set(data.already), data.seen_invoice_id)
        if progress:
            progress(0, len(accounts))
        status = runs.FINISHED
        for start in range(0, len(accounts), chunk):
            part = accounts[start:start + chunk]
            _write_chunk(db, actor, run_id, month, [documents.plan(a) for a in part], len(accounts), seen)
            done = start + len(part)
            if progress:
                progress(done, len(accounts))
            if cancelled and done < len(accounts) and cancelled():
                status = runs.CANCELLED
                break
        part = ()
        _end(db, actor, run_id, month, status, today or clock.today())
    except Exception:
        try:
            _fail(db, actor, run_id, month, part)
        except Exception:  # noqa: BLE001 - the first error is the one to report
            log.exception("請求の実行記録 %s を失敗として記録できませんでした", run_id)
        raise
    finally:
        gc.unfreeze()
    return runs.get_run(db, run_id)

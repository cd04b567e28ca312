"""本日の業務: what a clerk must see first after log-in — suspensions starting today, suspension
notices whose date has come, cancellations taking effect this month, the cancellation cutoff
coming (SC §23), successions near or past their deadline (SH §20.1), applications waiting, and
money in waiting (services.payments.today: statement lines, debit results, dunning, deposits). Each
line says what it opens (a contract or an application). Reading writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BillRun, Contract, ContractEnding, Customer, Invoice, Succession, Suspension
from reseller_desk.domain import rules
from reseller_desk.domain.application import ApplicationStatus
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.terms import CancellationCutoff, available_profiles, load_profile
from reseller_desk.services import settings
from reseller_desk.services.applications.queries import list_applications
from reseller_desk.services.contracts.queries import ACTIVE, ENDING_WORDS, SCHEDULED
from reseller_desk.services.payments.today import MoneyWork, money_work

#: A succession this many days or fewer before its proof deadline is "near" (SH §20.1: 30 days).
SUCCESSION_WARNING_DAYS = 7


@dataclass(frozen=True)
class WorkItem:
    """One line of 本日の業務: the record it opens (``contract_id`` or ``application_id``), whose
    it is, the day it concerns, and what to do."""

    contract_id: int | None
    application_id: int | None
    code: str                 # カスタマID or 申込番号
    name: str                 # the customer or the applicant
    on: dt.date | None
    text: str


@dataclass(frozen=True)
class CancellationCutoffInfo:
    """The last day a request can still end a contract at the end of ``desired_month``
    (rules.cancellation_cutoff: SC §23, the last company business day of the month before)."""

    profile_name: str
    desired_month: dt.date
    cutoff: dt.date
    days_left: int


@dataclass(frozen=True)
class BillingReminder:
    """The monthly billing of the last usage month: how many invoices are issued, whether its
    last run stopped part-way, and the day they are due (rules.invoice_issue_deadline, SC §10.2)."""

    month: dt.date
    invoices: int
    unfinished_run: bool
    deadline: dt.date

    @property
    def text(self) -> str:
        month = f"{self.month.year}年{self.month.month}月分"
        due = f"発行期限 {self.deadline.month}月{self.deadline.day}日"
        if self.unfinished_run:
            return f"{month}の月次請求が途中で止まっています。請求 → 月次請求 を再実行すると残りを発行します（{due}）。"
        if self.invoices == 0:
            return f"{month}の請求書はまだ発行されていません（{due}）。請求 → 月次請求 で発行します。"
        return f"{month}の請求書は{self.invoices:,}件発行済みです。"


@dataclass(frozen=True)
class TodaysWork:
    today: dt.date
    suspensions_starting: tuple[WorkItem, ...]
    suspension_notices_due: tuple[WorkItem, ...]
    cancellations_this_month: tuple[WorkItem, ...]
    cutoffs: tuple[CancellationCutoffInfo, ...]
    successions: tuple[WorkItem, ...]
    applications_waiting: tuple[WorkItem, ...]
    billing: BillingReminder | None = None
    money: MoneyWork | None = None


def _contract_items(session: Session, statement: Select[Any], text: Callable[[Any], str]) -> tuple[WorkItem, ...]:
    """WorkItems of rows (record, contract id, カスタマID, customer name); ``text(record)``."""
    return tuple(WorkItem(contract_id, None, code, name, on, text(record))
                 for record, on, contract_id, code, name in session.execute(statement))


def _with_customer(statement: Select[Any], contract_id_column: Any) -> Select[Any]:
    return (statement.add_columns(Contract.id, Contract.customer_code, Customer.name)
            .join(Contract, Contract.id == contract_id_column).join(Customer, Customer.id == Contract.customer_id))


def _suspension_text(s: Suspension) -> str:
    reason = s.reason_text or s.reason_code
    if s.state == ACTIVE:
        return f"本日から利用停止（{reason}）"
    return f"利用停止の予定日です。開始の操作をしてください（{reason}）"


def cancellation_cutoffs(calendar: BusinessCalendar, today: dt.date) -> tuple[CancellationCutoffInfo, ...]:
    """Per profile whose cutoff falls in the month before the desired month (SC §23), the next
    cutoff not yet past: a request by that day still ends the contract at the end of next month."""
    found = []
    for key in available_profiles():
        profile = load_profile(key)
        if profile.cancellation.cutoff is not CancellationCutoff.END_OF_MONTH_BEFORE_DESIRED:
            continue
        desired = first_of_month(today) + relativedelta(months=1)
        cutoff = rules.cancellation_cutoff(profile, calendar, desired)
        if cutoff < today:  # this month's cutoff has passed (e.g. the last days are closures)
            desired += relativedelta(months=1)
            cutoff = rules.cancellation_cutoff(profile, calendar, desired)
        found.append(CancellationCutoffInfo(profile.name, desired, cutoff, (cutoff - today).days))
    return tuple(found)


def _applications(db: Database, today: dt.date) -> tuple[WorkItem, ...]:
    waiting = list_applications(db, statuses=[s for s in ApplicationStatus if s.is_open], today=today)
    return tuple(WorkItem(None, r.id, r.number, r.applicant_name, r.received_on,
                          f"{r.status_label}（{r.days_waiting}日待ち）") for r in waiting)


def _billing(session: Session, today: dt.date) -> BillingReminder:
    month = first_of_month(today) - relativedelta(months=1)
    issued = session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.billing_month == month, Invoice.kind == InvoiceKind.INVOICE)) or 0
    last_run = session.scalar(select(BillRun.status).where(BillRun.billing_month == month)
                              .order_by(BillRun.id.desc()).limit(1))
    deadline = min(rules.invoice_issue_deadline(load_profile(key), month) for key in available_profiles())
    return BillingReminder(month, issued, last_run is not None and last_run != "finished", deadline)


def todays_work(db: Database, *, today: dt.date | None = None) -> TodaysWork:
    today = today or clock.today()
    month = first_of_month(today)
    month_end = month + relativedelta(months=1) - dt.timedelta(days=1)
    calendar = settings.company_calendar(db)
    near = today + dt.timedelta(days=SUCCESSION_WARNING_DAYS)
    with db.transaction() as session:
        starting = _contract_items(session, _with_customer(
            select(Suspension, Suspension.starts_on), Suspension.contract_id)
            .where(Suspension.starts_on == today, Suspension.state.in_((SCHEDULED, ACTIVE)))
            .order_by(Contract.customer_code), _suspension_text)
        due = _contract_items(session, _with_customer(
            select(Suspension, Suspension.starts_on), Suspension.contract_id)
            .where(Suspension.state == SCHEDULED, Suspension.starts_on < today)  # today's are in ``starting``
            .order_by(Suspension.starts_on, Contract.customer_code),
            lambda s: f"予告した停止開始日を過ぎています。開始の操作をしてください（{s.reason_text or s.reason_code}）")
        cancellations = _contract_items(session, _with_customer(
            select(ContractEnding, ContractEnding.effective_on), ContractEnding.contract_id)
            .where(ContractEnding.superseded.is_(False), ContractEnding.effective_on >= month,
                   ContractEnding.effective_on <= month_end)
            .order_by(ContractEnding.effective_on, Contract.customer_code),
            lambda e: f"{ENDING_WORDS.get(e.kind, e.kind)}{'（発効済）' if e.taken_effect else ''}")
        successions = _contract_items(session, _with_customer(
            select(Succession, Succession.proof_deadline), Succession.contract_id)
            .where(Succession.state == "waiting", Succession.proof_deadline <= near)
            .order_by(Succession.proof_deadline, Contract.customer_code),
            lambda w: _succession_text(w, today))
        billing = _billing(session, today)
    return TodaysWork(today, starting, due, cancellations, cancellation_cutoffs(calendar, today), successions,
                      _applications(db, today), billing, money_work(db, today))


def _succession_text(w: Succession, today: dt.date) -> str:
    days = (w.proof_deadline - today).days
    who = f"{w.successor_name}への" if w.successor_name else ""
    if days < 0:
        return f"{who}承継の書類が期限を{-days}日過ぎています"
    return f"{who}承継の書類期限まであと{days}日" if days else f"{who}承継の書類期限は本日です"


def all_items(work: TodaysWork) -> Sequence[WorkItem]:
    return (*work.suspensions_starting, *work.suspension_notices_due, *work.cancellations_this_month,
            *work.successions, *work.applications_waiting)


__all__ = ["SUCCESSION_WARNING_DAYS", "BillingReminder", "CancellationCutoffInfo", "TodaysWork", "WorkItem",
           "all_items", "cancellation_cutoffs", "todays_work"]

"""What every action on a contract does around its own work (as services.applications.writing
does for applications): one write transaction with the actor confirmed first and a lost update
turned into a ConcurrentEdit, the contract loaded and checked against the version its screen
showed, its terms profile and the company's calendar, the status move asked of the state
machine before anything is written, and the result built after the flush.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanyClosure, Contract, Customer, Invoice, TermsProfileRecord
from reseller_desk.domain.bounds import (
    EARLIEST_DATE,
    NOTE_MAX_LENGTH,
    date_type_problem,
    is_record_id,
    recorded_date_problem,
    years_after,
)
from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.contract import ContractAction, TransitionRefused, transition
from reseller_desk.domain.contract_history import first_of_month, month_before
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.terms import TermsProfile, load_profile
from reseller_desk.domain.text import clean_line, clean_note, is_visible, length_problem, text_type_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.contracts.results import ActionResult
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, confirm_actor


@contextmanager
def changing(db: Database, actor: Actor) -> Iterator[Session]:
    """``db.transaction(write=True)`` with ``actor`` confirmed against the staff row before
    anything is read, and SQLAlchemy's lost-update check refused as a ConcurrentEdit."""
    with versions.refusing_lost_updates(versions.CONTRACT), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        yield session


def load(session: Session, contract_id: object) -> Contract:
    if not is_record_id(contract_id):
        raise NotFound("指定された契約は見つかりません。")
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("指定された契約は見つかりません。")
    return contract


def load_for_change(session: Session, contract_id: object, expected_version: object) -> Contract:
    """The contract, refused as a ConcurrentEdit naming who changed it last when the screen
    asking for the change showed another version of it."""
    contract = load(session, contract_id)
    versions.check(session, versions.CONTRACT, contract.id, contract.row_version, expected_version)
    return contract


def profile_of(session: Session, contract: Contract) -> TermsProfile:
    return profile_by_id(session, contract.terms_profile_id, f"契約 {contract.customer_code}")


def profile_by_id(session: Session, profile_id: int, owner: str) -> TermsProfile:
    """The terms profile of a row that refers to it (``owner``: the row, as the message names it)."""
    record = session.get(TermsProfileRecord, profile_id)
    if record is None:  # the foreign key forbids it
        raise NotFound(f"{owner} の約款プロファイルが見つかりません。")
    return load_profile(record.key)


def customer_of(session: Session, contract: Contract) -> Customer:
    customer = session.get(Customer, contract.customer_id)
    if customer is None:  # the foreign key forbids it
        raise NotFound(f"契約 {contract.customer_code} の顧客が見つかりません。")
    return customer


def company_calendar(session: Session) -> BusinessCalendar:
    """The company business calendar (当社営業日) with this office's closure days, read in the
    caller's transaction."""
    return BusinessCalendar.company(closures=session.scalars(select(CompanyClosure.day)).all())


def require_move(contract: Contract, action: ContractAction) -> None:
    """Refuse, before anything is written, an action the contract's status does not allow
    (domain.contract.transition's Japanese reason, as a ServiceError for the screen)."""
    try:
        transition(contract.status, action)
    except TransitionRefused as refused:
        raise ServiceError(f"契約 {contract.customer_code}: {refused}") from refused


def day_problems(today: dt.date, **days: tuple[object, str]) -> dict[str, str]:
    """Each named day a recorded date (domain.bounds: a date, not before 2000, not after today)."""
    problems = {}
    for field, (value, label) in days.items():
        problem = recorded_date_problem(value, today, label)
        if problem:
            problems[field] = problem
    return problems


def refuse_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationFailed(problems)


def done(session: Session, contract: Contract, message: str, notice_id: int | None = None) -> ActionResult:
    """The result once every change is flushed (so that ``row_version`` is the stored one)."""
    touch(contract)
    session.flush()
    return ActionResult(contract.id, message, notice_id, contract.row_version)


def planned_date_problem(value: object, today: dt.date, label: str, years: int = 1) -> str | None:
    """A day something is planned for: a date from 2000 up to ``years`` years from today."""
    problem = date_type_problem(value, label)
    if problem:
        return problem
    assert isinstance(value, dt.date)
    if value < EARLIEST_DATE:
        return f"{label}は{japanese_date(EARLIEST_DATE)}以降の日付にしてください。"
    latest = years_after(today, years)
    return f"{label}は{japanese_date(latest)}までの日付にしてください。" if value > latest else None


def billed_through(session: Session, contract: Contract) -> dt.date | None:
    """The latest usage month already invoiced for the contract's billing account (its customer
    under its terms), or None: a change never rewrites a month that has been billed."""
    return session.scalar(select(func.max(Invoice.billing_month)).where(
        Invoice.customer_id == contract.customer_id, Invoice.terms_profile_id == contract.terms_profile_id,
        Invoice.kind == InvoiceKind.INVOICE))


def billed_month_problem(session: Session, contract: Contract, month: dt.date, label: str) -> str | None:
    """Why a change from ``month`` would rewrite an invoiced month, or None."""
    billed = billed_through(session, contract)
    if billed is None or month > billed:
        return None
    after = first_of_month(billed + dt.timedelta(days=31))
    return f"{month_text(billed)}分まで請求済みです。{label}は{month_text(after)}以降にしてください。"


def month_reach_problem(dated: dt.date, today: dt.date, label: str, years: int = 2) -> str | None:
    """Why a month a clerk chose (解約希望月, an option's 最終月) reaches too far: the day it dates
    (the end of that month, or the 1st after it) lies past ``years`` years from today, where no
    stored date may be (domain.bounds)."""
    latest = years_after(today, years)
    if dated <= latest:
        return None
    return f"{label}は{month_text(month_before(first_of_month(latest)))}までにしてください。"


def text_problem(value: object, label: str, limit: int, *, required: bool = False) -> str | None:
    """A line of text (cleaned) within ``limit`` characters; ``required``: not blank."""
    problem = text_type_problem(value, label)
    if problem:
        return problem
    text = clean_line(value)
    if required and not is_visible(text):
        return f"{label}を入力してください。"
    return length_problem(text, limit, label)


def note_problem(value: object, label: str, *, required: bool = False) -> str | None:
    problem = text_type_problem(value, label) or length_problem(clean_note(value), NOTE_MAX_LENGTH, label)
    if problem is None and required and not is_visible(clean_note(value)):
        return f"{label}を入力してください。"
    return problem


def touch(contract: Contract) -> None:
    """Every action on a contract is a new version of it, even one that changes only its
    related rows (a suspension scheduled, a succession reported), so that a screen showing the
    contract before it is stale."""
    flag_modified(contract, "status")


def audit_contract(session: Session, actor: Actor, action: str, contract: Contract, summary: str,
                   after: dict[str, object]) -> None:
    audit.record(session, actor, action, "contract", contract.id, after=after,
                 summary=f"{summary} {contract.customer_code}", customer_id=contract.customer_id,
                 application_id=contract.application_id)


def month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"

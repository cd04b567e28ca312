"""What the 契約 list reads: one page of contracts at a time, filtered by status and service,
searched as the customer book is searched, in SQL (LIMIT/OFFSET over an indexed order), so that
the list never loads 100,000 contracts. Reading writes nothing.

A row's plan, lines and monthly charges are those in force this month (the contract's periods,
domain.contract_history.composition_in, priced by domain.contract_charges); its next event is
the soonest of what is scheduled on it (a suspension, its ending, a succession's deadline, the
opening it waits for). Both are worked out for the page's rows only, a few batched queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    ContractEnding,
    ContractNumber,
    ContractOptionPeriod,
    ContractPlanPeriod,
    Customer,
    Plan,
    SpecialAgreementRow,
    Succession,
    Suspension,
    TermsProfileRecord,
)
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_charges import monthly_charge
from reseller_desk.domain.contract_history import (
    Composition,
    OptionPeriod,
    PlanPeriod,
    SpecialAgreement,
    composition_in,
    first_of_month,
)
from reseller_desk.domain.search import search_terms
from reseller_desk.services.prices import named_prices_in

#: Sort keys of the list -> what the page is ordered by (ties by カスタマID). The charges and the
#: next event are worked out per page, so the list is not sorted by them.
SORT_KEYS = ("customer_code", "status", "customer_name", "profile", "plan", "lines")
DEFAULT_SORT = "customer_code"

#: Suspension states (db.models.lifecycle.Suspension.state).
SCHEDULED, ACTIVE = "scheduled", "active"
#: Ending kinds (db.models.lifecycle.ContractEnding.kind) -> the word of the next event.
ENDING_WORDS = {"cancellation": "解約", "termination": "強制解約", "death": "終了", "revocation": "取消"}


@dataclass(frozen=True)
class NextEvent:
    """What happens next to a contract: 停止開始 2026-12-10, 解約 2026-12-31, 開通待ち."""

    label: str
    on: dt.date | None = None

    @property
    def text(self) -> str:
        return f"{self.label} {self.on.isoformat()}" if self.on else self.label


@dataclass(frozen=True)
class ContractRow:
    """One line of the 契約 list."""

    id: int
    customer_code: str
    customer_id: int
    customer_name: str
    customer_kana: str
    status: ContractStatus
    status_label: str
    profile_key: str
    profile_name: str
    plan_name: str            # in force this month ("" when the contract has no plan this month)
    lines: int | None
    monthly_charges: int | None   # yen before tax this month; None when nothing is billed this month
    next_event: NextEvent | None


# -- the filters and the order ------------------------------------------------------------------------
def _current_period(month: dt.date) -> ColumnElement[bool]:
    return and_(ContractPlanPeriod.contract_id == Contract.id, ContractPlanPeriod.from_month <= month,
                or_(ContractPlanPeriod.until_month.is_(None), ContractPlanPeriod.until_month >= month))


def _search_conditions(query: str) -> list[ColumnElement[bool]]:
    """Every term of ``query`` (domain.search: width, kana, case and hyphens folded) in the
    customer's search key (name, furigana, phone, e-mail, 法人番号, as the customer book), the
    カスタマID, or one of the contract's phone numbers."""
    conditions = []
    for term in search_terms(query):
        # The customers matching are read from the covering index of the search key, as the
        # customer book reads them (services.customers.customer_matches), once per term.
        customers = select(Customer.id).where(Customer.search_key.contains(term, autoescape=True))
        matches: list[ColumnElement[bool]] = [Contract.customer_id.in_(customers)]
        if term.isascii() and term.isalnum():  # a カスタマID is C and digits (services.numbering)
            matches.append(func.lower(Contract.customer_code).contains(term, autoescape=True))
        if term.isdigit():  # numbers are stored as digits only
            numbers = select(ContractNumber.contract_id).where(ContractNumber.number.contains(term, autoescape=True))
            matches.append(Contract.id.in_(numbers))
        conditions.append(or_(*matches))
    return conditions


def _filtered(statement: Select[Any], statuses: Iterable[ContractStatus | str] | None,
              profile_keys: Iterable[str] | None, search: str) -> Select[Any]:
    if statuses:
        statement = statement.where(Contract.status.in_([ContractStatus(s) for s in statuses]))
    if profile_keys:
        profiles = select(TermsProfileRecord.id).where(TermsProfileRecord.key.in_(list(profile_keys)))
        statement = statement.where(Contract.terms_profile_id.in_(profiles))
    conditions = _search_conditions(search)
    return statement.where(*conditions) if conditions else statement


_STATUS_ORDER = case({status: n for n, status in enumerate(ContractStatus)}, value=Contract.status)


def _ordered(statement: Select[Any], sort: str, descending: bool, month: dt.date) -> Select[Any]:
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}")
    if sort == "customer_name":
        statement = statement.join(Customer, Customer.id == Contract.customer_id)
    if sort == "profile":
        statement = statement.join(TermsProfileRecord, TermsProfileRecord.id == Contract.terms_profile_id)
    if sort in ("plan", "lines"):
        statement = statement.outerjoin(ContractPlanPeriod, _current_period(month))
    if sort == "plan":
        statement = statement.outerjoin(Plan, Plan.id == ContractPlanPeriod.plan_id)
    column: Any = {"customer_code": None, "status": _STATUS_ORDER, "customer_name": Customer.name_kana,
                   "profile": TermsProfileRecord.name, "plan": Plan.name, "lines": ContractPlanPeriod.lines}[sort]
    keys = [column] if column is not None else []
    keys.append(Contract.customer_code)
    return statement.order_by(*(k.desc() if descending else k.asc() for k in keys))


def contract_page(db: Database, *, statuses: Iterable[ContractStatus | str] | None = None,
                  profile_keys: Iterable[str] | None = None, search: str = "", offset: int = 0, limit: int = 200,
                  sort: str = DEFAULT_SORT, descending: bool = False,
                  today: dt.date | None = None) -> list[ContractRow]:
    """One page of the 契約 list: ``limit`` rows from ``offset`` of the contracts of
    ``statuses`` (all when empty) under the profiles ``profile_keys`` (all when empty) that match
    ``search``, ordered by ``sort`` (one of :data:`SORT_KEYS`; ties by カスタマID)."""
    today = today or clock.today()
    month = first_of_month(today)
    statement = _ordered(_filtered(select(Contract.id), statuses, profile_keys, search), sort, descending, month)
    with db.transaction() as session:
        ids = list(session.scalars(statement.offset(max(0, offset)).limit(max(0, limit))))
        return contract_rows(session, ids, today)


def count_contracts(db: Database, *, statuses: Iterable[ContractStatus | str] | None = None,
                    profile_keys: Iterable[str] | None = None, search: str = "") -> int:
    """How many contracts :func:`contract_page` pages through with these filters."""
    statement = _filtered(select(func.count(Contract.id)), statuses, profile_keys, search)
    with db.transaction() as session:
        return int(session.execute(statement).scalar_one())


def contracts_of_customer(db: Database, customer_id: int, *, today: dt.date | None = None) -> list[ContractRow]:
    """The customer's contracts (the customer form lists them), newest first."""
    with db.transaction() as session:
        ids = list(session.scalars(select(Contract.id).where(Contract.customer_id == customer_id)
                                   .order_by(Contract.formed_on.desc(), Contract.id.desc())))
        return contract_rows(session, ids, today or clock.today())


# -- the rows of a page -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Periods:
    """The periods of some contracts, by contract id, read in three queries."""

    plans: dict[int, list[PlanPeriod]]
    options: dict[int, list[OptionPeriod]]
    agreements: dict[int, list[SpecialAgreement]]

    def composition(self, contract_id: int, month: dt.date) -> Composition | None:
        return composition_in(month, self.plans.get(contract_id, []), self.options.get(contract_id, []),
                              self.agreements.get(contract_id, []))

    def latest_plan(self, contract_id: int) -> PlanPeriod | None:
        plans = self.plans.get(contract_id, [])
        return plans[-1] if plans else None


def periods_of(session: Session, ids: Sequence[int]) -> Periods:
    plans: dict[int, list[PlanPeriod]] = {}
    options: dict[int, list[OptionPeriod]] = {}
    agreements: dict[int, list[SpecialAgreement]] = {}
    for p in session.scalars(select(ContractPlanPeriod).where(ContractPlanPeriod.contract_id.in_(ids))
                             .order_by(ContractPlanPeriod.from_month)):
        plans.setdefault(p.contract_id, []).append(PlanPeriod(p.plan_id, p.lines, p.from_month, p.until_month))
    for o in session.scalars(select(ContractOptionPeriod).where(ContractOptionPeriod.contract_id.in_(ids))
                             .order_by(ContractOptionPeriod.from_month, ContractOptionPeriod.option_id)):
        options.setdefault(o.contract_id, []).append(OptionPeriod(o.option_id, o.quantity, o.from_month,
                                                                  o.until_month))
    for a in session.scalars(select(SpecialAgreementRow).where(SpecialAgreementRow.contract_id.in_(ids))
                             .order_by(SpecialAgreementRow.from_month, SpecialAgreementRow.id)):
        agreements.setdefault(a.contract_id, []).append(SpecialAgreement(
            a.subject, a.document, a.document_number, a.from_month, a.until_month, a.monthly_fee, a.option_id,
            a.condition))
    return Periods(plans, options, agreements)


@dataclass(frozen=True)
class Prices:
    """Names and monthly fees in 設定 of the plans and options some contracts hold."""

    plans: dict[int, tuple[str, int]]      # id -> (name, monthly fee)
    options: dict[int, tuple[str, int]]

    def charge(self, composition: Composition) -> int:
        plan_fee = self.plans.get(composition.plan_id, ("", 0))[1]
        return monthly_charge(composition, plan_fee, {i: fee for i, (_name, fee) in self.options.items()})


def prices_of(session: Session, periods: Periods, month: dt.date) -> Prices:
    """The names and the monthly fees in force in ``month`` (a price change in 設定 takes effect
    from its month: services.prices.named_prices_in) of the plans and options ``periods`` hold."""
    plan_ids = {p.plan_id for ps in periods.plans.values() for p in ps}
    option_ids = {o.option_id for os in periods.options.values() for o in os}
    plans, options = named_prices_in(session, month, plan_ids, option_ids)
    return Prices({i: (p.name, p.monthly_fee) for i, p in plans.items()},
                  {i: (o.name, o.monthly_fee) for i, o in options.items()})


def next_events(session: Session, ids: Sequence[int], statuses: dict[int, ContractStatus]) -> dict[int, NextEvent]:
    """The soonest scheduled event of each contract (undated ones after the dated)."""
    found: dict[int, list[NextEvent]] = {}
    for contract_id, state, starts_on, planned_end_on in session.execute(
            select(Suspension.contract_id, Suspension.state, Suspension.starts_on, Suspension.planned_end_on)
            .where(Suspension.contract_id.in_(ids), Suspension.state.in_((SCHEDULED, ACTIVE)))):
        event = (NextEvent("停止開始", starts_on) if state == SCHEDULED
                 else NextEvent("再開予定", planned_end_on) if planned_end_on else NextEvent("利用停止中"))
        found.setdefault(contract_id, []).append(event)
    for contract_id, kind, effective_on in session.execute(
            select(ContractEnding.contract_id, ContractEnding.kind, ContractEnding.effective_on)
            .where(ContractEnding.contract_id.in_(ids), ContractEnding.taken_effect.is_(False),
                   ContractEnding.superseded.is_(False))):
        found.setdefault(contract_id, []).append(NextEvent(ENDING_WORDS.get(kind, kind), effective_on))
    for contract_id, deadline in session.execute(
            select(Succession.contract_id, Succession.proof_deadline)
            .where(Succession.contract_id.in_(ids), Succession.state == "waiting")):
        found.setdefault(contract_id, []).append(NextEvent("承継書類期限", deadline))
    for contract_id, status in statuses.items():
        if status is ContractStatus.AWAITING_OPENING:
            found.setdefault(contract_id, []).append(NextEvent(status.label))
    return {contract_id: min(events, key=lambda e: (e.on is None, e.on or dt.date.min))
            for contract_id, events in found.items()}


def contract_rows(session: Session, ids: Sequence[int], today: dt.date) -> list[ContractRow]:
    """The list rows of ``ids``, in the same order, inside the caller's transaction."""
    if not ids:
        return []
    ids = list(ids)
    month = first_of_month(today)
    heads = {row[0]: row for row in session.execute(
        select(Contract.id, Contract.customer_code, Contract.customer_id, Contract.status, Customer.name,
               Customer.name_kana, TermsProfileRecord.key, TermsProfileRecord.name)
        .join(Customer, Customer.id == Contract.customer_id)
        .join(TermsProfileRecord, TermsProfileRecord.id == Contract.terms_profile_id)
        .where(Contract.id.in_(ids)))}
    periods = periods_of(session, ids)
    prices = prices_of(session, periods, month)
    events = next_events(session, ids, {i: row[3] for i, row in heads.items()})
    rows = []
    for contract_id in ids:
        head = heads.get(contract_id)
        if head is None:
            continue
        _id, code, customer_id, status, name, kana, profile_key, profile_name = head
        composition = periods.composition(contract_id, month)
        plan = composition or periods.latest_plan(contract_id)
        rows.append(ContractRow(
            contract_id, code, customer_id, name, kana, status, status.label, profile_key, profile_name,
            prices.plans.get(plan.plan_id, ("", 0))[0] if plan else "", plan.lines if plan else None,
            prices.charge(composition) if composition else None, events.get(contract_id)))
    return rows


__all__ = ["DEFAULT_SORT", "SORT_KEYS", "ContractRow", "NextEvent", "Periods", "Prices",
           "contract_page", "contract_rows", "contracts_of_customer", "count_contracts", "next_events",
           "periods_of", "prices_of"]

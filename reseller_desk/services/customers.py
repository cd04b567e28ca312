"""Use cases of the customer book: search, read, add, edit, and pointing out duplicates.

The list screen never loads the whole book: :func:`customer_ids` returns the ids that match
the search, in the requested order (one indexed SQL query), and :func:`customer_rows` fetches
the few rows the screen is showing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database, first_column
from reseller_desk.db.models import Customer, utcnow
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.customer import (
    CUSTOMER_FIELDS,
    CustomerDraft,
    CustomerKind,
    clean,
    customer_search_key,
    identity_keys,
    validate,
)
from reseller_desk.domain.search import search_terms
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.records import customer_draft_of
from reseller_desk.services.retry import retried

#: Columns the list can be sorted by -> the model column. Ties are broken by id.
SORT_COLUMNS = {
    "id": Customer.id,
    "kind": Customer.kind,
    "name": Customer.name,
    "name_kana": Customer.name_kana,
    "phone": Customer.phone,
    "email": Customer.email,
    "corporate_number": Customer.corporate_number,
    "address": Customer.address,
}


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer list."""

    id: int
    kind: CustomerKind
    name: str
    name_kana: str
    phone: str
    email: str
    corporate_number: str
    address: str


@dataclass(frozen=True)
class CustomerRecord:
    """A whole customer, as the form shows it."""

    id: int
    draft: CustomerDraft
    row_version: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class DuplicateHit:
    """An existing customer that may be the one being entered, and why."""

    id: int
    name: str
    phone: str
    address: str
    reasons: tuple[str, ...]


def _search_filter(query: str) -> list[ColumnElement[bool]]:
    # LIKE over the covering index on search_key; portable (SQLite, PostgreSQL). The key and
    # the terms are both casefolded by domain.search.normalize.
    return [Customer.search_key.contains(term, autoescape=True) for term in search_terms(query)]


def _order_by(sort: str, descending: bool) -> tuple[Any, ...]:
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise ValueError(f"unknown sort column {sort!r}")
    return (column.desc(), Customer.id.desc()) if descending else (column.asc(), Customer.id.asc())


def customer_order(db: Database, sort: str = "name_kana", descending: bool = False) -> list[int]:
    """Every customer id, ordered by ``sort`` (ties by id): one index-only scan. The list
    screen keeps this and re-filters it on every keystroke with :func:`customer_matches`."""
    with db.engine.connect() as conn:
        return first_column(conn, select(Customer.id).order_by(*_order_by(sort, descending)))


def customer_page_ids(db: Database, sort: str, descending: bool, offset: int, limit: int) -> list[int]:
    """One page of :func:`customer_order` (``LIMIT``/``OFFSET`` on the same index), so that
    the list can paint its first rows before it has read every id."""
    statement = select(Customer.id).order_by(*_order_by(sort, descending)).offset(offset).limit(limit)
    with db.engine.connect() as conn:
        return first_column(conn, statement)


def customer_matches(db: Database, query: str) -> set[int] | None:
    """Ids of the customers whose name, furigana, phone, e-mail or 法人番号 contain every term
    of ``query`` (width, kana and hyphens ignored), in no order; None when the query is empty
    (everyone matches)."""
    conditions = _search_filter(query)
    if not conditions:
        return None
    with db.engine.connect() as conn:
        return set(first_column(conn, select(Customer.id).where(*conditions)))


def filter_order(order: Sequence[int], matches: set[int] | None) -> list[int]:
    """``order`` restricted to ``matches`` (all of it when matches is None)."""
    if matches is None:
        return list(order)
    return [i for i in order if i in matches]


def customer_ids(db: Database, query: str = "", sort: str = "name_kana", descending: bool = False) -> list[int]:
    """Ids matching ``query`` ordered by ``sort``: :func:`customer_order` filtered by
    :func:`customer_matches`."""
    return filter_order(customer_order(db, sort, descending), customer_matches(db, query))


def customer_rows(db: Database, ids: Sequence[int]) -> list[CustomerRow]:
    """The list rows of ``ids``, in the same order (missing ids are skipped)."""
    if not ids:
        return []
    statement = select(
        Customer.id, Customer.kind, Customer.name, Customer.name_kana, Customer.phone,
        Customer.email, Customer.corporate_number, Customer.address,
    ).where(Customer.id.in_(list(ids)))
    with db.engine.connect() as conn:
        by_id = {row[0]: CustomerRow(*row) for row in conn.execute(statement)}
    return [by_id[i] for i in ids if i in by_id]


def count_customers(db: Database) -> int:
    from sqlalchemy import func

    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Customer)).scalar_one()


def _record_of(customer: Customer) -> CustomerRecord:
    return CustomerRecord(customer.id, customer_draft_of(customer), customer.row_version,
                          customer.created_at, customer.updated_at)


def get_customer(db: Database, customer_id: int) -> CustomerRecord:
    with db.transaction() as session:
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"顧客 {customer_id} は見つかりません。")
        return _record_of(customer)


def _matching(session: Session, draft: CustomerDraft, exclude_id: int | None) -> list[DuplicateHit]:
    keys = identity_keys(draft)
    conditions = []
    if keys.corporate_number:
        conditions.append(Customer.corporate_number == keys.corporate_number)
    if keys.name_phone:
        conditions.append(Customer.name_phone_key == keys.name_phone)
    if keys.name_address:
        conditions.append(Customer.name_address_key == keys.name_address)
    if not conditions:
        return []
    statement = select(Customer).where(or_(*conditions)).order_by(Customer.id).limit(20)
    if exclude_id is not None:
        statement = statement.where(Customer.id != exclude_id)
    hits = []
    for other in session.scalars(statement):
        reasons = []
        if keys.corporate_number and other.corporate_number == keys.corporate_number:
            reasons.append("法人番号が同じ")
        if keys.name_phone and other.name_phone_key == keys.name_phone:
            reasons.append("名称と電話番号が同じ")
        if keys.name_address and other.name_address_key == keys.name_address:
            reasons.append("名称と住所が同じ")
        hits.append(DuplicateHit(other.id, other.name, other.phone, other.address, tuple(reasons)))
    return hits


def matching_customers(session: Session, draft: CustomerDraft) -> list[DuplicateHit]:
    """Customers sharing 法人番号, normalised name + phone, or name + address with ``draft``
    (already cleaned), inside the caller's transaction."""
    return _matching(session, draft, None)


def find_possible_duplicates(db: Database, draft: CustomerDraft, exclude_id: int | None = None) -> list[DuplicateHit]:
    """Customers that may be the same as ``draft``: same 法人番号, or same normalised name and
    phone, or same normalised name and address. The form shows them before saving."""
    with db.transaction() as session:
        return _matching(session, clean(draft), exclude_id)


def check_customer(draft: CustomerDraft) -> tuple[CustomerDraft, dict[str, str]]:
    """The cleaned draft and its field errors, without touching the database."""
    if not isinstance(draft, CustomerDraft):
        return draft, {"name": "顧客の内容が正しく渡されていません。"}
    cleaned = clean(draft)
    return cleaned, validate(cleaned)


def stored_values(draft: CustomerDraft) -> dict[str, object]:
    """The columns of a customer row for a cleaned draft: its fields and the keys derived from
    them for search and duplicate checks (domain.customer)."""
    keys = identity_keys(draft)
    values: dict[str, object] = {name: getattr(draft, name) for name in CUSTOMER_FIELDS}
    values.update(search_key=customer_search_key(draft), name_phone_key=keys.name_phone,
                  name_address_key=keys.name_address)
    return values


def _apply(customer: Customer, draft: CustomerDraft) -> None:
    for name, value in stored_values(draft).items():
        setattr(customer, name, value)


@retried
def add_customer(db: Database, actor: Actor, draft: CustomerDraft) -> CustomerRecord:
    """Register a customer. Raises ValidationFailed (field -> message) and saves nothing when a
    field is at fault. Possible duplicates are the form's business (find_possible_duplicates)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="顧客の登録")
    cleaned, errors = check_customer(draft)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        return _record_of(insert_customer(session, actor, cleaned))


def insert_customer(session: Session, actor: Actor, cleaned: CustomerDraft, *,
                    application_id: int | None = None) -> Customer:
    """Add an already cleaned and validated customer inside the caller's transaction, with its
    audit record (used by add_customer and by the approval of a new applicant)."""
    customer = Customer(created_by_id=actor.user_id, updated_by_id=actor.user_id)
    _apply(customer, cleaned)
    session.add(customer)
    session.flush()
    audit.record(session, actor, "customer.add", "customer", customer.id, after=cleaned,
                 summary=f"顧客登録: {cleaned.name}", application_id=application_id)
    return customer


@retried
def update_customer(db: Database, actor: Actor, customer_id: int, draft: CustomerDraft, *,
                    expected_version: int) -> CustomerRecord:
    """Save changes to a customer. ``expected_version`` is the row_version the form was opened
    with; if another clerk saved in between, ConcurrentEdit (naming who, and when) is raised
    and nothing is saved."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="顧客情報の変更")
    cleaned, errors = check_customer(draft)
    if errors:
        raise ValidationFailed(errors)
    if not is_record_id(customer_id):
        raise NotFound("指定された顧客は見つかりません。")
    with versions.refusing_lost_updates(versions.CUSTOMER), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        customer = session.get(Customer, customer_id)
        if customer is None:
            raise NotFound(f"顧客 {customer_id} は見つかりません。")
        versions.check(session, versions.CUSTOMER, customer.id, customer.row_version, expected_version)
        before = customer_draft_of(customer)
        if before == cleaned:
            return _record_of(customer)
        _apply(customer, cleaned)
        customer.updated_at = utcnow()
        customer.updated_by_id = actor.user_id
        session.flush()
        changed = {k: v for k, v in dataclasses.asdict(cleaned).items() if getattr(before, k) != v}
        audit.record(session, actor, "customer.update", "customer", customer.id,
                     before={k: getattr(before, k) for k in changed}, after=changed,
                     summary=f"顧客変更: {cleaned.name}")
        return _record_of(customer)

__all__ = [
    "CustomerDraft", "CustomerKind", "CustomerRow", "CustomerRecord", "DuplicateHit", "SORT_COLUMNS",
    "customer_ids", "customer_order", "customer_page_ids", "customer_matches", "filter_order", "customer_rows",
    "count_customers", "get_customer", "find_possible_duplicates",
    "check_customer", "add_customer", "insert_customer", "update_customer", "matching_customers", "stored_values",
]

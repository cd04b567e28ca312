"""What the 請求書 list reads: the issued invoices that match a filter, in an order, a page of
rows at a time, and the same as CSV. Reading writes nothing.

As the customer book (services.customers): :func:`invoice_order` is every id in the order asked
(one index-only scan, kept by the list between searches), :func:`invoice_matches` the ids a
filter lets through (each condition one query over one index: billing_month, issue_date, total,
customer_id, number), :func:`invoice_ids` the one filtered by the other, and
:func:`invoice_rows` fetches the few rows the screen is showing. Filters combine (AND); bad input
(from > to, min > max, a negative amount) is refused with ValidationFailed naming the field.

電子帳簿保存法 asks that stored invoices be found by date, amount and counterparty, alone or
combined: 発行日 from–to, 金額 min–max and 顧客 (the customer's name or furigana through the
customer book's search key, a カスタマID, or the invoice number) are the three.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import aliased

from reseller_desk.db.database import Database, first_column
from reseller_desk.db.models import Contract, Customer, Invoice
from reseller_desk.domain import bounds
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceDocument, InvoiceKind
from reseller_desk.domain.search import search_terms
from reseller_desk.services.errors import NotFound, ValidationFailed

__all__ = [
    "CSV_HEADER", "DEFAULT_SORT", "SORT_COLUMNS", "STATUSES", "InvoiceDetail", "InvoiceFilter", "InvoiceLink",
    "InvoiceRow", "Matches", "check_filter", "count_invoices", "filter_order", "invoice_detail", "invoice_ids",
    "invoice_matches", "invoice_order", "invoice_rows", "invoices_csv", "write_invoices_csv",
]

#: 状態: "open" — in force (no credit invoice returns it); "corrected" — a credit invoice
#: (適格返還請求書) returns it. A credit invoice itself is never returned, so it is "open".
OPEN, CORRECTED = "open", "corrected"
STATUSES: dict[str, str] = {OPEN: "有効", CORRECTED: "訂正済"}

#: The largest amount a filter may name: what an INTEGER column holds on every engine, with room.
MAX_AMOUNT = bounds.MAX_INCIDENT_AMOUNT
#: The longest search text (a name and a カスタマID or two).
MAX_CUSTOMER_TEXT = 100

#: Sort keys of the list -> the column. Ties are broken by id (issuing order).
SORT_COLUMNS: dict[str, Any] = {
    "number": Invoice.number,
    "kind": Invoice.kind,
    "customer_name": Invoice.customer_name,
    "billing_month": Invoice.billing_month,
    "issue_date": Invoice.issue_date,
    "due_date": Invoice.due_date,
    "payment_method": Invoice.payment_method,
    "total": Invoice.total,
}
DEFAULT_SORT = "number"

CSV_HEADER = ("請求書番号", "種別", "カスタマID", "請求先", "対象月", "発行日", "支払期限", "支払方法",
              "課税10%対象額", "消費税10%", "課税8%対象額", "消費税8%", "非課税", "不課税", "請求額")


@dataclass(frozen=True)
class InvoiceFilter:
    """What the list shows. ``month``: the usage month (any day of it). ``status``: "open" or
    "corrected" (:data:`STATUSES`). ``min_total``/``max_total``: the amount as printed, a credit
    invoice's by its size (a return of ¥5,000 is within 1,000–10,000). ``customer``: every term
    in the customer's name or furigana (as the customer book searches), a カスタマID or the
    invoice number."""

    month: dt.date | None = None
    kind: InvoiceKind | None = None
    status: str | None = None
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    min_total: int | None = None
    max_total: int | None = None
    customer: str = ""


@dataclass(frozen=True)
class InvoiceRow:
    """One line of the 請求書 list."""

    invoice_id: int
    number: str
    kind: InvoiceKind
    customer_id: int
    customer_name: str
    customer_codes: tuple[str, ...]
    billing_month: dt.date
    issue_date: dt.date
    due_date: dt.date | None
    payment_method: PaymentMethod
    taxable_10: int
    tax_10: int
    taxable_8: int
    tax_8: int
    exempt: int
    outside: int
    total: int
    corrected_by: str   # the number of the credit invoice that returns this one, "" if none


@dataclass(frozen=True)
class InvoiceLink:
    """Another invoice an invoice refers to, or that refers to it."""

    invoice_id: int
    number: str
    kind: InvoiceKind
    issue_date: dt.date


@dataclass(frozen=True)
class InvoiceDetail:
    """One issued invoice as its window shows it: its row, its frozen document, the invoice it
    corrects (a credit or a replacement) and the invoices that correct it."""

    row: InvoiceRow
    document: InvoiceDocument
    corrects: InvoiceLink | None
    corrected_by: tuple[InvoiceLink, ...]


# -- the filter ---------------------------------------------------------------------------------------
def check_filter(flt: object) -> InvoiceFilter:
    """``flt`` when every field is usable; ValidationFailed (field -> message) otherwise."""
    if not isinstance(flt, InvoiceFilter):
        raise ValidationFailed({"customer": "検索条件が正しく渡されていません。"})
    errors: dict[str, str] = {}
    for name, label in (("month", "対象月"), ("issued_from", "発行日（から）"), ("issued_to", "発行日（まで）")):
        value = getattr(flt, name)
        if value is not None and not bounds.is_date(value):
            errors[name] = f"{label}は日付で入力してください（例: 2026-11-20）。"
    if flt.kind is not None and flt.kind not in tuple(InvoiceKind):
        errors["kind"] = "種別は請求か返還を選んでください。"
    if flt.status is not None and flt.status not in STATUSES:
        errors["status"] = "状態は有効か訂正済を選んでください。"
    for name, label in (("min_total", "金額（下限）"), ("max_total", "金額（上限）")):
        value = getattr(flt, name)
        if value is not None:
            problem = bounds.number_problem(value, label, 0, MAX_AMOUNT, "円")
            if problem:
                errors[name] = problem
    if not isinstance(flt.customer, str):
        errors["customer"] = "顧客は文字で入力してください。"
    elif len(flt.customer) > MAX_CUSTOMER_TEXT:
        errors["customer"] = f"顧客の検索は{MAX_CUSTOMER_TEXT}文字以内で入力してください。"
    if "issued_from" not in errors and "issued_to" not in errors and flt.issued_from and flt.issued_to \
            and flt.issued_from > flt.issued_to:
        errors["issued_from"] = "発行日の「から」は「まで」より前の日付にしてください。"
    if "min_total" not in errors and "max_total" not in errors and flt.min_total is not None \
            and flt.max_total is not None and flt.min_total > flt.max_total:
        errors["min_total"] = "金額の下限は上限以下にしてください。"
    if errors:
        raise ValidationFailed(errors)
    return flt


# -- matching -----------------------------------------------------------------------------------------
# As the customer book: the order of every id is one index-only scan (kept by the list between
# searches), and each condition of a filter is its own query over one index of ``invoices`` that
# reads no row (an issued invoice's row is large: it carries its frozen document), the sets of ids
# intersected here. One WHERE with every condition would make the planner pick one index and read
# the rows for the others, or sort thousands of rows by the order asked.
@dataclass(frozen=True)
class Matches:
    """The ids a filter lets through: those in ``only`` (every id when None) and not in ``excluded``."""

    only: frozenset[int] | None = None
    excluded: frozenset[int] = frozenset()

    def __contains__(self, invoice_id: object) -> bool:
        return (self.only is None or invoice_id in self.only) and invoice_id not in self.excluded

    @property
    def everything(self) -> bool:
        return self.only is None and not self.excluded


def _ids(conn: Any, statement: Select[Any]) -> frozenset[int]:
    return frozenset(first_column(conn, statement))


def _amount_ranges(low: int | None, high: int | None) -> tuple[list[ColumnElement[bool]], ...]:
    """The amount as printed within low–high: ``total`` for an invoice, ``-total`` for a credit
    (stored ≤ 0). Two ranges of total, each read on its own over an index (an OR of the two
    beside a month would make the planner read rows)."""
    positive: list[ColumnElement[bool]] = [Invoice.total >= 0]
    negative: list[ColumnElement[bool]] = [Invoice.total < 0]
    if low is not None:
        positive.append(Invoice.total >= low)
        negative.append(Invoice.total <= -low)
    if high is not None:
        positive.append(Invoice.total <= high)
        negative.append(Invoice.total >= -high)
    return positive, negative


def _credits(conn: Any) -> frozenset[int]:
    """Every credit invoice: its total is ≤ 0 (the index on total), its kind says so."""
    return _ids(conn, select(Invoice.id).where(Invoice.total <= 0, Invoice.kind == InvoiceKind.CREDIT))


def _corrected(conn: Any) -> frozenset[int]:
    """Every invoice a credit invoice returns (the index on corrects_invoice_id)."""
    return _ids(conn, select(Invoice.corrects_invoice_id).where(Invoice.corrects_invoice_id.is_not(None),
                                                                Invoice.kind == InvoiceKind.CREDIT))


def _term_ids(conn: Any, term: str) -> frozenset[int]:
    """The invoices one search term finds: its customer's search key contains it (the customer
    book's covering index, then the index on customer_id), a カスタマID copied onto the invoice
    (among the invoices of the customers holding a contract of that ID), or its number (hyphen
    ignored, as the term's; the index on number)."""
    customers = select(Customer.id).where(Customer.search_key.contains(term, autoescape=True))
    found = set(first_column(conn, select(Invoice.id).where(Invoice.customer_id.in_(customers))))
    if term.isascii() and term.isalnum():  # a カスタマID is C and digits (services.numbering)
        holders = select(Contract.customer_id).where(func.lower(Contract.customer_code).contains(term, autoescape=True))
        found.update(first_column(conn, select(Invoice.id).where(
            Invoice.customer_id.in_(holders), func.lower(Invoice.customer_codes).contains(term, autoescape=True))))
    if term.isdigit():  # an invoice number is 2026-000123
        found.update(first_column(conn, select(Invoice.id).where(
            func.replace(Invoice.number, "-", "").contains(term, autoescape=True))))
    return frozenset(found)


def _matches(conn: Any, flt: InvoiceFilter) -> Matches:
    sets: list[frozenset[int]] = []
    excluded: set[int] = set()
    month = [Invoice.billing_month == first_of_month(flt.month)] if flt.month is not None else []
    if flt.min_total is not None or flt.max_total is not None:
        # With a month: both over the index (billing_month, total), reading no row.
        sets.append(frozenset().union(*(_ids(conn, select(Invoice.id).where(*month, *branch))
                                        for branch in _amount_ranges(flt.min_total, flt.max_total))))
    elif month:
        sets.append(_ids(conn, select(Invoice.id).where(*month)))
    if flt.issued_from is not None or flt.issued_to is not None:
        dates = []
        if flt.issued_from is not None:
            dates.append(Invoice.issue_date >= flt.issued_from)
        if flt.issued_to is not None:
            dates.append(Invoice.issue_date <= flt.issued_to)
        sets.append(_ids(conn, select(Invoice.id).where(*dates)))
    if flt.kind is not None:
        if InvoiceKind(flt.kind) is InvoiceKind.CREDIT:
            sets.append(_credits(conn))
        else:
            excluded.update(_credits(conn))
    if flt.status == CORRECTED:
        sets.append(_corrected(conn))
    elif flt.status == OPEN:
        excluded.update(_corrected(conn))
    sets.extend(_term_ids(conn, term) for term in search_terms(flt.customer))
    only = None
    for found in sorted(sets, key=len):
        only = found if only is None else only & found
    return Matches(only, frozenset(excluded))


def invoice_matches(db: Database, flt: InvoiceFilter) -> Matches:
    """The ids of the invoices matching ``flt`` (every condition), in no order; ValidationFailed
    for a bad filter."""
    check_filter(flt)
    with db.engine.connect() as conn:
        return _matches(conn, flt)


def _order_by(sort: str, descending: bool) -> tuple[Any, ...]:
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise ValueError(f"unknown sort column {sort!r}")
    if sort == "number":  # numbers are unique: the id adds nothing but a second key to sort by
        return (column.desc(),) if descending else (column.asc(),)
    return (column.desc(), Invoice.id.desc()) if descending else (column.asc(), Invoice.id.asc())


def invoice_order(db: Database, sort: str = DEFAULT_SORT, descending: bool = False) -> list[int]:
    """Every invoice id ordered by ``sort`` (one of :data:`SORT_COLUMNS`; ties by id). By number,
    month, issue date or total it is an index-only scan; the list keeps it between searches."""
    with db.engine.connect() as conn:
        return first_column(conn, select(Invoice.id).order_by(*_order_by(sort, descending)))


def filter_order(order: Sequence[int], matches: Matches) -> list[int]:
    """``order`` restricted to ``matches``."""
    if matches.everything:
        return list(order)
    if matches.only is not None and not matches.excluded:
        only = matches.only
        return [i for i in order if i in only]
    return [i for i in order if i in matches]


# -- reading ------------------------------------------------------------------------------------------
def invoice_ids(db: Database, flt: InvoiceFilter, sort: str = DEFAULT_SORT, descending: bool = False) -> list[int]:
    """Ids of the invoices matching ``flt``, ordered by ``sort`` (one of :data:`SORT_COLUMNS`;
    ties by id): :func:`invoice_order` filtered by :func:`invoice_matches`."""
    matches = invoice_matches(db, flt)
    return filter_order(invoice_order(db, sort, descending), matches)


def count_invoices(db: Database, flt: InvoiceFilter) -> int:
    """How many invoices match ``flt``."""
    matches = invoice_matches(db, flt)
    if matches.only is not None:
        return len(matches.only - matches.excluded)
    with db.engine.connect() as conn:
        total = int(conn.execute(select(func.count(Invoice.id))).scalar_one())
    return total - len(matches.excluded)


_ROW_COLUMNS = (Invoice.id, Invoice.number, Invoice.kind, Invoice.customer_id, Invoice.customer_name,
                Invoice.customer_codes, Invoice.billing_month, Invoice.issue_date, Invoice.due_date,
                Invoice.payment_method, Invoice.taxable_10, Invoice.tax_10, Invoice.taxable_8, Invoice.tax_8,
                Invoice.exempt, Invoice.outside, Invoice.total)


def _credit_number() -> Any:
    """The number of the (first) credit invoice returning the row's invoice: a correlated lookup
    on the index of corrects_invoice_id (a separate IN query over that index, almost all NULL,
    makes SQLite's planner read the whole table)."""
    credit = aliased(Invoice)
    return (select(credit.number).where(credit.corrects_invoice_id == Invoice.id, credit.kind == InvoiceKind.CREDIT)
            .order_by(credit.id).limit(1).scalar_subquery())


def _row(values: Sequence[Any]) -> InvoiceRow:
    (invoice_id, number, kind, customer_id, name, codes, month, issued, due, method,
     taxable_10, tax_10, taxable_8, tax_8, exempt, outside, total, corrected_by) = values
    return InvoiceRow(invoice_id, number, kind, customer_id, name, tuple(c for c in codes.split(";") if c), month,
                      issued, due, method, taxable_10, tax_10, taxable_8, tax_8, exempt, outside, total,
                      corrected_by or "")


def invoice_rows(db: Database, ids: Sequence[int]) -> list[InvoiceRow]:
    """The list rows of ``ids``, in the same order (missing ids are skipped)."""
    ids = [i for i in ids if bounds.is_record_id(i)]
    if not ids:
        return []
    with db.engine.connect() as conn:
        rows = {values[0]: values for values in conn.execute(
            select(*_ROW_COLUMNS, _credit_number()).where(Invoice.id.in_(ids)))}
    return [_row(rows[i]) for i in ids if i in rows]


def invoice_detail(db: Database, invoice_id: int) -> InvoiceDetail:
    """One invoice with its frozen document and the invoices it corrects or is corrected by."""
    if not bounds.is_record_id(invoice_id):
        raise NotFound("指定された請求書は見つかりません。")
    with db.engine.connect() as conn:
        values = conn.execute(select(*_ROW_COLUMNS, _credit_number(), Invoice.document_json,
                                     Invoice.corrects_invoice_id).where(Invoice.id == invoice_id)).first()
        if values is None:
            raise NotFound(f"請求書 {invoice_id} は見つかりません。")
        link_columns = (Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date)
        corrects = None
        if values[-1] is not None:
            linked = conn.execute(select(*link_columns).where(Invoice.id == values[-1])).first()
            corrects = InvoiceLink(*linked) if linked else None
        corrected_by = tuple(InvoiceLink(*link) for link in conn.execute(
            select(*link_columns).where(Invoice.corrects_invoice_id == invoice_id).order_by(Invoice.id)))
    return InvoiceDetail(_row(values[:-2]), InvoiceDocument.from_json(values[-2]), corrects, corrected_by)


# -- CSV ----------------------------------------------------------------------------------------------
def csv_record(row: InvoiceRow) -> list[str | int]:
    """One CSV line of :data:`CSV_HEADER`."""
    return [row.number, InvoiceKind(row.kind).label, ";".join(row.customer_codes), row.customer_name,
            f"{row.billing_month:%Y-%m}", row.issue_date.isoformat(),
            row.due_date.isoformat() if row.due_date else "", PaymentMethod(row.payment_method).label,
            row.taxable_10, row.tax_10, row.taxable_8, row.tax_8, row.exempt, row.outside, row.total]


def _rows_in_chunks(db: Database, ids: Sequence[int], chunk: int = 1000) -> Iterator[InvoiceRow]:
    for start in range(0, len(ids), chunk):
        yield from invoice_rows(db, ids[start:start + chunk])


def write_invoices_csv(db: Database, flt: InvoiceFilter, out: Any) -> int:
    """Write the invoices matching ``flt`` (by number) to the text stream ``out`` as CSV (the
    header, then one line per invoice; the csv module quotes commas and quotes in names).
    Returns how many invoices were written."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    ids = invoice_ids(db, flt)
    for row in _rows_in_chunks(db, ids):
        writer.writerow(csv_record(row))
    return len(ids)


def invoices_csv(db: Database, flt: InvoiceFilter) -> str:
    """The invoices matching ``flt`` as CSV text (UTF-8 when written; :func:`write_invoices_csv`)."""
    out = io.StringIO()
    write_invoices_csv(db, flt, out)
    return out.getvalue()

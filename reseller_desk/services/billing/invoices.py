"""What the 請求書 list reads: the issued invoices that match a filter, in an order, a page of
rows at a time, and the same as CSV. Reading writes nothing.

As the customer book (services.customers): :func:`invoice_ids` returns the ids that match, in
the requested order (one SQL query over the indexes of ``invoices``: billing_month, issue_date,
total, (billing_month, total), customer_id, number), and :func:`invoice_rows` fetches the few
rows the screen is showing. Filters combine (AND); bad input (from > to, min > max, a negative
amount) is refused with ValidationFailed naming the field.

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

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from reseller_desk.db.database import Database, first_column
from reseller_desk.db.models import Customer, Invoice
from reseller_desk.domain import bounds
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceDocument, InvoiceKind
from reseller_desk.domain.search import search_terms
from reseller_desk.services.errors import NotFound, ValidationFailed

__all__ = [
    "CSV_HEADER", "DEFAULT_SORT", "SORT_COLUMNS", "STATUSES", "InvoiceDetail", "InvoiceFilter", "InvoiceLink",
    "InvoiceRow", "check_filter", "count_invoices", "invoice_detail", "invoice_ids", "invoice_rows",
    "invoices_csv", "write_invoices_csv",
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


def _corrected() -> ColumnElement[bool]:
    credit = aliased(Invoice)
    return exists().where(credit.corrects_invoice_id == Invoice.id, credit.kind == InvoiceKind.CREDIT)


def _amount_condition(low: int | None, high: int | None) -> ColumnElement[bool] | None:
    """The amount as printed within low–high: ``total`` for an invoice, ``-total`` for a credit
    (stored ≤ 0). Two ranges over the index on total."""
    if low is None and high is None:
        return None
    positive: list[ColumnElement[bool]] = [Invoice.total >= 0]
    negative: list[ColumnElement[bool]] = [Invoice.total < 0]
    if low is not None:
        positive.append(Invoice.total >= low)
        negative.append(Invoice.total <= -low)
    if high is not None:
        positive.append(Invoice.total <= high)
        negative.append(Invoice.total >= -high)
    return or_(and_(*positive), and_(*negative))


def _customer_conditions(text: str) -> list[ColumnElement[bool]]:
    """Every term (domain.search: width, kana, case and hyphens folded) in the customer's search
    key (read through its covering index, as the customer book does), a カスタマID copied onto the
    invoice, or the invoice number (its hyphen ignored, as the term's)."""
    conditions = []
    for term in search_terms(text):
        customers = select(Customer.id).where(Customer.search_key.contains(term, autoescape=True))
        matches: list[ColumnElement[bool]] = [Invoice.customer_id.in_(customers)]
        if term.isascii() and term.isalnum():  # a カスタマID is C and digits (services.numbering)
            matches.append(func.lower(Invoice.customer_codes).contains(term, autoescape=True))
        if term.isdigit():  # an invoice number is 2026-000123
            matches.append(func.replace(Invoice.number, "-", "").contains(term, autoescape=True))
        conditions.append(or_(*matches))
    return conditions


def _conditions(flt: InvoiceFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.month is not None:
        conditions.append(Invoice.billing_month == first_of_month(flt.month))
    if flt.kind is not None:
        conditions.append(Invoice.kind == InvoiceKind(flt.kind))
    if flt.status == CORRECTED:
        conditions.append(_corrected())
    elif flt.status == OPEN:
        conditions.append(~_corrected())
    if flt.issued_from is not None:
        conditions.append(Invoice.issue_date >= flt.issued_from)
    if flt.issued_to is not None:
        conditions.append(Invoice.issue_date <= flt.issued_to)
    amount = _amount_condition(flt.min_total, flt.max_total)
    if amount is not None:
        conditions.append(amount)
    conditions.extend(_customer_conditions(flt.customer))
    return conditions


def _filtered(statement: Select[Any], flt: InvoiceFilter) -> Select[Any]:
    conditions = _conditions(check_filter(flt))
    return statement.where(*conditions) if conditions else statement


def _order_by(sort: str, descending: bool) -> tuple[Any, ...]:
    column = SORT_COLUMNS.get(sort)
    if column is None:
        raise ValueError(f"unknown sort column {sort!r}")
    if sort == "number":  # numbers are unique: the id adds nothing but a second key to sort by
        return (column.desc(),) if descending else (column.asc(),)
    return (column.desc(), Invoice.id.desc()) if descending else (column.asc(), Invoice.id.asc())


# -- reading ------------------------------------------------------------------------------------------
def invoice_ids(db: Database, flt: InvoiceFilter, sort: str = DEFAULT_SORT, descending: bool = False) -> list[int]:
    """Ids of the invoices matching ``flt``, ordered by ``sort`` (one of :data:`SORT_COLUMNS`;
    ties by id): one query."""
    statement = _filtered(select(Invoice.id), flt).order_by(*_order_by(sort, descending))
    with db.engine.connect() as conn:
        return first_column(conn, statement)


def count_invoices(db: Database, flt: InvoiceFilter) -> int:
    """How many invoices match ``flt``."""
    statement = _filtered(select(func.count(Invoice.id)), flt)
    with db.engine.connect() as conn:
        return int(conn.execute(statement).scalar_one())


_ROW_COLUMNS = (Invoice.id, Invoice.number, Invoice.kind, Invoice.customer_id, Invoice.customer_name,
                Invoice.customer_codes, Invoice.billing_month, Invoice.issue_date, Invoice.due_date,
                Invoice.payment_method, Invoice.taxable_10, Invoice.tax_10, Invoice.taxable_8, Invoice.tax_8,
                Invoice.exempt, Invoice.outside, Invoice.total)


def _row(values: Sequence[Any], corrected_by: str) -> InvoiceRow:
    (invoice_id, number, kind, customer_id, name, codes, month, issued, due, method,
     taxable_10, tax_10, taxable_8, tax_8, exempt, outside, total) = values
    return InvoiceRow(invoice_id, number, kind, customer_id, name, tuple(c for c in codes.split(";") if c), month,
                      issued, due, method, taxable_10, tax_10, taxable_8, tax_8, exempt, outside, total, corrected_by)


def _credits_of(conn: Any, ids: Sequence[int]) -> dict[int, str]:
    """invoice id -> the number of the (first) credit invoice that returns it."""
    found: dict[int, str] = {}
    for corrected, number in conn.execute(
            select(Invoice.corrects_invoice_id, Invoice.number)
            .where(Invoice.corrects_invoice_id.in_(list(ids)), Invoice.kind == InvoiceKind.CREDIT)
            .order_by(Invoice.id)):
        found.setdefault(corrected, number)
    return found


def invoice_rows(db: Database, ids: Sequence[int]) -> list[InvoiceRow]:
    """The list rows of ``ids``, in the same order (missing ids are skipped)."""
    ids = [i for i in ids if bounds.is_record_id(i)]
    if not ids:
        return []
    with db.engine.connect() as conn:
        heads = {values[0]: values for values in conn.execute(select(*_ROW_COLUMNS).where(Invoice.id.in_(ids)))}
        credits = _credits_of(conn, list(heads))
    return [_row(heads[i], credits.get(i, "")) for i in ids if i in heads]


def invoice_detail(db: Database, invoice_id: int) -> InvoiceDetail:
    """One invoice with its frozen document and the invoices it corrects or is corrected by."""
    if not bounds.is_record_id(invoice_id):
        raise NotFound("指定された請求書は見つかりません。")
    with db.engine.connect() as conn:
        values = conn.execute(select(*_ROW_COLUMNS, Invoice.document_json, Invoice.corrects_invoice_id)
                              .where(Invoice.id == invoice_id)).first()
        if values is None:
            raise NotFound(f"請求書 {invoice_id} は見つかりません。")
        link_columns = (Invoice.id, Invoice.number, Invoice.kind, Invoice.issue_date)
        corrects = None
        if values[-1] is not None:
            linked = conn.execute(select(*link_columns).where(Invoice.id == values[-1])).first()
            corrects = InvoiceLink(*linked) if linked else None
        corrected_by = tuple(InvoiceLink(*link) for link in conn.execute(
            select(*link_columns).where(Invoice.corrects_invoice_id == invoice_id).order_by(Invoice.id)))
    credit = next((link.number for link in corrected_by if link.kind is InvoiceKind.CREDIT), "")
    return InvoiceDetail(_row(values[:-2], credit), InvoiceDocument.from_json(values[-2]), corrects, corrected_by)


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

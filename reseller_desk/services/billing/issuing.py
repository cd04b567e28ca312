"""Issuing invoices inside the caller's write transaction — the one writer of ``invoices`` and
``invoice_lines``.

Issuing assigns the number (gapless per year of the issue date, 2026-000123: a counter row in the
same transaction, so a rollback issues nothing), freezes the document (domain.invoice_document)
and chains its SHA-256 to the previous invoice's. Invoices and their lines are written with
one driver executemany each (db.bulk), the same on SQLite and PostgreSQL. The caller holds the
write lock (``db.transaction(write=True)``), so the chain has one order: by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from reseller_desk.db.bulk import insert_rows, reserve_ids
from reseller_desk.db.models import Invoice, InvoiceLineRow, utcnow
from reseller_desk.domain.billing import invoice_number
from reseller_desk.domain.invoice_document import GENESIS_HASH, InvoiceDocument, chain_hash
from reseller_desk.services import numbering

__all__ = ["Draft", "Issued", "issue", "latest_hash"]


@dataclass(frozen=True)
class Draft:
    """An invoice ready to issue: its document (``number`` is assigned by :func:`issue`, whatever
    it holds) and the rows it belongs to."""

    document: InvoiceDocument
    customer_id: int
    terms_profile_id: int
    bill_run_id: int | None = None
    corrects_invoice_id: int | None = None


@dataclass(frozen=True)
class Issued:
    invoice_id: int
    number: str
    document: InvoiceDocument


def latest_hash(session: Session) -> str:
    """The content hash of the last invoice issued (the chain's head), or the genesis hash."""
    last = session.scalar(select(Invoice.content_hash).order_by(Invoice.id.desc()).limit(1))
    return last or GENESIS_HASH


def _numbers(session: Session, drafts: Sequence[Draft]) -> list[str]:
    """One number per draft, in order, gapless within each year of issue."""
    counts: dict[int, int] = {}
    for draft in drafts:
        counts[draft.document.issue_date.year] = counts.get(draft.document.issue_date.year, 0) + 1
    next_of = {year: numbering.reserve(session, f"invoice-{year}", count) for year, count in sorted(counts.items())}
    numbers = []
    for draft in drafts:
        year = draft.document.issue_date.year
        numbers.append(invoice_number(year, next_of[year]))
        next_of[year] += 1
    return numbers


_INVOICES = cast(Table, Invoice.__table__)
_LINES = cast(Table, InvoiceLineRow.__table__)
_INVOICE_COLUMNS = ("id", "number", "kind", "billing_month", "customer_id", "terms_profile_id", "bill_run_id",
                    "corrects_invoice_id", "issue_date", "due_date", "payment_method", "customer_name",
                    "customer_codes", "taxable_10", "tax_10", "taxable_8", "tax_8", "exempt", "outside", "total",
                    "carried_forward", "document_json", "previous_hash", "content_hash", "issued_at", "issued_by_id")
_LINE_COLUMNS = ("invoice_id", "position", "kind", "customer_code", "contract_id", "description", "period_from",
                 "period_to", "quantity", "unit_amount", "amount", "tax_category", "source", "source_id")


def issue(session: Session, drafts: Sequence[Draft], *, issued_by_id: int | None,
          issued_at: dt.datetime | None = None) -> list[Issued]:
    """Issue ``drafts`` in order: numbers, frozen JSON, the hash chain, invoice and line rows
    (db.bulk: the ids reserved first, each table one executemany). Returns them with their ids
    and numbers. The caller audits and commits."""
    if not drafts:
        return []
    previous = latest_hash(session)
    when = issued_at or utcnow()
    ids = reserve_ids(session, _INVOICES, len(drafts))
    invoices: list[tuple[object, ...]] = []
    lines: list[tuple[object, ...]] = []
    issued: list[Issued] = []
    for invoice_id, draft, number in zip(ids, drafts, _numbers(session, drafts), strict=True):
        document = draft.document.numbered(number)
        text = document.to_json()
        content = chain_hash(previous, text)
        t = document.totals
        invoices.append((
            invoice_id, number, document.kind, document.billing_month, draft.customer_id, draft.terms_profile_id,
            draft.bill_run_id, draft.corrects_invoice_id, document.issue_date, document.due_date,
            document.payment_method, document.customer.name, ";".join(document.customer_codes), t.taxable_10,
            t.tax_10, t.taxable_8, t.tax_8, t.exempt, t.outside, t.total, document.carried_forward, text, previous,
            content, when, issued_by_id))
        lines.extend((invoice_id, position, line.kind, line.customer_code, line.contract_id, line.description,
                      line.period_from, line.period_to, line.quantity, line.unit_amount, line.amount,
                      line.tax_category, line.source, line.source_id)
                     for position, line in enumerate(document.lines, start=1))
        issued.append(Issued(invoice_id, number, document))
        previous = content
    insert_rows(session, _INVOICES, _INVOICE_COLUMNS, invoices)
    insert_rows(session, _LINES, _LINE_COLUMNS, lines)
    return issued

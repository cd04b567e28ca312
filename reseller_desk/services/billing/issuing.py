"""Issuing invoices inside the caller's write transaction — the one writer of ``invoices`` and
``invoice_lines``.

Issuing assigns the number (gapless per year of the issue date, 2026-000123: a counter row in the
same transaction, so a rollback issues nothing), freezes the document (domain.invoice_document)
and chains its SHA-256 to the previous invoice's. Invoices and their lines are written with
SQLAlchemy Core (one executemany each), the same on SQLite and PostgreSQL. The caller holds the
write lock (``db.transaction(write=True)``), so the chain has one order: by id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from reseller_desk.db.models import Invoice, InvoiceLineRow
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


#: The tables themselves: Core executemany, not the ORM's bulk insert (which, asked for the ids
#: in order with RETURNING, sends SQLite one INSERT per row).
_INVOICES = cast(Table, Invoice.__table__)
_LINES = cast(Table, InvoiceLineRow.__table__)


def _insert_invoices(session: Session, rows: Sequence[Mapping[str, object]]) -> list[int]:
    """Insert ``rows`` (one executemany) and return their ids in order, found by their numbers
    (unique; the caller holds the write lock, so nobody else issues meanwhile)."""
    session.connection().execute(insert(_INVOICES), rows)
    numbers = [str(row["number"]) for row in rows]
    id_of: dict[str, int] = {}
    for start in range(0, len(numbers), 1000):
        batch = numbers[start:start + 1000]
        found = session.execute(select(Invoice.number, Invoice.id).where(Invoice.number.in_(batch)))
        id_of.update(found.tuples().all())
    return [id_of[number] for number in numbers]


def issue(session: Session, drafts: Sequence[Draft], *, issued_by_id: int | None,
          issued_at: dt.datetime | None = None) -> list[Issued]:
    """Issue ``drafts`` in order: numbers, frozen JSON, the hash chain, invoice and line rows.
    Returns them with their ids and numbers. The caller audits and commits."""
    if not drafts:
        return []
    previous = latest_hash(session)
    rows, documents = [], []
    for draft, number in zip(drafts, _numbers(session, drafts), strict=True):
        document = dataclasses.replace(draft.document, number=number)
        text = document.to_json()
        content = chain_hash(previous, text)
        t = document.totals
        rows.append({
            "number": number, "kind": document.kind, "billing_month": document.billing_month,
            "customer_id": draft.customer_id, "terms_profile_id": draft.terms_profile_id,
            "bill_run_id": draft.bill_run_id, "corrects_invoice_id": draft.corrects_invoice_id,
            "issue_date": document.issue_date, "due_date": document.due_date,
            "payment_method": document.payment_method, "customer_name": document.customer.name,
            "customer_codes": ";".join(document.customer_codes), "taxable_10": t.taxable_10, "tax_10": t.tax_10,
            "taxable_8": t.taxable_8, "tax_8": t.tax_8, "exempt": t.exempt, "outside": t.outside,
            "total": t.total, "carried_forward": document.carried_forward, "document_json": text,
            "previous_hash": previous, "content_hash": content, "issued_by_id": issued_by_id,
            **({"issued_at": issued_at} if issued_at else {}),
        })
        documents.append(document)
        previous = content
    ids = _insert_invoices(session, rows)
    lines = [
        {"invoice_id": invoice_id, "position": position, "kind": line.kind, "customer_code": line.customer_code,
         "contract_id": line.contract_id, "description": line.description, "period_from": line.period_from,
         "period_to": line.period_to, "quantity": line.quantity, "unit_amount": line.unit_amount,
         "amount": line.amount, "tax_category": line.tax_category, "source": line.source,
         "source_id": line.source_id}
        for invoice_id, document in zip(ids, documents, strict=True)
        for position, line in enumerate(document.lines, start=1)
    ]
    if lines:
        session.connection().execute(insert(_LINES), lines)
    return [Issued(i, d.number, d) for i, d in zip(ids, documents, strict=True)]

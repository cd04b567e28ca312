"""The one writer of invoices: numbers gapless per year, the frozen document, the hash chain, and
the database refusing to change or delete an issued invoice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from reseller_desk.db.models import Invoice, InvoiceLineRow
from reseller_desk.domain.invoice_document import GENESIS_HASH, InvoiceDocument, chain_hash

from .invoice_builders import a_customer, document, issue_documents, recurring


def test_issuing_numbers_invoices_in_order_and_chains_each_hash_to_the_one_before(db, manager):
    customer = a_customer(db, manager)
    december = dt.date(2026, 12, 1)
    issued = issue_documents(db, customer, [document(), document(month=december),
                                            document([recurring("C0000002", "x", 1, 100)], month=dt.date(2027, 1, 1))])
    assert [i.number for i in issued] == ["2026-000001", "2027-000001", "2027-000002"]
    with db.transaction() as session:
        rows = session.scalars(select(Invoice).order_by(Invoice.id)).all()
        previous = GENESIS_HASH
        for row in rows:
            assert row.previous_hash == previous
            assert row.content_hash == chain_hash(previous, row.document_json)
            assert InvoiceDocument.from_json(row.document_json).number == row.number
            previous = row.content_hash
        assert rows[0].total == 2 * 2980 + 596  # 5,960 + 10% (596)
        assert session.scalar(select(InvoiceLineRow.amount).where(InvoiceLineRow.invoice_id == rows[0].id)) == 5960


def test_the_database_refuses_to_update_or_delete_an_issued_invoice_or_its_lines(db, manager):
    customer = a_customer(db, manager)
    [issued] = issue_documents(db, customer, [document()])
    for statement in (update(Invoice).where(Invoice.id == issued.invoice_id).values(total=1),
                      delete(Invoice).where(Invoice.id == issued.invoice_id),
                      update(InvoiceLineRow).where(InvoiceLineRow.invoice_id == issued.invoice_id).values(amount=1),
                      delete(InvoiceLineRow).where(InvoiceLineRow.invoice_id == issued.invoice_id)):
        with pytest.raises(DatabaseError, match="issued invoices are never changed"), db.transaction(write=True) as session:
            session.execute(statement)
    with db.transaction() as session:
        assert session.scalar(select(Invoice.total).where(Invoice.id == issued.invoice_id)) == 6556
        assert session.scalar(text("SELECT count(*) FROM invoice_lines")) == 1


def test_a_second_invoice_for_the_same_account_and_month_is_refused_by_the_database(db, manager):
    customer = a_customer(db, manager)
    issue_documents(db, customer, [document()])
    with pytest.raises(DatabaseError):
        issue_documents(db, customer, [document()])
    with db.transaction() as session:
        assert session.scalar(text("SELECT count(*) FROM invoices")) == 1

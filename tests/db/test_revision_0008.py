"""Revision 0008 adds billing on top of a database with contracts: the company keeps its details
and gets the default collection day, the issued-invoice triggers exist on both engines, and the
revision goes back to 0007 with the triggers gone."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import DatabaseError

from reseller_desk.db.database import Database
from reseller_desk.db.migrate import alembic_config
from reseller_desk.services import staff
from tests.db.test_revision_0006 import insert
from tests.services.invoice_builders import a_customer, document, issue_documents


@pytest.fixture
def at_0007(new_database):
    db = Database.open(new_database, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0007_contract_lifecycle")
    with db.engine.begin() as conn:
        insert(conn, "company_settings", id=1, name="株式会社みらいテレコム", registration_number="T8700110005901",
               early_termination_tax="outside")
    yield db
    db.dispose()


def test_the_company_keeps_its_details_and_gets_the_27th_as_its_collection_day(at_0007):
    at_0007.ensure_schema()
    with at_0007.engine.connect() as conn:
        row = conn.execute(text("SELECT name, collection_day, invoice_issue_day FROM company_settings")).one()
    assert tuple(row) == ("株式会社みらいテレコム", 27, None)


def test_after_the_upgrade_an_issued_invoice_cannot_be_changed_and_going_back_removes_billing(at_0007):
    at_0007.ensure_schema()
    actor = staff.create_first_manager(at_0007, "boss", "社長 一郎", "correct-horse")
    [issued] = issue_documents(at_0007, a_customer(at_0007, actor), [document()])
    with pytest.raises(DatabaseError, match="issued invoices are never changed"), at_0007.engine.begin() as conn:
        conn.execute(text("UPDATE invoices SET total = 0 WHERE id = :i"), {"i": issued.invoice_id})
    command.downgrade(alembic_config(at_0007.engine), "0007_contract_lifecycle")
    tables = set(inspect(at_0007.engine).get_table_names())
    assert not tables & {"invoices", "invoice_lines", "bill_runs", "bill_run_problems", "price_changes",
                         "usage_imports", "usage_records"}
    columns = {c["name"] for c in inspect(at_0007.engine).get_columns("company_settings")}
    assert "collection_day" not in columns and "name" in columns
    command.upgrade(alembic_config(at_0007.engine), "head")  # and forward again, cleanly

"""The tamper check (services.billing.verify): an untouched chain of several hundred invoices
passes; one row altered behind the app's back (its trigger dropped first with raw SQL) is named
exactly, whichever it is — a total, a line's amount, the document, a deleted line, a forger who
rehashed the invoice he changed, invoices deleted from the end — on both engines; the check
reads in pages and can be cancelled."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from reseller_desk.db.models import Invoice
from reseller_desk.domain.invoice_document import GENESIS_HASH, chain_hash
from reseller_desk.services.billing import verify
from reseller_desk.services.billing.verify import ChainCheckCancelled, report_text, verify_chain

from .invoice_builders import a_customer, document, issue_documents, recurring

SEVERAL_HUNDRED = 320


def issue_many(db, manager, count: int) -> list[int]:
    """``count`` invoices of one customer, one per usage month from January 2001 (what the check
    reads is the chain, not the months)."""
    customer = a_customer(db, manager)
    base = document([recurring("C0000001", "ベーシック 月額", 2, 2980), recurring("C0000001", "通話録音 月額", 1, 500)])
    start = dt.date(2001, 1, 1)
    documents = [dataclasses.replace(base, billing_month=start + relativedelta(months=i)) for i in range(count)]
    return [i.invoice_id for i in issue_documents(db, customer, documents)]


def behind_the_apps_back(db, backend: str, *statements: str, **params: object) -> None:
    """Run raw SQL on invoices and lines with their triggers out of the way, as a tamperer would."""
    with db.engine.begin() as conn:
        for table in ("invoices", "invoice_lines"):
            if backend == "postgresql":
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_frozen"))
            else:
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_frozen_update"))
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_frozen_delete"))
        for statement in statements:
            conn.execute(text(statement), params)


def test_an_untouched_chain_of_several_hundred_invoices_passes(db, manager, monkeypatch):
    monkeypatch.setattr(verify, "BATCH", 100)
    ids = issue_many(db, manager, SEVERAL_HUNDRED)
    seen: list[tuple[int, int]] = []
    report = verify_chain(db, progress=lambda done, total: seen.append((done, total)))
    with db.transaction() as session:
        head = session.scalar(select(Invoice.content_hash).where(Invoice.id == ids[-1]))
    assert report.fault is None and report.checked == SEVERAL_HUNDRED and report.head_hash == head
    assert seen == [(0, 320), (100, 320), (200, 320), (300, 320), (320, 320)]
    assert report_text(report) == "320 件の請求書を検査しました。改ざんは見つかりませんでした。"


def test_an_empty_database_has_a_chain_of_nothing_that_passes(db):
    report = verify_chain(db)
    assert (report.checked, report.fault, report.head_hash) == (0, None, GENESIS_HASH)


TAMPERINGS = {
    "a total": (["UPDATE invoices SET total = total - 1000 WHERE id = :id"], "請求額の列が内容と一致しません"),
    "a tax column": (["UPDATE invoices SET tax_10 = 0 WHERE id = :id"], "消費税10%の列が内容と一致しません"),
    "the customer's name": (["UPDATE invoices SET customer_name = '別の会社' WHERE id = :id"], "請求先の列"),
    "a line's amount": (["UPDATE invoice_lines SET amount = 1 WHERE invoice_id = :id AND position = 2"],
                        "明細 2 行目の金額が内容と一致しません"),
    "a line's description": (["UPDATE invoice_lines SET description = 'x' WHERE invoice_id = :id AND position = 1"],
                             "明細 1 行目の内容が内容と一致しません"),
    "a deleted line": (["DELETE FROM invoice_lines WHERE invoice_id = :id AND position = 2"],
                       "明細の行数（1 行）が内容（2 行）と一致しません"),
    "the previous hash": ([f"UPDATE invoices SET previous_hash = '{'f' * 64}' WHERE id = :id"],
                          "前の請求書のハッシュとつながっていません"),
}


@pytest.mark.parametrize("what", sorted(TAMPERINGS))
def test_one_row_altered_behind_the_apps_back_is_named_exactly(db, manager, backend, monkeypatch, what):
    monkeypatch.setattr(verify, "BATCH", 7)  # the altered invoice in the middle of a page, not its first
    ids = issue_many(db, manager, 40)
    statements, reason = TAMPERINGS[what]
    target = ids[17]
    behind_the_apps_back(db, backend, *statements, id=target)
    report = verify_chain(db)
    assert report.fault is not None and report.fault.invoice_id == target, report
    assert reason in report.fault.reason and report.checked == 17
    assert report.fault.number == "2026-000018"
    assert report_text(report).startswith("請求書 2026-000018（ID ")


def test_a_changed_document_is_named_by_its_hash(db, manager, backend):
    ids = issue_many(db, manager, 30)
    with db.transaction() as session:
        stored = session.scalar(select(Invoice.document_json).where(Invoice.id == ids[9]))
    changed = json.loads(stored)
    changed["lines"][0]["amount"] = 1
    behind_the_apps_back(db, backend, "UPDATE invoices SET document_json = :doc WHERE id = :id",
                         doc=json.dumps(changed, ensure_ascii=False, sort_keys=True, separators=(",", ":")), id=ids[9])
    fault = verify_chain(db).fault
    assert fault is not None and fault.invoice_id == ids[9] and "ハッシュが一致しません" in fault.reason


def test_a_forger_who_rehashes_the_invoice_he_changed_is_caught_by_the_next_one(db, manager, backend):
    """Changing the document, its columns, its lines and its own hash consistently still breaks the
    link to the next invoice, which is named."""
    ids = issue_many(db, manager, 30)
    with db.transaction() as session:
        row = session.get(Invoice, ids[9])
        changed = json.loads(row.document_json)
        previous = row.previous_hash
    changed["customer"]["name"] = "偽の会社"
    forged = json.dumps(changed, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    behind_the_apps_back(db, backend, "UPDATE invoices SET document_json = :doc, customer_name = '偽の会社', "
                                      "content_hash = :hash WHERE id = :id",
                         doc=forged, hash=chain_hash(previous, forged), id=ids[9])
    fault = verify_chain(db).fault
    assert fault is not None and fault.invoice_id == ids[10] and "前の請求書のハッシュ" in fault.reason


def test_invoices_deleted_from_the_end_are_named_by_their_numbers(db, manager, backend):
    ids = issue_many(db, manager, 12)
    behind_the_apps_back(db, backend, "DELETE FROM invoice_lines WHERE invoice_id >= :id",
                         "DELETE FROM invoices WHERE id >= :id", id=ids[10])
    report = verify_chain(db)
    assert report.fault is not None and report.checked == 10
    assert report.fault.number == "2026-000011"
    assert "2026-000010 の後の請求書 2026-000011 から 2026-000012 までが見つかりません" in report.fault.reason


def test_the_check_reads_in_pages_of_invoices_and_their_lines(db, manager, monkeypatch, statements):
    monkeypatch.setattr(verify, "BATCH", 25)
    issue_many(db, manager, 100)
    with statements() as sent:
        assert verify_chain(db).checked == 100
    pages = [s for s in sent if "FROM invoices" in s and "count(" not in s]
    line_pages = [s for s in sent if "FROM invoice_lines" in s]
    assert len(pages) == 5 and len(line_pages) == 4  # four full pages, then the empty one
    assert all("LIMIT" in s for s in pages)


def test_a_cancelled_check_says_how_far_it_got_and_reports_no_verdict(db, manager, monkeypatch):
    monkeypatch.setattr(verify, "BATCH", 10)
    issue_many(db, manager, 30)
    seen: list[int] = []
    with pytest.raises(ChainCheckCancelled, match="20 件目までは異常ありません"):
        verify_chain(db, progress=lambda done, _total: seen.append(done), cancelled=lambda: len(seen) > 2)

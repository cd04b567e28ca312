"""Issued invoices as PDFs and files: drawn from the frozen document, a month saved as one file
per invoice named <number>_<customer>.pdf plus combined.pdf, with progress; a cancel midway
leaves only complete files; a file of the same name is replaced only by the same invoice."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reseller_desk.domain.invoice_document import DocumentParty
from reseller_desk.reports.invoice import render_invoice, render_invoices
from reseller_desk.services.billing import documents
from reseller_desk.services.billing.documents import COMBINED_NAME, SavedFiles
from reseller_desk.services.errors import NotFound, ServiceError

from .builders import YAMADA
from .invoice_builders import MONTH, a_customer, document, issue_documents, recurring

DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def out(tmp_path):
    """The folder the files go to (the SQLite database lives in tmp_path itself)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _issue_month(db, manager) -> list:
    """Three invoices of November for two customers (one named with characters Windows
    refuses), and one of December (issued in January: numbered in 2027)."""
    mirai = a_customer(db, manager)
    yamada = a_customer(db, manager, YAMADA)
    slash = DocumentParty("株式会社A/B:商事", "150-0002", "東京都渋谷区渋谷2丁目1番1号")
    issued = issue_documents(db, mirai, [document(), document([recurring("C0000003", "x", 1, 100)], month=DECEMBER)])
    issued += issue_documents(db, yamada, [document([recurring("C0000002", "ライト 月額", 1, 980)],
                                                    customer=DocumentParty("山田 太郎", is_corporate=False))],
                              profile_key="sokujitsu")
    issued += issue_documents(db, yamada, [document([recurring("C0000004", "y", 2, 500)], customer=slash)])
    return issued


def test_an_invoice_reads_back_as_issued_and_prints_from_its_frozen_content(db, manager):
    [issued] = issue_documents(db, a_customer(db, manager), [document()])
    doc = documents.invoice_document(db, issued.invoice_id)
    assert doc == issued.document and doc.number == "2026-000001"
    pdf = documents.invoice_pdf(db, issued.invoice_id)
    assert pdf == render_invoice(doc)
    assert "請求書番号\u30002026-000001" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_an_unknown_invoice_is_not_found(db, out):
    with pytest.raises(NotFound, match="見つかりません"):
        documents.invoice_pdf(db, 999)
    with pytest.raises(NotFound):
        documents.save_invoice_pdf(db, 999, out / "x.pdf")
    assert list(out.iterdir()) == []


def test_a_months_documents_come_by_number_and_only_of_that_month(db, manager):
    issued = _issue_month(db, manager)
    files = documents.month_documents(db, dt.date(2026, 11, 17))
    assert [f.number for f in files] == ["2026-000001", "2026-000002", "2026-000003"]
    assert [f.customer_name for f in files] == ["株式会社みらい商事", "山田 太郎", "株式会社A/B:商事"]
    assert [f.invoice_id for f in files] == [issued[0].invoice_id, issued[2].invoice_id, issued[3].invoice_id]
    assert all(f.document.billing_month == MONTH for f in files)
    assert [f.number for f in documents.month_documents(db, DECEMBER)] == ["2027-000001"]


def test_saving_a_month_writes_one_file_per_invoice_and_the_print_file_with_progress(db, manager, out):
    _issue_month(db, manager)
    calls: list[tuple[int, int]] = []
    saved = documents.save_month_pdfs(db, MONTH, out / "2026-11", progress=lambda d, t: calls.append((d, t)))
    out = out / "2026-11"
    assert [f.name for f in saved.files] == ["2026-000001_株式会社みらい商事.pdf", "2026-000002_山田 太郎.pdf",
                                             "2026-000003_株式会社A_B_商事.pdf"]
    assert saved.combined == out / COMBINED_NAME and not saved.cancelled
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f.name for f in saved.files), COMBINED_NAME])
    docs = [f.document for f in documents.month_documents(db, MONTH)]
    assert [f.read_bytes() for f in saved.files] == [render_invoice(d) for d in docs]
    assert saved.combined.read_bytes() == render_invoices(docs)
    assert len(PdfReader(saved.combined).pages) == 3
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]


def test_saving_a_month_again_replaces_its_own_files(db, manager, out):
    _issue_month(db, manager)
    first = documents.save_month_pdfs(db, MONTH, out)
    again = documents.save_month_pdfs(db, MONTH, out, combined=False)
    assert again == SavedFiles(first.files, None, False)
    assert documents.save_month_pdfs(db, MONTH, out) == first


def test_a_cancel_midway_leaves_only_complete_files_and_no_print_file(db, manager, out):
    _issue_month(db, manager)
    calls: list[int] = []
    saved = documents.save_month_pdfs(db, MONTH, out, progress=lambda d, t: calls.append(d),
                                      cancelled=lambda: len(calls) > 2)
    assert saved.cancelled and saved.combined is None
    assert [f.name for f in saved.files] == ["2026-000001_株式会社みらい商事.pdf", "2026-000002_山田 太郎.pdf"]
    assert sorted(out.iterdir()) == sorted(saved.files)       # no partial file, no temporary one
    for f in saved.files:
        assert len(PdfReader(f).pages) == 1


def test_a_cancel_while_the_print_file_is_made_writes_no_print_file(db, manager, out):
    _issue_month(db, manager)
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 4      # after the three files, during the print file

    saved = documents.save_month_pdfs(db, MONTH, out, cancelled=cancelled)
    assert saved.cancelled and saved.combined is None and len(saved.files) == 3
    assert not (out / COMBINED_NAME).exists()


def test_another_file_of_the_same_name_is_refused_before_anything_is_written(db, manager, out):
    _issue_month(db, manager)
    (out / COMBINED_NAME).write_bytes(b"%PDF-1.4 someone else's print file")
    with pytest.raises(ServiceError, match="同じ名前の別のファイル.*combined.pdf"):
        documents.save_month_pdfs(db, MONTH, out)
    assert [p.name for p in out.iterdir()] == [COMBINED_NAME]
    (out / COMBINED_NAME).unlink()
    (out / "2026-000002_山田 太郎.pdf").write_bytes(render_invoice(document()))   # not that invoice
    with pytest.raises(ServiceError, match="2026-000002_山田 太郎.pdf"):
        documents.save_month_pdfs(db, MONTH, out)
    assert [p.name for p in out.iterdir()] == ["2026-000002_山田 太郎.pdf"]


def test_a_month_without_invoices_says_to_run_the_billing_first(db, out):
    with pytest.raises(NotFound, match="2026年11月分の請求書はありません"):
        documents.save_month_pdfs(db, MONTH, out / "2026-11")
    assert not (out / "2026-11").exists()


def test_one_invoice_is_saved_where_the_clerk_chose(db, manager, out):
    [issued] = issue_documents(db, a_customer(db, manager), [document()])
    target = out / "選んだ名前.pdf"
    target.write_bytes(b"old")                      # the save dialog asked before replacing
    assert documents.save_invoice_pdf(db, issued.invoice_id, target) == target
    assert target.read_bytes() == render_invoice(issued.document)
    assert [p.name for p in out.iterdir()] == ["選んだ名前.pdf"]


def test_a_folder_that_cannot_be_written_is_reported_in_japanese(db, manager, out):
    [issued] = issue_documents(db, a_customer(db, manager), [document()])
    blocker = out / "file"
    blocker.write_text("x")
    with pytest.raises(ServiceError, match="ファイルを保存できませんでした"):
        documents.save_invoice_pdf(db, issued.invoice_id, blocker / "sub" / "a.pdf")
    with pytest.raises(ServiceError, match="ファイルを保存できませんでした"):
        documents.save_month_pdfs(db, MONTH, blocker / "sub")

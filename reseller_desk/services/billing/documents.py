"""Issued invoices as documents and PDFs: one invoice's, a month's, saved as files.

Everything is drawn from the frozen document (``invoices.document_json``): an invoice prints
the same today and in seven years, whatever changed in 設定 since. Nothing here writes to the
database, so nothing is audited or retried: reading never waits for a writer on either engine.

Saving a month (the window's 請求書 > PDFを保存 and ``reseller-desk invoices pdf``) writes one
file per invoice, ``<number>_<customer>.pdf``, then ``combined.pdf`` with all of them for
printing, each file complete or absent (``reports.invoice_batch``). A file of the same name
already in the folder is replaced only by the same invoice (or the same month's print file);
anything else is refused before a file is written. One invoice saved to a path the clerk chose
(the save dialog asked before replacing) replaces what is there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import Invoice
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.invoice_document import InvoiceDocument
from reseller_desk.services.errors import NotFound, ServiceError

__all__ = ["COMBINED_NAME", "InvoiceFile", "SavedFiles", "invoice_document", "invoice_pdf", "month_documents",
           "save_invoice_pdf", "save_month_pdfs"]

COMBINED_NAME = "combined.pdf"

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


@dataclass(frozen=True)
class InvoiceFile:
    invoice_id: int
    number: str
    customer_name: str
    document: InvoiceDocument


@dataclass(frozen=True)
class SavedFiles:
    files: tuple[Path, ...]       # one per invoice, in the order of their numbers
    combined: Path | None         # None when not asked for, or cancelled before it
    cancelled: bool


def invoice_document(db: Database, invoice_id: int) -> InvoiceDocument:
    with db.transaction() as session:
        text = session.scalar(select(Invoice.document_json).where(Invoice.id == invoice_id))
    if text is None:
        raise NotFound(f"請求書 {invoice_id} は見つかりません。一覧を読み込み直してください。")
    return InvoiceDocument.from_json(text)


def _render(document: InvoiceDocument) -> bytes:
    # ReportLab loads with the first invoice printed, not when the window starts
    from reseller_desk.reports.invoice import UnprintableInvoice, render_invoice

    try:
        return render_invoice(document)
    except UnprintableInvoice as error:
        raise ServiceError(f"請求書 {document.number} を A4 に収められません（{error}）。") from error


def invoice_pdf(db: Database, invoice_id: int) -> bytes:
    """The invoice's PDF, drawn from its frozen content (the same bytes each time)."""
    return _render(invoice_document(db, invoice_id))


def month_documents(db: Database, month: dt.date) -> list[InvoiceFile]:
    """Every invoice and credit invoice of usage month ``month`` (any day of it), by number."""
    with db.transaction() as session:
        rows = session.execute(
            select(Invoice.id, Invoice.number, Invoice.customer_name, Invoice.document_json)
            .where(Invoice.billing_month == first_of_month(month)).order_by(Invoice.number)).all()
    return [InvoiceFile(row.id, row.number, row.customer_name, InvoiceDocument.from_json(row.document_json))
            for row in rows]


def _not_saved(path: Path, error: OSError) -> ServiceError:
    reason = error.strerror or str(error)
    return ServiceError(f"ファイルを保存できませんでした（{path}: {reason}）。保存先の空き容量と書き込み権限を"
                        "確かめてください。")


def _conflict(path: Path) -> ServiceError:
    return ServiceError(f"保存先に同じ名前の別のファイルがあります: {path.name}。別のフォルダを選ぶか、"
                        "そのファイルを移してください（何も保存していません）。")


def save_invoice_pdf(db: Database, invoice_id: int, path: Path) -> Path:
    """The invoice's PDF at ``path`` (written whole, then renamed into place)."""
    from reseller_desk.reports.invoice_batch import write_file

    data = invoice_pdf(db, invoice_id)
    try:
        return write_file(Path(path), data)
    except OSError as error:
        raise _not_saved(Path(path), error) from error


def save_month_pdfs(db: Database, month: dt.date, out_dir: Path, *, combined: bool = True,
                    progress: Progress | None = None, cancelled: Cancelled | None = None) -> SavedFiles:
    """Every invoice of ``month`` as ``<number>_<customer>.pdf`` in ``out_dir`` and, with
    ``combined``, all of them in ``combined.pdf``. ``progress(done, total)`` counts the files
    (the print file is the last step); when ``cancelled()`` says so, it stops after the file in
    hand and returns the files finished, each complete."""
    from reseller_desk.reports import invoice_batch
    from reseller_desk.reports.invoice import combined_marker, render_invoices

    files = month_documents(db, month)
    if not files:
        raise NotFound(f"{month.year}年{month.month}月分の請求書はありません。先に月次請求を実行してください。")
    out_dir = Path(out_dir)
    documents = [f.document for f in files]
    total = len(files) + (1 if combined else 0)
    combined_path = out_dir / COMBINED_NAME
    try:
        if combined:
            invoice_batch.check_replaceable(combined_path, combined_marker(documents))
        written = invoice_batch.write_invoice_files(
            [(invoice_batch.invoice_file_stem(f.number, f.customer_name), f.document) for f in files], out_dir,
            progress=(lambda done, _: progress(done, total)) if progress else None, cancelled=cancelled)
        stopped = len(written) < len(files)
        if stopped or not combined:
            return SavedFiles(tuple(written), None, stopped)
        stop: list[bool] = []
        try:
            data = render_invoices(_until_cancelled(documents, cancelled, stop))
        except ValueError:          # cancelled before the first page
            if not stop:
                raise
        if stop:
            return SavedFiles(tuple(written), None, True)
        invoice_batch.write_file(combined_path, data)
    except invoice_batch.FileConflict as conflict:
        raise _conflict(conflict.path) from conflict
    except OSError as error:
        raise _not_saved(Path(error.filename) if error.filename else out_dir, error) from error
    if progress:
        progress(total, total)
    return SavedFiles(tuple(written), combined_path, False)


def _until_cancelled(documents: Sequence[InvoiceDocument], cancelled: Cancelled | None,
                     stopped: list[bool]) -> Iterator[InvoiceDocument]:
    """``documents`` for the print file, ending early (and saying so in ``stopped``) on a cancel."""
    for document in documents:
        if cancelled and cancelled():
            stopped.append(True)
            return
        yield document

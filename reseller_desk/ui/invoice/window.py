"""One issued invoice in its own window: a header (number, kind, customer, month, dates, the
amount), the link to the invoice it corrects or that corrects it, the PDF itself in the preview
(ui.invoice.preview: pypdfium2, no QtPdf in PySide6-Essentials), 印刷… through the print
dialog, PDF保存…, and 訂正… (ui.invoice.correction: a credit invoice and, where needed, a
replacement; a manager's action, shown disabled with the reason to a clerk).

The PDF is made by the service (services.billing.documents.invoice_pdf, from the frozen
document) off the UI thread; an issued invoice never changes, so the window never reloads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.staff import Role
from reseller_desk.services.billing.invoices import InvoiceDetail, InvoiceLink
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.invoice.correction import CorrectionDialog
from reseller_desk.ui.invoice.pdf_pages import print_pages
from reseller_desk.ui.invoice.preview import PdfPreview
from reseller_desk.ui.widgets import (
    APP_STYLE,
    ERROR_COLOR,
    SavePathFunction,
    ask_save_path,
    documents_folder,
    fit_on_screen,
    format_date_long,
    format_yen,
)

DEFAULT_SIZE = (900, 760)
#: (parent, printer) -> True when the clerk chose to print (the print dialog).
AskPrinter = Callable[[QWidget, QPrinter], bool]
#: Characters a file name cannot hold on Windows or macOS.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def pdf_file_name(number: str, customer_name: str) -> str:
    """``<number>_<customer>.pdf`` (the issue's name of a saved invoice), safe as a file name."""
    name = _UNSAFE.sub("_", customer_name).strip(" .") or "請求書"
    return f"{number}_{name}.pdf"


def ask_printer(parent: QWidget, printer: QPrinter) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("請求書を印刷")
    return dialog.exec() == QDialog.DialogCode.Accepted


class InvoiceWindow(QDialog):
    """The window of invoice ``detail.row.invoice_id``."""

    #: The PDF is shown (its page count), for tests and the page.
    pdf_shown = Signal(int)
    #: Another invoice was asked for (its id): the one it corrects or that corrects it.
    open_requested = Signal(int)

    def __init__(self, ctx: AppContext, detail: InvoiceDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.invoice_id = detail.row.invoice_id
        self.pdf: bytes | None = None
        self.ask_printer: AskPrinter = ask_printer
        self.ask_save_path: SavePathFunction = ask_save_path
        row = detail.row
        self.setObjectName("invoiceWindow")
        self.setStyleSheet(APP_STYLE)
        self.setModal(False)
        kind = InvoiceKind(row.kind)
        title = "返還請求書" if kind is InvoiceKind.CREDIT else "請求書"
        self.setWindowTitle(f"{title} {row.number} — {row.customer_name}")
        fit_on_screen(self, *DEFAULT_SIZE)

        self.number_label = QLabel(f"{title} {row.number}")
        self.number_label.setObjectName("invoiceNumber")
        self.number_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.amount_label = QLabel(("返還額 " if kind is InvoiceKind.CREDIT else "請求額 ") + format_yen(row.total))
        self.amount_label.setObjectName("invoiceAmount")
        self.amount_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        due = f"　支払期限 {format_date_long(row.due_date)}" if row.due_date else ""
        self.info_label = QLabel(f"{row.customer_name}（{';'.join(row.customer_codes)}）　"
                                 f"{row.billing_month.year}年{row.billing_month.month}月分　"
                                 f"発行日 {format_date_long(row.issue_date)}{due}　{row.payment_method.label}")
        self.info_label.setObjectName("invoiceInfo")
        self.info_label.setWordWrap(True)
        self.link_label = QLabel(self._links_html())
        self.link_label.setObjectName("invoiceLinks")
        self.link_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.link_label.setVisible(bool(self.link_label.text()))
        self.link_label.linkActivated.connect(lambda href: self.open_requested.emit(int(href)))

        self.preview = PdfPreview(self)
        self.print_button = QPushButton("印刷…")
        self.print_button.setObjectName("printInvoice")
        self.print_button.setToolTip("プリンターを選んで印刷します")
        self.print_button.clicked.connect(lambda: self.print_invoice())
        self.save_button = QPushButton("PDF保存…")
        self.save_button.setObjectName("saveInvoicePdf")
        self.save_button.setToolTip(f"{pdf_file_name(row.number, row.customer_name)} として保存します")
        self.save_button.clicked.connect(lambda: self.save_pdf())
        # 訂正… (適格返還請求書と、必要なら新しい請求書): a manager's action.
        self.correct_button = QPushButton("訂正…")
        self.correct_button.setObjectName("correctInvoice")
        manager = ctx.actor.role == Role.MANAGER
        self.correct_button.setToolTip("この請求書を返還請求書で取り消し、必要なら正しい請求書を発行します" if manager
                                       else "請求書の訂正は管理者が行います")
        self.correct_button.setEnabled(manager)
        self.correct_button.clicked.connect(self.open_correction)
        self.correct_button.setVisible(kind is InvoiceKind.INVOICE and not row.corrected_by)
        close_button = QPushButton("閉じる")
        close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.save_button):
            button.setEnabled(False)

        header = QHBoxLayout()
        header.addWidget(self.number_label)
        header.addStretch(1)
        header.addWidget(self.amount_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.correct_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.info_label)
        layout.addWidget(self.link_label)
        layout.addWidget(self.preview, 1)
        layout.addLayout(buttons)
        self.load_pdf()

    # -- the links -----------------------------------------------------------------------
    def _links_html(self) -> str:
        parts = []
        corrects = self.detail.corrects
        if corrects is not None:
            verb = "を取り消す返還請求書です" if self.detail.row.kind == InvoiceKind.CREDIT else "に代わる請求書です"
            parts.append(f"{_link(corrects)}（{format_date_long(corrects.issue_date, weekday=False)}発行）{verb}。")
        for link in self.detail.corrected_by:
            what = "返還請求書" if link.kind == InvoiceKind.CREDIT else "訂正後の請求書"
            parts.append(f"{what} {_link(link)} で訂正されています。")
        return "　".join(parts)

    # -- the PDF -------------------------------------------------------------------------
    def load_pdf(self) -> None:
        from reseller_desk.services.billing import documents

        db, invoice_id = self.ctx.db, self.invoice_id
        self.ctx.ops.run(lambda: documents.invoice_pdf(db, invoice_id), success=self.show_pdf,
                         failure=lambda e: self.preview.show_message(str(e)), parent=self)

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.preview.set_pdf(pdf)
        for button in (self.print_button, self.save_button):
            button.setEnabled(True)
        self.pdf_shown.emit(self.preview.page_count())

    def print_invoice(self, printer: QPrinter | None = None) -> int:
        """印刷…: the print dialog (unless ``printer`` is given, set up already), then every page
        drawn at the printer's resolution. Returns how many pages were printed."""
        if self.preview.pages is None:
            return 0
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(self.detail.row.number)
            printer.setFromTo(1, self.preview.page_count())
            if not self.ask_printer(self, printer):
                return 0
        try:
            printed = print_pages(self.preview.pages, printer)
        except OSError as error:
            self.ctx.ops.show_message("印刷できませんでした", str(error))
            return 0
        self.ctx.ops.message.emit(f"{self.detail.row.number} を印刷しました（{printed}ページ）。")
        return printed

    def save_pdf(self) -> None:
        """PDF保存…: where to (the documents folder, ``<number>_<customer>.pdf``), then the service writes it."""
        row = self.detail.row
        path = self.ask_save_path(self, "請求書をPDFで保存", str(documents_folder() / pdf_file_name(row.number,
                                                                                               row.customer_name)))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        from reseller_desk.services.billing import documents

        db, invoice_id = self.ctx.db, self.invoice_id

        def write() -> str:
            try:
                documents.save_invoice_pdf(db, invoice_id, Path(path))
            except OSError as error:
                raise ServiceError(f"PDFを保存できませんでした（{path}）: {error.strerror or error}") from error
            return path

        self.ctx.ops.run(write, status=f"{row.number} を {Path(path).name} に保存しました。", parent=self)

    # -- 訂正 -----------------------------------------------------------------------------
    def open_correction(self) -> QDialog:
        dialog = CorrectionDialog(self.ctx, self.invoice_id, self)
        dialog.done_with.connect(lambda _message: self.correct_button.setVisible(False))
        dialog.open()
        return dialog

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        self.preview.close()
        super().closeEvent(event)


def _link(link: InvoiceLink) -> str:
    return f'<a href="{link.invoice_id}">{link.number}</a>'

"""From the window, end to end: 月次請求 bills a month (the run's own service), the summary says
what it did, the list shows the month's invoices, an invoice opens with its PDF drawn in the
preview (pixels, not a blank page), prints to a PDF printer (no dialog) with every page, saves,
links a credit to what it returns, and 請求履歴 says a cut-short run is finished by running again."""

from __future__ import annotations

import datetime as dt

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrinter

from reseller_desk import clock
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.services.billing.run import bill_month
from reseller_desk.ui.invoice.run_dialog import RERUN_NOTE
from reseller_desk.ui.invoice.window import InvoiceWindow, pdf_file_name
from reseller_desk.ui.invoice_page import InvoicePage
from tests.services.billing_office import customer, put_contract, with_transfer_account
from tests.services.builders import MIRAI, YAMADA
from tests.services.invoice_list_builders import NOVEMBER, a_book
from tests.ui.helpers import set_up_office

LAST_MONTH = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def billable(db, manager) -> dict[str, int]:
    """Two customers with a contract each, billable from the month before last."""
    office = set_up_office(db, manager)
    with_transfer_account(db, manager)
    start = (LAST_MONTH - dt.timedelta(days=1)).replace(day=1)
    mirai, yamada = customer(db, manager, MIRAI), customer(db, manager, YAMADA)
    put_contract(db, mirai, "simpleconnect", plans=[(office["sc"], 3, start, None)], first_billable=start)
    put_contract(db, yamada, "sokujitsu", plans=[(office["sh"], 1, start, None)], first_billable=start,
                 payment=PaymentMethod.TRANSFER)
    return {"mirai": mirai, "yamada": yamada}


@pytest.fixture
def page(ctx, qtbot):
    shown = InvoicePage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1240, 640)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def opened_window(page, qtbot, row: int) -> InvoiceWindow:
    windows: list[InvoiceWindow] = []
    page.window_opened.connect(windows.append)
    page.open_invoice(page.model.invoice_id(row))
    assert windows, "the invoice window did not open"
    window = windows[-1]
    qtbot.addWidget(window)
    window.resize(900, 900)
    qtbot.waitExposed(window)
    return window


def test_billing_a_month_from_the_window_then_previewing_and_printing_an_invoice(
        page, billable, qtbot, tmp_path, artifacts, shown):
    dialog = page.open_monthly_run()
    assert dialog.selected_month() == LAST_MONTH
    dialog.run_button.click()
    summary = dialog.summary
    assert summary is not None and summary.status == "finished" and summary.billed == 2
    assert dialog.summary_view.counts.text().startswith("発行 2件　発行済み 0件")
    assert dialog.summary_view.totals.rowCount() == 2 and not dialog.summary_view.rerun.isVisibleTo(dialog)
    dialog.resize(980, 560)
    dialog.grab().save(str(artifacts / "run_summary.png"))
    dialog.accept()

    assert page.month.currentData() == LAST_MONTH.isoformat() and page.model.rowCount() == 2
    page.grab().save(str(artifacts / "invoice_list_after_run.png"))

    window = opened_window(page, qtbot, 0)
    assert window.preview.page_count() >= 1 and window.print_button.isEnabled()
    image = window.preview.image
    dark = sum(1 for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)
               if image.pixelColor(x, y).lightness() < 160)
    assert dark > 200                                                   # the invoice is drawn, not a blank page
    window.grab().save(str(artifacts / "invoice_preview.png"))

    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setResolution(150)
    assert window.print_invoice(printer) == window.preview.page_count()
    assert target.read_bytes().startswith(b"%PDF")
    assert len(pypdf.PdfReader(target).pages) == window.preview.page_count()

    saved = tmp_path / pdf_file_name(window.detail.row.number, window.detail.row.customer_name)
    window.ask_save_path = lambda _parent, _caption, suggested: str(saved) if suggested.endswith(saved.name) else ""
    window.save_pdf()
    assert saved.read_bytes().startswith(b"%PDF") and shown.unexpected == []


def test_running_the_month_again_issues_nothing_and_the_history_says_how_each_run_ended(
        page, billable, db, manager):
    first = bill_month(db, manager, LAST_MONTH, cancelled=lambda: True, chunk=1)   # cut short after one
    assert first.status == "cancelled" and first.billed == 1
    page.tabs.setCurrentIndex(1)
    history = page.history
    assert history.model.rowCount() == 1
    assert history.model.index(0, 1).data() == f"中止（{RERUN_NOTE}）"
    dialog = page.open_monthly_run()
    dialog.run_button.click()
    assert (dialog.summary.billed, dialog.summary.already) == (1, 1)
    again = page.open_monthly_run()
    again.run_button.click()
    assert (again.summary.billed, again.summary.already) == (0, 2)
    assert [history.model.index(r, 1).data() for r in range(history.model.rowCount())].count("完了") == 2


def test_a_credit_invoice_links_to_the_invoice_it_returns_and_opens_it(ctx, db, manager, qtbot):
    book = a_book(db, manager)
    page = InvoicePage(ctx)
    qtbot.addWidget(page)
    page.show()
    credit = opened_window(page, qtbot, page.model.row_of(book.credit.invoice_id))
    assert book.mirai_oct.number in credit.link_label.text() and "取り消す返還請求書" in credit.link_label.text()
    assert not credit.correct_button.isVisible() and credit.amount_label.text() == "返還額 -¥6,556"
    opened: list[InvoiceWindow] = []
    page.window_opened.connect(opened.append)
    credit.link_label.linkActivated.emit(str(book.mirai_oct.invoice_id))
    assert opened and opened[-1].invoice_id == book.mirai_oct.invoice_id
    qtbot.addWidget(opened[-1])
    assert f'返還請求書 <a href="{book.credit.invoice_id}">{book.credit.number}</a> で訂正' in opened[-1].link_label.text()
    assert opened[-1].preview.page_count() >= 1


def test_the_months_pdfs_are_saved_in_the_folder_chosen_with_the_combined_file(ctx, db, manager, qtbot, tmp_path, shown):
    book = a_book(db, manager)
    page = InvoicePage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.month.setCurrentIndex(page.month.findData(NOVEMBER.isoformat()))
    dialog = page.open_month_pdfs()
    assert dialog.month.currentData() == NOVEMBER.isoformat()
    dialog.ask_folder = lambda _parent, _caption, _start: str(tmp_path / "out")
    dialog._browse()
    (tmp_path / "out").mkdir()
    saved: list = []
    dialog.saved.connect(saved.append)
    dialog.save_button.click()
    assert book.quoted_nov.number and saved and len(saved[0].files) == 3 and saved[0].combined.name == "combined.pdf"
    assert dialog.result_label.text().startswith("3件の請求書を") and shown.unexpected == []
    dialog.reject()

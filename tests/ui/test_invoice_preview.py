"""The PDF preview and printing without QtPdf: pages rendered by pypdfium2 into images (ink where
the page has text, white elsewhere), 前へ / 次へ and the page count, the zoom, and printing every
page (or a range) to a PDF printer at its resolution."""

from __future__ import annotations

import io

import pypdf
from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from reseller_desk.ui.invoice.pdf_pages import PdfPages, fitted, print_pages
from reseller_desk.ui.invoice.preview import PdfPreview


def three_pages() -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(1, 4):
        pdf.setFont("Helvetica-Bold", 40)
        pdf.drawString(72, 760, f"PAGE {page}")
        pdf.rect(72, 72, 200 * page, 100, fill=1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def ink(image, box: tuple[float, float, float, float]) -> float:
    """The share of non-white pixels in ``box`` (fractions of the width and height), sampled."""
    x0, y0, x1, y1 = (round(v * s) for v, s in zip(box, (image.width(), image.height()) * 2, strict=True))
    samples = [image.pixelColor(x, y) for x in range(x0, x1, 3) for y in range(y0, y1, 3)]
    return sum(1 for c in samples if c.lightness() < 200) / max(1, len(samples))


def test_a_page_is_rendered_with_its_ink_and_white_around_it(qapp):
    pages = PdfPages(three_pages())
    image = pages.image(0, 96)
    assert len(pages) == 3 and image.size() == QSize(794, 1123)          # A4 at 96 dpi
    assert image.pixelColor(5, 5) == QColor("white")
    assert ink(image, (0.1, 0.05, 0.5, 0.12)) > 0.05                     # "PAGE 1" at the top left
    assert ink(image, (0.7, 0.3, 1.0, 0.7)) == 0
    pages.close()


def test_the_preview_turns_pages_and_follows_the_zoom(qtbot, artifacts):
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(700, 800)
    preview.show()
    preview.set_pdf(three_pages())
    assert preview.page_count() == 3 and preview.page_label.text() == "1 / 3 ページ"
    assert not preview.previous_button.isEnabled() and preview.next_button.isEnabled()
    assert 0 < preview.image.width() <= preview.scroll.viewport().width()  # 幅に合わせる
    preview.next_button.click()
    preview.next_button.click()
    assert preview.current == 2 and preview.page_label.text() == "3 / 3 ページ" and not preview.next_button.isEnabled()
    assert ink(preview.image, (0.1, 0.6, 0.9, 0.9)) > 0.3                 # page 3's wide box
    preview.zoom.setCurrentIndex(preview.zoom.findText("200%"))
    assert preview.image.size() == QSize(1588, 2246)                       # A4 at 192 dpi
    preview.grab().save(str(artifacts / "preview.png"))


def test_printing_draws_every_page_on_the_printer_at_its_resolution(qapp, tmp_path):
    pages = PdfPages(three_pages())
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    printer.setResolution(150)
    assert print_pages(pages, printer) == 3
    printed = pypdf.PdfReader(target)
    assert len(printed.pages) == 3 and target.read_bytes().startswith(b"%PDF")
    ranged = QPrinter(QPrinter.PrinterMode.HighResolution)
    ranged.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    ranged.setOutputFileName(str(tmp_path / "page2.pdf"))
    ranged.setResolution(100)
    ranged.setPrintRange(QPrinter.PrintRange.PageRange)
    ranged.setFromTo(2, 3)
    assert print_pages(pages, ranged) == 2
    pages.close()


def test_a_page_keeps_its_proportions_on_paper_of_another_shape():
    assert fitted(QSize(100, 200), QRect(0, 0, 300, 300)) == QRect(75, 0, 150, 300)
    assert fitted(QSize(200, 100), QRect(10, 10, 100, 400)) == QRect(10, 10, 100, 50)

"""A PDF's pages as images, for the preview and the printer.

PySide6-Essentials has no QtPdf (that is in PySide6-Addons, ~200 MB), so pages are rendered with
pypdfium2 (PDFium, the renderer of Chromium: one small wheel, no system package) into QImages:
on screen at the preview's zoom, and for printing at the printer's resolution (at most
:data:`PRINT_MAX_DPI`), drawn page by page with QPainter onto the QPrinter.

PDFium is not thread-safe: every call goes through one lock, so a preview rendered off the UI
thread and a print on it never run at the same time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pypdfium2
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

#: PDF canvas units per inch.
POINTS_PER_INCH = 72
#: The preview at 100 %: a screen's 96 dpi.
SCREEN_DPI = 96
#: Pages are printed as images at the printer's resolution, at most this (an A4 page at 600 dpi
#: is a 4,960 × 7,016 image, 140 MB while it is drawn; office printers print 600 dpi).
PRINT_MAX_DPI = 600

_PDFIUM = threading.Lock()


class PdfPages:
    """An open PDF (from its bytes): how many pages, their size, each page as a QImage."""

    def __init__(self, pdf: bytes) -> None:
        self._pdf_bytes = bytes(pdf)
        with _PDFIUM:
            self._document = pypdfium2.PdfDocument(self._pdf_bytes)
            self._sizes = [self._document.get_page_size(i) for i in range(len(self._document))]

    def __len__(self) -> int:
        return len(self._sizes)

    def page_size_points(self, index: int) -> tuple[float, float]:
        return self._sizes[index]

    def pixel_size(self, index: int, dpi: float) -> QSize:
        width, height = self._sizes[index]
        return QSize(round(width * dpi / POINTS_PER_INCH), round(height * dpi / POINTS_PER_INCH))

    def image(self, index: int, dpi: float) -> QImage:
        """Page ``index`` (from 0) rendered at ``dpi`` on white, as a QImage that owns its pixels."""
        with _PDFIUM:
            page = self._document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True, prefer_bgrx=True,
                                     fill_color=(255, 255, 255, 255), may_draw_forms=False)
                try:
                    image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGBX8888)
                    return image.copy()  # the buffer is PDFium's: the image keeps a copy of its own
                finally:
                    bitmap.close()
            finally:
                page.close()

    def close(self) -> None:
        with _PDFIUM:
            self._document.close()


def print_pages(pages: PdfPages, printer: QPrinter, *, cancelled: Callable[[], bool] | None = None) -> int:
    """Draw every page of ``pages`` (the printer's page range if one was chosen) onto
    ``printer``, each page image at the printer's resolution (at most :data:`PRINT_MAX_DPI`)
    scaled into the printable area keeping its proportions. Returns how many pages were printed."""
    first, last = 1, len(pages)
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = max(1, printer.fromPage()), min(len(pages), printer.toPage() or len(pages))
    if first > last:
        return 0
    dpi = min(printer.resolution(), PRINT_MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("プリンターを開けませんでした。プリンターの設定を確かめてください。")
    printed = 0
    try:
        for number in range(first, last + 1):
            if cancelled is not None and cancelled():
                break
            if printed:
                printer.newPage()
            image = pages.image(number - 1, dpi)
            painter.drawImage(fitted(image.size(), painter.viewport()), image)
            printed += 1
    finally:
        painter.end()
    return printed


def fitted(size: QSize, area: QRect) -> QRect:
    """``size`` scaled to fit ``area`` keeping its proportions, centred horizontally, at the top."""
    scaled = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
    return QRect(area.x() + (area.width() - scaled.width()) // 2, area.y(), scaled.width(), scaled.height())


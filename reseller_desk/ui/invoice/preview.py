"""The PDF preview inside a window: one page at a time in a scroll area (ui.invoice.pdf_pages
renders it), with 前へ / 次へ, the page number of the total, and the zoom (幅に合わせる, or a
percentage). PageUp / PageDown turn the pages."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.ui.invoice.pdf_pages import SCREEN_DPI, PdfPages

#: The zoom choices: (label, factor of 96 dpi; 0 = fit the page's width to the view).
ZOOMS: tuple[tuple[str, float], ...] = (("幅に合わせる", 0.0), ("50%", 0.5), ("75%", 0.75), ("100%", 1.0),
                                        ("125%", 1.25), ("150%", 1.5), ("200%", 2.0))
#: The room the scroll area's frame and scroll bar take from the view's width.
FIT_MARGIN = 28


class PdfPreview(QWidget):
    """Shows :meth:`set_pdf`'s pages. ``page_changed(index, count)`` after each page is shown."""

    page_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages: PdfPages | None = None
        self.current = 0
        self.image: QImage | None = None

        self.previous_button = QPushButton("◀ 前へ")
        self.previous_button.setObjectName("previousPage")
        self.previous_button.setToolTip("前のページ（PageUp）")
        self.previous_button.clicked.connect(lambda: self.show_page(self.current - 1))
        self.next_button = QPushButton("次へ ▶")
        self.next_button.setObjectName("nextPage")
        self.next_button.setToolTip("次のページ（PageDown）")
        self.next_button.clicked.connect(lambda: self.show_page(self.current + 1))
        self.page_label = QLabel()
        self.page_label.setObjectName("pageLabel")
        self.page_label.setMinimumWidth(self.page_label.fontMetrics().horizontalAdvance("999 / 999 ページ") + 8)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom = QComboBox()
        self.zoom.setObjectName("previewZoom")
        for label, factor in ZOOMS:
            self.zoom.addItem(label, factor)
        self.zoom.currentIndexChanged.connect(lambda _i: self._render())

        self.canvas = QLabel("PDF を作成しています…")
        self.canvas.setObjectName("previewCanvas")
        self.canvas.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("previewScroll")
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setStyleSheet("QScrollArea#previewScroll { background: #8a8d91; }")
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(False)

        bar = QHBoxLayout()
        bar.addWidget(self.previous_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(QLabel("表示"))
        bar.addWidget(self.zoom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        for key, step in ((QKeySequence.StandardKey.MoveToPreviousPage, -1),
                          (QKeySequence.StandardKey.MoveToNextPage, 1)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.show_page(self.current + s))
        self._update_controls()

    # -- what is shown -------------------------------------------------------------------
    def set_pdf(self, pdf: bytes) -> None:
        """Show ``pdf`` from its first page."""
        if self.pages is not None:
            self.pages.close()
        self.pages = PdfPages(pdf)
        self.current = 0
        self._render()

    def show_message(self, text: str) -> None:
        """In place of the pages (the PDF could not be made)."""
        self.canvas.setPixmap(QPixmap())
        self.canvas.setText(text)
        self.canvas.adjustSize()

    def page_count(self) -> int:
        return len(self.pages) if self.pages is not None else 0

    def show_page(self, index: int) -> None:
        if self.pages is None or not 0 <= index < len(self.pages) or index == self.current and self.image is not None:
            return
        self.current = index
        self._render()

    def dpi(self) -> float:
        """The resolution the current page is drawn at: the zoom, or the view's width."""
        factor = self.zoom.currentData() or 0.0
        if factor > 0 or self.pages is None:
            return SCREEN_DPI * (factor or 1.0)
        width_points = self.pages.page_size_points(self.current)[0]
        room = max(200, self.scroll.viewport().width() - FIT_MARGIN)
        return max(24.0, room * 72 / width_points)

    def _render(self) -> None:
        if self.pages is None or not len(self.pages):
            self._update_controls()
            return
        self.image = self.pages.image(self.current, self.dpi())
        self.canvas.setText("")
        self.canvas.setPixmap(QPixmap.fromImage(self.image))
        self.canvas.resize(self.image.size())
        self._update_controls()
        self.page_changed.emit(self.current, len(self.pages))

    def _update_controls(self) -> None:
        count = self.page_count()
        self.page_label.setText(f"{self.current + 1} / {count} ページ" if count else "")
        self.previous_button.setEnabled(count > 0 and self.current > 0)
        self.next_button.setEnabled(count > 0 and self.current < count - 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self.pages is not None and not self.zoom.currentData():
            self._render()  # 幅に合わせる follows the window's width

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.pages is not None:
            self.pages.close()
            self.pages = None
        super().closeEvent(event)

"""The 通知書 tab: the notices issued for the application (承諾・不承諾・契約取消), each stored as it
was issued; 「PDFを保存…」 writes one where the clerk chooses (the documents folder is offered),
「開く」 writes it to a temporary file and opens it in the PDF viewer, to print from there.
Both run off the UI thread."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from reseller_desk.services import notices as notice_service
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.notices import NoticeInfo
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import Column, SavePathFunction, ask_save_path, documents_folder, format_date, muted_label

NOTICE_COLUMNS = (
    Column("number", "文書番号", 140),
    Column("title", "種類", 330),
    Column("issued_on", "発行日", 110, text=lambda n: format_date(n.issued_on)),
)


class NoticesPanel(QWidget):
    #: A save or open failed: (title, message) for the window to show once.
    failed = Signal(str, str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_save_path: SavePathFunction = ask_save_path
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.model: RecordTableModel[NoticeInfo] = RecordTableModel(NOTICE_COLUMNS, self)
        self.table = list_table(self.model, NOTICE_COLUMNS, "notices", self)
        self.table.doubleClicked.connect(lambda _i: self.open_notice())
        self.save_pdf_button = QPushButton("PDFを保存…")
        self.save_pdf_button.setObjectName("saveNoticePdf")
        self.save_pdf_button.clicked.connect(lambda: self.save_notice_pdf())
        self.open_pdf_button = QPushButton("開く")
        self.open_pdf_button.setObjectName("openNotice")
        self.open_pdf_button.setToolTip("PDFを開きます。印刷はPDFの表示ソフトから行います。")
        self.open_pdf_button.clicked.connect(lambda: self.open_notice())
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("通知書は発行したときの内容のまま保存されています。"
                                      "印刷は「開く」で表示したPDFから行います。"), 1)
        buttons.addWidget(self.save_pdf_button)
        buttons.addWidget(self.open_pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def show_notices(self, notices: tuple[NoticeInfo, ...]) -> None:
        current = self.table.currentIndex().row()
        self.model.set_records(notices)
        if notices:
            self.table.selectRow(current if 0 <= current < len(notices) else len(notices) - 1)
        self.save_pdf_button.setEnabled(bool(notices))
        self.open_pdf_button.setEnabled(bool(notices))

    def selected_notice(self) -> NoticeInfo | None:
        return self.model.record(self.table.currentIndex().row()) or self.model.record(len(self.model.records) - 1)

    def save_notice_pdf(self, notice: NoticeInfo | None = None) -> None:
        notice = notice or self.selected_notice()
        if notice is None:
            return
        suggested = str(documents_folder() / f"{notice.number}_{notice.title}.pdf")
        path = self.ask_save_path(self, "通知書をPDFで保存", suggested)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        db, notice_id = self.ctx.db, notice.id

        def write() -> str:
            content = notice_service.notice_pdf(db, notice_id)
            try:
                Path(path).write_bytes(content)
            except OSError as error:
                raise ServiceError(f"PDFを保存できませんでした（{path}）: {error.strerror or error}") from error
            return path

        self.ctx.ops.run(write, status=f"{notice.number} を {Path(path).name} に保存しました。",
                         failure=lambda e: self.failed.emit("PDFを保存できませんでした", str(e)), parent=self)

    def open_notice(self, notice: NoticeInfo | None = None) -> None:
        """Write the PDF to a temporary file and open it in the PDF viewer (print from there)."""
        notice = notice or self.selected_notice()
        if notice is None:
            return
        db, notice_id, number = self.ctx.db, notice.id, notice.number

        def write() -> str:
            folder = Path(tempfile.gettempdir()) / "reseller-desk"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{number}.pdf"
            target.write_bytes(notice_service.notice_pdf(db, notice_id))
            return str(target)

        def opened(path: str) -> None:
            if not self.open_url(QUrl.fromLocalFile(path)):
                self.failed.emit("PDFを開けませんでした", f"PDFを表示するソフトが見つかりません。\n{path}")

        self.ctx.ops.run(write, success=opened, failure=lambda e: self.failed.emit("PDFを開けませんでした", str(e)),
                         parent=self)

"""月の請求書をPDF保存…: every invoice of a usage month as its own PDF (``<number>_<customer>.pdf``)
and one combined file for printing, into a folder the clerk chooses, off the UI thread with a
progress dialog (files done / total, 中止) — services.billing.documents.save_month_pdfs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.invoice.run_dialog import offered_months
from reseller_desk.ui.operations import Progress
from reseller_desk.ui.widgets import APP_STYLE, documents_folder, form_layout, month_text, muted_label

#: (parent, caption, start folder) -> the chosen folder, "" when cancelled.
FolderFunction = Callable[[QWidget, str, str], str]


def ask_folder(parent: QWidget, caption: str, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, caption, start)


def saved_message(saved: Any, folder: str) -> str:
    if saved.cancelled:
        return f"中止しました（{len(saved.files):,}件は保存済み: {folder}）。"
    combined = f"、印刷用に {Path(saved.combined).name}" if saved.combined else ""
    return f"{len(saved.files):,}件の請求書を {folder} に保存しました{combined}。"


class MonthPdfDialog(QDialog):
    """Choose the month and the folder, then 保存. ``saved(SavedFiles)`` when it is done."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, month: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_folder: FolderFunction = ask_folder
        self.setObjectName("monthPdfDialog")
        self.setWindowTitle("月の請求書をPDF保存")
        self.setStyleSheet(APP_STYLE)
        self.month = QComboBox()
        self.month.setObjectName("pdfMonth")
        for offered in offered_months(clock.today()):
            self.month.addItem(f"{month_text(offered)}分（{offered:%Y-%m}）", offered.isoformat())
        if month is not None and self.month.findData(month.isoformat()) >= 0:
            self.month.setCurrentIndex(self.month.findData(month.isoformat()))
        self.folder = QLineEdit(str(documents_folder()))
        self.folder.setObjectName("pdfFolder")
        browse = QPushButton("参照…")
        browse.clicked.connect(self._browse)
        self.result_label = QLabel()
        self.result_label.setObjectName("pdfResult")
        self.result_label.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveMonthPdfs")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        close_button = QPushButton("閉じる")
        close_button.clicked.connect(self.accept)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = form_layout()
        form.addRow("対象月", self.month)
        form.addRow("保存先のフォルダ", folder_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(muted_label("1件ごとのファイル（請求書番号_請求先.pdf）と、"
                                     "まとめて印刷するための combined.pdf を作ります。"))
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        self.resize(620, self.sizeHint().height())

    def _browse(self) -> None:
        chosen = self.ask_folder(self, "保存先のフォルダ", self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def save(self) -> None:
        from reseller_desk.services.billing.documents import save_month_pdfs

        folder = self.folder.text().strip()
        if not folder:
            self.result_label.setText("保存先のフォルダを選んでください。")
            return
        db, month = self.ctx.db, dt.date.fromisoformat(self.month.currentData())
        self.save_button.setEnabled(False)

        def work(progress: Progress) -> Any:
            def report(done: int, total: int) -> None:
                progress.report(done, total, f"PDFを作成しています… {done:,} / {total:,}")

            try:
                return save_month_pdfs(db, month, Path(folder), combined=True, progress=report,
                                       cancelled=lambda: progress.cancelled)
            except OSError as error:
                raise ServiceError(f"PDFを保存できませんでした（{folder}）: {error.strerror or error}") from error

        def done(saved: Any) -> None:
            text = saved_message(saved, folder)
            self.result_label.setText(text)
            self.ctx.ops.message.emit(text)
            self.saved.emit(saved)

        self.ctx.ops.run(work, progress=f"{month_text(month)}分の請求書をPDFで保存しています…", success=done,
                         failure=lambda e: self.result_label.setText(str(e)),
                         done=lambda: self.save_button.setEnabled(True), parent=self)

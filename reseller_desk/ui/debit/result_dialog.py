"""What an imported 振替結果 did (services.payments.debit_results.DebitResultImported): the
invoices 振替済 (settled through the ledger) and 振替不能 with the bank's reason in Japanese and the
new due date by transfer, and 通知書を保存… for the 口座振替不能のお知らせ issued (one per customer,
already stored as notices): one customer's PDF as it is, several as one combined file to print
(reports.return_notices.combined_pdf), written whole through reports.invoice_batch.write_file off
the UI thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.debit.models import RESULT_COLUMNS, ResultModel
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    SavePathFunction,
    ask_save_path,
    documents_folder,
    format_date_long,
    format_yen,
    muted_label,
)

NOTICE_NAME = "口座振替不能のお知らせ"


def summary_text(result: Any) -> str:
    """What the import did, in one sentence."""
    if result.already_imported:
        return (f"{result.file_name or 'このファイル'} は取込済みです（何も追加していません）。"
                f"{format_date_long(result.collection_date)}の振替結果を表示します。")
    settled, failed = result.settled, result.failed
    text = (f"{format_date_long(result.collection_date)}の振替結果を取り込みました: "
            f"振替済 {len(settled):,}件 {format_yen(sum(r.amount for r in settled))}、"
            f"振替不能 {len(failed):,}件 {format_yen(sum(r.amount for r in failed))}。")
    if failed:
        text += (f"振替不能の請求書は振込でのお支払いになり、{NOTICE_NAME}を{len(result.notices):,}通"
                 "発行しました（通知書を保存… で印刷用に保存できます）。")
    return text


def notices_pdf(result: Any) -> bytes:
    """The notices of ``result`` to print: one as it is, several one after the other."""
    if len(result.notices) == 1:
        return bytes(result.notices[0].pdf)
    from reseller_desk.reports.return_notices import combined_pdf

    return combined_pdf(n.pdf for n in result.notices)


def save_notices(result: Any, path: Path) -> Path:
    from reseller_desk.reports.invoice_batch import write_file

    try:
        return write_file(path, notices_pdf(result))
    except OSError as error:
        raise ServiceError(f"通知書を保存できませんでした（{path}）: {error.strerror or error}。"
                           "通知書は発行済みです。保存先を変えてもう一度保存してください。") from error


class DebitResultDialog(QDialog):
    def __init__(self, ctx: AppContext, result: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result = result
        self.ask_save_path: SavePathFunction = ask_save_path
        self.saved_to: Path | None = None
        self.setWindowTitle("口座振替の結果")
        self.resize(1060, 480)
        self.summary = QLabel(summary_text(result))
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.model = ResultModel(self)
        self.model.set_records(result.rows)
        self.table = list_table(self.model, RESULT_COLUMNS, "debitResults", self)
        self.saved_label = QLabel()
        self.saved_label.setObjectName("noticesSaved")
        self.saved_label.setWordWrap(True)
        box = QDialogButtonBox()
        self.save_button = QPushButton("通知書を保存…")
        self.save_button.setObjectName("saveNotices")
        self.save_button.setEnabled(bool(result.notices))
        self.save_button.setToolTip(f"{NOTICE_NAME}（{len(result.notices):,}通）を印刷用のPDFに保存する"
                                    if result.notices else "このたびの取込で発行した通知書はありません。")
        self.save_button.clicked.connect(self.save)
        box.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = box.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        if result.notices:
            layout.addWidget(muted_label("通知書: " + "、".join(f"{n.number}（{n.customer_name}）"
                                                                for n in result.notices)))
        layout.addWidget(self.saved_label)
        layout.addWidget(box)

    def save(self) -> None:
        notices = self.result.notices
        if not notices:
            return
        stem = notices[0].number if len(notices) == 1 else f"{notices[0].number}_{len(notices)}通"
        path = self.ask_save_path(self, f"{NOTICE_NAME}の保存先", str(documents_folder() / f"{stem}_{NOTICE_NAME}.pdf"))
        if not path:
            return
        result = self.result
        self.save_button.setEnabled(False)
        self.ctx.ops.run(lambda _progress: save_notices(result, Path(path)), success=self._saved,
                         failure=self._failed, progress="通知書を保存しています…", cancellable=False,
                         done=lambda: self.save_button.setEnabled(True), parent=self)

    def _saved(self, path: Path) -> None:
        self.saved_to = path
        self.saved_label.setStyleSheet("")
        self.saved_label.setText(f"{NOTICE_NAME}（{len(self.result.notices):,}通）を {path} に保存しました。")
        self.ctx.ops.message.emit(self.saved_label.text())

    def _failed(self, error: ServiceError) -> None:
        self.saved_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.saved_label.setText(str(error))

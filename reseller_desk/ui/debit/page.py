"""口座振替: one collection day at a time (by default the next one from 設定 → 請求's collection
day, services.billing_settings.next_collection_date). The preview (services.payments.debit.
debit_preview) lists every open debit invoice due that day, 含める or 含めない with the reason; what
keeps the office from writing any file (設定 → 口座振替 not filled in) is said in red above it.

依頼データを作成… asks where to save, then runs export_debit through Operations with a progress
dialog (中止 stops it only before the batch is recorded) and writes the file whole
(reports.invoice_batch.write_file) only once the export succeeded; should the write fail, the
batch stays recorded and the bytes are offered to save elsewhere. 振替結果を取込… reads the bank's
file off the UI thread and imports it (debit_results.import_debit_result); the result dialog lists
振替済 and 振替不能 with the reason and saves the 口座振替不能のお知らせ. The batches written are
listed below. Every change announces Changes.PAYMENTS; the page follows PAYMENTS, INVOICES and
SETTINGS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.services import billing_settings
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.payments import debit, debit_results
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract_import import AskOpenPath, ask_open_path
from reseller_desk.ui.debit.models import BATCH_COLUMNS, PREVIEW_COLUMNS, BatchModel, PreviewModel
from reseller_desk.ui.debit.result_dialog import DebitResultDialog
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    SavePathFunction,
    action_button,
    date_edit,
    documents_folder,
    format_date_long,
    format_yen,
    muted_label,
    save_path_asker,
    show_kept,
    to_date,
    to_qdate,
)

FILE_FILTER = "全銀協形式のファイル (*.txt *.dat);;すべてのファイル (*)"
HINT = ("引落日が同じ口座振替の請求書のうち、未入金のものを依頼します。含めない請求書は理由を直すと含まれます"
        "（依頼済み・振替不能の請求書は二度依頼しません）。作成したファイルを銀行へ送り、銀行から届いた"
        "振替結果を取り込むと、振替済の請求書は入金済みになります。")


def write_request_file(path: Path, data: bytes) -> Path:
    """The request file written whole; the refusal says the batch is recorded already."""
    from reseller_desk.reports.invoice_batch import write_file

    try:
        return write_file(path, data)
    except OSError as error:
        raise ServiceError(f"依頼データは記録しましたが、{path} に保存できませんでした: {error.strerror or error}。"
                           "保存先を変えて保存してください。") from error


def read_result_file(path: Path) -> bytes:
    """The bank's file read (a file too large for a result is refused before it is read)."""
    try:
        if path.stat().st_size > debit_results.MAX_FILE_BYTES:
            raise ServiceError(f"{path.name} は大きすぎます。口座振替の結果ファイルか確認してください"
                               "（振替結果は何も取り込んでいません）。")
        return path.read_bytes()
    except OSError as error:
        raise ServiceError(f"{path.name} を読めません: {error.strerror or error}"
                           "（振替結果は何も取り込んでいません）。") from error


class DebitPage(QWidget):
    title = "口座振替"

    #: A dialog of the page was opened (for tests).
    dialog_opened = Signal(object)
    #: A request file was written (DebitExported, the path).
    exported = Signal(object, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_save_path: SavePathFunction = save_path_asker(FILE_FILTER)
        self.ask_open_path: AskOpenPath = ask_open_path
        self.dialogs: list[QWidget] = []
        self.preview: Any = None
        # Past days (a batch's invoices looked at again) and days ahead (the next collections).
        self.day = date_edit(window=bounds.closure_window(clock.today()))
        self.day.setObjectName("collectionDate")
        self.day.setToolTip("引落日（口座振替日）。設定 → 請求 の口座振替日から、次の引落日を初めに表示します。")
        self.day.dateChanged.connect(lambda _d: self.refresh_preview())
        self.export_button = action_button("依頼データを作成…", "exportDebit", self.export,
                                          "含める請求書の預金口座振替依頼データ（全銀協形式）を作成して保存する")
        self.import_button = action_button("振替結果を取込…", "importResult", self.import_result,
                                          "銀行から届いた振替結果ファイルを取り込み、振替済の請求書を入金済みにする")
        self.problems = QLabel()
        self.problems.setObjectName("officeProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.problems.setVisible(False)
        self.count_label = QLabel()
        self.count_label.setObjectName("previewCount")
        self.model = PreviewModel(self)
        self.table = list_table(self.model, PREVIEW_COLUMNS, "debitPreview", self)
        self.batch_model = BatchModel(self)
        self.batches = list_table(self.batch_model, BATCH_COLUMNS, "debitBatches", self)
        self.result_label = muted_label()
        self.result_label.setObjectName("debitResult")
        self.result_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("引落日"))
        top.addWidget(self.day)
        top.addWidget(self.export_button)
        top.addWidget(self.import_button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(muted_label(HINT))
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 3)
        layout.addWidget(QLabel("作成した依頼データ"))
        layout.addWidget(self.batches, 2)
        layout.addWidget(self.result_label)
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.PAYMENTS, Changes.INVOICES,
                                                                            Changes.SETTINGS) else None)
        self._enable()
        self.start()

    # -- the lists ---------------------------------------------------------------------------------
    def start(self) -> None:
        """The next collection day, then its preview (setting the date refreshes it)."""
        db = self.ctx.db
        self.ctx.ops.run(lambda: billing_settings.next_collection_date(db), success=self.set_day,
                         failure=lambda e: self._preview_failed(e), parent=self)
        self.refresh_batches()

    def set_day(self, day: dt.date) -> None:
        if self.collection_date() == day:
            self.refresh_preview()
        else:
            self.day.setDate(to_qdate(day))

    def collection_date(self) -> dt.date:
        return to_date(self.day)

    def refresh(self) -> None:
        self.refresh_preview()
        self.refresh_batches()

    def refresh_preview(self) -> None:
        db, day = self.ctx.db, self.collection_date()
        self.ctx.ops.run(lambda: debit.debit_preview(db, day), success=self._show_preview,
                         invalid=lambda e: self._preview_failed(e), failure=self._preview_failed, parent=self)

    def refresh_batches(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: debit.debit_batches(db), success=self.batch_model.set_records, parent=self)

    def _show_preview(self, preview: Any) -> None:
        if preview.collection_date != self.collection_date():
            return   # an answer for a date no longer shown
        self.preview = preview
        self.model.set_records(preview.rows)
        self.problems.setText("\n".join(preview.problems))
        self.problems.setVisible(bool(preview.problems))
        self.count_label.setText(f"含める {len(preview.included):,}件 {format_yen(preview.total)}"
                                 f"／含めない {len(preview.left_out):,}件")
        self._enable()

    def _preview_failed(self, error: ServiceError) -> None:
        self.preview = None
        self.model.set_records([])
        self.problems.setText(str(error))
        self.problems.setVisible(True)
        self.count_label.setText("")
        self._enable()

    def _enable(self) -> None:
        preview = self.preview
        ready = preview is not None and not preview.problems and bool(preview.included)
        self.export_button.setEnabled(ready)
        if preview is None or ready:
            tip = "含める請求書の預金口座振替依頼データ（全銀協形式）を作成して保存する"
        elif preview.problems:
            tip = preview.problems[0]
        else:
            tip = f"{format_date_long(preview.collection_date)}に依頼できる請求書がありません。"
        self.export_button.setToolTip(tip)

    # -- 依頼データ ----------------------------------------------------------------------------------
    def export(self) -> None:
        day = self.collection_date()
        suggested = documents_folder() / f"口座振替依頼_{day:%Y%m%d}.txt"
        path = self.ask_save_path(self, "預金口座振替依頼データの保存先", str(suggested))
        if not path:
            return
        db, actor, target = self.ctx.db, self.ctx.actor, Path(path)

        def work(progress: Progress) -> tuple[Any, ServiceError | None]:
            progress.check()   # 中止 before the batch is recorded writes nothing
            progress.report(0, 2, "依頼データを作成しています…")
            exported = debit.export_debit(db, actor, day, file_name=target.name)
            progress.report(1, 2, "ファイルに保存しています…")
            try:
                write_request_file(target, exported.data)
            except ServiceError as error:
                return exported, error
            return exported, None

        self.export_button.setEnabled(False)
        self.ctx.ops.run(work, success=lambda outcome: self._exported(outcome, target), changes=Changes.PAYMENTS,
                         failure=lambda e: self._failed(e), progress="口座振替の依頼データを作成しています…",
                         done=self._enable, parent=self)

    def _exported(self, outcome: tuple[Any, ServiceError | None], target: Path) -> None:
        exported, error = outcome
        if error is not None:
            self._failed(error)
            self.save_again(exported)
            return
        left = f"（含めなかった請求書 {len(exported.left_out):,}件）" if exported.left_out else ""
        self._said(f"{format_date_long(self.collection_date())}の依頼データ {exported.records:,}件 "
                   f"{format_yen(exported.total)} を {target} に保存しました{left}。銀行へ送ってください。")
        self.exported.emit(exported, target)

    def save_again(self, exported: Any) -> None:
        """The bytes of a recorded batch whose file could not be written, saved elsewhere."""
        path = self.ask_save_path(self, "依頼データの保存先（別の場所）", str(documents_folder() / (
            exported.file_name or f"口座振替依頼_{self.collection_date():%Y%m%d}.txt")))
        if not path:
            self._failed(ServiceError("依頼データは記録済みですが、ファイルを保存していません。"
                                      "この画面を閉じる前に保存してください（同じ請求書は二度依頼しません）。"))
            return
        target = Path(path)
        self.ctx.ops.run(lambda: write_request_file(target, exported.data),
                         success=lambda _p: self._exported((exported, None), target),
                         failure=lambda e: (self._failed(e), self.save_again(exported)), parent=self)

    # -- 振替結果 ------------------------------------------------------------------------------------
    def import_result(self) -> None:
        path = self.ask_open_path(self, "取り込む振替結果ファイル", FILE_FILTER)
        if not path:
            return
        db, actor, source = self.ctx.db, self.ctx.actor, Path(path)

        def work(progress: Progress) -> Any:
            data = read_result_file(source)
            progress.check()   # 中止 before the import writes nothing
            return debit_results.import_debit_result(db, actor, data, file_name=source.name)

        self.import_button.setEnabled(False)
        self.ctx.ops.run(work, success=self._imported, failure=lambda e: self._failed(e),
                         changes=Changes.PAYMENTS, progress="振替結果を取り込んでいます…",
                         done=lambda: self.import_button.setEnabled(True), parent=self)

    def _imported(self, result: Any) -> None:
        dialog = DebitResultDialog(self.ctx, result, self)
        self._said(dialog.summary.text())
        show_kept(dialog, self.dialogs, self.dialog_opened)

    # -- what happened -----------------------------------------------------------------------------
    def _said(self, text: str) -> None:
        self.result_label.setStyleSheet("")
        self.result_label.setText(text)
        self.ctx.ops.message.emit(text)

    def _failed(self, error: ServiceError) -> None:
        self.result_label.setStyleSheet(f"color: {ERROR_COLOR};")
        self.result_label.setText(str(error))
        self.ctx.ops.show_message("口座振替", str(error))

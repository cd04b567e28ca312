"""出力: the month's journals for the accountant (issue 12 "The accountant's journals"). Choose the
month (last month by default), the ledger (弥生会計 / freee / マネーフォワード / CSV) and the
journal (売上 / 入金 / すべて); the preview (services.payments.journals.build_journal, nothing
recorded) shows every line of the file and the totals, and above it, in red, every line the file
cannot hold (a name Shift_JIS cannot write), painted red in the table too. A journal that does
not balance is refused by the service with the difference, said in red instead of the table.

書き出し… asks where to save (yayoi_2026-11.csv …) and runs export_journal (audited) off the UI
thread with a progress dialog; the file is written only when the export succeeded (a temporary
file beside it, renamed at the end); a refusal is shown in Japanese and writes nothing. The
preview follows Changes.INVOICES, PAYMENTS and SETTINGS (設定 → 会計ソフト連携's names)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.domain.journal_entries import JournalKind, Ledger
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.payments import journals
from reseller_desk.services.payments.journals import JournalExport
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.exports.model import COLUMNS, JournalPreviewModel
from reseller_desk.ui.invoice.run_dialog import offered_months
from reseller_desk.ui.operations import REFUSED_TITLE, Changes, Progress
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    SavePathFunction,
    documents_folder,
    error_label,
    format_yen,
    month_text,
    muted_label,
    save_path_asker,
)

#: Short names for the file (yayoi_2026-11_売上.csv).
_KIND_SUFFIX = {JournalKind.ALL: "", JournalKind.SALES: "_売上", JournalKind.RECEIPTS: "_入金"}
_KIND_TITLES = {JournalKind.SALES: "売上", JournalKind.RECEIPTS: "入金", JournalKind.ALL: "すべて"}
#: The problems listed above the table before the list scrolls.
_PROBLEM_ROWS = 5


def default_file_name(ledger: Ledger, month: dt.date, journal: JournalKind) -> str:
    return f"{ledger.value}_{month:%Y-%m}{_KIND_SUFFIX[journal]}.csv"


def write_journal_file(target: Path, export: Any) -> Any:
    """Write through a temporary file beside ``target``: a failed export leaves nothing, and
    ``export()`` (the audited service call) runs only once the folder is known to be writable."""
    temporary = target.with_name(f".{target.name}.part")
    try:
        temporary.write_bytes(b"")
    except OSError as error:
        raise ServiceError(f"{target.parent} に書き込めません（{error.strerror or error}）。"
                           "別の保存先を選んでください。") from error
    try:
        result = export()
        temporary.write_bytes(result.data)
        os.replace(temporary, target)
    except OSError as error:
        raise ServiceError(f"ファイルを保存できませんでした（{target}）: {error.strerror or error}") from error
    finally:
        temporary.unlink(missing_ok=True)
    return result


class ExportsPage(QWidget):
    title = "出力"

    #: A file was written: (path, JournalExport).
    exported = Signal(object, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_save_path: SavePathFunction = save_path_asker("CSV (*.csv)")
        self.export: JournalExport | None = None
        self.month = QComboBox()
        self.month.setObjectName("journalMonth")
        today = clock.today()
        for month in [today.replace(day=1), *offered_months(today)]:
            self.month.addItem(month_text(month), month.isoformat())
        self.month.setCurrentIndex(1)                        # last month
        self.ledger = QComboBox()
        self.ledger.setObjectName("journalLedger")
        for ledger in Ledger:
            self.ledger.addItem(ledger.label, ledger.value)
        self.journal = QComboBox()
        self.journal.setObjectName("journalKind")
        for kind in (JournalKind.SALES, JournalKind.RECEIPTS, JournalKind.ALL):
            self.journal.addItem(_KIND_TITLES[kind], kind.value)
        self.journal.setCurrentIndex(2)                      # すべて
        for box in (self.month, self.ledger, self.journal):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.export_button = QPushButton("書き出し…")
        self.export_button.setObjectName("exportJournal")
        self.export_button.setToolTip("表示中の仕訳を会計ソフトに取り込むファイルとして保存する")
        self.export_button.clicked.connect(self.export_file)
        self.summary = QLabel()
        self.summary.setObjectName("journalSummary")
        self.refusal = error_label()
        self.refusal.setObjectName("journalRefusal")
        self.problems = QListWidget()
        self.problems.setObjectName("journalProblems")
        self.problems.setStyleSheet(f"QListWidget {{ color: {ERROR_COLOR}; }}")
        self.problems.setVisible(False)
        self.model = JournalPreviewModel(self)
        self.table = list_table(self.model, COLUMNS, "journalPreview", self)
        self.result_label = muted_label()
        self.result_label.setObjectName("journalResult")

        choices = QHBoxLayout()
        for title, box in (("対象月", self.month), ("会計ソフト", self.ledger), ("仕訳", self.journal)):
            choices.addWidget(QLabel(title))
            choices.addWidget(box)
            choices.addSpacing(12)
        choices.addStretch(1)
        choices.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addWidget(muted_label("売上仕訳はその月に発行した請求書、入金仕訳はその月の入金・充当・償却・保証金です。"
                                     "科目名は 設定 → 会計ソフト連携 で変えられます。"))
        layout.addWidget(self.summary)
        layout.addWidget(self.refusal)
        layout.addWidget(self.problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)
        ctx.changes.changed.connect(
            lambda what: self.refresh() if what in (Changes.INVOICES, Changes.PAYMENTS, Changes.SETTINGS) else None)
        self._enable()
        self.refresh()

    # -- what is chosen --------------------------------------------------------------------
    def chosen_month(self) -> dt.date:
        return dt.date.fromisoformat(self.month.currentData())

    def chosen_ledger(self) -> Ledger:
        return Ledger(self.ledger.currentData())

    def chosen_journal(self) -> JournalKind:
        return JournalKind(self.journal.currentData())

    def choose(self, *, month: dt.date | None = None, ledger: str | None = None, journal: str | None = None) -> None:
        """Select a month / ledger / journal (a month not offered is added at the end)."""
        if month is not None:
            position = self.month.findData(month.replace(day=1).isoformat())
            if position < 0:
                self.month.addItem(month_text(month), month.replace(day=1).isoformat())
                position = self.month.count() - 1
            self.month.setCurrentIndex(position)
        if ledger is not None:
            self.ledger.setCurrentIndex(self.ledger.findData(Ledger(ledger).value))
        if journal is not None:
            self.journal.setCurrentIndex(self.journal.findData(JournalKind(journal).value))

    # -- the preview -----------------------------------------------------------------------
    def refresh(self) -> None:
        db, month, ledger, journal = self.ctx.db, self.chosen_month(), self.chosen_ledger(), self.chosen_journal()
        self.ctx.ops.run(lambda: journals.build_journal(db, month, ledger=ledger.value, journal=journal.value),
                         success=lambda export: self._show(export, month, ledger, journal),
                         failure=lambda error: self._refused(error, month, ledger), parent=self)

    def _show(self, export: JournalExport, month: dt.date, ledger: Ledger, journal: JournalKind) -> None:
        self.export = export
        self.refusal.setVisible(False)
        self.model.show_export(export, ledger)
        self.problems.clear()
        if export.problems:
            self.problems.addItem(f"書き出せない行が{len(export.problems):,}件あります。名前を直してから書き出してください。")
            for problem in export.problems:
                self.problems.addItem(problem)
            for row in range(self.problems.count()):
                self.problems.item(row).setForeground(QBrush(QColor(ERROR_COLOR)))
            rows = min(self.problems.count(), _PROBLEM_ROWS)
            self.problems.setFixedHeight(self.problems.sizeHintForRow(0) * rows + 2 * self.problems.frameWidth() + 4)
        self.problems.setVisible(bool(export.problems))
        balanced = "一致" if export.debit_total == export.credit_total else "不一致"
        self.summary.setText(f"{month_text(month)}　{ledger.label}（{_KIND_TITLES[journal]}）　"
                             f"伝票 {len(export.slips):,}件・{export.lines:,}行　"
                             f"借方合計 {format_yen(export.debit_total)} ／ "
                             f"貸方合計 {format_yen(export.credit_total)}（{balanced}）")
        self._enable()

    def _refused(self, error: ServiceError, month: dt.date, ledger: Ledger) -> None:
        """The month cannot be written at all (it does not balance): the reason instead of the table."""
        self.export = None
        self.model.set_records([])
        self.problems.clear()
        self.problems.setVisible(False)
        self.summary.setText(f"{month_text(month)}　{ledger.label}")
        self.refusal.setText(str(error))
        self.refusal.setVisible(True)
        self._enable()

    def _enable(self) -> None:
        ready = self.export is not None and not self.export.problems and bool(self.export.slips)
        self.export_button.setEnabled(ready)
        self.export_button.setToolTip("表示中の仕訳を会計ソフトに取り込むファイルとして保存する" if ready else
                                      "書き出せる仕訳がありません（赤字の行を直すか、月を選び直してください）。")

    # -- 書き出し… -------------------------------------------------------------------------
    def export_file(self) -> None:
        month, ledger, journal = self.chosen_month(), self.chosen_ledger(), self.chosen_journal()
        suggested = str(documents_folder() / default_file_name(ledger, month, journal))
        path = self.ask_save_path(self, f"{ledger.label}の仕訳を保存", suggested)
        if not path:
            return
        target = Path(path if path.lower().endswith(".csv") else f"{path}.csv")
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> JournalExport:
            progress.report(0, 0, "仕訳を作っています…")
            progress.check()
            return write_journal_file(target, lambda: journals.export_journal(
                db, actor, month, ledger=ledger.value, journal=journal.value))

        def written(export: JournalExport) -> None:
            text = (f"{month_text(month)}の仕訳（{_KIND_TITLES[journal]}）伝票 {len(export.slips):,}件・"
                    f"{format_yen(export.debit_total)} を {target.name} に書き出しました（{target.parent}）。")
            self.result_label.setStyleSheet("")
            self.result_label.setText(text)
            self.ctx.ops.message.emit(text)
            self.exported.emit(target, export)

        def refused(error: ServiceError) -> None:
            self.result_label.setStyleSheet(f"color: {ERROR_COLOR};")
            self.result_label.setText(str(error))
            self.ctx.ops.show_message(REFUSED_TITLE, str(error))

        self.export_button.setEnabled(False)
        self.ctx.ops.run(work, progress=f"{ledger.label}の仕訳を書き出しています…", success=written, failure=refused,
                         done=self._enable, parent=self)

"""月次請求…: the dialog that runs a month's billing and shows what it did.

The clerk chooses the usage month (default: last month; any month that has ended), 実行 runs
``services.billing.run.bill_month`` off the UI thread through Operations with a progress dialog
(accounts done / total, 中止), and the dialog ends on the run's summary: invoices issued, already
issued by an earlier run, skipped and failed; the totals per terms profile and tax rate; and
every account or contract skipped or failed with its reason, in a table. A run cancelled or cut
short says that running the month again issues the rest (the run is idempotent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.services.billing.runs import FINISHED, STATUS_LABELS
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    APP_STYLE,
    ERROR_COLOR,
    WARNING_COLOR,
    Column,
    fit_on_screen,
    format_local_datetime,
    format_yen,
    month_text,
    muted_label,
)

#: How many months back the month chooser offers (an office moving in bills its last closed month).
MONTHS_OFFERED = 36
RERUN_NOTE = "再実行で残りを発行します"
DEFAULT_SIZE = (980, 620)


def run_status_text(status: str) -> str:
    """完了; a run cut short or cancelled: 中止（再実行で残りを発行します）."""
    word = STATUS_LABELS.get(status, status)
    return word if status == FINISHED else f"{word}（{RERUN_NOTE}）"


def offered_months(today: dt.date, count: int = MONTHS_OFFERED) -> list[dt.date]:
    """The months that have ended, newest first: last month, the month before, …"""
    last = first_of_month(today) - relativedelta(months=1)
    return [last - relativedelta(months=n) for n in range(count)]


TOTAL_COLUMNS: tuple[Column, ...] = (
    Column("profile_name", "サービス", 200),
    Column("invoices", "件数", 60, ALIGN_RIGHT, lambda t: f"{t.invoices:,}"),
    Column("taxable_10", "課税10%対象", 100, ALIGN_RIGHT, lambda t: format_yen(t.taxable_10)),
    Column("tax_10", "消費税10%", 90, ALIGN_RIGHT, lambda t: format_yen(t.tax_10)),
    Column("taxable_8", "課税8%対象", 90, ALIGN_RIGHT, lambda t: format_yen(t.taxable_8)),
    Column("tax_8", "消費税8%", 80, ALIGN_RIGHT, lambda t: format_yen(t.tax_8)),
    Column("exempt", "非課税", 80, ALIGN_RIGHT, lambda t: format_yen(t.exempt)),
    Column("outside", "不課税", 80, ALIGN_RIGHT, lambda t: format_yen(t.outside)),
    Column("total", "請求額合計", 110, ALIGN_RIGHT, lambda t: format_yen(t.total)),
)
PROBLEM_COLUMNS: tuple[Column, ...] = (
    Column("outcome", "区分", 60, ALIGN_CENTER, lambda p: {"skipped": "対象外", "failed": "失敗"}.get(p.outcome,
                                                                                                  p.outcome)),
    Column("customer_code", "カスタマID", 100),
    Column("customer_name", "顧客", 190),
    Column("profile_name", "サービス", 170),
    Column("reason", "理由", 360),
)


class RunSummaryView(QWidget):
    """A run's summary (a BillRunSummary of services.billing.run)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        self.headline.setObjectName("runHeadline")
        self.headline.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.counts = QLabel()
        self.counts.setObjectName("runCounts")
        self.rerun = QLabel()
        self.rerun.setObjectName("runRerun")
        self.rerun.setStyleSheet(f"color: {WARNING_COLOR}; font-weight: bold;")
        self.totals = RecordTableModel(TOTAL_COLUMNS, self)
        self.problems = RecordTableModel(PROBLEM_COLUMNS, self)
        self.totals_table = list_table(self.totals, TOTAL_COLUMNS, "runTotals", self)
        self.problems_table = list_table(self.problems, PROBLEM_COLUMNS, "runProblems", self)
        self.problems_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.counts)
        layout.addWidget(self.rerun)
        layout.addWidget(QLabel("サービス・税率ごとの合計"))
        layout.addWidget(self.totals_table, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems_table, 2)

    def show_summary(self, summary: Any) -> None:
        month = summary.billing_month
        self.headline.setText(f"{month_text(month)}分の請求: {run_status_text(summary.status)}")
        self.counts.setText(
            f"発行 {summary.billed:,}件　発行済み {summary.already:,}件　対象外 {summary.skipped:,}件　"
            f"失敗 {summary.failed:,}件（請求先 {summary.accounts_total:,}件）　"
            f"開始 {format_local_datetime(summary.started_at)}"
            + (f"　{summary.started_by}" if getattr(summary, "started_by", "") else ""))
        unfinished = summary.status != "finished"
        self.rerun.setText(f"この月の請求は終わっていません。{RERUN_NOTE}（発行済みの請求書は二重に発行されません）。"
                           if unfinished else "")
        self.rerun.setVisible(unfinished)
        self.totals.set_records(summary.totals)
        self.problems.set_records(summary.problems)
        self.problems_label.setText(f"対象外・失敗 {len(summary.problems):,}件（理由）" if summary.problems
                                    else "対象外・失敗はありません。")
        self.problems_label.setStyleSheet(f"color: {ERROR_COLOR};" if summary.failed else "")


class MonthlyRunDialog(QDialog):
    """月次請求: choose the month, run it, read the summary. ``finished_run`` carries the summary."""

    finished_run = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or clock.today()
        self.summary: Any = None
        self.setObjectName("monthlyRunDialog")
        self.setWindowTitle("月次請求")
        self.setStyleSheet(APP_STYLE)
        fit_on_screen(self, *DEFAULT_SIZE)

        self.month = QComboBox()
        self.month.setObjectName("runMonth")
        for month in offered_months(self.today):
            self.month.addItem(f"{month_text(month)}分（{month:%Y-%m}）", month.isoformat())
        self.run_button = QPushButton("実行")
        self.run_button.setObjectName("runBilling")
        self.run_button.setDefault(True)
        self.run_button.clicked.connect(self.run)
        self.close_button = QPushButton("閉じる")
        self.close_button.clicked.connect(self.accept)

        chooser = QWidget()
        chooser_layout = QVBoxLayout(chooser)
        row = QHBoxLayout()
        row.addWidget(QLabel("対象月（利用月）"))
        row.addWidget(self.month)
        row.addStretch(1)
        chooser_layout.addLayout(row)
        chooser_layout.addWidget(muted_label(
            "選んだ月の利用分を、請求先（顧客と約款）ごとに1通の請求書にして発行します。発行した請求書は変更できません"
            "（誤りは訂正で返還請求書を発行します）。途中で中止しても、もう一度実行すれば残りだけを発行します。"))
        chooser_layout.addStretch(1)
        self.summary_view = RunSummaryView()
        self.stack = QStackedWidget()
        self.stack.addWidget(chooser)
        self.stack.addWidget(self.summary_view)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)

    def selected_month(self) -> dt.date:
        return dt.date.fromisoformat(self.month.currentData())

    def select_month(self, month: dt.date) -> bool:
        position = self.month.findData(first_of_month(month).isoformat())
        if position >= 0:
            self.month.setCurrentIndex(position)
        return position >= 0

    def run(self) -> None:
        """実行: bill the chosen month off the UI thread, with the progress dialog."""
        from reseller_desk.services.billing.run import bill_month

        db, actor, month = self.ctx.db, self.ctx.actor, self.selected_month()
        self.run_button.setEnabled(False)

        def work(progress: Progress) -> Any:
            def report(done: int, total: int) -> None:
                progress.report(done, total, f"{month_text(month)}分を請求しています… {done:,} / {total:,} 件")

            return bill_month(db, actor, month, progress=report, cancelled=lambda: progress.cancelled)

        self.ctx.ops.run(work, progress=f"{month_text(month)}分を請求しています…", success=self.show_summary,
                         changes=Changes.INVOICES, done=lambda: self.run_button.setEnabled(True), parent=self)

    def show_summary(self, summary: Any) -> None:
        self.summary = summary
        self.summary_view.show_summary(summary)
        self.stack.setCurrentWidget(self.summary_view)
        self.run_button.setText("もう一度実行" if summary.status != "finished" else "実行")
        self.select_month(summary.billing_month)
        self.month.setEnabled(False)
        self.finished_run.emit(summary)


class RunSummaryDialog(QDialog):
    """A past run's summary (請求履歴 → 開く)."""

    def __init__(self, summary: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"請求の記録 {month_text(summary.billing_month)}分")
        self.setStyleSheet(APP_STYLE)
        fit_on_screen(self, *DEFAULT_SIZE)
        self.view = RunSummaryView()
        self.view.show_summary(summary)
        close_button = QPushButton("閉じる")
        close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

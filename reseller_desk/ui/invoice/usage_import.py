"""請求 → 通話料の取込…: a providers' usage file (通話料) brought in for a month, after a preview.

The clerk picks the file and the month (last month by default); the file is read and checked
off the UI thread (services.billing.usage: read_usage_file, preview_usage) and the preview
lists every fault with its row, column and reason, above a count line (rows, valid rows,
numbers, total). 「取込」 is enabled only when every row is valid, or once the clerk ticks
「エラーの行を除いて取り込む」 (a fault of the file itself — its encoding or header — cannot be
dropped); the import runs off the UI thread, then its summary is shown. No SQL and no rule
here: the services decide everything. Modelled on ファイル → 契約の取込（移行）.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.contract_history import first_of_month, month_before
from reseller_desk.services.billing.usage import (
    UsagePreview,
    UsageProblem,
    UsageRefused,
    import_usage,
    preview_usage,
    read_usage_file,
)
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.changes import month_edit, month_of
from reseller_desk.ui.contract_import import AskOpenPath, ask_open_path
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import ALIGN_RIGHT, Column, muted_label, to_qdate

TITLE = "通話料の取込"
FILTER = "通話料ファイル (*.csv *.txt);;すべてのファイル (*)"
PROGRESS_LABEL = "通話料を取り込んでいます…"
DROP_BAD = "エラーの行を除いて取り込む"
HINT = ("プロバイダの通話明細（CSV: UTF-8 か Shift_JIS）を選んでください。1行目が見出し（電話番号 または"
        " カスタマID, 日時, 発信先, 秒数, 金額）、2行目から1行に1通話です。全部の行が正しいときだけ取り込めます。")
FIX_OR_DROP = ("誤りのある行を直してファイルを選び直すか、「エラーの行を除いて取り込む」に"
               "チェックを入れてください（まだ何も取り込んでいません）。")
FIX_FILE = "ファイルを直してから、もう一度選んでください（何も取り込んでいません）。"
FAULT_TEXT = QColor("#a40000")

class ProblemModel(RecordTableModel[UsageProblem]):
    """The faults of the file: 行 (見出し for the file itself), 列, 内容 in red."""

    COLUMNS = (Column("row", "行", 70, ALIGN_RIGHT, lambda p: "見出し" if p.row == 1 else f"{p.row:,}"),
               Column("column", "列", 110), Column("reason", "内容", 640))

    def __init__(self) -> None:
        super().__init__(self.COLUMNS)

    def extra_data(self, record: UsageProblem, column: Column, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "reason":
            return QBrush(FAULT_TEXT)
        return None


class UsageImportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 ask_path: AskOpenPath = ask_open_path) -> None:
        super().__init__(parent)
        self.ctx = context
        self.ask_path = ask_path
        self.data: bytes | None = None
        self.file_name = ""
        self.preview: UsagePreview | None = None
        self.setWindowTitle(TITLE)
        self.resize(960, 560)

        self.file_label = QLabel("ファイルが選ばれていません。")
        self.choose_button = QPushButton("ファイルを選ぶ…")
        self.choose_button.clicked.connect(self.choose_file)
        today = clock.today()
        self.month = month_edit(today, month_before(first_of_month(today)))
        self.month.setMaximumDate(to_qdate(today))
        self.month.dateChanged.connect(lambda _date: self.check())
        top = QHBoxLayout()
        top.addWidget(QLabel("対象月:"))
        top.addWidget(self.month)
        top.addSpacing(16)
        top.addWidget(QLabel("ファイル:"))
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.hint = muted_label(HINT)
        self.count_label = QLabel("")
        self.count_label.setWordWrap(True)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = ProblemModel()
        self.table = list_table(self.model, ProblemModel.COLUMNS, "usage_problems", self)

        self.drop_bad = QCheckBox(DROP_BAD)
        self.drop_bad.setEnabled(False)
        self.drop_bad.toggled.connect(lambda _on: self._enable())
        box = QDialogButtonBox()
        self.import_button = box.addButton("取込", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = box.addButton("閉じる", QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_now)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.drop_bad, 1)
        bottom.addWidget(box)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)      # what to choose, then the choices
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def chosen_month(self) -> dt.date:
        month = month_of(self.month)
        assert month is not None   # the field has no open end
        return month

    # -- reading and checking --------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.ask_path(self, "取り込む通話料ファイル", FILTER)
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read ``path`` and check it for the month chosen, off the UI thread."""
        ctx, month, name = self.ctx, self.chosen_month(), Path(path).name
        self._waiting(name)

        def read() -> tuple[bytes, UsagePreview]:
            data = read_usage_file(path)
            return data, preview_usage(ctx.db, data, name, month)

        def loaded(result: tuple[bytes, UsagePreview]) -> None:
            self.data = result[0]
            self.show_preview(result[1])

        ctx.ops.run(read, success=loaded, failure=self._refused, parent=self)

    def check(self) -> None:
        """Check the file read again, for the month now chosen."""
        if self.data is None:
            return
        ctx, data, month, name = self.ctx, self.data, self.chosen_month(), self.file_name
        self._waiting(name)
        ctx.ops.run(lambda: preview_usage(ctx.db, data, name, month), success=self.show_preview,
                    failure=self._refused, parent=self)

    def _waiting(self, name: str) -> None:
        self.file_name = name
        self.file_label.setText(name)
        self.preview = None
        self._enable()
        self.count_label.setText("読み込んでいます…")

    def show_preview(self, preview: UsagePreview) -> None:
        self.preview = preview
        self.model.set_records(preview.problems)
        if preview.file_refused:
            advice = FIX_FILE
        elif preview.problems:
            advice = FIX_OR_DROP
        elif preview.added == 0:
            advice = "すべて取込済みです（同じファイルを前に取り込んでいます）。"
        else:
            advice = f"すべて正しい行です。取り込むと {preview.added:,}件を追加します。"
        self.count_label.setText(f"{preview.summary()}\n{advice}")
        self._enable()

    def _enable(self) -> None:
        preview = self.preview
        droppable = preview is not None and bool(preview.problems) and not preview.file_refused
        self.drop_bad.setEnabled(droppable)
        if not droppable and self.drop_bad.isChecked():
            self.drop_bad.setChecked(False)   # calls _enable again
            return
        self.import_button.setEnabled(
            preview is not None and preview.added > 0 and not preview.file_refused
            and (not preview.problems or self.drop_bad.isChecked()))

    # -- importing -------------------------------------------------------------------------
    def import_now(self) -> None:
        if self.preview is None or self.data is None:
            return
        ctx, data, name, month = self.ctx, self.data, self.file_name, self.preview.month
        drop_bad = self.drop_bad.isChecked()
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)

        def run(progress: Progress) -> UsagePreview:
            return import_usage(ctx.db, ctx.actor, data, name, month, drop_bad=drop_bad,
                                cancelled=lambda: progress.cancelled)

        ctx.ops.run(run, progress=PROGRESS_LABEL, cancellable=True, success=self._imported, failure=self._refused,
                    done=lambda: self.choose_button.setEnabled(True), status="通話料を取り込みました。",
                    changes=Changes.INVOICES, parent=self)

    def _imported(self, result: UsagePreview) -> None:
        self.preview = None
        self.data = None
        self._enable()
        self.drop_bad.setEnabled(False)
        self.count_label.setText(result.imported_text())

    def _refused(self, error: ServiceError) -> None:
        if isinstance(error, UsageRefused):
            self.show_preview(error.preview)
            return
        self.preview = None
        self.model.set_records(())
        self._enable()
        self.count_label.setText(str(error))


def open_usage_import(context: AppContext, parent: QWidget | None = None) -> UsageImportDialog:
    dialog = UsageImportDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

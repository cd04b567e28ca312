"""ファイル → 契約の取込（移行）…: the office's existing contracts brought in from a CSV or .xlsx
file, after a preview.

The clerk picks the file; it is read and checked off the UI thread (services.contracts:
read_import_file, then import_contracts with dry_run). The preview lists every row with its
faults beside it and the cells at fault in red (their reason as the tooltip), and a count line.
「取込」 is enabled only when every row is valid; the import runs off the UI thread with a
progress dialog whose 中止 rolls it back (nothing imported), then the summary is shown. No SQL
and no rule here: the services decide everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.contract_import import COLUMNS, HEADER_ROW, RowError, SourceRow
from reseller_desk.services.contracts.import_file import ImportFile, ImportRefused, read_import_file
from reseller_desk.services.contracts.importing import ImportResult, import_contracts
from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes, Progress

TITLE = "契約の取込（移行）"
FILTER = "契約の一覧 (*.csv *.xlsx);;CSV (*.csv);;Excel (*.xlsx)"
PROGRESS_LABEL = "契約を取り込んでいます…"
CANCELLED = "取込を中止しました。何も取り込んでいません。"
HINT = ("1行目が見出し（種別, 名称, フリガナ … 状態, 解約日）の CSV（UTF-8 か Shift_JIS）か"
        " Excel（.xlsx）を選んでください。全部の行が正しいときだけ取り込めます。")
FIX_AND_RETRY = "直してから、もう一度ファイルを選んでください（何も取り込んでいません）。"
FAULT = QColor("#fde2e2")
FAULT_TEXT = QColor("#a40000")

#: (parent, caption, filter) -> the path chosen, "" when the clerk pressed キャンセル.
AskOpenPath = Callable[[QWidget, str, str], str]


def ask_open_path(parent: QWidget, caption: str, name_filter: str) -> str:
    path, _selected = QFileDialog.getOpenFileName(parent, caption, str(Path.home()), name_filter)
    return path


@dataclass(frozen=True)
class Preview:
    """A file read and checked: its rows (none when it could not be read), its faults, and
    what importing it would do (None when refused)."""

    name: str
    rows: tuple[SourceRow, ...]
    errors: tuple[RowError, ...]
    result: ImportResult | None


class PreviewModel(QAbstractTableModel):
    """The rows of the file, each with 行 (its spreadsheet row) and 誤り (its faults) before the
    file's columns; a cell at fault is red with its reason as the tooltip. Faults of the file
    itself (row 1: the header, the encoding) are rows of their own."""

    HEADERS = ("行", "誤り", *COLUMNS)

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[SourceRow] = []
        self.faults: dict[tuple[int, str], str] = {}
        self.by_row: dict[int, list[RowError]] = {}

    def show(self, preview: Preview) -> None:
        self.beginResetModel()
        self.by_row = {}
        for error in preview.errors:
            self.by_row.setdefault(error.row, []).append(error)
        self.faults = {(e.row, e.column): e.message for e in preview.errors}
        header_faults = [SourceRow(HEADER_ROW, {})] if HEADER_ROW in self.by_row else []
        self.rows = header_faults + list(preview.rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.HEADERS[index.column()]
        errors = self.by_row.get(row.number, [])
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "見出し" if row.number == HEADER_ROW else str(row.number)
            return None
        if index.column() == 1:
            text = "　".join(f"{e.column}: {e.message}" for e in errors)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return text or ("" if role == Qt.ItemDataRole.ToolTipRole else "OK")
            if role == Qt.ItemDataRole.ForegroundRole and errors:
                return QBrush(FAULT_TEXT)
            return None
        fault = self.faults.get((row.number, column))
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells.get(column, "")
        if role == Qt.ItemDataRole.ToolTipRole:
            return fault
        if role == Qt.ItemDataRole.BackgroundRole and fault:
            return QBrush(FAULT)
        return None

    def fault_at(self, row: int, column: str) -> str | None:
        """The reason shown at spreadsheet row ``row``, column ``column`` (None: no fault)."""
        return self.faults.get((row, column))


class ContractImportDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *,
                 ask_path: AskOpenPath = ask_open_path) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_path = ask_path
        self.preview: Preview | None = None
        self.cancelled = False
        self.setWindowTitle(TITLE)
        self.resize(1200, 640)

        self.file_label = QLabel("ファイルが選ばれていません。")
        self.choose_button = QPushButton("ファイルを選ぶ…")
        self.choose_button.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(QLabel("ファイル:"))
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)

        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.count_label = QLabel("")
        self.count_label.setWordWrap(True)
        self.model = PreviewModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setWordWrap(False)

        self.import_button = QPushButton("取込")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_now)
        self.close_button = QPushButton("閉じる")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    # -- reading and checking --------------------------------------------------------------
    def choose_file(self) -> None:
        path = self.ask_path(self, "取り込むファイル", FILTER)
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read and check ``path`` off the UI thread, then show the preview."""
        ctx = self.ctx
        self.import_button.setEnabled(False)
        self.file_label.setText(Path(path).name)
        self.count_label.setText("読み込んでいます…")

        def check() -> Preview:
            try:
                file = read_import_file(path)
            except ImportRefused as refused:
                return Preview(Path(path).name, (), refused.row_errors, None)
            return _checked(ctx, file)

        ctx.ops.run(check, success=self.show_preview, failure=self._refused, parent=self)

    def show_preview(self, preview: Preview) -> None:
        self.preview = preview
        self.model.show(preview)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, min(max(self.table.columnWidth(1), 80), 420))
        rows = len(preview.rows)
        if preview.result is not None:
            self.count_label.setText(f"{rows}件 — すべて正しい行です。{preview.result.summary()}")
        else:
            faulty = len({e.row for e in preview.errors})
            where = "見出し・ファイルに誤りがあります。" if HEADER_ROW in self.model.by_row \
                else f"誤りのある行 {faulty}件。"
            self.count_label.setText(f"{rows}件 — {where}{FIX_AND_RETRY}")
        self.import_button.setEnabled(preview.result is not None and preview.result.added > 0)

    # -- importing -------------------------------------------------------------------------
    def import_now(self) -> None:
        preview = self.preview
        if preview is None or preview.result is None:
            return
        ctx = self.ctx
        self.cancelled = False
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)

        def run(progress: Progress) -> ImportResult:
            def report(done: int, total: int) -> None:
                if progress.cancelled:
                    self.cancelled = True
                progress.check()   # 中止: raises, and the import's transaction is rolled back
                progress.report(done, total, f"{PROGRESS_LABEL}（{done}/{total}件）")

            return import_contracts(ctx.db, ctx.actor, preview.rows, source_name=preview.name, progress=report)

        ctx.ops.run(run, progress=PROGRESS_LABEL, success=self._imported, failure=self._refused, done=self._done,
                    changes=(Changes.CONTRACTS, Changes.CUSTOMERS), status="契約を取り込みました。", parent=self)

    def _imported(self, result: ImportResult) -> None:
        self.preview = None
        self.count_label.setText(result.summary())

    def _refused(self, error: ServiceError) -> None:
        if isinstance(error, ImportRefused) and self.preview is not None:
            self.show_preview(Preview(self.preview.name, self.preview.rows, error.row_errors, None))
            return
        self.count_label.setText(str(error))

    def _done(self) -> None:
        self.choose_button.setEnabled(True)
        if self.cancelled:
            self.count_label.setText(CANCELLED)
            if self.preview is not None:
                self.import_button.setEnabled(True)


def _checked(ctx: AppContext, file: ImportFile) -> Preview:
    try:
        result = import_contracts(ctx.db, ctx.actor, file.rows, dry_run=True, source_name=file.name)
    except ImportRefused as refused:
        return Preview(file.name, file.rows, refused.row_errors, None)
    return Preview(file.name, file.rows, (), result)


def open_contract_import(ctx: AppContext, parent: QWidget | None = None) -> ContractImportDialog:
    dialog = ContractImportDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

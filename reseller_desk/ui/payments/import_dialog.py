"""取込…: a bank statement of incoming transfers chosen (a 全銀協 01/03 file, or a bank's CSV with
the bank named: its column mapping), previewed with each row's problems beside it
(statements.read_statement_file), then imported all or nothing through Operations with a
progress dialog and 中止 (statements.import_statement: a cancelled import writes nothing)."""

from __future__ import annotations

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

from reseller_desk.services.payments.statements import (
    BankMapping,
    StatementImported,
    StatementPreview,
    StatementRefused,
    bank_mappings,
    import_statement,
    read_statement_file,
)
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.payments.statement_models import PREVIEW_COLUMNS, StatementPreviewModel, preview_lines
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import APP_STYLE, documents_folder, error_label, fit_on_screen, muted_label

#: (parent) -> the chosen file's path, "" when cancelled.
OpenFileFunction = Callable[[QWidget], str]
#: The bank choice that means "a 全銀協 file, read as it says".
ZENGIN = None


def ask_statement_file(parent: QWidget) -> str:
    path, _filter = QFileDialog.getOpenFileName(parent, "入金明細ファイル", str(documents_folder()),
                                                "明細 (*.txt *.dat *.csv);;すべて (*)")
    return path


class ImportStatementDialog(QDialog):
    """Choose, preview, import. ``imported`` carries the StatementImported."""

    imported = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importStatementDialog")
        self.setWindowTitle("入金明細の取込")
        self.setStyleSheet(APP_STYLE)
        self.ask_file: OpenFileFunction = ask_statement_file
        self.data: bytes = b""
        self.preview: StatementPreview | None = None
        self.path = QLineEdit()
        self.path.setObjectName("statementPath")
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("ファイルを選んでください")
        self.choose_button = QPushButton("ファイルを選ぶ…")
        self.choose_button.setObjectName("chooseStatement")
        self.choose_button.clicked.connect(self.choose)
        self.bank: QComboBox = QComboBox()
        self.bank.setObjectName("statementBank")
        self.bank.addItem("全銀協フォーマット（自動判別）", ZENGIN)
        self.bank.currentIndexChanged.connect(lambda _i: self.read())
        self.about = QLabel()
        self.about.setObjectName("statementAbout")
        self.about.setWordWrap(True)
        self.model = StatementPreviewModel(self)
        self.table = list_table(self.model, PREVIEW_COLUMNS, "statementPreview", self)
        self.problems = error_label()
        self.problems.setObjectName("statementProblems")
        self.import_button = QPushButton("取り込む")
        self.import_button.setObjectName("importStatement")
        self.import_button.setAutoDefault(False)
        self.import_button.clicked.connect(self.start_import)
        close = QPushButton("閉じる")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)

        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("ファイル"))
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)
        bank_row = QHBoxLayout()
        bank_row.addWidget(QLabel("銀行（CSVのとき）"))
        bank_row.addWidget(self.bank, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addLayout(bank_row)
        layout.addWidget(muted_label("CSVの明細は銀行を選ぶと、その銀行の列設定（銀行CSVの設定）で読みます。"
                                     "問題のある行が1行でもあると取り込めません（何も取り込みません）。"
                                     "同じ明細をもう一度取り込んでも、取込済みの行は追加しません。"))
        layout.addWidget(self.about)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        fit_on_screen(self, 940, 560)
        self._enable()
        db = ctx.db
        ctx.ops.run(lambda: bank_mappings(db), success=self._banks, parent=self)

    def _banks(self, mappings: list[BankMapping]) -> None:
        self.bank.blockSignals(True)
        for mapping in mappings:
            self.bank.addItem(mapping.bank_name, mapping.bank_name)
        self.bank.blockSignals(False)

    def choose(self) -> None:
        path = self.ask_file(self)
        if path:
            self.load(path)

    def load(self, path: str) -> None:
        """Read the file at ``path`` and preview it."""
        try:
            self.data = Path(path).read_bytes()
        except OSError as error:
            self.data = b""
            self._problem_text(f"ファイルを読めません（{error.strerror or error}）。")
            return
        self.path.setText(path)
        self.read()

    def read(self) -> None:
        if not self.data:
            return
        db, data, name, bank = self.ctx.db, self.data, Path(self.path.text()).name, self.bank.currentData()
        self.ctx.ops.run(lambda: read_statement_file(db, data, name, bank=bank), success=self._previewed,
                         parent=self)

    def _previewed(self, preview: StatementPreview) -> None:
        self.preview = preview
        self.model.set_records(preview_lines(preview.rows, preview.problems))
        kind = preview.kind_label or ("CSV" if preview.source == "csv" else "")
        self.about.setText(f"{kind}　口座 {preview.account}　入金 {len(preview.rows):,}件 ¥{preview.total:,}"
                           if preview.rows else kind)
        general = [m for line, m in preview.problems if line == 0]   # the others are beside their line
        bad = sum(1 for line in self.model.records if line.problems)
        text = "\n".join(general + ([f"問題のある行が {bad:,}件あります（赤い行）。直した明細を選び直してください。"]
                                    if bad else []))
        self._problem_text(text)
        self._enable()

    def _problem_text(self, text: str) -> None:
        self.problems.setText(text)
        self.problems.setVisible(bool(text))
        self._enable()

    def _enable(self) -> None:
        self.import_button.setEnabled(self.preview is not None and self.preview.ok and bool(self.data))

    def start_import(self) -> None:
        if self.preview is None or not self.preview.ok:
            return
        db, actor, data = self.ctx.db, self.ctx.actor, self.data
        name, bank = Path(self.path.text()).name, self.bank.currentData()

        def work(progress: Progress) -> StatementImported:
            return import_statement(db, actor, data, name, bank=bank, progress=progress)

        def done(result: StatementImported) -> None:
            self.ctx.ops.message.emit(result.summary())
            self.imported.emit(result)
            self.accept()

        self.import_button.setEnabled(False)
        self.ctx.ops.run(work, progress="入金明細を取り込んでいます…", success=done, failure=self._refused,
                         done=self._enable, changes=Changes.PAYMENTS, parent=self)

    def _refused(self, error: Any) -> None:
        if isinstance(error, StatementRefused):
            self.model.set_records(preview_lines(self.preview.rows if self.preview else (), error.problems))
        self._problem_text(str(error))

"""銀行CSVの設定: how each bank's CSV statement reads (statements.bank_mappings /
save_bank_mapping): the columns counted from 1, the header rows and the date format. Kept in
the 入金 section beside the import that uses it (decision: the clerk who meets a new bank's CSV
sets it up where they import it). A stale save offers the latest (Operations' reload)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.payments.statement_csv import MAX_COLUMN, MAX_HEADER_ROWS
from reseller_desk.services.payments.statements import (
    DATE_FORMATS,
    BankMapping,
    MappingDetails,
    bank_mappings,
    save_bank_mapping,
)
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import APP_STYLE, FieldErrors, combo, error_label, form_layout, muted_label, select_data

NEW_BANK = "（新しい銀行）"


def _spin(minimum: int, maximum: int, name: str, special: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setObjectName(name)
    box.setMaximumWidth(120)
    if special:
        box.setSpecialValueText(special)
    return box


class BankCsvTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setStyleSheet(APP_STYLE)
        self.mappings: list[BankMapping] = []
        self.current: BankMapping | None = None
        self.banks = QListWidget()
        self.banks.setObjectName("banks")
        self.banks.currentRowChanged.connect(self._bank_selected)
        self.bank_name = QLineEdit()
        self.bank_name.setObjectName("bankName")
        self.bank_name.setMaximumWidth(320)
        self.header_rows = _spin(0, MAX_HEADER_ROWS, "headerRows")
        self.date_column = _spin(1, MAX_COLUMN, "dateColumn")
        self.date_format: QComboBox = combo((example, fmt) for fmt, example in DATE_FORMATS.items())
        self.date_format.setObjectName("dateFormat")
        self.date_format.setMaximumWidth(200)
        self.amount_column = _spin(1, MAX_COLUMN, "amountColumn")
        self.payer_column = _spin(1, MAX_COLUMN, "payerColumn")
        self.reference_column = _spin(0, MAX_COLUMN, "referenceColumn", "なし")
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("bankSummary")
        form = form_layout()
        for label, name, widget in (("銀行名", "bank_name", self.bank_name),
                                    ("見出しの行数", "header_rows", self.header_rows),
                                    ("日付の列", "date_column", self.date_column),
                                    ("日付の形式", "date_format", self.date_format),
                                    ("入金額の列", "amount_column", self.amount_column),
                                    ("振込依頼人名の列", "payer_column", self.payer_column),
                                    ("照会番号の列", "reference_column", self.reference_column)):
            cell = QVBoxLayout()
            cell.addWidget(widget)
            cell.addWidget(self.errors.add(name, widget))
            form.addRow(label, cell)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveBank")
        self.save_button.clicked.connect(self.save)
        left = QGroupBox("銀行")
        QVBoxLayout(left).addWidget(self.banks)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addLayout(form)
        column.addWidget(muted_label("列は左から 1, 2, 3 … と数えます。入金額の列が空の行（出金）は読み飛ばします。"
                                     "文字コード（UTF-8 / Shift_JIS）は自動で判別します。"))
        column.addWidget(self.summary)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        column.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self.refresh()

    def refresh(self, select_bank: str | None = None) -> None:
        db = self.ctx.db
        wanted = select_bank if select_bank is not None else (self.current.bank_name if self.current else None)
        self.ctx.ops.run(lambda: bank_mappings(db), success=lambda found: self._loaded(found, wanted), parent=self)

    def _loaded(self, mappings: list[BankMapping], wanted: str | None) -> None:
        self.mappings = list(mappings)
        self.banks.blockSignals(True)
        self.banks.clear()
        self.banks.addItem(QListWidgetItem(NEW_BANK))
        for mapping in self.mappings:
            self.banks.addItem(QListWidgetItem(mapping.bank_name))
        self.banks.blockSignals(False)
        names = [m.bank_name for m in self.mappings]
        self.banks.setCurrentRow(names.index(wanted) + 1 if wanted in names else 0)
        self._bank_selected(self.banks.currentRow())

    def _bank_selected(self, row: int) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        self.current = self.mappings[row - 1] if 1 <= row <= len(self.mappings) else None
        shown = self.current or MappingDetails("", date_column=1, amount_column=2, payer_column=3)
        self.bank_name.setText(shown.bank_name)
        self.bank_name.setReadOnly(self.current is not None)
        self.header_rows.setValue(shown.header_rows)
        self.date_column.setValue(shown.date_column)
        select_data(self.date_format, shown.date_format)
        self.amount_column.setValue(shown.amount_column)
        self.payer_column.setValue(shown.payer_column)
        self.reference_column.setValue(shown.reference_column or 0)

    def details(self) -> MappingDetails:
        return MappingDetails(self.bank_name.text(), date_column=self.date_column.value(),
                              amount_column=self.amount_column.value(), payer_column=self.payer_column.value(),
                              reference_column=self.reference_column.value() or None,
                              header_rows=self.header_rows.value(), date_format=self.date_format.currentData())

    def save(self) -> None:
        db, actor, details = self.ctx.db, self.ctx.actor, self.details()
        version = self.current.version if self.current else None

        def refused(error: ValidationFailed) -> None:
            self.errors.show_refusal(error, self.summary)

        def failed(error: ServiceError) -> None:
            self.summary.setText(str(error))
            self.summary.setVisible(True)

        self.ctx.ops.run(lambda: save_bank_mapping(db, actor, details, expected_version=version),
                         success=lambda saved: self.refresh(saved.bank_name), invalid=refused, failure=failed,
                         reload=lambda: self.refresh(), status=f"{details.bank_name} の列設定を保存しました。",
                         changes=Changes.PAYMENTS, parent=self)

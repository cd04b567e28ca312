"""請求書の訂正: the dialog that corrects an issued invoice (services.billing.corrections).

It shows the original (number, customer, usage month, issue date, amount) and its lines in an
editable table — description, quantity, unit price and tax category; a line removed, a line
added with its tax category — a reason, and a choice: 返還のみ (the credit invoice alone) or
返還して再発行 (the credit and a replacement with the lines as edited). The totals below the
table are what the replacement would hold, settled by the service's preview
(domain.billing.settle: tax once per rate), never summed here; a line's amount is quantity ×
unit price as services.billing.correction_lines makes it. The correction runs through
Operations; a refusal is shown beside its field (the reason, a line of the table) or above the
form (a credit invoice, an invoice corrected already).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.billing import BillLine, Settlement
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.services.billing import corrections
from reseller_desk.services.billing.correction_lines import (
    DESCRIPTION_MAX_LENGTH,
    MAX_AMOUNT,
    MAX_QUANTITY,
    added_line,
    edited_line,
)
from reseller_desk.services.billing.corrections import REASON_MAX_LENGTH, Correction, CorrectionTarget
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    MONEY_ALIGNMENT,
    FieldErrors,
    error_label,
    field_cell,
    form_layout,
    format_date_long,
    format_yen,
    month_text,
    muted_label,
    set_invalid,
)

#: What changed, for the screens that list invoices (Operations' change notification).
COLUMNS = ("カスタマID", "内容", "数量", "単価", "金額", "税区分")
DESCRIPTION, QUANTITY, UNIT, AMOUNT, TAX = 1, 2, 3, 4, 5
#: The totals shown, in order: the settlement's field and its label.
TOTALS = (("taxable_10", "課税10%対象額"), ("tax_10", "消費税（10%）"), ("taxable_8", "課税8%対象額"),
          ("tax_8", "消費税（8%）"), ("exempt", "非課税"), ("outside", "不課税"))


def _spin(low: int, high: int, value: int, *, yen: bool = False) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    box.setAlignment(MONEY_ALIGNMENT)
    if yen:
        box.setPrefix("¥")
    return box


def _tax_box(category: TaxCategory) -> QComboBox:
    """The tax categories; an item's data is the category's code (Qt keeps a str enum as str)."""
    box = QComboBox()
    for item in TaxCategory:
        box.addItem(item.label, item.value)
    box.setCurrentIndex(list(TaxCategory).index(category))
    return box


@dataclass
class _Row:
    """A line of the table: the line it started from and the widgets that edit it."""

    base: BillLine
    description: QLineEdit
    quantity: QSpinBox
    unit: QSpinBox | None      # None: a line without a unit price (call charges)
    amount: QSpinBox | None    # the amount of such a line; else shown, not typed
    amount_label: QLabel
    tax: QComboBox

    def line(self) -> BillLine:
        return edited_line(self.base, description=self.description.text(), quantity=self.quantity.value(),
                           unit_amount=self.unit.value() if self.unit is not None else None,
                           amount=self.amount.value() if self.amount is not None else None,
                           tax_category=TaxCategory(self.tax.currentData()))

    def widgets(self) -> list[QWidget]:
        return [w for w in (self.description, self.quantity, self.unit, self.amount, self.tax) if w is not None]


class CorrectionDialog(QDialog):
    """Corrects the issued invoice ``invoice_id``; ``done_with`` carries the service's message."""

    done_with = Signal(str)

    def __init__(self, context: AppContext, invoice_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self.invoice_id = invoice_id
        self.target: CorrectionTarget | None = None
        self.rows: list[_Row] = []
        self.setStyleSheet(APP_STYLE)
        self.setWindowTitle("請求書の訂正")
        self.errors = FieldErrors(on_cleared=self._cleared)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)

        self.credit_only = QRadioButton("返還のみ（返還請求書を発行）")
        self.credit_only.setObjectName("creditOnly")
        self.reissue = QRadioButton("返還して再発行（返還請求書と、下の明細の請求書を発行）")
        self.reissue.setObjectName("reissue")
        self.reissue.setChecked(True)
        choice = QButtonGroup(self)
        choice.addButton(self.credit_only)
        choice.addButton(self.reissue)
        self.reissue.toggled.connect(self._choice_changed)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("lines")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 90), (QUANTITY, 90), (UNIT, 130), (AMOUNT, 130), (TAX, 130)):
            self.table.setColumnWidth(column, width)
        self.line_errors = error_label()
        self.line_errors.setObjectName("error_lines")
        self.errors.add("replacement", self.table)
        self.add_button = QPushButton("行を追加")
        self.add_button.setObjectName("addLine")
        self.add_button.clicked.connect(self.add_line)
        self.remove_button = QPushButton("選択した行を削除")
        self.remove_button.setObjectName("removeLine")
        self.remove_button.clicked.connect(self.remove_selected)
        self.new_description = QLineEdit()
        self.new_description.setPlaceholderText("追加する行の内容（例: 値引き）")
        self.new_description.setMaxLength(DESCRIPTION_MAX_LENGTH)
        self.new_tax = _tax_box(TaxCategory.TAXABLE_10)
        self.new_tax.setObjectName("newTax")

        self.totals = {name: QLabel() for name, _label in TOTALS}
        self.total = QLabel()
        self.total.setObjectName("replacementTotal")
        self.credit_total = QLabel()
        self.credit_total.setObjectName("creditTotal")

        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(REASON_MAX_LENGTH)
        self.reason.setPlaceholderText("例: 回線数の誤り（2回線→3回線）")

        self.confirm_button = QPushButton("訂正を発行")
        self.confirm_button.setObjectName("confirmCorrection")
        self.confirm_button.setEnabled(False)
        self.confirm_button.clicked.connect(self.submit)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        self._lay_out(cancel)
        self.setMinimumWidth(860)
        self.ctx.ops.run(lambda: corrections.correction_target(self.ctx.db, invoice_id), success=self._loaded,
                         failure=self.show_refused, parent=self)

    # -- layout --------------------------------------------------------------------------
    def _lay_out(self, cancel: QPushButton) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.heading)
        layout.addWidget(self.credit_only)
        layout.addWidget(self.reissue)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.line_errors)
        layout.addWidget(self.errors.label("replacement"))
        adding = QHBoxLayout()
        adding.addWidget(self.new_description, 1)
        adding.addWidget(self.new_tax)
        adding.addWidget(self.add_button)
        adding.addWidget(self.remove_button)
        layout.addLayout(adding)
        grid = QGridLayout()
        for i, (name, label) in enumerate(TOTALS):
            grid.addWidget(muted_label(label), i // 3, (i % 3) * 2)
            self.totals[name].setAlignment(MONEY_ALIGNMENT)
            grid.addWidget(self.totals[name], i // 3, (i % 3) * 2 + 1)
        grid.addWidget(QLabel("再発行の請求額"), 2, 0)
        grid.addWidget(self.total, 2, 1)
        grid.addWidget(QLabel("返還額"), 2, 2)
        grid.addWidget(self.credit_total, 2, 3)
        for label in (self.total, self.credit_total):
            label.setAlignment(MONEY_ALIGNMENT)
            label.setStyleSheet("font-weight: bold;")
            label.setMinimumWidth(120)
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(6, 1)
        layout.addLayout(grid)
        form = form_layout()
        form.addRow("訂正の理由", field_cell(self.reason, labels=[self.errors.add("reason", self.reason)]))
        layout.addLayout(form)
        layout.addWidget(muted_label("返還請求書は元の請求書の金額（税額を含む）をそのまま返します。"
                                     "発行した請求書は変更・削除できません。"))
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(cancel)
        footer.addWidget(self.confirm_button)
        layout.addLayout(footer)

    # -- loading -------------------------------------------------------------------------
    def _loaded(self, target: CorrectionTarget) -> None:
        self.target = target
        self.setWindowTitle(f"請求書の訂正（{target.number} {target.customer_name}）")
        self.heading.setText(
            f"請求書 {target.number}　{target.customer_name}（{'・'.join(target.customer_codes)}）\n"
            f"対象月 {month_text(target.billing_month)}　発行日 {format_date_long(target.issue_date)}　"
            f"請求額 {format_yen(target.totals.total)}")
        self.credit_total.setText(format_yen(-target.totals.total))
        for line in target.lines:
            self._append(line)
        if target.refusal:
            self.show_refused(ServiceError(target.refusal))
            return
        self.confirm_button.setEnabled(True)
        self._update_totals()

    def _append(self, line: BillLine) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        code = QLabel(line.customer_code)
        description = QLineEdit(line.description)
        description.setMaxLength(DESCRIPTION_MAX_LENGTH)
        quantity = _spin(1, MAX_QUANTITY, max(line.quantity, 1))
        unit = _spin(-MAX_AMOUNT, MAX_AMOUNT, line.unit_amount, yen=True) if line.unit_amount is not None else None
        amount = _spin(-MAX_AMOUNT, MAX_AMOUNT, line.amount, yen=True) if unit is None else None
        amount_label = QLabel()
        amount_label.setAlignment(MONEY_ALIGNMENT)
        tax = _tax_box(line.tax_category)
        edited = _Row(line, description, quantity, unit, amount, amount_label, tax)
        self.rows.append(edited)
        for column, widget in ((0, code), (DESCRIPTION, description), (QUANTITY, quantity),
                               (UNIT, unit or QLabel("—")), (AMOUNT, amount or amount_label), (TAX, tax)):
            self.table.setCellWidget(row, column, widget)
        description.textEdited.connect(self._edited)
        quantity.valueChanged.connect(self._edited)
        tax.currentIndexChanged.connect(self._edited)
        for box in (unit, amount):
            if box is not None:
                box.valueChanged.connect(self._edited)

    # -- editing -------------------------------------------------------------------------
    def add_line(self) -> None:
        text = self.new_description.text().strip() or "訂正"
        self._append(added_line(text, 1, 0, TaxCategory(self.new_tax.currentData())))
        self.new_description.clear()
        self.table.selectRow(self.table.rowCount() - 1)
        self._edited()

    def remove_selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return
        row = selected[0].row()
        self.table.removeRow(row)
        del self.rows[row]
        self._edited()

    def lines(self) -> list[BillLine]:
        return [row.line() for row in self.rows]

    def _edited(self, *_args: Any) -> None:
        self.line_errors.setVisible(False)
        for row in self.rows:
            for widget in row.widgets():
                set_invalid(widget, False)
        self.errors.clear_field("replacement")
        self._update_totals()

    def _choice_changed(self, reissue: bool) -> None:
        for widget in (self.table, self.add_button, self.remove_button, self.new_description, self.new_tax):
            widget.setEnabled(reissue)
        self._update_totals()

    def _update_totals(self) -> None:
        if self.target is None:
            return
        lines = self.lines()
        for row, line in zip(self.rows, lines, strict=True):
            row.amount_label.setText(format_yen(line.amount))
        if not self.reissue.isChecked() or not lines:
            for label in (*self.totals.values(), self.total):
                label.setText("—")
            return
        settled: Settlement = corrections.preview_settlement(self.target.profile_key, self.target.billing_month, lines)
        for name, _label in TOTALS:
            self.totals[name].setText(format_yen(getattr(settled.totals, name)))
        carried = f"（次回へ繰越 {format_yen(settled.carried_forward)}）" if settled.carried_forward else ""
        self.total.setText(format_yen(settled.totals.total) + carried)

    # -- issuing -------------------------------------------------------------------------
    def submit(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        self.line_errors.setVisible(False)
        db, actor, invoice_id, reason = self.ctx.db, self.ctx.actor, self.invoice_id, self.reason.text()
        replacement = self.lines() if self.reissue.isChecked() else None
        self.confirm_button.setEnabled(False)
        self.ctx.ops.run(lambda: corrections.issue_correction(db, actor, invoice_id, reason=reason,
                                                              replacement=replacement),
                         success=self._succeeded, invalid=self.show_invalid, failure=self.show_refused,
                         changes=Changes.INVOICES, done=self._finished, parent=self)

    def _finished(self) -> None:
        self.confirm_button.setEnabled(self.target is not None and not self.target.refusal and not self.isHidden())

    def _succeeded(self, correction: Correction) -> None:
        self.done_with.emit(correction.message)
        self.accept()

    def show_invalid(self, error: ValidationFailed) -> None:
        """Each line's problem under the table with its row marked; the others beside their field."""
        lines = {k: v for k, v in error.errors.items() if k.startswith("line")}
        for key in lines:
            index = int(key.removeprefix("line")) - 1
            if 0 <= index < len(self.rows):
                for widget in self.rows[index].widgets():
                    set_invalid(widget, True)
        if lines:
            self.line_errors.setText("\n".join(lines.values()))
            self.line_errors.setVisible(True)
        rest = ValidationFailed({k: v for k, v in error.errors.items() if k not in lines}, str(error))
        self.errors.show_refusal(rest, self.summary)

    def show_refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def _cleared(self) -> None:
        if not self.errors.has_errors() and self.line_errors.isHidden():
            self.summary.setVisible(False)

    def error_text(self, name: str) -> str:
        if name == "lines":
            return self.line_errors.text() if not self.line_errors.isHidden() else ""
        return self.errors.message(name)

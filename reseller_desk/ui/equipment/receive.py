"""入庫: receiving new stock. :class:`ReceiveDialog` takes one unit at a time as a barcode scanner
types it (the serial and Enter; with 「MACも読み取る」 the MAC next and Enter), each unit received
at once and listed in the dialog, a refusal in red beside its field. :class:`ReceiveListDialog`
takes a pasted list or a CSV file, shows every row with its problems, and 取り込む is enabled
only when every row is valid: the service receives the whole list or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services.contracts.import_file import ImportRefused
from reseller_desk.services.equipment import stock
from reseller_desk.services.equipment.catalog import ModelRecord
from reseller_desk.services.equipment.stock import StockPreview
from reseller_desk.services.equipment.stock_list import UnitRow
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.model import PREVIEW_COLUMNS, PreviewModel
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import (
    APP_STYLE,
    ERROR_COLOR,
    FieldErrors,
    error_label,
    field_cell,
    form_layout,
    muted_label,
)


def model_combo(models: list[ModelRecord], *, any_model: str | None = None) -> QComboBox:
    """The active models to receive into (``any_model``: a first item of no model)."""
    box = QComboBox()
    box.setObjectName("model")
    if any_model:
        box.addItem(any_model, None)
    for model in models:
        if model.details.active:
            box.addItem(f"{model.details.name}（{model.details.code}）", model.id)
    return box


class RefusalsShown:
    """What the equipment dialogs do with a refusal: a ValidationFailed beside its fields (and
    the rest in ``summary``), anything else in ``summary``. Needs ``errors`` and ``summary``."""

    errors: FieldErrors
    summary: QLabel

    def _invalid(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def _refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def error_text(self, field: str) -> str:
        return self.errors.message(field)


class ReceiveDialog(RefusalsShown, QDialog):
    """One unit at a time: choose the model, scan."""

    #: A unit was received (its UnitRow).
    received = Signal(object)

    def __init__(self, ctx: AppContext, models: list[ModelRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("入庫（1台ずつ）")
        self.setStyleSheet(APP_STYLE)
        self.units: list[UnitRow] = []
        self.errors = FieldErrors()
        self.model = model_combo(models)
        self.serial = QLineEdit()
        self.serial.setObjectName("serial")
        self.serial.setPlaceholderText("バーコードを読み取るか、入力して Enter")
        self.mac = QLineEdit()
        self.mac.setObjectName("mac")
        self.mac.setPlaceholderText("00:1A:2B:3C:4D:5E（任意）")
        self.with_mac = QCheckBox("MACアドレスも読み取る（製造番号の次に Enter）")
        self.with_mac.setObjectName("withMac")
        self.serial.returnPressed.connect(self._serial_entered)
        self.mac.returnPressed.connect(self.receive)
        form = form_layout()
        form.addRow("機種", field_cell(self.model, labels=[self.errors.add("model", self.model)]))
        form.addRow("製造番号", field_cell(self.serial, labels=[self.errors.add("serial", self.serial)]))
        form.addRow("MACアドレス", field_cell(self.mac, labels=[self.errors.add("mac", self.mac)]))
        form.addRow("", self.with_mac)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.list = QListWidget()
        self.list.setObjectName("receivedList")
        self.count = QLabel("入庫した機器: 0台")
        self.count.setObjectName("receivedCount")
        close = QPushButton("閉じる")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(muted_label("読み取るたびに1台ずつ在庫に入ります。"))
        layout.addWidget(self.list, 1)
        layout.addLayout(bottom)
        if self.model.count() == 0:
            self.summary.setText("入庫できる機種がありません。設定 → 機器で機種を登録してください。")
            self.summary.setVisible(True)
            self.serial.setEnabled(False)
        self.resize(560, 480)
        self.serial.setFocus()

    def _serial_entered(self) -> None:
        if self.with_mac.isChecked() and not self.mac.text().strip():
            self.mac.setFocus()
            return
        self.receive()

    def receive(self) -> None:
        ctx, model_id, serial, mac = self.ctx, self.model.currentData(), self.serial.text(), self.mac.text()
        if not serial.strip():
            self.serial.setFocus()
            return
        self.summary.setVisible(False)
        ctx.ops.run(lambda: stock.receive_unit(ctx.db, ctx.actor, model_id, serial, mac), success=self._received,
                    invalid=self._invalid, failure=self._refused, changes=Changes.EQUIPMENT, parent=self)

    def _received(self, row: UnitRow) -> None:
        self.errors.clear()
        self.units.append(row)
        self.list.insertItem(0, f"{row.serial_number}  {row.mac_address}  {row.model_name}".strip())
        self.count.setText(f"入庫した機器: {len(self.units)}台")
        self.serial.clear()
        self.mac.clear()
        self.serial.setFocus()
        self.received.emit(row)

    def _invalid(self, error: ValidationFailed) -> None:
        super()._invalid(error)
        widget = self.serial if "serial" in error.errors or "mac" not in error.errors else self.mac
        widget.selectAll()
        widget.setFocus()


class ReceiveListDialog(QDialog):
    """A list pasted or read from a CSV file, previewed, then received whole."""

    #: The list was received (the UnitRows).
    received = Signal(object)

    def __init__(self, ctx: AppContext, models: list[ModelRecord], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("一覧から入庫")
        self.setStyleSheet(APP_STYLE)
        self.source: str | bytes = ""
        self.source_name = ""
        self.preview: StockPreview | None = None
        self.model = model_combo(models, any_model="（CSV の機種コードの機種）")
        if self.model.count() > 1:
            self.model.setCurrentIndex(1)
        self.model.currentIndexChanged.connect(lambda _i: self.check())
        self.pasted = QPlainTextEdit()
        self.pasted.setObjectName("pasted")
        self.pasted.setPlaceholderText("1行に1台: 製造番号、または 製造番号<タブ>MACアドレス / 製造番号,MACアドレス")
        self.pasted.textChanged.connect(self._pasted_changed)
        choose = QPushButton("CSV ファイルを選ぶ…")
        choose.setObjectName("chooseFile")
        choose.clicked.connect(self.choose_file)
        self.check_button = QPushButton("確認")
        self.check_button.setObjectName("check")
        self.check_button.clicked.connect(self.check)
        self.table_model = PreviewModel(self)
        self.table = list_table(self.table_model, PREVIEW_COLUMNS, "previewTable", self)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.import_button = QPushButton("取り込む")
        self.import_button.setObjectName("importUnits")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.import_units)
        close = QPushButton("閉じる")
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(QLabel("機種"))
        top.addWidget(self.model, 1)
        top.addWidget(choose)
        top.addWidget(self.check_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pasted, 1)
        layout.addWidget(muted_label("CSV の見出し: 製造番号,MACアドレス[,機種コード]（UTF-8 または Shift_JIS）。"
                                     "1行でも誤りがあれば何も取り込みません。"))
        layout.addWidget(self.table, 2)
        layout.addLayout(bottom)
        self.resize(1040, 600)   # the reason of a bad row readable whole (fits 1366×768)

    def _pasted_changed(self) -> None:
        self.source, self.source_name = self.pasted.toPlainText(), ""
        self._invalidate()

    def _invalidate(self) -> None:
        self.preview = None
        self.import_button.setEnabled(False)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "入庫する一覧（CSV）", "", "CSV (*.csv *.txt);;すべて (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str | Path) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            self._say(f"ファイル {Path(path).name} を読めません（{error.strerror or error}）。", error=True)
            return
        self.pasted.blockSignals(True)
        self.pasted.setPlainText(f"（ファイル {Path(path).name} を読み込みました）")
        self.pasted.blockSignals(False)
        self.source, self.source_name = data, Path(path).name
        self._invalidate()
        self.check()

    def check(self) -> None:
        ctx, source, model_id = self.ctx, self.source, self.model.currentData()
        if not source:
            return
        self._invalidate()
        ctx.ops.run(lambda: stock.preview_units(ctx.db, source, model_id), success=self._checked, parent=self)

    def _checked(self, preview: StockPreview) -> None:
        self.preview = preview
        self.table_model.set_records(preview.rows)
        if preview.problem:
            self._say(preview.problem, error=True)
        elif preview.ok:
            self._say(f"{len(preview.rows)}台すべて取り込めます。")
        else:
            self._say(f"{len(preview.rows)}行のうち{preview.faults}行に誤りがあります。直してから確認してください"
                      "（何も取り込んでいません）。", error=True)
        self.import_button.setEnabled(preview.ok)

    def import_units(self) -> None:
        if self.preview is None or not self.preview.ok:
            return
        ctx, source, model_id = self.ctx, self.source, self.model.currentData()
        self.import_button.setEnabled(False)
        def work(progress: Progress) -> list[UnitRow]:
            return stock.receive_units(ctx.db, ctx.actor, source, model_id,
                                       progress=lambda done, total: progress.report(done, total),
                                       cancelled=lambda: progress.cancelled)

        ctx.ops.run(work, progress="機器を入庫しています…", success=self._imported,
                    invalid=self._import_refused, failure=lambda e: self._say(str(e), error=True),
                    changes=Changes.EQUIPMENT, parent=self)

    def _imported(self, rows: list[UnitRow]) -> None:
        self._say(f"{len(rows)}台を入庫しました。")
        self.received.emit(rows)
        self.accept()

    def _import_refused(self, error: ValidationFailed) -> None:
        self._say(str(error), error=True)
        if isinstance(error, ImportRefused):
            self.check()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

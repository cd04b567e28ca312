"""The 設定 section: 会社情報, 振込先口座, 休業日 and プラン・オプション.

Who may change settings is the services' business (a clerk's save is refused with
PermissionDenied, which is shown as a message); the page only shows and collects values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.domain.company import ACCOUNT_TYPES, BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.domain.customer import format_phone, format_postal_code
from reseller_desk.services import settings as settings_service
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    APP_STYLE,
    ERROR_COLOR,
    MONEY_ALIGNMENT,
    TEXT_ALIGNMENT,
    FieldErrors,
    error_label,
    field_cell,
    format_date,
    format_date_long,
    format_yen,
    muted_label,
    yen_spin_box,
)

_ERROR_BACKGROUND = QColor("#ffebee")


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    return view


class _Tab(QWidget):
    """A tab that saves through the operations wrapper and shows refusals in its status line."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("status")

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    def refused(self, error: ServiceError) -> None:
        """PermissionDenied and the like: a message box and the same words in the tab."""
        self.set_status(str(error), error=True)
        self.ctx.ops.show_message("保存できませんでした", str(error))


# -- 会社情報 --------------------------------------------------------------------------------
COMPANY_LABELS = {
    "name": "会社名 ※",
    "postal_code": "郵便番号",
    "address": "住所 ※",
    "phone": "電話番号",
    "fax": "FAX",
    "email": "メールアドレス",
    "representative": "代表者",
    "registration_number": "登録番号（インボイス）",
}
COMPANY_PLACEHOLDERS = {
    "postal_code": "例: 100-0001",
    "phone": "例: 03-1234-5678",
    "fax": "例: 03-1234-5679",
    "email": "例: info@example.co.jp",
    "representative": "例: 代表取締役 山田 太郎",
    "registration_number": "T＋13桁（例: T1234567890123）",
}


class CompanyTab(_Tab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}
        self.dirty = False
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for name, label in COMPANY_LABELS.items():
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setPlaceholderText(COMPANY_PLACEHOLDERS.get(name, ""))
            edit.textEdited.connect(self._edited)
            self.edits[name] = edit
            form.addRow(label, field_cell(edit, labels=[self.errors.add(name, edit)]))
        self.edits["postal_code"].setMaximumWidth(140)
        self.edits["registration_number"].setMaximumWidth(220)
        for name, tidy in (("postal_code", format_postal_code), ("phone", format_phone), ("fax", format_phone)):
            edit = self.edits[name]
            edit.editingFinished.connect(lambda e=edit, f=tidy: e.setText(f(e.text())) if f(e.text()) != e.text() else None)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveCompany")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("元に戻す")
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("会社情報は請求書・通知書に印刷されます。※は必須項目です。"), 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        box = QWidget()
        box.setLayout(form)
        box.setMaximumWidth(760)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def _edited(self, _text: str) -> None:
        self.dirty = True

    def details(self) -> CompanyDetails:
        return CompanyDetails(**{name: edit.text() for name, edit in self.edits.items()})

    def set_details(self, details: CompanyDetails) -> None:
        for name, edit in self.edits.items():
            edit.setText(getattr(details, name))
        self.errors.clear()
        self.dirty = False

    def load(self) -> None:
        self.ctx.ops.run(lambda: settings_service.get_company(self.ctx.db), success=self.set_details, parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def save(self) -> None:
        details = self.details()
        self.set_status("")
        self.ctx.ops.run(lambda: settings_service.save_company(self.ctx.db, self.ctx.actor, details),
                         success=self._saved, invalid=self._invalid, failure=self.refused,
                         changes=Changes.SETTINGS, status="会社情報を保存しました。", parent=self)

    def _saved(self, cleaned: CompanyDetails) -> None:
        self.set_details(cleaned)
        self.set_status("会社情報を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        first, _others = self.errors.show(error.errors)
        self.set_status(str(error), error=True)
        if first is not None:
            first.setFocus()


# -- 振込先口座 ------------------------------------------------------------------------------
BANK_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("bank_code", "金融機関コード", 110),
    ("bank_name", "金融機関名", 160),
    ("branch_code", "支店コード", 90),
    ("branch_name", "支店名", 150),
    ("account_type", "預金種目", 80),
    ("account_number", "口座番号", 100),
    ("holder_kana", "口座名義（カナ）", 220),
)
_BANK_RIGHT = {"bank_code", "branch_code", "account_number"}


class BankAccountModel(QAbstractTableModel):
    """The transfer accounts being edited; errors are keyed "row.field" like the service's."""

    edited = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.accounts: list[BankAccountDetails] = []
        self.errors: dict[str, str] = {}

    def set_accounts(self, accounts: list[BankAccountDetails]) -> None:
        self.beginResetModel()
        self.accounts = list(accounts)
        self.errors = {}
        self.endResetModel()

    def set_errors(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        if self.accounts:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.accounts) - 1, len(BANK_COLUMNS) - 1))

    def add_row(self) -> int:
        row = len(self.accounts)
        self.beginInsertRows(QModelIndex(), row, row)
        self.accounts.append(BankAccountDetails())
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.accounts):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.accounts[row]
            self.endRemoveRows()
            self.errors = {}
            self.edited.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.accounts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(BANK_COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        field = BANK_COLUMNS[index.column()][0]
        error = self.errors.get(f"{index.row()}.{field}")
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return getattr(self.accounts[index.row()], field)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return MONEY_ALIGNMENT if field in _BANK_RIGHT else TEXT_ALIGNMENT
        if role == Qt.ItemDataRole.BackgroundRole and error:
            return QBrush(_ERROR_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and error:
            return QBrush(QColor(ERROR_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return error
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        field = BANK_COLUMNS[index.column()][0]
        row = index.row()
        self.accounts[row] = dataclasses.replace(self.accounts[row], **{field: str(value)})
        self.errors.pop(f"{row}.{field}", None)
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return BANK_COLUMNS[section][1]
        return str(section + 1)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor offering fixed choices (預金種目)."""

    def __init__(self, choices: tuple[str, ...], parent=None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt naming
        combo = QComboBox(parent)
        combo.addItems(list(self.choices))
        return combo

    def setEditorData(self, editor, index):  # noqa: N802
        value = index.data(Qt.ItemDataRole.EditRole)
        position = editor.findText(value)
        editor.setCurrentIndex(max(position, 0))

    def setModelData(self, editor, model, index):  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class BankAccountsTab(_Tab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dirty = False
        self.model = BankAccountModel(self)
        self.model.edited.connect(self._edited)
        self.table = _table(self.model)
        self.table.setObjectName("bankTable")
        self.table.verticalHeader().setVisible(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setItemDelegateForColumn(4, ChoiceDelegate(ACCOUNT_TYPES, self.table))
        for column, (_field, _title, width) in enumerate(BANK_COLUMNS):
            self.table.setColumnWidth(column, width)
        self.add_button = QPushButton("行を追加")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("選択行を削除")
        self.remove_button.clicked.connect(self.remove_selected)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveBankAccounts")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("元に戻す")
        self.revert_button.clicked.connect(self.load)
        self.error_list = error_label()
        self.error_list.setObjectName("bankErrors")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("請求書に印刷する振込先です。上から順に印刷されます。"
                                     "口座名義は半角カナで保存されます（ひらがな・全角カナで入力できます）。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_list)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def _edited(self) -> None:
        self.dirty = True

    def load(self) -> None:
        self.ctx.ops.run(lambda: settings_service.list_bank_accounts(self.ctx.db), success=self._loaded, parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def _loaded(self, records) -> None:
        self.model.set_accounts([r.details for r in records])
        self.error_list.setVisible(False)
        self.dirty = False

    def add_row(self) -> None:
        row = self.model.add_row()
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.edit(self.model.index(row, 0))

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()}, reverse=True)
        for row in rows:
            self.model.remove_row(row)

    def save(self) -> None:
        accounts = list(self.model.accounts)
        self.set_status("")
        self.ctx.ops.run(lambda: settings_service.save_bank_accounts(self.ctx.db, self.ctx.actor, accounts),
                         success=self._saved, invalid=self._invalid, failure=self.refused,
                         changes=Changes.SETTINGS, status="振込先口座を保存しました。", parent=self)

    def _saved(self, records) -> None:
        self._loaded(records)
        self.set_status("振込先口座を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        self.model.set_errors(error.errors)
        lines = []
        for key, message in error.errors.items():
            row, _, field = key.partition(".")
            title = dict((f, t) for f, t, _w in BANK_COLUMNS).get(field, field)
            lines.append(f"{int(row) + 1}行目 {title}: {message}" if row.isdigit() else message)
        self.error_list.setText("\n".join(lines))
        self.error_list.setVisible(True)
        self.set_status(str(error), error=True)


# -- 休業日 ----------------------------------------------------------------------------------
class ClosureModel(QAbstractTableModel):
    HEADERS = ("日付", "曜日", "メモ")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.closures: list[settings_service.Closure] = []

    def set_closures(self, closures) -> None:
        self.beginResetModel()
        self.closures = list(closures)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.closures)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        closure = self.closures[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (format_date(closure.day), "月火水木金土日"[closure.day.weekday()], closure.note)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return format_date_long(closure.day)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return ALIGN_CENTER
        if role == Qt.ItemDataRole.UserRole:
            return closure.day
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ClosuresTab(_Tab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, today: dt.date | None = None) -> None:
        super().__init__(ctx, parent)
        today = today or clock.today()
        self.model = ClosureModel(self)
        self.table = _table(self.model)
        self.table.setObjectName("closureTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setColumnWidth(0, 120)
        self.table.setColumnWidth(1, 50)

        self.date_edit = QDateEdit(_qdate(today))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText("メモ（例: 夏季休業）")
        self.add_button = QPushButton("休業日を追加")
        self.add_button.clicked.connect(self.add_day)
        one = QHBoxLayout()
        one.addWidget(QLabel("日付"))
        one.addWidget(self.date_edit)
        one.addWidget(self.note_edit, 1)
        one.addWidget(self.add_button)

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix("年")
        self.year_end_button = QPushButton("年末年始（12/29〜1/3）を追加")
        self.year_end_button.clicked.connect(self.add_year_end)
        year = QHBoxLayout()
        year.addWidget(self.year_spin)
        year.addWidget(self.year_end_button)
        year.addStretch(1)

        self.remove_button = QPushButton("選択した日を削除")
        self.remove_button.clicked.connect(self.remove_selected)

        adding = QGroupBox("休業日の追加")
        adding_layout = QVBoxLayout(adding)
        adding_layout.addLayout(one)
        adding_layout.addLayout(year)

        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("土日・祝日以外で会社が休みの日です。営業日の計算（申込期限・解約日など）に使われます。"))
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)
        layout.addWidget(adding)
        layout.addWidget(self.status)

    def load(self) -> None:
        self.ctx.ops.run(lambda: settings_service.list_closures(self.ctx.db), success=self.model.set_closures,
                         parent=self)

    def _run(self, call, status: str) -> None:
        self.set_status("")
        self.ctx.ops.run(call, success=lambda closures: self._done(closures, status), failure=self.refused,
                         changes=Changes.SETTINGS, status=status, parent=self)

    def _done(self, closures, status: str) -> None:
        self.model.set_closures(closures)
        self.set_status(status)

    def add_day(self) -> None:
        day = self.date_edit.date().toPython()
        note = self.note_edit.text()
        self._run(lambda: settings_service.add_closures(self.ctx.db, self.ctx.actor, [day], note),
                  f"{format_date_long(day)}を休業日に追加しました。")

    def add_year_end(self) -> None:
        year = self.year_spin.value()
        days = year_end_closure_days(year)
        self._run(lambda: settings_service.add_closures(self.ctx.db, self.ctx.actor, days, "年末年始"),
                  f"{format_date_long(days[0])}〜{format_date_long(days[-1])}を休業日に追加しました。")

    def remove_selected(self) -> None:
        days = [i.data(Qt.ItemDataRole.UserRole) for i in self.table.selectionModel().selectedRows(0)]
        if days:
            self._run(lambda: settings_service.remove_closures(self.ctx.db, self.ctx.actor, days),
                      f"休業日を{len(days)}日削除しました。")


# -- プラン・オプション -------------------------------------------------------------------------
PLAN_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "コード", 110),
    ("name", "名称", 220),
    ("monthly_fee", "月額", 90),
    ("initial_fee", "初期費用", 90),
    ("minimum_term_months", "最低利用期間", 100),
    ("early_termination_fee", "契約解除料", 100),
    ("requires_face_to_face", "対面販売要", 80),
    ("active", "有効", 60),
)
OPTION_COLUMNS = tuple(c for c in PLAN_COLUMNS
                       if c[0] not in ("minimum_term_months", "early_termination_fee", "requires_face_to_face"))
_MONEY_FIELDS = {"monthly_fee", "initial_fee", "early_termination_fee"}


class PlanTableModel(QAbstractTableModel):
    def __init__(self, is_option: bool, parent=None) -> None:
        super().__init__(parent)
        self.is_option = is_option
        self.columns = OPTION_COLUMNS if is_option else PLAN_COLUMNS
        self.records: list[settings_service.PlanRecord] = []

    def set_records(self, records) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.records[index.row()]
        field = self.columns[index.column()][0]
        value = getattr(record.details, field)
        if role == Qt.ItemDataRole.DisplayRole:
            if field in _MONEY_FIELDS:
                return format_yen(value)
            if field == "minimum_term_months":
                return f"{value}か月" if value else "なし"
            if field == "requires_face_to_face":
                return "要" if value else ""
            if field == "active":
                return "有効" if value else "停止"
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if field in _MONEY_FIELDS or field == "minimum_term_months":
                return MONEY_ALIGNMENT
            if field in ("requires_face_to_face", "active"):
                return ALIGN_CENTER
            return TEXT_ALIGNMENT
        if role == Qt.ItemDataRole.ForegroundRole and not record.details.active:
            return QBrush(QColor("#9e9e9e"))
        if role == Qt.ItemDataRole.ToolTipRole and field == "name" and record.details.notes:
            return record.details.notes
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        field, title, _width = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return MONEY_ALIGNMENT if field in _MONEY_FIELDS or field == "minimum_term_months" else TEXT_ALIGNMENT
        return None


class PlanDialog(QDialog):
    """Add or change a plan (or an option: the plan-only fields are hidden)."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, profile: settings_service.ProfileInfo, record=None, *,
                 is_option: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile = profile
        self.record = record
        self.is_option = is_option
        noun = "オプション" if is_option else "プラン"
        self.setWindowTitle(f"{noun}の{'追加' if record is None else '変更'}（{profile.name}）")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)

        self.code = QLineEdit()
        self.code.setPlaceholderText("半角英数字（例: BASIC-01）")
        self.name = QLineEdit()
        self.monthly_fee = yen_spin_box()
        self.initial_fee = yen_spin_box()
        self.minimum_term = QSpinBox()
        self.minimum_term.setRange(0, 120)
        self.minimum_term.setSuffix("か月")
        self.minimum_term.setAlignment(MONEY_ALIGNMENT)
        self.early_termination_fee = yen_spin_box()
        self.face_to_face = QCheckBox("対面販売のみ（本人確認書類が必要）")
        self.active = QCheckBox("有効（新しい申込で選べる）")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.notes.setTabChangesFocus(True)

        self.widgets: dict[str, QWidget] = {
            "code": self.code, "name": self.name, "monthly_fee": self.monthly_fee,
            "initial_fee": self.initial_fee, "minimum_term_months": self.minimum_term,
            "early_termination_fee": self.early_termination_fee,
            "requires_face_to_face": self.face_to_face, "active": self.active, "notes": self.notes,
        }
        labels = {"code": "コード ※", "name": "名称 ※", "monthly_fee": "月額料金", "initial_fee": "初期費用",
                  "minimum_term_months": "最低利用期間", "early_termination_fee": "契約解除料",
                  "requires_face_to_face": "対面販売", "active": "状態", "notes": "備考"}
        plan_only = {"minimum_term_months", "early_termination_fee", "requires_face_to_face"}
        form.addRow("サービス", QLabel(profile.name))
        for field, widget in self.widgets.items():
            if is_option and field in plan_only:
                continue
            widget.setObjectName(field)
            form.addRow(labels[field], field_cell(widget, labels=[self.errors.add(field, widget)]))
        self.summary = error_label()
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("金額は税抜・円単位で入力します。"), 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(buttons)

        details = record.details if record is not None else PlanDetails(profile.key, "", "")
        self.set_details(details)
        self.resize(520, self.sizeHint().height())

    def set_details(self, details: PlanDetails) -> None:
        self.code.setText(details.code)
        self.name.setText(details.name)
        self.monthly_fee.setValue(details.monthly_fee)
        self.initial_fee.setValue(details.initial_fee)
        self.minimum_term.setValue(details.minimum_term_months)
        self.early_termination_fee.setValue(details.early_termination_fee)
        self.face_to_face.setChecked(details.requires_face_to_face)
        self.active.setChecked(details.active)
        self.notes.setPlainText(details.notes)

    def details(self) -> PlanDetails:
        common = dict(profile_key=self.profile.key, code=self.code.text(), name=self.name.text(),
                      monthly_fee=self.monthly_fee.value(), initial_fee=self.initial_fee.value(),
                      active=self.active.isChecked(), notes=self.notes.toPlainText())
        if self.is_option:
            return PlanDetails(**common)
        return PlanDetails(**common, minimum_term_months=self.minimum_term.value(),
                           early_termination_fee=self.early_termination_fee.value(),
                           requires_face_to_face=self.face_to_face.isChecked())

    def error_text(self, field: str) -> str:
        return self.errors.message(field)

    def save(self) -> None:
        details = self.details()
        record_id = self.record.id if self.record is not None else None
        service = settings_service.save_option if self.is_option else settings_service.save_plan
        self.save_button.setEnabled(False)
        self.ctx.ops.run(lambda: service(self.ctx.db, self.ctx.actor, record_id, details),
                         success=self._saved, invalid=self._invalid, failure=self._refused,
                         done=lambda: self.save_button.setEnabled(True), changes=Changes.SETTINGS,
                         status=f"{'オプション' if self.is_option else 'プラン'}「{details.name}」を保存しました。",
                         parent=self)

    def _saved(self, record) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.summary.setText("\n".join([str(error), *others.values()]))
        self.summary.setVisible(True)
        if first is not None:
            first.setFocus()

    def _refused(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.ctx.ops.show_message("保存できませんでした", str(error))


class PlansTab(_Tab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.profiles = settings_service.list_profiles()
        self.dialogs: list[PlanDialog] = []
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profileCombo")
        for profile in self.profiles:
            self.profile_combo.addItem(f"{profile.name}（{profile.provider}）", profile.key)
        self.profile_combo.currentIndexChanged.connect(lambda _i: self.load())
        top = QHBoxLayout()
        top.addWidget(QLabel("サービス"))
        top.addWidget(self.profile_combo, 1)

        self.plan_model = PlanTableModel(False, self)
        self.option_model = PlanTableModel(True, self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.plan_table = self._section(layout, "プラン", self.plan_model, False)
        self.option_table = self._section(layout, "オプション", self.option_model, True)
        layout.addWidget(self.status)

    def _section(self, layout: QVBoxLayout, title: str, model: PlanTableModel, is_option: bool) -> QTableView:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        table = _table(model)
        table.setObjectName("optionTable" if is_option else "planTable")
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for column, (_field, _title, width) in enumerate(model.columns):
            table.setColumnWidth(column, width)
        table.doubleClicked.connect(lambda index, o=is_option: self.edit(o, index.row()))
        inner.addWidget(table)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        add = QPushButton(f"{title}を追加")
        add.clicked.connect(lambda _=False, o=is_option: self.add(o))
        change = QPushButton("変更")
        change.clicked.connect(lambda _=False, o=is_option, t=table: self.edit(o, t.currentIndex().row()))
        buttons.addWidget(add)
        buttons.addWidget(change)
        inner.addLayout(buttons)
        layout.addWidget(box, 1)
        return table

    def current_profile(self) -> settings_service.ProfileInfo | None:
        key = self.profile_combo.currentData()
        return next((p for p in self.profiles if p.key == key), None)

    def load(self) -> None:
        profile = self.current_profile()
        if profile is None:
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: (settings_service.list_plans(db, profile.key), settings_service.list_options(db, profile.key)),
                         success=self._loaded, parent=self)

    def _loaded(self, result) -> None:
        plans, options = result
        self.plan_model.set_records(plans)
        self.option_model.set_records(options)

    def add(self, is_option: bool = False) -> PlanDialog | None:
        return self._open(is_option, None)

    def edit(self, is_option: bool, row: int) -> PlanDialog | None:
        model = self.option_model if is_option else self.plan_model
        if not 0 <= row < len(model.records):
            return None
        return self._open(is_option, model.records[row])

    def _open(self, is_option: bool, record) -> PlanDialog | None:
        profile = self.current_profile()
        if profile is None:
            return None
        dialog = PlanDialog(self.ctx, profile, record, is_option=is_option, parent=self.window())
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self.dialogs.append(dialog)
        dialog.open()
        return dialog

    def _closed(self, dialog: PlanDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        dialog.deleteLater()


# -- the page --------------------------------------------------------------------------------
class SettingsPage(QWidget):
    title = "設定"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.company_tab = CompanyTab(ctx)
        self.bank_tab = BankAccountsTab(ctx)
        self.closures_tab = ClosuresTab(ctx)
        self.plans_tab = PlansTab(ctx)
        self.tabs.addTab(self.company_tab, "会社情報")
        self.tabs.addTab(self.bank_tab, "振込先口座")
        self.tabs.addTab(self.closures_tab, "休業日")
        self.tabs.addTab(self.plans_tab, "プラン・オプション")
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label(f"設定の変更は管理者が行います（現在の担当: {ctx.actor.name}）。"))
        layout.addWidget(self.tabs)
        ctx.changes.changed.connect(self._data_changed)
        self.refresh(force=True)

    def refresh(self, force: bool = True) -> None:
        """F5: re-read everything (edits not yet saved are kept unless ``force``)."""
        if force:
            self.company_tab.load()
            self.bank_tab.load()
        else:
            self.company_tab.reload_if_clean()
            self.bank_tab.reload_if_clean()
        self.closures_tab.load()
        self.plans_tab.load()

    def _data_changed(self, what: str) -> None:
        if what == Changes.SETTINGS:
            self.refresh(force=False)

"""振込先口座: the accounts customers transfer to, printed on invoices in this order, edited in a
table. The service checks every row (and looks the bank and branch names up from their
codes); a message about a row lands on that row: its cell turns red with the message as
tooltip, and the list under the table names the row and the column. After saving, the table
shows the accounts as the service stored them (names corrected from the codes included)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.company import ACCOUNT_TYPES, BankAccountDetails
from reseller_desk.services import settings as settings_service
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.settings import BankAccountRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import NO_PARENT, RecordTableModel, list_table
from reseller_desk.ui.widgets import ERROR_COLOR, MONEY_ALIGNMENT, Column, error_label, muted_label

Index = QModelIndex | QPersistentModelIndex
ERROR_BACKGROUND = QColor("#ffebee")

BANK_COLUMNS = (
    Column("bank_code", "金融機関コード", 110, MONEY_ALIGNMENT),
    Column("bank_name", "金融機関名", 160),
    Column("branch_code", "支店コード", 90, MONEY_ALIGNMENT),
    Column("branch_name", "支店名", 150),
    Column("account_type", "預金種目", 80),
    Column("account_number", "口座番号", 100, MONEY_ALIGNMENT),
    Column("holder_kana", "口座名義（カナ）", 220),
)
COLUMN_TITLES = {c.key: c.title for c in BANK_COLUMNS}
#: "1.branch_code", "accounts.1.branch_code" …: the row (from 0) and the field a message is about.
ROW_KEY = re.compile(r"^(?:[a-z_]+\.)?(\d+)\.([a-z_]+)$")


def row_of_key(key: str) -> tuple[int, str] | None:
    """(row, field) of an error key that names a row; None for a message about the whole list."""
    found = ROW_KEY.match(key)
    return (int(found.group(1)), found.group(2)) if found else None


class BankAccountModel(RecordTableModel[BankAccountDetails]):
    """The transfer accounts being edited; ``errors`` are (row, field) -> message."""

    edited = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(BANK_COLUMNS, parent)
        self.errors: dict[tuple[int, str], str] = {}
        self.editable = True

    def set_accounts(self, accounts: Iterable[BankAccountDetails]) -> None:
        self.errors = {}
        self.set_records(accounts)

    def set_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Put the messages that name a row on that row; returns the others."""
        self.errors, others = {}, {}
        for key, message in errors.items():
            place = row_of_key(key)
            if place is not None and 0 <= place[0] < len(self.records):
                self.errors[place] = message
            else:
                others[key] = message
        if self.records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.records) - 1, len(self.columns) - 1))
        return others

    def add_row(self) -> int:
        row = len(self.records)
        self.beginInsertRows(NO_PARENT, row, row)
        self.records.append(BankAccountDetails())
        self.endInsertRows()
        self.edited.emit()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.records):
            self.beginRemoveRows(NO_PARENT, row, row)
            del self.records[row]
            self.endRemoveRows()
            self.errors = {}
            self.edited.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
                                        Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole):
            record, column = self.records[index.row()], self.columns[index.column()]
            error = self.errors.get((index.row(), column.key))
            if role == Qt.ItemDataRole.EditRole:
                return getattr(record, column.key)
            if role == Qt.ItemDataRole.ToolTipRole:
                return error or column.display(record) or None
            if error:
                background = role == Qt.ItemDataRole.BackgroundRole
                return QBrush(ERROR_BACKGROUND) if background else QBrush(QColor(ERROR_COLOR))
            return None
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        field, row = self.columns[index.column()].key, index.row()
        self.records[row] = dataclasses.replace(self.records[row], **{field: str(value)})
        self.errors.pop((row, field), None)
        self.dataChanged.emit(index, index)
        self.edited.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        return flags | Qt.ItemFlag.ItemIsEditable if index.isValid() and self.editable else flags


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor offering fixed choices (預金種目)."""

    def __init__(self, choices: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.addItems(list(self.choices))
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findText(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class BankAccountsTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dirty = False
        #: id -> row_version of the accounts shown, which a save passes back.
        self.versions: dict[int, int] = {}
        self.model = BankAccountModel(self)
        self.model.edited.connect(self._edited)
        self.table = list_table(self.model, BANK_COLUMNS, "bankTable", self)
        self.table.verticalHeader().setVisible(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setItemDelegateForColumn(self.model.column_of("account_type"), ChoiceDelegate(ACCOUNT_TYPES,
                                                                                                 self.table))
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
                                     "口座名義は半角カナで保存されます（ひらがな・全角カナで入力できます）。"
                                     "セルをダブルクリックして編集します。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_list)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def changing_widgets(self) -> Iterable[QWidget]:
        return (self.table, self.add_button, self.remove_button, self.save_button, self.revert_button)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.model.editable = editable

    def _edited(self) -> None:
        self.dirty = True

    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: settings_service.list_bank_accounts(db), success=self._loaded, parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def _loaded(self, records: list[BankAccountRecord]) -> None:
        self.model.set_accounts([r.details for r in records])
        self.versions = settings_service.account_versions(records)
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
        accounts, ctx, versions = list(self.model.records), self.ctx, dict(self.versions)
        self.set_status("")
        ctx.ops.run(lambda: settings_service.save_bank_accounts(ctx.db, ctx.actor, accounts,
                                                                expected_versions=versions),
                    success=self._saved, invalid=self._invalid, failure=self.refused, reload=self.load,
                    changes=Changes.SETTINGS, status="振込先口座を保存しました。", parent=self)

    def _saved(self, records: list[BankAccountRecord]) -> None:
        self._loaded(records)  # as stored: names looked up from the codes included
        self.set_status("振込先口座を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        others = self.model.set_errors(error.errors)
        lines = [f"{row + 1}行目 {COLUMN_TITLES.get(field, field)}: {message}"
                 for (row, field), message in sorted(self.model.errors.items())]
        self.error_list.setText("\n".join([*lines, *others.values()]))
        self.error_list.setVisible(True)
        self.set_status(str(error), error=True)

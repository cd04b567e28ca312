"""設定 → 会計ソフト連携: the names each ledger gives the journals' roles (services.payments.journals
journal_accounts / save_journal_accounts). Choose the ledger; the table lists every role with
its 勘定科目, 補助科目 and 税区分, edited in place (a name that differs from the product's
default is bold, the default its tooltip); 既定に戻す puts the selected rows back, すべて既定に
戻す every row; 保存 saves the whole table (a manager; a clerk sees it read-only). A save over
a change made since is refused with 「最新の内容を読み込む」 (ui.stale_edit), as on every tab; a
refused name is red in its cell and said in the status line with its row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.journal_entries import AccountName, Ledger, Role
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.payments import journals
from reseller_desk.services.payments.journals import JournalAccountRow
from reseller_desk.services.permissions import Role as StaffRole
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import ERROR_COLOR, Column, ConfirmFunction, ask_confirmation, muted_label, push_button

#: The editable columns: the AccountName field each edits.
FIELDS = ("account", "sub_account", "tax_category")
COLUMNS: tuple[Column, ...] = (
    Column("label", "役割", 230),
    Column("account", "勘定科目", 170, text=lambda r: r.name.account),
    Column("sub_account", "補助科目", 150, text=lambda r: r.name.sub_account),
    Column("tax_category", "税区分", 170, text=lambda r: r.name.tax_category),
)
DISCARD_TITLE = "変更を破棄しますか"


@dataclass(frozen=True)
class MappingRow:
    """A role's row as the table holds it: the names being edited, the product's default, and
    the version of the stored override the table was read with (None: none was stored)."""

    role: Role
    label: str
    name: AccountName
    default: AccountName
    row_version: int | None

    @classmethod
    def of(cls, row: JournalAccountRow) -> MappingRow:
        return cls(row.role, row.label, row.name, row.default, row.row_version)

    def differs(self, field: str) -> bool:
        return bool(getattr(self.name, field) != getattr(self.default, field))


class JournalAccountsModel(RecordTableModel[MappingRow]):
    """The mapping of one ledger, editable cell by cell (when ``editable``); a refused cell
    is red with its message as tooltip until it is edited."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(COLUMNS, parent)
        self.editable = True
        self.dirty = False
        self.errors: dict[tuple[int, str], str] = {}

    def set_rows(self, rows: Iterable[JournalAccountRow]) -> None:
        self.errors = {}
        self.dirty = False
        self.set_records([MappingRow.of(r) for r in rows])

    def wanted(self) -> list[tuple[Role, AccountName]]:
        return [(r.role, r.name) for r in self.records]

    def expected_versions(self) -> dict[str, int]:
        return {r.role.value: r.row_version for r in self.records if r.row_version is not None}

    def reset(self, rows: Iterable[int]) -> None:
        """既定に戻す: the rows' names become the product's defaults (saved with 保存)."""
        for row in rows:
            record = self.record(row)
            if record is not None and record.name != record.default:
                self._replace(row, replace(record, name=record.default))

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """The service's refusals ("3.account" → message) on their cells; the status lines."""
        self.beginResetModel()
        self.errors = {}
        lines = []
        for key, message in errors.items():
            head, _, field = key.partition(".")
            record = self.record(int(head)) if head.isdigit() else None
            if record is None:
                lines.append(message)
                continue
            self.errors[(int(head), field)] = message
            lines.append(f"{int(head) + 1}行目（{record.label}）: {message}")
        self.endResetModel()
        return lines

    def _replace(self, row: int, record: MappingRow) -> None:
        self.records[row] = record
        self.dirty = True
        for field in FIELDS:
            self.errors.pop((row, field), None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    # -- editing -----------------------------------------------------------------------------
    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and index.isValid() and self.columns[index.column()].key in FIELDS:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            return super().data(index, Qt.ItemDataRole.DisplayRole)
        return super().data(index, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802 - Qt naming
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        record = self.record(index.row()) if index.isValid() else None
        field = self.columns[index.column()].key if index.isValid() else ""
        if record is None or role != Qt.ItemDataRole.EditRole or field not in FIELDS or not self.editable:
            return False
        text = str(value).strip() if value is not None else ""
        if getattr(record.name, field) == text:
            return True
        self._replace(index.row(), replace(record, name=replace(record.name, **{field: text})))
        return True

    # -- how a cell looks --------------------------------------------------------------------
    def tooltip(self, record: MappingRow, column: Column) -> str | None:
        row = self.records.index(record)
        if (row, column.key) in self.errors:
            return self.errors[(row, column.key)]
        if column.key in FIELDS and record.differs(column.key):
            default = getattr(record.default, column.key)
            return f"既定: {default or '（なし）'}"
        return super().tooltip(record, column)

    def extra_data(self, record: MappingRow, column: Column, role: int) -> Any:
        refused = (self.records.index(record), column.key) in self.errors
        if refused and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(ERROR_COLOR))
        if refused and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#ffebee"))
        if role == Qt.ItemDataRole.FontRole and column.key in FIELDS and record.differs(column.key):
            font = QFont()
            font.setBold(True)
            return font
        return None


class JournalTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.ask: ConfirmFunction = ask_confirmation(self, "破棄する")
        self.ledger = QComboBox()
        self.ledger.setObjectName("mappingLedger")
        for ledger in Ledger:
            self.ledger.addItem(ledger.label, ledger.value)
        self.shown_ledger = Ledger(self.ledger.currentData())
        self.ledger.currentIndexChanged.connect(self._ledger_chosen)
        self.model = JournalAccountsModel(self)
        self.table = list_table(self.model, COLUMNS, "journalAccounts", self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.reset_button = push_button("既定に戻す", "resetAccounts", self.reset_selected,
                                         "選択した行を会計ソフトの標準の科目に戻す（保存で確定）")
        self.reset_all_button = push_button("すべて既定に戻す", "resetAllAccounts", self.reset_all,
                                             "すべての行を会計ソフトの標準の科目に戻す（保存で確定）")
        self.revert_button = push_button("元に戻す", "revertAccounts", self.load, "保存されている内容を読み込み直す")
        self.save_button = push_button("保存", "saveAccounts", self.save, "")
        ledger_row = QHBoxLayout()
        ledger_row.addWidget(QLabel("会計ソフト"))
        ledger_row.addWidget(self.ledger)
        ledger_row.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.reset_button, self.reset_all_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(ledger_row)
        layout.addWidget(muted_label("仕訳の書き出し（出力）で使う科目名です。会計ソフトごとに、その標準の勘定科目・税区分を既定に"
                                     "しています。会計事務所の科目に合わせて変更できます（太字は既定から変えたもの）。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        ctx.changes.changed.connect(
            lambda what: self.reload_if_clean() if what in (Changes.SETTINGS, Changes.PAYMENTS) else None)
        self.set_editable(ctx.actor.role == StaffRole.MANAGER)
        self.load()

    def changing_widgets(self) -> list[QWidget]:
        return [self.reset_button, self.reset_all_button, self.revert_button, self.save_button, self.table]

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        self.model.editable = editable

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> None:
        db, ledger = self.ctx.db, Ledger(self.ledger.currentData())
        self.ctx.ops.run(lambda: journals.journal_accounts(db, ledger.value),
                         success=lambda rows: self._show(ledger, rows), failure=self.refused, parent=self)

    def reload_if_clean(self) -> None:
        if not self.model.dirty:
            self.load()

    def _show(self, ledger: Ledger, rows: list[JournalAccountRow]) -> None:
        self.shown_ledger = ledger
        self.model.set_rows(rows)

    def _ledger_chosen(self, _index: int) -> None:
        if self.model.dirty and not self.ask(DISCARD_TITLE, f"{self.shown_ledger.label}の保存していない変更を破棄して、"
                                                            "別の会計ソフトを表示しますか。"):
            self.ledger.blockSignals(True)
            self.ledger.setCurrentIndex(self.ledger.findData(self.shown_ledger.value))
            self.ledger.blockSignals(False)
            return
        self.set_status("")
        self.load()

    # -- editing and saving -------------------------------------------------------------------
    def reset_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedIndexes()})
        self.model.reset(rows)

    def reset_all(self) -> None:
        self.model.reset(range(self.model.rowCount()))

    def save(self) -> None:
        db, actor, ledger = self.ctx.db, self.ctx.actor, self.shown_ledger
        wanted, versions = self.model.wanted(), self.model.expected_versions()
        self.set_status("")
        self.ctx.ops.run(lambda: journals.save_journal_accounts(db, actor, ledger.value, wanted,
                                                                expected_versions=versions),
                         success=lambda rows: self._saved(ledger, rows), invalid=self._invalid,
                         failure=self.refused, reload=self.load, changes=Changes.PAYMENTS, parent=self)

    def _saved(self, ledger: Ledger, rows: list[JournalAccountRow]) -> None:
        self._show(ledger, rows)
        changed = sum(1 for r in rows if r.row_version is not None)
        self.set_status(f"{ledger.label}の科目を保存しました（既定から変えた役割 {changed}件）。")

    def _invalid(self, error: ValidationFailed) -> None:
        self.set_status("\n".join([str(error), *self.model.show_errors(error.errors)]), error=True)

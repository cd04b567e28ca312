"""担当者 (managers only; a clerk's 設定 has no such tab): the staff accounts, and what a
manager does with them — add one, change a role, deactivate or reactivate (never delete: the
audit log names them), reset a password.

A new account and a reset get a temporary password that the app makes up; it is shown once,
in :class:`TemporaryPasswordDialog` (with a copy button), and nowhere else. Every change is a
service call through the operations runner; a refusal (the last manager, one's own account)
is the service's own words in the tab's status line. A change of an account another manager
changed since the list was read is refused naming who, with 「最新の内容を読み込む」, which reads
the list again (ui.stale_edit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services import staff as staff_service
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Role
from reseller_desk.services.staff import StaffInfo, TemporaryPassword
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.password_dialog import AccountForm, login_and_name_edits
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.tables import RecordTableModel, SelectableList, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    APP_STYLE,
    Column,
    ConfirmFunction,
    ask_confirmation,
    form_layout,
    muted_label,
    notice_frame,
)

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.permissions import Actor

STAFF_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def staff_notes(member: StaffInfo) -> str:
    notes = []
    if member.demo_account:
        notes.append("デモ用（パスワード公開）")
    if member.must_change_password:
        notes.append("次のログインでパスワード変更")
    if member.waiting_until is not None:
        notes.append(f"{member.waiting_until:%H:%M}までログイン待機（失敗が続いたため）")
    return "、".join(notes)


STAFF_COLUMNS = (
    Column("login", "ログインID", 130, text=lambda s: s.login),
    Column("name", "氏名", 170, text=lambda s: s.name),
    Column("role", "役割", 80, ALIGN_CENTER, lambda s: s.role.label),
    Column("active", "状態", 70, ALIGN_CENTER, lambda s: "有効" if s.active else "無効"),
    Column("notes", "備考", 260, text=staff_notes),
)


class StaffTableModel(RecordTableModel[StaffInfo]):
    """The accounts; an inactive one is greyed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(STAFF_COLUMNS, parent)

    def extra_data(self, record: StaffInfo, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not record.active:
            return QBrush(QColor("#9e9e9e"))
        if role == STAFF_ID_ROLE:
            return record.id
        return None

    def row_of(self, staff_id: int) -> int | None:
        return next((row for row, s in enumerate(self.records) if s.id == staff_id), None)


class StaffTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.dialogs: list[QDialog] = []
        self.model = StaffTableModel(self)
        self.table = list_table(self.model, STAFF_COLUMNS, "staffTable", self)
        self.selection = SelectableList(self.table, STAFF_ID_ROLE, self.model.row_of, self._update_buttons)

        self.add_button = QPushButton("担当者を追加…")
        self.add_button.setObjectName("addStaff")
        self.add_button.clicked.connect(self.add)
        self.role_button = QPushButton("管理者にする")
        self.role_button.setObjectName("changeRole")
        self.role_button.clicked.connect(self.change_role)
        self.active_button = QPushButton("無効にする")
        self.active_button.setObjectName("toggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button = QPushButton("パスワードをリセット…")
        self.reset_button.setObjectName("resetPassword")
        self.reset_button.clicked.connect(self.reset_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        for button in (self.role_button, self.active_button, self.reset_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("担当者は削除せず無効にします（操作履歴に名前が残ります）。"
                                     "役割の変更・無効化・リセットの後は、本人がログインし直すまで操作できません。"))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self._update_buttons()

    def changing_widgets(self) -> Iterable[QWidget]:
        return (self.add_button, self.role_button, self.active_button, self.reset_button)

    # -- the list --------------------------------------------------------------------------
    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: staff_service.list_staff(db), success=self.model.set_records, parent=self)

    def selected(self) -> StaffInfo | None:
        staff_id = self.selection.selected_id()
        row = self.model.row_of(staff_id) if staff_id is not None else None
        return self.model.record(row) if row is not None else None

    def select(self, login: str) -> bool:
        row = next((r for r, s in enumerate(self.model.records) if s.login == login), None)
        if row is not None:
            self.selection.select_row(row)
        return row is not None

    def _update_buttons(self) -> None:
        member = self.selected()
        for button in (self.role_button, self.active_button, self.reset_button):
            button.setEnabled(self.editable and member is not None)
        if member is not None:
            self.role_button.setText("事務にする" if member.role == Role.MANAGER else "管理者にする")
            self.active_button.setText("無効にする" if member.active else "有効に戻す")

    # -- changes ---------------------------------------------------------------------------
    def _invalid(self, error: ValidationFailed) -> None:
        self.set_status("\n".join(error.errors.values()) or str(error), error=True)

    def change_role(self) -> None:
        member = self.selected()
        role = Role.MANAGER if member is None or member.role == Role.CLERK else Role.CLERK
        self._change(member, "役割の変更", "{name}さんを「" + role.label + "」にしますか？\n"
                     "開いている画面は、ログインし直すまで操作できなくなります。",
                     lambda db, actor, m: staff_service.change_role(db, actor, m.id, role,
                                                                    expected_version=m.row_version),
                     "{name}さんを「" + role.label + "」にしました。")

    def toggle_active(self) -> None:
        member = self.selected()
        if member is not None and not member.active:  # 有効に戻す: nothing to confirm
            self._change(member, "", "", lambda db, actor, m: staff_service.set_active(
                db, actor, m.id, True, expected_version=m.row_version), "{name}さんを有効に戻しました。")
            return
        self._change(member, "担当者を無効にする", "{name}さん（{login}）を無効にしますか？\n"
                     "ログインできなくなり、開いている画面でも操作できなくなります。"
                     "削除はしません（操作履歴に名前が残り、後で有効に戻せます）。",
                     lambda db, actor, m: staff_service.set_active(db, actor, m.id, False,
                                                                   expected_version=m.row_version),
                     "{name}さんを無効にしました。")

    def reset_password(self) -> None:
        self._change(self.selected(), "パスワードのリセット", "{name}さん（{login}）のパスワードをリセットしますか？\n"
                     "今のパスワードは使えなくなります。仮パスワードを一度だけ表示します。",
                     lambda db, actor, m: staff_service.reset_password(db, actor, m.id,
                                                                       expected_version=m.row_version),
                     "{name}さんのパスワードをリセットしました。", success=self.show_temporary_password)

    def _change(self, member: StaffInfo | None, title: str, question: str,
                call: Callable[[Database, Actor, StaffInfo], object], done: str,
                success: Callable[[Any], object] | None = None) -> None:
        """Ask (unless ``title`` is empty), then run ``call`` for the selected member."""
        if member is None:
            return
        if title and not self.confirm(title, question.format(name=member.name, login=member.login)):
            return
        ctx = self.ctx
        self.set_status("")
        self.ctx.ops.run(lambda: call(ctx.db, ctx.actor, member), success=success, failure=self.refused,
                         invalid=self._invalid, reload=self.load, changes=Changes.SETTINGS,
                         status=done.format(name=member.name, login=member.login), parent=self)

    def add(self) -> AddStaffDialog:
        dialog = AddStaffDialog(self.ctx, parent=self.window())
        dialog.added.connect(self.show_temporary_password)
        self._open(dialog)
        return dialog

    def show_temporary_password(self, issued: TemporaryPassword) -> TemporaryPasswordDialog:
        self.selection.select_when_listed(issued.staff.id)
        dialog = TemporaryPasswordDialog(issued, parent=self.window())
        self._open(dialog)
        return dialog

    def _open(self, dialog: QDialog) -> None:
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self.dialogs.append(dialog)
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        self.ctx.ops.delete_when_idle(dialog)


class AddStaffDialog(AccountForm):
    """ログインID, 氏名, 役割; the app makes up the first (temporary) password."""

    added = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("addStaffDialog", "担当者の追加", parent)
        self.ctx = ctx
        self.issued: TemporaryPassword | None = None
        self.login_edit, self.name_edit = login_and_name_edits("suzuki", "鈴木 花子")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role")
        for role in (Role.CLERK, Role.MANAGER):
            self.role_combo.addItem(role.label, role)
        form = form_layout()
        for name, title, widget in (("login", "ログインID ※", self.login_edit), ("name", "氏名 ※", self.name_edit),
                                    ("role", "役割", self.role_combo)):
            self.add_field(form, name, title, widget)
        self.add_button, _cancel, buttons = self.button_row("追加する", "addButton", self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label("最初のパスワードはアプリが作り、一度だけ表示します。"
                                     "本人が最初のログインで自分のパスワードに変更します。"))
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def save(self) -> None:
        ctx = self.ctx
        login_id, name, role = self.login_edit.text().strip(), self.name_edit.text(), self.role_combo.currentData()
        self.add_button.setEnabled(False)
        ctx.ops.run(lambda: staff_service.add_staff_with_temporary_password(ctx.db, ctx.actor, login_id, name, role),
                    success=self._added, invalid=self.show_invalid, failure=self.show_refused,
                    done=lambda: self.add_button.setEnabled(True), changes=Changes.SETTINGS,
                    status=f"担当者「{name.strip()}」を追加しました。", parent=self)

    def _added(self, issued: TemporaryPassword) -> None:
        self.issued = issued
        self.accept()
        self.added.emit(issued)


class TemporaryPasswordDialog(QDialog):
    """The temporary password, once: large, selectable, with a copy button."""

    def __init__(self, issued: TemporaryPassword, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issued = issued
        self.setObjectName("temporaryPasswordDialog")
        self.setWindowTitle("仮パスワード")
        self.setStyleSheet(APP_STYLE)
        member = issued.staff
        heading = QLabel(f"{member.name}さん（ログインID {member.login}）の仮パスワード")
        heading.setStyleSheet("font-weight: bold;")
        frame = notice_frame()
        inner = QHBoxLayout(frame)
        self.password_label = QLabel(issued.password)
        self.password_label.setObjectName("temporaryPassword")
        self.password_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(18)
        self.password_label.setFont(mono)
        self.copy_button = QPushButton("コピー")
        self.copy_button.setObjectName("copyPassword")
        self.copy_button.clicked.connect(self.copy)
        inner.addWidget(self.password_label, 1)
        inner.addWidget(self.copy_button)
        self.copied = muted_label("")
        close = QPushButton("閉じる")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(frame)
        layout.addWidget(self.copied)
        layout.addWidget(muted_label("この画面を閉じると、仮パスワードは二度と表示されません（どこにも保存されません）。"
                                     "本人に伝えてください。次のログインで、本人が新しいパスワードに変更します。"))
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.issued.password)
        self.copied.setText("クリップボードにコピーしました。")

"""パスワードの変更: a staff member's own password (ファイル → パスワードの変更…), and the change
a reset demands at the next log-in, before the window opens (``forced``).

The service (``auth.change_own_password``) checks the current password and the rules of the
new one; the dialog only checks that the new one was typed the same way twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk.services import auth
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor
from reseller_desk.ui.operations import Operations
from reseller_desk.ui.widgets import APP_STYLE, FieldErrors, error_label, field_cell, form_layout, muted_label

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.ui.context import AppContext

TITLE = "パスワードの変更"
PASSWORD_MISMATCH = "確認用のパスワードが一致しません。"
FORCED_NOTE = ("管理者がパスワードをリセットしました。受け取った仮パスワードと、新しいパスワードを入力してください。"
               "変更が済むまで、画面は開きません。")
NOTE = "今のパスワードと、新しいパスワードを入力してください。"


def password_edit() -> QLineEdit:
    """A masked field that input methods and predictive text leave alone."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText
                             | Qt.InputMethodHint.ImhSensitiveData)
    return edit


def grow_to_fit(dialog: QWidget) -> None:
    """Grow a shown dialog (never shrink it) so that messages of several lines that appeared
    in it show whole instead of overlapping the fields."""
    layout = dialog.layout()
    if layout is None:
        return
    needed = layout.totalHeightForWidth(dialog.width()) if layout.hasHeightForWidth() else dialog.sizeHint().height()
    if needed > dialog.height():
        dialog.resize(dialog.width(), needed)


class ChangePasswordDialog(QDialog):
    """今の（仮）パスワード, 新しいパスワード twice; accepted once the service changed it."""

    def __init__(self, db: Database, actor: Actor, ops: Operations, *, forced: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.actor, self.ops, self.forced = db, actor, ops, forced
        self.setObjectName("changePasswordDialog")
        self.setWindowTitle(f"Reseller Desk — {TITLE}（{actor.name}）")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()

        self.current_edit = password_edit()
        self.current_edit.setObjectName("currentPassword")
        self.new_edit = password_edit()
        self.new_edit.setObjectName("newPassword")
        self.new_edit.setPlaceholderText(f"{auth.MIN_PASSWORD_LENGTH}文字以上")
        self.confirm_edit = password_edit()
        self.confirm_edit.setObjectName("newPasswordConfirm")
        form = form_layout()
        current_title = "仮パスワード ※" if forced else "今のパスワード ※"
        for name, title, edit in (("current_password", current_title, self.current_edit),
                                  ("password", "新しいパスワード ※", self.new_edit),
                                  ("password_confirm", "新しいパスワード（確認） ※", self.confirm_edit)):
            form.addRow(title, field_cell(edit, labels=[self.errors.add(name, edit)]))
        self.summary = error_label()
        self.summary.setObjectName("summary")

        self.change_button = QPushButton("変更する")
        self.change_button.setObjectName("changeButton")
        self.change_button.setDefault(True)
        self.change_button.clicked.connect(self.change)
        self.cancel_button = QPushButton("ログインをやめる" if forced else "キャンセル")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.change_button)

        layout = QVBoxLayout(self)
        self.note = muted_label(FORCED_NOTE if forced else NOTE)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(540)
        self.current_edit.setFocus()

    def error_text(self, name: str) -> str:
        return self.errors.message(name)

    def change(self) -> None:
        if self.new_edit.text() != self.confirm_edit.text():
            self._invalid(ValidationFailed({"password_confirm": PASSWORD_MISMATCH}))
            return
        db, actor = self.db, self.actor
        current, new = self.current_edit.text(), self.new_edit.text()
        self.change_button.setEnabled(False)
        self.ops.run(lambda: auth.change_own_password(db, actor, current, new),
                     success=lambda _none: self.accept(), invalid=self._invalid, failure=self._refused,
                     done=lambda: self.change_button.setEnabled(True), status="パスワードを変更しました。",
                     parent=self)

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.summary.setText("\n".join([str(error), *others.values()]))
        self.summary.setVisible(True)
        grow_to_fit(self)
        if "current_password" in error.errors:
            self.current_edit.clear()  # typed again, never left on screen
        if first is not None:
            first.setFocus()

    def _refused(self, error: ServiceError) -> None:
        self.errors.clear()
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        grow_to_fit(self)


def change_own_password(ctx: AppContext, parent: QWidget | None = None) -> ChangePasswordDialog:
    """ファイル → パスワードの変更…: the dialog, opened window-modal (deleted once closed and idle)."""
    dialog = ChangePasswordDialog(ctx.db, ctx.actor, ctx.ops, parent=parent)
    dialog.finished.connect(lambda _result: ctx.ops.delete_when_idle(dialog))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog

"""パスワードの変更: a staff member's own password (ファイル → パスワードの変更…), and the change
a reset demands at the next log-in, before the window opens (``forced``).

The service (``auth.change_own_password``) checks the current password and the rules of the
new one; the dialog only checks that the new one was typed the same way twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

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


def login_and_name_edits(login_example: str, name_example: str) -> tuple[QLineEdit, QLineEdit]:
    """The ログインID and 氏名 fields of a new account."""
    login_edit = QLineEdit()
    login_edit.setObjectName("login")
    login_edit.setPlaceholderText(f"半角英数字（例: {login_example}）")
    name_edit = QLineEdit()
    name_edit.setObjectName("name")
    name_edit.setPlaceholderText(f"例: {name_example}")
    return login_edit, name_edit


class AccountForm(QDialog):
    """What the forms of accounts share (the first manager, a new member, a new password): a
    summary line over the form, each field's message under it, a refusal said in the summary,
    and growing to show them whole."""

    def __init__(self, object_name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName("summary")

    def add_field(self, form: QFormLayout, name: str, title: str, widget: QWidget) -> None:
        form.addRow(title, field_cell(widget, labels=[self.errors.add(name, widget)]))

    def button_row(self, text: str, object_name: str, slot: Callable[[], object],
                   cancel_text: str = "キャンセル") -> tuple[QPushButton, QPushButton, QHBoxLayout]:
        """The default button (``text``, calling ``slot``) and the one that closes the dialog,
        on the right."""
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setDefault(True)
        button.clicked.connect(lambda _checked=False: slot())
        cancel = QPushButton(cancel_text)
        cancel.clicked.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(button)
        return button, cancel, row

    def error_text(self, name: str) -> str:
        return self.errors.message(name)

    def show_invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self._say("\n".join([str(error), *others.values()]))
        if first is not None:
            first.setFocus()

    def show_refused(self, error: ServiceError) -> None:
        self.errors.clear()
        self._say(str(error))

    def _say(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setVisible(True)
        grow_to_fit(self)


class ChangePasswordDialog(AccountForm):
    """今の（仮）パスワード, 新しいパスワード twice; accepted once the service changed it."""

    def __init__(self, db: Database, actor: Actor, ops: Operations, *, forced: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__("changePasswordDialog", f"Reseller Desk — {TITLE}（{actor.name}）", parent)
        self.db, self.actor, self.ops, self.forced = db, actor, ops, forced

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
            self.add_field(form, name, title, edit)

        self.change_button, self.cancel_button, buttons = self.button_row(
            "変更する", "changeButton", self.change, "ログインをやめる" if forced else "キャンセル")

        layout = QVBoxLayout(self)
        self.note = muted_label(FORCED_NOTE if forced else NOTE)
        layout.addWidget(self.note)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(540)
        self.current_edit.setFocus()

    def change(self) -> None:
        if self.new_edit.text() != self.confirm_edit.text():
            self.show_invalid(ValidationFailed({"password_confirm": PASSWORD_MISMATCH}))
            return
        db, actor = self.db, self.actor
        current, new = self.current_edit.text(), self.new_edit.text()
        self.change_button.setEnabled(False)
        self.ops.run(lambda: auth.change_own_password(db, actor, current, new),
                     success=lambda _none: self.accept(), invalid=self.show_invalid, failure=self.show_refused,
                     done=lambda: self.change_button.setEnabled(True), status="パスワードを変更しました。",
                     parent=self)

    def show_invalid(self, error: ValidationFailed) -> None:
        if "current_password" in error.errors:
            self.current_edit.clear()  # typed again, never left on screen
        super().show_invalid(error)


def change_own_password(ctx: AppContext, parent: QWidget | None = None) -> ChangePasswordDialog:
    """ファイル → パスワードの変更…: the dialog, opened window-modal (deleted once closed and idle)."""
    dialog = ChangePasswordDialog(ctx.db, ctx.actor, ctx.ops, parent=parent)
    dialog.finished.connect(lambda _result: ctx.ops.delete_when_idle(dialog))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog

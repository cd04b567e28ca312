"""Who is working: the log-in dialog, and on a database without staff the first-start dialog
that registers the first 管理者.

Both call ``services.auth`` (which checks passwords and decides what a valid login ID is); the
dialogs only collect the input and show the services' messages under the fields. The only
check made here is that the password was typed the same way twice.

:func:`ask_who_is_working` is the real :data:`LoginRunner`; run_app and the window's
「担当者の切替」 take another one in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services import auth
from reseller_desk.services.auth import AuthenticationFailed, StaffInfo
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor
from reseller_desk.ui.widgets import APP_STYLE, FieldErrors, error_label, field_cell, muted_label, notice_frame

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

#: (database, parent window) -> the staff member who logged in, or None when nobody did.
LoginRunner = Callable[["Database", "QWidget | None"], "Actor | None"]

LOGIN_TITLE = "ログイン"
FIRST_START_TITLE = "最初の管理者の登録"
PASSWORD_MISMATCH = "確認用のパスワードが一致しません。"


def demo_accounts_line(staff: list[StaffInfo]) -> str:
    """"デモ用アカウント: kanri（管理者）/ jimu（事務）— パスワードは README を参照", or "" when
    the database has no demo accounts."""
    demo = [s for s in staff if s.demo_account and s.active]
    if not demo:
        return ""
    accounts = "/ ".join(f"{s.login}（{s.role.label}）" for s in demo)
    return f"デモ用アカウント: {accounts}— パスワードは README を参照"


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhHiddenText | Qt.InputMethodHint.ImhNoPredictiveText
                             | Qt.InputMethodHint.ImhSensitiveData)
    return edit


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14pt; font-weight: bold;")
    return label


class LoginDialog(QDialog):
    """ログインID and パスワード. ``actor`` holds who logged in once the dialog is accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, staff: list[StaffInfo] | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(f"Reseller Desk — {LOGIN_TITLE}")
        self.setStyleSheet(APP_STYLE)

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("例: yamada")
        self.password_edit = _password_edit()
        self.password_edit.setObjectName("password")
        self.message = error_label()
        self.message.setObjectName("loginMessage")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("ログインID", self.login_edit)
        form.addRow("パスワード", self.password_edit)

        self.demo_frame = notice_frame()
        demo_layout = QVBoxLayout(self.demo_frame)
        self.demo_label = QLabel()
        self.demo_label.setObjectName("demoAccounts")
        self.demo_label.setWordWrap(False)  # one line: 「…README を参照」 is never cut in two
        demo_layout.addWidget(self.demo_label)
        line = demo_accounts_line(staff if staff is not None else auth.list_staff(db))
        self.demo_label.setText(line)
        self.demo_frame.setVisible(bool(line))

        self.login_button = QPushButton("ログイン")
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self.try_login)
        self.cancel_button = QPushButton("終了")
        self.cancel_button.setToolTip("ログインせずに閉じます")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.login_button)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("Reseller Desk"))
        layout.addWidget(muted_label("担当者のログインIDとパスワードを入力してください。"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.demo_frame)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)
        self.login_edit.setFocus()

    def try_login(self) -> Actor | None:
        """ログイン: the service checks the ID and password (a fast scrypt, ~50 ms)."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.actor = auth.login(self.db, self.login_edit.text(), self.password_edit.text())
        except AuthenticationFailed as error:
            self.actor = None
            self.message.setText(str(error))
            self.message.setVisible(True)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.message.setVisible(False)
        self.accept()
        return self.actor


class FirstStartDialog(QDialog):
    """A database without staff: register the first 管理者 (auth.create_first_manager)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setObjectName("firstStartDialog")
        self.setWindowTitle(f"Reseller Desk — {FIRST_START_TITLE}")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("半角英数字（例: yamada）")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name")
        self.name_edit.setPlaceholderText("例: 山田 太郎")
        self.password_edit = _password_edit()
        self.password_edit.setObjectName("password")
        self.password_edit.setPlaceholderText(f"{auth.MIN_PASSWORD_LENGTH}文字以上")
        self.confirm_edit = _password_edit()
        self.confirm_edit.setObjectName("passwordConfirm")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for name, text, edit in (("login", "ログインID ※", self.login_edit), ("name", "氏名 ※", self.name_edit),
                                 ("password", "パスワード ※", self.password_edit),
                                 ("password_confirm", "パスワード（確認） ※", self.confirm_edit)):
            form.addRow(text, field_cell(edit, labels=[self.errors.add(name, edit)]))
        self.summary = error_label()
        self.summary.setObjectName("summary")

        self.create_button = QPushButton("登録して開始")
        self.create_button.setObjectName("createButton")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create)
        self.cancel_button = QPushButton("終了")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("ようこそ"))
        layout.addWidget(muted_label("このデータベースには担当者がまだいません。最初の管理者を登録してください。"
                                     "ほかの担当者は、この管理者が後から追加します。"))
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def error_text(self, name: str) -> str:
        return self.errors.message(name)

    def create(self) -> Actor | None:
        errors: dict[str, str] = {}
        if self.password_edit.text() != self.confirm_edit.text():
            errors["password_confirm"] = PASSWORD_MISMATCH
        try:
            if errors:
                raise ValidationFailed(errors)
            self.actor = auth.create_first_manager(self.db, self.login_edit.text().strip(), self.name_edit.text(),
                                                   self.password_edit.text())
        except ValidationFailed as error:
            merged = {**error.errors, **errors}
            first, others = self.errors.show(merged)
            self.summary.setText("\n".join([str(error), *others.values()]))
            self.summary.setVisible(True)
            if first is not None:
                first.setFocus()
            return None
        except ServiceError as error:  # someone registered a manager meanwhile
            self.errors.clear()
            self.summary.setText(str(error))
            self.summary.setVisible(True)
            return None
        self.accept()
        return self.actor


def ask_who_is_working(db: Database, parent: QWidget | None = None) -> Actor | None:
    """The first-start dialog on a database without staff, otherwise the log-in dialog; the
    staff member, or None when the clerk closed it."""
    dialog: LoginDialog | FirstStartDialog = (LoginDialog(db, parent) if auth.has_staff(db)
                                              else FirstStartDialog(db, parent))
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor
        return None
    finally:
        dialog.deleteLater()

"""Who is working: the log-in dialog, and on a database without staff the first-start dialog
that registers the first 管理者.

Both call the services (``auth.login``, ``staff.create_first_manager``, which check passwords
and decide what a valid login ID is) through an :class:`Operations` runner; the dialogs only
collect the input and show the services' messages under the fields. The only check made here
is that the password was typed the same way twice.

A staff member whose password a manager reset chooses a new one (:class:`ChangePasswordDialog`)
before the log-in dialog closes: the window does not open until it is done.

After repeated failures the service makes the account wait, and says only "ログインIDか
パスワードが違います" (so that nobody learns which IDs exist). The dialog adds how long to wait
from what it saw itself: the same rule (``auth.waiting_until``) applied to the failures in a
row of each ID typed here, whether that ID exists or not.

:func:`ask_who_is_working` is the real :data:`LoginRunner`; run_app and the window's
「担当者の切替」 take another one in tests.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

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

from reseller_desk import clock
from reseller_desk.services import auth
from reseller_desk.services import staff as staff_service
from reseller_desk.services.auth import AuthenticationFailed
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor
from reseller_desk.services.staff import StaffInfo
from reseller_desk.ui.operations import Operations
from reseller_desk.ui.password_dialog import (
    PASSWORD_MISMATCH,
    AccountForm,
    ChangePasswordDialog,
    grow_to_fit,
    login_and_name_edits,
    password_edit,
)
from reseller_desk.ui.widgets import APP_STYLE, error_label, muted_label, notice_frame

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

#: (database, parent window) -> the staff member who logged in, or None when nobody did.
LoginRunner = Callable[["Database", "QWidget | None"], "Actor | None"]

LOGIN_TITLE = "ログイン"
FIRST_START_TITLE = "最初の管理者の登録"
CHANGE_NEEDED = "新しいパスワードに変更するまで、ログインできません。"


def wait_message(left: dt.timedelta) -> str:
    """What to do after repeated failures, ``left`` being the wait still to come."""
    seconds = max(1, math.ceil(left.total_seconds()))
    span = f"{seconds}秒" if seconds < 90 else f"{math.ceil(seconds / 60)}分"
    return f"続けて間違えたため、あと{span}ほどは正しいパスワードでもログインできません。時間をおいて入力してください。"


def login_operations() -> Operations:
    """The runner of the log-in dialogs (before the window and its runner exist): inline, an
    unexpected error going to the installed error handler (log file and error dialog)."""
    return Operations(synchronous=True,
                      error_handler=lambda error: sys.excepthook(type(error), error, error.__traceback__))


def demo_accounts_line(staff: list[StaffInfo]) -> str:
    """"デモ用アカウント: kanri（管理者）/ jimu（事務）— パスワードは README を参照", or "" when
    the database has no demo accounts."""
    demo = [s for s in staff if s.demo_account and s.active]
    if not demo:
        return ""
    accounts = "/ ".join(f"{s.login}（{s.role.label}）" for s in demo)
    return f"デモ用アカウント: {accounts}— パスワードは README を参照"


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14pt; font-weight: bold;")
    return label


class LoginDialog(QDialog):
    """ログインID and パスワード. ``actor`` holds who logged in once the dialog is accepted."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, staff: list[StaffInfo] | None = None,
                 ops: Operations | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.ops = ops or login_operations()
        if ops is None:
            self.ops.setParent(self)
        self.actor: Actor | None = None
        #: Failures in a row of each login ID typed here, and when the last was (naive UTC).
        self.failures: dict[str, tuple[int, dt.datetime | None]] = {}
        self.password_dialog: ChangePasswordDialog | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(f"Reseller Desk — {LOGIN_TITLE}")
        self.setStyleSheet(APP_STYLE)

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("login")
        self.login_edit.setPlaceholderText("例: yamada")
        self.password_edit = password_edit()
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
        self.demo_frame.setVisible(False)
        if staff is not None:
            self._show_demo_accounts(staff)
        else:
            self.ops.run(lambda: staff_service.list_staff(db), success=self._show_demo_accounts, parent=self)

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

    def _show_demo_accounts(self, staff: list[StaffInfo]) -> None:
        line = demo_accounts_line(staff)
        self.demo_label.setText(line)
        self.demo_frame.setVisible(bool(line))

    def try_login(self) -> Actor | None:
        """ログイン: the service checks the ID and password (scrypt, about half a second).
        Returns who logged in, or None (refused, or a new password still to choose)."""
        db, typed, password = self.db, self.login_edit.text(), self.password_edit.text()

        def log_in() -> tuple[Actor, bool]:
            actor = auth.login(db, typed, password)
            return actor, auth.must_change_password(db, actor)

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.login_button.setEnabled(False)
        self.ops.run(log_in, success=self._logged_in, failure=lambda error: self._refused(typed, error),
                     done=self._attempt_done, parent=self)
        return self.actor

    def _attempt_done(self) -> None:
        QApplication.restoreOverrideCursor()
        self.login_button.setEnabled(True)

    def _logged_in(self, outcome: tuple[Actor, bool]) -> None:
        actor, must_change = outcome
        self.message.setVisible(False)
        if must_change:
            self._ask_new_password(actor)
            return
        self.actor = actor
        self.accept()

    def _ask_new_password(self, actor: Actor) -> None:
        """The reset password is replaced first; the log-in ends when that is done."""
        dialog = ChangePasswordDialog(self.db, actor, self.ops, forced=True, parent=self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.password_dialog = dialog

        def finished(result: int) -> None:
            self.password_dialog = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                self.actor = actor
                self.accept()
            else:
                self._show_refusal(CHANGE_NEEDED)

        dialog.finished.connect(finished)
        dialog.open()

    def _refused(self, typed: str, error: ServiceError) -> None:
        message = str(error)
        if isinstance(error, AuthenticationFailed) and message == auth.WRONG_LOGIN:
            left = self._count_failure(typed.strip())
            if left is not None:
                message = f"{message}\n{wait_message(left)}"
        self._show_refusal(message)

    def _count_failure(self, typed: str) -> dt.timedelta | None:
        """This dialog's own count, by the service's rule: a failure during the wait does
        not count. The wait still to come, or None."""
        now = clock.utcnow()
        count, last = self.failures.get(typed, (0, None))
        until = auth.waiting_until(count, last)
        if until is None or now >= until:
            count, last = count + 1, now
            self.failures[typed] = (count, last)
            until = auth.waiting_until(count, last)
        return until - now if until is not None and now < until else None

    def _show_refusal(self, message: str) -> None:
        self.actor = None
        self.message.setText(message)
        self.message.setVisible(True)
        grow_to_fit(self)
        self.password_edit.clear()
        self.password_edit.setFocus()


class FirstStartDialog(AccountForm):
    """A database without staff: register the first 管理者 (staff.create_first_manager)."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, ops: Operations | None = None) -> None:
        super().__init__("firstStartDialog", f"Reseller Desk — {FIRST_START_TITLE}", parent)
        self.db = db
        self.ops = ops or login_operations()
        if ops is None:
            self.ops.setParent(self)
        self.actor: Actor | None = None

        self.login_edit, self.name_edit = login_and_name_edits("yamada", "山田 太郎")
        self.password_edit = password_edit()
        self.password_edit.setObjectName("password")
        self.password_edit.setPlaceholderText(f"{auth.MIN_PASSWORD_LENGTH}文字以上")
        self.confirm_edit = password_edit()
        self.confirm_edit.setObjectName("passwordConfirm")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for name, text, edit in (("login", "ログインID ※", self.login_edit), ("name", "氏名 ※", self.name_edit),
                                 ("password", "パスワード ※", self.password_edit),
                                 ("password_confirm", "パスワード（確認） ※", self.confirm_edit)):
            self.add_field(form, name, text, edit)

        self.create_button, self.cancel_button, buttons = self.button_row("登録して開始", "createButton", self.create,
                                                                          "終了")

        layout = QVBoxLayout(self)
        layout.addWidget(_heading("ようこそ"))
        layout.addWidget(muted_label("このデータベースには担当者がまだいません。最初の管理者を登録してください。"
                                     "ほかの担当者は、この管理者が後から追加します。"))
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def create(self) -> Actor | None:
        if self.password_edit.text() != self.confirm_edit.text():
            self.show_invalid(ValidationFailed({"password_confirm": PASSWORD_MISMATCH}))
            return None
        db, login_id, name, password = (self.db, self.login_edit.text().strip(), self.name_edit.text(),
                                        self.password_edit.text())
        self.create_button.setEnabled(False)
        # A refusal other than a field's: someone registered a manager meanwhile.
        self.ops.run(lambda: staff_service.create_first_manager(db, login_id, name, password),
                     success=self._created, invalid=self.show_invalid, failure=self.show_refused,
                     done=lambda: self.create_button.setEnabled(True), parent=self)
        return self.actor

    def _created(self, actor: Actor) -> None:
        self.actor = actor
        self.accept()


def ask_who_is_working(db: Database, parent: QWidget | None = None) -> Actor | None:
    """The first-start dialog on a database without staff, otherwise the log-in dialog; the
    staff member, or None when the clerk closed it."""
    ops = login_operations()
    outcome: dict[str, Any] = {}
    ops.run(lambda: staff_service.has_staff(db), success=lambda has: outcome.update(has_staff=has))
    if "has_staff" not in outcome:  # the database could not be read: the error was shown
        ops.deleteLater()
        return None
    dialog: LoginDialog | FirstStartDialog = (LoginDialog(db, parent, ops=ops) if outcome["has_staff"]
                                              else FirstStartDialog(db, parent, ops=ops))
    ops.setParent(dialog)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.actor
        return None
    finally:
        dialog.deleteLater()

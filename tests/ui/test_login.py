"""The log-in dialog and the first-start dialog (run_app's use of them is in test_app.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from reseller_desk.services import auth
from reseller_desk.services.permissions import Role
from reseller_desk.ui.login import (
    PASSWORD_MISMATCH,
    FirstStartDialog,
    LoginDialog,
    ask_who_is_working,
    demo_accounts_line,
)

from .helpers import type_text


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_wrong_password_is_refused_under_the_fields_and_demo_accounts_are_marked(db, manager, qtbot, artifacts):
    auth.add_staff(db, manager, "demo-kanri", "デモ 管理", "manager", "demo-pass-1", demo_account=True)
    auth.add_staff(db, manager, "demo-jimu", "デモ 事務", "clerk", "demo-pass-2", demo_account=True)
    dialog = show(qtbot, LoginDialog(db))
    assert dialog.demo_frame.isVisible()
    assert dialog.demo_label.text() == ("デモ用アカウント: demo-kanri（管理者）/ demo-jimu（事務）"
                                        "— パスワードは README を参照")
    assert dialog.password_edit.echoMode() == QLineEdit.EchoMode.Password

    qtbot.keyClicks(dialog.login_edit, "demo-jimu")
    qtbot.keyClicks(dialog.password_edit, "wrong-pass")
    assert dialog.password_edit.displayText() != "wrong-pass"  # masked
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is None and dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text() == "ログインIDかパスワードが違います。"
    assert dialog.password_edit.text() == ""  # typed again
    message_top = dialog.message.mapTo(dialog, dialog.message.rect().topLeft()).y()
    field_bottom = dialog.password_edit.mapTo(dialog, dialog.password_edit.rect().bottomLeft()).y()
    assert message_top > field_bottom  # under the fields
    dialog.grab().save(str(artifacts / "login.png"))

    qtbot.keyClicks(dialog.password_edit, "demo-pass-2")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # Enter logs in
    assert dialog.actor is not None and dialog.actor.name == "デモ 事務" and dialog.actor.role == Role.CLERK
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_real_accounts_get_no_demo_line(db, manager, clerk):
    assert demo_accounts_line(auth.list_staff(db)) == ""


def test_the_first_start_dialog_creates_the_first_manager(db, qtbot):
    assert not auth.has_staff(db)
    dialog = show(qtbot, FirstStartDialog(db))
    qtbot.keyClicks(dialog.login_edit, "ya ma")
    type_text(qtbot, dialog.name_edit, "山田 花子")
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.confirm_edit, "short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "半角英数字" in dialog.error_text("login")
    assert "8文字以上" in dialog.error_text("password")
    assert dialog.login_edit.property("invalid") is True
    assert not auth.has_staff(db)

    dialog.login_edit.clear()
    qtbot.keyClicks(dialog.login_edit, "yamada")
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "himitsu-123")
    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "himitsu-12")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("password_confirm") == PASSWORD_MISMATCH
    assert not auth.has_staff(db)

    qtbot.keyClicks(dialog.confirm_edit, "3")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.role == Role.MANAGER and dialog.actor.name == "山田 花子"
    assert auth.login(db, "yamada", "himitsu-123") == dialog.actor


def test_who_is_working_asks_the_right_dialog(db, qtbot, monkeypatch):
    shown_dialogs = []

    def fake_exec(self):
        shown_dialogs.append(type(self).__name__)
        return 0  # closed without logging in

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    monkeypatch.setattr(FirstStartDialog, "exec", fake_exec)
    assert ask_who_is_working(db) is None
    auth.create_first_manager(db, "admin", "管理者", "admin-pass-1")
    assert ask_who_is_working(db) is None
    assert shown_dialogs == ["FirstStartDialog", "LoginDialog"]

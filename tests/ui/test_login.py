"""The log-in dialog, the first-start dialog and the password change (at the log-in after a
reset, and from ファイル → パスワードの変更); run_app's use of them is in test_app.py."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from reseller_desk import clock
from reseller_desk.db.models import DatabaseInfo
from reseller_desk.services import auth, staff
from reseller_desk.services.permissions import Role
from reseller_desk.ui.login import (
    CHANGE_NEEDED,
    PASSWORD_MISMATCH,
    FirstStartDialog,
    LoginDialog,
    ask_who_is_working,
    demo_accounts_line,
)
from reseller_desk.ui.password_dialog import ChangePasswordDialog
from tests.versions import staff_now

from .helpers import set_password, type_text

WRONG = "ログインIDかパスワードが違います。"


def show(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def log_in(qtbot, dialog: LoginDialog, login_id: str, password: str):
    dialog.login_edit.setText(login_id)
    dialog.password_edit.setText(password)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    return dialog.actor


def mark_demo(db) -> None:
    with db.transaction() as session:
        session.get(DatabaseInfo, 1).demo = True


def test_a_wrong_password_is_refused_under_the_fields_and_demo_accounts_are_marked(db, manager, qtbot, artifacts):
    mark_demo(db)
    set_password(db, manager.user_id, "kanri-pass-1")
    staff.add_staff(db, manager, "demo-kanri", "デモ 管理", "manager", "demo-pass-1", demo_account=True)
    staff.add_staff(db, manager, "demo-jimu", "デモ 事務", "clerk", "demo-pass-2", demo_account=True)
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
    assert dialog.message.isVisible() and dialog.message.text() == WRONG
    assert dialog.password_edit.text() == ""  # typed again
    assert dialog.login_button.isEnabled()
    message_top = dialog.message.mapTo(dialog, dialog.message.rect().topLeft()).y()
    field_bottom = dialog.password_edit.mapTo(dialog, dialog.password_edit.rect().bottomLeft()).y()
    assert message_top > field_bottom  # under the fields
    dialog.grab().save(str(artifacts / "login.png"))

    qtbot.keyClicks(dialog.password_edit, "demo-pass-2")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # Enter logs in
    assert dialog.actor is not None and dialog.actor.name == "デモ 事務" and dialog.actor.role == Role.CLERK
    assert dialog.result() == LoginDialog.DialogCode.Accepted


def test_a_demo_account_is_refused_on_an_office_database_in_its_own_words(db, manager, qtbot):
    staff.add_staff(db, manager, "demo-kanri", "デモ 管理", "manager", "demo-pass-1", demo_account=True)
    dialog = show(qtbot, LoginDialog(db))
    assert log_in(qtbot, dialog, "demo-kanri", "demo-pass-1") is None
    assert dialog.message.text() == ("デモ用のアカウントは、デモ用のデータベースでしかログインできません。"
                                     "自分のアカウントでログインしてください。")


def test_after_five_failures_the_dialog_says_how_long_to_wait_whether_the_id_exists_or_not(db, manager, qtbot,
                                                                                         artifacts):
    set_password(db, manager.user_id, "kanri-pass-1")
    dialog = show(qtbot, LoginDialog(db))
    start = dt.datetime(2026, 11, 20, 9, 0)
    for login_id in ("kanri", "nobody"):
        with clock.frozen(start):
            for _ in range(4):
                log_in(qtbot, dialog, login_id, "guess-guess")
                assert dialog.message.text() == WRONG
            log_in(qtbot, dialog, login_id, "guess-guess")
            assert dialog.message.text() == (
                f"{WRONG}\n続けて間違えたため、あと30秒ほどは正しいパスワードでもログインできません。時間をおいて入力してください。")
            message_bottom = dialog.message.mapTo(dialog, dialog.message.rect().bottomLeft()).y()
            assert message_bottom < dialog.login_button.mapTo(dialog, dialog.login_button.rect().topLeft()).y()
    dialog.grab().save(str(artifacts / "login-wait.png"))
    with clock.frozen(start + dt.timedelta(seconds=20)):
        assert log_in(qtbot, dialog, "kanri", "kanri-pass-1") is None  # the service waits too
        assert "あと10秒ほど" in dialog.message.text()
    with clock.frozen(start + dt.timedelta(seconds=31)):
        assert log_in(qtbot, dialog, "kanri", "kanri-pass-1") == manager


def test_real_accounts_get_no_demo_line(db, manager, clerk):
    assert demo_accounts_line(staff.list_staff(db)) == ""


def test_the_first_start_dialog_creates_the_first_manager(db, qtbot):
    assert not staff.has_staff(db)
    dialog = show(qtbot, FirstStartDialog(db))
    qtbot.keyClicks(dialog.login_edit, "ya ma")
    type_text(qtbot, dialog.name_edit, "山田 花子")
    qtbot.keyClicks(dialog.password_edit, "short")
    qtbot.keyClicks(dialog.confirm_edit, "short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "半角英数字" in dialog.error_text("login")
    assert "8文字以上" in dialog.error_text("password")
    assert dialog.login_edit.property("invalid") is True
    assert not staff.has_staff(db)

    dialog.login_edit.clear()
    qtbot.keyClicks(dialog.login_edit, "yamada")
    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, "himitsu-123")
    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "himitsu-12")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("password_confirm") == PASSWORD_MISMATCH
    assert not staff.has_staff(db)

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
    staff.create_first_manager(db, "admin", "管理者", "admin-pass-1")
    assert ask_who_is_working(db) is None
    assert shown_dialogs == ["FirstStartDialog", "LoginDialog"]


# -- a new password after a reset, before the window ------------------------------------------
@pytest.fixture
def reset_clerk(db, manager, clerk) -> str:
    """The clerk's password was reset by the manager; the temporary one."""
    set_password(db, manager.user_id, "kanri-pass-1")
    return staff.reset_password(db, manager, clerk.user_id, expected_version=staff_now(db, clerk.user_id)).password


def pending_change(qtbot, dialog: LoginDialog) -> ChangePasswordDialog:
    qtbot.waitUntil(lambda: dialog.password_dialog is not None and dialog.password_dialog.isVisible(), timeout=2000)
    return dialog.password_dialog


def test_after_a_reset_the_log_in_ends_only_once_a_new_password_is_chosen(db, clerk, reset_clerk, qtbot, artifacts):
    dialog = show(qtbot, LoginDialog(db))
    assert log_in(qtbot, dialog, "jimu", reset_clerk) is None  # not yet
    change = pending_change(qtbot, dialog)
    assert change.forced and change.cancel_button.text() == "ログインをやめる"
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted

    change.current_edit.setText(reset_clerk)
    change.new_edit.setText("jimu-own-pass")
    change.confirm_edit.setText("jimu-own-pas")
    qtbot.mouseClick(change.change_button, Qt.MouseButton.LeftButton)
    assert change.error_text("password_confirm") == PASSWORD_MISMATCH
    change.confirm_edit.setText("jimu-own-pass")
    change.grab().save(str(artifacts / "change-password-forced.png"))
    qtbot.mouseClick(change.change_button, Qt.MouseButton.LeftButton)
    assert dialog.actor == clerk and dialog.result() == QDialog.DialogCode.Accepted
    assert not auth.must_change_password(db, clerk)
    assert auth.login(db, "jimu", "jimu-own-pass") == clerk


def test_giving_up_the_new_password_leaves_nobody_logged_in(db, clerk, reset_clerk, qtbot):
    dialog = show(qtbot, LoginDialog(db))
    log_in(qtbot, dialog, "jimu", reset_clerk)
    pending_change(qtbot, dialog).cancel_button.click()
    assert dialog.actor is None and dialog.isVisible()
    assert dialog.message.text() == CHANGE_NEEDED
    assert auth.must_change_password(db, clerk)


# -- ファイル → パスワードの変更 ---------------------------------------------------------------------
def test_everyone_changes_their_own_password_from_the_file_menu(db, clerk, shown, qtbot, artifacts):
    from reseller_desk.ui.app import create_main_window

    set_password(db, clerk.user_id, "jimu-pass-1")
    window = create_main_window(db, clerk, show_message=shown.message, synchronous=True)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.change_password_action in file_menu.actions()
    assert window.change_password_action.text() == "パスワードの変更…"
    window.change_password_action.trigger()
    dialogs = [d for d in window.findChildren(ChangePasswordDialog) if d.isVisible()]
    assert len(dialogs) == 1
    change = dialogs[0]
    assert not change.forced and change.windowTitle() == "Reseller Desk — パスワードの変更（事務 太郎）"

    change.current_edit.setText("not-my-pass")
    change.new_edit.setText("jimu-new-pass")
    change.confirm_edit.setText("jimu-new-pass")
    qtbot.mouseClick(change.change_button, Qt.MouseButton.LeftButton)
    assert change.error_text("current_password") == "今のパスワードが違います。"
    assert change.current_edit.text() == "" and change.isVisible()
    change.grab().save(str(artifacts / "change-password.png"))

    change.current_edit.setText("jimu-pass-1")
    qtbot.mouseClick(change.change_button, Qt.MouseButton.LeftButton)
    assert not change.isVisible()
    assert window.statusBar().currentMessage() == "パスワードを変更しました。"
    assert auth.login(db, "jimu", "jimu-new-pass") == clerk


# -- 操作履歴 -----------------------------------------------------------------------------------
def test_log_ins_and_failed_attempts_read_in_japanese_in_the_history_and_filter_by_staff_member(
        db, ctx, manager, clerk, qtbot, artifacts):
    from reseller_desk.ui.audit_page import AuditPage

    set_password(db, clerk.user_id, "jimu-pass-1")
    auth.login(db, "jimu", "jimu-pass-1")
    for login_id in ("jimu", "jimu-pass-1"):  # a wrong password, then a password typed as the ID
        with pytest.raises(auth.AuthenticationFailed):
            auth.login(db, login_id, "guess-guess")
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 500)
    page.show()
    qtbot.waitExposed(page)
    page.refresh()
    shown_rows = [(r.user_name, page.model.texts.operation(r), page.model.texts.row(r)[1], page.model.texts.row(r)[6])
                  for r in page.model.records]
    assert shown_rows == [
        ("", "ログインの失敗: 登録のないログインID", "—", "理由: 登録のないログインID"),
        ("事務 太郎", "ログインの失敗: 事務 太郎（パスワード違い）", "事務 太郎", "続けて失敗した回数: 1\n理由: パスワード違い"),
        ("事務 太郎", "ログイン: 事務 太郎", "事務 太郎", ""),
    ]
    assert "jimu-pass-1" not in " ".join(" ".join(page.model.texts.row(r)) for r in page.model.records)
    page.grab().save(str(artifacts / "history-log-ins.png"))
    page.staff_combo.setCurrentIndex(page.staff_combo.findData(clerk.user_id))
    assert [r.action for r in page.model.records] == ["staff.login_failed", "staff.login"]

"""run_app: opens the database, fills a brand-new one with demo data, asks who is working,
runs until closed."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reseller_desk.db.database import Database
from reseller_desk.services import auth, staff
from reseller_desk.services import customers as customer_service
from reseller_desk.services.permissions import Role
from reseller_desk.ui import app as app_module
from reseller_desk.ui import errors as errors_module
from reseller_desk.ui import operations as operations_module
from reseller_desk.ui.login import FirstStartDialog, LoginDialog
from reseller_desk.ui.main_window import MainWindow

from .helpers import set_password


@pytest.fixture
def quiet(tmp_path, monkeypatch, shown):
    monkeypatch.setattr(errors_module, "default_log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(operations_module, "message_box", lambda parent=None: shown.message)
    monkeypatch.setattr(errors_module, "message_box_dialog", lambda parent=None: shown.error)
    yield shown
    assert shown.errors == [], "no unexpected error may happen"


def log_in_as_first_manager(db, parent):
    """The log-in of these tests: the first manager on record, through the real dialog (a
    password is set for the test: the fixtures' staff have none)."""
    manager = next(s for s in staff.list_staff(db) if s.role == Role.MANAGER)
    set_password(db, manager.id, "test-password-1")
    dialog = LoginDialog(db, parent)
    dialog.login_edit.setText(manager.login)
    dialog.password_edit.setText("test-password-1")
    LOGINS.append({"demo_line": dialog.demo_label.text() if dialog.demo_frame.isVisibleTo(dialog) else ""})
    actor = dialog.try_login()
    dialog.deleteLater()
    return actor


LOGINS: list[dict] = []


def run_until(qapp, target: str | None, done, *, demo: bool = False, timeout_s: float = 15,
              login=log_in_as_first_manager) -> tuple[int, dict]:
    """run_app(target) while a timer waits for ``done(window)`` and then closes the window."""
    seen: dict = {}
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].ctx.ops.is_idle() and done(windows[0]):
            window = windows[0]
            seen["rows"] = window.customer_page.model.rowCount()
            seen["status"] = window.count_label.text()
            seen["title"] = window.windowTitle()
            seen["demo_mark"] = window.demo_label.text() if window.demo_label is not None else ""
            seen["actor"] = window.ctx.actor.name
            window.close()
            window.deleteLater()
            qapp.quit()
        elif time.monotonic() > deadline:
            seen["timeout"] = True
            qapp.quit()
        else:
            QTimer.singleShot(20, check)

    # Closing the last window would post a Quit event that arrives after run_app returned and
    # leaves every later nested event loop (qtbot.wait …) returning at once; the timer quits.
    quit_on_close = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(0, check)
        code = app_module.run_app(target, demo=demo, login=login)
    finally:
        qapp.setQuitOnLastWindowClosed(quit_on_close)
    return code, seen


def test_a_new_demo_database_gets_demo_customers_before_the_log_in(qapp, new_database, tmp_path, quiet):
    target = new_database
    LOGINS.clear()
    code, seen = run_until(qapp, target, lambda w: w.customer_page.model.rowCount() > 0, demo=True)
    assert code == 0 and "timeout" not in seen
    # The demo customers (and those its approved applications made).
    assert app_module.DEMO_CUSTOMERS <= seen["rows"] <= app_module.DEMO_CUSTOMERS + 20
    first_rows = seen["rows"]
    assert seen["status"] == f"顧客 {first_rows:,}件"
    assert seen["title"] == "Reseller Desk — デモ用データベース"
    assert seen["demo_mark"] == "デモ用データベース"
    assert seen["actor"] == "管理 花子"  # the demo's manager, logged in
    # The demo was there when the log-in dialog opened, and its accounts are marked as such.
    assert LOGINS[0]["demo_line"] == "デモ用アカウント: kanri（管理者）/ jimu（事務）— パスワードは README を参照"
    assert quiet.messages == []
    assert (tmp_path / "logs" / errors_module.LOG_FILE_NAME).exists()

    # Opened again: not new any more, nothing is added; without --demo it still says demo.
    code, seen = run_until(qapp, target, lambda w: True, demo=True)
    assert seen["rows"] == first_rows
    code, seen = run_until(qapp, target, lambda w: True)
    assert seen["rows"] == first_rows and seen["demo_mark"] == "デモ用データベース"


def test_the_demo_window_without_a_path_opens_a_file_of_its_own(qapp, tmp_path, quiet, monkeypatch):
    from reseller_desk.db import database as database_module
    from reseller_desk.services import database_info

    monkeypatch.setattr(database_info, "default_demo_path", lambda: tmp_path / "own" / "demo.sqlite3")
    monkeypatch.setattr(database_module, "default_db_path", lambda: tmp_path / "office.sqlite3")
    code, seen = run_until(qapp, None, lambda w: w.customer_page.model.rowCount() > 0, demo=True,
                           login=lambda db, parent: auth.login(db, "jimu", "jimu-demo"))
    assert code == 0 and seen["actor"] == "事務 太郎"
    assert (tmp_path / "own" / "demo.sqlite3").exists() and not (tmp_path / "office.sqlite3").exists()


def test_the_demo_window_refuses_an_office_database(qapp, db, manager, quiet, monkeypatch):
    fatal = []
    monkeypatch.setattr(app_module, "_fatal", fatal.append)
    assert app_module.run_app(db.url, demo=True) == 1
    assert "デモ用ではありません" in fatal[0]
    assert [s.login for s in staff.list_staff(db)] == ["kanri"]


def test_a_new_office_database_never_gets_demo_data(qapp, new_database, quiet):
    target = new_database
    asked = []

    def first_manager(db, parent):
        asked.append(staff.has_staff(db))
        return staff.create_first_manager(db, "admin", "管理者", "admin-pass-1")

    code, seen = run_until(qapp, target, lambda w: True, login=first_manager)
    assert code == 0 and asked == [False] and seen["rows"] == 0
    assert seen["title"] == "Reseller Desk" and seen["demo_mark"] == ""


def drive_dialog(kind, act, *, timeout_s: float = 10) -> dict:
    """Wait (in the event loop run_app starts) for a visible dialog of ``kind`` and call
    ``act(dialog, seen)``; any dialog still open at the deadline is closed."""
    seen: dict = {}
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if dialogs:
            act(dialogs[0], seen)
        elif time.monotonic() > deadline:
            seen["timeout"] = True
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, (LoginDialog, FirstStartDialog)) and widget.isVisible():
                    widget.reject()
        else:
            QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)
    return seen


def test_a_wrong_password_shows_the_message_and_no_window_opens(qapp, db, manager, quiet):
    set_password(db, manager.user_id, "correct-horse-1")

    def wrong_then_quit(dialog: LoginDialog, seen: dict) -> None:
        dialog.login_edit.setText("kanri")
        dialog.password_edit.setText("battery-staple")
        dialog.login_button.click()
        seen.update(message=dialog.message.text(), shown=dialog.message.isVisible(),
                    masked=dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password,
                    password_left=dialog.password_edit.text(), demo=dialog.demo_frame.isVisible(),
                    windows=[w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)])
        dialog.cancel_button.click()  # 終了

    seen = drive_dialog(LoginDialog, wrong_then_quit)
    assert app_module.run_app(db.url) == 0
    assert "timeout" not in seen
    assert seen["message"] == "ログインIDかパスワードが違います。" and seen["shown"]
    assert seen["masked"] and seen["password_left"] == ""
    assert not seen["demo"]  # no demo accounts in this database
    assert seen["windows"] == []
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def test_a_database_without_staff_asks_for_the_first_manager(qapp, new_database, quiet):
    target = new_database

    def register(dialog: FirstStartDialog, seen: dict) -> None:
        dialog.login_edit.setText("yamada")
        dialog.name_edit.setText("山田 太郎")
        dialog.password_edit.setText("himitsu-123")
        dialog.confirm_edit.setText("himitsu-124")
        dialog.create_button.click()
        seen["mismatch"] = dialog.error_text("password_confirm")
        dialog.confirm_edit.setText("himitsu-123")
        dialog.create_button.click()

    seen = drive_dialog(FirstStartDialog, register)
    code, window = run_until(qapp, target, lambda w: True, login=None)
    assert code == 0 and "timeout" not in seen and "timeout" not in window
    assert seen["mismatch"] == "確認用のパスワードが一致しません。"
    assert window["actor"] == "山田 太郎" and window["rows"] == 0
    db = Database.open(target)
    try:
        actor = auth.login(db, "yamada", "himitsu-123")
        assert actor.role == Role.MANAGER and actor.name == "山田 太郎"
    finally:
        db.dispose()


def test_an_existing_database_with_customers_is_left_alone(qapp, tmp_path, quiet, manager, db):
    from .helpers import SAMPLE_CUSTOMERS

    customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    url = db.url
    code, seen = run_until(qapp, url, lambda w: True)
    assert seen["rows"] == 1


def test_a_database_from_a_newer_version_is_refused(qapp, tmp_path, quiet, monkeypatch):
    path = tmp_path / "newer.sqlite3"
    db = Database.open(path, create=True)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    db.dispose()
    fatal = []
    monkeypatch.setattr(app_module, "_fatal", fatal.append)
    assert app_module.run_app(str(path)) == 1
    assert "新しいバージョン" in fatal[0]


def test_qt_own_texts_are_japanese_after_start_up(qapp):
    from PySide6.QtCore import QCoreApplication, QLocale

    app_module.ensure_application()
    assert QCoreApplication.translate("QFileDialog", "&Save") == "保存(&S)"
    assert QCoreApplication.translate("QLineEdit", "&Undo") == "元に戻す(&U)"  # a text box's context menu
    assert QCoreApplication.translate("QLineEdit", "Select All") == "すべてを選択"
    assert QLocale().language() == QLocale.Language.Japanese


def test_the_save_dialog_opens_in_the_documents_folder_not_where_the_program_runs(tmp_path, monkeypatch):
    from reseller_desk.ui.widgets import documents_folder

    monkeypatch.chdir(tmp_path)
    folder = documents_folder()
    assert folder == tmp_path / "home" / "Documents" and folder.is_dir()  # HOME is tmp_path/home in these tests

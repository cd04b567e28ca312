"""Unexpected errors: logged with their traceback, shown briefly, and the app keeps running."""

from __future__ import annotations

import sys
import threading

import pytest
from PySide6.QtCore import QObject, QTimer, Signal

from reseller_desk.services.errors import PermissionDenied
from reseller_desk.ui.errors import LOG_FILE_NAME, UNEXPECTED_MESSAGE, ErrorHandler


class Emitter(QObject):
    fire = Signal()


@pytest.fixture
def handler(tmp_path, shown):
    handler = ErrorHandler(log_dir=tmp_path / "logs", show_dialog=shown.error).install()
    yield handler
    handler.uninstall()


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_and_shown_and_the_app_keeps_running(handler, tmp_path, shown, qtbot):
    assert sys.excepthook == handler.excepthook
    emitter = Emitter()

    def broken_slot():
        raise RuntimeError("スロットで失敗")

    emitter.fire.connect(broken_slot)
    QTimer.singleShot(0, emitter.fire.emit)  # raised inside the event loop
    qtbot.waitUntil(lambda: len(shown.errors) == 1, timeout=2000)

    title, message, details = shown.errors[0]
    assert title == "エラー" and message == UNEXPECTED_MESSAGE
    assert "RuntimeError: スロットで失敗" in details
    log_file = tmp_path / "logs" / LOG_FILE_NAME
    assert handler.log_path == log_file
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: スロットで失敗" in text
    assert "broken_slot" in text

    # The event loop still runs: timers fire, signals are delivered.
    ticks = []
    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=2000)


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_thread_is_shown_on_the_ui_thread(handler, tmp_path, shown, qtbot):
    def work():
        raise ValueError("スレッドで失敗")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(shown.errors) == 1, timeout=2000)
    assert "ValueError: スレッドで失敗" in shown.errors[0][2]
    assert "ValueError: スレッドで失敗" in (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")


def test_a_service_refusal_nobody_caught_shows_its_own_words(handler, shown):
    try:
        raise PermissionDenied("「会社情報の変更」は管理者だけが行えます。")
    except PermissionDenied as error:
        handler.handle_exception(error)
    assert shown.errors[0][1] == "「会社情報の変更」は管理者だけが行えます。"


def test_uninstall_restores_the_hooks(tmp_path, shown):
    previous = sys.excepthook, threading.excepthook
    handler = ErrorHandler(log_dir=tmp_path, show_dialog=shown.error).install()
    handler.uninstall()
    assert (sys.excepthook, threading.excepthook) == previous


def test_log_lines_are_stamped_in_japan_time_whatever_the_machines_zone(tmp_path, shown, monkeypatch):
    import logging
    import time

    from reseller_desk.ui.errors import LOG_FORMAT, JapanTimeFormatter

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        record = logging.LogRecord("reseller_desk", logging.INFO, __file__, 1, "ログイン: kanri", None, None)
        record.created = 1_795_160_585.12  # 2026-11-20 07:43:05.12 UTC
        record.msecs = 120
        line = JapanTimeFormatter(LOG_FORMAT).format(record)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert line.startswith("2026-11-20 16:43:05,120 JST INFO reseller_desk ")
    handler = ErrorHandler(log_dir=tmp_path / "logs", show_dialog=shown.error)
    try:
        files = [h for h in logging.getLogger("reseller_desk").handlers if getattr(h, "_reseller_desk_file", False)]
        assert len(files) == 1 and isinstance(files[0].formatter, JapanTimeFormatter)
    finally:
        handler.uninstall()


# -- issue 7: what the log may hold (M1), its file modes (L6), the start-up dialog (L1) --------

SECRET_CUSTOMER = dict(kind="individual", name="秘密 花子", name_kana="ヒミツ ハナコ", phone="090-1234-5678",
                       email="hanako.secret@example.jp", postal_code="105-0011", address="東京都港区芝公園9-9-9",
                       notes="病歴: 通院中（個人情報）")


def _save_customer_through_the_window_pipeline(db, manager, handler):
    """customers.add_customer as the customer form runs it: through Operations, whose
    unexpected errors go to the window's ErrorHandler."""
    from reseller_desk.domain.customer import CustomerDraft
    from reseller_desk.services import customers
    from reseller_desk.ui.operations import Operations

    saved = []
    ops = Operations(error_handler=handler.handle_exception, synchronous=True, show_message=lambda *_: None)
    try:
        ops.run(lambda: customers.add_customer(db, manager, CustomerDraft(**SECRET_CUSTOMER)), success=saved.append)
        ops.wait_idle()
    finally:
        ops.deleteLater()
    return saved


def _log_text(tmp_path) -> str:
    for h in __import__("logging").getLogger("reseller_desk").handlers:
        h.flush()
    return (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")


def _assert_no_customer_data(text: str) -> None:
    for field in ("name", "name_kana", "phone", "email", "address", "notes"):
        assert SECRET_CUSTOMER[field] not in text, field
    assert "0901234567" not in text and "秘密" not in text and "病歴" not in text


def test_a_database_error_while_saving_a_customer_leaves_no_customer_data_in_the_log(db, manager, handler, tmp_path,
                                                                                     shown):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON customers "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    assert _save_customer_through_the_window_pipeline(db, manager, handler) == []
    text = _log_text(tmp_path)
    assert "IntegrityError" in text and "INSERT INTO customers" in text and "Traceback" in text  # it was logged
    _assert_no_customer_data(text)
    assert len(shown.errors) == 1 and shown.errors[0][1] == UNEXPECTED_MESSAGE
    _assert_no_customer_data(shown.errors[0][2])  # the dialog's details neither


def test_saving_into_a_read_only_database_says_so_in_japanese_and_logs_no_customer_data(db, manager, handler, tmp_path,
                                                                                        shown):
    from urllib.parse import unquote

    from reseller_desk.db.database import Database
    from reseller_desk.db.errors import READ_ONLY_MESSAGE

    path = unquote(db.engine.url.database.removeprefix("file:"))
    read_only = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert read_only.read_only
        assert _save_customer_through_the_window_pipeline(read_only, manager, handler) == []
    finally:
        read_only.dispose()
    assert [message for _title, message, _details in shown.errors] == [READ_ONLY_MESSAGE]
    text = _log_text(tmp_path)
    assert "readonly database" in text
    _assert_no_customer_data(text)


NEWBIE = ("newbie", "新人 一郎", "clerk", "newbie-pass-1")


def test_a_failing_staff_add_does_not_log_the_password_hash(db, manager, handler, tmp_path, shown):
    from reseller_desk.services import staff
    from reseller_desk.ui.operations import Operations

    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON staff_users "
                             "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    ops = Operations(error_handler=handler.handle_exception, synchronous=True, show_message=lambda *_: None)
    try:
        ops.run(lambda: staff.add_staff(db, manager, *NEWBIE))  # (the traceback quotes this line)
        ops.wait_idle()
    finally:
        ops.deleteLater()
    text = _log_text(tmp_path)
    assert "INSERT INTO staff_users" in text
    assert "scrypt$" not in text and "newbie-pass-1" not in text and "新人" not in text
    assert "scrypt$" not in shown.errors[0][2]


@pytest.fixture
def umask_022():
    import os

    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path) -> int:
    import stat

    return stat.S_IMODE(path.stat().st_mode)


def test_the_log_and_its_folders_are_the_owners_alone_rotations_included(tmp_path, shown, umask_022):
    import logging

    folder = tmp_path / "state" / "reseller-desk" / "log"
    handler = ErrorHandler(log_dir=folder, show_dialog=shown.error)
    try:
        logging.getLogger("reseller_desk").info("ログイン: kanri")
        file_handler = next(h for h in logging.getLogger("reseller_desk").handlers
                            if getattr(h, "_reseller_desk_file", False))
        file_handler.doRollover()
        logging.getLogger("reseller_desk").info("2 行目")
        file_handler.flush()
    finally:
        handler.uninstall()
    assert sorted(p.name for p in folder.iterdir()) == [LOG_FILE_NAME, f"{LOG_FILE_NAME}.1"]
    assert _mode(folder / LOG_FILE_NAME) == _mode(folder / f"{LOG_FILE_NAME}.1") == 0o600
    assert _mode(folder) == _mode(folder.parent) == _mode(folder.parent.parent) == 0o700


def test_a_log_an_earlier_version_left_readable_by_others_is_tightened(tmp_path, shown, umask_022):
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in (LOG_FILE_NAME, f"{LOG_FILE_NAME}.3"):
        (folder / name).write_text("古いログ\n", encoding="utf-8")
        (folder / name).chmod(0o644)
    ErrorHandler(log_dir=folder, show_dialog=shown.error).uninstall()
    assert _mode(folder / LOG_FILE_NAME) == _mode(folder / f"{LOG_FILE_NAME}.3") == 0o600
    assert (folder / LOG_FILE_NAME).read_text(encoding="utf-8").startswith("古いログ")


def _broken_targets(tmp_path):
    import os

    (tmp_path / "a-folder.sqlite3").mkdir()
    (tmp_path / "random.sqlite3").write_bytes(os.urandom(8192))
    foreign = tmp_path / "places.sqlite"
    import sqlite3

    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY)")
    conn.close()
    return {
        "a folder": (str(tmp_path / "a-folder.sqlite3"), "フォルダです"),
        "random bytes": (str(tmp_path / "random.sqlite3"), "SQLite のデータベースではありません"),
        "another program's": (str(foreign), "別のアプリケーション"),
        "a kernel file": ("sqlite:////proc/version", "SQLite のデータベースではありません"),
        "an unknown driver": ("foo://x", "「foo」には対応していません"),
    }


@pytest.mark.parametrize("kind", ["a folder", "random bytes", "another program's", "a kernel file", "an unknown driver"])
def test_the_window_shows_a_database_it_cannot_open_in_japanese_and_logs_the_traceback(qapp, tmp_path, monkeypatch,
                                                                                       kind):
    from reseller_desk.ui import app as app_module
    from reseller_desk.ui import errors as errors_module

    target, words = _broken_targets(tmp_path)[kind]
    monkeypatch.setattr(errors_module, "default_log_dir", lambda: tmp_path / "logs")
    fatal: list[str] = []
    monkeypatch.setattr(app_module, "_fatal", fatal.append)
    assert app_module.run_app(target) == 1
    assert len(fatal) == 1 and words in fatal[0]
    assert "Traceback" not in fatal[0] and "sqlite3." not in fatal[0] and "NoSuchModuleError" not in fatal[0]
    text = (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "データベースを開けません" in text and "Traceback (most recent call last)" in text


def test_a_message_for_an_error_nobody_worded_still_names_the_database_and_not_the_driver(tmp_path):
    from reseller_desk.ui.app import cannot_open_message

    message = cannot_open_message(RuntimeError("driver said something in English"), "postgresql://u:pw@h/db")
    assert "English" not in message and "pw" not in message and "postgresql://u:***@h/db" in message


def test_the_window_opens_a_read_only_database_for_reading(qapp, tmp_path):
    from reseller_desk.db.database import Database
    from reseller_desk.services import customers
    from reseller_desk.ui.app import open_database

    path = tmp_path / "office.sqlite3"
    Database.open(path, create=True).dispose()
    db, is_new = open_database(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert db.read_only and not is_new and customers.count_customers(db) == 0
    finally:
        db.dispose()


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_the_window_leaves_a_database_from_a_newer_version_byte_for_byte_as_it_was(qapp, tmp_path, journal_mode):
    from reseller_desk.db.errors import DatabaseTooNew
    from reseller_desk.ui.app import open_database
    from tests.db.test_opening import ours, snapshot

    path = ours(tmp_path / "office" / "newer.sqlite3", journal_mode, revision="0099_from_the_future")
    before = snapshot(path)
    with pytest.raises(DatabaseTooNew):
        open_database(str(path))
    assert snapshot(path) == before

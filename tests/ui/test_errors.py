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

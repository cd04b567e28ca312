"""設定 → バックアップ: when the last backup was made, the warning after seven days, 「今すぐバックアップ」
asking where (the save dialog is a fake here) and running off the UI thread with a progress
dialog whose 中止 leaves no file; the main window's status bar tells a manager at log-in."""

from __future__ import annotations

import datetime as dt
import os
import stat
import threading

import pytest
from PySide6.QtWidgets import QProgressDialog, QPushButton

from reseller_desk import clock
from reseller_desk.services import backup as backup_service
from reseller_desk.ui.app import create_main_window
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Operations
from reseller_desk.ui.settings.backup_tab import CANCELLED, NEVER

from .helpers import shown_settings_page


class FakeSaveDialog:
    """Stands for the file dialog: records what it was offered and answers ``answer`` ("" is
    the manager pressing キャンセル)."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.offered: list[tuple[str, str]] = []

    def __call__(self, parent, caption: str, suggested: str) -> str:
        self.offered.append((caption, suggested))
        return self.answer


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data" / "reseller-desk" / "backups"


def backup_tab(ctx, qtbot):
    page = shown_settings_page(ctx, qtbot)
    page.tabs.setCurrentWidget(page.backup_tab)
    tab = page.backup_tab
    tab.page = page  # kept alive with the tab
    return tab


def test_a_manager_is_told_there_is_no_backup_yet_and_a_clerk_has_no_such_tab(ctx, clerk_ctx, qtbot, data_home,
                                                                               artifacts):
    tab = backup_tab(ctx, qtbot)
    titles = [tab.page.tabs.tabText(i) for i in range(tab.page.tabs.count())]
    assert titles[-2:] == ["バックアップ", "担当者"]
    assert tab.last_label.text() == NEVER and tab.file_label.text() == "—"
    assert tab.warning.isVisible() and "まだありません" in tab.warning.text()
    assert tab.folder_label.text() == str(data_home)
    assert tab.backup_button.isEnabled()
    tab.page.grab().save(str(artifacts / "backup-tab-never.png"))
    tab.page.grab().save("/tmp/backup-tab-never.png")

    clerk_page = shown_settings_page(clerk_ctx, qtbot)
    assert clerk_page.backup_tab is None
    assert "バックアップ" not in [clerk_page.tabs.tabText(i) for i in range(clerk_page.tabs.count())]


def test_backing_up_now_asks_where_then_writes_the_file_and_shows_it(ctx, db, manager, qtbot, data_home, artifacts):
    tab = backup_tab(ctx, qtbot)
    chosen = data_home / "office.sqlite3"
    dialog = tab.ask_save_path = FakeSaveDialog(str(chosen))
    with clock.frozen(dt.datetime(2026, 12, 1, 14, 5)):
        tab.backup_button.click()
        ctx.ops.wait_idle()
    (caption, suggested), = dialog.offered
    assert caption == "バックアップの保存先"
    assert suggested == str(data_home / "reseller-desk-backup-20261201-1405.sqlite3")
    assert stat.S_IMODE(data_home.stat().st_mode) == 0o700  # made, so the dialog opens in it
    assert os.listdir(data_home) == ["office.sqlite3"] and stat.S_IMODE(chosen.stat().st_mode) == 0o600
    assert tab.status.text().startswith(f"バックアップを作成しました: {chosen}")
    assert tab.last_label.text() == f"2026-12-01 14:05（{manager.name}）"
    assert tab.file_label.text().startswith(str(chosen))
    assert not tab.warning.isVisible()
    tab.page.resize(1000, 560)
    tab.page.grab().save(str(artifacts / "backup-tab.png"))
    tab.page.grab().save("/tmp/backup-tab.png")


def test_pressing_cancel_in_the_save_dialog_does_nothing(ctx, db, qtbot, data_home):
    tab = backup_tab(ctx, qtbot)
    tab.ask_save_path = FakeSaveDialog("")
    tab.backup_button.click()
    ctx.ops.wait_idle()
    assert os.listdir(data_home) == [] and tab.status.text() == ""
    assert backup_service.last_backup(db).made is None


def test_a_refused_backup_is_said_in_the_tab(ctx, db, qtbot, data_home):
    tab = backup_tab(ctx, qtbot)
    existing = data_home / "yesterday.sqlite3"
    data_home.mkdir(parents=True)
    existing.write_bytes(b"yesterday")
    tab.ask_save_path = FakeSaveDialog(str(existing))
    tab.backup_button.click()
    ctx.ops.wait_idle()
    assert "既にあります" in tab.status.text() and existing.read_bytes() == b"yesterday"


def test_the_warning_comes_back_after_seven_days(ctx, db, manager, qtbot, data_home, tmp_path):
    with clock.frozen(dt.datetime(2026, 12, 1, 14, 5)):
        backup_service.make_backup(db, manager, tmp_path)
    with clock.frozen(dt.datetime(2026, 12, 9, 9, 0)):
        tab = backup_tab(ctx, qtbot)
        assert tab.warning.isVisible()
        assert tab.warning.text().startswith("前回のバックアップから7日たっています")


def test_cancelling_the_progress_dialog_stops_the_copy_and_leaves_no_file(db, manager, qtbot, data_home, shown):
    ops = Operations(show_message=shown.message, error_handler=shown.unexpected.append, progress_delay_ms=0)
    ctx = AppContext(db, manager, ops)
    tab = backup_tab(ctx, qtbot)
    tab.ask_save_path = FakeSaveDialog(str(data_home / "office.sqlite3"))
    # The one background lane is busy with something else, so the backup waits behind it with
    # its progress dialog open, and 中止 is pressed before its first page is copied.
    release = threading.Event()
    ops.run(lambda: release.wait(10))
    messages: list[str] = []
    ops.message.connect(messages.append)
    tab.backup_button.click()
    assert not tab.backup_button.isEnabled()
    progress, = tab.findChildren(QProgressDialog)
    assert progress.labelText() == "バックアップを作成しています…"
    cancel, = progress.findChildren(QPushButton)
    assert cancel.text() == "中止"
    cancel.click()
    release.set()
    assert ops.wait_idle()
    assert os.listdir(data_home) == [] and backup_service.last_backup(db).made is None
    assert tab.status.text() == CANCELLED and "中止しました。" in messages
    assert tab.backup_button.isEnabled() and shown.unexpected == []


@pytest.fixture
def window_of(db, shown, qtbot):
    def open_window(actor):
        window = create_main_window(db, actor, show_message=shown.message, synchronous=True)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return open_window


def test_the_status_bar_tells_a_manager_at_log_in_and_no_clerk(window_of, db, manager, clerk, tmp_path):
    window = window_of(manager)
    assert window.backup_label.isVisible() and window.backup_label.text() == "バックアップがまだありません"
    with clock.frozen(dt.datetime(2026, 12, 1, 14, 5)):
        backup_service.make_backup(db, manager, tmp_path)
    with clock.frozen(dt.datetime(2026, 12, 12, 9, 0)):
        window.set_actor(manager)  # logging in again, eleven days later
        assert window.backup_label.text() == "最後のバックアップから10日たっています"
        window.set_actor(clerk)
        assert not window.backup_label.isVisible()
    clerks_window = window_of(clerk)
    assert not clerks_window.backup_label.isVisible()


def test_a_backup_made_in_the_window_takes_the_warning_off_the_status_bar(window_of, manager, qtbot, data_home):
    window = window_of(manager)
    tab = window.show_section("settings").backup_tab
    tab.ask_save_path = FakeSaveDialog(str(data_home / "now.sqlite3"))
    tab.backup_button.click()
    window.ctx.ops.wait_idle()
    assert not window.backup_label.isVisible()

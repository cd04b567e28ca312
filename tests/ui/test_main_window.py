"""The acceptance test of the issue: a customer added through the form on a fresh database is
found by typing its furigana in half-width katakana into the search box."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.services import customers as customer_service
from reseller_desk.ui.app import create_main_window
from reseller_desk.ui.customer_form import CustomerForm
from reseller_desk.ui.customer_model import COL_NAME, COL_NAME_KANA, COL_PHONE
from reseller_desk.ui.customer_page import SEARCH_PLACEHOLDER
from reseller_desk.ui.main_window import ABOUT_TEXT, DEFAULT_SIZE

from .helpers import type_text


@pytest.fixture
def window(db, manager, shown, qtbot):
    # The real background operations (a worker thread), not the inline runner.
    window = create_main_window(db, manager, show_message=shown.message)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    activate(window, qtbot)
    yield window
    window.ctx.ops.wait_idle()


def activate(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=1000)


def idle(window) -> bool:
    return window.ctx.ops.is_idle()


def visible_names(window) -> list[str]:
    model = window.customer_page.model
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def test_add_a_customer_then_find_it_by_half_width_furigana(window, db, manager, qtbot, artifacts, shown):
    assert window.windowTitle() == "Reseller Desk"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "本日の業務", "顧客", "契約", "申込", "請求", "機器", "返却管理", "入金", "口座振替", "売掛金", "督促", "保証金",
        "出力", "設定", "操作履歴"]
    assert window.current_section() == "today"  # the first page after log-in
    page = window.show_section("customers")
    assert page.search.placeholderText() == SEARCH_PLACEHOLDER
    assert page.count_label.text() == "0件"

    # Someone else already registered another customer; F5 shows it.
    customer_service.add_customer(db, manager, CustomerDraft(
        kind="corporate", name="株式会社サンプル物産", name_kana="カブシキガイシャサンプルブッサン",
        phone="06-6111-2222"))
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert visible_names(window) == ["株式会社サンプル物産"]

    # Ctrl+N opens the form.
    with qtbot.waitSignal(page.form_opened, timeout=2000) as opened:
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form: CustomerForm = opened.args[0]
    qtbot.waitExposed(form)
    qtbot.mouseClick(form.fields.corporate_radio, Qt.MouseButton.LeftButton)
    type_text(qtbot, form.fields.edits["name"], "株式会社テスト商事")
    type_text(qtbot, form.fields.edits["name_kana"], "カブシキガイシャテストショウジ")
    qtbot.keyClicks(form.fields.edits["phone"], "03-1234-5678")
    assert form.fields.edits["name"].text() == "株式会社テスト商事"
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form not in page.forms and idle(window), timeout=5000)  # saved and closed
    assert shown.messages == []
    assert customer_service.count_customers(db) == 2
    qtbot.waitUntil(lambda: window.count_label.text() == "顧客 2件", timeout=2000)
    assert page.count_label.text() == "2件"
    assert "株式会社テスト商事" in window.statusBar().currentMessage()

    # Ctrl+F, then half-width katakana into the search box.
    # (A window manager gives activation back to the window when the dialog closes; the
    # offscreen platform does not, so the test does.)
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.search, timeout=1000)
    type_text(qtbot, page.search, "ﾃｽﾄｼｮｳｼﾞ")
    assert page.search.text() == "ﾃｽﾄｼｮｳｼﾞ"
    qtbot.waitUntil(lambda: page.model.query == "ﾃｽﾄｼｮｳｼﾞ", timeout=2000)  # after the short debounce
    assert page.model.rowCount() == 1
    assert visible_names(window) == ["株式会社テスト商事"]
    assert page.model.index(0, COL_NAME_KANA).data() == "カブシキガイシャテストショウジ"
    assert page.model.index(0, COL_PHONE).data() == "03-1234-5678"
    assert page.count_label.text() == "1件"
    # The saved customer is the selected one.
    assert page.selection.selected_id() == page.model.customer_id(0)

    window.grab().save(str(artifacts / "main_window.png"))


def test_shortcuts_switch_sections_and_open_the_selected_customer(window, qtbot, artifacts, sample_customers):
    page = window.show_section("customers")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert page.model.rowCount() == 4
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "applications"
    assert window.stack.currentWidget() is window.application_page
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "invoices"
    qtbot.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "equipment"
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "returns"
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "payments"
    qtbot.keyClick(window, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "debit"
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)   # 設定, past the ninth
    assert window.current_section() == "settings"
    assert window.stack.currentWidget() is window.settings_page
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "contracts"
    assert window.stack.currentWidget() is window.contract_page
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "today"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section() == "customers"
    # Shortcuts are shown in tooltips and menus.
    assert "Ctrl+4" in window.nav.item(3).toolTip() and window.nav.item(3).text() == "申込"
    assert window.new_application_action.shortcut().toString() == "Ctrl+Shift+N"
    assert window.new_customer_action.shortcut().toString() == "Ctrl+N"
    assert "Ctrl+N" in page.new_button.toolTip()
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.find_action.shortcut().toString() == "Ctrl+F"
    assert window.refresh_action.shortcut().toString() == "F5"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus[0].startswith("ファイル") and menus[-1].startswith("ヘルプ")

    # ↓ from the search box into the list, Enter opens the selected customer.
    page.focus_search()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.selection.selected_id() == page.model.customer_id(0)
    with qtbot.waitSignal(page.form_opened, timeout=3000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    form = opened.args[0]
    assert form.record.id == page.model.customer_id(0)
    assert form.fields.edits["name"].text() == page.model.index(0, COL_NAME).data()
    form.reject()

    # Double-click opens too (a real double-click is press, release, double-click, release).
    activate(window, qtbot)
    index = page.model.index(1, COL_NAME)
    rect = page.table.visualRect(index)
    with qtbot.waitSignal(page.form_opened, timeout=3000) as opened:
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args[0].record.id == page.model.customer_id(1)
    qtbot.wait(50)
    assert len(page.forms) == 1  # one double-click, one form
    opened.args[0].reject()

    # Header click sorts.
    header = page.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2))
    assert page.model.sort_key == "id"
    ids = page.model.ids()
    assert ids == sorted(ids)
    window.grab().save(str(artifacts / "main_window_list.png"))


def test_status_bar_and_about(window, manager, qtbot):
    qtbot.waitUntil(window.ctx.ops.is_idle, timeout=3000)  # the count is read off the UI thread
    texts = [window.db_label.text(), window.actor_label.text(), window.count_label.text()]
    assert texts == ["データベース: test.sqlite3", f"担当: {manager.name}（管理者）", "顧客 0件"]
    box = window.show_about()
    assert "バージョン" in box.text() and ABOUT_TEXT in box.text()
    assert "請求" not in box.text() and "契約管理" not in box.text()  # only what exists
    box.close()


def test_a_read_only_database_says_so_and_a_servers_password_never_shows(db, manager, qtbot):
    from reseller_desk.db.database import Database

    read_only = Database.open(db.url, readonly=True)
    window = create_main_window(read_only, manager)
    qtbot.addWidget(window)
    assert window.db_label.text() == "データベース: test.sqlite3（読み取り専用）"
    assert "変更は保存できません" in window.db_label.toolTip()
    window.ctx.ops.wait_idle(3000)
    read_only.dispose()
    server = Database("postgresql+psycopg://office:s3cret@db.example/desk", db.engine)
    window = create_main_window(server, manager)
    qtbot.addWidget(window)
    assert "s3cret" not in window.db_label.toolTip() + window.db_label.text()
    assert "office:***@db.example/desk" in window.db_label.toolTip()
    window.ctx.ops.wait_idle(3000)


def test_the_main_window_opens_at_a_size_that_fits_a_1366x768_laptop(window):
    width, height = DEFAULT_SIZE
    assert width <= 1366 - 16 and height <= 768 - 48 - 40  # a taskbar and the title bar
    screen = window.screen().availableGeometry()
    assert (window.width(), window.height()) == (min(width, screen.width() - 16), min(height, screen.height() - 40))


def test_a_clerk_sees_no_audit_section_and_switching_staff_rebuilds_the_window(db, clerk, manager, shown, qtbot):
    from .helpers import set_password

    set_password(db, manager.user_id, "kanri-pass-1")
    asked = []

    def login(db_, parent):
        from reseller_desk.ui.login import LoginDialog

        dialog = LoginDialog(db_, parent)
        asked.append(dialog)
        dialog.login_edit.setText("kanri")
        dialog.password_edit.setText("kanri-pass-1")
        return dialog.try_login()

    window = create_main_window(db, clerk, show_message=shown.message, login=login)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "本日の業務", "顧客", "契約", "申込", "請求", "機器", "返却管理", "入金", "口座振替", "売掛金", "督促", "保証金",
        "出力", "設定"]
    assert window.actor_label.text() == "担当: 事務 太郎（事務）"
    window.show_section("applications")
    window.new_application()
    assert len(window.application_page.dialogs) == 1

    # ファイル > 担当者の切替: the clerk's windows close, the manager logs in.
    file_menu = window.menuBar().actions()[0].menu()
    assert window.switch_staff_action in file_menu.actions()
    assert window.switch_staff_action.text() == "担当者の切替…"
    window.switch_staff_action.trigger()
    assert asked and asked[0].actor == manager
    assert window.ctx.actor == manager
    assert window.actor_label.text() == "担当: 管理 花子（管理者）"
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "本日の業務", "顧客", "契約", "申込", "請求", "機器", "返却管理", "入金", "口座振替", "売掛金", "督促", "保証金",
        "出力", "設定", "操作履歴"]
    assert window.current_section() == "applications" and window.application_page.dialogs == []
    activate(window, qtbot)
    window.show_section("audit")   # past Ctrl+9
    assert window.current_section() == "audit"
    qtbot.waitUntil(lambda: idle(window), timeout=3000)
    window.audit_page.refresh()
    qtbot.waitUntil(lambda: idle(window) and window.audit_page.model.rowCount() > 0, timeout=3000)
    assert window.audit_page.model.records[0].action == "staff.login"  # the log-in just made

    # A cancelled log-in changes nothing.
    window.login_runner = lambda db_, parent: None
    assert window.switch_staff() is False
    assert window.ctx.actor == manager


SCREEN_1366 = """
import json, sys
from reseller_desk.db.database import Database
from reseller_desk.services.permissions import Actor, Role
from reseller_desk.ui.app import create_main_window, ensure_application
from reseller_desk.ui.application.window import ApplicationDialog
app = ensure_application()
db = Database.open(sys.argv[1])
window = create_main_window(db, Actor(1, "kanri", "管理 花子", Role.MANAGER), synchronous=True)
window.show()
dialog = ApplicationDialog(window.ctx, None, window)
dialog.show()
app.processEvents()
window.grab().save(sys.argv[2])
screen = app.primaryScreen().availableGeometry()
close = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomRight())
print(json.dumps({"screen": [screen.width(), screen.height()], "window": [window.width(), window.height()],
                  "dialog": [dialog.width(), dialog.height()], "save_bottom": close.y()}))
db.dispose()
"""


def test_on_a_1366x768_screen_the_windows_open_whole_with_their_buttons_in_view(db, tmp_path):
    import json
    import os
    import subprocess
    import sys

    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768,
                                               "logicalDpi": 96, "dpr": 1}]}))
    shot = tmp_path / "main_1366x768.png"
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run([sys.executable, "-c", SCREEN_1366, str(tmp_path / "test.sqlite3"), str(shot)],
                          capture_output=True, text=True, env=env, timeout=120, check=True)
    sizes = json.loads(done.stdout.strip().splitlines()[-1])
    assert sizes["screen"] == [1366, 768]
    assert sizes["window"] == list(DEFAULT_SIZE) and sizes["dialog"] == [1180, 680]
    assert sizes["save_bottom"] < sizes["dialog"][1]  # 保存 inside the window, not below the screen
    assert shot.stat().st_size > 10_000

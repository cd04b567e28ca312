"""設定 → 担当者: the list of accounts, adding one (a temporary password shown once), roles,
deactivating and reactivating, resets; a refusal in the tab's words; no such tab for a clerk."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QApplication

from reseller_desk.services import auth, staff
from reseller_desk.services.audit import list_audit
from reseller_desk.services.permissions import Role
from reseller_desk.ui.settings.page import SettingsPage
from reseller_desk.ui.settings.staff_tab import AddStaffDialog, TemporaryPasswordDialog

from .helpers import set_password, shown_settings_page, type_text


def settings_page(ctx, qtbot) -> SettingsPage:
    return shown_settings_page(ctx, qtbot, 640)


@pytest.fixture
def tab(db, ctx, manager, clerk, qtbot):
    set_password(db, manager.user_id, "kanri-pass-1")
    set_password(db, clerk.user_id, "jimu-pass-1")
    page = settings_page(ctx, qtbot)
    page.tabs.setCurrentWidget(page.staff_tab)
    tab = page.staff_tab
    tab.page = page  # kept alive with the tab
    tab.confirmed = []
    tab.confirm = lambda title, text: tab.confirmed.append((title, text)) or True
    return tab


def rows(tab) -> list[tuple[str, ...]]:
    model = tab.model
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def open_dialogs(tab, kind):
    return [d for d in tab.dialogs if isinstance(d, kind) and d.isVisible()]


def test_a_manager_sees_the_staff_and_a_clerk_has_no_such_tab(tab, clerk_ctx, qtbot, artifacts):
    page = tab.page
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())][-1] == "担当者"
    assert rows(tab) == [("kanri", "管理 花子", "管理者", "有効", ""), ("jimu", "事務 太郎", "事務", "有効", "")]
    assert [tab.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "ログインID", "氏名", "役割", "状態", "備考"]
    assert not tab.role_button.isEnabled()  # nothing selected yet
    tab.select("jimu")
    assert tab.role_button.isEnabled() and tab.role_button.text() == "管理者にする"
    page.grab().save(str(artifacts / "staff-tab.png"))

    clerk_page = settings_page(clerk_ctx, qtbot)
    assert clerk_page.staff_tab is None
    assert "担当者" not in [clerk_page.tabs.tabText(i) for i in range(clerk_page.tabs.count())]


def test_adding_a_member_shows_the_temporary_password_once_with_a_copy_button(db, tab, manager, qtbot, artifacts):
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    [dialog] = open_dialogs(tab, AddStaffDialog)
    dialog.login_edit.setText("suzuki hanako")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "半角英数字" in dialog.error_text("login") and "入力" in dialog.error_text("name")
    dialog.grab().save(str(artifacts / "add-staff.png"))
    dialog.login_edit.setText("suzuki")
    type_text(qtbot, dialog.name_edit, "鈴木 花子")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.CLERK))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()

    [shown] = open_dialogs(tab, TemporaryPasswordDialog)
    password = shown.password_label.text()
    assert password == shown.issued.password and len(password) == 14
    assert shown.password_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    shown.grab().save(str(artifacts / "temporary-password.png"))
    qtbot.mouseClick(shown.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == password
    assert shown.copied.text() == "クリップボードにコピーしました。"
    shown.accept()
    assert open_dialogs(tab, TemporaryPasswordDialog) == []

    assert rows(tab)[-1] == ("suzuki", "鈴木 花子", "事務", "有効", "次のログインでパスワード変更")
    assert tab.selected().login == "suzuki"
    newcomer = auth.login(db, "suzuki", password)
    assert auth.must_change_password(db, newcomer)
    assert not any(password in (r.summary + str(r.after)) for r in list_audit(db, manager))


def test_a_role_change_and_deactivation_are_confirmed_and_done_through_the_services(db, tab, clerk, manager):
    tab.select("jimu")
    tab.role_button.click()
    assert tab.confirmed[-1][0] == "役割の変更" and "「管理者」にしますか" in tab.confirmed[-1][1]
    assert rows(tab)[1][2] == "管理者" and tab.role_button.text() == "事務にする"
    assert tab.window().findChild(type(tab.status)) is not None

    tab.active_button.click()
    assert tab.confirmed[-1][0] == "担当者を無効にする" and "削除はしません" in tab.confirmed[-1][1]
    assert rows(tab)[1][3] == "無効" and tab.active_button.text() == "有効に戻す"
    grey = tab.model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole)
    assert isinstance(grey, QBrush)
    tab.active_button.click()  # 有効に戻す needs no confirmation
    assert rows(tab)[1][3] == "有効"
    actions = [r.action for r in list_audit(db, manager, entity="staff", entity_id=clerk.user_id)]
    assert actions[:3] == ["staff.activate", "staff.deactivate", "staff.role"]


def test_declining_the_confirmation_changes_nothing(db, tab, clerk):
    tab.confirm = lambda title, text: False
    tab.select("jimu")
    tab.role_button.click()
    tab.active_button.click()
    tab.reset_button.click()
    assert rows(tab)[1] == ("jimu", "事務 太郎", "事務", "有効", "")
    assert auth.login(db, "jimu", "jimu-pass-1") == clerk


def test_a_reset_shows_the_new_temporary_password(db, tab, clerk, manager, artifacts):
    tab.select("jimu")
    tab.reset_button.click()
    assert tab.confirmed[-1][0] == "パスワードのリセット"
    [shown] = open_dialogs(tab, TemporaryPasswordDialog)
    assert shown.issued.staff.login == "jimu"
    assert rows(tab)[1][4] == "次のログインでパスワード変更"
    assert auth.login(db, "jimu", shown.password_label.text()) == clerk
    shown.accept()
    added = staff.add_staff(db, manager, "demo-kanri", "デモ 管理", "manager", "demo-pass-1", demo_account=True)
    staff.set_active(db, manager, added.id, False, expected_version=added.row_version)
    tab.load()
    assert rows(tab)[2] == ("demo-kanri", "デモ 管理", "管理者", "無効", "デモ用（パスワード公開）")
    tab.page.grab().save(str(artifacts / "staff-tab-notes.png"))


def test_a_refusal_is_said_in_the_tabs_status_line(db, tab, manager):
    tab.select("kanri")
    tab.role_button.click()  # the last manager
    assert tab.status.text() == ("管理 花子さんは、ログインできる最後の管理者です。事務にすると、誰も担当者や設定を管理できなくなります。"
                                 "先にほかの担当者を管理者にしてください。")
    assert "color" in tab.status.styleSheet()
    tab.active_button.click()
    assert tab.status.text() == "自分のアカウントは無効にできません。ほかの管理者に依頼してください。"
    assert rows(tab)[0] == ("kanri", "管理 花子", "管理者", "有効", "")

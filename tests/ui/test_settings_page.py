"""The 設定 page: company details, transfer accounts, closure days, plans; a clerk is refused."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.services import settings as settings_service
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.settings import BankAccountRecord
from reseller_desk.ui.settings.bank_accounts_tab import BANK_COLUMNS
from reseller_desk.ui.settings.page import SettingsPage
from reseller_desk.ui.settings.plan_dialog import PlanDialog
from reseller_desk.ui.settings.tab import MANAGER_ONLY

from .helpers import corporate_number, shown_settings_page, type_text


@pytest.fixture
def page(ctx, qtbot):
    return shown_settings_page(ctx, qtbot)


def fill_company(qtbot, tab, **values: str) -> None:
    for name, text in values.items():
        tab.edits[name].clear()
        type_text(qtbot, tab.edits[name], text)


def test_bad_registration_number_is_shown_next_to_the_field_then_a_good_one_saves(db, page, qtbot, shown, artifacts):
    tab = page.company_tab
    fill_company(qtbot, tab, name="株式会社リセラー", postal_code="1000005", address="東京都千代田区丸の内1-1-1",
                 phone="0312345678", registration_number="T1234567890123")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    message = tab.errors.message("registration_number")
    assert "チェックデジット" in message
    label = tab.errors.label("registration_number")
    assert label.isVisible() and label.parentWidget() is tab.edits["registration_number"].parentWidget()
    assert tab.edits["registration_number"].property("invalid") is True
    assert settings_service.get_company(db).name == ""  # nothing saved
    page.grab().save(str(artifacts / "settings_company_error.png"))

    good = "T" + corporate_number("234567890123")
    fill_company(qtbot, tab, registration_number=good.lower())
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = settings_service.get_company(db)
    assert saved.registration_number == good
    assert saved.postal_code == "100-0005" and saved.phone == "03-1234-5678"
    assert tab.errors.message("registration_number") == ""
    assert tab.edits["registration_number"].text() == good  # the cleaned value is shown
    assert shown.messages == []


def test_year_end_closures_and_one_day(db, page, qtbot):
    tab = page.closures_tab
    page.tabs.setCurrentWidget(tab)
    tab.year_spin.setValue(2026)
    qtbot.mouseClick(tab.year_end_button, Qt.MouseButton.LeftButton)
    days = [c.day for c in settings_service.list_closures(db)]
    assert days == year_end_closure_days(2026)
    assert tab.model.rowCount() == 6
    assert tab.model.index(0, 0).data() == "2026-12-29"
    assert tab.model.index(0, 1).data() == "火"
    assert tab.model.index(0, 2).data() == "年末年始"
    assert "2026年12月29日（火）" in tab.status.text()

    tab.date_edit.setDate(QDate(2026, 8, 14))
    type_text(qtbot, tab.note_edit, "夏季休業")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)
    assert settings_service.list_closures(db)[0] == settings_service.Closure(dt.date(2026, 8, 14), "夏季休業")

    tab.table.selectRow(0)
    qtbot.mouseClick(tab.remove_button, Qt.MouseButton.LeftButton)
    assert dt.date(2026, 8, 14) not in [c.day for c in settings_service.list_closures(db)]
    assert tab.model.rowCount() == 6


def test_add_a_plan_through_the_dialog(db, page, qtbot, artifacts):
    tab = page.plans_tab
    page.tabs.setCurrentWidget(tab)
    profile = tab.current_profile()
    assert profile is not None
    dialog = tab.add(is_option=False)
    assert isinstance(dialog, PlanDialog)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # empty: errors next to fields
    assert dialog.error_text("code") == "コードを入力してください。"
    assert dialog.error_text("name") == "名称を入力してください。"
    assert settings_service.list_plans(db) == []

    qtbot.keyClicks(dialog.code, "BASIC-01")
    type_text(qtbot, dialog.name, "ベーシックプラン")
    dialog.monthly_fee.setValue(1980)
    dialog.initial_fee.setValue(3300)
    dialog.minimum_term.setValue(24)
    dialog.early_termination_fee.setValue(10000)
    dialog.face_to_face.setChecked(True)
    assert dialog.monthly_fee.text() == "¥1,980"
    assert dialog.monthly_fee.minimum() == 0
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    plans = settings_service.list_plans(db, profile.key)
    assert [(p.details.code, p.details.monthly_fee, p.details.minimum_term_months) for p in plans] == [
        ("BASIC-01", 1980, 24)]
    assert tab.plan_model.rowCount() == 1
    cell = lambda column: tab.plan_model.index(0, column)  # noqa: E731
    assert [cell(c).data() for c in range(tab.plan_model.columnCount())] == [
        "BASIC-01", "ベーシックプラン", "¥1,980", "¥3,300", "24か月", "¥10,000", "要", "有効"]
    assert Qt.AlignmentFlag(cell(2).data(Qt.ItemDataRole.TextAlignmentRole)) & Qt.AlignmentFlag.AlignRight

    option = tab.add(is_option=True)
    # An option has no plan-only field at all (minimum term, termination fee, face to face).
    assert set(option.widgets) == {"code", "name", "monthly_fee", "initial_fee", "active", "notes"}
    qtbot.keyClicks(option.code, "REC")
    type_text(qtbot, option.name, "通話録音")
    option.monthly_fee.setValue(550)
    qtbot.mouseClick(option.save_button, Qt.MouseButton.LeftButton)
    assert tab.option_model.index(0, 2).data() == "¥550"

    # Change: the same code twice in one service is refused next to the field.
    again = tab.add(is_option=False)
    qtbot.keyClicks(again.code, "BASIC-01")
    type_text(qtbot, again.name, "重複")
    again.save()
    assert "使われています" in again.error_text("code")
    again.reject()

    changing = tab.edit(False, 0)
    changing.monthly_fee.setValue(2200)
    changing.save()
    assert tab.plan_model.index(0, 2).data() == "¥2,200"
    page.grab().save(str(artifacts / "settings.png"))


def test_bank_accounts_errors_per_row_then_save(db, page, qtbot):
    tab = page.bank_tab
    page.tabs.setCurrentWidget(tab)
    tab.model.set_accounts([
        BankAccountDetails("0001", "みずほ銀行", "100", "東京営業部", "普通", "1234567", "ｶ)ﾘｾﾗｰ"),
        BankAccountDetails("12", "", "1", "本店", "普通", "12345678", ""),
    ])
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert settings_service.list_bank_accounts(db) == []
    assert tab.model.errors.keys() >= {(1, "bank_code"), (1, "bank_name"), (1, "branch_code"), (1, "holder_kana")}
    assert not any(row == 0 for row, _field in tab.model.errors)
    assert "2行目 金融機関コード: 金融機関コードは4桁の数字です。" in tab.error_list.text()
    bank_code_column = tab.model.column_of("bank_code")
    assert tab.model.index(1, bank_code_column).data(Qt.ItemDataRole.ToolTipRole) == "金融機関コードは4桁の数字です。"
    assert tab.model.index(1, bank_code_column).data(Qt.ItemDataRole.BackgroundRole) is not None

    tab.model.remove_row(1)
    row = tab.model.add_row()
    for column, value in zip(BANK_COLUMNS, ["0005", "三菱UFJ銀行", "001", "本店", "当座", "7654321",
                                            "かぶしきがいしゃりせらー"], strict=True):
        tab.model.setData(tab.model.index(row, tab.model.column_of(column.key)), value)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = settings_service.list_bank_accounts(db)
    assert [a.details.bank_code for a in saved] == ["0001", "0005"]
    assert saved[1].details.holder_kana == "ｶﾌﾞｼｷｶﾞｲｼｬﾘｾﾗｰ"
    assert not tab.error_list.isVisible()


def test_a_clerk_sees_settings_read_only_with_the_reason_on_every_button(db, clerk_ctx, qtbot, shown, artifacts):
    page = SettingsPage(clerk_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    assert MANAGER_ONLY in page.role_note.text()
    tab = page.company_tab
    assert all(edit.isReadOnly() for edit in tab.edits.values())
    assert not tab.save_button.isEnabled() and tab.save_button.toolTip() == MANAGER_ONLY
    assert not page.bank_tab.save_button.isEnabled() and not page.bank_tab.add_button.isEnabled()
    assert not page.bank_tab.model.flags(page.bank_tab.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not page.closures_tab.year_end_button.isEnabled()
    assert page.closures_tab.year_end_button.toolTip() == MANAGER_ONLY
    assert not any(button.isEnabled() for button in page.plans_tab.buttons)
    page.grab().save(str(artifacts / "settings_clerk.png"))
    assert shown.messages == []


def test_a_clerk_is_refused_by_the_service_even_if_a_save_is_asked(db, clerk_ctx, qtbot, shown):
    page = SettingsPage(clerk_ctx)
    qtbot.addWidget(page)
    tab = page.company_tab
    tab.edits["name"].setText("株式会社リセラー")
    tab.edits["address"].setText("東京都千代田区丸の内1-1-1")
    tab.save()
    assert settings_service.get_company(db).name == ""
    assert "会社情報の変更" in tab.status.text() and "管理者" in tab.status.text()
    page.closures_tab.year_spin.setValue(2026)
    page.closures_tab.add_year_end()
    assert settings_service.list_closures(db) == []
    assert "休業日の登録" in page.closures_tab.status.text()
    assert shown.messages == []  # said once, in the tab


def test_a_message_about_a_row_lands_on_that_row_and_the_names_the_service_returns_are_shown(db, page, qtbot,
                                                                                               monkeypatch):
    tab = page.bank_tab
    typed = BankAccountDetails("0005", "三菱UFJ銀行", "021", "神田支店", "普通", "1234567", "ｶ)ﾘｾﾗｰ")
    tab.model.set_accounts([typed, dataclasses.replace(typed, branch_code="999")])

    def refuse(db_, actor, accounts, *, expected_versions):
        raise ValidationFailed({"accounts.1.branch_code": "支店コード 999 は三菱ＵＦＪにありません。"})

    monkeypatch.setattr(settings_service, "save_bank_accounts", refuse)
    tab.save()
    branch = tab.model.column_of("branch_code")
    assert tab.model.index(1, branch).data(Qt.ItemDataRole.ToolTipRole) == "支店コード 999 は三菱ＵＦＪにありません。"
    assert tab.model.index(1, branch).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert tab.model.index(0, branch).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "2行目 支店コード: 支店コード 999 は三菱ＵＦＪにありません。" in tab.error_list.text()

    stored = dataclasses.replace(typed, bank_name="三菱ＵＦＪ", branch_name="寺田町")
    monkeypatch.setattr(settings_service, "save_bank_accounts",
                        lambda db_, actor, accounts, *, expected_versions: [BankAccountRecord(1, stored, 1)])
    tab.model.remove_row(1)
    tab.save()
    name = tab.model.column_of("branch_name")
    assert tab.model.index(0, name).data() == "寺田町" and not tab.error_list.isVisible()


def test_a_character_no_font_prints_is_pointed_out_in_the_company_name(page, qtbot):
    tab = page.company_tab
    type_text(qtbot, tab.edits["name"], "株式会社😀")
    assert not tab.glyph_warnings["name"].isHidden() and "U+1F600" in tab.glyph_warnings["name"].text()


def test_a_character_no_font_prints_is_pointed_out_in_a_plan_name_and_may_be_kept(db, page, qtbot):
    tab = page.plans_tab
    page.tabs.setCurrentWidget(tab)
    dialog = tab.add(is_option=False)
    qtbot.waitExposed(dialog)
    type_text(qtbot, dialog.code, "EMOJI")
    type_text(qtbot, dialog.name, "ひかり😀プラン")
    warning = dialog.name_glyphs
    assert not warning.isHidden() and "U+1F600" in warning.text() and "このままでも保存できます" in warning.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # a warning, not an error
    qtbot.waitUntil(lambda: bool(settings_service.list_plans(db)), timeout=3000)
    assert settings_service.list_plans(db)[0].details.name == "ひかり😀プラン"

"""設定 → 請求: the collection day, the issue day and the 契約解除料's tax category, the dates they
give for last month, the shared version with 会社情報, and a clerk's read-only view."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import text

from reseller_desk import clock
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.company import CompanyDetails
from reseller_desk.services import billing_settings as service
from reseller_desk.services import settings as settings_service
from reseller_desk.ui.settings.billing_tab import NO_DAY
from reseller_desk.ui.settings.page import SettingsPage
from reseller_desk.ui.settings.tab import MANAGER_ONLY
from reseller_desk.ui.widgets import select_data
from tests.services.invoice_builders import a_customer, document, issue_documents
from tests.versions import company_now

from .helpers import shown_settings_page


@pytest.fixture(autouse=True)
def _december():
    with clock.frozen(dt.datetime(2026, 12, 10, 10, 0)):
        yield


@pytest.fixture
def tab(ctx, qtbot):
    page = shown_settings_page(ctx, qtbot)
    page.tabs.setCurrentWidget(page.billing_tab)
    yield page.billing_tab  # the page stays referenced (and alive) while the test runs


def items(box) -> list[str]:
    return [box.itemText(i) for i in range(box.count())]


def test_the_choices_are_the_profiles_bounds_and_the_defaults_are_shown(tab):
    assert items(tab.collection_day) == ["25日", "26日", "27日", "28日", "29日", "30日", "31日（月末日）"]
    assert items(tab.invoice_issue_day)[0] == "初日の営業日" and items(tab.invoice_issue_day)[-1] == "毎月15日"
    assert len(items(tab.invoice_issue_day)) == 16
    assert items(tab.early_termination_tax) == ["課税10%", "課税8%（軽減）", "非課税", "不課税"]
    assert (tab.collection_day.currentText(), tab.invoice_issue_day.currentText(),
            tab.early_termination_tax.currentText()) == ("27日", "初日の営業日", "不課税")
    assert "SC §10.1" in tab.collection_day.toolTip() and "翌営業日" in tab.collection_day.toolTip()
    assert "SC §10.2" in tab.invoice_issue_day.toolTip() and "15日" in tab.invoice_issue_day.toolTip()
    assert "terms-rules §4" in tab.early_termination_tax.toolTip()
    assert tab.verify_button.text() == "請求書の改ざん検査…" and "電子帳簿保存法" in tab.verify_button.toolTip()


def test_last_months_dates_follow_what_is_chosen_before_it_is_saved(db, tab, artifacts):
    lines = tab.preview.text().splitlines()
    assert len(lines) == 5 and lines[0] == "2026年11月分の請求書"  # then two lines per service
    assert lines[2] == "　発行日 2026年12月1日（火）／口座振替 2026年12月28日（月）／振込期限 2026年12月30日（水）"
    select_data(tab.collection_day, 31)
    select_data(tab.invoice_issue_day, 5)
    assert "発行日 2026年12月7日（月）／口座振替 2027年1月4日（月）" in tab.preview.text()
    assert service.billing_settings(db) == service.DEFAULTS, "nothing saved yet"
    tab.grab().save(str(artifacts / "billing_tab.png"))


def test_saving_keeps_the_settings_and_a_stale_save_offers_the_latest(db, manager, tab, qtbot, shown):
    select_data(tab.collection_day, 26)
    select_data(tab.invoice_issue_day, 10)
    select_data(tab.early_termination_tax, TaxCategory.TAXABLE_10)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert service.billing_settings(db) == service.BillingSettings(26, 10, TaxCategory.TAXABLE_10, 1)
    assert tab.status.text() == "請求の設定を保存しました。" and not tab.dirty

    # 会社情報 saved elsewhere since: the same row, so this tab's save is stale
    settings_service.save_company(db, manager, CompanyDetails(name="株式会社みらいテレコム", address="東京都千代田区"),
                                  expected_version=company_now(db))
    select_data(tab.invoice_issue_day, NO_DAY)
    tab.save()
    assert service.billing_settings(db).invoice_issue_day == 10
    assert "請求の設定は" in shown.reload_latest()
    assert tab.invoice_issue_day.currentText() == "毎月10日" and tab.version == company_now(db)
    select_data(tab.invoice_issue_day, NO_DAY)
    tab.save()
    assert service.billing_settings(db).invoice_issue_day is None


def test_a_value_stored_outside_todays_choices_is_shown_as_it_is(db, manager, ctx, qtbot):
    service.save_billing_settings(db, manager, collection_day=25, invoice_issue_day=None,
                                  early_termination_tax=TaxCategory.OUTSIDE, expected_version=0)
    page = shown_settings_page(ctx, qtbot)
    page.billing_tab.collection_day.removeItem(0)  # as if a profile now began at the 26th
    page.billing_tab.set_settings(service.billing_settings(db))
    assert page.billing_tab.collection_day.currentText() == "25日"


def test_a_clerk_sees_the_billing_settings_read_only(db, clerk_ctx, qtbot, shown):
    page = SettingsPage(clerk_ctx)
    qtbot.addWidget(page)
    tab = page.billing_tab
    assert not tab.collection_day.isEnabled() and tab.collection_day.toolTip() == MANAGER_ONLY
    assert not tab.save_button.isEnabled()
    assert "2026年11月分" in tab.preview.text()
    tab.save()  # asked anyway: the service refuses, said once in the tab
    assert "管理者" in tab.status.text() and service.billing_settings(db) == service.DEFAULTS
    assert shown.messages == []


def test_the_chain_check_passes_untouched_invoices_and_names_one_altered_behind_the_apps_back(db, tab, manager):
    customer = a_customer(db, manager)
    issued = issue_documents(db, customer, [document(), document(month=dt.date(2026, 10, 1))])
    tab.verify_chain()
    assert tab.verify_result.text() == "2 件の請求書を検査しました。改ざんは見つかりませんでした。"
    altered = issued[0]
    with db.engine.begin() as conn:   # someone with the database file, not the app
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER invoices_frozen_update"))
        else:
            conn.execute(text("ALTER TABLE invoices DISABLE TRIGGER invoices_frozen"))
        conn.execute(text("UPDATE invoices SET total = total - 1000 WHERE id = :i"), {"i": altered.invoice_id})
    tab.verify_chain()
    assert tab.verify_result.text().startswith(f"請求書 {altered.number}")
    assert "バックアップと照合してください" in tab.verify_result.text()

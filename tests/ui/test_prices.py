"""価格改定 in 設定 → プラン・オプション: the price dialog's history and form, the tables showing
this month's price, and the plan dialog once the service has been invoiced."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from reseller_desk import clock
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.prices import Price, PricedItem
from reseller_desk.services import prices as price_service
from reseller_desk.services import settings as settings_service
from reseller_desk.ui.settings.page import SettingsPage
from reseller_desk.ui.settings.price_dialog import PriceDialog
from reseller_desk.ui.settings.tab import MANAGER_ONLY
from tests.services.invoice_builders import a_customer, document, issue_documents

from .helpers import shown_settings_page

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture(autouse=True)
def _november():
    with clock.frozen(NOW):
        yield


@pytest.fixture
def plans(db, manager) -> dict[str, int]:
    return {
        "plan": settings_service.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-BASIC", "ベーシック",
                                                                          2980, 5000), expected_version=None).id,
        "option": settings_service.save_option(db, manager, None, PlanDetails("simpleconnect", "SC-REC", "通話録音",
                                                                              500, 1000), expected_version=None).id,
    }


@pytest.fixture
def page(ctx, qtbot, plans):
    page = shown_settings_page(ctx, qtbot)
    page.tabs.setCurrentWidget(page.plans_tab)
    select_profile(page, "simpleconnect")
    return page


def select_profile(page, key: str) -> None:
    combo = page.plans_tab.profile_combo
    combo.setCurrentIndex(combo.findData(key))


def cells(model, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def open_plan_prices(page, qtbot) -> PriceDialog:
    tab = page.plans_tab
    tab.plan_table.selectRow(0)
    qtbot.mouseClick(tab.price_buttons[0], Qt.MouseButton.LeftButton)
    dialog = tab.price_dialogs[-1]
    qtbot.waitExposed(dialog)
    return dialog


def test_a_price_change_from_next_month_is_listed_and_the_table_keeps_this_months_price(
        db, page, qtbot, plans, shown, artifacts):
    dialog = open_plan_prices(page, qtbot)
    assert cells(dialog.model, 0) == ["当初から", "¥2,980", "¥5,000", "（作成時の価格）", ""]
    assert dialog.from_month.date() == QDate(2026, 12, 1), "next month by default"
    assert dialog.monthly_fee.value() == 2980 and dialog.initial_fee.value() == 5000
    dialog.monthly_fee.setValue(3280)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert cells(dialog.model, 1) == ["2026年12月", "¥3,280", "¥5,000", "管理 花子", ""]
    assert price_service.price_in_month(db, PricedItem.PLAN, plans["plan"], dt.date(2026, 12, 1)) == Price(3280, 5000)
    model = page.plans_tab.plan_model
    assert cells(model, 0)[2] == "¥2,980", "November's price"
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "今月の価格です。2026年12月から ¥3,280（価格改定）"
    dialog.grab().save(str(artifacts / "price_dialog.png"))

    # the same month again: refused beside the month
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "すでにあります" in dialog.error_text("from_month") and dialog.summary.isVisible()

    # removing it: the history and the table go back
    dialog.table.selectRow(1)
    assert dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 1
    assert price_service.price_history(db, PricedItem.PLAN, plans["plan"])[1:] == []
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "¥2,980"
    assert shown.messages == [] and shown.unexpected == []


def test_a_change_from_this_month_shows_at_once_in_the_option_table(db, page, qtbot, plans):
    tab = page.plans_tab
    tab.option_table.selectRow(0)
    dialog = tab.open_prices(True, 0)
    assert dialog is not None
    dialog.from_month.setDate(QDate(2026, 11, 1))
    dialog.monthly_fee.setValue(550)
    dialog.add()
    assert cells(tab.option_model, 0)[2:4] == ["¥550", "¥1,000"]


def test_an_invoiced_month_cannot_be_repriced_and_its_price_cannot_be_removed(db, manager, page, qtbot, plans,
                                                                               artifacts):
    price_service.add_price_change(db, manager, PricedItem.PLAN, plans["plan"], from_month=dt.date(2026, 10, 1),
                                   monthly_fee=3000, initial_fee=5000)
    issue_documents(db, a_customer(db, manager), [document(month=dt.date(2026, 11, 1))])
    page.refresh()
    dialog = open_plan_prices(page, qtbot)
    assert [cells(dialog.model, r)[4] for r in range(2)] == ["請求済み", "請求済み"]
    dialog.table.selectRow(1)
    assert not dialog.remove_button.isEnabled() and "削除できません" in dialog.remove_button.toolTip()
    dialog.from_month.setDate(QDate(2026, 11, 1))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("from_month") == ("2026年11月分まで請求済みです。適用月は2026年12月以降にしてください"
                                               "（請求済みの月の価格は変えられません）。")
    assert len(price_service.price_history(db, PricedItem.PLAN, plans["plan"])) == 2
    dialog.grab().save(str(artifacts / "price_dialog_billed.png"))


def test_once_invoiced_the_plan_dialog_keeps_its_fees_and_points_to_the_price_dialog(db, manager, page, qtbot, plans,
                                                                                      artifacts):
    issue_documents(db, a_customer(db, manager), [document(month=dt.date(2026, 10, 1))])
    tab = page.plans_tab
    plan_dialog = tab.edit(False, 0)
    assert plan_dialog is not None
    qtbot.waitExposed(plan_dialog)
    assert plan_dialog.monthly_fee.isReadOnly() and plan_dialog.initial_fee.isReadOnly()
    assert "「価格改定…」" in plan_dialog.price_note.text() and plan_dialog.price_note.isVisible()
    plan_dialog.grab().save(str(artifacts / "plan_dialog_billed.png"))
    prices = plan_dialog.open_prices()
    assert prices is not None
    prices.monthly_fee.setValue(3480)
    prices.add()
    assert "価格改定 1件" in plan_dialog.price_note.text()
    assert tab.plan_model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole).endswith("2026年12月から ¥3,480（価格改定）")
    # the other fields still save
    prices.accept()
    plan_dialog.name.setText("ベーシックII")
    plan_dialog.save()
    assert settings_service.get_plan(db, plans["plan"]).details.name == "ベーシックII"


def test_a_clerk_reads_the_price_history_but_cannot_change_it(db, clerk_ctx, qtbot, plans, shown):
    page = SettingsPage(clerk_ctx)
    qtbot.addWidget(page)
    select_profile(page, "simpleconnect")
    assert all(button.isEnabled() for button in page.plans_tab.price_buttons)
    dialog = page.plans_tab.open_prices(False, 0)
    assert dialog is not None and dialog.model.rowCount() == 1
    assert not dialog.add_button.isEnabled() and dialog.add_button.toolTip() == MANAGER_ONLY
    assert not dialog.remove_button.isEnabled()
    assert shown.messages == []


def test_no_row_chosen_says_so_in_the_tab(page):
    page.plans_tab.plan_model.set_plans([], {})
    assert page.plans_tab.open_prices(False, 0) is None
    assert "一覧で選んでください" in page.plans_tab.status.text()

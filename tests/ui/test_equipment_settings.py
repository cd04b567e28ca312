"""設定 → 機器: the models with this month's prices, adding one with its accessories through the
dialog (a refusal beside its field), a price change from a month, and a clerk reading only."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from reseller_desk import clock
from reseller_desk.services.equipment import catalog, return_settings
from reseller_desk.ui.settings.equipment_tab import ModelDialog, ModelPriceDialog
from tests.services.equipment_stock_builders import a_model

from .helpers import shown_settings_page


@pytest.fixture(autouse=True)
def _november():
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        yield


def cells(model, row: int) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_the_tab_lists_models_with_their_prices_and_accessories(ctx, qtbot, db, manager):
    a_model(db, manager)
    page = shown_settings_page(ctx, qtbot)
    tab = page.equipment_tab
    page.tabs.setCurrentWidget(tab)
    assert cells(tab.model, 0)[:2] == ["KX-HDV130", "KX-HDV130 SIP電話機"]
    assert "受話器、ACアダプター" in cells(tab.model, 0)
    assert "19,800" in cells(tab.model, 0)[4]


def test_a_model_added_in_the_dialog_with_an_accessory_is_listed(ctx, qtbot, db):
    page = shown_settings_page(ctx, qtbot)
    tab = page.equipment_tab
    dialog = tab.add()
    assert isinstance(dialog, ModelDialog)
    dialog.name.setText("ルーター")
    dialog.save()
    assert "コード" in dialog.error_text("code")
    dialog.code.setText("RT-1")
    dialog.rental_fee.setValue(800)
    dialog.add_accessory(catalog.AccessoryDetails("LANケーブル", 300))
    dialog.save()
    [record] = catalog.list_models(db)
    assert (record.details.code, record.price_now.rental_fee) == ("RT-1", 800)
    assert [a.name for a in record.accessories] == ["LANケーブル"]
    assert cells(tab.model, 0)[0] == "RT-1"


def test_a_price_change_from_next_month_is_added_in_the_price_dialog(ctx, qtbot, db, manager):
    model_id = a_model(db, manager)
    page = shown_settings_page(ctx, qtbot)
    tab = page.equipment_tab
    tab.table.selectRow(0)
    dialog = tab.open_prices(0)
    assert isinstance(dialog, ModelPriceDialog)
    dialog.from_month.setDate(QDate(2027, 1, 1))
    dialog.rental_fee.setValue(700)
    dialog.add()
    assert [(h.from_month, h.rental_fee) for h in catalog.model_price_history(db, model_id)][-1] == \
        (dt.date(2027, 1, 1), 700)
    assert dialog.model.rowCount() == 2


def test_a_clerk_reads_the_models_but_cannot_change_them(clerk_ctx, qtbot, db, manager):
    a_model(db, manager)
    page = shown_settings_page(clerk_ctx, qtbot)
    tab = page.equipment_tab
    assert tab.model.rowCount() == 1
    assert not tab.add_button.isEnabled() and not tab.edit_button.isEnabled()
    dialog = tab.open_prices(0)
    assert not dialog.add_button.isEnabled()
    assert not tab.return_days.isEnabled() and not tab.save_days_button.isEnabled()


def test_a_manager_sets_the_return_days_that_the_next_ending_uses(ctx, qtbot, db, artifacts):
    page = shown_settings_page(ctx, qtbot)
    tab = page.equipment_tab
    page.tabs.setCurrentWidget(tab)
    assert tab.return_days.value() == 14 and tab.save_days_button.isEnabled()
    tab.return_days.setValue(21)
    tab.save_days_button.click()
    assert return_settings.return_settings(db).days == 21
    assert tab.return_days.value() == 21 and tab.return_days_version == return_settings.return_settings(db).version
    tab.grab().save(str(artifacts / "settings_equipment.png"))

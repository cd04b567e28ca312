"""The contract window's 機器 tab: a clerk scans a serial and lends the unit to an SH contract
and sees it listed; under SC 貸出… is disabled with the terms' reason; a clerk sells a unit,
出荷 stays disabled until a manager confirms payment, then it ships."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.domain.equipment import lending_problem, shipping_problem
from reseller_desk.domain.terms import load_profile
from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.equipment_section import ConfirmPaidDialog, LendDialog, SellDialog
from reseller_desk.ui.contract.window import EQUIPMENT_TAB, ContractWindow
from tests.services.builders import TODAY, sc_input, sh_input
from tests.services.contracts_on_file import approved_contract
from tests.services.equipment_lend_builders import PHONE_PRICE, put_model, put_units

from .helpers import set_up_office


@pytest.fixture
def frozen_today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def plans(db, manager, frozen_today):
    plans = set_up_office(db, manager)
    put_units(db, manager, put_model(db), ["SN-0001", "SN-0002", "SN-0003"])
    return plans


def window_of(ctx, qtbot, contract_id: int) -> ContractWindow:
    window = ContractWindow(ctx, contract_detail(ctx.db, contract_id), None)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(EQUIPMENT_TAB)
    return window


def rows(window: ContractWindow) -> list[tuple[str, str, str, str]]:
    section = window.equipment_section
    return [tuple(section.model.index(row, column).data() for column in range(4))  # type: ignore[misc]
            for row in range(section.model.rowCount())]


def shoot(window: ContractWindow, artifacts: Path, name: str) -> None:
    window.grab().save(str(artifacts / name))


def test_a_clerk_scans_a_serial_and_lends_the_unit_and_sees_it_listed(clerk_ctx, qtbot, db, clerk, manager, plans,
                                                                     shown, artifacts):
    sh = approved_contract(db, clerk, manager, sh_input(plans))
    window = window_of(clerk_ctx, qtbot, sh)
    section = window.equipment_section
    assert section.lend_button.isEnabled() and rows(window) == []
    lend = section.start_lend()
    assert isinstance(lend, LendDialog)
    qtbot.keyClicks(lend.serial, "sn-0002")
    qtbot.keyClick(lend.serial, Qt.Key.Key_Return)   # the scanner's Enter
    assert rows(window) == [("SN-0002", "SIP電話機 PH-100", "貸出", "貸出中")], shown.texts()
    assert "貸し出しました" in window.banner.text()
    again = section.start_lend()
    qtbot.keyClicks(again.serial, "SN-0002")
    again.confirm_button.click()
    assert "「在庫」" in again.summary.text() and again.isVisible()
    again.reject()
    wrong = section.start_lend()
    qtbot.keyClicks(wrong.serial, "SN-404")
    wrong.confirm_button.click()
    assert "SN-404" in wrong.error_text("serial")
    wrong.reject()
    section.select_serial("SN-0002")
    assert section.return_button.isEnabled() and not section.ship_button.isEnabled()
    shoot(window, artifacts, "contract_equipment_lent.png")


def test_under_sc_lending_is_disabled_with_the_terms_reason(clerk_ctx, qtbot, db, clerk, manager, plans):
    sc = approved_contract(db, clerk, manager, sc_input(plans))
    section = window_of(clerk_ctx, qtbot, sc).equipment_section
    assert not section.lend_button.isEnabled()
    assert section.lend_button.toolTip() == lending_problem(load_profile("simpleconnect"))
    assert section.sell_button.isEnabled()


def test_a_sold_unit_ships_only_after_a_manager_confirms_payment(clerk_ctx, ctx, qtbot, db, clerk, manager, plans,
                                                                  shown, artifacts):
    sc = approved_contract(db, clerk, manager, sc_input(plans))
    window = window_of(clerk_ctx, qtbot, sc)
    section = window.equipment_section
    sell = section.start_sell()
    assert isinstance(sell, SellDialog)
    qtbot.keyClicks(sell.serial, "SN-0001")
    qtbot.keyClick(sell.serial, Qt.Key.Key_Return)
    assert sell.price.value() == PHONE_PRICE and "SIP電話機 PH-100" in sell.model_label.text()
    sell.confirm_button.click()
    assert rows(window) == [("SN-0001", "SIP電話機 PH-100", "販売", "出荷待ち（入金待ち）")], shown.texts()
    section.select_serial("SN-0001")
    assert not section.ship_button.isEnabled()
    assert section.ship_button.toolTip() == shipping_problem(False)
    assert not section.paid_button.isEnabled() and "管理者" in section.paid_button.toolTip()
    assert not section.cancel_button.isEnabled()
    shoot(window, artifacts, "contract_equipment_sold_unpaid.png")

    boss_window = window_of(AppContext(db, manager, ctx.ops), qtbot, sc)
    boss = boss_window.equipment_section
    boss.select_serial("SN-0001")
    assert boss.paid_button.isEnabled() and boss.cancel_button.isEnabled()
    confirm = boss.start_confirm_paid()
    assert isinstance(confirm, ConfirmPaidDialog)
    confirm.confirm_button.click()
    assert "入金確認のメモを入力" in confirm.error_text("note")
    confirm.note.setPlainText("11月18日 振込入金を確認")
    confirm.confirm_button.click()
    assert not confirm.isVisible(), shown.texts()

    section.select_serial("SN-0001")   # the clerk's window followed Changes.EQUIPMENT
    assert section.ship_button.isEnabled(), section.ship_button.toolTip()
    section.ship_button.click()
    assert rows(window) == [("SN-0001", "SIP電話機 PH-100", "販売", "販売済（出荷済）")], shown.texts()
    assert "出荷しました" in window.banner.text()
    shoot(window, artifacts, "contract_equipment_shipped.png")

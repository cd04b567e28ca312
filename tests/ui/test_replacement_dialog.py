"""保証交換 dialog: a sold unit's replacement picked by scanning its serial (then Enter), shipped,
its receipt recorded, and past the deadline the penalty charged — each button enabled only when
the unit's state allows it; a unit that cannot be replaced says why."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reseller_desk import clock
from reseller_desk.domain.equipment import UnitStatus
from reseller_desk.ui.equipment.replacement_dialog import ReplacementDialog
from tests.services.equipment_swap_builders import (
    charges_of,
    put_model,
    put_unit,
    sc_contract,
    sold_unit,
    unit_row,
)

from .helpers import set_up_office

TODAY = dt.date(2026, 11, 20)
SHOTS = Path("/tmp/lead/shots11")


@pytest.fixture(autouse=True)
def on_november_20():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def sold(db, manager):
    office = set_up_office(db, manager)
    contract_id, _code = sc_contract(db, office, manager)
    model = put_model(db)
    put_unit(db, manager, model, "T46-0002")
    put_unit(db, manager, model, "T46-0003")
    return {"contract": contract_id, "old": sold_unit(db, manager, contract_id, model, "T46-0001"),
            "spare": put_unit(db, manager, model, "T46-0009")}


def dialog_for(ctx, qtbot, unit_id, *, ask=None, confirm=None) -> ReplacementDialog:
    dialog = ReplacementDialog(ctx, unit_id, ask=ask or (lambda _parent, _title, _label: None),
                               confirm=confirm or (lambda _title, _text: True))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def grab(dialog, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()     # the labels' new text laid out, as the window shows it
    dialog.grab().save(str(SHOTS / name))


def test_a_scanned_serial_ships_the_replacement_then_the_receipt_and_the_penalty_follow(
        clerk_ctx, db, qtbot, sold, shown):
    days = iter([dt.date(2026, 11, 1)])
    dialog = dialog_for(clerk_ctx, qtbot, sold["old"], ask=lambda _p, _t, _l: next(days))
    assert "T46-0001" in dialog.unit_label.text() and "販売済" in dialog.unit_label.text()
    assert not dialog.ship_button.isEnabled() and not dialog.receive_button.isEnabled()
    qtbot.keyClicks(dialog.serial, "t46-0002")
    qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)          # what a scanner sends after the serial
    assert dialog.picked.text() == "交換品: T46-0002"
    dialog.ship_day.setDate(dt.date(2026, 10, 30))
    grab(dialog, "swap-dialog-picked.png")
    qtbot.mouseClick(dialog.ship_button, Qt.MouseButton.LeftButton)
    assert "発送し" in dialog.message.text() and shown.messages == []
    assert unit_row(db, sold["old"]).status == UnitStatus.AWAITING_RETURN
    assert dialog.receive_button.isEnabled() and not dialog.charge_button.isEnabled()
    assert not dialog.ship_box.isEnabled()
    qtbot.mouseClick(dialog.receive_button, Qt.MouseButton.LeftButton)
    assert "2026年11月15日" in dialog.message.text()          # received 11-01 + 14 days
    assert "5日超過" in dialog.state.text()
    assert dialog.charge_button.isEnabled()
    grab(dialog, "swap-dialog-late.png")
    qtbot.mouseClick(dialog.charge_button, Qt.MouseButton.LeftButton)
    [charge] = charges_of(db, sold["contract"])
    assert (charge.amount, charge.tax_category.value) == (16500, "outside")
    assert unit_row(db, sold["old"]).status == UnitStatus.LOST
    assert not dialog.charge_button.isEnabled() and not dialog.return_button.isEnabled()


def test_the_old_unit_taken_back_damaged_goes_to_repair(clerk_ctx, db, qtbot, sold):
    dialog = dialog_for(clerk_ctx, qtbot, sold["old"])
    qtbot.keyClicks(dialog.serial, "T46-0003")
    qtbot.mouseClick(dialog.ship_button, Qt.MouseButton.LeftButton)
    dialog.damaged.setChecked(True)
    qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)
    assert "修理中" in dialog.message.text()
    assert unit_row(db, sold["old"]).status == UnitStatus.IN_REPAIR
    assert "交換は行われていません" in dialog.state.text()


def test_a_serial_of_another_model_or_not_in_stock_is_refused_in_the_dialog(clerk_ctx, db, qtbot, sold):
    dialog = dialog_for(clerk_ctx, qtbot, sold["old"])
    qtbot.keyClicks(dialog.serial, "NOPE-1")
    qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
    assert "在庫にありません" in dialog.picked.text()
    qtbot.mouseClick(dialog.ship_button, Qt.MouseButton.LeftButton)
    assert "登録されていません" in dialog.message.text()
    assert unit_row(db, sold["old"]).status == UnitStatus.SOLD


def test_a_unit_in_stock_cannot_be_replaced_and_the_dialog_says_why(clerk_ctx, qtbot, sold):
    dialog = dialog_for(clerk_ctx, qtbot, sold["spare"])
    assert dialog.problem.isVisibleTo(dialog) and "販売済" in dialog.problem.text()
    assert not dialog.ship_box.isEnabled() and not dialog.open_box.isEnabled()


def test_the_unit_window_opens_the_replacement_of_a_sold_unit_and_not_of_one_in_stock(clerk_ctx, db, qtbot, sold):
    from reseller_desk.services.equipment.stock_list import unit_detail
    from reseller_desk.ui.equipment.unit_window import UnitWindow

    in_stock = UnitWindow(clerk_ctx, unit_detail(db, sold["spare"]))
    qtbot.addWidget(in_stock)
    assert not in_stock.replacement_button.isEnabled() and "SC §21" in in_stock.replacement_button.toolTip()
    window = UnitWindow(clerk_ctx, unit_detail(db, sold["old"]))
    qtbot.addWidget(window)
    assert window.replacement_button.isEnabled()
    dialog = window.open_replacement()     # a child of the window, deleted when closed
    assert isinstance(dialog, ReplacementDialog) and dialog.isVisible()
    assert dialog.parent() is window

"""返却管理 with the real services: a 即日発番 contract with a phone lent is cancelled through the
contract's ending service, the return shows late in the list, is received through 返却受付 (the
serial typed + Enter, an accessory missing) and the next billing run's invoice carries the penalty
不課税; reminders are saved one file each and combined; loss and a waiver through their dialogs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.contracts import lifecycle
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.return_dialogs import DeclareLostDialog, PenaltyDialog, ReceiveReturnDialog
from reseller_desk.ui.equipment.returns_page import ReturnsPage
from reseller_desk.ui.widgets import to_qdate
from tests.services.billing_office import invoices, lines_of, with_transfer_account
from tests.services.builders import TODAY
from tests.services.contract_builders import version
from tests.services.contracts_on_file import sh_contract
from tests.services.equipment_return_builders import cancel, charges_of, lent_unit, phone_model, unit_state

from .helpers import set_up_office, type_text

ENDS, LATE = dt.date(2026, 12, 10), dt.date(2027, 1, 6)
BASE = 1980 + 500


@pytest.fixture
def ended(db, clerk, manager):
    """山田's SH contract, opened 2026-11-20 with a phone lent that day, cancelled on 2026-12-10."""
    with clock.frozen(TODAY):
        office = set_up_office(db, manager)
        contract_id = sh_contract(db, clerk, manager, office)
        lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY, expected_version=version(db, contract_id),
                                today=TODAY)
    phone = phone_model(db)
    unit_id = lent_unit(db, manager, phone["model"], contract_id, "SN-0001", TODAY)
    cancel(db, manager, contract_id, ENDS)
    return {"contract": contract_id, "unit": unit_id, **phone}


@pytest.fixture
def late_today():
    with clock.frozen(LATE):
        yield LATE


def page_of(ctx, qtbot) -> ReturnsPage:
    page = ReturnsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1160, 420)
    page.show()
    qtbot.waitExposed(page)
    return page


def cells(page: ReturnsPage, row: int = 0) -> list[str]:
    return [page.model.index(row, c).data() for c in range(page.model.columnCount())]


def shot(widget, folder: Path, name: str) -> None:
    widget.grab().save(str(folder / name))


def test_a_late_return_is_received_through_the_dialog_and_its_penalty_is_invoiced_outside_tax(
        ctx, qtbot, db, manager, ended, late_today, artifacts):
    page = page_of(ctx, qtbot)
    assert cells(page) == ["山田 太郎", code_of(db, ended), "SN-0001", "Yealink T58W", "2026-12-24", "13日",
                           f"¥{2 * BASE:,}", "0回"]
    assert page.model.index(0, 5).data(Qt.ItemDataRole.ForegroundRole) is not None   # late: marked
    assert page.count_label.text() == "1件（うち期限超過 1件）"
    shot(page, artifacts, "returns_page.png")

    opened, said = [], []
    page.dialog_opened.connect(opened.append)
    ctx.ops.message.connect(said.append)
    page.receive_button.click()
    [dialog] = opened
    assert isinstance(dialog, ReceiveReturnDialog)
    type_text(qtbot, dialog.serial, "sn-0001")
    qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
    assert "山田 太郎" in dialog.found.text() and "2026-12-24" in dialog.found.text()
    assert sorted(dialog.accessory_checks) == [ended["ac"], ended["handset"]]
    dialog.accessory_checks[ended["handset"]].setChecked(False)
    assert dialog.on.date() == to_qdate(LATE)
    shot(dialog, artifacts, "receive_return_dialog.png")
    dialog.ok_button.click()

    assert not dialog.isVisible()
    assert any("SN-0001" in text and "遅延損害金 4,960円" in text for text in said), said
    assert page.model.rowCount() == 0
    assert unit_state(db, ended["unit"])[0] == "in_stock"
    with_transfer_account(db, manager)
    bill_month(db, manager, dt.date(2027, 1, 1), today=dt.date(2027, 2, 2))
    [january] = invoices(db, dt.date(2027, 1, 1))
    lines = lines_of(db, january.id)
    code = code_of(db, ended)
    assert ("fixed", code, f"機器返却遅延損害金（{code}、1カ月）", 1, 2 * BASE, 2 * BASE, "outside") in lines
    assert ("fixed", code, "付属品不足 受話器（SN-0001）", 1, 2500, 2500, "outside") in lines


def test_reminders_for_the_rows_selected_are_saved_one_file_each_and_combined(
        ctx, qtbot, ended, late_today, tmp_path):
    page = page_of(ctx, qtbot)
    page.ask_folder = lambda *_: str(tmp_path)
    saved = []
    page.reminders_saved.connect(saved.append)
    page.table.selectRow(0)
    assert page.remind_button.isEnabled()
    page.remind_button.click()
    [result] = saved
    assert sorted(p.name for p in result.files) == ["督-2027-000001_山田 太郎.pdf"]
    assert result.combined is not None and result.combined.exists()
    assert "保存しました" in page.result_label.text()
    assert cells(page)[7] == "1回"


def test_a_manager_waives_the_penalty_and_a_clerk_does_not_see_the_button(ctx, db, clerk, qtbot, ended, late_today):
    page = page_of(ctx, qtbot)
    page.table.selectRow(0)
    opened = []
    page.dialog_opened.connect(opened.append)
    page.penalty_button.click()
    [dialog] = opened
    assert isinstance(dialog, PenaltyDialog)
    dialog.amount.setValue(0)
    dialog.ok_button.click()
    assert "減免の理由" in dialog.errors.message("reason")
    dialog.reason.setPlainText("初回のため免除")
    dialog.ok_button.click()
    assert cells(page)[6] == "¥0（減免）"
    clerk_page = page_of(AppContext(db, clerk, ctx.ops), qtbot)
    assert clerk_page.penalty_button.isHidden()


def test_a_unit_declared_lost_through_the_dialog_leaves_the_list(ctx, db, qtbot, ended, late_today):
    page = page_of(ctx, qtbot)
    page.table.selectRow(0)
    opened = []
    page.dialog_opened.connect(opened.append)
    page.lost_button.click()
    [dialog] = opened
    assert isinstance(dialog, DeclareLostDialog)
    assert dialog.amount.value() == 18000 and not dialog.amount.isEnabled()
    dialog.other.setChecked(True)
    dialog.amount.setValue(9000)
    dialog.ok_button.click()
    assert "理由" in dialog.errors.message("reason")
    dialog.reason.setPlainText("中古相当額で合意")
    dialog.ok_button.click()
    assert page.model.rowCount() == 0
    assert [(c[0], c[2]) for c in charges_of(db, ended["contract"])] == [("replacement", 9000),
                                                                         ("late_return_penalty", 2 * BASE)]
    assert unit_state(db, ended["unit"])[0] == "lost"


def code_of(db, ended) -> str:
    from reseller_desk.db.models import Contract

    with db.transaction() as session:
        return session.get(Contract, ended["contract"]).customer_code

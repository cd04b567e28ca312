"""A unit's whole story through the windows (issue 11 "Done when"): a clerk lends a phone to an
即日発番 contract from the contract window (the serial scanned + Enter), the contract is cancelled,
the phone comes back late through 返却管理 (scanned, the handset missing), and the next billing
run's invoice carries the rent, the late-return penalty and the missing handset, each with its
tax category."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.db.models import Contract, EquipmentModel
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.services.equipment import units
from reseller_desk.ui.contract.window import EQUIPMENT_TAB, ContractWindow
from reseller_desk.ui.equipment.return_dialogs import ReceiveReturnDialog
from reseller_desk.ui.equipment.returns_page import ReturnsPage
from tests.services.billing_office import invoices, lines_of, with_transfer_account
from tests.services.builders import TODAY
from tests.services.contracts_on_file import sh_contract
from tests.services.equipment_return_builders import PHONE_RENT, cancel, phone_model, unit_state

from .helpers import set_up_office, type_text

ENDS, LATE = dt.date(2026, 12, 10), dt.date(2027, 1, 6)   # deadline 12/24: 13 days late, one month


def test_a_phone_lent_from_the_contract_window_comes_back_late_and_its_penalty_is_invoiced(
        ctx, qtbot, db, manager, artifacts):
    with clock.frozen(TODAY):
        office = set_up_office(db, manager)
        contract_id = sh_contract(db, manager, manager, office)
        with db.transaction() as session:
            version = session.get(Contract, contract_id).row_version
        lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY, expected_version=version, today=TODAY)
        phone = phone_model(db)
        with db.transaction(write=True) as session:
            unit_id = units.receive(session, manager, session.get(EquipmentModel, phone["model"]), "SN-0001", "",
                                    TODAY).id

        # 貸出: the contract window's 機器 tab, the serial scanned (a scanner types it and Enter).
        window = ContractWindow(ctx, contract_detail(db, contract_id), None)
        qtbot.addWidget(window)
        window.show()
        window.tabs.setCurrentIndex(EQUIPMENT_TAB)
        lend = window.equipment_section.start_lend()
        qtbot.keyClicks(lend.serial, "sn-0001")
        qtbot.keyClick(lend.serial, Qt.Key.Key_Return)
        assert unit_state(db, unit_id)[:2] == ("lent", contract_id)
        window.grab().save(str(artifacts / "story_lent.png"))
        window.close()

    cancel(db, manager, contract_id, ENDS)                 # the ending asks for the phone back
    assert unit_state(db, unit_id)[0] == "awaiting_return"

    with clock.frozen(LATE):
        page = ReturnsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1160, 420)
        page.show()
        qtbot.waitExposed(page)
        assert page.model.rowCount() == 1 and page.model.index(0, 5).data() == "13日"
        opened = []
        page.dialog_opened.connect(opened.append)
        page.receive_button.click()
        [dialog] = opened
        assert isinstance(dialog, ReceiveReturnDialog)
        type_text(qtbot, dialog.serial, "SN-0001")
        qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
        dialog.accessory_checks[phone["handset"]].setChecked(False)
        dialog.ok_button.click()
        assert page.model.rowCount() == 0
        assert unit_state(db, unit_id)[0] == "in_stock"

    with_transfer_account(db, manager)
    with db.transaction() as session:
        code = session.get(Contract, contract_id).customer_code
    bill_month(db, manager, dt.date(2026, 12, 1), today=dt.date(2027, 1, 5))
    [december] = invoices(db, dt.date(2026, 12, 1))
    assert ("recurring", code, "機器レンタル Yealink T58W（SN-0001）", 1, PHONE_RENT, PHONE_RENT, "taxable_10") \
        in lines_of(db, december.id)
    bill_month(db, manager, dt.date(2027, 1, 1), today=dt.date(2027, 2, 2))
    [january] = invoices(db, dt.date(2027, 1, 1))
    lines = lines_of(db, january.id)
    penalty = [line for line in lines if line[2].startswith("機器返却遅延損害金")]
    # twice the monthly charges at the end (plan 1,980 + the rent) for one started month (SH §13.5)
    assert [(line[5], line[6]) for line in penalty] == [(2 * (1980 + PHONE_RENT), "outside")]
    assert ("fixed", code, "付属品不足 受話器（SN-0001）", 1, 2500, 2500, "outside") in lines
    assert not any(line[2].startswith("機器レンタル") for line in lines)   # no rent after the contract ended

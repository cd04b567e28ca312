"""保証金 with the real services: a SimpleConnect contract billed 45,000 yen for November is
listed, a manager asks for a deposit through 依頼… (the letter issued and saved as PDF), the
money is recorded through 受領を記録…, and a deposit not paid by its deadline is handed to the
contract's 利用停止 dialog with the deposit reason chosen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reseller_desk import clock
from reseller_desk.ui.deposits.dialogs import ReceiveDialog, RequestDialog
from reseller_desk.ui.deposits.page import DepositsPage
from reseller_desk.ui.deposits.suspend import DepositSuspendDialog
from reseller_desk.ui.widgets import to_qdate
from tests.services.builders import TODAY, sc_input
from tests.services.contract_builders import approved
from tests.services.deposit_builders import an_office_account, billed

from .helpers import set_up_office

SHOWN_ON = dt.date(2026, 12, 5)
DEADLINE = dt.date(2026, 12, 18)


@pytest.fixture
def billed_contract(db, manager):
    with clock.frozen(TODAY):
        office = set_up_office(db, manager)
        an_office_account(db, manager)
        contract_id = approved(db, manager, sc_input(office), today=TODAY)
    billed(db, contract_id, recurring=40_000, usage=5_000)
    return contract_id


def page_of(ctx, qtbot) -> DepositsPage:
    page = DepositsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 380)
    page.show()
    qtbot.waitExposed(page)
    return page


def cells(model, row: int = 0) -> list[str]:
    return [model.index(row, c).data() for c in range(model.columnCount())]


def shot(widget, folder: Path, name: str) -> None:
    widget.grab().save(str(folder / name))


def test_a_manager_asks_for_a_deposit_saves_the_letter_and_records_the_money(ctx, qtbot, db, billed_contract,
                                                                              artifacts, tmp_path):
    with clock.frozen(SHOWN_ON):
        page = page_of(ctx, qtbot)
        assert page.month.currentData() == dt.date(2026, 11, 1)
        assert cells(page.candidates)[3:] == ["¥45,000", "未依頼"]
        shot(page, artifacts, "deposits_candidates.png")
        opened = []
        page.dialog_opened.connect(opened.append)
        page.candidate_table.selectRow(0)
        page.request_button.click()
        [dialog] = opened
        assert isinstance(dialog, RequestDialog) and dialog.amount.value() == 90_000
        dialog.deadline.setDate(to_qdate(DEADLINE))
        shot(dialog, artifacts, "deposits_request_dialog.png")
        dialog.ok_button.click()
        assert not dialog.isVisible()
        assert "預-2026-000001" in page.result_label.text()
        assert cells(page.candidates)[4] == "未受領 ¥90,000（期日 2026-12-18）"

        page.ask_save_path = lambda *_: str(tmp_path / "letter.pdf")
        page.candidate_table.selectRow(0)
        page.save_button.click()
        assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF")

        page.tabs.setCurrentIndex(1)
        page.deposit_table.selectRow(0)
        page.receive_button.click()
        receive = opened[-1]
        assert isinstance(receive, ReceiveDialog) and receive.amount.value() == 90_000
        receive.ok_button.click()
        assert cells(page.deposits)[2:7] == ["¥90,000", "2026-12-18", "¥90,000", "¥90,000", "受領済"]
        shot(page, artifacts, "deposits_status.png")


def test_a_deposit_past_its_deadline_goes_to_the_suspension_dialog_with_the_deposit_reason(
        ctx, qtbot, db, manager, billed_contract, artifacts):
    from reseller_desk.services.payments.deposits import request_deposit

    request_deposit(db, manager, billed_contract, 90_000, DEADLINE, today=SHOWN_ON)
    with clock.frozen(DEADLINE + dt.timedelta(days=1)):
        page = page_of(ctx, qtbot)
        page.tabs.setCurrentIndex(1)
        assert cells(page.deposits)[6] == "期限超過"
        page.deposit_table.selectRow(0)
        assert page.suspend_button.isEnabled() and page.receive_button.isEnabled()
        opened = []
        page.dialog_opened.connect(opened.append)
        page.suspend_button.click()
        [dialog] = opened
        assert isinstance(dialog, DepositSuspendDialog)
        assert dialog.reason.currentData() == "deposit_unpaid"
        shot(page, artifacts, "deposits_overdue.png")

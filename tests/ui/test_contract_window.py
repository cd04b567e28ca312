"""The contract window: a clerk suspends an SC contract (no notice needed, SC §24.1), resumes
it and takes in its cancellation (the preview shown before confirming), and sees the three
moves on its timeline; the buttons are exactly the actions its status allows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.models import Contract
from reseller_desk.domain.contract import ContractAction, ContractStatus, allowed_actions
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.ui.contract.actions import CancellationDialog, ResumeDialog, SuspendDialog
from reseller_desk.ui.contract.window import ContractWindow
from reseller_desk.ui.widgets import to_qdate
from tests.services.builders import TODAY, sc_input
from tests.services.contracts_on_file import approved_contract

from .helpers import set_up_office


@pytest.fixture
def frozen_today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def sc(db, clerk, manager, frozen_today) -> int:
    return approved_contract(db, clerk, manager, sc_input(set_up_office(db, manager)))


def window_of(clerk_ctx, qtbot, contract_id: int) -> ContractWindow:
    window = ContractWindow(clerk_ctx, contract_detail(clerk_ctx.db, contract_id), None)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_clerk_suspends_resumes_and_cancels_and_sees_the_three_moves(clerk_ctx, qtbot, sc, shown, artifacts):
    window = window_of(clerk_ctx, qtbot, sc)
    assert window.shown_actions() == allowed_actions(ContractStatus.ACTIVE)

    suspend = window.start_action(ContractAction.SUSPEND)
    assert isinstance(suspend, SuspendDialog)
    assert "SC §24.1" in suspend.terms_label.text() or "通知" in suspend.terms_label.text()
    assert suspend.reason.currentData() == "unpaid"
    suspend.confirm_button.click()
    assert window.detail.status is ContractStatus.SUSPENDED, shown.texts()
    assert window.status_label.text() == "利用停止"
    assert window.shown_actions() == allowed_actions(ContractStatus.SUSPENDED)
    window.grab().save(str(artifacts / "suspended.png"))

    resume = window.start_action(ContractAction.RESUME)
    assert isinstance(resume, ResumeDialog)
    resume.confirm_button.click()
    assert window.detail.status is ContractStatus.ACTIVE, shown.texts()

    cancel = window.start_action(ContractAction.ACCEPT_CANCELLATION)
    assert isinstance(cancel, CancellationDialog) and cancel.desired_month is not None  # SC §23 takes a month
    assert not cancel.confirm_button.isEnabled()  # nothing to confirm before the preview
    cancel.desired_month.setDate(to_qdate(dt.date(2026, 12, 1)))
    cancel.preview_button.click()
    preview = cancel.preview_label.text()
    assert "解約日: 2026年12月31日" in preview and "最終課金月: 2026年12月" in preview and "契約解除料: なし" in preview
    assert cancel.confirm_button.isEnabled()
    cancel.confirm_button.click()
    assert window.detail.status is ContractStatus.CANCELLATION_SCHEDULED, shown.texts()
    assert window.shown_actions() == allowed_actions(ContractStatus.CANCELLATION_SCHEDULED)

    kinds = [line.kind for line in window.timeline_tab.lines()]
    assert kinds == [ContractEventKind.FORMED, ContractEventKind.SUSPENDED, ContractEventKind.RESUMED,
                     ContractEventKind.CANCELLATION_ACCEPTED]
    moves = [(line.from_label, line.to_label) for line in window.timeline_tab.lines()[1:]]
    assert moves == [("利用中", "利用停止"), ("利用停止", "利用中"), ("利用中", "解約予定")]
    assert all(line.recorded_by == "事務 太郎" for line in window.timeline_tab.lines()[1:])


def test_a_desired_month_too_early_is_refused_beside_it_with_the_earliest_offered(clerk_ctx, qtbot, sc):
    window = window_of(clerk_ctx, qtbot, sc)
    cancel = window.start_action(ContractAction.ACCEPT_CANCELLATION)
    cancel.desired_month.setDate(to_qdate(dt.date(2026, 11, 1)))  # the month of the request: past its cutoff
    cancel.preview_button.click()
    assert "2026年12月" in cancel.error_text("desired_month")
    assert not cancel.confirm_button.isEnabled()


@pytest.mark.parametrize("status", list(ContractStatus), ids=lambda s: s.value)
def test_the_buttons_are_the_actions_the_status_allows(clerk_ctx, qtbot, db, sc, status):
    with db.transaction(write=True) as session:  # the window only reads the status
        session.scalars(select(Contract).where(Contract.id == sc)).one().status = status
    window = window_of(clerk_ctx, qtbot, sc)
    assert window.shown_actions() == allowed_actions(status)
    names = {b.objectName() for b in window.findChildren(type(window.close_button)) if b.objectName().startswith("action_")}
    assert names == {f"action_{a.value}" for a in allowed_actions(status)}
    if ContractAction.TERMINATE in allowed_actions(status):  # manager only: shown, disabled, saying why
        button = window.action_buttons[ContractAction.TERMINATE]
        assert not button.isEnabled() and "管理者" in button.toolTip()


def test_the_customer_form_lists_the_customers_contracts_and_opens_one(clerk_ctx, qtbot, db, sc):
    from reseller_desk.services import customers as customer_service
    from reseller_desk.ui.customer_form import CustomerForm

    customer_id = contract_detail(db, sc).customer.id
    form = CustomerForm(clerk_ctx, customer_service.get_customer(db, customer_id))
    qtbot.addWidget(form)
    form.show()
    assert form.contracts_box.isVisible() and form.contracts_box.title() == "契約（1件）"
    assert form.contracts_model.index(0, 1).data() == "利用中"
    with qtbot.waitSignal(form.contract_opened, timeout=3000) as opened:
        form.contracts_table.activated.emit(form.contracts_model.index(0, 0))
    assert isinstance(opened.args[0], ContractWindow) and opened.args[0].contract_id == sc

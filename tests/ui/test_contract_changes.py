"""The contract window's 「変更」 menu and the 地位承継 list, on the real services: a plan change
from next month shows on the timeline and in the plan history, a bad month is refused beside
its field and changes nothing, numbers held by another contract are refused, and a succession
reported on an SH contract is listed and, its papers received, moves the contract to the
successor; SC has no succession clause and the dialog says so."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.models import Contract
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services import customers as customer_service
from reseller_desk.services import settings
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.ui.contract.changes import NumbersDialog, PlanChangeDialog, SuccessionReportDialog, next_month
from reseller_desk.ui.contract.successions import ReceiveDocumentsDialog, SuccessionListDialog
from reseller_desk.ui.contract.window import ContractWindow
from reseller_desk.ui.widgets import to_qdate
from tests.services.builders import TODAY, sc_input, sh_input
from tests.services.contracts_on_file import approved_contract

from .helpers import SAMPLE_CUSTOMERS, set_up_office

NEXT_MONTH = dt.date(2026, 12, 1)


@pytest.fixture
def frozen_today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def office(db, manager, frozen_today) -> dict[str, int]:
    plans = set_up_office(db, manager)
    plans["sc_pro"] = settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-PRO", "プロ", 4980, 5000),
                                         expected_version=None).id
    return plans


@pytest.fixture
def sc(db, clerk, manager, office) -> int:
    """株式会社みらい商事: SC ベーシック × 2 lines, 利用中."""
    return approved_contract(db, clerk, manager, sc_input(office))


@pytest.fixture
def sh_open(db, clerk, manager, office) -> int:
    """山田 太郎: SH ライト, opened today (利用中)."""
    contract_id = approved_contract(db, clerk, manager, sh_input(office))
    lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY,
                            expected_version=contract_detail(db, contract_id).row_version)
    return contract_id


def window_of(ctx, qtbot, contract_id: int) -> ContractWindow:
    window = ContractWindow(ctx, contract_detail(ctx.db, contract_id), None)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_plan_change_from_next_month_shows_on_the_timeline_and_in_the_plan_history(clerk_ctx, qtbot, sc, office,
                                                                                     shown, artifacts):
    window = window_of(clerk_ctx, qtbot, sc)
    assert window.change_button.isVisible()
    assert [a.text() for a in window.change_menu.actions()][:2] == ["プラン変更…", "回線数の変更…"]
    dialog = window.start_change("plan")
    assert isinstance(dialog, PlanChangeDialog)
    assert dialog.plan.currentData() == office["sc_pro"]  # the other plan of the service, not the current one
    assert dialog.plan.count() == 2  # SC plans only: SH ライト is not offered
    assert dialog.from_month.date().toPython() == next_month(TODAY) == NEXT_MONTH
    assert dialog.from_month.text() == "2026年12月"
    dialog.grab().save(str(artifacts / "plan-change.png"))
    dialog.confirm_button.click()

    assert not shown.messages and not dialog.isVisible()
    assert window.banner_frame.isVisible() and window.banner.text() == "2026年12月からプロに変更しました。"
    last = window.timeline_tab.lines()[-1]
    assert (last.kind, last.effective_on) == (ContractEventKind.PLAN_CHANGED, NEXT_MONTH)
    assert "プロ" in last.reason
    history = [(p.name, p.lines, p.from_month, p.until_month) for p in window.detail.plan_history]
    assert history[-1] == ("プロ", 2, NEXT_MONTH, None)
    assert history[-2][0] == "ベーシック" and history[-2][3] == dt.date(2026, 11, 1)
    assert window.detail.now is not None and window.detail.now.plan_name == "ベーシック"  # this month unchanged
    assert window.lines_tab.plans.records[-1].name == "プロ"


def test_a_month_before_the_running_plan_is_refused_beside_it_and_changes_nothing(clerk_ctx, qtbot, sc, db):
    window = window_of(clerk_ctx, qtbot, sc)
    before = contract_detail(db, sc)
    dialog = window.start_change("plan")
    dialog.from_month.setDate(to_qdate(dt.date(2026, 10, 1)))
    dialog.confirm_button.click()
    assert dialog.isVisible()
    assert "今のプランの開始月（2026年11月）より前にできません" in dialog.error_text("from_month")
    assert dialog.error_text("plan_id") == ""
    after = contract_detail(db, sc)
    assert after.row_version == before.row_version and after.plan_history == before.plan_history
    assert len(after.timeline) == len(before.timeline)

    lines = window.start_change("lines")
    lines.confirm_button.click()  # the same 2 lines as now
    assert lines.error_text("lines") == "今と同じ回線数です。"


def test_numbers_held_by_another_contract_are_refused_beside_the_numbers(clerk_ctx, qtbot, db, clerk, sc, sh_open):
    lifecycle.set_numbers(db, clerk, sh_open, numbers=["090-1111-0001"],
                          expected_version=contract_detail(db, sh_open).row_version)
    window = window_of(clerk_ctx, qtbot, sc)
    dialog = window.start_change("numbers")
    assert isinstance(dialog, NumbersDialog)
    dialog.numbers.setPlainText("03-5555-0001\n０９０－１１１１－０００１")
    dialog.confirm_button.click()
    code = contract_detail(db, sh_open).customer_code
    assert dialog.error_text("numbers") == f"電話番号 09011110001 は契約 {code} で使用中です。"
    assert contract_detail(db, sc).numbers == ()

    dialog.numbers.setPlainText("03-5555-0001\n03-5555-0002")
    dialog.confirm_button.click()
    assert [n.number for n in window.detail.numbers] == ["0355550001", "0355550002"]


def test_a_succession_on_an_sh_contract_is_listed_and_completed_moves_it_to_the_successor(
        ctx, qtbot, db, manager, sh_open, shown, artifacts):
    successor = customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[3])  # 青木 花子
    window = window_of(ctx, qtbot, sh_open)
    report = window.start_change("succession")
    assert isinstance(report, SuccessionReportDialog)
    assert report.kind.currentText() == "事業譲渡"  # an individual's first (SH §20.2: death ends it)
    assert report.succeeded_on.date().toPython() == TODAY
    report.successor_name.setText("青木 花子")
    report.confirm_button.click()
    assert not report.isVisible(), report.summary.text()
    assert "書類の期限は2026年12月18日" in window.banner.text()
    assert window.detail.succession is not None

    listing = SuccessionListDialog(ctx)
    qtbot.addWidget(listing)
    listing.show()
    [row] = listing.rows()
    assert (row.contract_id, row.successor_name, row.proof_deadline, row.days_left) == \
        (sh_open, "青木 花子", dt.date(2026, 12, 18), 28)
    assert listing.model.index(0, 1).data() == "あと28日"
    listing.resize(1080, 360)  # as on the office's screen (the offscreen one is 800 wide)
    listing.grab().save(str(artifacts / "succession-list.png"))

    receive = listing.receive_buttons[0]
    with qtbot.waitSignal(listing.opened, timeout=3000) as opened:
        receive.click()
    dialog = opened.args[0]
    assert isinstance(dialog, ReceiveDocumentsDialog)
    dialog.confirm_button.click()  # no customer chosen yet
    assert dialog.errors.message("customer_id") == "承継者を顧客台帳から選んでください。"
    results = dialog.chooser.customer_results
    [item] = [results.item(i) for i in range(results.count())
              if results.item(i).data(Qt.ItemDataRole.UserRole) == successor.id]
    dialog.chooser.choose_customer(successor.id, "青木 花子")
    assert not dialog.summary.isVisible()  # nothing is red any more
    dialog.grab().save(str(artifacts / "receive-documents.png"))
    dialog.confirm_button.click()
    assert not dialog.isVisible(), dialog.summary.text()
    assert item is not None and not shown.messages

    assert listing.rows() == []
    assert window.detail.customer.id == successor.id
    assert "青木 花子" in window.info_label.text() and "青木 花子" in window.windowTitle()
    assert window.timeline_tab.lines()[-1].kind is ContractEventKind.SUCCESSION_COMPLETED


def test_an_overdue_succession_is_said_in_red(ctx, qtbot, db, manager, sh_open):
    lifecycle.report_succession(db, manager, sh_open, kind="transfer", succeeded_on=TODAY,
                                successor_name="山田 花子", expected_version=contract_detail(db, sh_open).row_version)
    with clock.frozen(dt.date(2027, 1, 8)):  # three weeks past 2026-12-18
        listing = SuccessionListDialog(ctx)
    qtbot.addWidget(listing)
    assert listing.model.index(0, 1).data() == "期限切れ（21日経過）"
    assert listing.model.index(0, 1).data().startswith("期限切れ")
    assert listing.model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole).name() == "#c62828"


def test_under_sc_the_succession_is_refused_and_the_dialog_says_why(clerk_ctx, qtbot, db, sc, shown):
    window = window_of(clerk_ctx, qtbot, sc)
    report = window.start_change("succession")
    assert report.kind.currentText() == "合併"  # a corporation's first
    report.successor_name.setText("株式会社みらいホールディングス")
    report.confirm_button.click()
    assert report.isVisible() and report.summary.isVisible()
    assert "地位の承継の定めがありません" in report.summary.text()
    assert not shown.messages  # beside the form, not in a message box
    assert contract_detail(db, sc).succession is None


@pytest.mark.parametrize("status", list(ContractStatus), ids=lambda s: s.value)
def test_the_change_menu_is_there_only_while_the_contract_is_live(clerk_ctx, qtbot, db, sc, status):
    from reseller_desk.domain.contract import LIVE_STATUSES

    with db.transaction(write=True) as session:
        session.scalars(select(Contract).where(Contract.id == sc)).one().status = status
    window = window_of(clerk_ctx, qtbot, sc)
    assert window.change_button.isVisible() == (status in LIVE_STATUSES)
    assert (window.start_change("plan") is not None) == (status in LIVE_STATUSES)

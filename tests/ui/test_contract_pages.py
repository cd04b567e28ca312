"""The 契約 page and 本日の業務 on a real database: filters and search reach the list, a row
opens its contract window; today's rows open their record."""

from __future__ import annotations

import pytest

from reseller_desk import clock
from reseller_desk.domain.terms import load_profile
from reseller_desk.ui.contract.window import ContractWindow
from reseller_desk.ui.contract_page import ContractPage
from reseller_desk.ui.today_page import TodayPage
from tests.services.builders import TODAY, sc_input, sh_input
from tests.services.contracts_on_file import approved_contract, put_suspension

from .helpers import set_up_office


@pytest.fixture
def two(db, clerk, manager):
    with clock.frozen(TODAY):
        office = set_up_office(db, manager)
        yield (approved_contract(db, clerk, manager, sc_input(office)),
               approved_contract(db, clerk, manager, sh_input(office)))


def test_the_contract_page_filters_searches_and_opens_a_contract(clerk_ctx, qtbot, two):
    sc, sh = two
    page = ContractPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2 and page.count_label.text() == "2件"
    page.service_filter.setCurrentIndex(page.service_filter.findText(load_profile("sokujitsu").name))
    assert [r.id for r in page.model.records] == [sh]
    page.service_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findText("利用中"))
    assert [r.id for r in page.model.records] == [sc]
    page.status_filter.setCurrentIndex(0)
    page.search.setText("やまだ")
    page.apply_filters()
    assert [r.id for r in page.model.records] == [sh] and page.count_label.text() == "1件"
    with qtbot.waitSignal(page.window_opened, timeout=3000) as opened:
        page.table.activated.emit(page.model.index(0, 0))
    assert isinstance(opened.args[0], ContractWindow) and opened.args[0].contract_id == sh
    opened.args[0].close()


def test_todays_work_shows_a_suspension_starting_today_and_opens_its_contract(clerk_ctx, qtbot, db, two):
    sc, _sh = two
    put_suspension(db, sc, state="scheduled", starts_on=TODAY)
    with clock.frozen(TODAY):
        page = TodayPage(clerk_ctx)
        qtbot.addWidget(page)
        [item] = page.items("suspensions_starting")
        assert item.contract_id == sc and "開始の操作" in item.text
        assert "締め日" in page.cutoff_label.text() and "あと10日" in page.cutoff_label.text()
        assert page.billing_label.text().startswith("2026年10月分の請求書はまだ発行されていません")
        with qtbot.waitSignal(page.record_opened, timeout=3000) as opened:
            page.open_item(item)
    assert isinstance(opened.args[0], ContractWindow) and opened.args[0].contract_id == sc
    opened.args[0].close()

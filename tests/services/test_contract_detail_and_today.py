"""The contract window's content (contract_detail) and 本日の業務 (todays_work): what each
says about contracts formed by approval, with the rows the lifecycle writes beside them."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain.contract import ContractAction, allowed_actions
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services.contracts import detail, today
from reseller_desk.services.errors import NotFound
from tests.services.builders import TODAY
from tests.services.contracts_on_file import application_of, put_ending, put_suspension, sc_contract, sh_contract
from tests.services.invoice_builders import a_customer, document, issue_documents
from tests.services.payment_builders import an_invoice


def test_the_detail_shows_the_contract_its_composition_payment_timeline_and_notices(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    shown = detail.contract_detail(db, sc, today=TODAY)
    assert shown.customer.name == "株式会社みらい商事" and shown.profile_key == "simpleconnect"
    assert shown.status_label == "利用中" and shown.registered_on == TODAY
    assert shown.first_billable_month == dt.date(2026, 12, 1)  # SC §9.2: the month after 登録日
    assert shown.payment_label == "口座振替" and shown.payment_account.endswith("****567")
    assert "1234567" not in shown.payment_account
    assert shown.now is not None and (shown.now.plan_name, shown.now.lines) == ("ベーシック", 2)
    assert [(o.name, o.quantity) for o in shown.now.options] == [("通話録音", 1)]
    assert shown.now.monthly_charges == 2 * 2980 + 500
    assert [p.name for p in shown.plan_history] == ["ベーシック"]
    [formed] = shown.timeline
    assert formed.kind is ContractEventKind.FORMED and formed.kind_label == "契約成立"
    assert formed.to_label == "利用中" and formed.recorded_by == "管理 花子"
    assert [n.title for n in shown.notices][:1] and shown.notices[0].kind == "approval"
    assert shown.allowed_actions == allowed_actions(shown.status)
    assert ContractAction.SUSPEND in shown.allowed_actions and ContractAction.OPEN not in shown.allowed_actions
    assert shown.application_id == application_of(db, sc)


def test_the_detail_carries_the_suspension_and_the_ending_under_way(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    put_suspension(db, sc, state="scheduled", starts_on=dt.date(2026, 12, 10))
    put_ending(db, sc, effective_on=dt.date(2026, 12, 31))
    shown = detail.contract_detail(db, sc, today=TODAY)
    assert shown.suspension is not None and shown.suspension.starts_on == dt.date(2026, 12, 10)
    assert shown.ending is not None and shown.ending.effective_on == dt.date(2026, 12, 31)


def test_an_id_that_is_no_contract_is_not_found_in_japanese(db):
    with pytest.raises(NotFound, match="契約"):
        detail.contract_detail(db, 999)
    with pytest.raises(NotFound, match="契約"):
        detail.contract_detail(db, -1)


def test_todays_work_lists_suspensions_cancellations_and_the_applications_waiting(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    sh = sh_contract(db, clerk, manager, office)
    put_suspension(db, sc, state="scheduled", starts_on=TODAY)
    put_suspension(db, sh, state="scheduled", starts_on=TODAY - dt.timedelta(days=2))
    put_ending(db, sh, effective_on=dt.date(2026, 11, 30))
    work = today.todays_work(db, today=TODAY)
    assert [i.contract_id for i in work.suspensions_starting] == [sc]
    assert [i.contract_id for i in work.suspension_notices_due] == [sh]
    assert [(i.contract_id, i.on, i.text) for i in work.cancellations_this_month] == [
        (sh, dt.date(2026, 11, 30), "解約")]
    assert work.applications_waiting == ()  # both were approved
    assert all(i.application_id is None and i.contract_id for i in today.all_items(work))


def test_the_sc_cancellation_cutoff_is_the_last_company_business_day_of_the_month(db):
    # 2026-11-30 is a Monday: a request by then still ends an SC contract at the end of December.
    [cutoff] = today.todays_work(db, today=TODAY).cutoffs
    assert (cutoff.desired_month, cutoff.cutoff, cutoff.days_left) == (dt.date(2026, 12, 1), dt.date(2026, 11, 30), 10)
    # 2027-01-31 is a Sunday: the cutoff moves back to Friday the 29th.
    [cutoff] = today.todays_work(db, today=dt.date(2027, 1, 25)).cutoffs
    assert (cutoff.cutoff, cutoff.days_left) == (dt.date(2027, 1, 29), 4)


def test_todays_work_reminds_of_last_months_invoices_until_they_are_issued(db, manager):
    december_first = dt.date(2026, 12, 1)
    reminder = today.todays_work(db, today=december_first).billing
    assert (reminder.month, reminder.invoices, reminder.deadline) == (dt.date(2026, 11, 1), 0, dt.date(2026, 12, 15))
    assert reminder.text == "2026年11月分の請求書はまだ発行されていません（発行期限 12月15日）。請求 → 月次請求 で発行します。"
    issue_documents(db, a_customer(db, manager), [document()])
    assert today.todays_work(db, today=december_first).billing.text == "2026年11月分の請求書は1件発行済みです。"


def test_todays_work_says_what_money_in_is_waiting_and_nothing_when_nothing_is(db, manager, office):
    assert today.todays_work(db, today=dt.date(2026, 12, 10)).money.lines == ()
    customer = a_customer(db, manager)
    an_invoice(db, customer, due=dt.date(2026, 11, 30))
    money = today.todays_work(db, today=dt.date(2026, 12, 10)).money
    assert (money.dunning_due, money.open_lines, money.batches_waiting) == (1, 0, 0)
    assert money.lines == ("督促状・催告書の発行を待つ顧客が1件あります（督促）。",)

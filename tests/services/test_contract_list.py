"""The 契約 list reads a page at a time: each row has its status, customer, service, the plan,
lines and monthly charges in force this month and its next event; filters by status and
service, the customer book's search (and the カスタマID), and sorting happen in SQL."""

from __future__ import annotations

import datetime as dt

from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.prices import PricedItem
from reseller_desk.services import prices
from reseller_desk.services.contracts import queries
from tests.services.builders import SUZUKI, TODAY
from tests.services.contracts_on_file import put_ending, put_suspension, sc_contract, sh_contract


def page(db, **filters):
    return queries.contract_page(db, today=TODAY, **filters)


def test_a_row_shows_the_plan_lines_and_the_monthly_charges_of_this_month(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    [row] = page(db)
    assert row.id == sc and row.customer_name == "株式会社みらい商事" and row.customer_code.startswith("C")
    assert row.status is ContractStatus.ACTIVE and row.status_label == "利用中"
    assert (row.profile_key, row.plan_name, row.lines) == ("simpleconnect", "ベーシック", 2)
    # SC registered 2026-11-20: billed from December; this month already holds its periods.
    assert row.monthly_charges == 2 * 2980 + 500


def test_the_monthly_charges_follow_a_price_change_from_the_month_it_takes_effect(db, clerk, manager, office):
    sc_contract(db, clerk, manager, office)
    prices.add_price_change(db, manager, PricedItem.PLAN, office["sc"], from_month=dt.date(2027, 1, 1),
                            monthly_fee=3280, initial_fee=5000, today=TODAY)
    [november] = page(db)
    [january] = queries.contract_page(db, today=dt.date(2027, 1, 5))
    assert (november.monthly_charges, january.monthly_charges) == (2 * 2980 + 500, 2 * 3280 + 500)


def test_an_sh_contract_without_its_opening_date_waits_for_opening_as_its_next_event(db, clerk, manager, office):
    sh_contract(db, clerk, manager, office)
    [row] = page(db)
    assert row.status is ContractStatus.AWAITING_OPENING
    assert row.next_event == queries.NextEvent("開通待ち") and row.next_event.text == "開通待ち"


def test_the_next_event_is_the_soonest_of_a_scheduled_suspension_and_an_ending(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    put_suspension(db, sc, state="scheduled", starts_on=dt.date(2026, 12, 10))
    put_ending(db, sc, effective_on=dt.date(2026, 12, 31))
    [row] = page(db)
    assert row.next_event.text == "停止開始 2026-12-10"


def test_filters_by_status_and_by_service_and_counts_the_same(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    sh = sh_contract(db, clerk, manager, office)
    assert [r.id for r in page(db, statuses=[ContractStatus.ACTIVE])] == [sc]
    assert [r.id for r in page(db, profile_keys=["sokujitsu"])] == [sh]
    assert page(db, statuses=["active"], profile_keys=["sokujitsu"]) == []
    assert queries.count_contracts(db, statuses=["awaiting_opening"]) == 1
    assert queries.count_contracts(db) == 2


def test_the_search_is_the_customer_books_and_finds_the_customer_code_too(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    sh = sh_contract(db, clerk, manager, office)
    code = page(db)[0].customer_code
    assert [r.id for r in page(db, search="みらい")] == [sc]          # hiragana finds カタカナ furigana
    assert [r.id for r in page(db, search="090-1111")] == [sh]        # the phone, hyphens ignored
    assert [r.id for r in page(db, search=code.lower())] == [sc]      # カスタマID, any case
    assert page(db, search="みらい 山田") == []                          # every term must match
    assert queries.count_contracts(db, search="ヤマダ") == 1


def test_pages_follow_the_order_without_overlap(db, clerk, manager, office):
    ids = [sc_contract(db, clerk, manager, office), sh_contract(db, clerk, manager, office),
           sh_contract(db, clerk, manager, office, applicant=SUZUKI)]
    first = page(db, limit=2)
    second = page(db, offset=2, limit=2)
    assert [r.id for r in first + second] == ids  # カスタマID order: the order they were formed
    by_name = [r.customer_kana for r in page(db, sort="customer_name")]
    assert by_name == sorted(by_name)
    by_status = [r.status for r in page(db, sort="status", descending=True)]
    assert by_status == [ContractStatus.ACTIVE] + [ContractStatus.AWAITING_OPENING] * 2  # the lifecycle's order
    for key in queries.SORT_KEYS:
        assert {r.id for r in page(db, sort=key)} == set(ids)


def test_the_customer_form_lists_the_customers_contracts(db, clerk, manager, office):
    sc = sc_contract(db, clerk, manager, office)
    sh_contract(db, clerk, manager, office)
    customer = page(db, search="みらい")[0].customer_id
    assert [r.id for r in queries.contracts_of_customer(db, customer, today=TODAY)] == [sc]

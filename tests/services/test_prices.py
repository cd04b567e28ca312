"""価格改定: a plan's or option's price from a month, its history, and the refusal to reprice a
month that is already invoiced (issue 10: "a price change never rewrites past months"); the
plan and option save refusing a price edit in place once the service has an invoice; and the
bad-input property test of both price services (with tests/services/test_bad_input_properties.py's
strategies, under its coverage guard)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.domain.bounds import MAX_FEE
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.prices import Price, PricedItem
from reseller_desk.services import prices, settings
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.versions import option_now, plan_now

from .invoice_builders import a_customer, document, issue_documents
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
    BAD_ID,
    BAD_NUMBER,
    PROPERTY,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
)

TODAY = dt.date(2026, 11, 20)
OCTOBER, NOVEMBER, DECEMBER, JANUARY = (dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1),
                                        dt.date(2027, 1, 1))


def change(db, actor, plan_id, month, monthly, initial=0, item=PricedItem.PLAN):
    return prices.add_price_change(db, actor, item, plan_id, from_month=month, monthly_fee=monthly,
                                   initial_fee=initial, today=TODAY)


def invoiced(db, actor, month, profile_key="simpleconnect"):
    """An SC (or SH) invoice of ``month`` for a customer: that month is billed for the service."""
    issue_documents(db, a_customer(db, actor), [document(month=month, profile_key=profile_key)],
                    profile_key=profile_key)


def test_a_new_plan_has_one_price_in_force_from_the_start(db, manager, office):
    [first] = prices.price_history(db, PricedItem.PLAN, office["sc"])
    assert (first.change_id, first.from_month, first.monthly_fee, first.initial_fee, first.billed) == \
        (None, None, 2980, 5000, False)
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], dt.date(2001, 4, 1)) == Price(2980, 5000)


def test_a_price_change_applies_from_its_month_on_and_leaves_the_months_before_it(db, manager, office):
    history = change(db, manager, office["sc"], DECEMBER, 3280, 4000)
    assert [(h.from_month, h.monthly_fee, h.initial_fee, h.recorded_by) for h in history] == \
        [(None, 2980, 5000, ""), (DECEMBER, 3280, 4000, "管理 花子")]
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], dt.date(2026, 11, 30)) == Price(2980, 5000)
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], dt.date(2026, 12, 15)) == Price(3280, 4000)
    change(db, manager, office["sc"], dt.date(2027, 4, 1), 3480)
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], dt.date(2027, 3, 1)) == Price(3280, 4000)
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], dt.date(2027, 4, 1)) == Price(3480, 0)
    [latest, *_] = list_audit(db, manager, entity="plan")
    assert latest.action == "price.change" and latest.entity_id == office["sc"] and "2027年4月から" in latest.summary
    # the plan's own row keeps the price it was created with: nothing of the past is rewritten
    assert settings.get_plan(db, office["sc"]).details.monthly_fee == 2980


def test_an_option_has_its_own_price_history(db, manager, office):
    change(db, manager, office["sc_rec"], JANUARY, 550, item=PricedItem.OPTION)
    assert prices.price_in_month(db, PricedItem.OPTION, office["sc_rec"], JANUARY) == Price(550, 0)
    assert prices.price_in_month(db, PricedItem.PLAN, office["sc"], JANUARY) == Price(2980, 5000)
    assert list_audit(db, manager, entity="option")[0].action == "price.change"


def test_the_tables_see_the_price_in_force_and_the_next_change_after_it(db, manager, office):
    change(db, manager, office["sc"], OCTOBER, 3000)
    change(db, manager, office["sc"], JANUARY, 3300)
    now = prices.prices_now(db, PricedItem.PLAN, NOVEMBER)
    assert now[office["sc"]] == prices.PriceNow(Price(3000, 0), JANUARY, Price(3300, 0))
    assert now[office["sh"]] == prices.PriceNow(Price(1980, 3000))
    assert set(prices.prices_now(db, PricedItem.PLAN, NOVEMBER, [office["sh"]])) == {office["sh"]}


@pytest.mark.parametrize("month, fee, field, words", [
    (dt.date(2026, 12, 2), 100, "from_month", "月の初日"),
    (dt.date(2028, 12, 1), 100, "from_month", "2年先（2028年11月）まで"),
    (dt.date(1999, 12, 1), 100, "from_month", "2000年1月以降"),
    (DECEMBER, -1, "monthly_fee", "0〜9,999,999円"),
    (DECEMBER, MAX_FEE + 1, "monthly_fee", "0〜9,999,999円"),
])
def test_a_bad_month_or_fee_is_refused_beside_its_field(db, manager, office, month, fee, field, words):
    with pytest.raises(ValidationFailed) as refused:
        change(db, manager, office["sc"], month, fee)
    assert words in refused.value.errors[field]
    assert len(prices.price_history(db, PricedItem.PLAN, office["sc"])) == 1


def test_a_second_change_from_the_same_month_is_refused(db, manager, office):
    change(db, manager, office["sc"], DECEMBER, 3280)
    with pytest.raises(ValidationFailed) as refused:
        change(db, manager, office["sc"], DECEMBER, 3300)
    assert "2026年12月からの価格改定はすでにあります" in refused.value.errors["from_month"]


def test_only_a_manager_changes_prices(db, clerk, office):
    with pytest.raises(PermissionDenied, match="「価格改定」は管理者だけが行えます"):
        change(db, clerk, office["sc"], DECEMBER, 3280)


def test_an_unknown_item_is_not_found(db, manager, office):
    with pytest.raises(NotFound):
        change(db, manager, 999_999, DECEMBER, 3280)
    with pytest.raises(NotFound):
        prices.price_history(db, "contract", office["sc"])  # type: ignore[arg-type]


def test_a_price_change_never_rewrites_an_invoiced_month(db, manager, office):
    invoiced(db, manager, NOVEMBER)
    for month in (NOVEMBER, OCTOBER):
        with pytest.raises(ValidationFailed) as refused:
            change(db, manager, office["sc"], month, 3280)
        assert refused.value.errors["from_month"] == \
            "2026年11月分まで請求済みです。適用月は2026年12月以降にしてください（請求済みの月の価格は変えられません）。"
    history = change(db, manager, office["sc"], DECEMBER, 3280)
    assert [h.billed for h in history] == [True, False]
    # the other service has no invoice yet: its prices may still change from November
    change(db, manager, office["sh"], NOVEMBER, 2180)


def test_a_change_whose_month_was_invoiced_since_cannot_be_removed_but_a_later_one_can(db, manager, office):
    change(db, manager, office["sc"], DECEMBER, 3280)
    later = change(db, manager, office["sc"], JANUARY, 3480)[-1]
    invoiced(db, manager, DECEMBER)
    history = prices.price_history(db, PricedItem.PLAN, office["sc"])
    assert [h.billed for h in history] == [True, True, False]
    with pytest.raises(ValidationFailed, match="入力内容") as refused:
        prices.remove_price_change(db, manager, history[1].change_id)
    assert "請求済みの月" in refused.value.errors["from_month"]
    after = prices.remove_price_change(db, manager, later.change_id)
    assert [h.from_month for h in after] == [None, DECEMBER]
    assert list_audit(db, manager, entity="plan")[0].action == "price.change_removed"
    with pytest.raises(NotFound):
        prices.remove_price_change(db, manager, later.change_id)


def test_a_credit_invoice_alone_does_not_make_a_month_invoiced(db, manager, office):
    from reseller_desk.domain.invoice_document import InvoiceKind
    issue_documents(db, a_customer(db, manager), [document(month=NOVEMBER, kind=InvoiceKind.CREDIT)])
    assert prices.price_history(db, PricedItem.PLAN, office["sc"])[0].billed is False


# -- the plan and option save -----------------------------------------------------------------------
def test_before_any_invoice_a_price_is_still_edited_in_place(db, manager, office):
    details = dataclasses.replace(settings.get_plan(db, office["sc"]).details, monthly_fee=3100)
    saved = settings.save_plan(db, manager, office["sc"], details, expected_version=plan_now(db, office["sc"]))
    assert saved.details.monthly_fee == 3100


def test_once_invoiced_a_price_edit_in_place_is_refused_beside_the_field_and_other_fields_still_save(
        db, manager, office):
    invoiced(db, manager, NOVEMBER)
    shown = settings.get_plan(db, office["sc"])
    with pytest.raises(ValidationFailed) as refused:
        settings.save_plan(db, manager, office["sc"], dataclasses.replace(shown.details, monthly_fee=3100, name="新"),
                           expected_version=shown.row_version)
    assert refused.value.errors == {"monthly_fee": prices.INVOICED_PRICE_MESSAGE}
    assert settings.get_plan(db, office["sc"]) == shown
    renamed = settings.save_plan(db, manager, office["sc"], dataclasses.replace(shown.details, name="ベーシック2"),
                                 expected_version=shown.row_version)
    assert renamed.details.name == "ベーシック2" and renamed.details.monthly_fee == 2980
    option = settings.get_option(db, office["sc_rec"])
    with pytest.raises(ValidationFailed) as refused:
        settings.save_option(db, manager, office["sc_rec"], dataclasses.replace(option.details, initial_fee=0),
                             expected_version=option_now(db, office["sc_rec"]))
    assert set(refused.value.errors) == {"initial_fee"}
    # a plan of the service not yet invoiced is still edited in place
    sh = settings.get_plan(db, office["sh"])
    settings.save_plan(db, manager, office["sh"], dataclasses.replace(sh.details, monthly_fee=2080),
                       expected_version=sh.row_version)


def test_a_new_plan_of_an_invoiced_service_takes_any_price(db, manager, office):
    invoiced(db, manager, NOVEMBER)
    added = settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-PRO", "プロ", 4980, 5000),
                               expected_version=None)
    assert prices.price_in_month(db, PricedItem.PLAN, added.id, NOVEMBER) == Price(4980, 5000)


# -- bad input ----------------------------------------------------------------------------------------
def invoiced_office(tmp_path_factory, name: str) -> Iterator[Office]:
    """The bad-input office of tests/services/test_bad_input_properties.py in a database of its
    own (``name``), with its SC service invoiced for October 2026."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp(name) / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            issue_documents(db, office.customer_id, [document(month=OCTOBER)])
            yield office
        finally:
            db.dispose()


@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    yield from invoiced_office(tmp_path_factory, "bad-prices")


MONTHS = st.one_of(st.sampled_from([OCTOBER, NOVEMBER, DECEMBER, JANUARY, dt.date(2028, 11, 1)]), BAD_DATE)
ITEMS = mostly("plan", st.sampled_from(["option", "contract", "", None, 1]))


@drives("prices.add_price_change")
@PROPERTY
@given(actor=ACTORS, item=ITEMS, which=mostly("sc"), month=MONTHS, monthly=mostly(3280, BAD_NUMBER),
       initial=mostly(0, BAD_NUMBER))
def test_a_price_change_with_bad_values_is_added_or_refused(bad_office, actor, item, which, month, monthly, initial):
    plan_id = (bad_office.plans["sc_rec"] if item == "option" else bad_office.plans["sc"]) if which == "sc" else which
    attempt(bad_office, lambda: prices.add_price_change(bad_office.db, actor_of(bad_office, actor), item, plan_id,
                                                        from_month=month, monthly_fee=monthly, initial_fee=initial))


@drives("prices.remove_price_change")
@PROPERTY
@given(actor=ACTORS, change_id=mostly("latest", BAD_ID))
def test_removing_a_price_change_with_bad_values_removes_it_or_refuses(bad_office, actor, change_id):
    if change_id == "latest":
        history = prices.price_history(bad_office.db, PricedItem.PLAN, bad_office.plans["sh"])
        if len(history) == 1:
            with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
                history = prices.add_price_change(bad_office.db, bad_office.manager, PricedItem.PLAN,
                                                  bad_office.plans["sh"], from_month=JANUARY, monthly_fee=2000,
                                                  initial_fee=0)
        change_id = history[-1].change_id
    attempt(bad_office, lambda: prices.remove_price_change(bad_office.db, actor_of(bad_office, actor), change_id))

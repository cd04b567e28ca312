"""請求の設定: the collection day (SC §10.1), the invoice's issue day (SC §10.2) and the tax
category of the 契約解除料 (terms-rules.md §4), within the profiles' bounds, with the company
row's version shared with 会社情報; the dates they give for a month; and the bad-input property
test of the save (with tests/services/test_bad_input_properties.py's strategies, under its
coverage guard)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.company import CompanyDetails
from reseller_desk.services import billing_settings as service
from reseller_desk.services import settings
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ValidationFailed
from tests.versions import company_now

from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    PROPERTY,
    VERSION,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    version,
)
from .test_prices import invoiced_office

NOVEMBER = dt.date(2026, 11, 1)


def save(db, actor, *, collection_day=27, invoice_issue_day=None, tax=TaxCategory.OUTSIDE, expected_version=None):
    shown = service.billing_settings(db).version if expected_version is None else expected_version
    return service.save_billing_settings(db, actor, collection_day=collection_day, invoice_issue_day=invoice_issue_day,
                                         early_termination_tax=tax, expected_version=shown)


def test_before_anything_is_saved_the_defaults_are_day_27_the_first_business_day_and_outside_tax(db):
    assert service.billing_settings(db) == service.BillingSettings(27, None, TaxCategory.OUTSIDE, 0)


def test_the_settings_are_saved_audited_and_feed_the_early_termination_fee(db, manager):
    saved = save(db, manager, collection_day=31, invoice_issue_day=10, tax=TaxCategory.TAXABLE_10)
    assert saved == service.BillingSettings(31, 10, TaxCategory.TAXABLE_10, 1) == service.billing_settings(db)
    [entry] = list_audit(db, manager, entity="company")
    assert entry.action == "billing_settings.update" and entry.summary == "請求の設定の変更"
    assert settings.get_company(db) == CompanyDetails()  # the company details are left as they were
    assert save(db, manager, collection_day=31, invoice_issue_day=10, tax=TaxCategory.TAXABLE_10) == saved
    assert len(list_audit(db, manager, entity="company")) == 1, "an unchanged save writes nothing"
    back = save(db, manager, collection_day=25, invoice_issue_day=None, tax="outside")
    assert (back.collection_day, back.invoice_issue_day, back.early_termination_tax) == (25, None, TaxCategory.OUTSIDE)


@pytest.mark.parametrize("day, issue, field, words", [
    (24, None, "collection_day", "25日〜31日"), (32, None, "collection_day", "25日〜31日"),
    (True, None, "collection_day", "25日〜31日"), ("27", None, "collection_day", "25日〜31日"),
    (27, 16, "invoice_issue_day", "毎月1日〜15日"), (27, 0, "invoice_issue_day", "翌月15日までに発行"),
])
def test_days_outside_what_the_terms_allow_are_refused_beside_their_field(db, manager, day, issue, field, words):
    with pytest.raises(ValidationFailed) as refused:
        save(db, manager, collection_day=day, invoice_issue_day=issue)
    assert words in refused.value.errors[field]
    assert service.billing_settings(db) == service.DEFAULTS


def test_a_tax_category_that_is_none_of_the_four_is_refused(db, manager):
    with pytest.raises(ValidationFailed) as refused:
        save(db, manager, tax="taxable_5")
    assert set(refused.value.errors) == {"early_termination_tax"}


def test_the_bounds_are_read_from_every_profile_shipped():
    assert service.collection_day_range() == (25, 31)
    assert service.invoice_issue_day_max() == 15


def test_only_a_manager_changes_the_billing_settings(db, clerk):
    with pytest.raises(PermissionDenied, match="「請求の設定の変更」は管理者だけが行えます"):
        save(db, clerk, collection_day=28)


def test_the_company_tab_and_the_billing_tab_share_one_version_and_a_stale_save_names_who(db, manager, clerk):
    shown = service.billing_settings(db).version
    settings.save_company(db, manager, CompanyDetails(name="株式会社みらいテレコム", address="東京都千代田区内神田2-5-3"),
                          expected_version=company_now(db))
    with pytest.raises(ConcurrentEdit, match="請求の設定は .* に 管理 花子 さんが変更しています"):
        save(db, manager, collection_day=28, expected_version=shown)
    company_shown = company_now(db)
    save(db, manager, collection_day=28)
    with pytest.raises(ConcurrentEdit, match="会社情報は"):
        settings.save_company(db, manager, CompanyDetails(name="株式会社みらい", address="東京都千代田区"),
                              expected_version=company_shown)
    assert settings.get_company(db).name == "株式会社みらいテレコム"
    assert service.billing_settings(db).collection_day == 28


def test_last_months_dates_follow_the_settings_and_the_calendars(db, manager):
    [sc, sh] = service.billing_dates(db, collection_day=27, invoice_issue_day=None, today=dt.date(2026, 12, 10))
    assert sc.profile_name != sh.profile_name and sc.month == NOVEMBER
    # 1 Dec 2026 is a Tuesday; the 27th a Sunday (→ Mon 28th); the 31st a bank holiday (→ Wed 30th)
    assert (sc.issue_date, sc.debit_date, sc.transfer_due_date) == \
        (dt.date(2026, 12, 1), dt.date(2026, 12, 28), dt.date(2026, 12, 30))
    # the 5th is a Saturday: the next company business day; a closure day moves it once more
    settings.add_closures(db, manager, [dt.date(2026, 12, 7)], "棚卸", today=dt.date(2026, 11, 20))
    [sc, _] = service.billing_dates(db, collection_day=31, invoice_issue_day=5, month=NOVEMBER)
    assert (sc.issue_date, sc.debit_date) == (dt.date(2026, 12, 8), dt.date(2027, 1, 4))
    # never after the deadline (SC §10.2: by the 15th), whatever the calendar
    settings.add_closures(db, manager, [dt.date(2026, 12, 15)], "棚卸", today=dt.date(2026, 11, 20))
    [sc, _] = service.billing_dates(db, collection_day=27, invoice_issue_day=15, month=NOVEMBER)
    assert sc.issue_date == dt.date(2026, 12, 15)
    with pytest.raises(ValidationFailed):
        service.billing_dates(db, collection_day=20, invoice_issue_day=None, month=NOVEMBER)


# -- bad input ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    yield from invoiced_office(tmp_path_factory, "bad-billing")


DAYS = st.one_of(st.integers(24, 32), ANY_BAD)


@drives("billing_settings.save_billing_settings")
@PROPERTY
@given(actor=ACTORS, day=mostly(27, DAYS), issue=mostly(None, st.one_of(st.integers(-1, 17), ANY_BAD)),
       tax=mostly("taxable_10", st.one_of(st.sampled_from(list(TaxCategory)), ANY_BAD)), shown=VERSION)
def test_billing_settings_with_bad_values_are_saved_or_refused(bad_office, actor, day, issue, tax, shown):
    expected = version(shown, lambda: service.billing_settings(bad_office.db).version)
    attempt(bad_office, lambda: service.save_billing_settings(
        bad_office.db, actor_of(bad_office, actor), collection_day=day, invoice_issue_day=issue,
        early_termination_tax=tax, expected_version=expected))

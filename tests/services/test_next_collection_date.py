"""The day the 口座振替 screen opens on: the next collection day from 設定 → 請求's collection
day (SC §10.1; a bank holiday moves it to the next business day, into the next year if need be)."""

from __future__ import annotations

import datetime as dt

from reseller_desk.services import billing_settings
from reseller_desk.services.billing_settings import next_collection_date
from tests.versions import company_now


def test_the_next_collection_day_is_the_27th_moved_off_a_sunday(db):
    assert next_collection_date(db, dt.date(2026, 12, 3)) == dt.date(2026, 12, 28)    # the 27th is a Sunday
    assert next_collection_date(db, dt.date(2026, 12, 28)) == dt.date(2026, 12, 28)   # the day itself
    assert next_collection_date(db, dt.date(2026, 12, 29)) == dt.date(2027, 1, 27)


def test_a_month_end_collection_day_falls_past_new_year_on_the_first_bank_day(db, manager):
    billing_settings.save_billing_settings(db, manager, collection_day=31, invoice_issue_day=None,
                                           early_termination_tax=billing_settings.DEFAULTS.early_termination_tax,
                                           expected_version=company_now(db))
    assert next_collection_date(db, dt.date(2026, 12, 3)) == dt.date(2027, 1, 4)   # 31 Dec, a bank holiday
    assert next_collection_date(db, dt.date(2027, 2, 1)) == dt.date(2027, 2, 1)    # 31 Jan was a Sunday
    assert next_collection_date(db, dt.date(2027, 2, 2)) == dt.date(2027, 3, 1)    # 28 Feb is a Sunday

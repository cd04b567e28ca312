"""services.audit.list_audit: the manager's filters of the audit log (by day in Japan time, by
staff member) and paging past the first page; summaries cut at 200 characters say so."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk import clock
from reseller_desk.services import audit
from reseller_desk.services import customers as customer_service
from reseller_desk.services.errors import PermissionDenied

from ..ui.helpers import SAMPLE_CUSTOMERS


@pytest.fixture
def log(db, manager, clerk):
    """Four changes: the manager late on 11/20 and early on 11/21 (Japan time), the clerk on
    11/21 and 11/22."""
    for moment, actor, draft in ((dt.datetime(2026, 11, 20, 23, 59), manager, SAMPLE_CUSTOMERS[0]),
                                 (dt.datetime(2026, 11, 21, 0, 1), manager, SAMPLE_CUSTOMERS[1]),
                                 (dt.datetime(2026, 11, 21, 18, 0), clerk, SAMPLE_CUSTOMERS[2]),
                                 (dt.datetime(2026, 11, 22, 9, 0), clerk, SAMPLE_CUSTOMERS[3])):
        with clock.frozen(moment):
            customer_service.add_customer(db, actor, draft)


def test_a_day_range_is_read_in_japan_time_both_days_included(db, manager, log):
    records = audit.list_audit(db, manager, date_from=dt.date(2026, 11, 21), date_to=dt.date(2026, 11, 21))
    assert [r.at for r in records] == [dt.datetime(2026, 11, 21, 9, 0), dt.datetime(2026, 11, 20, 15, 1)]  # UTC
    assert len(audit.list_audit(db, manager, date_from=dt.date(2026, 11, 21))) == 3
    assert len(audit.list_audit(db, manager, date_to=dt.date(2026, 11, 20))) == 1


def test_one_staff_members_changes(db, manager, clerk, log):
    assert {r.user_name for r in audit.list_audit(db, manager, user_id=clerk.user_id)} == {clerk.name}
    assert len(audit.list_audit(db, manager, user_id=clerk.user_id)) == 2
    both = audit.list_audit(db, manager, user_id=manager.user_id, date_from=dt.date(2026, 11, 21))
    assert len(both) == 1 and both[0].user_name == manager.name


def test_pages_reach_past_the_first_one(db, manager, log):
    first = audit.list_audit(db, manager, limit=3)
    rest = audit.list_audit(db, manager, limit=3, offset=3)
    assert len(first) == 3 and len(rest) == 1
    assert first + rest == audit.list_audit(db, manager)


def test_a_clerk_may_not_read_the_log(db, clerk, log):
    with pytest.raises(PermissionDenied, match="操作履歴の閲覧"):
        audit.list_audit(db, clerk, user_id=clerk.user_id)


def test_a_summary_longer_than_200_characters_is_cut_visibly(db, manager):
    long = "あ" * 250
    with db.transaction() as session:
        audit.record(session, manager, "demo.customers", "customer", None, summary=long)
    summary = audit.list_audit(db, manager)[0].summary
    assert len(summary) == 200 and summary.endswith("…") and summary[:199] == long[:199]
    assert audit.clipped_summary("短い") == "短い"

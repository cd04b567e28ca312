"""The 操作履歴 page: a manager reads it in Japan time with readable values; a clerk is refused
by the service (and the window does not offer the section to one)."""

from __future__ import annotations

import datetime as dt

from reseller_desk.services import customers as customer_service
from reseller_desk.ui.audit_page import AuditPage, format_values, local_time

from .helpers import SAMPLE_CUSTOMERS


def test_stored_utc_is_shown_in_japan_time():
    assert local_time(dt.datetime(2026, 11, 21, 23, 30, 5)) == "2026-11-22 08:30:05"
    assert local_time(dt.datetime(2026, 11, 21, 23, 30, 5, tzinfo=dt.timezone.utc)) == "2026-11-22 08:30:05"
    assert local_time(None) == ""


def test_values_are_key_value_lines_with_japanese_names():
    text = format_values({"channel": "post", "answer": "hit", "lines": 2, "debit_account": None,
                          "documents": [{"kind": "identity"}]})
    assert text.splitlines() == ["受付経路: 郵送", "回答: 該当", "回線数: 2", "口座: —", '提出書類: [{"kind":"identity"}]']
    assert format_values(["a", 1]) == '["a",1]' and format_values(None) == ""


def test_a_manager_filters_by_customer(ctx, db, manager, qtbot):
    first = customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0]).id
    customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[3])
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2 and page.count_label.text() == "2件"
    assert page.model.index(0, 3).data().startswith("顧客 ID")
    page.customer_query.setText("テスト商事")
    page.search_customers()
    assert page.customer_combo.currentData() == first  # the only match is chosen
    assert [r.customer_id for r in page.model.records] == [first]
    page.clear_filters()
    assert page.model.rowCount() == 2


def test_a_clerk_is_refused_by_the_service(clerk_ctx, qtbot, shown):
    page = AuditPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    assert "管理者だけ" in page.message.text() and not page.message.isHidden()
    assert shown.messages == []  # said on the page, not in a box

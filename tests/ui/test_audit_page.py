"""The 操作履歴 page: a manager reads it in Japan time with every action, key and value in
Japanese, filters it by customer, staff member and days, reads past the first 500 rows and
exports what is shown as CSV for Excel; a clerk is refused by the service (and the window does
not offer the section to one)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest

from reseller_desk import clock
from reseller_desk.services import applications as apps
from reseller_desk.services import audit as audit_service
from reseller_desk.services import customers as customer_service
from reseller_desk.services import settings as settings_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui import audit_page as audit_page_module
from reseller_desk.ui.audit_format import ACTION_LABELS, AuditText, action_label, format_values, write_csv
from reseller_desk.ui.audit_page import AuditPage, local_time
from tests.versions import application_now

from .helpers import SAMPLE_CUSTOMERS, set_up_office

#: A key of a value as stored ("customer_code: …", "status: …"): never shown to the manager.
ENGLISH_KEY = re.compile(r"(^|[\s　・、/])[a-z_]{3,}: ", re.MULTILINE)


def test_stored_utc_is_shown_in_japan_time():
    assert local_time(dt.datetime(2026, 11, 21, 23, 30, 5)) == "2026-11-22 08:30:05"
    assert local_time(dt.datetime(2026, 11, 21, 23, 30, 5, tzinfo=dt.UTC)) == "2026-11-22 08:30:05"
    assert local_time(None) == ""


def test_values_are_japanese_lines_with_codes_as_their_labels():
    text = format_values({"channel": "post", "answer": "hit", "lines": 2, "debit_account": None,
                          "documents": [{"kind": "identity", "identity_kind": "passport", "note": ""}],
                          "hit_grounds": ["2", "5"]})
    assert text.splitlines() == ["受付経路: 郵送", "回答: 該当", "回線数: 2", "振替口座: —", "提出書類:",
                                 "　・種類: 本人確認書類、本人確認書類の種類: パスポート", "該当した審査項目: 2、5"]
    assert format_values({"status": "revoked"}, "contract.revoke") == "状態: 取消"
    assert format_values({"status": "revoked"}) == "状態: 承諾取消"
    assert format_values({"status": "failed"}, "application.identity_letter") == "状態: 本人確認不可"
    assert format_values(None) == ""


def test_every_action_the_services_record_has_a_japanese_label():
    package = Path(audit_service.__file__).parents[1]  # reseller_desk/
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    recorded = set(re.findall(r'audit\.record\(session, actor, "([a-z_]+\.[a-z_]+)"', sources))
    recorded |= {"plan.add", "plan.update", "option.add", "option.update"}  # f"{entity}.{verb}"
    assert recorded and recorded <= set(ACTION_LABELS)
    assert action_label("contract.suspend", "contract") == "契約の操作"  # a new one still reads in Japanese


@pytest.fixture
def history(db, clerk, manager):
    """A day of the office: an application approved, another revoked after approval, settings."""
    office = set_up_office(db, manager)
    today = clock.today()
    from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry

    papers = (DocumentEntry("application_form", today), DocumentEntry("identity", today, "passport", "1234"))
    for profile, plan in (("simpleconnect", office["sc"]), ("sokujitsu", office["sh"])):
        draft = ApplicationDraft("post", today, profile, plan, documents=papers)
        application_id = apps.create_application(db, clerk, ApplicationInput(draft, applicant=SAMPLE_CUSTOMERS[2])).id
        if profile == "sokujitsu":
            apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=today)
        for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
            apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
        apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id))
        if profile == "sokujitsu":
            apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id), on=today)
    settings_service.add_closures(db, manager, [dt.date(2026, 8, 14)], "夏季休業")
    return office


def test_the_whole_log_of_a_day_reads_without_an_english_key_or_a_raw_code(db, manager, history):
    texts = AuditText()
    records = audit_service.list_audit(db, manager)
    assert {"contract.revoke", "application.approve", "application.screening", "notice.issue"} <= {
        r.action for r in records}
    for record in records:
        shown = "\n".join([*texts.row(record), texts.details(record)])
        assert not ENGLISH_KEY.search(shown), shown
        assert "{" not in shown and '"' not in shown, shown  # no JSON
        assert record.action not in shown, shown
    revoke = next(r for r in records if r.action == "contract.revoke")
    assert "状態: 開通待ち" in texts.row(revoke)[5] and "状態: 取消" in texts.row(revoke)[6]


def test_a_manager_filters_by_customer(ctx, db, manager, qtbot):
    first = customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0]).id
    customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[3])
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2 and page.count_label.text() == "2件"
    assert page.model.index(0, 3).data().startswith("顧客 ID")
    assert page.model.index(0, 2).data().startswith("顧客の登録")
    page.customer_query.setText("テスト商事")
    page.search_customers()
    assert page.customer_combo.currentData() == first  # the only match is chosen
    assert [r.customer_id for r in page.model.records] == [first]
    page.clear_filters()
    assert page.model.rowCount() == 2


def test_a_manager_filters_by_staff_member_and_by_days(ctx, db, manager, clerk, qtbot, artifacts):
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    with clock.frozen(dt.datetime(2026, 11, 21, 0, 30)):  # 11/20 15:30 UTC: the 21st in Japan
        customer_service.add_customer(db, clerk, SAMPLE_CUSTOMERS[1])
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.staff_combo.setCurrentIndex(page.staff_combo.findData(clerk.user_id))
    assert [r.user_name for r in page.model.records] == [clerk.name]
    page.staff_combo.setCurrentIndex(0)
    page.set_period(dt.date(2026, 11, 20))
    assert [r.user_name for r in page.model.records] == [manager.name]
    page.set_period(dt.date(2026, 11, 21), dt.date(2026, 11, 30))
    assert [r.user_name for r in page.model.records] == [clerk.name]
    page.resize(1280, 600)
    page.show()
    page.grab().save(str(artifacts / "audit_filtered.png"))
    page.set_period(None)
    assert page.model.rowCount() == 2


def test_more_than_a_page_of_rows_is_reachable(ctx, db, manager, qtbot, monkeypatch):
    monkeypatch.setattr(audit_page_module, "PAGE_SIZE", 2)
    for draft in SAMPLE_CUSTOMERS[:3]:
        customer_service.add_customer(db, manager, draft)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 2 and page.has_more and not page.more_button.isHidden()
    page.load_more()
    assert page.model.rowCount() == 3 and not page.has_more and page.more_button.isHidden()
    assert page.model.records == audit_service.list_audit(db, manager)


def test_csv_of_what_is_shown_opens_in_excel_with_japanese_headers(ctx, db, manager, qtbot, tmp_path):
    customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    target = tmp_path / "履歴.csv"
    page.ask_csv_path = lambda parent, caption, suggested: str(target)
    page.export_csv()
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())  # the BOM Excel looks for
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["日時", "担当", "操作", "内容", "対象", "変更前", "変更後"]
    assert rows[1][1:3] == ["管理 花子", "顧客の登録"] and rows[1][4].startswith("顧客 ID")
    assert len(rows) == 2


def test_csv_writes_multiline_cells_as_one_row_each(tmp_path):
    path = tmp_path / "x.csv"
    assert write_csv(path, [("a", "1行目\n2行目")], header=("列1", "列2")) == 1
    with open(path, encoding="utf-8-sig", newline="") as read:
        assert list(csv.reader(read)) == [["列1", "列2"], ["a", "1行目\n2行目"]]


def test_a_clerk_is_refused_by_the_service(clerk_ctx, qtbot, shown):
    page = AuditPage(clerk_ctx)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    assert "管理者だけ" in page.message.text() and not page.message.isHidden()
    assert shown.messages == []  # said on the page, not in a box

"""The two letters about lent units: rendered from a document built by hand, read back with pypdf
to the yen and the day, one A4 page even with several units, the stored JSON read back as issued,
and issued letters combined into one file page for page."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from reseller_desk.domain.notices import Addressee, Issuer, NoticeKind
from reseller_desk.domain.return_notices import (
    ReturnedUnitLine,
    ReturnNoticeDetails,
    ReturnNoticeDocument,
    from_json,
    late_cost_text,
    to_json,
)
from reseller_desk.reports.return_notices import combined_pdf, render_return_notice

OFFICE = Issuer(name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
                phone="03-5289-7410", registration_number="T8700110005901", email="support@mirai-telecom.example.jp")
CUSTOMER = Addressee(name="株式会社青葉物産", postal_code="980-0811", address="宮城県仙台市青葉区一番町3丁目7番1号",
                     contact_name="佐藤 美咲", contact_title="総務部")
DETAILS = ReturnNoticeDetails(
    customer_code="C0000042", contract_ended_on=dt.date(2026, 12, 10), deadline=dt.date(2026, 12, 24),
    place="〒101-0047 東京都千代田区内神田2丁目5番3号\n株式会社みらいテレコム",
    units=(ReturnedUnitLine("Yealink T58W", "SN-0001", ("ACアダプター", "受話器")),),
    monthly_charges=2480, multiplier=2, clause="第13条第4項・第13条第5項", late_clause="第13条第5項")
REQUEST = ReturnNoticeDocument(kind=NoticeKind.RETURN_REQUEST, number="返-2026-000001", issued_on=dt.date(2026, 12, 10),
                               issuer=OFFICE, addressee=CUSTOMER, service_name="即日発番.com", details=DETAILS)
REMINDER = replace(REQUEST, kind=NoticeKind.RETURN_REMINDER, number="督-2027-000001", issued_on=dt.date(2027, 1, 25),
                   details=replace(DETAILS, as_of=dt.date(2027, 1, 25), days_late=32, months_late=2,
                                   penalty_so_far=9920, reminder_count=1))


def text_of(pdf: bytes) -> tuple[int, str]:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return len(pages), "".join(page.extract_text() for page in pages).replace("\n", "")


def test_the_late_cost_is_said_in_the_words_of_the_terms_with_this_contracts_amounts():
    assert late_cost_text(2480, 2, "第13条第5項") == (
        "返却期限の翌日から返却完了日まで、1カ月あたりの料金等（2,480円）の2倍（4,960円）を1カ月ごとに"
        "遅延損害金として申し受けます。1カ月未満は1カ月とします（第13条第5項）。")


def test_the_return_request_prints_the_unit_accessories_deadline_place_and_late_cost_on_one_page():
    pages, text = text_of(render_return_notice(REQUEST))
    assert pages == 1
    for expected in ("機器返却のお願い", "返-2026-000001", "株式会社青葉物産", "C0000042", "Yealink T58W", "SN-0001",
                     "ACアダプター、受話器", "2026年12月24日", "2026年12月10日", "内神田2丁目5番3号", "2,480円",
                     "4,960円", "1カ月未満は1カ月とします"):
        assert expected in text, expected


def test_the_reminder_prints_how_late_and_the_penalty_so_far():
    pages, text = text_of(render_return_notice(REMINDER))
    assert pages == 1
    for expected in ("機器返却のお願い（再送）", "督-2027-000001", "返却期限の2026年12月24日を過ぎましたが", "32日（2カ月分）",
                     "¥9,920", "2027年1月25日現在"):
        assert expected in text, expected


def test_five_units_still_fit_one_page():
    units = tuple(ReturnedUnitLine("Yealink T58W", f"SN-000{n}", ("ACアダプター", "受話器", "LANケーブル")) for n in range(5))
    pages, text = text_of(render_return_notice(replace(REQUEST, details=replace(DETAILS, units=units))))
    assert pages == 1
    assert "返却機器（5台）" in text and "SN-0004" in text


def test_the_stored_document_reads_back_as_issued():
    assert from_json(to_json(REQUEST)) == REQUEST
    assert from_json(to_json(REMINDER)) == REMINDER


def test_another_kind_of_notice_is_not_rendered_here():
    with pytest.raises(ValueError, match="not a return notice"):
        render_return_notice(replace(REQUEST, kind=NoticeKind.CANCELLATION))


def test_letters_are_combined_into_one_file_page_for_page():
    combined = combined_pdf([render_return_notice(REQUEST), render_return_notice(REMINDER)])
    pages, text = text_of(combined)
    assert pages == 2
    assert text.index("返-2026-000001") < text.index("督-2027-000001")

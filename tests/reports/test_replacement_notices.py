"""The two printed notices of a warranty replacement (SC §21): what each states, to the yen and to
the day, on one A4 page, and the stored JSON that reads back both the notice and its details."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from reseller_desk.domain.notices import NoticeDocument, NoticeKind, from_json
from reseller_desk.domain.replacement_notices import (
    ReplacedUnitReturnDetails,
    ReplacementSentDetails,
    details_of,
    notice_json,
)
from reseller_desk.reports.replacement_notices import render_replacement_notice
from tests.reports.test_notices import CORPORATE, OFFICE, PRIVATE, assert_common, flat, pages_text

PLACE = "〒101-0047 東京都千代田区内神田2丁目5番3号 神田スクエアビル4F\n株式会社みらいテレコム"
SENT = ReplacementSentDetails(
    customer_code="C0000123", model_name="SIP電話機 T46", new_serial="T46-0002", new_mac="00:15:65:AA:00:02",
    old_serial="T46-0001", shipped_on=dt.date(2026, 11, 2), return_days=14, return_clause="第21条第2項", place=PLACE,
    penalty=16500, penalty_clause="第21条第3項", warranty_ends_on=dt.date(2027, 6, 5))
RETURN = ReplacedUnitReturnDetails(
    customer_code="C0000123", model_name="SIP電話機 T46", old_serial="T46-0001", new_serial="T46-0002",
    shipped_on=dt.date(2026, 11, 2), received_on=dt.date(2026, 11, 4), deadline=dt.date(2026, 11, 18),
    return_clause="第21条第2項", place=PLACE, penalty=16500, penalty_clause="第21条第3項")


def doc(kind: NoticeKind, **changes) -> NoticeDocument:
    prefix = kind.number_prefix
    base = NoticeDocument(kind=kind, number=f"{prefix}-2026-000001", issued_on=dt.date(2026, 11, 22), issuer=OFFICE,
                          addressee=CORPORATE, service_name="SimpleConnect クラウドサービス")
    return dataclasses.replace(base, **changes)


def test_the_replacement_sent_notice_names_the_new_unit_what_to_send_back_within_how_long_and_the_penalty():
    d = doc(NoticeKind.REPLACEMENT_SENT)
    [text] = pages_text(render_replacement_notice(d, SENT))
    assert_common(text, d)
    t = flat(text)
    for fact in ("交換機器送付のご案内", "C0000123", "SIP電話機T46", "T46-0002", "00:15:65:AA:00:02", "T46-0001",
                 "2026年11月2日", "お受け取りになった日から14日以内", "第21条第2項", "送料着払い", "¥16,500",
                 "第21条第3項", "2027年6月5日まで", "内神田2丁目5番3号"):
        assert fact in t, fact


def test_the_return_request_names_the_deadline_and_the_penalty_in_the_terms_words():
    d = doc(NoticeKind.REPLACED_UNIT_RETURN, addressee=PRIVATE)
    [text] = pages_text(render_replacement_notice(d, RETURN))
    assert_common(text, d)
    t = flat(text)
    for fact in ("交換前機器返送のお願い", "2026年11月4日", "2026年11月18日", "違約金として¥16,500（税込）を申し受けます",
                 "第21条第3項", "T46-0001", "送料着払い", "高橋健一様"):
        assert fact in t, fact


@pytest.mark.parametrize(("kind", "details"), [(NoticeKind.REPLACEMENT_SENT, SENT),
                                               (NoticeKind.REPLACED_UNIT_RETURN, RETURN)])
def test_each_fits_one_a4_page_and_renders_the_same_bytes_twice(kind, details):
    pdf = render_replacement_notice(doc(kind), details)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert pdf == render_replacement_notice(doc(kind), details)


def test_details_of_another_kind_are_refused():
    with pytest.raises(ValueError, match="交換機器送付のご案内"):
        render_replacement_notice(doc(NoticeKind.REPLACEMENT_SENT), RETURN)


@pytest.mark.parametrize("details", [SENT, RETURN])
def test_the_stored_json_reads_back_as_a_notice_and_its_details(details):
    kind = NoticeKind.REPLACEMENT_SENT if details is SENT else NoticeKind.REPLACED_UNIT_RETURN
    stored = notice_json(doc(kind), details)
    assert from_json(stored) == doc(kind)
    assert details_of(stored) == details


def test_a_notice_of_another_kind_has_no_replacement_details():
    from reseller_desk.domain.notices import to_json

    assert details_of(to_json(doc(NoticeKind.REFUSAL))) is None

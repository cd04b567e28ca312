"""The pure rules of a contract's life beside the dates (domain.lifecycle): how a typed phone
number is stored, and how a suspension's period is printed."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain.lifecycle import UNTIL_PAID_TEXT, normalized_number, suspension_period_text


@pytest.mark.parametrize(("typed", "stored"), [
    ("03-1234-5678", "0312345678"),
    ("０９０－１１１１－２２２２", "09011112222"),   # 全角, as NFKC makes it
    ("(03) 1234 5678", "0312345678"),
    ("0٣١٢٣٤٥٦٧٨", None),                          # Arabic-Indic digits are digits, not a Japanese number
    ("0᪐٩᠙7០7꧒𖭔𑶡൯", None),
    ("312345678", None),
    ("031234567890", None),
    (3_1234_5678, None),
])
def test_a_phone_number_is_stored_as_ascii_digits_and_digits_of_other_scripts_are_refused(typed, stored):
    assert normalized_number(typed) == stored


def test_a_suspensions_period_is_printed_with_its_end_date_or_until_paid():
    end = dt.date(2026, 12, 31)
    assert suspension_period_text(end, "1か月", until_paid=False) == "2026年12月31日まで（1か月）"
    assert suspension_period_text(end, "", until_paid=True) == UNTIL_PAID_TEXT
    assert suspension_period_text(None, "", until_paid=False) == "当社が別途お知らせするまで"

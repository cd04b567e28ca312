"""The bounds of every input (domain.bounds): the date windows, whole numbers and amounts, and
record ids, with the Japanese message a clerk reads beside the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reseller_desk.domain.bounds import (
    CLOSURE_HORIZON_YEARS,
    EARLIEST_DATE,
    MAX_FEE,
    MAX_RECORD_ID,
    closure_date_problem,
    closure_window,
    is_record_id,
    number_problem,
    recorded_date_problem,
    whole_number,
    years_after,
    yen_problem,
)

TODAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize("day, problem", [
    (EARLIEST_DATE, None),
    (TODAY, None),
    (dt.date(1999, 12, 31), "決定日は2000年1月1日以降の日付にしてください。"),
    (dt.date(1, 1, 1), "決定日は2000年1月1日以降の日付にしてください。"),
    (TODAY + dt.timedelta(days=1), "決定日が未来の日付です（本日は11月20日）。"),
    (dt.date(9999, 12, 31), "決定日が未来の日付です（本日は11月20日）。"),
    (None, "決定日を入力してください。"),
    ("2026-11-20", "決定日は日付で入力してください（例: 2026-11-20）。"),
    (dt.datetime(2026, 11, 20, 9, 0), "決定日は日付で入力してください（例: 2026-11-20）。"),
    (20261120, "決定日は日付で入力してください（例: 2026-11-20）。"),
])
def test_a_recorded_date_lies_from_2000_to_today_and_is_a_date(day, problem):
    assert recorded_date_problem(day, TODAY, "決定日") == problem


def test_a_closure_day_may_lie_up_to_two_years_ahead():
    assert CLOSURE_HORIZON_YEARS == 2
    assert closure_window(TODAY) == (EARLIEST_DATE, dt.date(2028, 11, 20))
    assert closure_date_problem(dt.date(2028, 11, 20), TODAY) is None
    assert closure_date_problem(dt.date(2028, 11, 21), TODAY) == "休業日は2年先（2028年11月20日）までの日付にしてください。"
    assert closure_date_problem(dt.date(9999, 12, 31), TODAY) is not None
    assert closure_date_problem(dt.date(1999, 12, 31), TODAY) == "休業日は2000年1月1日以降の日付にしてください。"
    assert closure_date_problem("2026-12-29", TODAY) == "休業日は日付で入力してください（例: 2026-11-20）。"


def test_two_years_after_29_february_is_28_february():
    assert years_after(dt.date(2028, 2, 29), 2) == dt.date(2030, 2, 28)
    assert years_after(dt.date(2026, 11, 20), 2) == dt.date(2028, 11, 20)


@pytest.mark.parametrize("value, number", [
    (0, 0), (1980, 1980), (-5, -5), (Decimal("1000"), 1000), (Decimal("1000.00"), 1000),
    (True, None), (False, None), (1.0, None), (1.5, None), (Decimal("1.5"), None), (Decimal("NaN"), None),
    (Decimal("sNaN"), None), (Decimal("Infinity"), None), ("1000", None), ("１０００", None), (None, None), ([], None),
])
def test_a_whole_number_is_an_int_or_a_whole_decimal_never_a_bool_float_or_text(value, number):
    assert whole_number(value) == number
    assert type(whole_number(value)) is (int if number is not None else type(None))


@pytest.mark.parametrize("value, ok", [(0, True), (MAX_FEE, True), (MAX_FEE + 1, False), (10**15, False), (-1, False),
                                       (2**63, False), (True, False), (1.5, False), ("1000", False)])
def test_a_fee_is_whole_yen_below_ten_million(value, ok):
    problem = yen_problem(value, "月額料金")
    assert (problem is None) is ok
    if not ok:
        assert problem == "月額料金は0〜9,999,999円の整数で入力してください。"


def test_a_count_names_its_range_and_unit():
    assert number_problem(0, "回線数", 1, 999) == "回線数は1〜999の整数で入力してください。"
    assert number_problem(121, "最低利用期間", 0, 120, "か月") == "最低利用期間は0〜120か月の整数で入力してください。"
    assert number_problem(999, "回線数", 1, 999) is None


@pytest.mark.parametrize("value, ok", [(1, True), (MAX_RECORD_ID, True), (MAX_RECORD_ID + 1, False), (0, False),
                                       (-1, False), (True, False), ("1", False), (1.0, False), (None, False)])
def test_a_record_id_is_a_positive_int_sqlite_can_bind(value, ok):
    assert is_record_id(value) is ok

"""The usage file's format (domain.usage_file): the header in any order, numbers in every common
form, both date forms, and each fault of a row — as data, with its line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reseller_desk.domain.usage_file import (
    HEADER_ROW,
    MAX_ROWS,
    Call,
    UsageProblem,
    check_rows,
    parse_usage_text,
    row_key,
    subscriber_number,
)

MONTH = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 1)
HEADER = "電話番号,カスタマID,日時,発信先,秒数,金額\n"


def checked(text: str) -> tuple[list[Call], list[UsageProblem]]:
    table = parse_usage_text(text)
    assert table.problems == ()
    return check_rows(table.rows, MONTH, TODAY)


def reasons(problems: list[UsageProblem]) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.reason for p in problems}


@pytest.mark.parametrize("typed", ["03-1234-5678", "0312345678", "+81312345678", "+81 (0)3-1234-5678",
                                   "０３－１２３４－５６７８", "(03) 1234 5678", "\u200b03-1234-5678\x00"])
def test_a_number_in_any_common_form_is_read_as_its_digits(typed):
    assert subscriber_number(typed) == "0312345678"


@pytest.mark.parametrize("typed", ["12345", "+1 212 555 0100", "03-1234-567", "phone"])
def test_what_is_no_japanese_number_is_not_read_as_one(typed):
    assert subscriber_number(typed) is None


def test_columns_in_another_order_are_read_by_their_header_and_both_date_forms_are_read():
    calls, problems = checked("金額,秒数,発信先,日時,電話番号\n"
                              "12,65,090-1111-2222,2026-11-03 09:05,03-1234-5678\n"
                              "8,30,0120-000-000,2026/11/30 23:59:59,+81312345678\n")
    assert problems == []
    assert [(c.row, c.number, c.called_at, c.destination, c.seconds, c.amount) for c in calls] == [
        (2, "0312345678", dt.datetime(2026, 11, 3, 9, 5), "09011112222", 65, 12),
        (3, "0312345678", dt.datetime(2026, 11, 30, 23, 59, 59), "0120000000", 30, 8)]


def test_a_call_given_by_its_customer_id_alone_is_read():
    [call], problems = checked(HEADER + ",c0000012,2026-11-03 10:00,117,10,3\n")
    assert problems == [] and (call.number, call.customer_code) == (None, "C0000012")


def test_each_fault_of_a_row_is_named_with_its_line_and_column():
    calls, problems = checked(HEADER
                              + "03-1234-5678,,2026-11-03 09:05,117,10,3\n"          # 2: fine
                              + "12345,,2026-11-03 09:05,117,10,3\n"                 # 3: no number
                              + "03-1234-5678,,2026-11-31 09:05,117,10,3\n"          # 4: no such day
                              + "03-1234-5678,,2026-10-31 23:59,117,10,3\n"          # 5: outside the month
                              + "03-1234-5678,,2026-11-03 09:05,117,10,-5\n"         # 6: negative amount
                              + "03-1234-5678,,2026-11-03 09:05,117,1.5,3\n"         # 7: seconds not whole
                              + "03-1234-5678,,2026-11-03 09:05,117,10,3\n"          # 8: the same call as 2
                              + ",,2026-11-03 09:05,117,10,3\n"                      # 9: neither number nor ID
                              + "03-1234-5678,X12,2026-11-03 09:06,,10,3\n"          # 10: bad ID, no destination
                              + "03-1234-5678,,2026-11-03 09:07,117,10,3,extra\n")   # 11: a cell past the header
    assert [c.row for c in calls] == [2]
    found = reasons(problems)
    assert "0から始まる10桁か11桁" in found[(3, "電話番号")]
    assert "読めません" in found[(4, "日時")]
    assert "2026年11月の通話ではありません" in found[(5, "日時")]
    assert "0〜9,999,999円の整数" in found[(6, "金額")]
    assert "整数" in found[(7, "秒数")]
    assert found[(8, "日時")] == "2行目と同じ通話です（重複）。"
    assert "電話番号かカスタマID" in found[(9, "電話番号")]
    assert "C と7桁" in found[(10, "カスタマID")] and "発信先" in found[(10, "発信先")]
    assert found[(11, "7列目")] == "見出しのない列に値があります。"


def test_a_call_after_today_is_refused():
    _, problems = check_rows(parse_usage_text(HEADER + "0312345678,,2026-11-25 09:00,117,10,3\n").rows, MONTH,
                             dt.date(2026, 11, 20))
    assert "今日より後" in reasons(problems)[(2, "日時")]


def test_a_missing_or_unknown_column_is_a_fault_of_the_header_and_leaves_no_rows():
    table = parse_usage_text("電話番号,日時,発信先,料金\n0312345678,2026-11-03 09:05,117,3\n")
    assert table.rows == ()
    found = {(p.row, p.column) for p in table.problems}
    assert found == {(HEADER_ROW, "料金"), (HEADER_ROW, "秒数"), (HEADER_ROW, "金額")}
    neither = parse_usage_text("日時,発信先,秒数,金額\n")
    assert [p.column for p in neither.problems] == ["電話番号"]


def test_an_empty_file_and_one_past_the_row_limit_are_refused_whole():
    assert "空です" in parse_usage_text("").problems[0].reason
    rows = "".join(f"0312345678,,2026-11-03 09:05,117,{i},3\n" for i in range(MAX_ROWS + 1))
    table = parse_usage_text(HEADER + rows)
    assert table.rows == () and "200,000 行まで" in table.problems[0].reason


def test_a_row_is_numbered_by_the_line_it_starts_on_and_blank_rows_are_skipped():
    calls, _ = checked(HEADER + "\n" + '0312345678,,"2026-11-03\n09:05",117,10,3\n' + ",,,,,\n"
                       + "0312345678,,2026-11-04 09:05,117,10,3\n")
    # the call on lines 3–4 (a line break inside its quoted date reads as a space), the blank
    # lines 2 and 5 skipped, the next call on line 6
    assert [(c.row, c.called_at.day) for c in calls] == [(3, 3), (6, 4)]


def test_the_key_of_a_call_is_the_same_for_the_same_call_and_differs_for_another():
    moment = dt.datetime(2026, 11, 3, 9, 5)
    key = row_key(7, "0312345678", moment, "117", 10, 3)
    assert key == row_key(7, "0312345678", moment, "117", 10, 3) and len(key) == 64
    assert key != row_key(8, "0312345678", moment, "117", 10, 3)
    assert key != row_key(7, "0312345678", moment + dt.timedelta(seconds=1), "117", 10, 3)


def test_the_example_of_the_readme_is_a_valid_file():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## 通話料ファイルの形式 (call charges)"):]
    example = section[section.index("```csv\n") + 7:section.index("```\n", section.index("```csv"))]
    calls, problems = checked(example)
    assert problems == [] and [(c.number, c.customer_code, c.amount) for c in calls] == [
        ("0312345678", None, 12), ("0312345678", None, 0), (None, "C0001234", 24)]

"""The 弥生会計 仕訳日記帳 import file written byte for byte as formats.md's vector, slips that do not
balance refused with the difference, names Shift_JIS cannot hold reported by row, formula-like
cells neutralised (domain.journal)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.journal import JournalLine, JournalRefused, Slip, neutralised, yayoi_file

VECTOR = (Path(__file__).parent / "format_vectors" / "yayoi_shiwake_import_cp932_crlf.csv").read_bytes()
SLIPS = (
    Slip(dt.date(2025, 5, 27), (JournalLine("普通預金", 110000, "売掛金", 110000, debit_sub="テスト銀行",
                                            credit_sub="サンプル商会", memo="振込入金 サンプル商会"),)),
    Slip(dt.date(2025, 5, 28), (JournalLine("消耗品費", 1100, "現金", 1100, debit_tax="課対仕入込10%",
                                            debit_tax_amount=100, memo="文具購入"),)),
    Slip(dt.date(2025, 5, 29), (JournalLine("旅費交通費", 3300, "現金", 5500, debit_tax="課対仕入込10%",
                                            debit_tax_amount=300, memo="出張 交通費・宿泊"),
                                JournalLine("旅費交通費", 2200, debit_tax="課対仕入込10%", debit_tax_amount=200,
                                            memo="出張 交通費・宿泊")), kind=3),
)


def test_the_slips_are_written_byte_for_byte_as_the_vector():
    assert yayoi_file(SLIPS) == VECTOR
    assert all(line.count(b",") == 24 for line in VECTOR.split(b"\r\n")[:-1])


def test_a_slip_that_does_not_balance_is_refused_with_its_difference_and_nothing_written():
    unbalanced = Slip(dt.date(2026, 11, 30), (JournalLine("売掛金", 3278, "売上高", 2980),))
    with pytest.raises(JournalRefused, match="差 298円") as refused:
        yayoi_file([SLIPS[0], unbalanced])
    assert refused.value.row == 2


def test_a_name_shift_jis_cannot_hold_is_reported_by_row_and_formulas_are_neutralised():
    with pytest.raises(JournalRefused, match="「𠮷」は Shift_JIS で書けません") as refused:
        yayoi_file([SLIPS[0], Slip(dt.date(2026, 11, 30), (JournalLine("売掛金", 1, "売上高", 1, debit_sub="𠮷野家"),))])
    assert refused.value.row == 2
    assert [neutralised(t) for t in ("=SUM(A1)", "+1", "-1", "@x", "\tx", "普通")] == [
        "'=SUM(A1)", "'+1", "'-1", "'@x", "'\tx", "普通"]
    written = yayoi_file([Slip(dt.date(2026, 11, 30), (JournalLine("売掛金", 1, "売上高", 1, memo="=cmd|' /C calc'!A0"),))])
    assert b",'=cmd" in written


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 10 ** 7), min_size=1, max_size=6))
def test_any_balanced_slip_is_written_one_row_per_line_with_its_flags(amounts):
    lines = tuple(JournalLine("売掛金", a, "売上高", a) for a in amounts)
    rows = yayoi_file([Slip(dt.date(2026, 11, 30), lines)]).split(b"\r\n")[:-1]
    flags = [r.split(b",")[0] for r in rows]
    assert flags == ([b"2000"] if len(amounts) == 1 else [b"2110", *[b"2100"] * (len(amounts) - 2), b"2101"])
    assert sum(int(r.split(b",")[8]) for r in rows) == sum(int(r.split(b",")[14]) for r in rows) == sum(amounts)

"""The freee, MF and plain-CSV journal files column by column against formats.md §4 and its
vectors; unbalanced slips and negative amounts refused by line; names Shift_JIS cannot hold
reported by line (MF, 弥生); formula-like cells neutralised (domain.journal_layouts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from reseller_desk.domain.journal import JournalLine, JournalRefused, Slip
from reseller_desk.domain.journal_entries import Ledger
from reseller_desk.domain.journal_layouts import (
    CSV_HEADER,
    FREEE_HEADER,
    MF_HEADER,
    csv_file,
    file_problems,
    freee_file,
    journal_file,
    mf_file,
)

VECTORS = Path(__file__).parent / "format_vectors"
RECEIPT = JournalLine("普通預金", 110000, "売掛金", 110000, credit_partner="サンプル商会", memo="振込入金 サンプル商会")
TWO_LINES = Slip(dt.date(2026, 12, 1), (JournalLine("売掛金", 3778, "売上高", 3278, debit_partner="山田商事",
                                                     credit_tax="課税売上 10%", credit_tax_amount=298, memo="請求書 1"),
                                         JournalLine(credit_account="雑収入", credit_amount=500, memo="請求書 1")), kind=3)


def rows(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_freee_is_written_byte_for_byte_as_the_vector():
    vector = (VECTORS / "freee_shiwake_import_utf8.csv").read_bytes()
    assert freee_file([Slip(dt.date(2025, 5, 27), (RECEIPT,))]) == vector
    assert vector.count(b"\r\n") == 2 and not vector.startswith(b"\xef\xbb\xbf")


def test_freee_columns_one_by_one_for_a_multi_line_slip():
    header, first, second = rows(freee_file([TWO_LINES]), "utf-8")
    assert tuple(header) == FREEE_HEADER and len(header) == 32
    named = dict(zip(header, first, strict=True))
    assert named["日付"] == "2026/12/01" and named["伝票番号"] == "1" and named["決算整理仕訳"] == ""
    assert (named["借方勘定科目"], named["借方取引先"], named["借方金額"], named["借方税区分"], named["借方税額"]) == (
        "売掛金", "山田商事", "3778", "対象外", "0")
    assert (named["貸方勘定科目"], named["貸方金額"], named["貸方税区分"], named["貸方税額"]) == (
        "売上高", "3278", "課税売上 10%", "298")
    assert named["摘要"] == "請求書 1"
    other = dict(zip(header, second, strict=True))
    assert (other["日付"], other["伝票番号"]) == ("2026/12/01", "1")     # the same slip
    assert other["借方勘定科目"] == other["借方金額"] == other["借方税区分"] == ""
    assert (other["貸方勘定科目"], other["貸方金額"]) == ("雑収入", "500")


def test_mf_is_written_as_the_vector_in_shift_jis_with_its_27_columns():
    vector = (VECTORS / "mf_shiwakecho_import_cp932.csv").read_bytes()
    written = mf_file([Slip(dt.date(2025, 5, 27), (JournalLine("普通預金", 110000, "売掛金", 110000,
                                                               debit_sub="テスト銀行", credit_partner="サンプル商会",
                                                               memo="振込入金 サンプル商会"),)),
                       Slip(dt.date(2025, 5, 28), (JournalLine("消耗品費", 1100, "現金", 1100, debit_tax="課税仕入 10%",
                                                               debit_tax_amount=100, memo="文具購入"),))])
    ours, theirs = rows(written, "cp932"), rows(vector, "cp932")
    assert ours[:2] == theirs[:2] and tuple(ours[0]) == MF_HEADER and len(MF_HEADER) == 27
    # The vector's purchase row carries 借方インボイス 適格; sales journals leave it blank (MF assigns it).
    assert ours[2][:7] == theirs[2][:7] and ours[2][8:] == theirs[2][8:] and ours[2][7] == ""
    assert written.split(b"\r\n")[1] == vector.split(b"\r\n")[1]


def test_mf_rows_of_one_slip_share_the_number_and_date():
    _, first, second = rows(mf_file([TWO_LINES, Slip(dt.date(2026, 12, 2), (RECEIPT,))]), "cp932")[:3]
    assert (first[0], first[1], second[0], second[1]) == ("1", "2026/12/01", "1", "2026/12/01")
    named = dict(zip(MF_HEADER, first, strict=True))
    assert (named["借方勘定科目"], named["借方取引先"], named["借方金額(円)"], named["貸方税区分"], named["貸方税額"]) == (
        "売掛金", "山田商事", "3778", "課税売上 10%", "298")
    assert rows(mf_file([TWO_LINES, Slip(dt.date(2026, 12, 2), (RECEIPT,))]), "cp932")[3][0] == "2"


def test_the_plain_csv_has_a_bom_a_header_and_numbered_slips():
    data = csv_file([TWO_LINES])
    assert data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
    header, first, second = rows(data, "utf-8-sig")
    assert tuple(header) == CSV_HEADER
    named = dict(zip(header, first, strict=True))
    assert (named["伝票番号"], named["日付"], named["借方勘定科目"], named["借方金額"], named["貸方勘定科目"],
            named["貸方金額"], named["貸方税額"], named["摘要"]) == (
        "1", "2026/12/01", "売掛金", "3778", "売上高", "3278", "298", "請求書 1")
    assert second[0] == "1" and second[2] == ""


@pytest.mark.parametrize("ledger", list(Ledger))
def test_an_unbalanced_slip_is_refused_with_its_difference_in_every_layout(ledger):
    unbalanced = Slip(dt.date(2026, 11, 30), (JournalLine("売掛金", 3278, "売上高", 2980),))
    with pytest.raises(JournalRefused, match="差 298円"):
        journal_file(ledger, [Slip(dt.date(2026, 11, 1), (RECEIPT,)), unbalanced])


@pytest.mark.parametrize("ledger", list(Ledger))
def test_formula_like_cells_are_neutralised_in_every_layout(ledger):
    data = journal_file(ledger, [Slip(dt.date(2026, 11, 30), (JournalLine(
        "売掛金", 1, "売上高", 1, debit_partner="@SUM(1)", memo="=cmd|' /C calc'!A0", debit_sub="+x"),))])
    text = data.decode("utf-8-sig" if ledger is not Ledger.YAYOI and ledger is not Ledger.MF else "cp932")
    assert "'=cmd" in text and ",=cmd" not in text and "'+x" in text
    if ledger in (Ledger.FREEE, Ledger.MF, Ledger.CSV):
        assert "'@SUM(1)" in text


def test_a_name_shift_jis_cannot_hold_is_reported_by_its_line_for_mf_and_yayoi_but_not_freee():
    slips = [Slip(dt.date(2026, 11, 1), (RECEIPT,)), TWO_LINES,
             Slip(dt.date(2026, 11, 3), (JournalLine("売掛金", 1, "売上高", 1, debit_partner="𠮷野家"),))]
    with pytest.raises(JournalRefused, match="「𠮷」は Shift_JIS で書けません") as refused:
        mf_file(slips)
    assert refused.value.row == 5          # header, 1, 2, 2, then this one
    assert file_problems(Ledger.MF, slips) == [
        "5行目: 「𠮷野家」の「𠮷」は Shift_JIS で書けません（マネーフォワード クラウド会計に取り込めません）。名前を直してください。"]
    bad_sub = Slip(dt.date(2026, 11, 3), (JournalLine("売掛金", 1, "売上高", 1, debit_sub="髙𠮷"),))
    assert file_problems(Ledger.YAYOI, [*slips[:2], bad_sub, bad_sub]) == [
        f"{n}行目: 「髙𠮷」の「𠮷」は Shift_JIS で書けません（弥生会計に取り込めません）。名前を直してください。" for n in (4, 5)]
    assert file_problems(Ledger.FREEE, slips) == []
    assert "𠮷野家".encode() in freee_file(slips)


def test_a_negative_amount_is_refused_by_line():
    with pytest.raises(JournalRefused, match="マイナス") as refused:
        csv_file([Slip(dt.date(2026, 11, 1), (JournalLine("売掛金", -5, "売上高", -5),))])
    assert refused.value.row == 2

"""The bank's 200-byte statements (振込入金通知 01, 入出金取引明細 03) read from formats.md's vectors
(tests/domain/format_vectors/), only money in returned, a trailer that does not add up refused naming it,
and garbage refused with a ZenginFileError, never a crash (domain.zengin_statement)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.zengin_debit import ZenginFileError
from reseller_desk.domain.zengin_statement import StatementRow, read_statement

VECTORS = Path(__file__).parent / "format_vectors"
NOTICE, MOVEMENTS = (VECTORS / "zengin01_furikomi_nyukin_crlf.dat").read_bytes(), \
    (VECTORS / "zengin03_nyushukkin_crlf.dat").read_bytes()
SAMPLE = "ｶ)ｻﾝﾌﾟﾙｼﾖｳｶｲ"


def records(data: bytes) -> list[bytearray]:
    return [bytearray(line) for line in data.split(b"\r\n")[:-1]]


def joined(rows: list[bytearray]) -> bytes:
    return b"".join(bytes(r) + b"\r\n" for r in rows)


def test_both_vectors_give_the_one_transfer_of_reiwa_7_may_27():
    notice, movements = read_statement(NOTICE), read_statement(MOVEMENTS)
    assert notice.kind_label == "振込入金通知" and movements.kind_label == "入出金取引明細"
    assert notice.rows == (StatementRow(2, "000001", dt.date(2025, 5, 27), 110000, SAMPLE, "0000000000"),)
    assert movements.rows == (StatementRow(2, "00000001", dt.date(2025, 5, 27), 110000, SAMPLE, "0000000000", "ﾌﾘｺﾐ"),)
    assert (movements.bank_code, movements.branch_code, movements.account_name) == ("9999", "001", "ｶ)ﾃｽﾄｼﾖｳｼﾞ")


def test_money_out_is_not_a_transfer_in_and_the_trailer_must_count_it():
    rows = records(MOVEMENTS)
    rows[1][21:22] = b"2"                                    # 出金
    with pytest.raises(ZenginFileError, match="件数・金額"):
        read_statement(joined(rows))
    rows[2][1:7], rows[2][7:20], rows[2][20:26], rows[2][26:39] = b"000000", b"0" * 13, b"000001", b"0000000110000"
    assert read_statement(joined(rows)).rows == ()


def test_a_cancelled_notice_is_left_out_and_counted_as_cancelled():
    rows = records(NOTICE)
    rows[1][127:128] = b"1"
    rows[2][19:25], rows[2][25:37] = b"000001", b"000000110000"
    assert read_statement(joined(rows)).rows == ()


@pytest.mark.parametrize(("spoil", "record", "words"), [
    (lambda rs: rs[2].__setitem__(slice(7, 20), b"0000000110001"), 3, "件数・金額"),
    (lambda rs: rs[2].__setitem__(slice(54, 61), b"0000002"), 3, "データ・レコード件数"),
    (lambda rs: rs[1].__setitem__(slice(9, 15), b"071332"), 2, "日付ではありません"),
    (lambda rs: rs[0].__setitem__(slice(1, 3), b"91"), 1, "種別コード"),
    (lambda rs: rs[1].extend(b" "), 2, "201 バイト"),
])
def test_a_malformed_statement_is_refused_naming_the_record(spoil, record, words):
    rows = records(MOVEMENTS)
    spoil(rows)
    with pytest.raises(ZenginFileError) as refused:
        read_statement(joined(rows))
    assert refused.value.record == record and words in str(refused.value)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=900) | st.builds(lambda at, junk: MOVEMENTS[:at] + junk + MOVEMENTS[at + len(junk):],
                                            st.integers(0, 807), st.binary(min_size=1, max_size=4)))
def test_garbage_is_read_or_refused_with_a_zengin_error_never_anything_else(data):
    try:
        read_statement(data)
    except ZenginFileError as refused:
        assert str(refused)

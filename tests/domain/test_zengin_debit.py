"""The 全銀協 口座振替 files (種別コード 91) written and read byte for byte against formats.md's test
vectors (tests/domain/format_vectors/, copied from the file-format reference), round trips over
generated records, and garbage refused whole with the record at fault, never a crash."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.zengin_debit import (
    RECORD_LENGTH,
    DebitFile,
    DebitHeader,
    DebitRecord,
    ZenginFileError,
    bank_kana,
    kana_problem,
    read_file,
    with_result,
    write_file,
)

VECTORS = Path(__file__).parent / "format_vectors"
HEADER = DebitHeader("0000012345", "ｶ)ﾃｽﾄｼﾖｳｼﾞ", dt.date(2026, 5, 27), "9999", "001", 1, "1234567",
                     bank_name="ﾃｽﾄｷﾞﾝｺｳ", branch_name="ﾎﾝﾃﾝ")
YAMADA = DebitRecord("9999", "002", 1, "7654321", "ﾔﾏﾀﾞ ﾀﾛｳ", 10800, "1", new_code=1, bank_name="ﾃｽﾄｷﾞﾝｺｳ",
                     branch_name="ｴｷﾏｴ")
SATO = DebitRecord("9999", "002", 2, "0012345", "ｻﾄｳ ﾊﾅｺ", 5500, "2", new_code=0, bank_name="ﾃｽﾄｷﾞﾝｺｳ",
                   branch_name="ｴｷﾏｴ")
REQUEST = DebitFile(HEADER, (YAMADA, SATO))


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def test_the_request_is_written_byte_for_byte_as_the_vectors_with_and_without_line_breaks():
    assert write_file(REQUEST) == vector("zengin91_request_crlf.dat")
    assert write_file(REQUEST, line_breaks=False) == vector("zengin91_request_noeol.dat")


def test_the_vectors_read_back_field_by_field():
    request = read_file(vector("zengin91_request_crlf.dat"), result=False)
    assert request.header == replace(HEADER, debit_date=dt.date(2000, 5, 27))     # MMDD: no year in the file
    assert request.records == (replace(YAMADA, customer_number="00000000000000000001"),
                               replace(SATO, customer_number="00000000000000000002"))
    assert request.total == 16300
    assert read_file(vector("zengin91_request_noeol.dat"), result=False) == request
    result = read_file(vector("zengin91_result_crlf.dat"), result=True)
    assert [(r.result_code, r.debited, r.result_text) for r in result.records] == [
        (0, True, "振替済"), (1, False, "資金不足")]


def test_a_result_file_is_written_as_the_bank_returns_it():
    result = DebitFile(HEADER, (YAMADA, with_result(SATO, 1)), is_result=True)
    assert write_file(result) == vector("zengin91_result_crlf.dat")


def test_every_record_is_120_bytes_of_one_byte_characters():
    data = write_file(REQUEST)
    assert all(len(line) == RECORD_LENGTH for line in data.split(b"\r\n")[:-1])
    assert data.split(b"\r\n")[-1] == b""


# -- refusals ---------------------------------------------------------------------------------------
def records_of(data: bytes) -> list[bytearray]:
    return [bytearray(line) for line in data.split(b"\r\n")[:-1]]


def joined(records: list[bytearray]) -> bytes:
    return b"".join(bytes(r) + b"\r\n" for r in records)


@pytest.mark.parametrize(("spoil", "record", "words"), [
    (lambda rs: rs[1].extend(b" "), 2, "121 バイト"),
    (lambda rs: rs.__setitem__(2, bytearray(b"3" + bytes(rs[2][1:]))), 3, "データ区分 '3'"),
    (lambda rs: rs[3].__setitem__(slice(7, 19), b"000000016301"), 4, "合計金額"),
    (lambda rs: rs[3].__setitem__(slice(1, 7), b"000003"), 4, "合計件数"),
    (lambda rs: rs[1].__setitem__(slice(80, 90), b"00000108X0"), 2, "引落金額"),
    (lambda rs: rs.pop(4), 4, "エンド"),
    (lambda rs: rs.insert(0, rs.pop(1)), 1, "ヘッダー"),
    (lambda rs: rs[1].__setitem__(111, ord("7")), 2, "振替結果コード 7"),
    (lambda rs: rs[0].__setitem__(slice(1, 3), b"21"), 1, "種別コード"),
])
def test_a_malformed_file_is_refused_whole_naming_the_record(spoil, record, words):
    records = records_of(vector("zengin91_request_crlf.dat"))
    spoil(records)
    with pytest.raises(ZenginFileError) as refused:
        read_file(joined(records), result=False)
    assert refused.value.record == record and words in str(refused.value)


def test_a_request_carrying_results_and_a_result_whose_trailer_counts_are_a_requests_are_refused():
    with pytest.raises(ZenginFileError, match="振替結果コードが入っています"):
        read_file(joined(_result_with_request_trailer_fixed()), result=False)
    with pytest.raises(ZenginFileError, match="振替済件数・振替済金額"):
        read_file(vector("zengin91_request_crlf.dat"), result=True)


def _result_with_request_trailer_fixed() -> list[bytearray]:
    records = records_of(vector("zengin91_result_crlf.dat"))
    records[3][19:55] = b"0" * 36          # a request's trailer, with a result code still in record 3
    return records


def test_lone_cr_or_lf_and_a_length_not_a_multiple_of_120_are_refused():
    data = vector("zengin91_request_crlf.dat")
    with pytest.raises(ZenginFileError, match="CR LF だけ"):
        read_file(data.replace(b"\r\n", b"\n", 1), result=False)
    with pytest.raises(ZenginFileError, match="120 バイトの倍数"):
        read_file(vector("zengin91_request_noeol.dat")[:-1], result=False)
    with pytest.raises(ZenginFileError, match="空"):
        read_file(b"", result=False)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=800) | st.builds(lambda data, at, junk: data[:at] + junk + data[at + len(junk):],
                                            st.just(b"").map(lambda _: vector("zengin91_result_crlf.dat")),
                                            st.integers(0, 609), st.binary(min_size=1, max_size=4)))
def test_garbage_is_read_or_refused_with_a_zengin_error_never_anything_else(data):
    for result in (False, True):
        try:
            read_file(data, result=result)
        except ZenginFileError as refused:
            assert str(refused)


# -- names and round trips ------------------------------------------------------------------------------
def test_names_are_written_as_the_bank_takes_them_or_said_why_not():
    assert bank_kana("やまだ　たろう") == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert bank_kana("キュウヨ") == "ｷﾕｳﾖ" and bank_kana("コーヒー") == "ｺ-ﾋ-"
    assert bank_kana("ＡＢＣ商事") == "ABC商事" and "商、事" in kana_problem(bank_kana("ＡＢＣ商事"))
    assert kana_problem("ｶ)ﾐﾗｲﾃﾚｺﾑ") is None
    with pytest.raises(ZenginFileError, match="預金者名: 口座振替のデータに使えない文字"):
        write_file(DebitFile(HEADER, (replace(YAMADA, holder_name="山田"),)))


def test_a_long_name_is_cut_at_its_field_without_separating_a_kana_from_its_voicing_mark():
    name = "ｱ" * 29 + "ｶﾞ"
    [_header, data, *_] = write_file(DebitFile(HEADER, (replace(YAMADA, holder_name=name),))).split(b"\r\n")
    assert data[50:80] == ("ｱ" * 29 + " ").encode("cp932")


KANA = st.text(st.sampled_from(list("ｱｲｳｴｵｶｷｸｹｺﾀﾁﾂﾃﾄﾔﾕﾖﾜﾝﾞﾟ ()-.ABCXYZ0189")), max_size=30)
DIGITS = st.integers(0, 10 ** 7 - 1).map(lambda n: f"{n:07d}")
RECORDS = st.builds(DebitRecord, bank_code=st.integers(0, 9999).map(lambda n: f"{n:04d}"),
                    branch_code=st.integers(0, 999).map(lambda n: f"{n:03d}"),
                    account_type=st.sampled_from([1, 2, 3, 9]), account_number=DIGITS,
                    holder_name=KANA.map(lambda s: s.strip()[:30].rstrip()), amount=st.integers(0, 10 ** 9),
                    customer_number=st.integers(0, 10 ** 20 - 1).map(lambda n: f"{n:020d}"),
                    new_code=st.sampled_from([0, 1, 2]))


@settings(max_examples=100, deadline=None)
@given(st.lists(RECORDS, max_size=12), st.booleans(), st.lists(st.sampled_from([0, 1, 2, 3, 4, 8, 9]), max_size=12))
def test_any_request_or_result_reads_back_as_written(records, line_breaks, codes):
    header = replace(HEADER, debit_date=dt.date(2000, 12, 28))
    clean = tuple(replace(r, holder_name=r.holder_name.encode("cp932")[:30].decode("cp932", "ignore").rstrip())
                  for r in records)
    request = DebitFile(header, clean)
    assert read_file(write_file(request, line_breaks=line_breaks), result=False) == request
    codes = (codes + [0] * len(clean))[:len(clean)]
    result = DebitFile(header, tuple(with_result(r, c) for r, c in zip(clean, codes, strict=True)),
                       is_result=True)
    assert read_file(write_file(result, line_breaks=line_breaks), result=True) == result

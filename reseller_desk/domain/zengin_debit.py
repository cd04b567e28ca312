"""全銀協 預金口座振替 files (種別コード 91): the request the office sends its bank (預金口座振替依頼
データ) and the result the bank returns (振替結果), as bytes (issue 12; the office's file-format reference (formats.md)
§1, with its test vectors).

Four 120-byte records: header ``1``, data ``2`` × n, trailer ``8``, end ``9``; N fields right-aligned
and zero-padded, C fields left-aligned and space-padded; JIS X 0201 half-width katakana, A–Z,
digits and a few symbols, written as Shift_JIS (byte-identical to JIS X 0201 8-bit for every
permitted character). The result file has the request's layout: each data record carries its
振替結果コード and the trailer the 振替済 / 振替不能 counts and amounts (§1.6).

:func:`write_file` writes a file from its records, with CR LF after each record (what banks'
downloads use and uploads accept) or without separators. :func:`read_file` reads either framing
and refuses a malformed file whole, naming the record at fault (:class:`ZenginFileError`): a
record not 120 bytes, an unknown or misplaced record type, a non-digit in an N field, a trailer
whose counts or amounts do not add up, a request carrying results. :func:`bank_kana` turns a
name into what the bank accepts (formats.md §1.7: small kana written large, ー as -, voiced kana
as base + ﾞ) or says which characters it cannot take; nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import jaconv

__all__ = ["RECORD_LENGTH", "RESULT_CODES", "DebitFile", "DebitHeader", "DebitRecord", "ZenginFileError",
           "bank_kana", "check_order", "digits_at", "kana_problem", "read_file", "split_records", "text_at",
           "with_result", "write_file"]

RECORD_LENGTH = 120
CRLF = b"\r\n"
KIND_DEBIT = "91"
#: 振替結果コード (formats.md §1.5; JBA §16): 0 in a request, the result in a result file.
RESULT_CODES = {0: "振替済", 1: "資金不足", 2: "取引なし", 3: "預金者の都合による振替停止",
                4: "預金口座振替依頼書なし", 8: "委託者の都合による振替停止", 9: "その他"}
#: 預金種目 a record may carry (formats.md §1.5: header 1/2/9, data 1/2/3/9).
HEADER_ACCOUNT_TYPES = frozenset({1, 2, 9})
DATA_ACCOUNT_TYPES = frozenset({1, 2, 3, 9})
NEW_CODES = frozenset({0, 1, 2})

#: The characters a name field may hold (formats.md §1.7, the conservative writer set: no ｦ, no
#: small kana, no ｰ, no comma).
_KANA = {chr(c) for c in range(0xFF71, 0xFF9E)} | {"ﾞ", "ﾟ"}
NAME_CHARACTERS = frozenset(_KANA | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()-."))
#: Small half-width kana written large (キュウヨ → ｷﾕｳﾖ), and the long-vowel mark as a hyphen.
_LARGE = str.maketrans({"ｧ": "ｱ", "ｨ": "ｲ", "ｩ": "ｳ", "ｪ": "ｴ", "ｫ": "ｵ", "ｬ": "ﾔ", "ｭ": "ﾕ", "ｮ": "ﾖ", "ｯ": "ﾂ",
                        "ｰ": "-", "ｦ": "ｵ", "　": " ", "－": "-", "‐": "-", "−": "-"})


class ZenginFileError(ValueError):
    """A file the office cannot read or write as a whole; ``record`` is the 1-based record at
    fault (0: the file itself). The message is Japanese."""

    def __init__(self, record: int, message: str) -> None:
        super().__init__(f"{record}件目のレコード: {message}" if record else message)
        self.record = record
        self.reason = message


# -- names -------------------------------------------------------------------------------------------
def bank_kana(text: str) -> str:
    """``text`` as a bank name field writes it: katakana for hiragana, half-width (NFKC for
    letters and digits, then jaconv for the kana: a voiced kana becomes its base and ﾞ), upper
    case, small kana written large, ー as ``-``, ヲ as ｵ (formats.md §1.7). What is left outside
    :data:`NAME_CHARACTERS` is for :func:`kana_problem` to name."""
    text = unicodedata.normalize("NFKC", jaconv.hira2kata(text))   # (NFKC makes half-width kana full-width)
    return jaconv.z2h(text, kana=True, ascii=True, digit=True).upper().translate(_LARGE)


def kana_problem(text: str) -> str | None:
    """Why ``text`` (after :func:`bank_kana`) cannot go in a name field, or None."""
    bad = list(dict.fromkeys(c for c in text if c not in NAME_CHARACTERS))   # in the order written
    if bad:
        return f"口座振替のデータに使えない文字があります: {'、'.join(bad)}（半角カナ・英大文字・数字と ( ) - . だけ）"
    return None


def _fit(text: str, length: int) -> bytes:
    """A C field: the name's bytes, cut to ``length`` without separating a kana from its ﾞ/ﾟ."""
    raw = text.encode("cp932")
    if len(raw) <= length:
        return raw.ljust(length, b" ")
    cut = raw[:length]
    if raw[length:length + 1] in (b"\xde", b"\xdf"):   # the next byte is the mark of the last kana
        cut = cut[:-1]
    return cut.ljust(length, b" ")


# -- records -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DebitHeader:
    """The collecting company (委託者) and the day of the debit (引落日, written MMDD)."""

    consignor_code: str        # 委託者コード, 10 digits, from the bank
    consignor_name: str        # 委託者名, half-width kana
    debit_date: dt.date
    bank_code: str             # 取引銀行番号 (4 digits)
    branch_code: str           # 取引支店番号 (3 digits)
    account_type: int          # 1 普通, 2 当座, 9 その他
    account_number: str        # 7 digits
    bank_name: str = ""        # optional (任意)
    branch_name: str = ""


@dataclass(frozen=True)
class DebitRecord:
    """One debit: the payer's account, the amount and the office's number for it (顧客番号:
    the invoice's, so that the result finds it); ``result_code`` 0 in a request."""

    bank_code: str             # 引落銀行番号 (4 digits; 9900 ゆうちょ銀行)
    branch_code: str           # 3 digits
    account_type: int          # 1 普通, 2 当座, 3 納税準備, 9 その他
    account_number: str        # 7 digits
    holder_name: str           # 預金者名, half-width kana
    amount: int                # yen
    customer_number: str       # up to 20 digits
    new_code: int = 0          # 1 第1回引落分, 2 変更分, 0 その他
    result_code: int = 0
    bank_name: str = ""
    branch_name: str = ""

    @property
    def debited(self) -> bool:
        return self.result_code == 0

    @property
    def result_text(self) -> str:
        return RESULT_CODES.get(self.result_code, f"その他（結果コード {self.result_code}）")


@dataclass(frozen=True)
class DebitFile:
    header: DebitHeader
    records: tuple[DebitRecord, ...]
    is_result: bool = False
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.records)


def _n(value: int | str, length: int, what: str, record: int) -> bytes:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > length:
        raise ZenginFileError(record, f"{what}は{length}桁以内の数字です（{value!r}）。")
    return text.rjust(length, "0").encode("ascii")


def _c(text: str, length: int, what: str, record: int) -> bytes:
    problem = kana_problem(text)
    if problem:
        raise ZenginFileError(record, f"{what}: {problem}")
    return _fit(text, length)


def _header_bytes(h: DebitHeader) -> bytes:
    if h.account_type not in HEADER_ACCOUNT_TYPES:
        raise ZenginFileError(1, "委託者の預金種目は 1（普通）、2（当座）、9（その他）のいずれかです。")
    out = (b"1" + KIND_DEBIT.encode() + b"0" + _n(h.consignor_code, 10, "委託者コード", 1)
           + _c(h.consignor_name, 40, "委託者名", 1) + f"{h.debit_date:%m%d}".encode()
           + _n(h.bank_code, 4, "取引銀行番号", 1) + _c(h.bank_name, 15, "取引銀行名", 1)
           + _n(h.branch_code, 3, "取引支店番号", 1) + _c(h.branch_name, 15, "取引支店名", 1)
           + _n(h.account_type, 1, "預金種目", 1) + _n(h.account_number, 7, "口座番号", 1) + b" " * 17)
    assert len(out) == RECORD_LENGTH
    return out


def _data_bytes(r: DebitRecord, record: int) -> bytes:
    if r.account_type not in DATA_ACCOUNT_TYPES:
        raise ZenginFileError(record, "預金種目は 1（普通）、2（当座）、3（納税準備）、9（その他）のいずれかです。")
    if r.new_code not in NEW_CODES or r.result_code not in RESULT_CODES:
        raise ZenginFileError(record, "新規コードまたは振替結果コードが正しくありません。")
    if isinstance(r.amount, bool) or not isinstance(r.amount, int) or r.amount < 0:
        raise ZenginFileError(record, f"引落金額は0円以上の整数です（{r.amount!r}）。")
    out = (b"2" + _n(r.bank_code, 4, "引落銀行番号", record) + _c(r.bank_name, 15, "引落銀行名", record)
           + _n(r.branch_code, 3, "引落支店番号", record) + _c(r.branch_name, 15, "引落支店名", record) + b" " * 4
           + _n(r.account_type, 1, "預金種目", record) + _n(r.account_number, 7, "口座番号", record)
           + _c(r.holder_name, 30, "預金者名", record) + _n(r.amount, 10, "引落金額", record)
           + _n(r.new_code, 1, "新規コード", record) + _n(r.customer_number, 20, "顧客番号", record)
           + _n(r.result_code, 1, "振替結果コード", record) + b" " * 8)
    assert len(out) == RECORD_LENGTH
    return out


def _trailer_bytes(records: Sequence[DebitRecord], is_result: bool, record: int) -> bytes:
    done = [r for r in records if r.debited] if is_result else []
    failed = [r for r in records if not r.debited] if is_result else []
    out = (b"8" + _n(len(records), 6, "合計件数", record) + _n(sum(r.amount for r in records), 12, "合計金額", record)
           + _n(len(done), 6, "振替済件数", record) + _n(sum(r.amount for r in done), 12, "振替済金額", record)
           + _n(len(failed), 6, "振替不能件数", record) + _n(sum(r.amount for r in failed), 12, "振替不能金額", record)
           + b" " * 65)
    assert len(out) == RECORD_LENGTH
    return out


def write_file(debit: DebitFile, *, line_breaks: bool = True) -> bytes:
    """The file's bytes: header, data, trailer (its counts and amounts computed), end; CR LF
    after every record, or none. ZenginFileError (writing nothing) for a value that cannot be
    written, naming the record; a request's records must carry result code 0."""
    if not debit.is_result and any(r.result_code for r in debit.records):
        raise ZenginFileError(0, "依頼データの振替結果コードはすべて 0 です。")
    records = [_header_bytes(debit.header)]
    records += [_data_bytes(r, n) for n, r in enumerate(debit.records, start=2)]
    records.append(_trailer_bytes(debit.records, debit.is_result, len(records) + 1))
    records.append(b"9" + b" " * 119)
    separator = CRLF if line_breaks else b""
    return b"".join(r + separator for r in records)


# -- reading -----------------------------------------------------------------------------------------
def split_records(data: bytes, length: int = RECORD_LENGTH) -> list[bytes]:
    """The records of a 全銀協 file of ``length``-byte records, separated by CR LF or not at all
    (formats.md §1.2); ZenginFileError naming the record otherwise."""
    if not isinstance(data, bytes):
        raise ZenginFileError(0, "ファイルの内容が正しく渡されていません。")
    if not data:
        raise ZenginFileError(0, "ファイルが空です。")
    if b"\r" in data or b"\n" in data:
        lines = data.split(CRLF)
        if lines and lines[-1] == b"":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            if b"\r" in line or b"\n" in line:
                raise ZenginFileError(number, "改行は CR LF だけです（CR だけ・LF だけの改行は読めません）。")
            if len(line) != length:
                raise ZenginFileError(number, f"レコードの長さが {len(line)} バイトです（{length} バイトのはずです）。")
        return lines
    if len(data) % length:
        raise ZenginFileError(0, f"ファイルの長さ {len(data)} バイトが {length} バイトの倍数ではありません。")
    return [data[i:i + length] for i in range(0, len(data), length)]


def check_order(raws: Sequence[bytes], what: str) -> None:
    """Header 1, data 2 × n, trailer 8, end 9 (formats.md §1.2, §2.1); ZenginFileError naming
    the first record out of place (``what``: the file's kind, for the message)."""
    kinds = [raw[:1] for raw in raws]
    for number, kind in enumerate(kinds, start=1):
        if kind not in (b"1", b"2", b"8", b"9"):
            raise ZenginFileError(number, f"データ区分 {kind.decode('latin-1')!r} は{what}のレコードではありません。")
    if kinds[0] != b"1":
        raise ZenginFileError(1, "最初のレコードがヘッダー（データ区分 1）ではありません。")
    if len(kinds) < 3 or kinds[-1] != b"9" or kinds[-2] != b"8":
        raise ZenginFileError(len(kinds), "ファイルがトレーラー（8）とエンド（9）で終わっていません。")
    for number, kind in enumerate(kinds[1:-2], start=2):
        if kind != b"2":
            raise ZenginFileError(number, "ヘッダーとトレーラーの間はデータレコード（データ区分 2）だけです。")


def digits_at(raw: bytes, start: int, length: int, what: str, record: int) -> int:
    """An N field's value; ZenginFileError naming the record and the bytes when not digits."""
    return _digits(raw, start, length, what, record)


def text_at(raw: bytes, start: int, length: int, what: str, record: int) -> str:
    """A C field's text, trailing spaces removed."""
    return _text(raw, start, length, what, record)


def _digits(raw: bytes, start: int, length: int, what: str, record: int) -> int:
    part = raw[start:start + length]
    if not part.isdigit():
        raise ZenginFileError(record, f"{what}（{start + 1}〜{start + length}バイト目）が数字ではありません。")
    return int(part)


def _text(raw: bytes, start: int, length: int, what: str, record: int) -> str:
    try:
        return raw[start:start + length].decode("cp932").rstrip(" ")
    except UnicodeDecodeError as error:
        raise ZenginFileError(record, f"{what}に読めない文字があります。") from error


def _code(raw: bytes, start: int, length: int, what: str, record: int) -> str:
    _digits(raw, start, length, what, record)
    return raw[start:start + length].decode("ascii")


def _header(raw: bytes) -> DebitHeader:
    if raw[1:3] != KIND_DEBIT.encode():
        raise ZenginFileError(1, f"種別コードが {raw[1:3].decode('latin-1')!r} です（口座振替は 91）。")
    if raw[3:4] != b"0":
        raise ZenginFileError(1, "コード区分が 0（JIS）ではありません。")
    month, day = _digits(raw, 54, 2, "引落日", 1), _digits(raw, 56, 2, "引落日", 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ZenginFileError(1, "引落日（MMDD）が日付ではありません。")
    return DebitHeader(
        consignor_code=_code(raw, 4, 10, "委託者コード", 1), consignor_name=_text(raw, 14, 40, "委託者名", 1),
        debit_date=dt.date(2000, month, day), bank_code=_code(raw, 58, 4, "取引銀行番号", 1),
        bank_name=_text(raw, 62, 15, "取引銀行名", 1), branch_code=_code(raw, 77, 3, "取引支店番号", 1),
        branch_name=_text(raw, 80, 15, "取引支店名", 1), account_type=_digits(raw, 95, 1, "預金種目", 1),
        account_number=_code(raw, 96, 7, "口座番号", 1))


def _data(raw: bytes, record: int) -> DebitRecord:
    result = _digits(raw, 111, 1, "振替結果コード", record)
    if result not in RESULT_CODES:
        raise ZenginFileError(record, f"振替結果コード {result} は定義されていません（0〜4, 8, 9）。")
    return DebitRecord(
        bank_code=_code(raw, 1, 4, "引落銀行番号", record), bank_name=_text(raw, 5, 15, "引落銀行名", record),
        branch_code=_code(raw, 20, 3, "引落支店番号", record), branch_name=_text(raw, 23, 15, "引落支店名", record),
        account_type=_digits(raw, 42, 1, "預金種目", record), account_number=_code(raw, 43, 7, "口座番号", record),
        holder_name=_text(raw, 50, 30, "預金者名", record), amount=_digits(raw, 80, 10, "引落金額", record),
        new_code=_digits(raw, 90, 1, "新規コード", record), customer_number=_code(raw, 91, 20, "顧客番号", record),
        result_code=result)


def read_file(data: bytes, *, result: bool) -> DebitFile:
    """Read a request (``result=False``) or a result file; ZenginFileError for anything
    malformed, naming the record, so that nothing of a bad file is applied. The header's debit
    date carries no year (MMDD): its year is 2000 here, for the caller to place."""
    raws = split_records(data)
    check_order(raws, "口座振替")
    header = _header(raws[0])
    records = tuple(_data(raw, n) for n, raw in enumerate(raws[1:-2], start=2))
    trailer_at = len(raws) - 1
    trailer = raws[-2]
    values = [_digits(trailer, start, length, what, trailer_at) for start, length, what in (
        (1, 6, "合計件数"), (7, 12, "合計金額"), (19, 6, "振替済件数"), (25, 12, "振替済金額"), (37, 6, "振替不能件数"),
        (43, 12, "振替不能金額"))]
    debit = DebitFile(header, records, is_result=result)
    expected = _trailer_bytes(records, result, trailer_at)
    if trailer[:55] != expected[:55]:
        names = ("合計件数", "合計金額", "振替済件数", "振替済金額", "振替不能件数", "振替不能金額")
        wrong = [name for name, value, right in zip(names, values, _trailer_values(records, result), strict=True)
                 if value != right]
        raise ZenginFileError(trailer_at, f"トレーラーの{'・'.join(wrong)}がデータレコードと合いません。")
    if not result and any(r.result_code for r in records):
        bad = next(n for n, r in enumerate(records, start=2) if r.result_code)
        raise ZenginFileError(bad, "依頼データに振替結果コードが入っています（結果ファイルとして読み込んでください）。")
    return debit


def _trailer_values(records: Sequence[DebitRecord], result: bool) -> list[int]:
    done = [r for r in records if r.debited] if result else []
    failed = [r for r in records if not r.debited] if result else []
    return [len(records), sum(r.amount for r in records), len(done), sum(r.amount for r in done), len(failed),
            sum(r.amount for r in failed)]


def with_result(record: DebitRecord, code: int) -> DebitRecord:
    """The record as a result file returns it (for tests and the demo)."""
    return replace(record, result_code=code)

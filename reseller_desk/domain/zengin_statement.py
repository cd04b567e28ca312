"""The bank's statements of money in, as 全銀協 files of 200-byte records (issue 12 "Bank
transfers"; the office's file-format reference (formats.md) §2): 振込入金通知 (種別コード 01, data format A) and
入出金取引明細 (種別コード 03). Pure: bytes in, the incoming transfers out, for the matcher
(domain.payer_match) and the services.

Both files run header ``1``, data ``2`` × n, trailer ``8``, end ``9``; dates are 和暦 YYMMDD, read
as 令和 (令和7年5月27日 = ``070527``; decision: a statement is of this era). Only what came in is
returned from a 入出金取引明細 (入払区分 1); a 振込入金通知's cancelled transfers (取消区分 1) are
left out. A malformed file is refused whole, naming the record (zengin_debit.ZenginFileError):
the trailer's counts and amounts must add up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reseller_desk.domain.zengin_debit import ZenginFileError, check_order, digits_at, split_records, text_at

__all__ = ["STATEMENT_RECORD_LENGTH", "StatementFile", "StatementRow", "read_statement", "reiwa_date"]

STATEMENT_RECORD_LENGTH = 200
#: 令和元年 is 2019: year YY of 令和 is 2018 + YY.
REIWA_OFFSET = 2018
KINDS = {"01": "振込入金通知", "03": "入出金取引明細"}


@dataclass(frozen=True)
class StatementRow:
    """An incoming transfer: the record it came from, the bank's reference, the day, the amount
    and the payer as the bank prints it."""

    record: int
    reference: str            # 照会番号
    on: dt.date               # 勘定日
    amount: int
    payer_name: str
    payer_code: str = ""      # 振込依頼人コード
    remark: str = ""          # 摘要内容 (03)


@dataclass(frozen=True)
class StatementFile:
    kind: str                 # "01" or "03"
    bank_code: str
    branch_code: str
    account_number: str
    account_name: str
    rows: tuple[StatementRow, ...]

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)


def reiwa_date(raw: bytes, start: int, what: str, record: int) -> dt.date:
    """A 和暦 YYMMDD field as a date of 令和."""
    year, month, day = (digits_at(raw, start + n, 2, what, record) for n in (0, 2, 4))
    try:
        return dt.date(REIWA_OFFSET + year, month, day)
    except ValueError as error:
        raise ZenginFileError(record, f"{what}（令和{year}年{month}月{day}日）が日付ではありません。") from error


def _transfers(raws: list[bytes]) -> tuple[list[StatementRow], tuple[int, int, int, int]]:
    """01: the data records (all incoming), with the counts and sums (振込, 取消) to check."""
    rows, counted = [], [0, 0, 0, 0]
    for number, raw in enumerate(raws[1:-2], start=2):
        amount = digits_at(raw, 19, 10, "金額", number)
        cancelled = raw[127:128] == b"1"
        counted[2 if cancelled else 0] += 1
        counted[3 if cancelled else 1] += amount
        if not cancelled:
            rows.append(StatementRow(number, text_at(raw, 1, 6, "照会番号", number),
                                     reiwa_date(raw, 7, "勘定日", number), amount,
                                     text_at(raw, 49, 48, "振込依頼人名", number),
                                     text_at(raw, 39, 10, "振込依頼人コード", number)))
    return rows, (counted[0] + counted[2], counted[1] + counted[3], counted[2], counted[3])


def _movements(raws: list[bytes]) -> tuple[list[StatementRow], tuple[int, int, int, int]]:
    """03: the data records that came in (入払区分 1), with the counts and sums (入金, 出金)."""
    rows, counted = [], [0, 0, 0, 0]
    for number, raw in enumerate(raws[1:-2], start=2):
        direction = digits_at(raw, 21, 1, "入払区分", number)
        if direction not in (1, 2):
            raise ZenginFileError(number, f"入払区分 {direction} は 1（入金）でも 2（出金）でもありません。")
        amount = digits_at(raw, 24, 12, "取引金額", number)
        counted[0 if direction == 1 else 2] += 1
        counted[1 if direction == 1 else 3] += amount
        if direction == 1:
            rows.append(StatementRow(number, text_at(raw, 1, 8, "照会番号", number),
                                     reiwa_date(raw, 9, "勘定日", number), amount,
                                     text_at(raw, 81, 48, "振込依頼人名", number),
                                     text_at(raw, 71, 10, "振込依頼人コード", number),
                                     text_at(raw, 159, 20, "摘要内容", number)))
    return rows, (counted[0], counted[1], counted[2], counted[3])


def read_statement(data: bytes) -> StatementFile:
    """The incoming transfers of a 振込入金通知 (01) or 入出金取引明細 (03) file;
    ZenginFileError for anything malformed, naming the record, so nothing of it is applied."""
    raws = split_records(data, STATEMENT_RECORD_LENGTH)
    check_order(raws, "明細")
    header, trailer, at = raws[0], raws[-2], len(raws) - 1
    kind = header[1:3].decode("latin-1")
    if kind not in KINDS:
        raise ZenginFileError(1, f"種別コード {kind!r} は入金の明細（01 振込入金通知・03 入出金取引明細）"
                                 "ではありません。")
    if kind == "01":
        rows, counts = _transfers(raws)
        expected = tuple(digits_at(trailer, start, length, what, at) for start, length, what in (
            (1, 6, "振込合計件数"), (7, 12, "振込合計金額"), (19, 6, "取消合計件数"), (25, 12, "取消合計金額")))
        account = (digits_at(header, 60, 7, "口座番号", 1), text_at(header, 67, 40, "口座名", 1))
    else:
        rows, counts = _movements(raws)
        expected = tuple(digits_at(trailer, start, length, what, at) for start, length, what in (
            (1, 6, "入金件数"), (7, 13, "入金額合計"), (20, 6, "出金件数"), (26, 13, "出金額合計")))
        records = digits_at(trailer, 54, 7, "データ・レコード件数", at)
        if records != len(raws) - 3:
            raise ZenginFileError(at, f"トレーラーのデータ・レコード件数 {records} が"
                                      f"実際の {len(raws) - 3} 件と合いません。")
        account = (digits_at(header, 63, 10, "口座番号", 1), text_at(header, 73, 40, "口座名", 1))
    if expected != counts:
        raise ZenginFileError(at, "トレーラーの件数・金額がデータレコードと合いません。")
    return StatementFile(kind, text_at(header, 22, 4, "銀行コード", 1), text_at(header, 41, 3, "支店コード", 1),
                         f"{account[0]:07d}", account[1], tuple(rows))

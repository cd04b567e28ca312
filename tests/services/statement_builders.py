"""Bank statements for the tests of statement import and matching (issue 12): a 全銀協
振込入金通知 (01) of any transfers, an SBI-style CSV in cp932 and its saved mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reseller_desk.services.payments import statements
from reseller_desk.services.payments.statements import MappingDetails

__all__ = ["SBI", "MUFG", "Row", "a_mapping", "sbi_csv", "zengin01"]

#: 住信SBIネット銀行 入出金明細 (formats.md §2.4): 日付, 内容, 出金, 入金, 残高, メモ.
SBI = MappingDetails("住信SBI", date_column=1, amount_column=4, payer_column=2)
#: 三菱UFJ銀行 Web 明細: 日付, 摘要, 摘要内容, 支払い金額, 預かり金額, 差引残高 …
MUFG = MappingDetails("三菱UFJ", date_column=1, amount_column=5, payer_column=3)


@dataclass(frozen=True)
class Row:
    on: dt.date
    amount: int
    payer: str                 # half-width kana, as the bank prints it
    reference: str = ""


def _reiwa(day: dt.date) -> bytes:
    return f"{day.year - 2018:02d}{day.month:02d}{day.day:02d}".encode()


def _c(text: str, length: int) -> bytes:
    return text.encode("cp932").ljust(length, b" ")[:length]


def zengin01(rows: Sequence[Row], *, account: str = "1234567", created: dt.date = dt.date(2026, 12, 25)) -> bytes:
    """A 振込入金通知 (01, format A) with one data record per row, CRLF after each record."""
    header = (b"1010" + _reiwa(created) * 3 + b"0005" + _c("ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", 15) + b"001" + _c("ﾎﾝﾃﾝ", 15)
              + b"1" + account.encode() + _c("ｶ)ﾘｾﾗ-ﾃﾞｽｸ", 40) + b" " * 93)
    data = []
    for n, row in enumerate(rows, start=1):
        reference = (row.reference or f"{n:06d}").encode()
        data.append(b"2" + reference + _reiwa(row.on) * 2 + f"{row.amount:010d}".encode() + b"0" * 10
                    + b"0" * 10 + _c(row.payer, 48) + _c("ﾐｽﾞﾎ", 15) + _c("ﾎﾝﾃﾝ", 15) + b"0" + b" " * 20 + b" " * 52)
    trailer = (b"8" + f"{len(rows):06d}".encode() + f"{sum(r.amount for r in rows):012d}".encode()
               + b"0" * 6 + b"0" * 12 + b" " * 163)
    end = b"9" + b" " * 199
    records = [header, *data, trailer, end]
    assert all(len(r) == 200 for r in records), [len(r) for r in records]
    return b"".join(r + b"\r\n" for r in records)


def sbi_csv(rows: Sequence[Row], *, encoding: str = "cp932", bom: bool = False) -> bytes:
    """An SBI 入出金明細 CSV: money in as 「振込＊<full-width name>」, a fee row going out."""
    lines = ['"日付","内容","出金金額(円)","入金金額(円)","残高(円)","メモ"']
    for row in rows:
        lines.append(f'"{row.on:%Y/%m/%d}","振込＊{row.payer}",,"{row.amount:,}","1,000,000","-"')
    lines.append('"2026/12/28","振込手数料","330",,"999,670","-"')
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def a_mapping(db, actor, details: MappingDetails = SBI) -> statements.BankMapping:
    return statements.save_bank_mapping(db, actor, details, expected_version=None)

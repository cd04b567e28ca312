"""取引明細 (a customer's account statement) as plain values: the entries of a period with a
running balance from the balance before it (services.payments.aging builds it; reports prints it).
An entry that does not ``count`` is listed only (credit applied, late interest to be billed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["AccountStatement", "StatementEntry"]


@dataclass(frozen=True)
class StatementEntry:
    on: dt.date
    kind: str             # 請求, 訂正, 入金, 入金取消, 返金, 償却, 充当, 遅延損害金
    reference: str        # the invoice's number, or ""
    description: str
    charged: int          # what it adds to what the customer owes
    paid: int             # what it takes off
    balance: int          # after it
    counts: bool = True   # False: listed only (credit applied, late interest to be billed)


@dataclass(frozen=True)
class AccountStatement:
    customer_id: int
    customer_name: str
    postal_code: str
    address: str
    since: dt.date
    until: dt.date
    opening: int          # the balance before ``since`` (what was owed net of credit)
    entries: tuple[StatementEntry, ...]
    closing: int
    owed: int             # now: what the open invoices owe
    credit: int           # now: 過入金

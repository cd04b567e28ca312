"""Receivables (売掛金): what each invoice still owes, derived from the payments applied to it, and
how a payment is applied (issue 12 "Recording payments", "Short, over and late"; terms-rules.md
§6 and its decision). Pure: the services read the invoices and the applications, and write what
:func:`allocate` proposes; nothing here is stored twice.

- An invoice's state comes from its total and what was applied to it: 未入金 (nothing), 過小入金
  (some, not all: SC §13 treats paying short, e.g. a deducted transfer fee, as not paying), 入金済
  (all). A credit invoice (total ≤ 0) owes nothing.
- A payment settles the invoices the clerk chose, in that order, else the oldest open invoice
  first (terms-rules.md §6 decision); what is left over is a credit on the customer's account
  (過入金), applied later to the next invoice or refunded.
- Late interest (rules.late_interest: SC §14, SH §30) is per invoice on the unpaid tax-inclusive
  principal, for the days from the due date to the payment.
- Aging (売掛金の年齢表): 未到来, 1–30, 31–60, 61–90 and 91日超 days past the due date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reseller_desk.domain import rules
from reseller_desk.domain.terms import TermsProfile

__all__ = ["AGING_BUCKETS", "Allocation", "InvoiceState", "OpenItem", "PaymentApplied", "aging_bucket",
           "aging_table", "allocate", "interest_on_payment", "state_of"]


class InvoiceState(StrEnum):
    OPEN = "open"          # 未入金
    SHORT = "short"        # 過小入金
    PAID = "paid"          # 入金済
    WRITTEN_OFF = "written_off"  # 償却済 (the manager wrote off what was left, with a note)

    @property
    def label(self) -> str:
        return {"open": "未入金", "short": "過小入金", "paid": "入金済", "written_off": "償却済"}[self.value]


@dataclass(frozen=True)
class OpenItem:
    """An invoice as receivables see it: its total (tax included) and what was applied to it."""

    invoice_id: int
    due_date: dt.date | None
    total: int
    applied: int = 0
    written_off: int = 0

    @property
    def owed(self) -> int:
        return max(self.total - self.applied - self.written_off, 0)

    @property
    def state(self) -> InvoiceState:
        return state_of(self.total, self.applied, self.written_off)


def state_of(total: int, applied: int, written_off: int = 0) -> InvoiceState:
    """未入金, 過小入金, 入金済 or 償却済 from the invoice's total, the sum applied to it and what
    the manager wrote off."""
    if total <= 0 or applied >= total:
        return InvoiceState.PAID
    if applied + written_off >= total:
        return InvoiceState.WRITTEN_OFF
    return InvoiceState.SHORT if applied > 0 else InvoiceState.OPEN


@dataclass(frozen=True)
class PaymentApplied:
    invoice_id: int
    amount: int


@dataclass(frozen=True)
class Allocation:
    """Where a payment goes: the amounts applied to each invoice, in order, and what is left as a
    credit on the customer's account (過入金)."""

    applied: tuple[PaymentApplied, ...]
    credit: int

    @property
    def total_applied(self) -> int:
        return sum(a.amount for a in self.applied)


def _oldest_first(items: Iterable[OpenItem]) -> list[OpenItem]:
    return sorted(items, key=lambda i: (i.due_date or dt.date.max, i.invoice_id))


def allocate(amount: int, items: Sequence[OpenItem], chosen: Sequence[int] | None = None) -> Allocation:
    """Apply ``amount`` yen: to the invoices ``chosen`` (ids, in the clerk's order), else to the
    open ones oldest first (by due date, then id), each up to what it owes; the rest is a
    credit. A negative amount (a reversal) is refused: a reversal is its own entry, applied by
    the caller to the invoices the payment it reverses was applied to."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError(f"入金額は0円以上の整数です（{amount!r}）。")
    by_id = {i.invoice_id: i for i in items}
    if chosen is not None:
        unknown = [i for i in chosen if i not in by_id]
        if unknown:
            raise ValueError(f"選んだ請求書 {unknown} はこの顧客の未入金の請求書ではありません。")
        order = [by_id[i] for i in dict.fromkeys(chosen)]
    else:
        order = _oldest_first(i for i in items if i.owed > 0)
    left, applied = amount, []
    for item in order:
        if left == 0:
            break
        part = min(left, item.owed)
        if part > 0:
            applied.append(PaymentApplied(item.invoice_id, part))
            left -= part
    return Allocation(tuple(applied), left)


def interest_on_payment(profile: TermsProfile, item: OpenItem, paid_on: dt.date, paid: int) -> int:
    """Late interest on the part of ``item`` a payment of ``paid`` on ``paid_on`` settles: on the
    unpaid tax-inclusive principal it settles, for the days the profile counts (rules.late_interest:
    SC §14 to the day before payment, SH §30 the payment day included); 0 before the due date."""
    if item.due_date is None or paid <= 0:
        return 0
    principal = min(paid, item.owed)
    return rules.late_interest(profile, principal, item.due_date, paid_on)


#: The aging table's columns: (label, first day past due, last day past due or None).
AGING_BUCKETS: tuple[tuple[str, int | None, int | None], ...] = (
    ("未到来", None, 0), ("1〜30日", 1, 30), ("31〜60日", 31, 60), ("61〜90日", 61, 90), ("91日超", 91, None))


def aging_bucket(due_date: dt.date | None, today: dt.date) -> str:
    """The aging column of an amount due on ``due_date`` seen on ``today``."""
    if due_date is None:
        return AGING_BUCKETS[0][0]
    late = (today - due_date).days
    for label, first, last in AGING_BUCKETS:
        if (first is None or late >= first) and (last is None or late <= last):
            return label
    raise AssertionError(late)  # the buckets cover every integer


def aging_table(items: Iterable[OpenItem], today: dt.date) -> dict[str, int]:
    """What is owed, by aging column (every column present, 0 when empty)."""
    table = dict.fromkeys((label for label, _, _ in AGING_BUCKETS), 0)
    for item in items:
        if item.owed:
            table[aging_bucket(item.due_date, today)] += item.owed
    return table

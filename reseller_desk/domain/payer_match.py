"""入金消込: matching incoming transfers to customers and their open invoices (issue 12 "Bank
transfers"; terms-rules.md §6). Pure: the services hand in the statement's rows, each customer's
registered payer names and the open invoices, and get back one proposal per row.

A bank prints the payer's name its own way: half-width katakana, a legal form abbreviated
(ｶ) ﾐﾗｲ / ﾐﾗｲ(ｶ / ｶﾌﾞｼｷｶﾞｲｼﾔ ﾐﾗｲ …), small kana written large, voicing marks sometimes lost,
spaces anywhere. :func:`payer_key` reduces a name to what those variants share, so that a
registered name (kept per customer, learned when the clerk confirms a match) and the statement's
meet in one dictionary lookup; :func:`loose_key` also drops ﾞ and ﾟ, used only when the exact key
finds nobody.

:func:`match_transfers` sorts every row into one of three groups:

- 一致 (MATCHED): one customer, and a combination of its open invoices adding up to the amount
  (oldest first when several do) — ready to apply;
- 要確認 (CHECK): several customers answer to the name, or the amount matches no combination
  (short, over, or paying something else) — the clerk decides, with the proposal shown;
- 不明 (UNKNOWN): nobody answers to the name.

Nothing is applied here; the services apply what the clerk confirms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reseller_desk.domain.zengin_debit import bank_kana

__all__ = ["MAX_COMBINED", "MatchGroup", "OpenInvoice", "PayerIndex", "Proposal", "Transfer", "combination_for",
           "loose_key", "match_transfers", "payer_key"]

#: The most open invoices of one customer searched for a combination (2^n subsets); older ones
#: beyond it are still tried oldest-first.
MAX_COMBINED = 16

#: Legal forms as banks abbreviate them (formats.md §1.7) and as they are spelt out; removed
#: wherever they stand, with the parenthesis that marks them.
_FORMS = ("ｶﾌﾞｼｷｶﾞｲｼﾔ", "ﾕｳｹﾞﾝｶﾞｲｼﾔ", "ｺﾞｳﾄﾞｳｶﾞｲｼﾔ", "ｺﾞｳﾒｲｶﾞｲｼﾔ", "ｺﾞｳｼｶﾞｲｼﾔ", "ｲﾂﾊﾟﾝｼﾔﾀﾞﾝﾎｳｼﾞﾝ",
          "ｲﾘﾖｳﾎｳｼﾞﾝ", "ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ")
_ABBREVIATIONS = ("ｶ", "ﾕ", "ﾄﾞ", "ﾒ", "ｼ", "ｼﾔ", "ｲ", "ﾄｸﾋ", "ｻﾞｲ", "ｶﾞｸ", "ｼﾕｳ")
_FORM = "(?:" + "|".join(_ABBREVIATIONS) + ")"
#: (ｶ) anywhere; ｶ) before the name; (ｶ after it — each at a word's edge.
_ABBREVIATED = re.compile(rf"\({_FORM}\)|(?:^|(?<= )){_FORM}\)|\({_FORM}(?=$| )")


def payer_key(name: str) -> str:
    """What every way of printing one payer's name has in common: bank kana (half-width, small
    kana large, ー as -), the legal form removed in any of its spellings, no spaces, no dots or
    hyphens, no parentheses."""
    text = bank_kana(name).strip()
    text = re.sub(r"\s+", " ", text)
    text = _ABBREVIATED.sub(" ", text)
    for form in _FORMS:
        text = text.replace(form, " ")
    return re.sub(r"[\s().\-]", "", text)


def loose_key(name: str) -> str:
    """:func:`payer_key` without ﾞ and ﾟ (a bank that lost them): a second chance, never first."""
    return payer_key(name).translate(_NO_MARKS)


@dataclass(frozen=True)
class Transfer:
    """A row of the statement: an incoming transfer."""

    row: int
    on: dt.date
    amount: int
    payer_name: str


@dataclass(frozen=True)
class OpenInvoice:
    invoice_id: int
    customer_id: int
    number: str
    due_date: dt.date | None
    open_amount: int          # what is still owed on it (yen)


class MatchGroup(StrEnum):
    MATCHED = "matched"    # 一致
    CHECK = "check"        # 要確認
    UNKNOWN = "unknown"    # 不明

    @property
    def label(self) -> str:
        return {"matched": "一致", "check": "要確認", "unknown": "不明"}[self.value]


@dataclass(frozen=True)
class Proposal:
    """What the matcher proposes for one transfer: the group, the customer (None when none or
    several), every candidate, the open invoices it would pay and why it is not 一致."""

    transfer: Transfer
    group: MatchGroup
    customer_id: int | None
    candidates: tuple[int, ...]
    invoice_ids: tuple[int, ...]
    difference: int            # the amount minus what the proposed invoices owe (+ over, − short)
    reason: str = ""


class PayerIndex:
    """Every customer's registered payer names, by exact and loose key, then one lookup per row.
    :meth:`of_keys` builds it from the keys stored with the names (each computed once, when the
    name was registered: 100,000 customers then index in a tenth of a second); the constructor
    computes them from the names."""

    def __init__(self, names: Mapping[int, Iterable[str]] | None = None) -> None:
        self.exact: dict[str, set[int]] = {}
        self._loose: dict[str, set[int]] | None = None
        for customer_id, customer_names in (names or {}).items():
            self._add(customer_id, (payer_key(name) for name in customer_names))

    @classmethod
    def of_keys(cls, keys: Mapping[int, Iterable[str]]) -> PayerIndex:
        """The index of keys already made by :func:`payer_key` (customer id → its names' keys)."""
        index = cls()
        for customer_id, customer_keys in keys.items():
            index._add(customer_id, customer_keys)
        return index

    def _add(self, customer_id: int, keys: Iterable[str]) -> None:
        exact = self.exact
        for key in keys:
            if key:
                held = exact.get(key)
                if held is None:
                    exact[key] = {customer_id}
                else:
                    held.add(customer_id)
        self._loose = None

    @property
    def loose(self) -> dict[str, set[int]]:
        """The exact keys without ﾞ and ﾟ: made the first time a name is not found exactly."""
        if self._loose is None:
            loose: dict[str, set[int]] = {}
            for key, customers in self.exact.items():
                bare = key.translate(_NO_MARKS)
                held = loose.get(bare)
                # the exact set itself where it is the only one (never changed in place: _add
                # forgets this index), a new union where two keys meet
                loose[bare] = customers if held is None else held | customers
            self._loose = loose
        return self._loose

    def candidates(self, payer_name: str) -> tuple[int, ...]:
        key = payer_key(payer_name)
        if not key:
            return ()
        found = self.exact.get(key) or self.loose.get(key.translate(_NO_MARKS)) or ()
        return tuple(sorted(found))


_NO_MARKS = str.maketrans("", "", "ﾞﾟ")


def _oldest_first(invoices: Sequence[OpenInvoice]) -> list[OpenInvoice]:
    return sorted(invoices, key=lambda i: (i.due_date or dt.date.max, i.invoice_id))


def combination_for(amount: int, invoices: Sequence[OpenInvoice]) -> tuple[OpenInvoice, ...] | None:
    """The open invoices that add up to ``amount`` exactly: the oldest alone or the oldest ones
    together first (the usual way to pay), else any combination of the :data:`MAX_COMBINED`
    oldest (the fewest invoices, then the oldest); None when none does."""
    ordered = _oldest_first([i for i in invoices if i.open_amount > 0])
    running = 0
    for n, invoice in enumerate(ordered, start=1):
        running += invoice.open_amount
        if running == amount:
            return tuple(ordered[:n])
        if running > amount:
            break
    pool = ordered[:MAX_COMBINED]
    best: tuple[int, ...] | None = None
    # reachable sum -> the positions that reach it (fewest, then oldest): a subset-sum over the pool
    reach: dict[int, tuple[int, ...]] = {0: ()}
    for position, invoice in enumerate(pool):
        for total, chosen in list(reach.items()):
            new = total + invoice.open_amount
            if new > amount:
                continue
            candidate = (*chosen, position)
            held = reach.get(new)
            if held is None or (len(candidate), candidate) < (len(held), held):
                reach[new] = candidate
    best = reach.get(amount) if amount > 0 else None
    return tuple(pool[p] for p in best) if best else None


def match_transfers(transfers: Iterable[Transfer], index: PayerIndex,
                    open_invoices: Iterable[OpenInvoice]) -> list[Proposal]:
    """One proposal per transfer (in the statement's order). Each customer's open invoices are
    used by at most one 一致 row, so two transfers never propose to settle the same invoice."""
    rows = [(transfer, index.candidates(transfer.payer_name)) for transfer in transfers]
    wanted = {customer for _, candidates in rows for customer in candidates}
    by_customer: dict[int, list[OpenInvoice]] = defaultdict(list)
    for invoice in open_invoices:          # only the customers some row may be from
        if invoice.customer_id in wanted:
            by_customer[invoice.customer_id].append(invoice)
    taken: set[int] = set()
    proposals = []
    for transfer, candidates in rows:
        if not candidates:
            proposals.append(Proposal(transfer, MatchGroup.UNKNOWN, None, (), (), transfer.amount,
                                      "振込依頼人名に当たる顧客がいません。"))
            continue
        fitting = []
        for customer_id in candidates:
            free = [i for i in by_customer.get(customer_id, ()) if i.invoice_id not in taken]
            combination = combination_for(transfer.amount, free)
            if combination is not None:
                fitting.append((customer_id, combination))
        if len(candidates) == 1 and fitting:
            customer_id, combination = fitting[0]
            taken.update(i.invoice_id for i in combination)
            proposals.append(Proposal(transfer, MatchGroup.MATCHED, customer_id, candidates,
                                      tuple(i.invoice_id for i in combination), 0))
            continue
        if len(candidates) > 1:
            chosen = fitting[0] if len(fitting) == 1 else None
            reason = (f"同じ名前の顧客が{len(candidates)}件あります。"
                      + ("金額が合うのは1件です。" if chosen else "顧客を選んでください。"))
            proposals.append(Proposal(transfer, MatchGroup.CHECK, chosen[0] if chosen else None, candidates,
                                      tuple(i.invoice_id for i in chosen[1]) if chosen else (), 0 if chosen else
                                      transfer.amount, reason))
            continue
        customer_id = candidates[0]
        free = _oldest_first([i for i in by_customer.get(customer_id, ()) if i.invoice_id not in taken])
        if not free:
            proposals.append(Proposal(transfer, MatchGroup.CHECK, customer_id, candidates, (), transfer.amount,
                                      "未入金の請求書がありません（過入金・前受けの可能性）。"))
            continue
        oldest = free[0]
        difference = transfer.amount - oldest.open_amount
        reason = (f"金額が請求額より{-difference:,}円少ない（過小入金）。" if difference < 0
                  else f"金額が請求額より{difference:,}円多い（過入金）。")
        proposals.append(Proposal(transfer, MatchGroup.CHECK, customer_id, candidates, (oldest.invoice_id,),
                                  difference, reason))
    return proposals

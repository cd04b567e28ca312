"""The words of money in (issue 12): what kind of entry a payment is, how it came, where a
statement line stands, what a dunning stage does, what a hold is, what happens to a deposit.

Pure values; the rules that use them live in domain.receivables (applying and aging),
domain.payer_match (matching transfers), domain.journal (the accountant's files) and
domain.rules (late interest SC §14 / SH §30, deposits SC §9.10).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["DepositEntryKind", "DunningAction", "HoldKind", "PaymentKind", "ReceiptMethod",
           "StatementLineStatus", "WriteOffAccount"]


class PaymentKind(StrEnum):
    """A payment entry. Entries are never edited: a mistaken or bounced payment is undone by a
    reversing entry (``reversal``, the negative of the original, applied back from the same
    invoices); money paid back to the customer from their credit is a ``refund`` (negative)."""

    RECEIPT = "receipt"      # 入金
    REVERSAL = "reversal"    # 取消（逆仕訳）
    REFUND = "refund"        # 返金

    @property
    def label(self) -> str:
        return {"receipt": "入金", "reversal": "入金取消", "refund": "返金"}[self.value]


class ReceiptMethod(StrEnum):
    """How the money came (or, for a refund, went)."""

    TRANSFER = "transfer"    # 振込 (a statement line or entered by hand)
    DEBIT = "debit"          # 口座振替 (a 振替結果 file)
    CASH = "cash"            # 現金
    DEPOSIT = "deposit"      # 利用保証金の充当 (SC §9.12)
    OTHER = "other"          # その他

    @property
    def label(self) -> str:
        return {"transfer": "振込", "debit": "口座振替", "cash": "現金", "deposit": "保証金充当",
                "other": "その他"}[self.value]


class WriteOffAccount(StrEnum):
    """Where a write-off goes in the journal: a small shortfall (a deducted transfer fee) is
    雑損失, an uncollectable debt 貸倒損失."""

    MISC_LOSS = "misc_loss"  # 雑損失
    BAD_DEBT = "bad_debt"    # 貸倒損失

    @property
    def label(self) -> str:
        return {"misc_loss": "雑損失", "bad_debt": "貸倒損失"}[self.value]


class StatementLineStatus(StrEnum):
    """A line of an imported bank statement: waiting for the clerk, applied (a payment was
    recorded from it), or set aside (not a customer's payment: interest, a refund …)."""

    OPEN = "open"            # 未処理
    APPLIED = "applied"      # 消込済
    IGNORED = "ignored"      # 対象外

    @property
    def label(self) -> str:
        return {"open": "未処理", "applied": "消込済", "ignored": "対象外"}[self.value]


class DunningAction(StrEnum):
    """What a dunning stage does (the stages are data in 設定)."""

    LETTER = "letter"                # 督促状
    FINAL_DEMAND = "final_demand"    # 催告書 (names a suspension date)
    SUSPENSION = "suspension"        # 利用停止の候補 (the contract lifecycle, SH §23.2 notice)

    @property
    def label(self) -> str:
        return {"letter": "督促状", "final_demand": "催告書", "suspension": "利用停止候補"}[self.value]


class HoldKind(StrEnum):
    """Why dunning is held (督促保留) for a customer or an invoice until a date."""

    DISPUTE = "dispute"      # 請求内容の確認中 (SC §9.9)
    PROMISE = "promise"      # 支払予定日の連絡あり
    OTHER = "other"          # その他

    @property
    def label(self) -> str:
        return {"dispute": "請求内容の確認中", "promise": "支払約束", "other": "その他"}[self.value]


class DepositEntryKind(StrEnum):
    """A movement of a deposit 利用保証金 (SC §9.10–13): no interest, 不課税, not revenue."""

    RECEIVED = "received"    # 預託
    APPLIED = "applied"      # 未払料金への充当 (SC §9.12)
    REFUNDED = "refunded"    # 返還

    @property
    def label(self) -> str:
        return {"received": "預託", "applied": "充当", "refunded": "返還"}[self.value]

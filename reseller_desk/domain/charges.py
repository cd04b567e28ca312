"""One-time charges (単発の請求): amounts recorded for a usage month that the billing run puts on
that month's invoice, whatever recorded them (terms-rules.md §4, decisions).

The contract lifecycle records early-termination fees (契約解除料, SH §18); the equipment issue
adds rentals sold, late-return penalties, damages and replacements; the payments issue late
interest. The billing run reads them from one table and never needs to know where they came
from. Credits (goodwill, corrections) are negative amounts.

Each charge carries its tax category (インボイス制度): late interest, damages, penalties for
damages and deposits are outside consumption tax (不課税, terms-rules.md §4).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ChargeKind", "TaxCategory"]


class TaxCategory(StrEnum):
    TAXABLE_10 = "taxable_10"   # 課税10%
    REDUCED_8 = "reduced_8"     # 課税8%（軽減）
    EXEMPT = "exempt"           # 非課税
    OUTSIDE = "outside"         # 不課税

    @property
    def label(self) -> str:
        return {"taxable_10": "課税10%", "reduced_8": "課税8%（軽減）", "exempt": "非課税",
                "outside": "不課税"}[self.value]

    @property
    def taxable(self) -> bool:
        return self in (TaxCategory.TAXABLE_10, TaxCategory.REDUCED_8)


class ChargeKind(StrEnum):
    """What a one-time charge is (the invoice item words of Kill Bill: FIXED, CREDIT_ADJ)."""

    EARLY_TERMINATION = "early_termination"      # 契約解除料 (SH §18)
    EQUIPMENT_SALE = "equipment_sale"            # 機器販売 (SC §10.4)
    LATE_RETURN_PENALTY = "late_return_penalty"  # 返却遅延違約金 (SH §13.4)
    DAMAGES = "damages"                          # 損害金（付属品不足・破損, SH §13.5）
    REPLACEMENT = "replacement"                  # 代替機代金（紛失, SH §13.5）
    REPLACEMENT_PENALTY = "replacement_penalty"  # 交換前機器の未返送違約金 (SC §21.3)
    LATE_INTEREST = "late_interest"              # 遅延損害金 (SC §14, SH §30)
    FIXED = "fixed"                              # その他の単発請求
    CREDIT = "credit"                            # 値引き・訂正 (CREDIT_ADJ; a negative amount)

    @property
    def label(self) -> str:
        return _CHARGE_LABELS[self]


_CHARGE_LABELS = {
    ChargeKind.EARLY_TERMINATION: "契約解除料", ChargeKind.EQUIPMENT_SALE: "機器販売",
    ChargeKind.LATE_RETURN_PENALTY: "返却遅延違約金", ChargeKind.DAMAGES: "損害金",
    ChargeKind.REPLACEMENT: "代替機代金", ChargeKind.REPLACEMENT_PENALTY: "交換前機器の未返送違約金",
    ChargeKind.LATE_INTEREST: "遅延損害金",
    ChargeKind.FIXED: "その他", ChargeKind.CREDIT: "値引き・訂正",
}

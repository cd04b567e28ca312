"""Pure rules of a contract's life after it is formed, beside domain.rules (the dates): the
early-termination fee of an ending inside the minimum term (SH §18), the day a cancelled
contract's service data is deleted (SC §23), the checks of a suspension's dates (SH §23.2),
the kinds of succession and the papers each needs (SH §20.1), and the words the notices and
screens use for them (terms-rules.md §7).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import StrEnum

from reseller_desk.domain import rules
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.terms import TermsProfile

__all__ = ["EQUIPMENT_RETURN_NOTE", "SuccessionKind", "UNTIL_PAID_TEXT", "early_termination_fee",
           "normalized_number", "planned_end_problem", "service_data_deletion_due", "suspension_period_text",
           "suspension_start_problem"]

#: What a cancellation or termination notice says of lent equipment (the equipment issue builds
#: the returns through services.contracts.hooks).
EQUIPMENT_RETURN_NOTE = ("当社から貸与している機器がある場合は、契約の終了後すみやかにご返却ください"
                         "（返却方法は別途ご案内します）。")
#: The period of a suspension that lasts until the money is paid (SH §23.1(1), SC §9.13).
UNTIL_PAID_TEXT = "料金等のお支払いが確認できるまで"


def early_termination_fee(minimum_term_months: int, fee: int, first_billable: dt.date | None,
                          last_billable: dt.date) -> int:
    """The 契約解除料 owed by an ending billed from ``first_billable`` to ``last_billable``:
    the plan's fee when the contract ends inside its minimum usage period, else 0.

    SH §18: cancelling inside the minimum period owes the fee, a cancellation by the customer
    (§26), a termination by the company (§27) and one for anti-social forces (§36) alike.
    Decision: one fee per contract (§18 speaks of the 契約解除料 of the 本契約, not per line);
    a contract never billed (not yet opened, no first billable month) owes none: its minimum
    period has not begun."""
    if first_billable is None or fee <= 0 or minimum_term_months <= 1:
        return 0
    if last_billable < first_billable:
        return fee
    return fee if rules.ends_within_minimum_term(minimum_term_months, first_billable, last_billable) else 0


def service_data_deletion_due(profile: TermsProfile, effective_on: dt.date) -> dt.date | None:
    """The day the service settings and history of a contract cancelled on ``effective_on`` are
    deleted, or None where the terms delete nothing.

    SC §23: on cancellation the customer's settings and history data are deleted automatically;
    the due date recorded is the effective date (the profile's ``service_data_deleted``). SH has
    no such rule. Accounting records are kept either way (terms-rules.md §10)."""
    return effective_on if profile.cancellation.service_data_deleted else None


def suspension_start_problem(starts_on: dt.date, *, noticed_on: dt.date | None, formed_on: dt.date) -> str | None:
    """Why a suspension cannot start on ``starts_on``: never before the contract was formed,
    and, when the customer is told beforehand (SH §23.2), only after the day of the notice."""
    if starts_on < formed_on:
        return f"利用停止の開始日は契約成立日（{japanese_date(formed_on)}）より前にできません。"
    if noticed_on is not None and starts_on <= noticed_on:
        return (f"予告が必要なため、利用停止の開始日は予告通知書の発行日（{japanese_date(noticed_on)}）"
                "より後の日にしてください。")
    return None


def planned_end_problem(starts_on: dt.date, planned_end_on: dt.date | None, *, until_paid: bool) -> str | None:
    if planned_end_on is None:
        return None
    if until_paid:
        return "この事由の利用停止は料金等が支払われるまで続くため、終了予定日は指定できません。"
    if planned_end_on < starts_on:
        return "終了予定日は利用停止の開始日より後の日にしてください。"
    return None


def suspension_period_text(planned_end_on: dt.date | None, period_text: str, *, until_paid: bool) -> str:
    """The period as the notice prints it (SH §23.2: 理由、実施期日および期間)."""
    if until_paid:
        return UNTIL_PAID_TEXT
    if planned_end_on is not None:
        until = f"{japanese_date(planned_end_on)}まで"
        return f"{until}（{period_text}）" if period_text else until
    return period_text or "当社が別途お知らせするまで"


class SuccessionKind(StrEnum):
    """Kinds of succession to the customer's position (地位の承継, SH §20.1: 合併その他の事由)."""

    MERGER = "merger"
    SPLIT = "split"
    TRANSFER = "transfer"
    INHERITANCE = "inheritance"

    @property
    def label(self) -> str:
        return {"merger": "合併", "split": "会社分割", "transfer": "事業譲渡", "inheritance": "相続"}[self.value]

    @property
    def documents(self) -> tuple[str, ...]:
        """The papers that prove it (SH §20.1: 承継したことを証明する書面)."""
        registry = "承継者の履歴事項全部証明書（発行から3か月以内）"
        return {
            "merger": (registry, "合併契約書の写し"),
            "split": (registry, "吸収分割契約書又は新設分割計画書の写し"),
            "transfer": ("事業譲渡契約書の写し", registry),
            "inheritance": ("被相続人の除籍謄本", "相続人の戸籍謄本", "相続人の本人確認書類の写し"),
        }[self.value]


#: ASCII digits only: ``\d`` would take any script's digits (٠١٢, ០១២, …), which NFKC leaves as they are.
_NUMBER = re.compile(r"0[0-9]{9,10}")


def normalized_number(text: object) -> str | None:
    """A phone number as stored (digits only: 0312345678, 05012345678), from what a clerk typed
    (全角, hyphens, spaces, brackets); None when it is no Japanese number of 10 or 11 digits."""
    if not isinstance(text, str):
        return None
    digits = re.sub(r"[\s\-‐－ー()（）]", "", unicodedata.normalize("NFKC", text))
    return digits if _NUMBER.fullmatch(digits) else None

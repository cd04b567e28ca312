"""What a contract consists of, month by month: its plan and lines, its options, its special
agreements (特約), and the events of its timeline (terms-rules.md §3–4: SC §1.3, §6.5; SH §6.2–3).

A change during the contract (プラン変更, 回線数の増減, オプションの追加・終了, a 特約) takes effect
*from a month*: the contract keeps one period per state, ``from_month`` to ``until_month``
(both first days of a month, ``until_month`` included, ``None`` while it runs). So "what did
this contract consist of in 2026-07" has one answer, :func:`composition_in`, which billing
reads. Periods never overlap and a change never rewrites a month before its own.

Pure values and functions: the services build them from rows and store them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta

__all__ = ["AgreementDocument", "AgreementSubject", "Composition", "ContractEventKind", "OptionPeriod",
           "PlanPeriod", "SpecialAgreement", "agreements_in", "composition_in", "first_of_month",
           "month_before", "overlaps", "period_problem"]


def first_of_month(day: dt.date) -> dt.date:
    return day if day.day == 1 else day.replace(day=1)


def month_before(month: dt.date) -> dt.date:
    before: dt.date = first_of_month(month) - relativedelta(months=1)
    return before


def _covers(from_month: dt.date, until_month: dt.date | None, month: dt.date) -> bool:
    return from_month <= month and (until_month is None or month <= until_month)


def overlaps(a_from: dt.date, a_until: dt.date | None, b_from: dt.date, b_until: dt.date | None) -> bool:
    """Whether two month ranges (``None`` = open-ended) share a month."""
    return (a_until is None or b_from <= a_until) and (b_until is None or a_from <= b_until)


def period_problem(from_month: dt.date, until_month: dt.date | None) -> str | None:
    """A range of months a clerk typed, checked: whole months, the end not before the start."""
    if from_month.day != 1 or (until_month is not None and until_month.day != 1):
        return "月は月初（1日）で指定してください。"
    if until_month is not None and until_month < from_month:
        return "終了月が開始月より前になっています。"
    return None


@dataclass(frozen=True)
class PlanPeriod:
    """The plan and its number of lines (回線数) from ``from_month`` to ``until_month``."""

    plan_id: int
    lines: int
    from_month: dt.date
    until_month: dt.date | None = None

    def covers(self, month: dt.date) -> bool:
        return _covers(self.from_month, self.until_month, first_of_month(month))


@dataclass(frozen=True)
class OptionPeriod:
    """An option with its quantity on the contract. It exists only on the base contract and
    ends with it (SH §6.2–3): the services end every option period when the contract ends."""

    option_id: int
    quantity: int
    from_month: dt.date
    until_month: dt.date | None = None

    def covers(self, month: dt.date) -> bool:
        return _covers(self.from_month, self.until_month, first_of_month(month))


class AgreementSubject(StrEnum):
    """What a 特約 overrides (SC §1.3)."""

    PLAN_MONTHLY_FEE = "plan_monthly_fee"      # the plan's monthly fee per line
    OPTION_MONTHLY_FEE = "option_monthly_fee"  # an option's monthly fee per unit
    CONDITION = "condition"                    # a written condition, no price

    @property
    def label(self) -> str:
        return {"plan_monthly_fee": "プラン月額（1回線あたり）", "option_monthly_fee": "オプション月額（1つあたり）",
                "condition": "条件"}[self.value]


class AgreementDocument(StrEnum):
    """The document a 特約 is written in (SC §1.3: 見積書、注文書、個別契約書)."""

    QUOTE = "quote"
    ORDER = "order"
    CONTRACT = "contract"

    @property
    def label(self) -> str:
        return {"quote": "見積書", "order": "注文書", "contract": "契約書"}[self.value]

    @classmethod
    def from_label(cls, text: str) -> AgreementDocument | None:
        return next((d for d in cls if d.label == text.strip()), None)


@dataclass(frozen=True)
class SpecialAgreement:
    """A 特約: a price or a condition for this contract only, from the document it comes from,
    for the months it covers. A price replaces the one in 設定 for those months."""

    subject: AgreementSubject
    document: AgreementDocument
    document_number: str
    from_month: dt.date
    until_month: dt.date | None = None
    monthly_fee: int | None = None     # PLAN_MONTHLY_FEE / OPTION_MONTHLY_FEE
    option_id: int | None = None       # OPTION_MONTHLY_FEE
    condition: str = ""                # CONDITION (or a note beside a price)

    def covers(self, month: dt.date) -> bool:
        return _covers(self.from_month, self.until_month, first_of_month(month))

    @property
    def source(self) -> str:
        """見積書 Q-2025-031: the document as printed on a notice or a screen."""
        return f"{self.document.label} {self.document_number}".strip()


@dataclass(frozen=True)
class Composition:
    """What the contract consisted of in one month: the plan, its lines, each option with its
    quantity, and the 特約 in force. ``None`` from :func:`composition_in` for a month the
    contract has no plan period (before it was formed)."""

    month: dt.date
    plan_id: int
    lines: int
    options: tuple[tuple[int, int], ...]            # (option_id, quantity), by option id
    agreements: tuple[SpecialAgreement, ...] = ()

    def plan_fee_override(self) -> int | None:
        """The 特約's monthly fee per line replacing the plan's, if one covers this month."""
        if not self.agreements:
            return None
        return next((a.monthly_fee for a in self.agreements
                     if a.subject is AgreementSubject.PLAN_MONTHLY_FEE and a.monthly_fee is not None), None)

    def option_fee_override(self, option_id: int) -> int | None:
        if not self.agreements:
            return None
        return next((a.monthly_fee for a in self.agreements
                     if a.subject is AgreementSubject.OPTION_MONTHLY_FEE and a.option_id == option_id
                     and a.monthly_fee is not None), None)


def agreements_in(agreements: Iterable[SpecialAgreement], month: dt.date) -> tuple[SpecialAgreement, ...]:
    return tuple(a for a in agreements if a.covers(month))


def composition_in(month: dt.date, plans: Sequence[PlanPeriod], options: Iterable[OptionPeriod],
                   agreements: Iterable[SpecialAgreement] = ()) -> Composition | None:
    """The one answer to "what did this contract consist of in ``month``"."""
    month = first_of_month(month)
    # Plain loops and lists: the billing run asks this for each of 100,000 contracts.
    for plan in plans:
        if _covers(plan.from_month, plan.until_month, month):
            break
    else:
        return None
    held = [(o.option_id, o.quantity) for o in options if _covers(o.from_month, o.until_month, month)]
    held.sort()
    return Composition(month, plan.plan_id, plan.lines, tuple(held),
                       agreements_in(agreements, month) if agreements else ())


class ContractEventKind(StrEnum):
    """The events of a contract's timeline (契約の履歴), oldest first on the screen."""

    IMPORTED = "imported"                        # 移行 (brought in from the office's old records)
    FORMED = "formed"                            # 契約成立
    OPENED = "opened"                            # 開通
    SUSPENSION_NOTICED = "suspension_noticed"    # 利用停止予告
    SUSPENDED = "suspended"                      # 利用停止
    SUSPENSION_WITHDRAWN = "suspension_withdrawn"  # 利用停止の取りやめ
    RESUMED = "resumed"                          # 利用再開
    CANCELLATION_ACCEPTED = "cancellation_accepted"  # 解約受付
    CANCELLED = "cancelled"                      # 解約
    TERMINATED = "terminated"                    # 強制解約
    ENDED_BY_DEATH = "ended_by_death"            # 終了（死亡）
    REVOKED = "revoked"                          # 取消
    PLAN_CHANGED = "plan_changed"                # プラン変更
    LINES_CHANGED = "lines_changed"              # 回線数変更
    OPTION_ADDED = "option_added"                # オプション追加
    OPTION_ENDED = "option_ended"                # オプション終了
    AGREEMENT_ADDED = "agreement_added"          # 特約
    PAYMENT_CHANGED = "payment_changed"          # 支払方法変更
    SUCCESSION_REPORTED = "succession_reported"  # 地位承継の届出
    SUCCESSION_COMPLETED = "succession_completed"  # 地位承継（承継者へ移転）
    NOTE = "note"                                # メモ

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    ContractEventKind.IMPORTED: "移行", ContractEventKind.FORMED: "契約成立", ContractEventKind.OPENED: "開通",
    ContractEventKind.SUSPENSION_NOTICED: "利用停止予告", ContractEventKind.SUSPENDED: "利用停止",
    ContractEventKind.SUSPENSION_WITHDRAWN: "利用停止の取りやめ", ContractEventKind.RESUMED: "利用再開",
    ContractEventKind.CANCELLATION_ACCEPTED: "解約受付", ContractEventKind.CANCELLED: "解約",
    ContractEventKind.TERMINATED: "強制解約", ContractEventKind.ENDED_BY_DEATH: "終了（死亡）",
    ContractEventKind.REVOKED: "取消", ContractEventKind.PLAN_CHANGED: "プラン変更",
    ContractEventKind.LINES_CHANGED: "回線数変更", ContractEventKind.OPTION_ADDED: "オプション追加",
    ContractEventKind.OPTION_ENDED: "オプション終了", ContractEventKind.AGREEMENT_ADDED: "特約",
    ContractEventKind.PAYMENT_CHANGED: "支払方法変更", ContractEventKind.SUCCESSION_REPORTED: "地位承継の届出",
    ContractEventKind.SUCCESSION_COMPLETED: "地位承継", ContractEventKind.NOTE: "メモ",
}

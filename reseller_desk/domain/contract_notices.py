"""What the six notices of a contract's life say, as plain frozen data (terms-rules.md §7): the
利用停止予告通知書 (reason, start date, period: SH §23.2), 利用停止通知書, 利用再開通知書,
解約受付通知書 (effective date, last billable month, the fee, equipment, data deletion: SC §23,
SH §18, §26), 契約解除通知書 (grounds, acceleration: SH §27.2) and 地位承継届出のお願い
(deadline, documents: SH §20.1).

A :class:`~reseller_desk.domain.notices.NoticeDocument` of one of these kinds carries one of
these as ``contract``; ``reports.contract_notices`` prints it. Clauses are stored as a customer
reads them (第23条第2項), already converted by the service.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["CancellationDetails", "ContractNoticeDetails", "ResumptionDetails", "SuccessionRequestDetails",
           "SuspensionDetails", "TerminationDetails", "details_from_json"]


@dataclass(frozen=True)
class SuspensionDetails:
    """利用停止予告通知書 (``starts_on`` ahead) and 利用停止通知書 (``starts_on`` the day it began)."""

    customer_code: str
    reason_text: str
    reason_clause: str             # 第23条第1項第1号
    starts_on: dt.date
    period_text: str               # 料金等のお支払いが確認できるまで / 2026年12月31日まで
    charges_continue: bool         # SC §24.2: monthly charges continue, nothing refunded
    emergency: bool = False        # SH §23.2 但し書: started without notice beforehand
    noticed_on: dt.date | None = None   # the day of the 予告 (a suspension that had one)
    notice_clause: str = ""        # 第23条第2項 (the notice beforehand) or 第24条第1項 (without notice)


@dataclass(frozen=True)
class ResumptionDetails:
    customer_code: str
    suspended_on: dt.date
    resumed_on: dt.date
    reason_text: str


@dataclass(frozen=True)
class CancellationDetails:
    customer_code: str
    requested_on: dt.date
    effective_on: dt.date
    last_billable_month: dt.date
    cancellation_clause: str       # 第23条 / 第26条第1項
    early_termination_fee: int = 0
    fee_note: str = ""             # why (SH §18), or ""
    equipment_note: str = ""
    data_deletion_note: str = ""   # what is deleted and when (SC §23), or ""
    desired_month: dt.date | None = None


@dataclass(frozen=True)
class TerminationDetails:
    customer_code: str
    grounds_text: str
    grounds_clause: str
    effective_on: dt.date
    last_billable_month: dt.date
    accelerated: bool              # SH §27.2: every amount falls due at once
    acceleration_note: str = ""
    early_termination_fee: int = 0
    fee_note: str = ""
    equipment_note: str = ""


@dataclass(frozen=True)
class SuccessionRequestDetails:
    customer_code: str
    kind_label: str                # 合併 / 会社分割 / 事業譲渡 / 相続
    succeeded_on: dt.date
    successor_name: str
    deadline: dt.date
    documents: tuple[str, ...]
    clause: str                    # 第20条第1項


ContractNoticeDetails = (SuspensionDetails | ResumptionDetails | CancellationDetails | TerminationDetails
                         | SuccessionRequestDetails)

_CLASSES: tuple[type[Any], ...] = (SuspensionDetails, ResumptionDetails, CancellationDetails, TerminationDetails,
                                   SuccessionRequestDetails)


def _value(field: dataclasses.Field[Any], value: Any) -> Any:
    kind = str(field.type)
    if value is None:
        return None
    if "dt.date" in kind:
        return dt.date.fromisoformat(value)
    if kind.startswith("tuple"):
        return tuple(value)
    return value


def details_from_json(class_name: str, data: Mapping[str, Any]) -> ContractNoticeDetails:
    """The details as stored (``to_json`` of the notice keeps the class name beside them); a key
    this version does not know is left aside, a field added later takes its default."""
    cls = next((c for c in _CLASSES if c.__name__ == class_name), None)
    if cls is None:
        raise ValueError(f"unknown contract notice details: {class_name!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    result: ContractNoticeDetails = cls(**{k: _value(fields[k], v) for k, v in data.items() if k in fields})
    return result

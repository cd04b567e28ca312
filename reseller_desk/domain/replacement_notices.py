"""What the two notices of a warranty replacement say (SC §21; terms-rules.md §8), as plain
frozen data: the 交換機器送付のご案内 sent with the replacement (the new unit, what to send back,
within how many days of receiving it, 着払い allowed, what not sending it costs) and the
交換前機器返送のお願い once the customer has received it (the deadline, the penalty).

A notice is a :class:`~reseller_desk.domain.notices.NoticeDocument` (number, issuer,
addressee) plus one of these details. ``notice_json`` stores both in ``notices.document_json``:
the document's own keys, which ``domain.notices.from_json`` reads as for any notice (it leaves
the extra keys aside), and the details under ``replacement_details``; ``details_of`` reads
them back. Clauses are stored as a customer reads them (第21条第2項).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reseller_desk.domain.notices import NoticeDocument, to_json

__all__ = ["ReplacedUnitReturnDetails", "ReplacementNoticeDetails", "ReplacementSentDetails", "details_of",
           "notice_json"]


@dataclass(frozen=True)
class ReplacementSentDetails:
    """交換機器送付のご案内: the replacement shipped on ``shipped_on``; the old unit goes back
    within ``return_days`` days of receiving it (the day is not known yet)."""

    customer_code: str
    model_name: str
    new_serial: str
    new_mac: str
    old_serial: str
    shipped_on: dt.date
    return_days: int
    return_clause: str            # 第21条第2項
    place: str                    # where to send it: the office's name and address
    penalty: int                  # yen, tax included (SC §21.3)
    penalty_clause: str           # 第21条第3項
    warranty_ends_on: dt.date | None = None


@dataclass(frozen=True)
class ReplacedUnitReturnDetails:
    """交換前機器返送のお願い: received on ``received_on``, the old unit is due by ``deadline``."""

    customer_code: str
    model_name: str
    old_serial: str
    new_serial: str
    shipped_on: dt.date
    received_on: dt.date
    deadline: dt.date
    return_clause: str
    place: str
    penalty: int
    penalty_clause: str


ReplacementNoticeDetails = ReplacementSentDetails | ReplacedUnitReturnDetails
_CLASSES: tuple[type[Any], ...] = (ReplacementSentDetails, ReplacedUnitReturnDetails)
_KEY, _CLASS_KEY = "replacement_details", "replacement_details_class"


def notice_json(document: NoticeDocument, details: ReplacementNoticeDetails) -> str:
    """The document as ``domain.notices.to_json`` stores it, with the details beside it."""
    data = json.loads(to_json(document))
    data[_KEY] = dataclasses.asdict(details)
    data[_CLASS_KEY] = type(details).__name__
    return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)


def _value(field: dataclasses.Field[Any], value: Any) -> Any:
    if value is not None and "dt.date" in str(field.type):
        return dt.date.fromisoformat(value)
    return value


def _details(class_name: str, data: Mapping[str, Any]) -> ReplacementNoticeDetails:
    cls = next((c for c in _CLASSES if c.__name__ == class_name), None)
    if cls is None:
        raise ValueError(f"unknown replacement notice details: {class_name!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    result: ReplacementNoticeDetails = cls(**{k: _value(fields[k], v) for k, v in data.items() if k in fields})
    return result


def details_of(text: str) -> ReplacementNoticeDetails | None:
    """The details stored with a notice by :func:`notice_json`, or None (another kind)."""
    data = json.loads(text)
    if _KEY not in data:
        return None
    return _details(data[_CLASS_KEY], data[_KEY])

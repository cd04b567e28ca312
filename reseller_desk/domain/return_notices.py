"""What the two letters about lent units say, as plain frozen data (terms-rules.md §8, SH §13.4–5):
the 機器返却のお願い issued when a contract ends (the units with their serials and accessories,
the deadline, the place, what a late return costs) and its reminder (返却督促: how late, the
penalty so far).

A :class:`ReturnNoticeDocument` has the parts every letter prints (number, date, the office, the
customer: ``domain.notices.Issuer`` / ``Addressee``) and :class:`ReturnNoticeDetails`;
``reports.return_notices`` prints it. It is stored as JSON beside its PDF when issued and never
rewritten (``to_json`` / ``from_json``; a field added later takes its default).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from reseller_desk.domain import notice_json
from reseller_desk.domain.notice_json import known as _known
from reseller_desk.domain.notice_json import optional_date as _date
from reseller_desk.domain.notices import Addressee, Issuer, NoticeKind

__all__ = ["RETURN_NOTICE_KINDS", "ReturnNoticeDetails", "ReturnNoticeDocument", "ReturnedUnitLine", "from_json",
           "late_cost_text", "to_json"]

RETURN_NOTICE_KINDS = frozenset({NoticeKind.RETURN_REQUEST, NoticeKind.RETURN_REMINDER})
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ReturnedUnitLine:
    """A unit to come back: its model, serial and the accessories to send with it."""

    model_name: str
    serial: str
    accessories: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnNoticeDetails:
    customer_code: str
    contract_ended_on: dt.date
    deadline: dt.date
    place: str                     # the office's name and address (設定 → 会社情報)
    units: tuple[ReturnedUnitLine, ...]
    monthly_charges: int           # the penalty's base: the contract's monthly charges at its end
    multiplier: int                # SH §13.5: 2 (a profile field)
    clause: str                    # as a customer reads it: 第13条第4項・第5項
    late_clause: str = ""          # 第13条第5項
    # the reminder (返却督促) only
    as_of: dt.date | None = None   # the day the lateness is counted to
    days_late: int = 0
    months_late: int = 0
    penalty_so_far: int = 0
    reminder_count: int = 0        # this is the n-th reminder


@dataclass(frozen=True)
class ReturnNoticeDocument:
    kind: NoticeKind
    number: str
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    service_name: str
    details: ReturnNoticeDetails
    application_number: str = ""               # the letter layout's fields; a return has none
    application_received_on: dt.date | None = None


def late_cost_text(monthly_charges: int, multiplier: int, late_clause: str) -> str:
    """What a late return costs, in the words of SH §13.5, with the amounts of this contract."""
    cited = f"（{late_clause}）" if late_clause else ""
    return (f"返却期限の翌日から返却完了日まで、1カ月あたりの料金等（{monthly_charges:,}円）の{multiplier}倍"
            f"（{monthly_charges * multiplier:,}円）を1カ月ごとに遅延損害金として申し受けます。"
            f"1カ月未満は1カ月とします{cited}。")


def to_json(document: ReturnNoticeDocument) -> str:
    return notice_json.dump(document, SCHEMA_VERSION)


def from_json(text: str) -> ReturnNoticeDocument:
    """The document as stored; a key this version does not know is left aside."""
    data = json.loads(text)
    d = data["details"]
    units = tuple(ReturnedUnitLine(u["model_name"], u["serial"], tuple(u.get("accessories") or ()))
                  for u in d.get("units") or ())
    details = ReturnNoticeDetails(**{**_known(ReturnNoticeDetails, d), "units": units,
                                     "contract_ended_on": _date(d["contract_ended_on"]),
                                     "deadline": _date(d["deadline"]), "as_of": _date(d.get("as_of"))})
    return ReturnNoticeDocument(**{**_known(ReturnNoticeDocument, data), "kind": NoticeKind(data["kind"]),
                                   "issued_on": _date(data["issued_on"]),
                                   "issuer": Issuer(**_known(Issuer, data["issuer"])),
                                   "addressee": Addressee(**_known(Addressee, data["addressee"])),
                                   "details": details,
                                   "application_received_on": _date(data.get("application_received_on"))})

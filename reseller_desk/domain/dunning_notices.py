"""What the two dunning letters say, as plain frozen data (issue 12, 督促; terms-rules.md §6–7):
the 督促状 (the overdue invoices, what each still owes, the total, where to pay) and the 催告書
(the same, with the day to pay by and the day the service is suspended if it is not paid,
citing the clause: SC §24.1(8), SH §23.1(1); SH §23.2 asks for the start date beforehand).

A :class:`DunningNoticeDocument` has the parts every letter prints (number, date, the office,
the customer: ``domain.notices.Issuer`` / ``Addressee``) and :class:`DunningNoticeDetails`;
``reports.dunning_notices`` prints it. It is stored as JSON beside its PDF when issued and never
rewritten (``to_json`` / ``from_json``; a field added later takes its default).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from reseller_desk.domain import notice_json
from reseller_desk.domain.invoice_document import TransferAccount
from reseller_desk.domain.notice_json import known as _known
from reseller_desk.domain.notice_json import optional_date as _date
from reseller_desk.domain.notices import Addressee, Issuer, NoticeKind, printed_clause
from reseller_desk.domain.payments import DunningAction
from reseller_desk.domain.terms import InterestLastDay, LateInterestTerms

__all__ = ["DUNNING_NOTICE_KINDS", "DunningInvoiceLine", "DunningNoticeDetails", "DunningNoticeDocument",
           "from_json", "kind_of_action", "late_interest_text", "to_json"]

DUNNING_NOTICE_KINDS = frozenset({NoticeKind.DUNNING_LETTER, NoticeKind.FINAL_DEMAND})
SCHEMA_VERSION = 1


def kind_of_action(action: DunningAction) -> NoticeKind | None:
    """The notice a stage issues: 督促状 or 催告書; a suspension stage issues none (the contract
    lifecycle issues the SH §23.2 利用停止予告通知書)."""
    return {DunningAction.LETTER: NoticeKind.DUNNING_LETTER,
            DunningAction.FINAL_DEMAND: NoticeKind.FINAL_DEMAND}.get(DunningAction(action))


def late_interest_text(terms: LateInterestTerms | None) -> str:
    """遅延損害金 as the letter states it, in the words of the profile's clause (SC §14, SH §30)."""
    if terms is None:
        return ""
    rate = f"{terms.annual_rate * 100:.2f}".rstrip("0").rstrip(".")
    last = "お支払いの前日" if terms.last_day is InterestLastDay.DAY_BEFORE_PAYMENT else "お支払いの日"
    return (f"お支払いが遅れた日数に応じ、支払期日の翌日から{last}まで年{rate}％の割合で計算した"
            f"遅延損害金を申し受けます（{printed_clause(terms.clause)}）。")


@dataclass(frozen=True)
class DunningInvoiceLine:
    """An overdue invoice the letter names: what it still owes on the day of the letter."""

    number: str
    billing_month: dt.date       # the 1st of the usage month
    due_date: dt.date
    owed: int


@dataclass(frozen=True)
class DunningNoticeDetails:
    customer_codes: tuple[str, ...]        # カスタマID of the invoices listed
    stage_name: str                        # the stage in 設定 (督促状, 催告書 …)
    invoices: tuple[DunningInvoiceLine, ...]
    accounts: tuple[TransferAccount, ...]  # the office's 振込先 (設定 → 振込先口座)
    # the 催告書 only
    pay_by: dt.date | None = None
    suspension_on: dt.date | None = None
    clause: str = ""                       # as a customer reads it: 第24条第1項第8号
    notice_clause: str = ""                # the clause that asks for notice beforehand (第23条第2項)
    late_interest_note: str = ""           # 遅延損害金 (SC §14, SH §30), as the profile words it

    @property
    def total(self) -> int:
        return sum(line.owed for line in self.invoices)

    @property
    def oldest_due(self) -> dt.date | None:
        return min((line.due_date for line in self.invoices), default=None)


@dataclass(frozen=True)
class DunningNoticeDocument:
    kind: NoticeKind
    number: str
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    service_name: str
    details: DunningNoticeDetails
    application_number: str = ""               # the letter layout's fields; a dunning letter has none
    application_received_on: dt.date | None = None


def to_json(document: DunningNoticeDocument) -> str:
    return notice_json.dump(document, SCHEMA_VERSION)


def from_json(text: str) -> DunningNoticeDocument:
    """The document as stored; a key this version does not know is left aside."""
    data = json.loads(text)
    d = data["details"]
    invoices = tuple(DunningInvoiceLine(i["number"], _date(i["billing_month"]), _date(i["due_date"]),  # type: ignore[arg-type]
                                        int(i["owed"])) for i in d.get("invoices") or ())
    accounts = tuple(TransferAccount(**_known(TransferAccount, a)) for a in d.get("accounts") or ())
    details = DunningNoticeDetails(**{**_known(DunningNoticeDetails, d), "invoices": invoices, "accounts": accounts,
                                      "customer_codes": tuple(d.get("customer_codes") or ()),
                                      "pay_by": _date(d.get("pay_by")),
                                      "suspension_on": _date(d.get("suspension_on"))})
    return DunningNoticeDocument(**{**_known(DunningNoticeDocument, data), "kind": NoticeKind(data["kind"]),
                                    "issued_on": _date(data["issued_on"]),
                                    "issuer": Issuer(**_known(Issuer, data["issuer"])),
                                    "addressee": Addressee(**_known(Addressee, data["addressee"])),
                                    "details": details,
                                    "application_received_on": _date(data.get("application_received_on"))})

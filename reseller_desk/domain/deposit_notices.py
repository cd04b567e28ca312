"""What the 利用保証金預託のお願い says, as plain frozen data (SC §9.10–13, terms-rules.md §6):
the contract and what its monthly charges came to, the deposit asked for and by when, that it
bears no interest and is applied to unpaid charges, what happens when it is not paid, and the
office's bank accounts to pay it into.

A :class:`DepositNoticeDocument` has the parts every letter prints (number, date, the office, the
customer: ``domain.notices.Issuer`` / ``Addressee``) and :class:`DepositNoticeDetails`;
``reports.deposit_notices`` prints it. It is stored as JSON beside its PDF when issued and never
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
from reseller_desk.domain.notices import Addressee, Issuer, NoticeKind

__all__ = ["DepositNoticeDetails", "DepositNoticeDocument", "from_json", "to_json", "unpaid_text"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class DepositNoticeDetails:
    customer_code: str
    amount: int                    # the deposit asked for, yen (不課税: no tax is added)
    deadline: dt.date              # 弊社指定期日 (SC §9.12)
    monthly_charges: int           # what the contract's month came to, before tax (SC §9.10)
    billing_month: dt.date | None  # the month those charges are of (None: expected, not billed yet)
    threshold: int                 # the terms' line: more than this per ID (30,000 yen)
    clause: str                    # the deposit's clause as a customer reads it: 第9条第10項
    unpaid_clause: str = ""        # what allows suspending when unpaid: 第9条第12項 ("" none)
    accounts: tuple[TransferAccount, ...] = ()
    note: str = ""                 # the manager's words to the customer, if any


@dataclass(frozen=True)
class DepositNoticeDocument:
    kind: NoticeKind
    number: str
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    service_name: str
    details: DepositNoticeDetails
    application_number: str = ""               # the letter layout's fields; a deposit has none
    application_received_on: dt.date | None = None


def unpaid_text(deadline_text: str, unpaid_clause: str) -> str:
    """What follows when the deposit is not paid by the deadline (SC §9.12–13)."""
    cited = f"（{unpaid_clause}）" if unpaid_clause else ""
    return (f"{deadline_text}までにお預けいただけない場合は、事前のご通知なくサービスのご利用を中断させて"
            f"いただくことがあります{cited}。中断した場合は、お預けいただくまで再開いたしません。")


def to_json(document: DepositNoticeDocument) -> str:
    return notice_json.dump(document, SCHEMA_VERSION)


def from_json(text: str) -> DepositNoticeDocument:
    """The document as stored; a key this version does not know is left aside."""
    data = json.loads(text)
    d = data["details"]
    accounts = tuple(TransferAccount(**_known(TransferAccount, a)) for a in d.get("accounts") or ())
    details = DepositNoticeDetails(**{**_known(DepositNoticeDetails, d), "accounts": accounts,
                                      "deadline": _date(d["deadline"]),
                                      "billing_month": _date(d.get("billing_month"))})
    return DepositNoticeDocument(**{**_known(DepositNoticeDocument, data), "kind": NoticeKind(data["kind"]),
                                    "issued_on": _date(data["issued_on"]),
                                    "issuer": Issuer(**_known(Issuer, data["issuer"])),
                                    "addressee": Addressee(**_known(Addressee, data["addressee"])),
                                    "details": details,
                                    "application_received_on": _date(data.get("application_received_on"))})

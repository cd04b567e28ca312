"""What a 口座振替不能のお知らせ says, as plain frozen data (issue 12): the invoices whose direct
debit on a collection day failed, each with the amount and the bank's reason (振替結果コード,
formats.md §1.5), the new due date by transfer (rules.failed_debit_due_date) and the office's
accounts to pay into.

Stored as JSON beside its PDF when issued and never rewritten (``to_json`` / ``from_json``; a
field added later takes its default); ``reports.debit_notices`` prints it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from reseller_desk.domain import notice_json
from reseller_desk.domain.invoice_document import TransferAccount
from reseller_desk.domain.notice_json import known as _known
from reseller_desk.domain.notices import Addressee, Issuer, NoticeKind

__all__ = ["DebitFailedDetails", "DebitFailedDocument", "FailedDebitLine", "from_json", "to_json"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class FailedDebitLine:
    invoice_number: str
    billing_month: dt.date
    amount: int
    reason: str                   # the bank's, in Japanese (資金不足 …)


@dataclass(frozen=True)
class DebitFailedDetails:
    collection_date: dt.date
    lines: tuple[FailedDebitLine, ...]
    transfer_due: dt.date
    accounts: tuple[TransferAccount, ...]
    customer_codes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True)
class DebitFailedDocument:
    kind: NoticeKind
    number: str
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    service_name: str
    details: DebitFailedDetails
    application_number: str = ""               # the letter layout's fields; a debit has none
    application_received_on: dt.date | None = None


def to_json(document: DebitFailedDocument) -> str:
    return notice_json.dump(document, SCHEMA_VERSION)


def from_json(text: str) -> DebitFailedDocument:
    """The document as stored; a key this version does not know is left aside."""
    data = json.loads(text)
    d = data["details"]
    lines = tuple(FailedDebitLine(**{**_known(FailedDebitLine, line),
                                     "billing_month": dt.date.fromisoformat(line["billing_month"])})
                  for line in d.get("lines") or ())
    accounts = tuple(TransferAccount(**_known(TransferAccount, a)) for a in d.get("accounts") or ())
    details = DebitFailedDetails(collection_date=dt.date.fromisoformat(d["collection_date"]), lines=lines,
                                 transfer_due=dt.date.fromisoformat(d["transfer_due"]), accounts=accounts,
                                 customer_codes=tuple(d.get("customer_codes") or ()))
    received = data.get("application_received_on")
    return DebitFailedDocument(**{**_known(DebitFailedDocument, data), "kind": NoticeKind(data["kind"]),
                                  "issued_on": dt.date.fromisoformat(data["issued_on"]),
                                  "issuer": Issuer(**_known(Issuer, data["issuer"])),
                                  "addressee": Addressee(**_known(Addressee, data["addressee"])),
                                  "details": details,
                                  "application_received_on": dt.date.fromisoformat(received) if received else None})

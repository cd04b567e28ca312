"""An issued invoice as frozen content (pretix: issued documents are never edited).

Issuing copies onto the invoice everything it says: the customer's name and address, the
issuer's name, address and registration number (T + 13 digits), the dates, how to pay and every
line. The PDF is drawn from this content alone; the list, the CSV and the hash chain read it.

Tamper evidence (電子帳簿保存法): each invoice stores ``content_hash`` = SHA-256 of the previous
invoice's hash and this invoice's canonical JSON, so that changing any stored invoice breaks the
chain from there on (:func:`chain_hash`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any

from reseller_desk.domain.billing import BillLine, LineKind, Totals
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod

__all__ = ["DebitInfo", "DocumentParty", "GENESIS_HASH", "InvoiceDocument", "InvoiceKind", "TransferAccount",
           "chain_hash", "mask_account_number"]

#: The "previous hash" of the first invoice of a database.
GENESIS_HASH = "0" * 64


class InvoiceKind(StrEnum):
    INVOICE = "invoice"   # 請求書（適格請求書）
    CREDIT = "credit"     # 返還請求書（適格返還請求書）: returns an issued invoice

    @property
    def label(self) -> str:
        return {"invoice": "請求", "credit": "返還"}[self.value]


@dataclass(frozen=True)
class DocumentParty:
    """The customer or the issuer as printed."""

    name: str
    postal_code: str = ""
    address: str = ""
    is_corporate: bool = True       # 御中 / 様 (customers)
    phone: str = ""
    registration_number: str = ""   # the issuer's 登録番号 (T + 13 digits)
    code: str = ""                  # the customer's number in this office (顧客番号), if any


@dataclass(frozen=True)
class TransferAccount:
    bank_name: str
    branch_name: str
    account_type: str
    account_number: str
    holder_kana: str


@dataclass(frozen=True)
class DebitInfo:
    """The account debited, as printed: the number masked (only the last three digits)."""

    bank_name: str
    branch_name: str
    account_type: str
    account_number_masked: str
    holder_kana: str


def mask_account_number(number: str) -> str:
    digits = number.strip()
    return "*" * max(len(digits) - 3, 0) + digits[-3:]


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    kind: InvoiceKind
    billing_month: dt.date               # first day of the usage month
    issue_date: dt.date
    due_date: dt.date | None             # None on a credit invoice
    payment_method: PaymentMethod
    customer: DocumentParty
    issuer: DocumentParty
    service_name: str                    # the terms profile's service (e.g. SimpleConnect クラウドサービス)
    lines: tuple[BillLine, ...]
    totals: Totals
    carried_forward: int = 0
    debit: DebitInfo | None = None
    transfer_accounts: tuple[TransferAccount, ...] = ()
    notes: tuple[str, ...] = ()          # e.g. SC §9.14 領収書は発行いたしません
    corrects_number: str = ""            # a credit or replacement invoice: the invoice it corrects
    corrects_issue_date: dt.date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def customer_codes(self) -> tuple[str, ...]:
        """The contracts' カスタマID on this invoice, in order of first appearance."""
        return tuple(dict.fromkeys(line.customer_code for line in self.lines if line.customer_code))

    # -- canonical JSON ------------------------------------------------------------------

    def to_json(self) -> str:
        """Canonical: sorted keys, no spaces, ISO dates, non-ASCII kept (the hash reads it)."""
        return json.dumps(self, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                          default=_json_default)

    @classmethod
    def from_json(cls, text: str) -> InvoiceDocument:
        d = json.loads(text)
        return cls(
            number=d["number"], kind=InvoiceKind(d["kind"]), billing_month=_day(d["billing_month"]),
            issue_date=_day(d["issue_date"]), due_date=_day_or_none(d["due_date"]),
            payment_method=PaymentMethod(d["payment_method"]), customer=DocumentParty(**d["customer"]),
            issuer=DocumentParty(**d["issuer"]), service_name=d["service_name"],
            lines=tuple(_line(x) for x in d["lines"]), totals=Totals(**d["totals"]),
            carried_forward=d["carried_forward"],
            debit=DebitInfo(**d["debit"]) if d["debit"] else None,
            transfer_accounts=tuple(TransferAccount(**a) for a in d["transfer_accounts"]),
            notes=tuple(d["notes"]), corrects_number=d["corrects_number"],
            corrects_issue_date=_day_or_none(d["corrects_issue_date"]), extra=d["extra"])


def _json_default(value: object) -> object:
    """What the canonical JSON writes for what ``json`` does not know: a date as ISO text, and a
    dataclass as its fields (as ``dataclasses.asdict`` would give them: the same JSON, built by
    the C encoder without asdict's deep copies; a month's run freezes 100,000 documents)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    raise TypeError(f"not JSON: {value!r}")


#: The field names of each dataclass written so far.
_FIELDS: dict[type, tuple[str, ...]] = {}


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _day_or_none(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _line(d: dict[str, Any]) -> BillLine:
    return BillLine(kind=LineKind(d["kind"]), description=d["description"], quantity=d["quantity"],
                    unit_amount=d["unit_amount"], amount=d["amount"], tax_category=TaxCategory(d["tax_category"]),
                    customer_code=d["customer_code"], contract_id=d["contract_id"],
                    period_from=_day_or_none(d["period_from"]), period_to=_day_or_none(d["period_to"]),
                    source=d["source"], source_id=d["source_id"])


def chain_hash(previous_hash: str, document_json: str) -> str:
    """SHA-256 (hex) of the previous invoice's hash, a newline and this invoice's canonical JSON."""
    return hashlib.sha256(f"{previous_hash}\n{document_json}".encode()).hexdigest()

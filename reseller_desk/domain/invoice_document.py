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

import orjson

from reseller_desk.domain.billing import BillLine, LineKind, Totals
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod

__all__ = ["DebitInfo", "DocumentParty", "GENESIS_HASH", "InvoiceDocument", "InvoiceKind", "TransferAccount",
           "canonical_json", "chain_hash", "mask_account_number"]

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

    def numbered(self, number: str) -> InvoiceDocument:
        """This document with its number (issuing gives it): ``dataclasses.replace`` without
        running every field through ``__init__`` again (100,000 documents a run)."""
        numbered = object.__new__(InvoiceDocument)
        numbered.__dict__.update(self.__dict__, number=number)
        return numbered

    # -- canonical JSON ------------------------------------------------------------------

    def to_json(self) -> str:
        """Canonical: sorted keys, no spaces, ISO dates, non-ASCII kept (the hash reads it).
        The text is that of ``dataclasses.asdict`` with dates as ISO text, as the standard
        library writes it (``tests/domain/test_billing.py`` compares them)."""
        return canonical_json(_plain_document(self))

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
    dataclass as its fields (as ``dataclasses.asdict`` would give them, without its deep copies)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    names = _FIELDS.get(type(value))
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: getattr(value, name) for name in names}
    raise TypeError(f"not JSON: {value!r}")


def canonical_json(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))``, the
    same text (keys sorted by code point, as UTF-8 orders them; the same escapes), written by
    orjson: a month's run freezes 100,000 documents. Dates and dataclasses go through
    :func:`_json_default`, as they would through ``json``."""
    return orjson.dumps(value, default=_json_default, option=_ORJSON).decode()


_ORJSON = (orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
           | orjson.OPT_PASSTHROUGH_DATETIME)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _plain_party(p: DocumentParty) -> dict[str, Any]:
    return {"name": p.name, "postal_code": p.postal_code, "address": p.address, "is_corporate": p.is_corporate,
            "phone": p.phone, "registration_number": p.registration_number, "code": p.code}


def _plain_line(x: BillLine) -> dict[str, Any]:
    return {"kind": x.kind, "description": x.description, "quantity": x.quantity, "unit_amount": x.unit_amount,
            "amount": x.amount, "tax_category": x.tax_category, "customer_code": x.customer_code,
            "contract_id": x.contract_id,
            "period_from": None if x.period_from is None else x.period_from.isoformat(),
            "period_to": None if x.period_to is None else x.period_to.isoformat(),
            "source": x.source, "source_id": x.source_id}


def _plain_document(d: InvoiceDocument) -> dict[str, Any]:
    """The document as ``dataclasses.asdict`` gives it, dates as ISO text, field by field."""
    t, debit = d.totals, d.debit
    return {
        "number": d.number, "kind": d.kind, "billing_month": d.billing_month.isoformat(),
        "issue_date": d.issue_date.isoformat(), "due_date": _iso(d.due_date), "payment_method": d.payment_method,
        "customer": _plain_party(d.customer), "issuer": _plain_party(d.issuer), "service_name": d.service_name,
        "lines": [_plain_line(x) for x in d.lines],
        "totals": {"taxable_10": t.taxable_10, "tax_10": t.tax_10, "taxable_8": t.taxable_8, "tax_8": t.tax_8,
                   "exempt": t.exempt, "outside": t.outside},
        "carried_forward": d.carried_forward,
        "debit": None if debit is None else {
            "bank_name": debit.bank_name, "branch_name": debit.branch_name, "account_type": debit.account_type,
            "account_number_masked": debit.account_number_masked, "holder_kana": debit.holder_kana},
        "transfer_accounts": [{"bank_name": a.bank_name, "branch_name": a.branch_name, "account_type": a.account_type,
                               "account_number": a.account_number, "holder_kana": a.holder_kana}
                              for a in d.transfer_accounts],
        "notes": list(d.notes), "corrects_number": d.corrects_number,
        "corrects_issue_date": _iso(d.corrects_issue_date), "extra": d.extra,
    }


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

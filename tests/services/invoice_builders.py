"""Issued invoices for the tests of what reads them (the list, the PDFs, the chain), written
through the one writer (services.billing.issuing) without a billing run."""

from __future__ import annotations

import datetime as dt

from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import (
    DebitInfo,
    DocumentParty,
    InvoiceDocument,
    InvoiceKind,
    TransferAccount,
    mask_account_number,
)
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import customers, settings
from reseller_desk.services.billing.issuing import Draft, Issued, issue

from .builders import MIRAI

MONTH = dt.date(2026, 11, 1)
ISSUER = DocumentParty("株式会社みらいテレコム", "101-0047", "東京都千代田区内神田2丁目5番3号", phone="03-5289-7410",
                       registration_number="T8700110005901")
BANK = TransferAccount("みずほ銀行", "神田支店", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ")


def recurring(code: str, text: str, quantity: int, unit: int, *, month: dt.date = MONTH,
              tax: TaxCategory = TaxCategory.TAXABLE_10) -> BillLine:
    return BillLine(LineKind.RECURRING, text, quantity, unit, quantity * unit, tax, code, None, month,
                    billing.last_day(month))


def document(lines: list[BillLine] | None = None, *, profile_key: str = "simpleconnect",
             method: PaymentMethod = PaymentMethod.TRANSFER, customer: DocumentParty | None = None,
             month: dt.date = MONTH, kind: InvoiceKind = InvoiceKind.INVOICE) -> InvoiceDocument:
    """A document as the run would make it: settled lines, dates from the rules."""
    profile = load_profile(profile_key)
    lines = lines if lines is not None else [recurring("C0000001", "ベーシック 月額", 2, 2980)]
    settled = billing.settle(profile, month, lines)
    issue_date = billing.issue_date(profile, BusinessCalendar.company(), month, None)
    due = billing.due_date(profile, BusinessCalendar.bank(), month, method, 27)
    return InvoiceDocument(
        number="", kind=kind, billing_month=month, issue_date=issue_date,
        due_date=None if kind is InvoiceKind.CREDIT else due, payment_method=method,
        customer=customer or DocumentParty(MIRAI.name, MIRAI.postal_code, MIRAI.address, is_corporate=True),
        issuer=ISSUER, service_name=profile.name, lines=settled.lines, totals=settled.totals,
        carried_forward=settled.carried_forward,
        debit=DebitInfo("みずほ銀行", "渋谷支店", "普通", mask_account_number("7654321"), "ｶ)ﾐﾗｲｼｮｳｼﾞ")
        if method is PaymentMethod.DEBIT else None,
        transfer_accounts=(BANK,) if method is PaymentMethod.TRANSFER else (),
        notes=profile.billing.invoice_notes)


def a_customer(db, actor, draft=MIRAI) -> int:
    return customers.add_customer(db, actor, draft).id


def issue_documents(db, customer_id: int, documents: list[InvoiceDocument], *,
                    profile_key: str = "simpleconnect") -> list[Issued]:
    """Issue ``documents`` for one customer (no bill run, no audit: what the readers read)."""
    with db.transaction(write=True) as session:
        profile_id = settings.profile_record(session, profile_key).id
        return issue(session, [Draft(d, customer_id, profile_id) for d in documents], issued_by_id=None)

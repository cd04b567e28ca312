"""A small book of issued invoices for the tests of the 請求書 list (the service, the CLI and
the window): three customers, two months, both payment methods, a reduced-rate line, and a
credit invoice returning one of them. Written through the one writer (services.billing.issuing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from reseller_desk.domain.billing import reversed_lines
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import DocumentParty, InvoiceKind
from reseller_desk.services import settings
from reseller_desk.services.billing.issuing import Draft, Issued, issue

from .builders import MIRAI, YAMADA
from .invoice_builders import a_customer, document, recurring

NOVEMBER = dt.date(2026, 11, 1)
OCTOBER = dt.date(2026, 10, 1)
#: A name the CSV must quote (a comma and a double quote) and print literally.
QUOTED = CustomerDraft(kind=CustomerKind.CORPORATE, name='合同会社"A&B",東京', name_kana="ゴウドウガイシャエーアンドビー",
                       postal_code="100-0005", address="東京都千代田区丸の内1-1", phone="03-1111-2222")


def party(draft: CustomerDraft) -> DocumentParty:
    return DocumentParty(draft.name, draft.postal_code, draft.address, is_corporate=draft.kind == CustomerKind.CORPORATE)


@dataclass(frozen=True)
class Book:
    mirai: int          # customer ids
    yamada: int
    quoted: int
    mirai_oct: Issued   # ¥6,556 (C0000001: 2 × 2,980 + 10%), transfer
    mirai_nov: Issued   # ¥6,556, transfer
    yamada_nov: Issued  # ¥1,980 + ¥500 reduced → 2,178 + 540 = ¥2,718, debit (C0000002)
    quoted_nov: Issued  # ¥33,000 (C0000003 and C0000004), transfer
    credit: Issued      # returns mirai_oct: -¥6,556


def issue_for(db, customer_id: int, drafts_of: list, profile_key: str = "simpleconnect") -> list[Issued]:
    """Issue ``(document, corrects_invoice_id)`` pairs for one customer."""
    with db.transaction(write=True) as session:
        profile_id = settings.profile_record(session, profile_key).id
        return issue(session, [Draft(d, customer_id, profile_id, corrects_invoice_id=c) for d, c in drafts_of],
                     issued_by_id=None)


def credit_of(original: Issued):
    """The credit invoice (適格返還請求書) returning the whole of ``original``."""
    d = original.document
    return dataclasses.replace(d, number="", kind=InvoiceKind.CREDIT, lines=reversed_lines(d.lines),
                               totals=d.totals.negated(), due_date=None, corrects_number=d.number,
                               corrects_issue_date=d.issue_date, carried_forward=0)


def contracts_on_file(db, holders: dict[str, tuple[int, str]]) -> None:
    """The contracts behind the カスタマID on the invoices (code -> customer, profile), put
    straight into their table as the billing run would have found them."""
    from sqlalchemy import insert

    from reseller_desk.db.models import Contract

    with db.transaction(write=True) as session:
        rows = [dict(customer_code=code, customer_id=customer_id, row_version=1,
                     terms_profile_id=settings.profile_record(session, profile).id, formed_on=OCTOBER,
                     registered_on=OCTOBER, first_billable_month=OCTOBER, payment_method=PaymentMethod.TRANSFER)
                for code, (customer_id, profile) in holders.items()]
        session.execute(insert(Contract), rows)


def a_book(db, actor) -> Book:
    mirai, yamada, quoted = (a_customer(db, actor, draft) for draft in (MIRAI, YAMADA, QUOTED))
    contracts_on_file(db, {"C0000001": (mirai, "simpleconnect"), "C0000002": (yamada, "sokujitsu"),
                           "C0000003": (quoted, "simpleconnect"), "C0000004": (quoted, "simpleconnect")})
    [mirai_oct] = issue_for(db, mirai, [(document(month=OCTOBER, customer=party(MIRAI),
                                                  lines=[recurring("C0000001", "ベーシック 月額", 2, 2980,
                                                                   month=OCTOBER)]), None)])
    [mirai_nov] = issue_for(db, mirai, [(document(customer=party(MIRAI)), None)])
    [yamada_nov] = issue_for(db, yamada, [(document(
        [recurring("C0000002", "ライト 月額", 1, 1980), recurring("C0000002", "食品", 1, 500, tax=TaxCategory.REDUCED_8)],
        profile_key="sokujitsu", method=PaymentMethod.DEBIT, customer=party(YAMADA)), None)], "sokujitsu")
    [quoted_nov] = issue_for(db, quoted, [(document(
        [recurring("C0000003", "ベーシック 月額", 5, 2980), recurring("C0000004", "ベーシック 月額", 5, 3020)],
        customer=party(QUOTED)), None)])
    [credit] = issue_for(db, mirai, [(credit_of(mirai_oct), mirai_oct.invoice_id)])
    return Book(mirai, yamada, quoted, mirai_oct, mirai_nov, yamada_nov, quoted_nov, credit)

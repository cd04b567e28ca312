"""What the service tests of applications are built from: two applicants, their papers, the
input of an application to each service, and a checklist answered 問題なし throughout.

Every date is fixed (TODAY, RECEIVED): the tests pass ``today=`` to the services and never
depend on the real date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.intake import (
    ApplicationDraft,
    Channel,
    DocumentEntry,
    DocumentKind,
    IdentityKind,
    PaymentMethod,
)
from reseller_desk.services import applications as apps
from reseller_desk.services.applications import ApplicationDetail, ApplicationInput
from reseller_desk.services.permissions import Actor
from tests.versions import application_now

TODAY = dt.date(2026, 11, 20)
RECEIVED = dt.date(2026, 11, 16)

MIRAI = CustomerDraft(kind=CustomerKind.CORPORATE, name="株式会社みらい商事", name_kana="カブシキガイシャミライショウジ",
                      contact_title="総務部", contact_name="佐藤 花子", postal_code="150-0002",
                      address="東京都渋谷区渋谷2丁目1番1号", phone="03-3400-1234", email="info@mirai.example.co.jp",
                      corporate_number="8700110005901")
YAMADA = CustomerDraft(kind=CustomerKind.INDIVIDUAL, name="山田 太郎", name_kana="ヤマダ タロウ", postal_code="530-0001",
                       address="大阪府大阪市北区梅田1-1-1", phone="090-1111-2222")
SUZUKI = CustomerDraft(kind=CustomerKind.INDIVIDUAL, name="鈴木 花子", name_kana="スズキ ハナコ", postal_code="460-0008",
                       address="愛知県名古屋市中区栄1-1-1", phone="090-3333-4444")

PAPERS_CORPORATE = (DocumentEntry(DocumentKind.APPLICATION_FORM, RECEIVED),
                    DocumentEntry(DocumentKind.IDENTITY, RECEIVED, IdentityKind.DRIVERS_LICENSE, "1234"),
                    DocumentEntry(DocumentKind.REGISTRY, RECEIVED))
PAPERS_INDIVIDUAL = (DocumentEntry(DocumentKind.APPLICATION_FORM, RECEIVED),
                     DocumentEntry(DocumentKind.IDENTITY, RECEIVED, IdentityKind.DRIVERS_LICENSE, "5678"))
DEBIT = BankAccountDetails("0005", "", "021", "", "普通", "1234567", "ｶ)ﾐﾗｲｼｮｳｼﾞ")


def sc_input(office: dict[str, int], **changes: object) -> ApplicationInput:
    """A SimpleConnect application of 株式会社みらい商事 by post, 口座振替, with its papers."""
    draft = ApplicationDraft(channel=Channel.POST, received_on=RECEIVED, profile_key="simpleconnect",
                             plan_id=office["sc"], option_ids=(office["sc_rec"],), lines=2,
                             payment_method=PaymentMethod.DEBIT, debit_account=DEBIT, documents=PAPERS_CORPORATE)
    return ApplicationInput(dataclasses.replace(draft, **changes), applicant=MIRAI)


def sh_input(office: dict[str, int], applicant: CustomerDraft = YAMADA, **changes: object) -> ApplicationInput:
    """A 即日発番 application of an individual by post, 振込, with its papers."""
    draft = ApplicationDraft(channel=Channel.POST, received_on=RECEIVED, profile_key="sokujitsu", plan_id=office["sh"],
                             documents=PAPERS_INDIVIDUAL)
    return ApplicationInput(dataclasses.replace(draft, **changes), applicant=applicant)


def for_customer(inp: ApplicationInput, customer_id: int) -> ApplicationInput:
    """The same application made by an existing customer."""
    return dataclasses.replace(inp, customer_id=customer_id, applicant=None)


def screened_clear(db, actor: Actor, application_id: int) -> ApplicationDetail:
    """Screening started and every line answered 問題なし."""
    detail = apps.start_screening(db, actor, application_id, expected_version=application_now(db, application_id))
    for item in detail.checklist:
        if item.answer != "clear":
            detail = apps.answer_screening_item(db, actor, application_id, item.code, "clear", "確認済",
                                                expected_version=detail.row_version)
    return detail

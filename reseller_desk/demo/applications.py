"""The demo office's applications at every status, taken in and decided through the services."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from reseller_desk.db.database import Database
from reseller_desk.demo.people import demo_customer
from reseller_desk.domain.application import IdentityLetterResult, ScreeningAnswer
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
from reseller_desk.services import settings
from reseller_desk.services.permissions import Actor

if TYPE_CHECKING:
    from reseller_desk.services.applications import ApplicationDetail


def _papers(draft: CustomerDraft, received_on: dt.date, channel: Channel,
            rng: random.Random) -> tuple[DocumentEntry, ...]:
    kinds = [IdentityKind.DRIVERS_LICENSE, IdentityKind.PASSPORT, IdentityKind.HEALTH_INSURANCE,
             IdentityKind.MY_NUMBER_CARD]
    identity = rng.choice(kinds)
    papers = [DocumentEntry(DocumentKind.IDENTITY, received_on, identity,
                            "" if identity is IdentityKind.MY_NUMBER_CARD else f"{rng.randint(0, 9999):04d}")]
    if channel is not Channel.ONLINE:
        papers.insert(0, DocumentEntry(DocumentKind.APPLICATION_FORM, received_on))
    if draft.kind is CustomerKind.CORPORATE:
        papers.append(DocumentEntry(DocumentKind.REGISTRY, received_on))
    return tuple(papers)


def demo_applications(db: Database, manager: Actor, clerk: Actor, rng: random.Random, today: dt.date) -> int:
    """Applications at every status (受付, 書類待ち, 審査中, 承諾, 不承諾, 取下げ), taken in and
    decided through the services as the office would, so the audit log tells their story."""
    from reseller_desk.services import applications as apps

    plans = {p.details.code: p.id for p in settings.list_plans(db)}
    options = {o.details.code: o.id for o in settings.list_options(db)}

    def take_in(profile: str, plan: str, channel: Channel, days_ago: int, *, papers: bool = True,
                option_codes: tuple[str, ...] = (), payment: PaymentMethod = PaymentMethod.TRANSFER,
                lines: int = 1) -> ApplicationDetail:
        applicant = demo_customer(rng)
        received = today - dt.timedelta(days=days_ago)
        account = None
        if payment is PaymentMethod.DEBIT:
            account = BankAccountDetails("0009", "", "219", "", "普通", f"{rng.randint(1, 9_999_999):07d}",
                                         applicant.name_kana.replace(" ", "")[:30])
        draft = ApplicationDraft(channel=channel, received_on=received, profile_key=profile, plan_id=plans[plan],
                                 option_ids=tuple(options[c] for c in option_codes), lines=lines,
                                 payment_method=payment, debit_account=account,
                                 documents=_papers(applicant, received, channel, rng) if papers else ())
        return apps.create_application(db, clerk, apps.ApplicationInput(draft, applicant=applicant), today=today)

    # Each step passes the version the step before it returned, as a screen would.
    def screen(detail: ApplicationDetail) -> ApplicationDetail:
        return apps.start_screening(db, clerk, detail.id, expected_version=detail.row_version)

    def answer(detail: ApplicationDetail, code: str, value: ScreeningAnswer, note: str) -> ApplicationDetail:
        return apps.answer_screening_item(db, clerk, detail.id, code, value, note, expected_version=detail.row_version)

    def clear_all(detail: ApplicationDetail) -> ApplicationDetail:
        detail = screen(detail)
        for item in detail.checklist:
            if item.answer is not ScreeningAnswer.CLEAR:
                detail = answer(detail, item.code, ScreeningAnswer.CLEAR, "書類・ヒアリングで確認")
        return detail

    def letter(detail: ApplicationDetail, step: IdentityLetterResult, days_ago: int) -> ApplicationDetail:
        return apps.record_identity_letter(db, clerk, detail.id, step, expected_version=detail.row_version,
                                           on=today - dt.timedelta(days=days_ago), today=today)

    count = 0
    # 承諾: SC by post with 口座振替, and SH with the identity letter confirmed and a 開通日.
    approved = clear_all(take_in("simpleconnect", "SC-STANDARD", Channel.POST, 20, option_codes=("SC-REC", "SC-IVR"),
                                 payment=PaymentMethod.DEBIT, lines=3))
    apps.approve_application(db, manager, approved.id, expected_version=approved.row_version,
                             decided_on=today - dt.timedelta(days=15), today=today)
    sh_approved = take_in("sokujitsu", "SH-BUSINESS", Channel.FAX, 18, option_codes=("SH-NUM",), lines=2)
    sh_approved = clear_all(letter(letter(sh_approved, IdentityLetterResult.SENT, 16), IdentityLetterResult.CONFIRMED,
                                   13))
    apps.approve_application(db, manager, sh_approved.id, expected_version=sh_approved.row_version,
                             decided_on=today - dt.timedelta(days=10), opened_on=today - dt.timedelta(days=7),
                             today=today)
    # 不承諾: a line 該当 with the internal note that never reaches the applicant.
    refused = answer(screen(take_in("sokujitsu", "SH-LIGHT", Channel.POST, 14)), "1", ScreeningAnswer.HIT,
                     "他社での料金滞納を本人が申告")
    apps.refuse_application(db, manager, refused.id, "料金滞納の申告あり（SH §14.2(1)）。",
                            expected_version=refused.row_version, today=today, decided_on=today - dt.timedelta(days=9))
    # 取下げ: withdrawn by the applicant before the decision (SC).
    withdrawn = take_in("simpleconnect", "SC-BASIC", Channel.ONLINE, 12)
    apps.withdraw_application(db, clerk, withdrawn.id, expected_version=withdrawn.row_version,
                              on=today - dt.timedelta(days=11), today=today)
    # 審査中: screening started, some lines still to answer; an SH one waiting for its letter.
    screen(take_in("simpleconnect", "SC-BASIC", Channel.ONLINE, 6, option_codes=("SC-NUM",)))
    screen(letter(take_in("sokujitsu", "SH-LIGHT", Channel.POST, 5), IdentityLetterResult.SENT, 4))
    # 書類待ち and 受付.
    take_in("sokujitsu", "SH-LIGHT", Channel.FAX, 3, papers=False)
    take_in("simpleconnect", "SC-STANDARD", Channel.POST, 1, payment=PaymentMethod.DEBIT)
    take_in("simpleconnect", "SC-F2F", Channel.COUNTER, 0)
    count = 9
    return count

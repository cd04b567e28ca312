"""Issuing notices: the content is frozen when issued (the company's and the customer's names
and addresses copied onto it, as pretix does with invoices) and stored as JSON with a unique
document number, beside the PDF rendered at that moment, in the same transaction. Neither is
ever edited: printing again returns the stored bytes, the legal copy of what the customer
received, whatever later versions change in the layout or the wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, CompanySettings, Contract, Notice, Plan, PlanOption
from reseller_desk.domain import application, intake
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.notices import (
    Addressee,
    ApprovalDetails,
    Issuer,
    NoticeDocument,
    NoticeKind,
    OptionLine,
    binding_minimum_term,
    from_json,
    initial_fee_total,
    monthly_charges,
    printed_clause,
    to_json,
)
from reseller_desk.domain.terms import ScreeningCheck, TermsProfile
from reseller_desk.services import audit, numbering
from reseller_desk.services.contracts import history
from reseller_desk.services.errors import NotFound, ServiceError
from reseller_desk.services.permissions import Actor
from reseller_desk.services.prices import named_prices_in


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    number: str
    kind: str
    title: str
    issued_on: dt.date


def notices_of(session: Session, application_id: int) -> list[NoticeInfo]:
    rows = session.scalars(select(Notice).where(Notice.application_id == application_id).order_by(Notice.id))
    return [NoticeInfo(n.id, n.number, n.kind, NoticeKind(n.kind).label, n.issued_on) for n in rows]


def current_issuer(session: Session) -> Issuer:
    """The office as it stands now in 設定; refuses to issue without a name and address."""
    company = session.get(CompanySettings, 1)
    if company is None or not company.name or not company.address:
        raise ServiceError("通知書に印刷する会社情報（会社名・住所）が未設定です。設定 > 会社情報 で登録してください。")
    return Issuer(company.name, company.postal_code, company.address, company.phone, company.registration_number,
                  company.fax, company.email, company.representative)


def addressee_of(customer: CustomerDraft) -> Addressee:
    corporate = customer.kind == CustomerKind.CORPORATE.value
    return Addressee(customer.name, customer.postal_code, customer.address,
                     customer.contact_name if corporate else "", corporate,
                     customer.contact_title if corporate and customer.contact_name else "")


def _payment_text(obj: Application | Contract) -> str:
    if obj.payment_method == PaymentMethod.DEBIT:
        return f"口座振替（{intake.masked_account(obj.debit_account())}）"
    return "銀行振込（請求書記載の口座へお振込みください。振込手数料はお客様のご負担です）"


def render_pdf(document: NoticeDocument) -> bytes:
    """The PDF of ``document``; a notice that cannot be laid out is refused in Japanese, so
    that issuing it rolls back rather than storing a notice that can never be printed."""
    # ReportLab loads on the first notice, not when the window starts
    from reseller_desk.reports.notices import UnprintableNotice, render_notice

    try:
        return render_notice(document)
    except UnprintableNotice as error:
        raise ServiceError(f"通知書 {document.number} を印刷できる形にできません（{error}）。"
                           "会社名・住所・宛名の長さを確認してください。") from error


def store_contract_notice(session: Session, actor: Actor, kind: NoticeKind, contract: Contract, number: str,
                          issued_on: dt.date, document_json: str, pdf: bytes) -> Notice:
    """A notice of a contract as issued (its JSON and the PDF bytes the customer gets), with its
    ``notice.issue`` audit record: the one writer for the equipment's and money-in notices."""
    row = Notice(number=number, kind=kind.value, application_id=contract.application_id,
                 contract_id=contract.id, customer_id=contract.customer_id, issued_on=issued_on,
                 issued_by_id=actor.user_id, document_json=document_json, pdf=pdf)
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{kind.label} {row.number}（{contract.customer_code}）", customer_id=contract.customer_id,
                 application_id=contract.application_id)
    return row


def store_customer_notice(session: Session, actor: Actor, kind: NoticeKind, customer_id: int, customer_name: str,
                          number: str, issued_on: dt.date, document_json: str, pdf: bytes) -> Notice:
    """A notice to a customer about their account (督促状, 催告書, 口座振替不能のお知らせ) as issued,
    with its ``notice.issue`` audit record."""
    row = Notice(number=number, kind=kind.value, customer_id=customer_id, issued_on=issued_on,
                 issued_by_id=actor.user_id, document_json=document_json, pdf=pdf)
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{kind.label} {row.number}（{customer_name}）", customer_id=customer_id)
    return row


def _store(session: Session, actor: Actor, document: NoticeDocument, app: Application,
           contract: Contract | None) -> Notice:
    """The notice as issued: its content and the PDF the customer receives, in the caller's
    transaction (a rendering failure leaves nothing issued)."""
    row = Notice(number=document.number, kind=document.kind.value, application_id=app.id,
                 contract_id=contract.id if contract else None, customer_id=app.customer_id,
                 issued_on=document.issued_on, issued_by_id=actor.user_id, document_json=to_json(document),
                 pdf=render_pdf(document))
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{document.kind.label} {row.number}", customer_id=app.customer_id, application_id=app.id)
    return row


def _base(session: Session, kind: NoticeKind, app: Application, profile: TermsProfile, issuer: Issuer,
          issued_on: dt.date, applicant: CustomerDraft) -> dict[str, Any]:
    return dict(kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year),
                issued_on=issued_on, issuer=issuer, addressee=addressee_of(applicant),
                application_number=app.number, application_received_on=app.received_on, service_name=profile.name)


def issue_approval(session: Session, actor: Actor, app: Application, contract: Contract, profile: TermsProfile,
                   issuer: Issuer, issued_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    composition = history.composition_of(session, contract.id, contract.formed_on)
    plan = session.get(Plan, composition.plan_id) if composition else None
    if composition is None or plan is None:
        raise NotFound(f"契約 {contract.customer_code} のプランが見つかりません。")
    lines = composition.lines
    option_ids = [option_id for option_id, _ in composition.options]
    options = list(session.scalars(select(PlanOption).where(PlanOption.id.in_(option_ids)).order_by(PlanOption.code)))
    support = f"{profile.support.hours}（{printed_clause(profile.support.clause)}）" if profile.support else ""
    # The prices in force in the first month billed (a price change in 設定 takes effect from a month).
    plan_prices, option_prices = named_prices_in(session, contract.first_billable_month or contract.formed_on,
                                                 [plan.id], option_ids)
    price, option_price = plan_prices[plan.id], [option_prices[o.id] for o in options]
    charges = monthly_charges(price.monthly_fee, lines, (o.monthly_fee for o in option_price))
    details = ApprovalDetails(
        customer_code=contract.customer_code, service_name=profile.name, provider_name=profile.provider,
        plan_name=plan.name, plan_monthly_fee=price.monthly_fee,
        initial_fee=initial_fee_total(price.initial_fee, lines, (o.initial_fee for o in option_price)),
        options=tuple(OptionLine(o.name, o.monthly_fee) for o in option_price), lines=lines,
        contract_formed_on=contract.formed_on,
        registration_date_label=printed_clause(application.formation_label(profile)),
        first_billable_month=contract.first_billable_month,
        first_billable_note=printed_clause(application.first_billable_note(profile)),
        payment_method=_payment_text(contract), support_hours=support,
        minimum_term_months=binding_minimum_term(plan.minimum_term_months),
        early_termination_fee=plan.early_termination_fee,
        plan_monthly_subtotal=charges.plan_subtotal, monthly_total=charges.total,
    )
    document = NoticeDocument(**_base(session, NoticeKind.APPROVAL, app, profile, issuer, issued_on, applicant),
                              approval=details)
    return _store(session, actor, document, app, contract)


def issue_refusal(session: Session, actor: Actor, app: Application, profile: TermsProfile, issuer: Issuer,
                  issued_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    """No reason, ever: the document has no field that could carry one (SH §14.2)."""
    document = NoticeDocument(**_base(session, NoticeKind.REFUSAL, app, profile, issuer, issued_on, applicant))
    return _store(session, actor, document, app, None)


def issue_revocation(session: Session, actor: Actor, app: Application, contract: Contract, profile: TermsProfile,
                     issuer: Issuer, revoked_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    # the clause as the customer finds it in the terms; the ground's text is staff wording
    ground = next((g for g in profile.screening.grounds if ScreeningCheck.POSTAL_IDENTITY in g.checks), None)
    clause = f"{profile.name} 利用規約" + (f" {printed_clause(ground.clause)}" if ground else "")
    document = NoticeDocument(**_base(session, NoticeKind.REVOCATION, app, profile, issuer, revoked_on, applicant),
                              revoked_contract_code=contract.customer_code, revoked_on=revoked_on,
                              revocation_clause=clause)
    return _store(session, actor, document, app, contract)


# -- stored notices ------------------------------------------------------------------------------
def _row(session: Session, notice_id: int) -> Notice:
    row = session.get(Notice, notice_id)
    if row is None:
        raise NotFound(f"通知書 {notice_id} は見つかりません。")
    return row


def notice_document(db: Database, notice_id: int) -> NoticeDocument:
    with db.transaction() as session:
        return from_json(_row(session, notice_id).document_json)


def notice_pdf(db: Database, notice_id: int) -> bytes:
    """The notice's PDF exactly as it was issued (the stored bytes). A notice stored without
    them (revision 0004 could not render it) is rendered from its stored content."""
    with db.transaction() as session:
        row = _row(session, notice_id)
        if row.pdf is not None:
            return bytes(row.pdf)
        document = from_json(row.document_json)
    return render_pdf(document)

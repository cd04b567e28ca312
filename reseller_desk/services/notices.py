"""Issuing notices: the content is frozen when issued (the company's and the customer's names
and addresses copied onto it, as pretix does with invoices), stored as JSON with a unique
document number, and never edited; the PDF is rendered from that stored content every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, CompanySettings, Contract, Notice, Plan, PlanOption, ContractOption
from reseller_desk.domain import application, intake
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.notices import (
    Addressee,
    ApprovalDetails,
    Issuer,
    NoticeDocument,
    NoticeKind,
    OptionLine,
    printed_clause,
)
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import audit, numbering
from reseller_desk.services.permissions import Actor
from reseller_desk.services.errors import NotFound, ServiceError


@dataclass(frozen=True)
class NoticeInfo:
    id: int
    number: str
    kind: str
    title: str
    issued_on: dt.date


def notices_of(session: Session, application_id: int) -> list[NoticeInfo]:
    rows = session.scalars(select(Notice).where(Notice.application_id == application_id).order_by(Notice.id))
    return [NoticeInfo(n.id, n.number, n.kind, NoticeKind(n.kind).title, n.issued_on) for n in rows]


def issuer(session: Session) -> Issuer:
    """The office as it stands now in 設定; refuses to issue without a name and address."""
    company = session.get(CompanySettings, 1)
    if company is None or not company.name or not company.address:
        raise ServiceError("通知書に印刷する会社情報（会社名・住所）が未設定です。設定 > 会社情報 で登録してください。")
    return Issuer(company.name, company.postal_code, company.address, company.phone, company.registration_number,
                  company.fax, company.email, company.representative)


def _addressee(customer: CustomerDraft) -> Addressee:
    corporate = customer.kind == CustomerKind.CORPORATE.value
    return Addressee(customer.name, customer.postal_code, customer.address,
                     customer.contact_name if corporate else "", corporate)


def _payment_text(obj: Application | Contract) -> str:
    if obj.payment_method == PaymentMethod.DEBIT:
        return f"口座振替（{intake.masked_account(obj.debit_account())}）"
    return "銀行振込（請求書記載の口座へお振込みください。振込手数料はお客様のご負担です）"


def _store(session: Session, actor: Actor, document: NoticeDocument, app: Application,
           contract: Contract | None) -> Notice:
    row = Notice(number=document.number, kind=document.kind.value, application_id=app.id,
                 contract_id=contract.id if contract else None, customer_id=app.customer_id,
                 issued_on=document.issued_on, issued_by_id=actor.user_id, document_json=to_json(document))
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{document.kind.title} {row.number}", customer_id=app.customer_id, application_id=app.id)
    return row


def _base(session: Session, kind: NoticeKind, app: Application, profile: TermsProfile, issuer_: Issuer,
          issued_on: dt.date, applicant: CustomerDraft) -> dict[str, Any]:
    return dict(kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year),
                issued_on=issued_on, issuer=issuer_, addressee=_addressee(applicant),
                application_number=app.number, application_received_on=app.received_on, service_name=profile.name)


def issue_approval(session: Session, actor: Actor, app: Application, contract: Contract, profile: TermsProfile,
                   issuer_: Issuer, issued_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    plan = session.get(Plan, contract.plan_id)
    option_ids = list(session.scalars(select(ContractOption.option_id).where(ContractOption.contract_id == contract.id)))
    options = list(session.scalars(select(PlanOption).where(PlanOption.id.in_(option_ids)).order_by(PlanOption.code)))
    support = f"{profile.support.hours}（{printed_clause(profile.support.clause)}）" if profile.support else ""
    details = ApprovalDetails(
        customer_code=contract.customer_code, service_name=profile.name, provider_name=profile.provider,
        plan_name=plan.name, plan_monthly_fee=plan.monthly_fee,
        initial_fee=plan.initial_fee + sum(o.initial_fee for o in options),
        options=tuple(OptionLine(o.name, o.monthly_fee) for o in options), lines=contract.lines,
        contract_formed_on=contract.formed_on, registration_date_label=printed_clause(application.formation_label(profile)),
        first_billable_month=contract.first_billable_month,
        first_billable_note=printed_clause(application.first_billable_note(profile)),
        payment_method=_payment_text(contract), support_hours=support,
        minimum_term_months=plan.minimum_term_months if plan.minimum_term_months > 1 else 0,
        early_termination_fee=plan.early_termination_fee,
    )
    notes = (printed_clause(application.first_billable_note(profile)), "金額はすべて税抜です。消費税は請求時に加算します。")
    document = NoticeDocument(**_base(session, NoticeKind.APPROVAL, app, profile, issuer_, issued_on, applicant),
                              approval=details, footer_notes=notes)
    return _store(session, actor, document, app, contract)


def issue_refusal(session: Session, actor: Actor, app: Application, profile: TermsProfile, issuer_: Issuer,
                  issued_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    """No reason, ever: the document has no field that could carry one (SH §14.2)."""
    document = NoticeDocument(**_base(session, NoticeKind.REFUSAL, app, profile, issuer_, issued_on, applicant))
    return _store(session, actor, document, app, None)


def issue_revocation(session: Session, actor: Actor, app: Application, contract: Contract, profile: TermsProfile,
                     issuer_: Issuer, revoked_on: dt.date, *, applicant: CustomerDraft) -> Notice:
    ground = next((g for g in profile.screening.grounds if "postal_identity" in {c.value for c in g.checks}), None)
    clause = (f"{profile.name} 利用規約 {printed_clause(ground.clause)}（{ground.text}）" if ground
              else f"{profile.name} 利用規約（郵送による本人確認）")
    document = NoticeDocument(**_base(session, NoticeKind.REVOCATION, app, profile, issuer_, revoked_on, applicant),
                              revoked_contract_code=contract.customer_code, revoked_on=revoked_on,
                              revocation_clause=clause)
    return _store(session, actor, document, app, contract)


# -- stored content ------------------------------------------------------------------------------
def to_json(document: NoticeDocument) -> str:
    return json.dumps(dataclasses.asdict(document), ensure_ascii=False, default=str, sort_keys=True)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def from_json(text: str) -> NoticeDocument:
    data = json.loads(text)
    approval = data.get("approval")
    if approval:
        approval = ApprovalDetails(**{
            **approval,
            "options": tuple(OptionLine(**o) for o in approval["options"]),
            "contract_formed_on": _date(approval["contract_formed_on"]),
            "first_billable_month": _date(approval["first_billable_month"]),
        })
    return NoticeDocument(**{
        **data,
        "kind": NoticeKind(data["kind"]),
        "issued_on": _date(data["issued_on"]),
        "issuer": Issuer(**data["issuer"]),
        "addressee": Addressee(**data["addressee"]),
        "application_received_on": _date(data["application_received_on"]),
        "approval": approval,
        "revoked_on": _date(data.get("revoked_on")),
        "footer_notes": tuple(data.get("footer_notes") or ()),
    })


def notice_document(db: Database, notice_id: int) -> NoticeDocument:
    with db.transaction() as session:
        row = session.get(Notice, notice_id)
        if row is None:
            raise NotFound(f"通知書 {notice_id} は見つかりません。")
        return from_json(row.document_json)


def notice_pdf(db: Database, notice_id: int) -> bytes:
    """The notice as a PDF, rendered from its stored content (identical every time)."""
    from reseller_desk.reports.notices import render_notice

    return render_notice(notice_document(db, notice_id))

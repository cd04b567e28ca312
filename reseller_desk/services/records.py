"""Rows to values: how the services read an application, its applicant, papers, options and
checklist, and a customer, out of the ORM rows into the domain's plain values.

One mapper per value, shared by every use case that needs it (applications, customers,
notices), so that the services above this module only load, ask the domain, write and audit.
Everything here runs inside the caller's transaction and writes nothing.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import (
    Application,
    ApplicationDocument,
    ApplicationOption,
    Contract,
    Customer,
    ScreeningItem,
    StaffUser,
    TermsProfileRecord,
)
from reseller_desk.domain.application import ChecklistLine
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.customer import CUSTOMER_FIELDS, CustomerDraft, IdentityKeys
from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry, PaymentMethod
from reseller_desk.domain.terms import TermsProfile, load_profile
from reseller_desk.services.errors import NotFound


def load(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"申込 {application_id} は見つかりません。")
    return app


def profile_of(session: Session, app: Application) -> TermsProfile:
    record = session.get(TermsProfileRecord, app.terms_profile_id)
    if record is None:  # the foreign key forbids it
        raise NotFound(f"申込 {app.number} の約款プロファイルが見つかりません。")
    return load_profile(record.key)


# -- the applicant ---------------------------------------------------------------------------------
def customer_draft_of(customer: Customer) -> CustomerDraft:
    """A customer row as the values of the customer form."""
    return CustomerDraft(**{name: getattr(customer, name) for name in CUSTOMER_FIELDS})


def applicant_json(applicant: CustomerDraft) -> str:
    """A new applicant as stored on the application until 承諾 (applications.applicant_json)."""
    return json.dumps(dataclasses.asdict(applicant), ensure_ascii=False)


def applicant_from_json(text: str) -> CustomerDraft:
    """The stored applicant; a field this version no longer has is left out, a field it does
    not find keeps its default, so that applications written by other versions still load."""
    data = json.loads(text or "{}")
    return CustomerDraft(**{name: data[name] for name in CUSTOMER_FIELDS if name in data})


def applicant_of(session: Session, app: Application) -> CustomerDraft:
    """The applicant: the new one as given on the form, or the existing customer as stored."""
    if app.applicant_json or app.customer_id is None:
        return applicant_from_json(app.applicant_json)
    customer = session.get(Customer, app.customer_id)
    if customer is None:  # the foreign key forbids it
        raise NotFound(f"顧客 {app.customer_id} は見つかりません。")
    return customer_draft_of(customer)


def set_applicant_keys(app: Application, keys: IdentityKeys) -> None:
    """Store the applicant's identity keys on the application, for the screening look-up of
    earlier refusals of the same applicant (an indexed query, see screening.py)."""
    app.applicant_corporate_number = keys.corporate_number
    app.applicant_name_phone_key = keys.name_phone
    app.applicant_name_address_key = keys.name_address


# -- the form ------------------------------------------------------------------------------------
def documents_of(session: Session, app: Application) -> tuple[DocumentEntry, ...]:
    rows = session.scalars(select(ApplicationDocument).where(ApplicationDocument.application_id == app.id)
                           .order_by(ApplicationDocument.id))
    return tuple(DocumentEntry(r.kind, r.received_on, r.identity_kind, r.number_last_digits, r.note) for r in rows)


def option_ids_of(session: Session, app: Application) -> tuple[int, ...]:
    return tuple(session.scalars(select(ApplicationOption.option_id).where(ApplicationOption.application_id == app.id)
                                 .order_by(ApplicationOption.option_id)))


def debit_of(obj: Application | Contract) -> BankAccountDetails | None:
    return obj.debit_account() if obj.payment_method is PaymentMethod.DEBIT else None


def draft_of(session: Session, app: Application, profile_key: str,
             documents: tuple[DocumentEntry, ...] | None = None) -> ApplicationDraft:
    """The 申込 form's values of ``app`` (``documents`` when the caller has read them)."""
    return ApplicationDraft(
        channel=app.channel, received_on=app.received_on, profile_key=profile_key,
        plan_id=app.plan_id, option_ids=option_ids_of(session, app), lines=app.lines,
        payment_method=app.payment_method, debit_account=debit_of(app),
        documents=documents_of(session, app) if documents is None else documents, notes=app.notes,
    )


# -- the checklist -------------------------------------------------------------------------------
def checklist_rows(session: Session, app: Application) -> list[ScreeningItem]:
    return list(session.scalars(select(ScreeningItem).where(ScreeningItem.application_id == app.id)
                                .order_by(ScreeningItem.id)))


def evidence_of(item: ScreeningItem) -> tuple[str, ...]:
    return tuple(json.loads(item.evidence or "[]"))


def as_line(item: ScreeningItem) -> ChecklistLine:
    return ChecklistLine(item.ground_code, item.ground_text, item.clause, item.answer, item.note, evidence_of(item))


# -- around it -----------------------------------------------------------------------------------
def contract_of(session: Session, app: Application) -> Contract | None:
    return session.scalars(select(Contract).where(Contract.application_id == app.id)).first()


def staff_names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of these staff members, in one query."""
    wanted = {i for i in user_ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.display_name).where(StaffUser.id.in_(wanted)))
    return dict(rows.tuples().all())

"""What the 申込 screens read: the list of applications and one application in full, as plain
data (frozen dataclasses carrying the domain's enums, with the Japanese labels the window
shows). Reading writes nothing.

The detail is built from one read of each part of the application (its plan, applicant,
papers, options, checklist, contract, notices and the staff named on it); what the rules say
about it (missing papers, why 承諾 is not possible yet) is asked of domain/ with those values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, Plan, ScreeningItem, StaffUser, TermsProfileRecord
from reseller_desk.domain import application, intake
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, ScreeningAnswer
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.intake import ApplicationDraft, Channel, DocumentEntry
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import notices, records
from reseller_desk.services.errors import NotFound


@dataclass(frozen=True)
class ApplicationInput:
    """The 申込 form: the application itself and its applicant — an existing customer
    (``customer_id``) or a new one (``applicant``)."""

    draft: ApplicationDraft
    customer_id: int | None = None
    applicant: CustomerDraft | None = None
    handled_by_id: int | None = None


@dataclass(frozen=True)
class ApplicationRow:
    id: int
    number: str
    status: ApplicationStatus
    status_label: str
    channel: Channel
    channel_label: str
    received_on: dt.date
    days_waiting: int           # for open applications; 0 once decided
    applicant_name: str
    profile_key: str
    profile_name: str
    plan_name: str
    handled_by_name: str


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    text: str
    clause: str
    answer: ScreeningAnswer
    answer_label: str
    note: str
    evidence: tuple[str, ...]
    prefilled: bool              # answered by the system from the records in ``evidence``
    checked_by_name: str         # "" for a pre-filled line ("システム照合")
    checked_at: dt.datetime | None


@dataclass(frozen=True)
class ContractSummary:
    id: int
    customer_code: str
    status: ContractStatus
    formed_on: dt.date
    formation_label: str
    first_billable_month: dt.date | None
    first_billable_note: str
    opened_on: dt.date | None


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    number: str
    status: ApplicationStatus
    status_label: str
    input: ApplicationInput                # the form as taken in (its applicant: existing or new)
    applicant: CustomerDraft               # the new applicant, or the existing customer as stored
    customer_id: int | None                # the customer: the one chosen, or the one 承諾 created
    profile_name: str
    plan_name: str
    plan_requires_face_to_face: bool
    may_withdraw: bool                     # SC: yes; SH §15.2: no
    postal_identity_check: bool            # SH §14.2(7)
    checklist: tuple[ChecklistItem, ...]
    missing_documents: tuple[str, ...]
    approval_blockers: tuple[str, ...]
    decided_on: dt.date | None
    decided_by_name: str
    decision_note: str                     # internal: never printed
    cancel_kind: str
    cancelled_on: dt.date | None
    withdrawal_requested_on: dt.date | None
    identity_letter_status: IdentityLetterResult
    identity_letter_sent_on: dt.date | None
    identity_letter_result_on: dt.date | None
    contract: ContractSummary | None
    notices: tuple[notices.NoticeInfo, ...]
    row_version: int


@dataclass(frozen=True)
class ContractPreview:
    """What 承諾 on these dates would give, before the manager confirms."""

    formed_on: dt.date
    formation_label: str
    first_billable_month: dt.date | None   # None: SH, 開通日 not known yet
    first_billable_note: str
    uses_registration_date: bool           # SC §7: a 登録日 can be entered
    uses_opening_date: bool                # SH §17, §28.2: the 開通日 decides the first month


@dataclass(frozen=True)
class WithdrawalResult:
    withdrawn: bool
    message: str
    detail: ApplicationDetail


# -- the parts the rules look at -------------------------------------------------------------------
def plan_of(session: Session, app: Application) -> Plan:
    plan = session.get(Plan, app.plan_id)
    if plan is None:  # the foreign key forbids it
        raise NotFound(f"申込 {app.number} のプランが見つかりません。")
    return plan


def blockers(app: Application, lines: Iterable[ScreeningItem], plan: Plan, documents: tuple[DocumentEntry, ...],
             applicant: CustomerDraft) -> list[str]:
    """Why 承諾 is not possible yet (domain.application.approval_blockers), from parts already read."""
    items = list(lines)
    return application.approval_blockers(
        [records.as_line(i) for i in items], screening_started=bool(items),
        plan_requires_face_to_face=plan.requires_face_to_face, channel=app.channel, documents=documents,
        is_corporate=applicant.kind is CustomerKind.CORPORATE)


def approval_blockers_of(session: Session, app: Application) -> list[str]:
    return blockers(app, records.checklist_rows(session, app), plan_of(session, app),
                    records.documents_of(session, app), records.applicant_of(session, app))


def input_of(session: Session, app: Application, profile_key: str, applicant: CustomerDraft,
             documents: tuple[DocumentEntry, ...] | None = None) -> ApplicationInput:
    """The form as it was taken in: a new applicant (stored on the application until 承諾, and
    kept there after it) or the existing customer chosen."""
    new_applicant = bool(app.applicant_json)
    return ApplicationInput(records.draft_of(session, app, profile_key, documents),
                            None if new_applicant else app.customer_id, applicant if new_applicant else None,
                            app.handled_by_id)


def _contract_summary(session: Session, app: Application, profile: TermsProfile) -> ContractSummary | None:
    contract = records.contract_of(session, app)
    if contract is None:
        return None
    return ContractSummary(contract.id, contract.customer_code, contract.status, contract.formed_on,
                           application.formation_label(profile), contract.first_billable_month,
                           application.first_billable_note(profile), contract.opened_on)


def detail(session: Session, app: Application) -> ApplicationDetail:
    """The whole application, each part read once."""
    profile = records.profile_of(session, app)
    plan = plan_of(session, app)
    applicant = records.applicant_of(session, app)
    documents = records.documents_of(session, app)
    inp = input_of(session, app, profile.key, applicant, documents)
    items = records.checklist_rows(session, app)
    names = records.staff_names(session, [app.decided_by_id, *(i.checked_by_id for i in items)])
    is_corporate = applicant.kind is CustomerKind.CORPORATE
    return ApplicationDetail(
        id=app.id, number=app.number, status=app.status, status_label=app.status.label,
        input=inp, applicant=applicant, customer_id=app.customer_id, profile_name=profile.name, plan_name=plan.name,
        plan_requires_face_to_face=plan.requires_face_to_face,
        may_withdraw=profile.intake.customer_may_withdraw_application,
        postal_identity_check=profile.intake.postal_identity_check,
        checklist=tuple(ChecklistItem(
            i.ground_code, i.ground_text, i.clause, i.answer, i.answer.label, i.note, records.evidence_of(i),
            i.prefilled, names.get(i.checked_by_id, "") if i.checked_by_id else "", i.checked_at)
            for i in items),
        missing_documents=tuple(k.label for k in intake.missing_documents(is_corporate, app.channel, documents)),
        approval_blockers=tuple(blockers(app, items, plan, documents, applicant)) if app.status.is_open else (),
        decided_on=app.decided_on, decided_by_name=names.get(app.decided_by_id, "") if app.decided_by_id else "",
        decision_note=app.decision_note, cancel_kind=app.cancel_kind, cancelled_on=app.cancelled_on,
        withdrawal_requested_on=app.withdrawal_requested_on, identity_letter_status=app.identity_letter_status,
        identity_letter_sent_on=app.identity_letter_sent_on, identity_letter_result_on=app.identity_letter_result_on,
        contract=_contract_summary(session, app, profile),
        notices=tuple(notices.notices_of(session, app.id)), row_version=app.row_version,
    )


# -- use cases -----------------------------------------------------------------------------------
def get_application(db: Database, application_id: int) -> ApplicationDetail:
    with db.transaction() as session:
        return detail(session, records.load(session, application_id))


def list_applications(db: Database, *, statuses: Iterable[ApplicationStatus] | None = None,
                      channels: Iterable[Channel] | None = None, today: dt.date | None = None) -> list[ApplicationRow]:
    """Open applications first, the oldest waiting first; then decided ones, newest first."""
    today = today or clock.today()
    statement = (select(Application, TermsProfileRecord.key, TermsProfileRecord.name, Plan.name, StaffUser.display_name)
                 .join(TermsProfileRecord, TermsProfileRecord.id == Application.terms_profile_id)
                 .join(Plan, Plan.id == Application.plan_id)
                 .outerjoin(StaffUser, StaffUser.id == Application.handled_by_id))
    if statuses:
        statement = statement.where(Application.status.in_(list(statuses)))
    if channels:
        statement = statement.where(Application.channel.in_(list(channels)))
    with db.transaction() as session:
        rows = [ApplicationRow(
            app.id, app.number, app.status, app.status.label, app.channel, app.channel.label, app.received_on,
            application.days_waiting(app.received_on, today) if app.status.is_open else 0,
            app.applicant_name, key, profile_name, plan_name, handler or "")
            for app, key, profile_name, plan_name, handler in session.execute(statement)]
    open_rows = sorted((r for r in rows if r.status.is_open), key=lambda r: (r.received_on, r.id))
    closed = sorted((r for r in rows if not r.status.is_open), key=lambda r: (r.received_on, r.id), reverse=True)
    return open_rows + closed

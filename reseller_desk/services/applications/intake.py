"""Taking an application in, and changing it before the decision (SC §6, SH §14.1): the form
is cleaned and checked by domain.intake, the plan and options it names are looked up, and it
is written with its papers and options; the status (受付 / 書類待ち / 審査中) is the domain's
``status_before_decision``. Nothing is saved while any field is at fault.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Application,
    ApplicationDocument,
    ApplicationOption,
    Customer,
    Plan,
    PlanOption,
    StaffUser,
    TermsProfileRecord,
)
from reseller_desk.domain import application
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, identity_keys
from reseller_desk.domain.intake import (
    ApplicationDraft,
    Offer,
    applicant_choice_problem,
    clean_draft,
    missing_documents,
    offer_problems,
    validate_application,
)
from reseller_desk.domain.terms import available_profiles, load_profile
from reseller_desk.services import audit, customers, numbering, records
from reseller_desk.services.applications import queries, screening, writing
from reseller_desk.services.applications.queries import ApplicationDetail, ApplicationInput
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried
from reseller_desk.services.settings import profile_record


def _offers(session: Session, model: type[Plan] | type[PlanOption], ids: Sequence[int]) -> list[Offer | None]:
    """The plans (or options) of these ids as intake sees them, in the same order (None: no
    such plan), in one query."""
    rows = session.execute(select(model.id, TermsProfileRecord.key, model.name, model.active)
                           .join(TermsProfileRecord, TermsProfileRecord.id == model.terms_profile_id)
                           .where(model.id.in_(list(ids))))
    found = {row_id: Offer(key, name, active) for row_id, key, name, active in rows}
    return [found.get(i) for i in ids]


def _clean_input(session: Session, inp: ApplicationInput, today: dt.date) -> tuple[ApplicationInput, dict[str, str]]:
    """The input as it will be stored, and field -> message for what is wrong with it. An id
    that names no row (customer, staff member, plan, option) is a fault of its field."""
    if not isinstance(inp, ApplicationInput) or not isinstance(inp.draft, ApplicationDraft):
        raise ValidationFailed({"channel": "申込の内容が正しく渡されていません。"})
    errors: dict[str, str] = {}
    applicant = inp.applicant
    problem = applicant_choice_problem(customer_chosen=inp.customer_id is not None,
                                       applicant_given=applicant is not None)
    if problem:
        errors["customer_id"] = problem
    if inp.customer_id is not None and (not is_record_id(inp.customer_id)
                                        or session.get(Customer, inp.customer_id) is None):
        errors["customer_id"] = "選んだ顧客が見つかりません。"
    if inp.handled_by_id is not None and (not is_record_id(inp.handled_by_id)
                                          or session.get(StaffUser, inp.handled_by_id) is None):
        errors["handled_by_id"] = "担当者が見つかりません。"
    if isinstance(applicant, CustomerDraft):
        applicant, applicant_errors = customers.check_customer(applicant)
        errors.update({f"applicant.{k}": v for k, v in applicant_errors.items()})
    elif applicant is not None:
        errors["applicant.name"] = "申込者の内容が正しく渡されていません。"
    draft = clean_draft(inp.draft)
    for key, message in validate_application(draft, today=today, known_profiles=available_profiles()).items():
        errors.setdefault(key, message)
    if not {"plan_id", "option_ids", "profile_key"} & errors.keys():
        assert draft.plan_id is not None  # validate_application refused a missing plan
        [plan] = _offers(session, Plan, [draft.plan_id])
        errors.update(offer_problems(draft.profile_key, plan, _offers(session, PlanOption, draft.option_ids)))
    return dataclasses.replace(inp, draft=draft, applicant=applicant), errors


def _write(session: Session, app: Application, inp: ApplicationInput, *, changed_by: Actor | None = None) -> None:
    """Write the form onto ``app``, with its options and papers, the applicant's identity keys
    and the status before the decision it gives (domain.application.status_before_decision);
    ``changed_by``: who changed an application already on file."""
    draft = inp.draft
    profile_id = profile_record(session, draft.profile_key).id
    customer = session.get(Customer, inp.customer_id) if inp.applicant is None else None
    if changed_by is not None:
        writing.touch(app, changed_by)
    app.channel = draft.channel
    app.received_on = draft.received_on
    app.customer_id = inp.customer_id
    if inp.applicant is not None:
        applicant = inp.applicant
        app.applicant_json = records.applicant_json(applicant)
    else:
        assert customer is not None  # _clean_input refused a missing customer
        applicant = records.customer_draft_of(customer)
        app.applicant_json = ""
    app.applicant_name, app.applicant_kana = applicant.name, applicant.name_kana
    records.set_applicant_keys(app, identity_keys(applicant))
    app.terms_profile_id = profile_id
    assert draft.plan_id is not None  # validate_application refused a missing plan
    app.plan_id = draft.plan_id
    app.lines = draft.lines
    app.payment_method = draft.payment_method
    app.set_debit_account(draft.debit_account)
    app.handled_by_id = inp.handled_by_id
    app.notes = draft.notes
    missing = missing_documents(applicant.kind is CustomerKind.CORPORATE, draft.channel, draft.documents)
    app.status = application.status_before_decision(screening_started=app.screening_started_at is not None,
                                                    missing=missing)
    session.add(app)
    session.flush()
    session.execute(delete(ApplicationOption).where(ApplicationOption.application_id == app.id))
    for option_id in sorted(set(draft.option_ids)):
        session.add(ApplicationOption(application_id=app.id, option_id=option_id))
    session.execute(delete(ApplicationDocument).where(ApplicationDocument.application_id == app.id))
    for d in draft.documents:
        session.add(ApplicationDocument(application_id=app.id, kind=d.kind, received_on=d.received_on,
                                        identity_kind=d.identity_kind, number_last_digits=d.number_last_digits,
                                        note=d.note))
    session.flush()


def _audit_view(inp: ApplicationInput) -> dict[str, Any]:
    view = dataclasses.asdict(inp.draft)
    view["customer_id"] = inp.customer_id
    view["applicant"] = dataclasses.asdict(inp.applicant) if inp.applicant else None
    view["handled_by_id"] = inp.handled_by_id
    return view


@retried
def create_application(db: Database, actor: Actor, inp: ApplicationInput, *,
                       today: dt.date | None = None) -> ApplicationDetail:
    """Record a received application: 受付, or 書類待ち while a required paper is missing."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の受付")
    today = today or clock.today()
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        inp, errors = _clean_input(session, inp, today)
        if errors:
            raise ValidationFailed(errors)
        if inp.handled_by_id is None:
            inp = dataclasses.replace(inp, handled_by_id=actor.user_id)
        app = Application(number=numbering.application_number(session, inp.draft.received_on.year),
                          status=application.ApplicationStatus.RECEIVED, created_by_id=actor.user_id,
                          updated_by_id=actor.user_id)
        _write(session, app, inp)
        audit.record(session, actor, "application.add", "application", app.id, after=_audit_view(inp),
                     summary=f"申込受付 {app.number}: {app.applicant_name}", customer_id=app.customer_id)
        return queries.detail(session, app)


@retried
def update_application(db: Database, actor: Actor, application_id: int, inp: ApplicationInput, *,
                       expected_version: int, today: dt.date | None = None) -> ApplicationDetail:
    """Save changes to an open application. ``expected_version`` is the row_version the form
    was opened with: if another clerk changed it in between, ConcurrentEdit (naming who, and
    when) and nothing is saved.
    While screening, the pre-filled checklist lines are looked up again."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の変更")
    today = today or clock.today()
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "変更")
        inp, errors = _clean_input(session, inp, today)
        if errors:
            raise ValidationFailed(errors)
        before = _audit_view(queries.input_of(session, app, records.profile_of(session, app).key,
                                              records.applicant_of(session, app)))
        _write(session, app, inp, changed_by=actor)
        if app.screening_started_at is not None:
            screening.prefill(session, app, load_profile(inp.draft.profile_key))
        audit.record(session, actor, "application.update", "application", app.id, before=before,
                     after=_audit_view(inp), summary=f"申込変更 {app.number}", customer_id=app.customer_id)
        return queries.detail(session, app)

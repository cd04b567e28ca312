"""Use cases of intake and screening: take in an application, screen it against its terms'
refusal grounds, decide it, and issue the notices (SC §6–8, SH §14–17; terms-application.md §2).

Who may do what is checked here: clerks (事務) and managers (管理者) take in and screen
applications; only a manager decides them. Every change is audited with the customer and
application it concerns.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Application,
    ApplicationDocument,
    ApplicationOption,
    Contract,
    ContractOption,
    Customer,
    CustomerIncident,
    Plan,
    PlanOption,
    ScreeningItem,
    StaffUser,
    TermsProfileRecord,
    utcnow,
)
from reseller_desk import clock
from reseller_desk.domain import application, intake
from reseller_desk.domain.application import (
    ApplicationStatus,
    ChecklistLine,
    IdentityLetterResult,
    ScreeningAnswer,
)
from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry, PaymentMethod
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.banks import bank_code_problems, with_bank_names
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, identity_keys
from reseller_desk.domain.terms import ScreeningCheck, TermsProfile, available_profiles, load_profile
from reseller_desk.services import audit, customers, notices, numbering
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.errors import Blocked, ConcurrentEdit, NotFound, ServiceError, ValidationFailed
from reseller_desk.services.settings import profile_record


# -- what the screens get ------------------------------------------------------------------------
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
    status: str
    status_label: str
    channel: str
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
    answer: str
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
    status: str
    formed_on: dt.date
    formation_label: str
    first_billable_month: dt.date | None
    first_billable_note: str
    opened_on: dt.date | None


@dataclass(frozen=True)
class ApplicationDetail:
    id: int
    number: str
    status: str
    status_label: str
    input: ApplicationInput
    applicant: CustomerDraft               # the new applicant, or the existing customer as stored
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
    identity_letter_status: str
    identity_letter_sent_on: dt.date | None
    identity_letter_result_on: dt.date | None
    contract: ContractSummary | None
    notices: tuple[notices.NoticeInfo, ...]
    row_version: int


@dataclass(frozen=True)
class WithdrawalResult:
    withdrawn: bool
    message: str
    detail: ApplicationDetail


# -- reading -------------------------------------------------------------------------------------
def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _load(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound(f"申込 {application_id} は見つかりません。")
    return app


def _profile_of(session: Session, app: Application) -> TermsProfile:
    return load_profile(session.get(TermsProfileRecord, app.terms_profile_id).key)


def _applicant_of(session: Session, app: Application) -> CustomerDraft:
    if app.customer_id is not None and not app.applicant_json:
        customer = session.get(Customer, app.customer_id)
        return CustomerDraft(**{f.name: getattr(customer, f.name) for f in dataclasses.fields(CustomerDraft)})
    return CustomerDraft(**json.loads(app.applicant_json or "{}"))


def _documents_of(session: Session, app: Application) -> tuple[DocumentEntry, ...]:
    rows = session.scalars(select(ApplicationDocument).where(ApplicationDocument.application_id == app.id)
                           .order_by(ApplicationDocument.id))
    return tuple(DocumentEntry(r.kind, r.received_on, r.identity_kind, r.number_last_digits, r.note) for r in rows)


def _option_ids_of(session: Session, app: Application) -> tuple[int, ...]:
    return tuple(session.scalars(select(ApplicationOption.option_id).where(ApplicationOption.application_id == app.id)
                                 .order_by(ApplicationOption.option_id)))


def _debit_of(obj: Application | Contract) -> BankAccountDetails | None:
    return obj.debit_account() if obj.payment_method == PaymentMethod.DEBIT else None


def _draft_of(session: Session, app: Application) -> ApplicationDraft:
    return ApplicationDraft(
        channel=app.channel, received_on=app.received_on, profile_key=_profile_of(session, app).key,
        plan_id=app.plan_id, option_ids=_option_ids_of(session, app), lines=app.lines,
        payment_method=app.payment_method, debit_account=_debit_of(app), documents=_documents_of(session, app),
        notes=app.notes,
    )


def _name(session: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    user = session.get(StaffUser, user_id)
    return user.display_name if user else ""


def _checklist_lines(session: Session, app: Application) -> list[ScreeningItem]:
    return list(session.scalars(select(ScreeningItem).where(ScreeningItem.application_id == app.id)
                                .order_by(ScreeningItem.id)))


def _as_line(item: ScreeningItem) -> ChecklistLine:
    return ChecklistLine(item.ground_code, item.ground_text, item.clause, item.answer, item.note,
                         tuple(json.loads(item.evidence or "[]")))


def _blockers(session: Session, app: Application, profile: TermsProfile) -> list[str]:
    items = _checklist_lines(session, app)
    plan = session.get(Plan, app.plan_id)
    applicant = _applicant_of(session, app)
    return application.approval_blockers(
        [_as_line(i) for i in items], screening_started=bool(items), plan_requires_face_to_face=plan.requires_face_to_face,
        channel=app.channel, documents=_documents_of(session, app), is_corporate=applicant.kind == CustomerKind.CORPORATE)


def _contract_summary(session: Session, app: Application, profile: TermsProfile) -> ContractSummary | None:
    contract = session.scalars(select(Contract).where(Contract.application_id == app.id)).first()
    if contract is None:
        return None
    return ContractSummary(contract.id, contract.customer_code, contract.status, contract.formed_on,
                           application.formation_label(profile), contract.first_billable_month,
                           application.first_billable_note(profile), contract.opened_on)


def _detail(session: Session, app: Application) -> ApplicationDetail:
    profile = _profile_of(session, app)
    plan = session.get(Plan, app.plan_id)
    applicant = _applicant_of(session, app)
    draft = _draft_of(session, app)
    items = _checklist_lines(session, app)
    status = ApplicationStatus(app.status)
    is_corporate = applicant.kind == CustomerKind.CORPORATE
    return ApplicationDetail(
        id=app.id, number=app.number, status=app.status, status_label=status.label,
        input=ApplicationInput(draft, app.customer_id if not app.applicant_json else None,
                               applicant if app.applicant_json else None, app.handled_by_id),
        applicant=applicant, profile_name=profile.name, plan_name=plan.name,
        plan_requires_face_to_face=plan.requires_face_to_face,
        may_withdraw=profile.intake.customer_may_withdraw_application,
        postal_identity_check=profile.intake.postal_identity_check,
        checklist=tuple(ChecklistItem(
            i.ground_code, i.ground_text, i.clause, i.answer, ScreeningAnswer(i.answer).label, i.note,
            tuple(json.loads(i.evidence or "[]")), i.prefilled, _name(session, i.checked_by_id), i.checked_at)
            for i in items),
        missing_documents=tuple(k.label for k in intake.missing_documents(is_corporate, app.channel, draft.documents)),
        approval_blockers=tuple(_blockers(session, app, profile)) if status.is_open else (),
        decided_on=app.decided_on, decided_by_name=_name(session, app.decided_by_id),
        decision_note=app.decision_note, cancel_kind=app.cancel_kind, cancelled_on=app.cancelled_on,
        withdrawal_requested_on=app.withdrawal_requested_on, identity_letter_status=app.identity_letter_status,
        identity_letter_sent_on=app.identity_letter_sent_on, identity_letter_result_on=app.identity_letter_result_on,
        contract=_contract_summary(session, app, profile),
        notices=tuple(notices.notices_of(session, app.id)), row_version=app.row_version,
    )


def get_application(db: Database, application_id: int) -> ApplicationDetail:
    with db.transaction() as session:
        return _detail(session, _load(session, application_id))


def list_applications(db: Database, *, statuses: Iterable[str] | None = None, channels: Iterable[str] | None = None,
                      today: dt.date | None = None) -> list[ApplicationRow]:
    """Open applications first, the oldest waiting first; then decided ones, newest first."""
    today = _today(today)
    statement = (select(Application, TermsProfileRecord.key, TermsProfileRecord.name, Plan.name, StaffUser.display_name)
                 .join(TermsProfileRecord, TermsProfileRecord.id == Application.terms_profile_id)
                 .join(Plan, Plan.id == Application.plan_id)
                 .outerjoin(StaffUser, StaffUser.id == Application.handled_by_id))
    if statuses:
        statement = statement.where(Application.status.in_(list(statuses)))
    if channels:
        statement = statement.where(Application.channel.in_(list(channels)))
    with db.transaction() as session:
        rows = []
        for app, key, profile_name, plan_name, handler in session.execute(statement):
            status = ApplicationStatus(app.status)
            name = app.applicant_name
            rows.append(ApplicationRow(
                app.id, app.number, app.status, status.label, app.channel, app.channel.label,
                app.received_on, application.days_waiting(app.received_on, today) if status.is_open else 0,
                name, key, profile_name, plan_name, handler or ""))
    open_rows = sorted((r for r in rows if ApplicationStatus(r.status).is_open), key=lambda r: (r.received_on, r.id))
    closed = sorted((r for r in rows if not ApplicationStatus(r.status).is_open), key=lambda r: (r.received_on, r.id),
                    reverse=True)
    return open_rows + closed


# -- taking in -----------------------------------------------------------------------------------
def _clean_input(session: Session, inp: ApplicationInput, today: dt.date) -> tuple[ApplicationInput, dict[str, str]]:
    errors: dict[str, str] = {}
    draft = inp.draft
    applicant = inp.applicant
    if (inp.customer_id is None) == (applicant is None):
        errors["customer_id"] = "申込者を、既存の顧客から選ぶか新規に入力してください。"
    if inp.customer_id is not None and session.get(Customer, inp.customer_id) is None:
        errors["customer_id"] = "選んだ顧客が見つかりません。"
    if applicant is not None:
        applicant, applicant_errors = customers.check_customer(applicant)
        errors.update({f"applicant.{k}": v for k, v in applicant_errors.items()})
    if draft.payment_method == PaymentMethod.DEBIT and draft.debit_account is not None:
        account = with_bank_names(intake.clean_debit_account(draft.debit_account))
        draft = dataclasses.replace(draft, debit_account=account)
        errors.update({f"debit.{k}": v for k, v in bank_code_problems(account).items()})
    elif draft.payment_method != PaymentMethod.DEBIT:
        draft = dataclasses.replace(draft, debit_account=None)
    draft = dataclasses.replace(draft, notes=draft.notes.strip(), documents=tuple(
        dataclasses.replace(d, number_last_digits=d.number_last_digits.strip(), note=d.note.strip())
        for d in draft.documents))
    for key, message in intake.validate_application(draft, today=today, known_profiles=available_profiles()).items():
        errors.setdefault(key, message)
    if draft.plan_id is not None and "profile_key" not in errors:
        plan = session.get(Plan, draft.plan_id)
        if plan is None or plan.terms_profile.key != draft.profile_key:
            errors["plan_id"] = "このサービスのプランを選んでください。"
        elif not plan.active:
            errors["plan_id"] = f"プラン「{plan.name}」は現在受け付けていません。"
        for option_id in draft.option_ids:
            option = session.get(PlanOption, option_id)
            if option is None or option.terms_profile.key != draft.profile_key or not option.active:
                errors["option_ids"] = "このサービスで受け付けているオプションを選んでください。"
    return dataclasses.replace(inp, draft=draft, applicant=applicant), errors


def _write(session: Session, app: Application, inp: ApplicationInput) -> None:
    draft = inp.draft
    profile_row = profile_record(session, draft.profile_key)
    app.channel = draft.channel
    app.received_on = draft.received_on
    app.customer_id = inp.customer_id
    if inp.applicant is not None:
        app.applicant_json = json.dumps(dataclasses.asdict(inp.applicant), ensure_ascii=False)
        app.applicant_name, app.applicant_kana = inp.applicant.name, inp.applicant.name_kana
    else:
        with session.no_autoflush:
            customer = session.get(Customer, inp.customer_id)
        app.applicant_json = ""
        app.applicant_name, app.applicant_kana = customer.name, customer.name_kana
    app.terms_profile_id = profile_row.id
    app.plan_id = draft.plan_id
    app.lines = draft.lines
    app.payment_method = draft.payment_method
    app.set_debit_account(draft.debit_account)
    app.handled_by_id = inp.handled_by_id
    app.notes = draft.notes
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


def _status_before_decision(session: Session, app: Application) -> ApplicationStatus:
    applicant = _applicant_of(session, app)
    missing = intake.missing_documents(applicant.kind == CustomerKind.CORPORATE, app.channel,
                                       _documents_of(session, app))
    return application.status_before_decision(screening_started=app.screening_started_at is not None, missing=missing)


def _audit_view(detail_input: ApplicationInput) -> dict:
    draft = detail_input.draft
    view = dataclasses.asdict(draft)
    view["customer_id"] = detail_input.customer_id
    view["applicant"] = dataclasses.asdict(detail_input.applicant) if detail_input.applicant else None
    view["handled_by_id"] = detail_input.handled_by_id
    return view


def create_application(db: Database, actor: Actor, inp: ApplicationInput, *, today: dt.date | None = None) -> ApplicationDetail:
    """Record a received application: 受付, or 書類待ち while a required paper is missing."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の受付")
    today = _today(today)
    with db.transaction() as session:
        inp, errors = _clean_input(session, inp, today)
        if errors:
            raise ValidationFailed(errors)
        app = Application(number=numbering.application_number(session, inp.draft.received_on.year),
                          status=ApplicationStatus.RECEIVED, created_by_id=actor.user_id,
                          updated_by_id=actor.user_id, handled_by_id=inp.handled_by_id or actor.user_id)
        if inp.handled_by_id is None:
            inp = dataclasses.replace(inp, handled_by_id=actor.user_id)
        _write(session, app, inp)
        app.status = _status_before_decision(session, app)
        audit.record(session, actor, "application.add", "application", app.id, after=_audit_view(inp),
                     summary=f"申込受付 {app.number}: {app.applicant_name}", customer_id=app.customer_id)
        return _detail(session, app)


def _require_open(app: Application, action: str) -> None:
    problem = application.not_open_problem(app.number, app.status, action)
    if problem:
        raise ServiceError(problem)


def update_application(db: Database, actor: Actor, application_id: int, inp: ApplicationInput, *,
                       expected_version: int | None = None, today: dt.date | None = None) -> ApplicationDetail:
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の変更")
    today = _today(today)
    try:
        with db.transaction() as session:
            app = _load(session, application_id)
            if expected_version is not None and app.row_version != expected_version:
                raise ConcurrentEdit()
            _require_open(app, "変更")
            inp, errors = _clean_input(session, inp, today)
            if errors:
                raise ValidationFailed(errors)
            before = _audit_view(_detail(session, app).input)
            _write(session, app, inp)
            app.status = _status_before_decision(session, app)
            app.updated_at, app.updated_by_id = utcnow(), actor.user_id
            if app.screening_started_at is not None:
                _prefill(session, app, _profile_of(session, app))
            session.flush()
            audit.record(session, actor, "application.update", "application", app.id, before=before,
                         after=_audit_view(inp), summary=f"申込変更 {app.number}", customer_id=app.customer_id)
            return _detail(session, app)
    except StaleDataError as error:
        raise ConcurrentEdit() from error


# -- screening -----------------------------------------------------------------------------------
def _matching_customer_ids(session: Session, app: Application, applicant: CustomerDraft) -> list[int]:
    ids = {hit.id for hit in customers.matching_customers(session, applicant)}
    if app.customer_id is not None:
        ids.add(app.customer_id)
    return sorted(ids)


def _same_applicant(session: Session, other: Application, keys, customer_ids: Sequence[int]) -> bool:
    if other.customer_id is not None and other.customer_id in customer_ids:
        return True
    other_keys = identity_keys(_applicant_of(session, other))
    return any(a and a == b for a, b in ((keys.corporate_number, other_keys.corporate_number),
                                         (keys.name_phone, other_keys.name_phone),
                                         (keys.name_address, other_keys.name_address)))


def _evidence(session: Session, app: Application, profile: TermsProfile) -> dict[ScreeningCheck, list[str] | None]:
    """For every check: the records that answer it ('' list: checked, nothing found), or None
    when it cannot be answered yet (the identity letter is still out)."""
    applicant = _applicant_of(session, app)
    customer_ids = _matching_customer_ids(session, app, applicant)
    names = {c.id: c.name for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}
    incidents = list(session.scalars(select(CustomerIncident).where(CustomerIncident.customer_id.in_(customer_ids))
                                     .order_by(CustomerIncident.occurred_on))) if customer_ids else []
    found: dict[ScreeningCheck, list[str] | None] = {}
    for check, kind in application.INCIDENT_CHECKS.items():
        found[check] = [
            f"顧客{i.customer_id}「{names.get(i.customer_id, '')}」の{kind.label}記録 {i.occurred_on.isoformat()}"
            + (f" ¥{i.amount:,}" if i.amount else "") + (f"（{i.resolved_on.isoformat()} 解消）" if i.resolved_on else "")
            + (f": {i.note}" if i.note else "")
            for i in incidents if i.kind is kind]
    keys = identity_keys(applicant)
    refused = session.scalars(select(Application).where(Application.status == ApplicationStatus.REFUSED,
                                                        Application.id != app.id))
    found[ScreeningCheck.REFUSED_BEFORE] = [
        f"過去の申込 {o.number}（{o.received_on.isoformat()}受付）が不承諾" for o in refused
        if _same_applicant(session, o, keys, customer_ids)]
    applicant_errors = customers.check_customer(applicant)[1]
    found[ScreeningCheck.FORM_INCOMPLETE] = intake.form_problems(
        _draft_of(session, app), applicant_errors, is_corporate=applicant.kind == CustomerKind.CORPORATE)
    letter = IdentityLetterResult(app.identity_letter_status)
    found[ScreeningCheck.POSTAL_IDENTITY] = (
        [f"本人確認郵便が届かず本人確認できませんでした（{app.identity_letter_result_on}）"] if letter is IdentityLetterResult.FAILED
        else [] if letter is IdentityLetterResult.CONFIRMED else None)
    return found


def _searched(customer_count: int) -> str:
    return (f"照合: 同じ法人番号・名称と電話番号・名称と住所の顧客 {customer_count}件と過去の申込を確認し、該当なし"
            if customer_count else "照合: 同じ法人番号・名称と電話番号・名称と住所の顧客なし、過去の申込にも該当なし")


def _prefill(session: Session, app: Application, profile: TermsProfile) -> None:
    """Answer the lines the records can answer; a line a person answered is left alone."""
    found = _evidence(session, app, profile)
    customer_count = len(_matching_customer_ids(session, app, _applicant_of(session, app)))
    items = {i.ground_code: i for i in _checklist_lines(session, app)}
    now = utcnow()
    searched = _searched(customer_count)
    for ground in profile.screening.grounds:
        item = items.get(ground.code)
        if item is None:
            continue
        answer = application.prefill_answer(ground, found, searched=searched,
                                            answered_by_person=item.checked_by_id is not None and not item.prefilled)
        if answer is None:
            continue
        item.answer, item.note, item.prefilled = answer.answer, answer.note, answer.prefilled
        item.evidence = json.dumps(list(answer.evidence), ensure_ascii=False)
        item.checked_by_id, item.checked_at = None, now if answer.prefilled else None
    session.flush()


def start_screening(db: Database, actor: Actor, application_id: int) -> ApplicationDetail:
    """Create the checklist (one line per refusal ground of the application's terms, worded as
    in the terms) and pre-fill what the records answer; the application becomes 審査中.
    Calling it again refreshes the pre-filled lines."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="審査")
    with db.transaction() as session:
        app = _load(session, application_id)
        _require_open(app, "審査")
        profile = _profile_of(session, app)
        existing = {i.ground_code for i in _checklist_lines(session, app)}
        for ground in profile.screening.grounds:
            if ground.code not in existing:
                session.add(ScreeningItem(application_id=app.id, ground_code=ground.code, ground_text=ground.text,
                                          clause=ground.clause))
        session.flush()
        _prefill(session, app, profile)
        first = app.screening_started_at is None
        app.screening_started_at = app.screening_started_at or utcnow()
        app.status = ApplicationStatus.SCREENING
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        audit.record(session, actor, "application.screening", "application", app.id,
                     after=[dataclasses.asdict(_as_line(i)) for i in _checklist_lines(session, app)],
                     summary=f"審査{'開始' if first else '照合の更新'} {app.number}", customer_id=app.customer_id)
        return _detail(session, app)


def answer_screening_item(db: Database, actor: Actor, application_id: int, ground_code: str, answer: str,
                          note: str = "") -> ApplicationDetail:
    """A person's answer to one checklist line (問題なし / 該当 / 未確認), with who and when."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="審査項目の記入")
    try:
        ScreeningAnswer(answer)
    except ValueError:
        raise ValidationFailed({"answer": "「問題なし」「該当」「未確認」から選んでください。"}) from None
    with db.transaction() as session:
        app = _load(session, application_id)
        _require_open(app, "審査項目を記入")
        item = session.scalars(select(ScreeningItem).where(ScreeningItem.application_id == app.id,
                                                           ScreeningItem.ground_code == ground_code)).first()
        if item is None:
            raise NotFound(f"審査項目 {ground_code} がありません。先に「審査開始」をしてください。")
        before = {"answer": item.answer, "note": item.note, "prefilled": item.prefilled}
        item.answer, item.note = answer, note.strip()
        item.prefilled, item.checked_by_id, item.checked_at = False, actor.user_id, utcnow()
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        audit.record(session, actor, "screening.answer", "screening_item", item.id, before=before,
                     after={"answer": answer, "note": item.note, "ground": ground_code},
                     summary=f"審査項目({ground_code}) {ScreeningAnswer(answer).label} {app.number}",
                     application_id=app.id, customer_id=app.customer_id)
        return _detail(session, app)


# -- decision ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ContractPreview:
    """What 承諾 on these dates would give, before the manager confirms."""

    formed_on: dt.date
    formation_label: str
    first_billable_month: dt.date | None   # None: SH, 開通日 not known yet
    first_billable_note: str
    uses_registration_date: bool           # SC §7: a 登録日 can be entered
    uses_opening_date: bool                # SH §17, §28.2: the 開通日 decides the first month


def preview_contract(db: Database, application_id: int, *, decided_on: dt.date, registered_on: dt.date | None = None,
                     opened_on: dt.date | None = None) -> ContractPreview:
    """The contract formation date and first billable month that approving on these dates
    would give (domain.application.contract_dates). Writes nothing."""
    with db.transaction() as session:
        profile = _profile_of(session, _load(session, application_id))
    dates = application.contract_dates(profile, decided_on, registered_on, opened_on)
    return ContractPreview(dates.formed_on, application.formation_label(profile), dates.first_billable_month,
                           application.first_billable_note(profile), dates.uses_registration_date,
                           dates.uses_opening_date)


def approve_application(db: Database, actor: Actor, application_id: int, *, decided_on: dt.date | None = None,
                        registered_on: dt.date | None = None, opened_on: dt.date | None = None,
                        today: dt.date | None = None) -> ApplicationDetail:
    """承諾 (manager only): every checklist line 問題なし, the papers in, a face-to-face plan
    sold face to face with photo ID (SC §6.4), dated between receipt and today. Creates the
    customer if new and the contract: formed on the 登録日 under SC §7 (the decision date unless
    given), on the day acceptance is notified under SH §15.1; issues the カスタマID (never
    reused) and the acceptance notice."""
    require_role(actor, Role.MANAGER, action="申込の承諾")
    today = _today(today)
    decided_on = decided_on or today
    with db.transaction() as session:
        app = _load(session, application_id)
        _require_open(app, "承諾")
        profile = _profile_of(session, app)
        blockers = _blockers(session, app, profile)
        if blockers:
            raise Blocked("承諾", blockers)
        errors = application.approval_problems(profile, received_on=app.received_on, decided_on=decided_on,
                                               registered_on=registered_on, opened_on=opened_on, today=today)
        if errors:
            raise ValidationFailed(errors)
        dates = application.contract_dates(profile, decided_on, registered_on, opened_on)
        issuer = notices.issuer(session)

        applicant = _applicant_of(session, app)
        if app.customer_id is None:
            customer = customers.insert_customer(session, actor, applicant, application_id=app.id)
            app.customer_id = customer.id
        contract = Contract(
            customer_code=numbering.customer_code(session), customer_id=app.customer_id, application_id=app.id,
            terms_profile_id=app.terms_profile_id, plan_id=app.plan_id, status=ContractStatus.ACTIVE,
            formed_on=dates.formed_on, registered_on=dates.formed_on if dates.uses_registration_date else None,
            opened_on=opened_on, first_billable_month=dates.first_billable_month, lines=app.lines,
            payment_method=app.payment_method, created_by_id=actor.user_id)
        contract.set_debit_account(_debit_of(app))
        session.add(contract)
        session.flush()
        for option_id in _option_ids_of(session, app):
            session.add(ContractOption(contract_id=contract.id, option_id=option_id))
        app.status = ApplicationStatus.APPROVED
        app.decided_on, app.decided_by_id = decided_on, actor.user_id
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        audit.record(session, actor, "application.approve", "application", app.id,
                     after={"decided_on": decided_on, "formed_on": dates.formed_on,
                            "customer_code": contract.customer_code, "first_billable_month": dates.first_billable_month},
                     summary=f"承諾 {app.number} → カスタマID {contract.customer_code}", customer_id=app.customer_id)
        audit.record(session, actor, "contract.add", "contract", contract.id,
                     after={"customer_code": contract.customer_code, "plan_id": contract.plan_id,
                            "formed_on": dates.formed_on, "first_billable_month": dates.first_billable_month,
                            "opened_on": opened_on},
                     summary=f"契約成立 {contract.customer_code}", customer_id=app.customer_id, application_id=app.id)
        notices.issue_approval(session, actor, app, contract, profile, issuer, decided_on)
        return _detail(session, app)


def refuse_application(db: Database, actor: Actor, application_id: int, internal_note: str, *,
                       decided_on: dt.date | None = None, today: dt.date | None = None) -> ApplicationDetail:
    """不承諾 (manager only): at least one line 該当 and an internal note, dated between receipt
    and today. The reason stays in the database; the refusal notice carries none (SH §14.2)."""
    require_role(actor, Role.MANAGER, action="申込の不承諾")
    today = _today(today)
    decided_on = decided_on or today
    with db.transaction() as session:
        app = _load(session, application_id)
        _require_open(app, "不承諾に")
        reasons = application.refusal_blockers([_as_line(i) for i in _checklist_lines(session, app)], internal_note)
        if reasons:
            raise Blocked("不承諾に", reasons)
        errors = application.decision_date_problems(received_on=app.received_on, decided_on=decided_on, today=today)
        if errors:
            raise ValidationFailed(errors)
        issuer = notices.issuer(session)
        app.status = ApplicationStatus.REFUSED
        app.decided_on, app.decided_by_id = decided_on, actor.user_id
        app.decision_note = internal_note.strip()
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        hits = [i.ground_code for i in _checklist_lines(session, app) if i.answer is ScreeningAnswer.HIT]
        audit.record(session, actor, "application.refuse", "application", app.id,
                     after={"decided_on": decided_on, "hit_grounds": hits, "internal_note": app.decision_note},
                     summary=f"不承諾 {app.number}", customer_id=app.customer_id)
        notices.issue_refusal(session, actor, app, _profile_of(session, app), issuer, decided_on)
        return _detail(session, app)


def withdraw_application(db: Database, actor: Actor, application_id: int, *, on: dt.date | None = None,
                         today: dt.date | None = None) -> WithdrawalResult:
    """The applicant withdraws before the decision. Where the terms allow it (SC: nothing
    forbids it) the application is 取下げ; under SH §15.2 the applicant cannot withdraw, so the
    request is recorded and the application stays as it is."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の取下げ")
    today = _today(today)
    on = on or today
    with db.transaction() as session:
        app = _load(session, application_id)
        _require_open(app, "取り下げ")
        errors = application.withdrawal_problems(received_on=app.received_on, on=on, today=today)
        if errors:
            raise ValidationFailed(errors)
        profile = _profile_of(session, app)
        status = application.withdrawal_status(profile)
        if status is not None:
            app.status = status
            app.cancel_kind, app.cancelled_on = "withdrawn", on
            message = f"申込 {app.number} を取り下げました（申込者からの申し出）。"
            action = "application.withdraw"
        else:
            app.withdrawal_requested_on = on
            message = (f"{profile.name}の約款（{profile.intake.clause}: 契約者は申込みを取り消すことはできない）により、"
                       "申込者は申込みを取り下げられません。取下げの申し出として記録しました。審査は続きます。")
            action = "application.withdrawal_request"
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        audit.record(session, actor, action, "application", app.id, after={"on": on}, summary=message,
                     customer_id=app.customer_id)
        return WithdrawalResult(status is not None, message, _detail(session, app))


def record_identity_letter(db: Database, actor: Actor, application_id: int, status: str, *, on: dt.date | None = None,
                           today: dt.date | None = None) -> ApplicationDetail:
    """SH §14.2(7): the identity letter sent by post — sent, arrived (本人確認済) or not (本人確認
    不可), in that order (domain.application.letter_step_problem); a confirmed result is final.
    A failure before the decision marks its checklist line 該当; after acceptance it revokes
    the acceptance (承諾取消), the contract (取消) and issues the 契約取消通知書."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="郵送本人確認の記録")
    today = _today(today)
    on = on or today
    try:
        result = IdentityLetterResult(status)
    except ValueError:
        raise ValidationFailed({"identity_letter_status": "本人確認郵便の状態を選んでください。"}) from None
    with db.transaction() as session:
        app = _load(session, application_id)
        profile = _profile_of(session, app)
        if not profile.intake.postal_identity_check:
            raise ServiceError(f"{profile.name}の約款には郵送による本人確認の定めがありません。")
        letter = application.IdentityLetter(app.identity_letter_status, app.identity_letter_sent_on,
                                            app.identity_letter_result_on)
        step = application.letter_step_problem(app.status, letter, result)
        if step:
            raise ServiceError(step)
        errors = application.identity_letter_problems(app.status, letter, result, on, received_on=app.received_on,
                                                      today=today)
        if errors:
            raise ValidationFailed(errors)
        change = application.identity_letter_change(app.status, letter, result, on)
        before = {"status": letter.result, "sent_on": letter.sent_on, "result_on": letter.result_on}
        app.identity_letter_status = change.letter.result
        app.identity_letter_sent_on, app.identity_letter_result_on = change.letter.sent_on, change.letter.result_on
        app.updated_at, app.updated_by_id = utcnow(), actor.user_id
        session.flush()
        audit.record(session, actor, "application.identity_letter", "application", app.id, before=before,
                     after={"status": result, "on": on}, summary=f"本人確認郵便: {result.label} {app.number}",
                     customer_id=app.customer_id)
        if app.status.is_open and app.screening_started_at is not None:
            _prefill(session, app, profile)
        if change.contract_status is not None:
            contract = session.scalars(select(Contract).where(Contract.application_id == app.id)).one()
            issuer = notices.issuer(session)
            before_contract = contract.status
            contract.status, contract.revoked_on = change.contract_status, on
            app.status = change.status
            app.cancel_kind, app.cancelled_on = "identity_check_failed", on
            session.flush()
            audit.record(session, actor, "contract.revoke", "contract", contract.id,
                         before={"status": before_contract}, after={"status": contract.status, "revoked_on": on},
                         summary=f"契約取消（本人確認不可） {contract.customer_code}",
                         customer_id=contract.customer_id, application_id=app.id)
            notices.issue_revocation(session, actor, app, contract, profile, issuer, on)
        return _detail(session, app)


# -- customer records that screening reads ---------------------------------------------------------
@dataclass(frozen=True)
class IncidentRecord:
    id: int
    customer_id: int
    kind: str
    kind_label: str
    occurred_on: dt.date
    amount: int
    note: str
    resolved_on: dt.date | None


def add_incident(db: Database, actor: Actor, customer_id: int, kind: str, occurred_on: dt.date, *, amount: int = 0,
                 note: str = "", resolved_on: dt.date | None = None) -> IncidentRecord:
    """Record 資格取消, 強制解約, 規約違反 or 未払い on a customer, for later screening."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="顧客の記録の追加")
    errors = application.validate_incident(kind, occurred_on, amount, resolved_on, today=clock.today())
    if errors:
        raise ValidationFailed(errors)
    incident_kind = application.IncidentKind(kind)
    with db.transaction() as session:
        if session.get(Customer, customer_id) is None:
            raise NotFound(f"顧客 {customer_id} は見つかりません。")
        row = CustomerIncident(customer_id=customer_id, kind=incident_kind, occurred_on=occurred_on, amount=amount,
                               note=note.strip(), resolved_on=resolved_on, created_by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(session, actor, "incident.add", "customer_incident", row.id,
                     after={"kind": kind, "occurred_on": occurred_on, "amount": amount, "note": row.note},
                     summary=f"顧客の記録: {incident_kind.label}", customer_id=customer_id)
        return IncidentRecord(row.id, customer_id, row.kind, incident_kind.label, occurred_on, amount, row.note,
                              resolved_on)


def list_incidents(db: Database, customer_id: int) -> list[IncidentRecord]:
    with db.transaction() as session:
        rows = session.scalars(select(CustomerIncident).where(CustomerIncident.customer_id == customer_id)
                               .order_by(CustomerIncident.occurred_on))
        return [IncidentRecord(r.id, r.customer_id, r.kind, r.kind.label, r.occurred_on, r.amount,
                               r.note, r.resolved_on) for r in rows]

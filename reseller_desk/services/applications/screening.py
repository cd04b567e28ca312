"""Screening an application against the refusal grounds of its terms (SC §8 (1)–(10), SH §14.2
(1)–(7)): the checklist has one line per ground, worded as in the terms; the lines the records
can answer are pre-filled with the records they came from (domain.application.prefill_answer),
and a person answers the rest, with who and when.

What the records say: 資格取消, 強制解約, 規約違反 and 未払い records of matching customers (the same
法人番号, or name and phone, or name and address), earlier refusals of the same applicant, the
form's own gaps, and the postal identity check.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, Customer, CustomerIncident, ScreeningItem, utcnow
from reseller_desk.domain import application
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, ScreeningAnswer
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, IdentityKeys, identity_keys
from reseller_desk.domain.intake import form_problems
from reseller_desk.domain.terms import ScreeningCheck, TermsProfile
from reseller_desk.services import audit, customers, records
from reseller_desk.services.applications import queries, writing
from reseller_desk.services.applications.queries import ApplicationDetail
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role

Evidence = dict[ScreeningCheck, list[str] | None]


def _matching_customer_ids(session: Session, app: Application, applicant: CustomerDraft) -> list[int]:
    ids = {hit.id for hit in customers.matching_customers(session, applicant)}
    if app.customer_id is not None:
        ids.add(app.customer_id)
    return sorted(ids)


def _same_applicant(session: Session, other: Application, keys: IdentityKeys, customer_ids: Sequence[int]) -> bool:
    if other.customer_id is not None and other.customer_id in customer_ids:
        return True
    other_keys = identity_keys(records.applicant_of(session, other))
    return any(a and a == b for a, b in ((keys.corporate_number, other_keys.corporate_number),
                                         (keys.name_phone, other_keys.name_phone),
                                         (keys.name_address, other_keys.name_address)))


def _incident_text(incident: CustomerIncident, names: dict[int, str]) -> str:
    return (f"顧客{incident.customer_id}「{names.get(incident.customer_id, '')}」の{incident.kind.label}記録 "
            f"{incident.occurred_on.isoformat()}"
            + (f" ¥{incident.amount:,}" if incident.amount else "")
            + (f"（{incident.resolved_on.isoformat()} 解消）" if incident.resolved_on else "")
            + (f": {incident.note}" if incident.note else ""))


def _evidence(session: Session, app: Application, applicant: CustomerDraft, customer_ids: list[int]) -> Evidence:
    """For every check: the records that answer it ('' list: checked, nothing found), or None
    when it cannot be answered yet (the identity letter is still out)."""
    names = {c.id: c.name for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))}
    incidents = list(session.scalars(select(CustomerIncident).where(CustomerIncident.customer_id.in_(customer_ids))
                                     .order_by(CustomerIncident.occurred_on))) if customer_ids else []
    found: Evidence = {check: [_incident_text(i, names) for i in incidents if i.kind is kind]
                       for check, kind in application.INCIDENT_CHECKS.items()}
    keys = identity_keys(applicant)
    refused = session.scalars(select(Application).where(Application.status == ApplicationStatus.REFUSED,
                                                        Application.id != app.id))
    found[ScreeningCheck.REFUSED_BEFORE] = [
        f"過去の申込 {o.number}（{o.received_on.isoformat()}受付）が不承諾" for o in refused
        if _same_applicant(session, o, keys, customer_ids)]
    applicant_errors = customers.check_customer(applicant)[1]
    draft = records.draft_of(session, app, records.profile_of(session, app).key)
    found[ScreeningCheck.FORM_INCOMPLETE] = form_problems(draft, applicant_errors,
                                                          is_corporate=applicant.kind is CustomerKind.CORPORATE)
    letter = app.identity_letter_status
    found[ScreeningCheck.POSTAL_IDENTITY] = (
        [f"本人確認郵便が届かず本人確認できませんでした（{app.identity_letter_result_on}）"]
        if letter is IdentityLetterResult.FAILED else [] if letter is IdentityLetterResult.CONFIRMED else None)
    return found


def _searched(customer_count: int) -> str:
    return (f"照合: 同じ法人番号・名称と電話番号・名称と住所の顧客 {customer_count}件と過去の申込を確認し、該当なし"
            if customer_count else "照合: 同じ法人番号・名称と電話番号・名称と住所の顧客なし、過去の申込にも該当なし")


def prefill(session: Session, app: Application, profile: TermsProfile) -> None:
    """Answer the lines the records can answer; a line a person answered is left alone."""
    applicant = records.applicant_of(session, app)
    customer_ids = _matching_customer_ids(session, app, applicant)
    found = _evidence(session, app, applicant, customer_ids)
    items = {i.ground_code: i for i in records.checklist_rows(session, app)}
    now = utcnow()
    searched = _searched(len(customer_ids))
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
    with writing.changing(db) as session:
        app = writing.load_for_change(session, application_id)
        writing.require_open(app, "審査")
        profile = records.profile_of(session, app)
        existing = {i.ground_code for i in records.checklist_rows(session, app)}
        for ground in profile.screening.grounds:
            if ground.code not in existing:
                session.add(ScreeningItem(application_id=app.id, ground_code=ground.code, ground_text=ground.text,
                                          clause=ground.clause))
        session.flush()
        prefill(session, app, profile)
        first = app.screening_started_at is None
        app.screening_started_at = app.screening_started_at or utcnow()
        app.status = ApplicationStatus.SCREENING
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, "application.screening", "application", app.id,
                     after=[dataclasses.asdict(records.as_line(i)) for i in records.checklist_rows(session, app)],
                     summary=f"審査{'開始' if first else '照合の更新'} {app.number}", customer_id=app.customer_id)
        return queries.detail(session, app)


def answer_screening_item(db: Database, actor: Actor, application_id: int, ground_code: str,
                          answer: ScreeningAnswer | str, note: str = "", *,
                          expected_version: int | None = None) -> ApplicationDetail:
    """A person's answer to one checklist line (問題なし / 該当 / 未確認), with who and when.
    ``expected_version`` is the row_version the checklist was showing: if the application has
    changed since, ConcurrentEdit and nothing is saved."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="審査項目の記入")
    try:
        chosen = ScreeningAnswer(answer)
    except ValueError:
        raise ValidationFailed({"answer": "「問題なし」「該当」「未確認」から選んでください。"}) from None
    with writing.changing(db) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "審査項目を記入")
        item = session.scalars(select(ScreeningItem).where(ScreeningItem.application_id == app.id,
                                                           ScreeningItem.ground_code == ground_code)).first()
        if item is None:
            raise NotFound(f"審査項目 {ground_code} がありません。先に「審査開始」をしてください。")
        before = {"answer": item.answer, "note": item.note, "prefilled": item.prefilled}
        item.answer, item.note = chosen, note.strip()
        item.prefilled, item.checked_by_id, item.checked_at = False, actor.user_id, utcnow()
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, "screening.answer", "screening_item", item.id, before=before,
                     after={"answer": chosen, "note": item.note, "ground": ground_code},
                     summary=f"審査項目({ground_code}) {chosen.label} {app.number}",
                     application_id=app.id, customer_id=app.customer_id)
        return queries.detail(session, app)

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

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, Customer, CustomerIncident, ScreeningItem, utcnow
from reseller_desk.domain import application
from reseller_desk.domain.application import ApplicationStatus, ScreeningAnswer
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, IdentityKeys, identity_keys
from reseller_desk.domain.intake import form_problems
from reseller_desk.domain.terms import ScreeningCheck, TermsProfile
from reseller_desk.domain.text import clean_line, clean_note
from reseller_desk.services import audit, customers, records
from reseller_desk.services.applications import queries, writing
from reseller_desk.services.applications.queries import ApplicationDetail
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

Evidence = dict[ScreeningCheck, list[str] | None]


def _matching_customers(session: Session, app: Application, applicant: CustomerDraft) -> dict[int, str]:
    """Id -> name of the customers the applicant may be (domain.customer.identity_keys), and of
    the existing customer the application names."""
    names = {hit.id: hit.name for hit in customers.matching_customers(session, applicant)}
    if app.customer_id is not None and app.customer_id not in names:
        customer = session.get(Customer, app.customer_id)
        names[app.customer_id] = customer.name if customer else ""
    return dict(sorted(names.items()))


def _earlier_refusals(session: Session, app: Application, keys: IdentityKeys,
                      customer_ids: Sequence[int]) -> list[str]:
    """Earlier refused applications of the same applicant: by one of the matching customers, or
    with the same 法人番号, name and phone, or name and address as given on the application
    (the applicant keys stored on every application). An empty key matches nothing.

    One statement: the ids sharing a key are a union of one index look-up per key (an OR of
    them would let SQLite's planner prefer scanning every refused application by status,
    since most applications have no customer_id), then those refused, other than this one."""
    same = [select(Application.id).where(Application.customer_id.in_(customer_ids))] if customer_ids else []
    for column, key in ((Application.applicant_corporate_number, keys.corporate_number),
                        (Application.applicant_name_phone_key, keys.name_phone),
                        (Application.applicant_name_address_key, keys.name_address)):
        if key:
            same.append(select(Application.id).where(column == key))
    if not same:
        return []
    ids = same[0] if len(same) == 1 else union(*same)
    refused = session.execute(select(Application.number, Application.received_on)
                              .where(Application.id.in_(ids), Application.status == ApplicationStatus.REFUSED,
                                     Application.id != app.id)
                              .order_by(Application.id))
    return [f"過去の申込 {number}（{received_on.isoformat()}受付）が不承諾" for number, received_on in refused]


def _incident_text(incident: CustomerIncident, names: dict[int, str]) -> str:
    return (f"顧客{incident.customer_id}「{names.get(incident.customer_id, '')}」の{incident.kind.label}記録 "
            f"{incident.occurred_on.isoformat()}"
            + (f" ¥{incident.amount:,}" if incident.amount else "")
            + (f"（{incident.resolved_on.isoformat()} 解消）" if incident.resolved_on else "")
            + (f": {incident.note}" if incident.note else ""))


def _evidence(session: Session, app: Application, applicant: CustomerDraft, names: dict[int, str],
              profile_key: str) -> Evidence:
    """For every check: the records that answer it (an empty list: checked, nothing found), or
    None when it cannot be answered yet (the identity letter is still out)."""
    customer_ids = list(names)
    incidents = list(session.scalars(select(CustomerIncident).where(CustomerIncident.customer_id.in_(customer_ids))
                                     .order_by(CustomerIncident.occurred_on))) if customer_ids else []
    found: Evidence = {check: [_incident_text(i, names) for i in incidents if i.kind is kind]
                       for check, kind in application.INCIDENT_CHECKS.items()}
    found[ScreeningCheck.REFUSED_BEFORE] = _earlier_refusals(session, app, identity_keys(applicant), customer_ids)
    found[ScreeningCheck.FORM_INCOMPLETE] = form_problems(
        records.draft_of(session, app, profile_key), customers.check_customer(applicant)[1],
        is_corporate=applicant.kind is CustomerKind.CORPORATE)
    found[ScreeningCheck.POSTAL_IDENTITY] = application.postal_identity_evidence(application.IdentityLetter(
        app.identity_letter_status, app.identity_letter_sent_on, app.identity_letter_result_on))
    return found


def _searched(customer_count: int) -> str:
    return (f"照合: 同じ法人番号・名称と電話番号・名称と住所の顧客 {customer_count}件と過去の申込を確認し、該当なし"
            if customer_count else "照合: 同じ法人番号・名称と電話番号・名称と住所の顧客なし、過去の申込にも該当なし")


def prefill(session: Session, app: Application, profile: TermsProfile) -> list[ScreeningItem]:
    """Answer the lines the records can answer; a line a person answered is left alone. The
    checklist afterwards, in its order."""
    applicant = records.applicant_of(session, app)
    names = _matching_customers(session, app, applicant)
    found = _evidence(session, app, applicant, names, profile.key)
    rows = records.checklist_rows(session, app)
    items = {i.ground_code: i for i in rows}
    now = utcnow()
    searched = _searched(len(names))
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
    return rows


@retried
def start_screening(db: Database, actor: Actor, application_id: int, *, expected_version: int) -> ApplicationDetail:
    """Create the checklist (one line per refusal ground of the application's terms, worded as
    in the terms) and pre-fill what the records answer; the application becomes 審査中.
    Calling it again refreshes the pre-filled lines. ``expected_version``: the row_version the
    screen was showing (a changed application is a ConcurrentEdit)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="審査")
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "審査")
        profile = records.profile_of(session, app)
        existing = {i.ground_code for i in records.checklist_rows(session, app)}
        for ground in profile.screening.grounds:
            if ground.code not in existing:
                session.add(ScreeningItem(application_id=app.id, ground_code=ground.code, ground_text=ground.text,
                                          clause=ground.clause))
        first = app.screening_started_at is None
        app.screening_started_at = app.screening_started_at or utcnow()
        app.status = ApplicationStatus.SCREENING
        writing.touch(app, actor)
        session.flush()
        lines = prefill(session, app, profile)
        audit.record(session, actor, "application.screening", "application", app.id,
                     after=[dataclasses.asdict(records.as_line(i)) for i in lines],
                     summary=f"審査{'開始' if first else '照合の更新'} {app.number}", customer_id=app.customer_id)
        return queries.detail(session, app)


@retried
def answer_screening_item(db: Database, actor: Actor, application_id: int, ground_code: str,
                          answer: ScreeningAnswer | str, note: str = "", *,
                          expected_version: int) -> ApplicationDetail:
    """A person's answer to one checklist line (問題なし / 該当 / 未確認), with who and when.
    ``expected_version`` is the row_version the checklist was showing: if the application has
    changed since, ConcurrentEdit and nothing is saved."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="審査項目の記入")
    try:
        chosen = ScreeningAnswer(answer)
    except ValueError:
        raise ValidationFailed({"answer": "「問題なし」「該当」「未確認」から選んでください。"}) from None
    problem = application.note_problem(note, "メモ")
    if problem:
        raise ValidationFailed({"note": problem})
    if not isinstance(ground_code, str):
        raise NotFound("指定された審査項目はありません。")
    ground_code = clean_line(ground_code)
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "審査項目を記入")
        item = session.scalars(select(ScreeningItem).where(ScreeningItem.application_id == app.id,
                                                           ScreeningItem.ground_code == ground_code)).first()
        if item is None:
            raise NotFound(f"審査項目 {ground_code} がありません。先に「審査開始」をしてください。")
        before = {"answer": item.answer, "note": item.note, "prefilled": item.prefilled}
        item.answer, item.note = chosen, clean_note(note)
        item.prefilled, item.checked_by_id, item.checked_at = False, actor.user_id, utcnow()
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, "screening.answer", "screening_item", item.id, before=before,
                     after={"answer": chosen, "note": item.note, "ground": ground_code},
                     summary=f"審査項目({ground_code}) {chosen.label} {app.number}",
                     application_id=app.id, customer_id=app.customer_id)
        return queries.detail(session, app)

"""Deciding an application (manager only), and the applicant's withdrawal before the decision
(SC §7–8, SH §14.2, §15).

承諾 creates the customer if new and the contract, issues the カスタマID (never reused) and
the acceptance notice; 不承諾 issues a notice that gives no reason. When each is possible, and
on which dates, is domain.application's (approval_blockers, approval_problems,
refusal_blockers, decision_date_problems, contract_dates, withdrawal_status).
"""

from __future__ import annotations

import datetime as dt

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract
from reseller_desk.domain import application
from reseller_desk.domain.application import ApplicationStatus, ScreeningAnswer
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit, customers, notices, numbering, records
from reseller_desk.services.applications import queries, writing
from reseller_desk.services.applications.queries import ApplicationDetail, ContractPreview, WithdrawalResult
from reseller_desk.services.contracts import history
from reseller_desk.services.errors import Blocked, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried


def preview_contract(db: Database, application_id: int, *, decided_on: dt.date, registered_on: dt.date | None = None,
                     opened_on: dt.date | None = None) -> ContractPreview:
    """The contract formation date and first billable month that approving on these dates
    would give (domain.application.contract_dates). Writes nothing."""
    with db.transaction() as session:
        profile = records.profile_of(session, records.load(session, application_id))
    dates = application.contract_dates(profile, decided_on, registered_on, opened_on)
    return ContractPreview(dates.formed_on, application.formation_label(profile), dates.first_billable_month,
                           application.first_billable_note(profile), dates.uses_registration_date,
                           dates.uses_opening_date)


@retried
def approve_application(db: Database, actor: Actor, application_id: int, *, expected_version: int,
                        decided_on: dt.date | None = None, registered_on: dt.date | None = None,
                        opened_on: dt.date | None = None, today: dt.date | None = None) -> ApplicationDetail:
    """承諾 (manager only): every checklist line 問題なし, the papers in, a face-to-face plan
    sold face to face with photo ID (SC §6.4), dated between receipt and today. Creates the
    customer if new and the contract: formed on the 登録日 under SC §7 (the decision date unless
    given), on the day acceptance is notified under SH §15.1; issues the カスタマID (never
    reused) and the acceptance notice. ``expected_version``: the row_version of the screen the
    decision was made on; a decision on a stale screen is a ConcurrentEdit."""
    require_role(actor, Role.MANAGER, action="申込の承諾")
    today = today or clock.today()
    decided_on = today if decided_on is None else decided_on
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "承諾")
        profile = records.profile_of(session, app)
        blockers = queries.approval_blockers_of(session, app)
        if blockers:
            raise Blocked("承諾", blockers)
        errors = application.approval_problems(profile, received_on=app.received_on, decided_on=decided_on,
                                               registered_on=registered_on, opened_on=opened_on, today=today)
        if errors:
            raise ValidationFailed(errors)
        dates = application.contract_dates(profile, decided_on, registered_on, opened_on)
        issuer = notices.current_issuer(session)

        applicant = records.applicant_of(session, app)
        if app.customer_id is None:
            customer = customers.insert_customer(session, actor, applicant, application_id=app.id)
            app.customer_id = customer.id
        # SH: formed on acceptance, and 開通待ち until the line is opened (SH §17); SC: the 登録日
        # is when the service is registered for use (SC §7), so it is 利用中 from then.
        status = ContractStatus.AWAITING_OPENING if dates.first_billable_month is None else ContractStatus.ACTIVE
        contract = Contract(
            customer_code=numbering.customer_code(session), customer_id=app.customer_id, application_id=app.id,
            terms_profile_id=app.terms_profile_id, status=status,
            formed_on=dates.formed_on, registered_on=dates.formed_on if dates.uses_registration_date else None,
            opened_on=opened_on, first_billable_month=dates.first_billable_month,
            payment_method=app.payment_method, created_by_id=actor.user_id)
        contract.set_debit_account(records.debit_of(app))
        session.add(contract)
        session.flush()
        history.start_periods(session, actor, contract, plan_id=app.plan_id, lines=app.lines,
                              options=dict.fromkeys(records.option_ids_of(session, app), 1),
                              from_month=first_of_month(dates.formed_on))
        history.record_event(session, actor, contract, ContractEventKind.FORMED, effective_on=dates.formed_on,
                             to_status=status, reason=f"申込 {app.number} の承諾")
        app.status = ApplicationStatus.APPROVED
        app.decided_on, app.decided_by_id = decided_on, actor.user_id
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, "application.approve", "application", app.id,
                     after={"decided_on": decided_on, "formed_on": dates.formed_on,
                            "customer_code": contract.customer_code,
                            "first_billable_month": dates.first_billable_month},
                     summary=f"承諾 {app.number} → カスタマID {contract.customer_code}", customer_id=app.customer_id)
        audit.record(session, actor, "contract.add", "contract", contract.id,
                     after={"customer_code": contract.customer_code, "plan_id": app.plan_id, "lines": app.lines,
                            "formed_on": dates.formed_on, "first_billable_month": dates.first_billable_month,
                            "opened_on": opened_on},
                     summary=f"契約成立 {contract.customer_code}", customer_id=app.customer_id, application_id=app.id)
        notices.issue_approval(session, actor, app, contract, profile, issuer, decided_on, applicant=applicant)
        return queries.detail(session, app)


@retried
def refuse_application(db: Database, actor: Actor, application_id: int, internal_note: str, *,
                       expected_version: int, decided_on: dt.date | None = None,
                       today: dt.date | None = None) -> ApplicationDetail:
    """不承諾 (manager only): at least one line 該当 and an internal note, dated between receipt
    and today. The reason stays in the database; the refusal notice carries none (SH §14.2).
    ``expected_version`` as for :func:`approve_application`."""
    require_role(actor, Role.MANAGER, action="申込の不承諾")
    today = today or clock.today()
    decided_on = today if decided_on is None else decided_on
    problem = application.note_problem(internal_note, "社内メモ")
    if problem:
        raise ValidationFailed({"internal_note": problem})
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "不承諾に")
        lines = records.checklist_rows(session, app)
        reasons = application.refusal_blockers([records.as_line(i) for i in lines], internal_note)
        if reasons:
            raise Blocked("不承諾に", reasons)
        errors = application.decision_date_problems(received_on=app.received_on, decided_on=decided_on, today=today)
        if errors:
            raise ValidationFailed(errors)
        issuer = notices.current_issuer(session)
        app.status = ApplicationStatus.REFUSED
        app.decided_on, app.decided_by_id = decided_on, actor.user_id
        app.decision_note = clean_note(internal_note)
        writing.touch(app, actor)
        session.flush()
        hits = [i.ground_code for i in lines if i.answer is ScreeningAnswer.HIT]
        audit.record(session, actor, "application.refuse", "application", app.id,
                     after={"decided_on": decided_on, "hit_grounds": hits, "internal_note": app.decision_note},
                     summary=f"不承諾 {app.number}", customer_id=app.customer_id)
        notices.issue_refusal(session, actor, app, records.profile_of(session, app), issuer, decided_on,
                              applicant=records.applicant_of(session, app))
        return queries.detail(session, app)


@retried
def withdraw_application(db: Database, actor: Actor, application_id: int, *, expected_version: int,
                         on: dt.date | None = None, today: dt.date | None = None) -> WithdrawalResult:
    """The applicant withdraws before the decision. Where the terms allow it (SC: nothing
    forbids it) the application is 取下げ; under SH §15.2 the applicant cannot withdraw, so the
    request is recorded and the application stays as it is. ``expected_version``: the
    row_version the screen was showing."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="申込の取下げ")
    today = today or clock.today()
    on = today if on is None else on
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        writing.require_open(app, "取り下げ")
        errors = application.withdrawal_problems(received_on=app.received_on, on=on, today=today)
        if errors:
            raise ValidationFailed(errors)
        profile = records.profile_of(session, app)
        status = application.withdrawal_status(profile)
        if status is not None:
            app.status = status
            app.cancel_kind, app.cancelled_on = "withdrawn", on
            message = f"申込 {app.number} を取り下げました（申込者からの申し出）。"
            action = "application.withdraw"
        else:
            app.withdrawal_requested_on = on
            message = (f"{profile.name}の約款（{profile.intake.clause}: 契約者は申込みを取り消すことはできない）"
                       "により、申込者は申込みを取り下げられません。取下げの申し出として記録しました。審査は続きます。")
            action = "application.withdrawal_request"
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, action, "application", app.id, after={"on": on}, summary=message,
                     customer_id=app.customer_id)
        return WithdrawalResult(status is not None, message, queries.detail(session, app))

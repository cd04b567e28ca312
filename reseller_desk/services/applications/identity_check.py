"""The postal identity check of SH §14.2(7): the identity letter sent to the applicant's address,
its arrival (本人確認済) or not (本人確認不可), and the revocation of an acceptance that a failed
letter brings after 承諾 — the contract 取消 and a 契約取消通知書.

The order of the steps, their dates and what a failure does are domain.application's
(letter_step_problem, identity_letter_problems, identity_letter_change); this module loads,
asks, writes, audits and issues the notice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract
from reseller_desk.domain import application
from reseller_desk.domain import contract as contract_states
from reseller_desk.domain.application import IdentityLetterResult
from reseller_desk.domain.contract import ContractAction
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services import audit, notices, records
from reseller_desk.services.applications import queries, screening, writing
from reseller_desk.services.applications.queries import ApplicationDetail
from reseller_desk.services.contracts import history
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried


@retried
def record_identity_letter(db: Database, actor: Actor, application_id: int, status: IdentityLetterResult | str, *,
                           expected_version: int, on: dt.date | None = None,
                           today: dt.date | None = None) -> ApplicationDetail:
    """SH §14.2(7): the identity letter sent by post — sent, arrived (本人確認済) or not (本人確認
    不可), in that order (domain.application.letter_step_problem); a confirmed result is final.
    A failure before the decision marks its checklist line 該当; after acceptance it revokes
    the acceptance (承諾取消), the contract (取消) and issues the 契約取消通知書.
    ``expected_version``: the row_version the screen was showing."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="郵送本人確認の記録")
    today = today or clock.today()
    on = today if on is None else on
    try:
        result = IdentityLetterResult(status)
    except ValueError:
        raise ValidationFailed({"identity_letter_status": "本人確認郵便の状態を選んでください。"}) from None
    with writing.changing(db, actor) as session:
        app = writing.load_for_change(session, application_id, expected_version)
        profile = records.profile_of(session, app)
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
        writing.touch(app, actor)
        session.flush()
        audit.record(session, actor, "application.identity_letter", "application", app.id, before=before,
                     after={"status": result, "on": on}, summary=f"本人確認郵便: {result.label} {app.number}",
                     customer_id=app.customer_id)
        if app.status.is_open and app.screening_started_at is not None:
            screening.prefill(session, app, profile)
        if change.contract_status is not None:
            contract = session.scalars(select(Contract).where(Contract.application_id == app.id)).one()
            issuer = notices.current_issuer(session)
            before_contract = contract.status
            try:  # the contract's own state machine says whether it can still be revoked
                revoked = history.change_status(session, actor, contract, ContractAction.REVOKE,
                                                ContractEventKind.REVOKED, effective_on=on,
                                                reason="郵送による本人確認ができなかった")
            except contract_states.TransitionRefused as refused:
                raise ServiceError(str(refused)) from refused
            contract.revoked_on = contract.ends_on = on
            app.status = change.status
            app.cancel_kind, app.cancelled_on = "identity_check_failed", on
            session.flush()
            audit.record(session, actor, "contract.revoke", "contract", contract.id,
                         before={"status": before_contract}, after={"status": contract.status, "revoked_on": on},
                         summary=f"契約取消（本人確認不可） {contract.customer_code}",
                         customer_id=contract.customer_id, application_id=app.id)
            notice = notices.issue_revocation(session, actor, app, contract, profile, issuer, on,
                                              applicant=records.applicant_of(session, app))
            revoked.notice_id = notice.id   # the timeline's 取消 names the 契約取消通知書
        return queries.detail(session, app)

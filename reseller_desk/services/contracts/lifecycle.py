"""The contract's lifecycle, one function per action the contract screens and the command line
call (terms-rules.md §3, §7): opening here; suspension and resuming
(lifecycle_suspension), the endings (lifecycle_ending), succession (lifecycle_succession) and
the changes from a month (lifecycle_changes), all importable from this module.

Every action that writes is @retried, runs in one write transaction, checks the actor's role,
loads the contract at the version its screen showed (ConcurrentEdit otherwise), moves the
status only through history.change_status (domain.contract.transition), writes an audit record
and returns an ActionResult.
"""

from __future__ import annotations

import datetime as dt

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.domain import rules
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.contract import ContractAction
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.acting import (
    audit_contract,
    changing,
    day_problems,
    done,
    load_for_change,
    month_text,
    profile_of,
    refuse_if,
    require_move,
)
from reseller_desk.services.contracts.lifecycle_changes import (
    add_option,
    add_special_agreement,
    change_lines,
    change_plan,
    end_option,
    set_numbers,
)
from reseller_desk.services.contracts.lifecycle_ending import (
    accept_cancellation,
    complete_cancellations,
    preview_cancellation,
    record_death,
    terminate_contract,
    termination_grounds,
)
from reseller_desk.services.contracts.lifecycle_succession import (
    complete_succession,
    list_successions,
    report_succession,
)
from reseller_desk.services.contracts.lifecycle_suspension import (
    resume_contract,
    start_suspension,
    suspend_contract,
    suspension_terms,
    withdraw_suspension,
)
from reseller_desk.services.contracts.results import ActionResult
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role
from reseller_desk.services.retry import retried

__all__ = [
    "ActionResult", "accept_cancellation", "add_option", "add_special_agreement", "change_lines", "change_plan",
    "complete_cancellations", "complete_succession", "end_option", "list_successions", "open_contract",
    "preview_cancellation", "record_death", "report_succession", "resume_contract", "set_numbers",
    "start_suspension", "suspend_contract", "suspension_terms", "terminate_contract", "termination_grounds",
    "withdraw_suspension",
]


@retried
def open_contract(db: Database, actor: Actor, contract_id: int, *, opened_on: dt.date, expected_version: int,
                  today: dt.date | None = None) -> ActionResult:
    """開通 of a 開通待ち contract (SH §17: the usage start date is the day the number is opened):
    sets 開通日 and the first billable month (rules.first_billable_month: SH §28.2, that month)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="開通")
    today = today or clock.today()
    refuse_if(day_problems(today, opened_on=(opened_on, "開通日")))
    with changing(db, actor) as session:
        contract = load_for_change(session, contract_id, expected_version)
        require_move(contract, ContractAction.OPEN)
        if opened_on < contract.formed_on:
            raise ValidationFailed({"opened_on": f"開通日は契約成立日（{japanese_date(contract.formed_on)}）"
                                                 "より前にできません。"})
        profile = profile_of(session, contract)
        first = rules.first_billable_month(profile, contract.registered_on or contract.formed_on, opened_on)
        contract.opened_on, contract.first_billable_month = opened_on, first
        history.change_status(session, actor, contract, ContractAction.OPEN, ContractEventKind.OPENED,
                              effective_on=opened_on, reason=f"開通（課金開始月 {month_text(first)}）")
        audit_contract(session, actor, "contract.open", contract, "開通",
                       {"opened_on": opened_on, "first_billable_month": first})
        return done(session, contract, f"{japanese_date(opened_on)}に開通しました。"
                                       f"課金開始月は{month_text(first)}です。")

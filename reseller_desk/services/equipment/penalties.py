"""The late-return penalty of a lent unit (SH §13.5; terms-rules.md §8 and its decision): its base
(the contract's recurring monthly charges at its end), the penalty so far, a manager's reduction
or waiver, and the month a charge of the equipment goes on. ``domain.rules.late_return_penalty``
decides every amount; this reads the facts and records what the office charges.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, EquipmentModel, EquipmentUnit, OneTimeCharge, Rental, ReturnRequest
from reseller_desk.domain import billing, rules
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.equipment import rental_billed_in
from reseller_desk.domain.staff import Role
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.acting import changing, note_problem, profile_of
from reseller_desk.services.equipment import charging
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, require_role
from reseller_desk.services.prices import named_prices_in
from reseller_desk.services.retry import retried

__all__ = ["OPEN", "SOURCE", "add_charge", "computed_penalty", "contract_penalty_so_far",
           "load_request", "monthly_charges_at_end", "open_group", "set_amount", "set_penalty"]

#: ``one_time_charges.source`` of every charge a return records.
SOURCE = "return_request"
OPEN, RETURNED, LOST = "open", "returned", "lost"
#: The largest amount a clerk or manager may type for an equipment charge (¥10,000,000 exclusive).
MAX_AMOUNT = 9_999_999


def monthly_charges_at_end(session: Session, contract: Contract, profile: TermsProfile) -> int:
    """The penalty's base (SH §13.5 1カ月当たりの料金等; terms-rules.md §8 decision): the contract's
    recurring lines before tax in its last billable month (plan, options, every unit lent then),
    as the billing run bills them; 0 when the contract never had a billable month."""
    month = contract.last_billable_month or contract.first_billable_month
    if month is None or contract.first_billable_month is None:
        return 0
    month = first_of_month(month)
    composition = history.composition_of(session, contract.id, month)
    lines: list[billing.BillLine] = []
    if composition is not None:
        option_ids = [o for o, _ in composition.options]
        plans, options = named_prices_in(session, month, [composition.plan_id], option_ids)
        lines += billing.contract_lines(
            profile, month, customer_code=contract.customer_code, contract_id=contract.id, composition=composition,
            first_billable_month=contract.first_billable_month, plan=plans[composition.plan_id],
            options={o: options[o] for o in option_ids}, option_first_months={})
    rented = session.execute(
        select(Rental.id, Rental.lent_on, Rental.returned_on, EquipmentModel.id, EquipmentModel.name,
               EquipmentUnit.serial_number)
        .join(EquipmentUnit, EquipmentUnit.id == Rental.unit_id).join(EquipmentModel,
                                                                       EquipmentModel.id == EquipmentUnit.model_id)
        .where(Rental.contract_id == contract.id).order_by(Rental.id)).all()
    prices = model_prices_in(session, month, {row[3] for row in rented}) if rented else {}
    for rental_id, lent_on, returned_on, model_id, name, serial in rented:
        if rental_billed_in(month, lent_on, returned_on, contract.last_billable_month):
            lines.append(billing.rental_line(month, customer_code=contract.customer_code, contract_id=contract.id,
                                             model_name=name, serial=serial, fee=prices[model_id].rental_fee,
                                             rental_id=rental_id))
    return billing.monthly_charges(lines)


def open_group(session: Session, contract_id: int) -> list[ReturnRequest]:
    """The open returns of a contract's end (reason contract_ended), oldest first. The penalty is
    the contract's, not each unit's: SH §13.5 counts until the return is complete, so it is
    charged once, when the last of them is back or declared lost (decision)."""
    return list(session.scalars(select(ReturnRequest).where(
        ReturnRequest.contract_id == contract_id, ReturnRequest.reason == "contract_ended",
        ReturnRequest.status == OPEN).order_by(ReturnRequest.id)))


def computed_penalty(profile: TermsProfile, group: list[ReturnRequest], on: dt.date) -> int:
    """What the terms give for ``group`` (a contract's open returns) if the return completed on
    ``on``: rules.late_return_penalty with their base and deadline; 0 under terms without the
    rule (SC lends nothing) or with nothing open."""
    if profile.rental_return is None or not group:
        return 0
    deadline = min(r.deadline for r in group)
    return rules.late_return_penalty(profile, group[0].monthly_charges, deadline, on)


def set_amount(group: list[ReturnRequest]) -> int | None:
    """The amount a manager set for the group (遅延損害金の減免), or None."""
    return next((r.penalty_charged for r in group if r.penalty_charged is not None), None)


def contract_penalty_so_far(session: Session, profile: TermsProfile, contract: Contract, on: dt.date) -> int:
    """The contract's late-return penalty as it would be charged on ``on``: the manager's amount
    when one is set, else what the terms give."""
    group = open_group(session, contract.id)
    chosen = set_amount(group)
    return chosen if chosen is not None else computed_penalty(profile, group, on)


def load_request(session: Session, request_id: object) -> ReturnRequest:
    request = session.get(ReturnRequest, request_id) if is_record_id(request_id) else None
    if request is None:
        raise NotFound("指定された返却の記録は見つかりません。一覧を読み込み直してください。")
    return request


def add_charge(session: Session, actor: Actor, contract: Contract, request: ReturnRequest, on: dt.date,
               kind: ChargeKind, description: str, amount: int, note: str = "",
               tax: TaxCategory = TaxCategory.OUTSIDE) -> OneTimeCharge:
    """A charge of the return on the next invoice of the contract's account (services.equipment
    .charging; not-taxed 不課税 by default: damages and penalties are compensation, terms-rules.md §4)."""
    return charging.add_charge(session, actor, contract, on, kind, description[:200], amount, tax, source=SOURCE,
                               source_id=request.id, note=note)


def _amount_problem(amount: object, label: str) -> str | None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        return f"{label}は円単位の整数で入力してください。"
    if amount < 0 or amount > MAX_AMOUNT:
        return f"{label}は0円から{MAX_AMOUNT:,}円までで入力してください。"
    return None


@retried
def set_penalty(db: Database, actor: Actor, request_id: int, amount: int, reason: str, *,
                today: dt.date | None = None) -> int:
    """遅延損害金の減免 (a manager, with a reason): the penalty of an open return is ``amount``
    (0: waived), at most what the terms give so far; receiving the unit or declaring it lost
    then charges that amount. The audit record keeps the amount before and after. Returns it."""
    require_role(actor, Role.MANAGER, action="遅延損害金の減免")
    today = today or clock.today()
    problems = {k: p for k, p in (("amount", _amount_problem(amount, "遅延損害金")),
                                  ("reason", note_problem(reason, "減免の理由", required=True))) if p}
    if problems:
        raise ValidationFailed(problems)
    with changing(db, actor) as session:
        request = load_request(session, request_id)
        if request.status != OPEN or request.reason != "contract_ended":
            raise ServiceError("この返却はすでに処理済みか、契約終了による返却ではないため、"
                               "遅延損害金を変更できません。")
        contract = session.get(Contract, request.contract_id)
        assert contract is not None  # the foreign key says so
        profile = profile_of(session, contract)
        group = open_group(session, contract.id)
        so_far = computed_penalty(profile, group, today)
        if amount > so_far:
            raise ValidationFailed({"amount": f"減免後の額は現時点の遅延損害金（{so_far:,}円）以下にしてください。"})
        before = {"penalty_charged": request.penalty_charged, "penalty_reason": request.penalty_reason,
                  "penalty_so_far": so_far}
        for member in group:
            member.penalty_charged, member.penalty_reason = amount, clean_note(reason)
        session.flush()
        audit.record(session, actor, "return_request.penalty", "return_request", request.id, before=before,
                     after={"penalty_charged": amount, "penalty_reason": request.penalty_reason},
                     summary=f"遅延損害金の{'免除' if amount == 0 else '減額'} {contract.customer_code}"
                             f"（{so_far:,}円→{amount:,}円）", customer_id=contract.customer_id)
        return amount

"""Records kept on a customer that later screening must see: 資格取消, 強制解約, 規約違反 and
未払い (SC §8(1), (8); SH §14.2(1), (3)). They belong to the customer, not to an application:
the checklist of every later application by a matching customer is pre-filled from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, CustomerIncident
from reseller_desk.domain.application import IncidentKind, validate_incident
from reseller_desk.domain.bounds import is_record_id, whole_number
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried


@dataclass(frozen=True)
class IncidentRecord:
    id: int
    customer_id: int
    kind: IncidentKind
    kind_label: str
    occurred_on: dt.date
    amount: int
    note: str
    resolved_on: dt.date | None


def _record_of(row: CustomerIncident) -> IncidentRecord:
    return IncidentRecord(row.id, row.customer_id, row.kind, row.kind.label, row.occurred_on, row.amount, row.note,
                          row.resolved_on)


@retried
def add_incident(db: Database, actor: Actor, customer_id: int, kind: IncidentKind | str, occurred_on: dt.date, *,
                 amount: int = 0, note: str = "", resolved_on: dt.date | None = None,
                 today: dt.date | None = None) -> IncidentRecord:
    """Record 資格取消, 強制解約, 規約違反 or 未払い on a customer, for later screening; the
    record's values are checked by domain.application.validate_incident."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="顧客の記録の追加")
    errors = validate_incident(kind, occurred_on, amount, resolved_on, today=today or clock.today(), note=note)
    if errors:
        raise ValidationFailed(errors)
    if not is_record_id(customer_id):
        raise NotFound("指定された顧客は見つかりません。")
    incident_kind = IncidentKind(kind)
    yen = whole_number(amount)
    assert yen is not None  # validate_incident refused anything else
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        if session.get(Customer, customer_id) is None:
            raise NotFound(f"顧客 {customer_id} は見つかりません。")
        row = CustomerIncident(customer_id=customer_id, kind=incident_kind, occurred_on=occurred_on, amount=yen,
                               note=clean_note(note), resolved_on=resolved_on, created_by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(session, actor, "incident.add", "customer_incident", row.id,
                     after={"kind": incident_kind, "occurred_on": occurred_on, "amount": yen, "note": row.note},
                     summary=f"顧客の記録: {incident_kind.label}", customer_id=customer_id)
        return _record_of(row)


def list_incidents(db: Database, customer_id: int) -> list[IncidentRecord]:
    """A customer's records, oldest first."""
    with db.transaction() as session:
        rows = session.scalars(select(CustomerIncident).where(CustomerIncident.customer_id == customer_id)
                               .order_by(CustomerIncident.occurred_on))
        return [_record_of(r) for r in rows]

"""Contracts to read, formed the way the office forms them (an application approved), and the
rows the lifecycle writes beside them (a suspension, an ending) put in directly, for the tests
of the read side (services.contracts.queries, detail, today)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from reseller_desk.db.models import Application, Contract, ContractEnding, Suspension
from reseller_desk.services import applications as apps
from tests.services.builders import RECEIVED, TODAY, sc_input, screened_clear, sh_input
from tests.versions import application_now


def approved_contract(db, clerk, manager, inp, **dates) -> int:
    """The contract formed by approving ``inp`` (an ApplicationInput), on TODAY."""
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    screened_clear(db, clerk, application_id)
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY, **dates)
    with db.transaction() as session:
        return session.scalars(select(Contract.id).where(Contract.application_id == application_id)).one()


def sc_contract(db, clerk, manager, office) -> int:
    """株式会社みらい商事: SC ベーシック (2,980円) × 2 lines and 通話録音 (500円), 利用中."""
    return approved_contract(db, clerk, manager, sc_input(office))


def sh_contract(db, clerk, manager, office, **changes) -> int:
    """山田 太郎: SH ライト (1,980円), no 開通日 yet: 開通待ち."""
    return approved_contract(db, clerk, manager, sh_input(office, **changes))


def put_suspension(db, contract_id: int, *, state: str, starts_on: dt.date, reason: str = "未払い") -> None:
    with db.transaction(write=True) as session:
        session.add(Suspension(contract_id=contract_id, reason_code="unpaid", reason_text=reason, state=state,
                               starts_on=starts_on, noticed_on=RECEIVED))


def put_ending(db, contract_id: int, *, effective_on: dt.date, kind: str = "cancellation") -> None:
    with db.transaction(write=True) as session:
        session.add(ContractEnding(contract_id=contract_id, kind=kind, requested_on=TODAY, effective_on=effective_on,
                                   last_billable_month=effective_on.replace(day=1)))


def application_of(db, contract_id: int) -> int | None:
    with db.transaction() as session:
        return session.scalars(select(Application.id).join(Contract, Contract.application_id == Application.id)
                               .where(Contract.id == contract_id)).one_or_none()

"""Contracts for the lifecycle tests: an application approved (the way every contract of the
office is formed), and the contract's current version, timeline and notices read back."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from reseller_desk.db.models import Contract, ContractEvent, Notice
from reseller_desk.services import applications as apps
from reseller_desk.services import notices
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.services.permissions import Actor
from tests.versions import application_now

from .builders import screened_clear


def approved(db, manager: Actor, inp: ApplicationInput, *, today: dt.date, **dates: dt.date) -> int:
    """The id of the contract formed by approving ``inp`` on ``today``."""
    app = apps.create_application(db, manager, inp, today=today)
    screened_clear(db, manager, app.id)
    apps.approve_application(db, manager, app.id, expected_version=application_now(db, app.id), today=today, **dates)
    with db.transaction() as session:
        return session.scalars(select(Contract.id).where(Contract.application_id == app.id)).one()


def contract_now(db, contract_id: int) -> Contract:
    with db.transaction() as session:
        contract = session.get(Contract, contract_id)
        session.expunge(contract)
        return contract


def version(db, contract_id: int) -> int:
    return contract_now(db, contract_id).row_version


def timeline(db, contract_id: int) -> list[tuple[str, str | None, dt.date, str, int | None]]:
    """(kind, to_status, effective_on, reason, recorded_by_id), oldest first."""
    with db.transaction() as session:
        rows = session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract_id)
                               .order_by(ContractEvent.id))
        return [(e.kind.value, e.to_status.value if e.to_status else None, e.effective_on, e.reason, e.recorded_by_id)
                for e in rows]


def notice_kinds(db, contract_id: int) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(Notice.kind).where(Notice.contract_id == contract_id).order_by(Notice.id)))


def pdf_text(db, notice_id: int) -> str:
    """The text of a notice's PDF, its line breaks taken out."""
    pages = PdfReader(io.BytesIO(notices.notice_pdf(db, notice_id))).pages
    return "".join(page.extract_text() for page in pages).replace("\n", "")

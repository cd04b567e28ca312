"""Issuing the six notices of a contract's life (domain.contract_notices), as services.notices
issues the intake's: the content frozen as JSON with its document number and the PDF rendered
at that moment, in the caller's transaction, never edited. ``notices.contract_id`` is the
contract; ``application_id`` its application, None for a contract brought in without one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import Application, Contract, Notice
from reseller_desk.domain.contract_notices import ContractNoticeDetails
from reseller_desk.domain.notices import NoticeDocument, NoticeKind, to_json
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import audit, notices, numbering, records
from reseller_desk.services.contracts.acting import customer_of
from reseller_desk.services.notices import NoticeInfo
from reseller_desk.services.permissions import Actor

__all__ = ["issue", "notices_of_contract"]


def issue(session: Session, actor: Actor, kind: NoticeKind, contract: Contract, profile: TermsProfile,
          issued_on: dt.date, details: ContractNoticeDetails) -> Notice:
    """Issue the notice ``kind`` of ``contract`` with ``details``, addressed to its customer as
    the customer book has them now (copied onto the notice)."""
    customer = customer_of(session, contract)
    app = session.get(Application, contract.application_id) if contract.application_id else None
    document = NoticeDocument(
        kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year), issued_on=issued_on,
        issuer=notices.current_issuer(session), addressee=notices.addressee_of(records.customer_draft_of(customer)),
        application_number=app.number if app else "", application_received_on=app.received_on if app else None,
        service_name=profile.name, contract=details)
    row = Notice(number=document.number, kind=kind.value, application_id=app.id if app else None,
                 contract_id=contract.id, customer_id=contract.customer_id, issued_on=issued_on,
                 issued_by_id=actor.user_id, document_json=to_json(document), pdf=notices.render_pdf(document))
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{kind.label} {row.number}（{contract.customer_code}）", customer_id=contract.customer_id,
                 application_id=app.id if app else None)
    return row


def notices_of_contract(session: Session, contract_id: int) -> list[NoticeInfo]:
    """Every notice of the contract, its acceptance notice included, oldest first."""
    rows = session.scalars(select(Notice).where(Notice.contract_id == contract_id).order_by(Notice.id))
    return [NoticeInfo(n.id, n.number, n.kind, NoticeKind(n.kind).label, n.issued_on) for n in rows]

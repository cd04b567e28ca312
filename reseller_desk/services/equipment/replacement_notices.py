"""Issuing the two notices of a warranty replacement (SC §21), in the caller's transaction, as
services.contract_notices issues the contract's: numbered (交-, 送-), the content frozen as JSON
(domain.replacement_notices.notice_json: the notice's own keys and the details beside them)
with the PDF rendered at that moment, never edited. Printing again returns the stored bytes
(services.notices.notice_pdf).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from reseller_desk.db.models import Contract, Notice
from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.domain.replacement_notices import ReplacementNoticeDetails, details_of
from reseller_desk.domain.replacement_notices import notice_json as _notice_json
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import audit, notices, numbering, records
from reseller_desk.services.contracts.acting import customer_of
from reseller_desk.services.errors import NotFound, ServiceError
from reseller_desk.services.permissions import Actor

__all__ = ["issue", "notice_details", "return_place"]


def return_place(session: Session) -> str:
    """Where units are sent back: the office as 設定 has it now (name, 〒, address)."""
    issuer = notices.current_issuer(session)
    postal = f"〒{issuer.postal_code} " if issuer.postal_code else ""
    return f"{postal}{issuer.address}\n{issuer.name}"


def _render(document: NoticeDocument, details: ReplacementNoticeDetails) -> bytes:
    # ReportLab loads on the first notice, not when the window starts
    from reseller_desk.reports.replacement_notices import UnprintableNotice, render_replacement_notice

    try:
        return render_replacement_notice(document, details)
    except UnprintableNotice as error:
        raise ServiceError(f"通知書 {document.number} を印刷できる形にできません（{error}）。"
                           "会社名・住所・宛名の長さを確認してください。") from error


def issue(session: Session, actor: Actor, kind: NoticeKind, contract: Contract, profile: TermsProfile,
          issued_on: dt.date, details: ReplacementNoticeDetails) -> Notice:
    """Issue the notice ``kind`` of ``contract``'s replacement, addressed to its customer as the
    customer book has them now (copied onto the notice)."""
    customer = customer_of(session, contract)
    document = NoticeDocument(
        kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year), issued_on=issued_on,
        issuer=notices.current_issuer(session), addressee=notices.addressee_of(records.customer_draft_of(customer)),
        service_name=profile.name)
    row = Notice(number=document.number, kind=kind.value, contract_id=contract.id, customer_id=contract.customer_id,
                 issued_on=issued_on, issued_by_id=actor.user_id, document_json=_notice_json(document, details),
                 pdf=_render(document, details))
    session.add(row)
    session.flush()
    audit.record(session, actor, "notice.issue", "notice", row.id, after={"number": row.number, "kind": row.kind},
                 summary=f"{kind.label} {row.number}（{contract.customer_code}）", customer_id=contract.customer_id)
    return row


def notice_details(session: Session, notice_id: int) -> ReplacementNoticeDetails:
    """The details a replacement notice was issued with."""
    row = session.get(Notice, notice_id)
    details = details_of(row.document_json) if row is not None else None
    if details is None:
        raise NotFound(f"保証交換の通知書 {notice_id} は見つかりません。")
    return details

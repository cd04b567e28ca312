"""Issuing the 利用保証金預託のお願い (domain.deposit_notices) inside the caller's transaction, as
the other letters are issued: numbered 預-2026-000001, its content frozen as JSON beside the
PDF rendered then, never edited; printing again prints the stored bytes
(services.notices.notice_pdf)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import BankAccount, Contract, Deposit, Notice
from reseller_desk.domain.deposit_notices import DepositNoticeDetails, DepositNoticeDocument, to_json
from reseller_desk.domain.invoice_document import TransferAccount
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import notices, numbering, records
from reseller_desk.services.contracts.acting import customer_of
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.permissions import Actor

__all__ = ["UNPAID_REASON", "issue_deposit_request", "transfer_accounts"]

#: The suspension reason of a deposit not paid by its deadline, in the profiles that have one
#: (resources/terms/simpleconnect.toml [suspension].reasons: SC §9.12).
UNPAID_REASON = "deposit_unpaid"


def transfer_accounts(session: Session) -> tuple[TransferAccount, ...]:
    """The office's accounts a customer pays into (設定 → 振込先), in their order."""
    rows = session.scalars(select(BankAccount).order_by(BankAccount.sort_order, BankAccount.id)).all()
    return tuple(TransferAccount(r.bank_name, r.branch_name, r.account_type, r.account_number, r.holder_kana)
                 for r in rows)


def issue_deposit_request(session: Session, actor: Actor, contract: Contract, profile: TermsProfile,
                          deposit: Deposit, *, billing_month: dt.date | None, issued_on: dt.date) -> Notice:
    """利用保証金預託のお願い of ``deposit`` (already added), in the caller's transaction."""
    from reseller_desk.reports.deposit_notices import UnprintableNotice, render_deposit_notice

    terms = profile.deposit
    if terms is None:   # the caller refuses such profiles first
        raise ServiceError(f"{profile.name}の規約には利用保証金の定めがありません。")
    accounts = transfer_accounts(session)
    if not accounts:
        raise ServiceError("お振込先の口座が未登録です。"
                           "設定 → 振込先 で登録してから依頼してください（何も作成していません）。")
    reason = profile.suspension.reason(UNPAID_REASON)
    details = DepositNoticeDetails(
        customer_code=contract.customer_code, amount=deposit.amount, deadline=deposit.deadline,
        monthly_charges=deposit.monthly_charges, billing_month=billing_month, threshold=terms.monthly_threshold,
        clause=printed_clause(terms.clause), unpaid_clause=printed_clause(reason.clause) if reason else "",
        accounts=accounts, note=deposit.note)
    customer = customer_of(session, contract)
    kind = NoticeKind.DEPOSIT_REQUEST
    document = DepositNoticeDocument(
        kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year), issued_on=issued_on,
        issuer=notices.current_issuer(session), addressee=notices.addressee_of(records.customer_draft_of(customer)),
        service_name=profile.name, details=details)
    try:
        pdf = render_deposit_notice(document)
    except UnprintableNotice as error:
        raise ServiceError(f"通知書 {document.number} を印刷できる形にできません（{error}）。"
                           "会社名・住所・宛名・備考の長さを確認してください。") from error
    return notices.store_contract_notice(session, actor, kind, contract, document.number, issued_on,
                                         to_json(document), pdf)

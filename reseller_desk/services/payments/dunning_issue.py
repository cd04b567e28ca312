"""Issuing a stage of 督促 for the customers chosen (issue 12): one action, all or nothing. Each
customer gets one notice (督促状 促-…, or 催告書 催-… naming the day to pay by and the suspension
date, rules.final_demand_dates), its content frozen as JSON beside the PDF rendered then, a
DunningLetter and one item per invoice it names, so that no invoice is named at one stage twice
(unique per stage and invoice); and the letters come back with one combined PDF to print.

A customer with nothing due at the stage (already issued for those invoices, not late enough,
paid meanwhile, or on hold) is refused by name and nothing is issued. A cancel (the progress
dialog's 中止) stops before the transaction commits: nothing is issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    BankAccount,
    Customer,
    DunningLetter,
    DunningLetterItem,
    DunningStage,
    Invoice,
)
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.dunning_notices import (
    DunningInvoiceLine,
    DunningNoticeDetails,
    DunningNoticeDocument,
    kind_of_action,
    late_interest_text,
    to_json,
)
from reseller_desk.domain.invoice_document import TransferAccount
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.payments import DunningAction
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import audit, notices, numbering, records
from reseller_desk.services.contracts.acting import company_calendar, profile_by_id
from reseller_desk.services.equipment.return_notices import IssuedLetter
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments.dunning_list import DunningRow, OverdueInvoice, dunning_rows
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["COMBINED_NAME", "MAX_CUSTOMERS", "DunningCancelled", "IssuedDunning", "IssuedLetter", "issue_stage",
           "save_combined"]

#: Customers one issue may take: a bad month's list, well within one transaction.
MAX_CUSTOMERS = 2000
COMBINED_NAME = "督促_印刷用.pdf"
#: The suspension reason a 催告書 names: non-payment (SC §24.1(8), SH §23.1(1)).
UNPAID = "unpaid"


class DunningCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("発行を中止しました。督促状は1通も発行していません。")


class IssueProgress(Protocol):
    """What the window's progress dialog offers (ui.operations.Progress)."""

    @property
    def cancelled(self) -> bool: ...

    def report(self, done: int, total: int = 0, text: str = "") -> None: ...


@dataclass(frozen=True)
class IssuedDunning:
    stage_name: str
    kind: NoticeKind
    letters: tuple[IssuedLetter, ...]
    combined_pdf: bytes


def _ids(customer_ids: object) -> list[int]:
    if not isinstance(customer_ids, (list, tuple, set, frozenset)) or not all(is_record_id(i) for i in customer_ids):
        raise NotFound("選んだ顧客が見つかりません。一覧を読み込み直してください。")
    ids = list(dict.fromkeys(customer_ids))
    if not ids:
        raise ValidationFailed({"customers": "督促状を発行する顧客を一覧で選んでください。"})
    if len(ids) > MAX_CUSTOMERS:
        raise ValidationFailed({"customers": f"一度に発行できるのは{MAX_CUSTOMERS:,}件までです。"})
    return ids


def _stage(session: Session, stage_id: object) -> DunningStage:
    stage = session.get(DunningStage, stage_id) if is_record_id(stage_id) else None
    if stage is None:
        raise NotFound("指定された督促の段階は見つかりません。一覧を読み込み直してください。")
    if not stage.active:
        raise ServiceError(f"「{stage.name}」は無効になっています（設定 → 督促）。")
    if stage.action == DunningAction.SUSPENSION:
        raise ServiceError(f"「{stage.name}」は通知を発行しません。「停止候補」から利用停止の手続きをしてください。")
    return stage


def _refusals(session: Session, stage: DunningStage, ids: Sequence[int], rows: dict[int, DunningRow]) -> list[str]:
    names = dict(session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids))).tuples().all())
    missing = [i for i in ids if i not in names]
    if missing:
        raise NotFound("選んだ顧客の一部が見つかりません。一覧を読み込み直してください。")
    refused = []
    for customer_id in ids:
        row, name = rows.get(customer_id), names[customer_id]
        if row is None:
            refused.append(f"{name}: 期日を過ぎた未入金の請求書がありません")
        elif row.on_hold:
            refused.append(f"{name}: 督促保留中です")
        elif not row.due_invoices(stage.id):
            if any(stage.id in i.issued_stage_ids for i in row.invoices):
                refused.append(f"{name}: 「{stage.name}」は発行済みです")
            else:
                refused.append(f"{name}: 「{stage.name}」の段階ではありません")
    return refused


def _accounts(session: Session) -> tuple[TransferAccount, ...]:
    rows = session.scalars(select(BankAccount).order_by(BankAccount.sort_order, BankAccount.id)).all()
    if not rows:
        raise ServiceError("督促状に印刷する振込先口座が未設定です。設定 > 振込先口座 で登録してください。")
    return tuple(TransferAccount(r.bank_name, r.branch_name, r.account_type, r.account_number, r.holder_kana)
                 for r in rows)


def _final_demand_terms(profile: TermsProfile) -> tuple[str, str]:
    """(the clause of suspension for non-payment, the clause that asks for notice beforehand)."""
    rules_ = profile.suspension
    reason = rules_.reason(UNPAID)
    clause = printed_clause(reason.clause if reason else rules_.clause)
    return clause, printed_clause(rules_.clause) if rules_.notice_required else ""


@dataclass
class _Context:
    stage: DunningStage
    kind: NoticeKind
    today: dt.date
    company: BusinessCalendar
    accounts: tuple[TransferAccount, ...]


def _document(session: Session, ctx: _Context, customer: Customer, due: Sequence[OverdueInvoice]) \
        -> DunningNoticeDocument:
    invoices = session.scalars(select(Invoice).where(Invoice.id.in_([i.invoice_id for i in due]))).all()
    codes = sorted({code for inv in invoices for code in inv.customer_codes.split(";") if code})
    profiles = {i.terms_profile_id: profile_by_id(session, i.terms_profile_id, f"請求書 {i.number}") for i in due}
    first = profiles[due[0].terms_profile_id]
    extra: dict[str, object] = {}
    if ctx.kind is NoticeKind.FINAL_DEMAND:
        assert ctx.stage.suspension_days is not None   # save_dunning_stages requires it
        pay_by, suspension_on = rules.final_demand_dates(first, ctx.company, BusinessCalendar.bank(), ctx.today,
                                                         ctx.stage.suspension_days)
        clauses = [_final_demand_terms(p) for p in profiles.values()]
        extra = {"pay_by": pay_by, "suspension_on": suspension_on,
                 "clause": "・".join(dict.fromkeys(c for c, _ in clauses)),
                 "notice_clause": "・".join(dict.fromkeys(n for _, n in clauses if n))}
    details = DunningNoticeDetails(
        customer_codes=tuple(codes), stage_name=ctx.stage.name,
        invoices=tuple(DunningInvoiceLine(i.number, i.billing_month, i.due_date, i.owed) for i in due),
        accounts=ctx.accounts, late_interest_note=late_interest_text(first.late_interest), **extra)  # type: ignore[arg-type]
    return DunningNoticeDocument(
        kind=ctx.kind, number=numbering.notice_number(session, ctx.kind.number_prefix, ctx.today.year),
        issued_on=ctx.today, issuer=notices.current_issuer(session),
        addressee=notices.addressee_of(records.customer_draft_of(customer)),
        service_name="・".join(dict.fromkeys(p.name for p in profiles.values())), details=details)


def _issue_one(session: Session, actor: Actor, ctx: _Context, customer: Customer,
               due: Sequence[OverdueInvoice]) -> IssuedLetter:
    from reseller_desk.reports.dunning_notices import UnprintableNotice, render_dunning_notice

    document = _document(session, ctx, customer, due)
    try:
        pdf = render_dunning_notice(document)
    except UnprintableNotice as error:
        raise ServiceError(f"{customer.name}の{ctx.kind.label}を印刷できる形にできません（{error}）。"
                           "会社名・住所・宛名の長さを確認してください。") from error
    notice = notices.store_customer_notice(session, actor, ctx.kind, customer.id, customer.name, document.number,
                                           ctx.today, to_json(document), pdf)
    details = document.details
    letter = DunningLetter(stage_id=ctx.stage.id, customer_id=customer.id, notice_id=notice.id, issued_on=ctx.today,
                           owed=details.total, suspension_date=details.suspension_on, issued_by_id=actor.user_id)
    session.add(letter)
    session.flush()
    session.add_all(DunningLetterItem(dunning_letter_id=letter.id, stage_id=ctx.stage.id, invoice_id=i.invoice_id,
                                      owed=i.owed) for i in due)
    session.flush()
    until = f"、停止予定日 {japanese_date(details.suspension_on)}" if details.suspension_on else ""
    audit.record(session, actor, "dunning.issue", "dunning_letter", letter.id,
                 after={"notice": notice.number, "stage": ctx.stage.name, "invoices": [i.number for i in due],
                        "owed": details.total, "suspension_date": details.suspension_on},
                 summary=f"{ctx.kind.label} {notice.number}（{customer.name}、{details.total:,}円{until}）",
                 customer_id=customer.id)
    return IssuedLetter(notice.id, notice.number, customer.name, ",".join(details.customer_codes), pdf)


@retried
def issue_stage(db: Database, actor: Actor, stage_id: int, customer_ids: Sequence[int], *,
                today: dt.date | None = None, progress: IssueProgress | None = None) -> IssuedDunning:
    """Issue stage ``stage_id``'s notice to each customer chosen, for the invoices due at it
    (clerks and managers). Refused whole, naming each customer that has nothing due there."""
    from reseller_desk.reports.return_notices import combined_pdf

    require_role(actor, Role.CLERK, Role.MANAGER, action="督促状の発行")
    today = today or clock.today()
    ids = _ids(customer_ids)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        stage = _stage(session, stage_id)
        kind = kind_of_action(DunningAction(stage.action))
        assert kind is not None   # a suspension stage was refused
        rows = {r.customer_id: r for r in dunning_rows(session, today, ids)}
        refused = _refusals(session, stage, ids, rows)
        if refused:
            shown = "、".join(refused[:5]) + (f" ほか{len(refused) - 5}件" if len(refused) > 5 else "")
            raise ServiceError(f"{kind.label}を発行できない顧客があります（{shown}）。"
                               "選択から外してください。何も発行していません。")
        ctx = _Context(stage, kind, today, company_calendar(session), _accounts(session))
        letters = []
        for done, customer_id in enumerate(ids):
            if progress is not None:
                if progress.cancelled:
                    raise DunningCancelled()
                progress.report(done, len(ids), f"{kind.label}を作成しています（{done + 1}/{len(ids)}）")
            customer = session.get(Customer, customer_id)
            assert customer is not None
            letters.append(_issue_one(session, actor, ctx, customer, rows[customer_id].due_invoices(stage.id)))
        combined = combined_pdf(letter.pdf for letter in letters)
        if progress is not None:
            if progress.cancelled:
                raise DunningCancelled()
            progress.report(len(ids), len(ids), "")
        return IssuedDunning(stage.name, kind, tuple(letters), combined)


def save_combined(issued: IssuedDunning, path: Path) -> Path:
    """The combined PDF of an issue, written whole to ``path`` (the letters are issued already:
    each is in the database and prints again from 通知書)."""
    from reseller_desk.reports.invoice_batch import write_file

    try:
        return write_file(Path(path), issued.combined_pdf)
    except OSError as error:
        raise ServiceError(f"PDFを保存できませんでした（{path}）: {error.strerror or error}") from error

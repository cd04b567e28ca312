"""口座振替 (direct debit), the result side: the bank's 振替結果 file read whole
(domain.zengin_debit.read_file) and matched to the batch it answers, record by record (委託者コード,
引落日, 顧客番号 and amount); anything that does not match refuses the file whole, naming the
record, and nothing is applied.

A record 0 振替済 is a receipt on its collection day through the one ledger (ledger.receive,
method 口座振替, applied to its invoice). Any other leaves the invoice open, due by transfer
(rules.failed_debit_due_date from the day the result is imported) with one 口座振替不能のお知らせ
per customer (domain.debit_notices), numbered 振-2026-000001 and frozen like every notice.
The same result file imported again adds nothing (DebitBatch.result_sha256).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BankAccount, Customer, DebitBatch, DebitRequest, Invoice, Notice
from reseller_desk.db.models.base import utcnow
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_date
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.debit_notices import (
    DebitFailedDetails,
    DebitFailedDocument,
    FailedDebitLine,
    to_json,
)
from reseller_desk.domain.invoice_document import TransferAccount
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.payments import ReceiptMethod
from reseller_desk.domain.text import clean_line
from reseller_desk.domain.zengin_debit import DebitFile, DebitRecord, ZenginFileError, read_file
from reseller_desk.services import audit, notices, numbering, records
from reseller_desk.services.contracts.acting import profile_by_id
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.payments.debit_settings import current
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["MAX_FILE_BYTES", "DebitResultImported", "IssuedDebitNotice", "ResultRow", "import_debit_result"]

#: A result file larger than this is not a result file (10 MB ≈ 85,000 records).
MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class ResultRow:
    record_no: int
    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_name: str
    amount: int
    result_code: int
    reason: str                       # 振替済 or the bank's reason in Japanese
    transfer_due: dt.date | None = None
    note: str = ""

    @property
    def settled(self) -> bool:
        return self.result_code == 0


@dataclass(frozen=True)
class IssuedDebitNotice:
    notice_id: int
    number: str
    customer_id: int
    customer_name: str
    pdf: bytes


@dataclass(frozen=True)
class DebitResultImported:
    batch_id: int
    collection_date: dt.date
    rows: tuple[ResultRow, ...]
    notices: tuple[IssuedDebitNotice, ...]
    already_imported: bool = False
    file_name: str = ""

    @property
    def settled(self) -> tuple[ResultRow, ...]:
        return tuple(r for r in self.rows if r.settled)

    @property
    def failed(self) -> tuple[ResultRow, ...]:
        return tuple(r for r in self.rows if not r.settled)


def _refuse(message: str) -> ServiceError:
    return ServiceError(f"{message}（振替結果は何も取り込んでいません）")


def _read(data: object) -> DebitFile:
    if not isinstance(data, bytes):
        raise _refuse("振替結果ファイルの内容が正しく渡されていません。")
    if len(data) > MAX_FILE_BYTES:
        raise _refuse("振替結果ファイルが大きすぎます（口座振替の結果ファイルか確認してください）。")
    try:
        return read_file(data, result=True)
    except ZenginFileError as error:
        raise _refuse(f"振替結果ファイルを読めません。{error}") from error


def _batch_for(session: Session, debit: DebitFile) -> tuple[DebitBatch, dict[str, DebitRequest]]:
    """The batch the result answers and its requests by 顧客番号; ServiceError naming the record."""
    header = debit.header
    settings = current(session)
    if header.consignor_code != settings.consignor_code:
        raise _refuse(f"1件目のレコード: 委託者コード {header.consignor_code} は当社の委託者コード"
                      f"（{settings.consignor_code or '未登録'}）ではありません。")
    if not debit.records:
        raise _refuse("振替結果ファイルにデータレコードがありません。")
    first = debit.records[0].customer_number
    day = (header.debit_date.month, header.debit_date.day)
    candidates = session.scalars(select(DebitBatch).join(DebitRequest, DebitRequest.debit_batch_id == DebitBatch.id)
                                 .where(DebitRequest.customer_number == first)
                                 .order_by(DebitBatch.collection_date.desc(), DebitBatch.id.desc())).unique().all()
    same_day = [b for b in candidates if (b.collection_date.month, b.collection_date.day) == day]
    waiting = [b for b in same_day if b.result_sha256 is None]
    if not waiting:
        if same_day:
            raise _refuse(f"{same_day[0].collection_date:%Y-%m-%d} の依頼データの振替結果はすでに取り込んでいます"
                          "（内容の異なるファイルです）。")
        raise _refuse(f"2件目のレコード: 顧客番号 {first} の請求書は引落日 {header.debit_date:%m月%d日} に"
                      "依頼していません。")
    batch = waiting[0]
    requests = {r.customer_number: r for r in session.scalars(
        select(DebitRequest).where(DebitRequest.debit_batch_id == batch.id))}
    return batch, requests


def _matched(debit: DebitFile, requests: dict[str, DebitRequest]) -> list[tuple[DebitRecord, DebitRequest]]:
    pairs: list[tuple[DebitRecord, DebitRequest]] = []
    seen: set[str] = set()
    for number, record in enumerate(debit.records, start=2):
        request = requests.get(record.customer_number)
        if request is None:
            raise _refuse(f"{number}件目のレコード: 顧客番号 {record.customer_number} の請求書はこの依頼データで"
                          "依頼していません。")
        if record.customer_number in seen:
            raise _refuse(f"{number}件目のレコード: 顧客番号 {record.customer_number} の結果が2回あります。")
        if record.amount != request.amount:
            raise _refuse(f"{number}件目のレコード: 引落金額 {record.amount:,}円が依頼した {request.amount:,}円と"
                          "違います。")
        seen.add(record.customer_number)
        pairs.append((record, request))
    if len(pairs) != len(requests):
        raise _refuse(f"依頼した {len(requests)}件のうち {len(requests) - len(pairs)}件の結果がファイルにありません。")
    return pairs


def _accounts(session: Session) -> tuple[TransferAccount, ...]:
    rows = session.scalars(select(BankAccount).order_by(BankAccount.sort_order, BankAccount.id)).all()
    return tuple(TransferAccount(r.bank_name, r.branch_name, r.account_type, r.account_number, r.holder_kana)
                 for r in rows)


def _issue_notice(session: Session, actor: Actor, batch: DebitBatch, customer: Customer,
                  failed: Sequence[tuple[DebitRequest, Invoice, str]], today: dt.date) -> Notice:
    from reseller_desk.reports.debit_notices import UnprintableNotice, render_debit_notice

    profiles = list(dict.fromkeys(profile_by_id(session, inv.terms_profile_id, f"請求書 {inv.number}").name
                                  for _, inv, _ in failed))
    codes = tuple(dict.fromkeys(c for _, inv, _ in failed for c in inv.customer_codes.split(";") if c))
    details = DebitFailedDetails(
        collection_date=batch.collection_date,
        lines=tuple(FailedDebitLine(inv.number, inv.billing_month, req.amount, reason) for req, inv, reason in failed),
        transfer_due=min(req.transfer_due for req, _, _ in failed if req.transfer_due is not None),
        accounts=_accounts(session), customer_codes=codes)
    document = DebitFailedDocument(
        kind=NoticeKind.DEBIT_FAILED, issued_on=today, details=details, service_name="・".join(profiles),
        number=numbering.notice_number(session, NoticeKind.DEBIT_FAILED.number_prefix, today.year),
        issuer=notices.current_issuer(session), addressee=notices.addressee_of(records.customer_draft_of(customer)))
    try:
        pdf = render_debit_notice(document)
    except UnprintableNotice as error:
        raise _refuse(f"通知書 {document.number} を印刷できる形にできません（{error}）。"
                      "会社名・住所・宛名の長さを確認してください。") from error
    return notices.store_customer_notice(session, actor, NoticeKind.DEBIT_FAILED, customer.id, customer.name,
                                         document.number, today, to_json(document), pdf)


def _already(session: Session, batch: DebitBatch, name: str) -> DebitResultImported:
    from reseller_desk.services.payments.debit import requests_of

    rows = tuple(ResultRow(r.record_no, r.invoice_id, r.invoice_number, r.customer_id, r.customer_name, r.amount,
                           r.result_code if r.result_code is not None else 9, r.result_text, r.transfer_due)
                 for r in requests_of(session, batch.id))
    return DebitResultImported(batch.id, batch.collection_date, rows, (), already_imported=True, file_name=name)


@retried
def import_debit_result(db: Database, actor: Actor, data: bytes, *, file_name: str = "",
                        today: dt.date | None = None) -> DebitResultImported:
    """Import a 振替結果 file (see the module): settle what was debited, give the rest a due date
    by transfer and a notice per customer. Audited ``debit.result``. The same file again adds
    nothing (``already_imported``). A malformed or unmatched file is refused whole."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="口座振替の結果の取込")
    today = today if today is not None and is_date(today) else clock.today()
    name = clean_line(file_name)[:255] if isinstance(file_name, str) else ""
    debit = _read(data)
    assert isinstance(data, bytes)
    digest = hashlib.sha256(data).hexdigest()
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        done = session.scalars(select(DebitBatch).where(DebitBatch.result_sha256 == digest)).first()
        if done is not None:
            return _already(session, done, name)
        batch, requests = _batch_for(session, debit)
        pairs = _matched(debit, requests)
        settings = current(session)
        bank = BusinessCalendar.bank()
        invoices = {i.id: i for i in session.scalars(select(Invoice).where(
            Invoice.id.in_([r.invoice_id for r in requests.values()])))}
        owed = balances(session, invoice_ids=list(invoices))
        customers = {c.id: c for c in session.scalars(select(Customer).where(
            Customer.id.in_({r.customer_id for r in requests.values()})))}
        rows: list[ResultRow] = []
        failed: dict[int, list[tuple[DebitRequest, Invoice, str]]] = {}
        for record, request in pairs:
            invoice = invoices[request.invoice_id]
            customer = customers[request.customer_id]
            request.result_code = record.result_code
            request.result_on = today
            if record.debited:
                still_open = owed[invoice.id].owed > 0
                ledger.receive(session, actor, request.customer_id, received_on=batch.collection_date,
                               amount=request.amount, method=ReceiptMethod.DEBIT, payer_name=request.holder_name,
                               note=f"口座振替 {batch.collection_date:%Y-%m-%d}",
                               invoice_ids=[invoice.id] if still_open else [], debit_request_id=request.id)
                note = "" if still_open else "請求書はすでに入金済みのため、お預かり（過入金）になりました"
                rows.append(ResultRow(request.record_no, invoice.id, invoice.number, customer.id, customer.name,
                                      request.amount, 0, record.result_text, note=note))
            else:
                profile = profile_by_id(session, invoice.terms_profile_id, f"請求書 {invoice.number}")
                request.transfer_due = rules.failed_debit_due_date(profile, bank, today, settings.failed_debit_pay_days)
                failed.setdefault(customer.id, []).append((request, invoice, record.result_text))
                rows.append(ResultRow(request.record_no, invoice.id, invoice.number, customer.id, customer.name,
                                      request.amount, record.result_code, record.result_text, request.transfer_due))
        session.flush()
        issued = []
        for customer_id, items in failed.items():
            notice = _issue_notice(session, actor, batch, customers[customer_id], items, today)
            for request, _, _ in items:
                request.notice_id = notice.id
            assert notice.pdf is not None
            issued.append(IssuedDebitNotice(notice.id, notice.number, customer_id, customers[customer_id].name,
                                            bytes(notice.pdf)))
        batch.result_sha256 = digest
        batch.result_imported_at = utcnow()
        batch.result_imported_by_id = actor.user_id
        session.flush()
        settled = [r for r in rows if r.settled]
        audit.record(session, actor, "debit.result", "debit_batch", batch.id,
                     after={"collection_date": batch.collection_date.isoformat(), "file_name": name,
                            "settled": {r.invoice_number: r.amount for r in settled},
                            "failed": {r.invoice_number: r.reason for r in rows if not r.settled},
                            "notices": [n.number for n in issued]},
                     summary=f"口座振替結果 {batch.collection_date:%Y-%m-%d} 振替済 {len(settled)}件・"
                             f"不能 {len(rows) - len(settled)}件")
        return DebitResultImported(batch.id, batch.collection_date, tuple(rows), tuple(issued), file_name=name)

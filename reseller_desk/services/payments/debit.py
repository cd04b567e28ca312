"""口座振替 (direct debit), the request side: which open debit invoices one collection day asks
of the customers' banks (:func:`debit_preview`: every invoice listed, included or left out
with its reason), and the 全銀協 request file for them (:func:`export_debit`, domain.zengin_debit,
formats.md §1) recorded as a DebitBatch with one DebitRequest per invoice. The result file is
read by services.payments.debit_results.

Decisions (the issue is silent):
* The account debited is that of the invoice's first contract (the カスタマID order the invoice
  lists) that pays by 口座振替 and has an account; the customer's other debit contracts are only
  used when none of the invoice's has one. Several contracts of one invoice with different
  accounts are noted on the row, not refused.
* 顧客番号 is the invoice's id, 20 digits: stable, unique and found again without the file.
* The amount asked is what the invoice still owes (balances), not its total.
* An invoice already asked in a batch whose result is not in is left out (結果待ち); one whose
  debit failed is due by transfer now and is left out (振替不能) — never asked twice.
* 新規コード (formats.md §1.4): 1 the contract's first request, 2 its account changed since the
  last request, 0 otherwise. The bank and branch names are written when the contract's read as
  half-width kana the bank takes (they are optional), else left blank.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, Customer, DebitBatch, DebitRequest, Invoice
from reseller_desk.domain.bounds import is_date, is_record_id
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.text import clean_line
from reseller_desk.domain.zengin_debit import (
    RESULT_CODES,
    DebitFile,
    DebitHeader,
    DebitRecord,
    ZenginFileError,
    bank_kana,
    kana_problem,
    write_file,
)
from reseller_desk.services import audit
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.payments.debit_settings import DebitSettings, current, missing_consignor_settings
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.records import staff_names
from reseller_desk.services.retry import retried

__all__ = ["BatchDetail", "BatchInfo", "DebitExported", "DebitPreview", "PreviewRow", "RequestInfo",
           "account_type_code", "batch_detail", "customer_number_of", "debit_batches", "debit_preview",
           "export_debit"]

#: 預金種目 as contracts store it → the code a data record carries (formats.md §1.4 data field 7).
_ACCOUNT_TYPES = {"普通": 1, "当座": 2, "納税準備": 3, "納税準備預金": 3, "その他": 9}
HOLDER_BYTES = 30


def account_type_code(text: str) -> int | None:
    return _ACCOUNT_TYPES.get(clean_line(text))


def customer_number_of(invoice_id: int) -> str:
    """The 顧客番号 written for an invoice (formats.md §1.4: N(20), zero-padded)."""
    return str(invoice_id).rjust(20, "0")


@dataclass(frozen=True)
class PreviewRow:
    """One open debit invoice of the day: included (``reason`` empty) or left out and why."""

    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_name: str
    amount: int                      # what it still owes
    contract_id: int | None = None
    customer_code: str = ""
    bank_code: str = ""
    branch_code: str = ""
    account_type: int = 0
    account_number: str = ""
    holder_name: str = ""            # as the file writes it (half-width kana)
    bank_name: str = ""              # half-width kana, or blank (optional in the file)
    branch_name: str = ""
    new_code: int = 0
    reason: str = ""                 # why it is left out ("" = included)
    note: str = ""                   # what the clerk should know although it is included

    @property
    def included(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class DebitPreview:
    collection_date: dt.date
    rows: tuple[PreviewRow, ...]
    problems: tuple[str, ...]        # the office's: the file cannot be written while any

    @property
    def included(self) -> tuple[PreviewRow, ...]:
        return tuple(r for r in self.rows if r.included)

    @property
    def left_out(self) -> tuple[PreviewRow, ...]:
        return tuple(r for r in self.rows if not r.included)

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.included)


@dataclass(frozen=True)
class DebitExported:
    batch_id: int
    data: bytes
    records: int
    total: int
    left_out: tuple[PreviewRow, ...]
    file_name: str = ""


def _date(value: object, label: str = "引落日") -> dt.date:
    if not is_date(value):
        raise ValidationFailed({"collection_date": f"{label}を日付で指定してください。"})
    assert isinstance(value, dt.date)
    return value


def _office_problems(settings: DebitSettings) -> list[str]:
    missing = missing_consignor_settings(settings)
    if missing:
        return [f"口座振替の{'・'.join(missing)}が未登録です。設定 → 口座振替 で登録してください。"]
    return []


def _contract_for(session: Session, invoice: Invoice) -> tuple[Contract | None, str]:
    """The contract whose account is debited for ``invoice`` (see the module's decision) and a note."""
    codes = [c for c in invoice.customer_codes.split(";") if c]
    listed = {c.customer_code: c for c in session.scalars(select(Contract).where(Contract.customer_code.in_(codes)))}
    candidates = [listed[c] for c in codes if c in listed]
    with_account = [c for c in candidates if c.payment_method is PaymentMethod.DEBIT and c.debit_bank_code]
    if not with_account:
        with_account = list(session.scalars(
            select(Contract).where(Contract.customer_id == invoice.customer_id,
                                   Contract.payment_method == PaymentMethod.DEBIT, Contract.debit_bank_code != "")
            .order_by(Contract.id)))
    if not with_account:
        return None, ""
    chosen = with_account[0]
    accounts = {(c.debit_bank_code, c.debit_branch_code, c.debit_account_number) for c in with_account}
    note = f"契約ごとに口座が異なります（{chosen.customer_code} の口座で依頼します）" if len(accounts) > 1 else ""
    return chosen, note


def _optional_name(text: str) -> str:
    """A bank or branch name as the file may carry it (formats.md §1.7: kana, A–Z, 0–9, -), or blank."""
    name = bank_kana(clean_line(text)).strip()
    if not name or kana_problem(name) or any(c in name for c in " ().") or len(name.encode("cp932")) > 15:
        return ""
    return name


def _new_code(session: Session, contract: Contract) -> int:
    last = session.scalars(select(DebitRequest).where(DebitRequest.contract_id == contract.id)
                           .order_by(DebitRequest.id.desc()).limit(1)).first()
    if last is None:
        return 1
    same = (last.bank_code, last.branch_code, last.account_number.lstrip("0")) == (
        contract.debit_bank_code, contract.debit_branch_code, contract.debit_account_number.lstrip("0"))
    return 0 if same else 2


def _row(session: Session, invoice: Invoice, amount: int, customer_name: str) -> PreviewRow:
    base = PreviewRow(invoice.id, invoice.number, invoice.customer_id, customer_name, amount)
    contract, note = _contract_for(session, invoice)
    if contract is None:
        return _replace(base, reason="口座振替の口座が契約に登録されていません（契約の画面で登録してください）")
    holder = bank_kana(clean_line(contract.debit_holder_kana)).strip()
    kind = account_type_code(contract.debit_account_type)
    filled = _replace(base, contract_id=contract.id, customer_code=contract.customer_code,
                      bank_code=contract.debit_bank_code, branch_code=contract.debit_branch_code,
                      account_type=kind or 0, account_number=contract.debit_account_number, holder_name=holder,
                      bank_name=_optional_name(contract.debit_bank_name),
                      branch_name=_optional_name(contract.debit_branch_name), new_code=_new_code(session, contract),
                      note=note)
    problem = None
    if not (contract.debit_bank_code.isdigit() and len(contract.debit_bank_code) == 4
            and contract.debit_branch_code.isdigit() and len(contract.debit_branch_code) == 3):
        problem = "口座の金融機関コード（4桁）・支店コード（3桁）が正しくありません"
    elif not (contract.debit_account_number.isdigit() and 1 <= len(contract.debit_account_number) <= 7):
        problem = "口座番号（7桁以内の数字）が正しくありません"
    elif kind is None:
        problem = f"預金種目「{contract.debit_account_type}」は口座振替に使えません（普通・当座・納税準備・その他）"
    elif not holder:
        problem = "口座名義（カナ）が登録されていません"
    else:
        problem = kana_problem(holder)
        if problem is None and len(holder.encode("cp932")) > HOLDER_BYTES:
            filled = _replace(filled, note="、".join(filter(None, [note, "口座名義は半角30文字で切って依頼します"])))
    if problem:
        return _replace(filled, reason=f"{problem}（契約 {contract.customer_code}）")
    return filled


def _replace(row: PreviewRow, **changes: object) -> PreviewRow:
    from dataclasses import replace

    return replace(row, **changes)  # type: ignore[arg-type]


def _requested(session: Session, invoice_ids: Sequence[int]) -> dict[int, DebitRequest]:
    """The latest request of each invoice (any batch)."""
    found: dict[int, DebitRequest] = {}
    if invoice_ids:
        for request in session.scalars(select(DebitRequest).where(DebitRequest.invoice_id.in_(list(invoice_ids)))
                                       .order_by(DebitRequest.id)):
            found[request.invoice_id] = request
    return found


def _preview(session: Session, day: dt.date) -> DebitPreview:
    settings = current(session)
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.kind == InvoiceKind.INVOICE, Invoice.payment_method == PaymentMethod.DEBIT, Invoice.due_date == day)
        .order_by(Invoice.customer_id, Invoice.id)))
    owed = balances(session, invoice_ids=[i.id for i in invoices])
    requested = _requested(session, [i.id for i in invoices])
    names = dict(session.execute(select(Customer.id, Customer.name).where(
        Customer.id.in_({i.customer_id for i in invoices}))).tuples().all()) if invoices else {}
    rows = []
    for invoice in invoices:
        amount = owed[invoice.id].owed
        if amount <= 0:
            continue   # settled (or written off): not open
        name = names.get(invoice.customer_id, invoice.customer_name)
        request = requested.get(invoice.id)
        if request is not None and request.result_code is None:
            rows.append(PreviewRow(invoice.id, invoice.number, invoice.customer_id, name, amount,
                                   reason="依頼済み（振替結果を取り込んでいません）"))
        elif request is not None and request.result_code != 0:
            due = f"、振込期限 {request.transfer_due:%Y-%m-%d}" if request.transfer_due else ""
            rows.append(PreviewRow(invoice.id, invoice.number, invoice.customer_id, name, amount,
                                   reason=f"口座振替不能（{RESULT_CODES.get(request.result_code or 9, 'その他')}）"
                                          f"のため振込でのお支払い待ち{due}"))
        else:
            rows.append(_row(session, invoice, amount, name))
    return DebitPreview(day, tuple(rows), tuple(_office_problems(settings)))


def debit_preview(db: Database, collection_date: dt.date) -> DebitPreview:
    """The open 口座振替 invoices due on ``collection_date``, included or left out with the reason."""
    day = _date(collection_date)
    with db.transaction() as session:
        return _preview(session, day)


def _header(settings: DebitSettings, day: dt.date) -> DebitHeader:
    return DebitHeader(settings.consignor_code, settings.consignor_name, day, settings.bank_code,
                       settings.branch_code, settings.account_type, settings.account_number,
                       bank_name=settings.bank_name, branch_name=settings.branch_name)


def _record(row: PreviewRow) -> DebitRecord:
    return DebitRecord(row.bank_code, row.branch_code, row.account_type, row.account_number, row.holder_name,
                       row.amount, customer_number_of(row.invoice_id), new_code=row.new_code,
                       bank_name=row.bank_name, branch_name=row.branch_name)


@retried
def export_debit(db: Database, actor: Actor, collection_date: dt.date, *, file_name: str = "") -> DebitExported:
    """預金口座振替依頼データ for ``collection_date``: the included invoices of the preview as a
    batch (DebitBatch + DebitRequest rows, audited ``debit.export``) and the file's bytes (CR LF
    after each record). Refused, writing nothing, when the office's settings are missing or no
    invoice can be asked. A second export for the same day asks only what is not yet asked."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="口座振替の依頼データの作成")
    day = _date(collection_date)
    name = clean_line(file_name)[:255] if isinstance(file_name, str) else ""
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        preview = _preview(session, day)
        if preview.problems:
            raise ServiceError(preview.problems[0] + "（何も作成していません）")
        included = preview.included
        if not included:
            raise ServiceError(f"{day:%Y-%m-%d} に口座振替で依頼できる請求書がありません（何も作成していません）。")
        settings = current(session)
        try:
            data = write_file(DebitFile(_header(settings, day), tuple(_record(r) for r in included)))
        except ZenginFileError as error:
            raise ServiceError(f"依頼データを作成できません: {error}（何も作成していません）") from error
        batch = DebitBatch(collection_date=day, file_name=name, file_sha256=hashlib.sha256(data).hexdigest(),
                           records=len(included), total=preview.total, created_by_id=actor.user_id)
        session.add(batch)
        session.flush()
        for number, row in enumerate(included, start=2):
            session.add(DebitRequest(
                debit_batch_id=batch.id, invoice_id=row.invoice_id, customer_id=row.customer_id,
                contract_id=row.contract_id, record_no=number, customer_number=customer_number_of(row.invoice_id),
                bank_code=row.bank_code, branch_code=row.branch_code, account_type=row.account_type,
                account_number=row.account_number.rjust(7, "0"), holder_name=row.holder_name[:30],
                amount=row.amount))
        session.flush()
        audit.record(session, actor, "debit.export", "debit_batch", batch.id,
                     after={"collection_date": day.isoformat(), "records": len(included), "total": preview.total,
                            "invoices": [r.invoice_number for r in included],
                            "left_out": {r.invoice_number: r.reason for r in preview.left_out}},
                     summary=f"口座振替依頼データ {day:%Y-%m-%d} {len(included)}件 {preview.total:,}円")
        return DebitExported(batch.id, data, len(included), preview.total, preview.left_out, name)


# -- batches -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchInfo:
    batch_id: int
    collection_date: dt.date
    file_name: str
    records: int
    total: int
    created_at: dt.datetime
    result_imported_at: dt.datetime | None
    settled: int          # records 振替済
    failed: int           # records 振替不能
    created_by: str = ""  # the staff member who wrote the file (display name)

    @property
    def state(self) -> str:
        if self.result_imported_at is None:
            return "結果待ち"
        return f"結果取込済（振替済 {self.settled}件・不能 {self.failed}件）"


@dataclass(frozen=True)
class RequestInfo:
    request_id: int
    record_no: int
    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_name: str
    amount: int
    holder_name: str
    result_code: int | None
    transfer_due: dt.date | None
    notice_id: int | None
    notice_number: str

    @property
    def result_text(self) -> str:
        if self.result_code is None:
            return "結果待ち"
        return RESULT_CODES.get(self.result_code, f"その他（結果コード {self.result_code}）")


@dataclass(frozen=True)
class BatchDetail:
    batch: BatchInfo
    requests: tuple[RequestInfo, ...]


def _info(session: Session, batch: DebitBatch) -> BatchInfo:
    codes = list(session.scalars(select(DebitRequest.result_code).where(DebitRequest.debit_batch_id == batch.id)))
    creator = staff_names(session, [batch.created_by_id]).get(batch.created_by_id or 0, "")
    return BatchInfo(batch.id, batch.collection_date, batch.file_name, batch.records, batch.total, batch.created_at,
                     batch.result_imported_at, sum(1 for c in codes if c == 0),
                     sum(1 for c in codes if c is not None and c != 0), creator)


def debit_batches(db: Database) -> list[BatchInfo]:
    """Every batch written, the latest collection day first."""
    with db.transaction() as session:
        rows = session.scalars(select(DebitBatch).order_by(DebitBatch.collection_date.desc(), DebitBatch.id.desc()))
        return [_info(session, b) for b in rows]


def requests_of(session: Session, batch_id: int) -> tuple[RequestInfo, ...]:
    from reseller_desk.db.models import Notice

    rows = session.execute(
        select(DebitRequest, Invoice.number, Customer.name, Notice.number)
        .join(Invoice, Invoice.id == DebitRequest.invoice_id).join(Customer, Customer.id == DebitRequest.customer_id)
        .outerjoin(Notice, Notice.id == DebitRequest.notice_id)
        .where(DebitRequest.debit_batch_id == batch_id).order_by(DebitRequest.record_no)).tuples().all()
    return tuple(RequestInfo(r.id, r.record_no, r.invoice_id, number, r.customer_id, name, r.amount, r.holder_name,
                             r.result_code, r.transfer_due, r.notice_id, notice or "")
                 for r, number, name, notice in rows)


def batch_detail(db: Database, batch_id: int) -> BatchDetail:
    if not is_record_id(batch_id):
        raise NotFound("指定された口座振替の依頼データは見つかりません。")
    with db.transaction() as session:
        batch = session.get(DebitBatch, batch_id)
        if batch is None:
            raise NotFound("指定された口座振替の依頼データは見つかりません。")
        return BatchDetail(_info(session, batch), requests_of(session, batch_id))

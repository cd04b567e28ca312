"""入金消込: the open statement lines matched to customers and their open invoices
(domain.payer_match), and applied only as the clerk confirms (issue 12 "Bank transfers").

The payer names a customer's transfers arrive under are the ``payer_names`` rows (registered by
a clerk, or learned when a clerk confirms a match) and — decision — the customer's own
registered kana name (Customer.name_kana), so that a customer with no payer name yet is still
found. A confirmed line becomes a receipt through the ledger (ledger.receive, method 振込) and
is 消込済; its payer name is learned for that customer when it was not known yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, PayerName, StatementLine
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.payer_match import (
    MatchGroup,
    OpenInvoice,
    PayerIndex,
    Transfer,
    loose_key,
    match_transfers,
    payer_key,
)
from reseller_desk.domain.payments import ReceiptMethod, StatementLineStatus
from reseller_desk.domain.text import clean_note
from reseller_desk.domain.zengin_debit import bank_kana, kana_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.contracts.acting import note_problem
from reseller_desk.services.errors import ConcurrentEdit, NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.balances import customers_owing, open_items_of
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["MAX_LINES", "Confirmation", "ConfirmResult", "LineProposal", "PayerNameRecord", "add_payer_name",
           "confirm_matches", "ignore_lines", "payer_names_of", "proposals", "remove_payer_name", "reopen_line"]

#: The most lines one confirmation (or 対象外) may take at once.
MAX_LINES = 5000
PAYER_NAME_MAX_LENGTH = 100
#: Ids per IN (…).
_CHUNK = 2000
PAYER_NAME = versions.Versioned("この振込依頼人名", "payer_name")


@dataclass(frozen=True)
class LineProposal:
    """An open statement line and what the matcher proposes for it: the group (一致 / 要確認 /
    不明), the customer (None when none or several), every candidate (id, name), the open
    invoices it would settle, the difference (amount − what they owe; + over, − short) and why
    it is not 一致 (Japanese)."""

    line_id: int
    line_version: int
    import_id: int
    row_no: int
    value_date: dt.date
    amount: int
    payer_name: str
    group: MatchGroup
    customer_id: int | None
    customer_name: str
    candidates: tuple[tuple[int, str], ...]
    invoice_ids: tuple[int, ...]
    invoice_numbers: tuple[str, ...]
    difference: int
    reason: str


@dataclass(frozen=True)
class Confirmation:
    """The clerk's decision for one line: the customer, the invoices to settle (None: the oldest
    open first; (): none, all of it the customer's credit) and the line's version as shown."""

    line_id: int
    customer_id: int
    invoice_ids: tuple[int, ...] | None
    expected_version: int


@dataclass(frozen=True)
class ConfirmResult:
    """What a confirmation did: the receipts recorded (one per line), yen applied to invoices,
    yen left as credit, and the payer names learned."""

    payment_ids: tuple[int, ...]
    applied: int
    credit: int
    names_learned: int

    @property
    def confirmed(self) -> int:
        return len(self.payment_ids)


@dataclass(frozen=True)
class PayerNameRecord:
    id: int
    customer_id: int
    name: str
    learned: bool
    created_at: dt.datetime


# -- proposals ---------------------------------------------------------------------------------------
def _index(session: Session) -> PayerIndex:
    """Every registered payer name (their keys are stored), and the furigana of each customer who
    owes something (made here: a customer with nothing open and no payer name yet is left to the
    clerk's search, so 100,000 customers do not each have a key made on every call)."""
    keys: dict[int, set[str]] = defaultdict(set)
    for customer_id, key in session.execute(select(PayerName.customer_id, PayerName.key)):
        keys[customer_id].add(key)
    owing = sorted(customers_owing(session))
    for start in range(0, len(owing), _CHUNK):
        for customer_id, kana in session.execute(select(Customer.id, Customer.name_kana)
                                                 .where(Customer.id.in_(owing[start:start + _CHUNK]))):
            if kana:
                keys[customer_id].add(payer_key(kana))
    return PayerIndex.of_keys(keys)


def _names(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(customer_ids))
    names: dict[int, str] = {}
    for start in range(0, len(ids), _CHUNK):
        names.update((row[0], row[1]) for row in session.execute(
            select(Customer.id, Customer.name).where(Customer.id.in_(ids[start:start + _CHUNK]))))
    return names


def proposals(db: Database, *, import_id: int | None = None) -> list[LineProposal]:
    """A proposal for every open statement line (of one import, or all), in the order of the
    statements (the import, then the line in the file)."""
    with db.transaction() as session:
        query = select(StatementLine).where(StatementLine.status == StatementLineStatus.OPEN)
        if import_id is not None:
            if not is_record_id(import_id):
                raise NotFound("指定された明細の取込は見つかりません。")
            query = query.where(StatementLine.statement_import_id == import_id)
        lines = list(session.scalars(query.order_by(StatementLine.statement_import_id, StatementLine.row_no,
                                                    StatementLine.id)))
        if not lines:
            return []
        index = _index(session)
        wanted = {c for line in lines for c in index.candidates(line.payer_name)}
        owing = open_items_of(session, wanted)
        numbers = {b.invoice_id: b.number for items in owing.values() for b in items}
        open_invoices = [OpenInvoice(b.invoice_id, b.customer_id, b.number, b.due_date, b.owed)
                         for items in owing.values() for b in items]
        found = match_transfers((Transfer(line.id, line.value_date, line.amount, line.payer_name) for line in lines),
                                index, open_invoices)
        names = _names(session, wanted)
        return [LineProposal(line.id, line.row_version, line.statement_import_id, line.row_no, line.value_date,
                             line.amount, line.payer_name, p.group, p.customer_id,
                             names.get(p.customer_id, "") if p.customer_id is not None else "",
                             tuple((c, names.get(c, "")) for c in p.candidates), p.invoice_ids,
                             tuple(numbers[i] for i in p.invoice_ids), p.difference, p.reason)
                for line, p in zip(lines, found, strict=True)]


# -- confirming --------------------------------------------------------------------------------------
def _confirmations_problem(confirmations: object) -> str | None:
    if not isinstance(confirmations, Sequence) or isinstance(confirmations, str | bytes) or not confirmations \
            or len(confirmations) > MAX_LINES:
        return f"消し込む明細を選んでください（{MAX_LINES}件まで）。"
    for c in confirmations:
        if not isinstance(c, Confirmation) or not is_record_id(c.line_id) or not is_record_id(c.customer_id) \
                or ledger.invoice_ids_problem(c.invoice_ids) is not None:
            return "消し込む明細と顧客・請求書を一覧から選んでください。"
    if len({c.line_id for c in confirmations}) != len(confirmations):
        return "同じ明細が2回選ばれています。"
    return None


def _line(session: Session, line_id: int) -> StatementLine:
    line = session.get(StatementLine, line_id)
    if line is None:
        raise NotFound("指定された明細は見つかりません。画面を読み込み直してください。")
    return line


def _known_keys(session: Session, customer_id: int) -> set[str]:
    return set(session.scalars(select(PayerName.key).where(PayerName.customer_id == customer_id)))


@retried
def confirm_matches(db: Database, actor: Actor, confirmations: Sequence[Confirmation]) -> ConfirmResult:
    """Apply the lines the clerk confirmed, all in one transaction (clerk or manager): each a
    振込 receipt of the line's amount on its date (ledger.receive) and the line 消込済; its payer
    name learned for the customer. One line that cannot be applied refuses them all, naming it."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="入金の消込")
    problem = _confirmations_problem(confirmations)
    if problem:
        raise ValidationFailed({"lines": problem}, problem)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        payment_ids, applied, credit, learned = [], 0, 0, 0
        for confirmation in confirmations:
            line = _line(session, confirmation.line_id)
            where = f"明細の{line.row_no}行目（{line.payer_name} {line.amount:,}円）"
            versions.check(session, versions.Versioned(where, "statement_line"), line.id, line.row_version,
                           confirmation.expected_version)
            if line.status is not StatementLineStatus.OPEN:
                raise ServiceError(f"{where}はすでに{line.status.label}です。画面を読み込み直してください。")
            try:
                receipt = ledger.receive(session, actor, confirmation.customer_id, received_on=line.value_date,
                                         amount=line.amount, method=ReceiptMethod.TRANSFER,
                                         payer_name=line.payer_name, invoice_ids=confirmation.invoice_ids,
                                         statement_line_id=line.id)
            except ValidationFailed as error:
                message = f"{where}: {' '.join(error.errors.values())} 何も消し込んでいません。"
                raise ValidationFailed(error.errors, message) from error
            except ConcurrentEdit:
                raise
            except ServiceError as error:
                raise ServiceError(f"{where}: {error} 何も消し込んでいません。") from error
            line.status = StatementLineStatus.APPLIED
            key = payer_key(line.payer_name)[:PAYER_NAME_MAX_LENGTH]
            is_new = bool(key) and key not in _known_keys(session, confirmation.customer_id)
            if is_new:
                session.add(PayerName(customer_id=confirmation.customer_id, name=line.payer_name[:100], key=key,
                                      loose_key=loose_key(line.payer_name)[:100], learned=True,
                                      created_by_id=actor.user_id))
                learned += 1
            with versions.refusing_lost_updates(versions.Versioned(where, "statement_line")):
                session.flush()
            part = sum(a.amount for a in receipt.applied)
            applied, credit = applied + part, credit + receipt.credit
            payment_ids.append(receipt.payment_id)
            audit.record(session, actor, "statement.confirm", "statement_line", line.id,
                         customer_id=confirmation.customer_id,
                         after={"payment_id": receipt.payment_id, "amount": line.amount, "applied": part,
                                "credit": receipt.credit, "payer_name": line.payer_name, "learned": is_new},
                         summary=f"入金消込 {line.payer_name} {line.amount:,}円（{line.value_date:%Y-%m-%d}）")
        return ConfirmResult(tuple(payment_ids), applied, credit, learned)


def _line_ids_problem(line_ids: object) -> str | None:
    if not isinstance(line_ids, Sequence) or isinstance(line_ids, str | bytes) or not line_ids \
            or len(line_ids) > MAX_LINES or not all(is_record_id(i) for i in line_ids):
        return f"明細を一覧から選んでください（{MAX_LINES}件まで）。"
    return None


@retried
def ignore_lines(db: Database, actor: Actor, line_ids: Sequence[int], note: str) -> int:
    """対象外: open lines that are no customer's payment (interest, a refund to the office …),
    set aside with a note (clerk or manager). Returns how many."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="入金明細の対象外")
    problems = {k: p for k, p in (("lines", _line_ids_problem(line_ids)),
                                  ("note", note_problem(note, "対象外の理由", required=True))) if p}
    if problems:
        raise ValidationFailed(problems)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        for line_id in dict.fromkeys(line_ids):
            line = _line(session, line_id)
            if line.status is not StatementLineStatus.OPEN:
                raise ServiceError(f"明細の{line.row_no}行目はすでに{line.status.label}です。"
                                   "画面を読み込み直してください。")
            line.status, line.note = StatementLineStatus.IGNORED, clean_note(note)
            audit.record(session, actor, "statement.ignore", "statement_line", line.id,
                         after={"note": clean_note(note)},
                         summary=f"入金明細を対象外に {line.payer_name} {line.amount:,}円")
        session.flush()
        return len(dict.fromkeys(line_ids))


@retried
def reopen_line(db: Database, actor: Actor, line_id: int) -> None:
    """A line set aside (対象外) back to 未処理 (clerk or manager). A 消込済 line is reopened by
    reversing its payment (ledger.reverse_payment)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="入金明細を未処理に戻す")
    if not is_record_id(line_id):
        raise NotFound("指定された明細は見つかりません。画面を読み込み直してください。")
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        line = _line(session, line_id)
        if line.status is not StatementLineStatus.IGNORED:
            raise ServiceError("未処理に戻せるのは対象外の明細だけです（消込済の明細は入金を取り消します）。")
        before = line.note
        line.status, line.note = StatementLineStatus.OPEN, ""
        session.flush()
        audit.record(session, actor, "statement.reopen", "statement_line", line.id, before={"note": before},
                     summary=f"入金明細を未処理に戻す {line.payer_name} {line.amount:,}円")


# -- payer names -------------------------------------------------------------------------------------
def _record(row: PayerName) -> PayerNameRecord:
    return PayerNameRecord(row.id, row.customer_id, row.name, row.learned, row.created_at)


def payer_names_of(db: Database, customer_id: int) -> list[PayerNameRecord]:
    """The names the customer's transfers arrive under, oldest first."""
    with db.transaction() as session:
        ledger.load_customer(session, customer_id)
        return [_record(row) for row in session.scalars(select(PayerName).where(PayerName.customer_id == customer_id)
                                                        .order_by(PayerName.id))]


def payer_name_problem(name: object) -> str | None:
    """Why ``name`` cannot be registered as a payer name (after bank_kana), or None."""
    if not isinstance(name, str) or not name.strip():
        return "振込依頼人名を入力してください（通帳に印字される半角カナ）。"
    kana = bank_kana(name.strip())
    if len(kana) > PAYER_NAME_MAX_LENGTH:
        return f"振込依頼人名は{PAYER_NAME_MAX_LENGTH}文字以内で入力してください。"
    problem = kana_problem(kana)
    if problem:
        return problem.replace("口座振替のデータに", "振込依頼人名に")
    if not payer_key(kana):
        return "振込依頼人名には法人格のほかに名前を入れてください。"
    return None


@retried
def add_payer_name(db: Database, actor: Actor, customer_id: int, name: str) -> PayerNameRecord:
    """Register a name the customer's transfers arrive under (clerk or manager), written as the
    bank prints it (half-width kana: full-width and hiragana are turned into it)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="振込依頼人名の登録")
    problem = payer_name_problem(name)
    if problem:
        raise ValidationFailed({"name": problem})
    kana = bank_kana(name.strip())
    key = payer_key(kana)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        ledger.load_customer(session, customer_id)
        if key in _known_keys(session, customer_id):
            raise ValidationFailed({"name": "この振込依頼人名はすでに登録されています。"})
        row = PayerName(customer_id=customer_id, name=kana, key=key, loose_key=loose_key(kana),
                        learned=False, created_by_id=actor.user_id)
        session.add(row)
        session.flush()
        audit.record(session, actor, "payer_name.add", "payer_name", row.id, customer_id=customer_id,
                     after={"name": kana}, summary=f"振込依頼人名の登録 {kana}")
        return _record(row)


@retried
def remove_payer_name(db: Database, actor: Actor, payer_name_id: int) -> None:
    """Forget a payer name (clerk or manager): a transfer under it is no longer matched."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="振込依頼人名の削除")
    if not is_record_id(payer_name_id):
        raise NotFound("指定された振込依頼人名は見つかりません。")
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        row = session.get(PayerName, payer_name_id)
        if row is None:
            raise NotFound("指定された振込依頼人名は見つかりません。")
        audit.record(session, actor, "payer_name.remove", "payer_name", row.id, customer_id=row.customer_id,
                     before={"name": row.name, "learned": row.learned}, summary=f"振込依頼人名の削除 {row.name}")
        session.delete(row)
        session.flush()

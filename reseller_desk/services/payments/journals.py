"""The accountant's journals (出力): the month's sales and receipts journals as a 弥生 / freee /
MF / plain-CSV file (domain.journal_entries builds the slips, domain.journal_layouts writes
them), and the mapping of roles to each ledger's account names (設定 → 会計ソフト連携).

A month's sales journal is every invoice and credit invoice issued in it (issue_date); its
receipts journal every payment entry received in it, credit applied in it, write-off and
deposit movement in it. An export balances (debits = credits, and the sales journal's
receivables = the month's issued invoices' totals) or is refused with the difference; a name
the file's encoding cannot hold is reported by line, and nothing is written. Handing a file
out is audited (``journal.export``): the office wants to know who gave the accountant what.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Customer,
    Deposit,
    DepositEntry,
    Invoice,
    InvoiceLineRow,
    JournalAccount,
    OneTimeCharge,
    Payment,
    WriteOff,
)
from reseller_desk.domain.billing import LineKind, last_day
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.journal import JournalRefused, Slip
from reseller_desk.domain.journal_entries import (
    DEFAULTS,
    PROFILES,
    AccountName,
    AppliedFact,
    DepositFact,
    InvoiceFacts,
    JournalKind,
    Ledger,
    PaymentFact,
    Role,
    WriteOffFact,
    accounts_of,
    outside_role,
    receipts_slips,
    sales_slips,
)
from reseller_desk.domain.journal_layouts import file_problems, journal_file
from reseller_desk.domain.payments import DepositEntryKind
from reseller_desk.domain.text import clean_line, length_problem, text_type_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.payments.balances import applied_between
from reseller_desk.services.permissions import Actor, confirm_actor, require_role
from reseller_desk.services.permissions import Role as StaffRole
from reseller_desk.services.retry import retried

__all__ = ["JOURNAL_ACCOUNTS", "JournalAccountRow", "JournalExport", "build_journal", "export_journal",
           "journal_accounts", "save_journal_accounts"]

JOURNAL_ACCOUNTS = versions.Versioned("会計ソフト連携の科目", "journal_accounts")
_NAME_MAX = 50
_CARRIED = (LineKind.CARRIED_IN, LineKind.CARRIED_OUT)


# -- the mapping ------------------------------------------------------------------------------
@dataclass(frozen=True)
class JournalAccountRow:
    """A role's names in one ledger: in use (``name``), the product's default, and the stored
    override's version (None: the default is in use)."""

    role: Role
    name: AccountName
    default: AccountName
    row_version: int | None

    @property
    def label(self) -> str:
        return self.role.label


def _ledger(value: object) -> Ledger:
    try:
        return Ledger(str(value)) if isinstance(value, str) else Ledger("")
    except ValueError:
        message = "会計ソフトを選んでください（弥生会計・freee会計・マネーフォワード・CSV）。"
        raise ValidationFailed({"ledger": message}) from None


def _overrides(session: Session, ledger: Ledger) -> dict[Role, JournalAccount]:
    rows = session.scalars(select(JournalAccount).where(JournalAccount.ledger == ledger.value))
    return {Role(r.role): r for r in rows if r.role in Role.__members__.values()}


def _rows(session: Session, ledger: Ledger) -> list[JournalAccountRow]:
    stored = _overrides(session, ledger)
    return [JournalAccountRow(role, AccountName(stored[role].account, stored[role].sub_account,
                                                stored[role].tax_category) if role in stored else default,
                              default, stored[role].row_version if role in stored else None)
            for role, default in DEFAULTS[ledger].items()]


def journal_accounts(db: Database, ledger: str) -> list[JournalAccountRow]:
    """Every role of ``ledger`` with the names in use (the accountant's, else the default)."""
    checked = _ledger(ledger)
    with db.transaction() as session:
        return _rows(session, checked)


def _name_problems(ledger: Ledger, index: int, name: object) -> dict[str, str]:
    if not isinstance(name, AccountName):
        return {f"{index}.account": "科目の内容が正しく渡されていません。"}
    problems: dict[str, str] = {}
    for field, label, value in (("account", "勘定科目", name.account), ("sub_account", "補助科目", name.sub_account),
                                ("tax_category", "税区分", name.tax_category)):
        problem = text_type_problem(value, label) or length_problem(clean_line(value), _NAME_MAX, label)
        if problem is None and field == "account" and not clean_line(value):
            problem = "勘定科目を入力してください。"
        if problem is None and ledger in (Ledger.YAYOI, Ledger.MF):
            try:
                clean_line(value).encode("cp932")
            except UnicodeEncodeError:
                problem = f"{label}に Shift_JIS で書けない文字があります（{ledger.label}に取り込めません）。"
        if problem:
            problems[f"{index}.{field}"] = problem
    return problems


@retried
def save_journal_accounts(db: Database, actor: Actor, ledger: str, rows: Sequence[tuple[Role, AccountName]], *,
                          expected_versions: Mapping[str, int]) -> list[JournalAccountRow]:
    """Save the names of ``ledger``'s roles (the whole table, as the screen shows it): a name
    equal to the default stores nothing (既定に戻す deletes the override). ``expected_versions``:
    role → row_version of the overrides the screen showed; a change since is a ConcurrentEdit."""
    require_role(actor, StaffRole.MANAGER, action="会計ソフト連携の科目の変更")
    checked = _ledger(ledger)
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, tuple) and len(r) == 2 for r in rows) \
            or len({r[0] for r in rows}) != len(rows) or not all(r[0] in DEFAULTS[checked] for r in rows):
        raise ValidationFailed({"rows": "科目の一覧が正しく渡されていません。"})
    problems: dict[str, str] = {}
    for index, (_, name) in enumerate(rows):
        problems.update(_name_problems(checked, index, name))
    if problems:
        raise ValidationFailed(problems)
    wanted = {role: AccountName(clean_line(n.account), clean_line(n.sub_account), clean_line(n.tax_category))
              for role, n in rows}
    with versions.refusing_lost_updates(JOURNAL_ACCOUNTS), db.transaction(write=True) as session:
        confirm_actor(session, actor)
        stored = _overrides(session, checked)
        shown = expected_versions if isinstance(expected_versions, Mapping) else None
        if shown is None or set(shown) != {r.value for r in stored} or not all(
                versions.matches(stored[Role(k)].row_version, v) for k, v in shown.items()):
            raise versions.stale(session, JOURNAL_ACCOUNTS, None)
        before = {r.role.value: vars_of(r.name) for r in _rows(session, checked) if r.row_version is not None}
        for role, name in wanted.items():
            row = stored.get(role)
            if name == DEFAULTS[checked][role]:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = JournalAccount(ledger=checked.value, role=role.value)
                session.add(row)
            if (row.account, row.sub_account, row.tax_category) != (name.account, name.sub_account, name.tax_category):
                row.account, row.sub_account, row.tax_category = name.account, name.sub_account, name.tax_category
                row.updated_by_id = actor.user_id
                row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        session.flush()
        after = {r.role.value: vars_of(r.name) for r in _rows(session, checked) if r.row_version is not None}
        if before != after:
            audit.record(session, actor, "journal_accounts.update", "journal_accounts", None, before=before,
                         after=after, summary=f"会計ソフト連携の科目（{checked.label}）")
        return _rows(session, checked)


def vars_of(name: AccountName) -> dict[str, str]:
    return {"account": name.account, "sub_account": name.sub_account, "tax_category": name.tax_category}


# -- the month's facts ------------------------------------------------------------------------
def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(sorted(ids)))).all()
    return {int(i): str(n) for i, n in rows}


def _invoice_facts(session: Session, first: dt.date, last: dt.date) -> tuple[list[InvoiceFacts], int]:
    invoices = session.scalars(select(Invoice).where(Invoice.issue_date.between(first, last))
                               .order_by(Invoice.issue_date, Invoice.number)).all()
    ids = [i.id for i in invoices]
    outside: dict[int, list[tuple[Role, int]]] = {}
    if ids:
        lines = session.execute(
            select(InvoiceLineRow.invoice_id, InvoiceLineRow.kind, InvoiceLineRow.amount, OneTimeCharge.kind)
            .outerjoin(OneTimeCharge, (InvoiceLineRow.source == "one_time_charge")
                       & (OneTimeCharge.id == InvoiceLineRow.source_id))
            .where(InvoiceLineRow.invoice_id.in_(ids), InvoiceLineRow.tax_category == TaxCategory.OUTSIDE)
            .order_by(InvoiceLineRow.invoice_id, InvoiceLineRow.position)).all()
        for invoice_id, kind, amount, charge_kind in lines:
            role = outside_role(charge_kind, carried=kind in _CARRIED)
            parts = outside.setdefault(invoice_id, [])
            same = next((i for i, (r, _) in enumerate(parts) if r is role), None)
            if same is None:
                parts.append((role, int(amount)))
            else:
                parts[same] = (role, parts[same][1] + int(amount))
    facts = [InvoiceFacts(i.number, i.issue_date, i.customer_name, i.total, i.taxable_10, i.tax_10, i.taxable_8,
                          i.tax_8, i.exempt, tuple(outside.get(i.id, ())), i.kind is InvoiceKind.CREDIT)
             for i in invoices]
    issued = int(session.scalar(select(func.coalesce(func.sum(Invoice.total), 0))
                                .where(Invoice.issue_date.between(first, last))) or 0)
    return facts, issued


def _receipt_facts(session: Session, first: dt.date, last: dt.date) -> tuple[
        list[PaymentFact], list[AppliedFact], list[WriteOffFact], list[DepositFact]]:
    payments = session.scalars(select(Payment).where(Payment.received_on.between(first, last))
                               .order_by(Payment.received_on, Payment.id)).all()
    write_offs = session.scalars(select(WriteOff).where(WriteOff.written_on.between(first, last))
                                 .order_by(WriteOff.written_on, WriteOff.id)).all()
    entries = session.execute(select(DepositEntry, Deposit.customer_id).join(Deposit)
                              .where(DepositEntry.on.between(first, last))
                              .order_by(DepositEntry.on, DepositEntry.id)).all()
    applied = applied_between(session, first, last)
    names = _names(session, {p.customer_id for p in payments} | {w.customer_id for w in write_offs}
                   | {c for _, c in entries})
    numbers: dict[int, str] = {int(i): str(n) for i, n in session.execute(select(Invoice.id, Invoice.number).where(
        Invoice.id.in_(sorted({a.invoice_id for a in applied} | {w.invoice_id for w in write_offs}))))}
    return ([PaymentFact(p.id, p.kind, p.method, p.received_on, p.amount, names.get(p.customer_id, ""),
                         p.payer_name) for p in payments],
            [AppliedFact(a.payment_id, numbers.get(a.invoice_id, ""), a.applied_on, a.amount) for a in applied],
            [WriteOffFact(numbers.get(w.invoice_id, ""), w.written_on, w.amount, w.account,
                          names.get(w.customer_id, "")) for w in write_offs],
            [DepositFact(e.kind, e.on, e.amount, names.get(c, ""),
                         by_payment=e.kind is DepositEntryKind.APPLIED and e.payment_id is not None)
             for e, c in entries])


# -- the export -------------------------------------------------------------------------------
@dataclass(frozen=True)
class JournalExport:
    """A month's journal in one ledger's layout: the file (empty when ``problems``), its slips,
    its lines, its totals, and every line of the file that cannot be written."""

    data: bytes
    slips: tuple[Slip, ...]
    lines: int
    debit_total: int
    credit_total: int
    problems: tuple[str, ...]


def _kind(value: object) -> JournalKind:
    try:
        return JournalKind(str(value)) if isinstance(value, str) else JournalKind("")
    except ValueError:
        raise ValidationFailed({"journal": "出力する仕訳を選んでください（売上・入金・すべて）。"}) from None


def _build(session: Session, month: dt.date, ledger: Ledger, journal: JournalKind) -> JournalExport:
    first, last = month.replace(day=1), last_day(month)
    stored = _overrides(session, ledger)
    names = accounts_of(ledger, {r: AccountName(s.account, s.sub_account, s.tax_category) for r, s in stored.items()})
    slips: list[Slip] = []
    try:
        if journal in (JournalKind.SALES, JournalKind.ALL):
            facts, issued = _invoice_facts(session, first, last)
            total = sum(f.total for f in facts)
            if total != issued:
                raise ServiceError(f"売上仕訳の売掛金 {total:,}円 が{month:%Y年%m月}発行の請求額 {issued:,}円 と"
                                   f"合いません（差 {total - issued:,}円）。書き出していません。")
            slips.extend(sales_slips(facts, names, PROFILES[ledger]))
        if journal in (JournalKind.RECEIPTS, JournalKind.ALL):
            slips.extend(receipts_slips(*_receipt_facts(session, first, last), names))
    except JournalRefused as refused:
        raise ServiceError(f"{refused} 書き出していません。") from refused
    debits, credits = sum(s.debits for s in slips), sum(s.credits for s in slips)
    if debits != credits:
        raise ServiceError(f"借方合計 {debits:,}円 と貸方合計 {credits:,}円 が合いません（差 {debits - credits:,}円）。"
                           "書き出していません。")
    problems = tuple(file_problems(ledger, slips))
    data = b"" if problems else journal_file(ledger, slips)
    return JournalExport(data, tuple(slips), sum(len(s.lines) for s in slips), debits, credits, problems)


def _month(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or not 2000 <= value.year <= 2999:
        raise ValidationFailed({"month": "出力する月を指定してください（例: 2026-11）。"})
    return value.replace(day=1)


def build_journal(db: Database, month: dt.date, *, ledger: str, journal: str = "all") -> JournalExport:
    """The month's journal as it would be written (the preview): nothing is recorded."""
    checked_month, checked_ledger, kind = _month(month), _ledger(ledger), _kind(journal)
    with db.transaction() as session:
        return _build(session, checked_month, checked_ledger, kind)


@retried
def export_journal(db: Database, actor: Actor, month: dt.date, *, ledger: str,
                   journal: str = "all") -> JournalExport:
    """The month's journal file, recorded as handed out (``journal.export``). Refused
    (ServiceError) when it does not balance or a line cannot be written."""
    checked_month, checked_ledger, kind = _month(month), _ledger(ledger), _kind(journal)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        export = _build(session, checked_month, checked_ledger, kind)
        if export.problems:
            more = f"（ほか{len(export.problems) - 1}件）" if len(export.problems) > 1 else ""
            raise ServiceError(f"{export.problems[0]}{more} 書き出していません。")
        audit.record(session, actor, "journal.export", "journal", None,
                     after={"month": f"{checked_month:%Y-%m}", "ledger": checked_ledger.value, "journal": kind.value,
                            "slips": len(export.slips), "lines": export.lines, "debit_total": export.debit_total,
                            "sha256": hashlib.sha256(export.data).hexdigest()},
                     summary=f"仕訳の書き出し {checked_month:%Y年%m月} {checked_ledger.label}（{kind.label}）"
                             f" {len(export.slips):,}件 {export.debit_total:,}円")
        return export

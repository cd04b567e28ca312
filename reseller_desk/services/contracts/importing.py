"""Importing the office's existing contracts (移行), all or nothing, in one write transaction.

Each row is checked by domain.contract_import; if any row has a fault nothing is written and
every fault comes back (:class:`~reseller_desk.services.contracts.import_file.ImportRefused`:
row, column, reason). An existing customer is found by the keys the customer book already
uses for duplicates (法人番号; name and phone; name and address) and reused; otherwise the
customer is created. Each contract gets its カスタマID, its periods from the month it was
formed, its 特約, a timeline that starts with 移行 on its 申込日 and moves through every status
on the way to the one in the file (domain.contract.transition allows each move), and an audit
record; the import has one of its own. The key of a row's content (contracts.import_key) makes
a second import of the same file add nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    CompanyClosure,
    Contract,
    ContractEnding,
    Customer,
    Plan,
    PlanOption,
    SpecialAgreementRow,
    Suspension,
    TermsProfileRecord,
)
from reseller_desk.domain import contract_import
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import AgreementSubject, ContractEventKind, first_of_month
from reseller_desk.domain.contract_import import ContractDraft, RowError, ServiceCatalog, SourceRow
from reseller_desk.domain.customer import identity_keys
from reseller_desk.domain.terms import CancellationEffective, available_profiles, load_profile
from reseller_desk.domain.text import clean_line
from reseller_desk.services import audit, customers, numbering, settings
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.import_file import ImportRefused
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["ImportRefused", "ImportResult", "import_contracts"]

#: (done, total) after each contract written; raising from it stops the import, which then
#: writes nothing (the transaction is rolled back).
Progress = Callable[[int, int], None]
#: The file's name as kept in the audit record and the 移行 events.
SOURCE_NAME_MAX_LENGTH = 100
#: Ids per IN (…) of one query (SQLite binds at most 32,766 values in one statement).
CHUNK = 500
#: The suspension of a contract that was already suspended in the old records.
IMPORTED_SUSPENSION_REASON = "imported"


@dataclass(frozen=True)
class ImportResult:
    """What an import did (or, ``dry_run``, would do): contracts added, rows already imported
    before (nothing added for them), customers reused and created, the new カスタマIDs."""

    source_name: str
    rows: int
    added: int
    already_imported: int
    customers_created: int
    customers_reused: int
    dry_run: bool = False
    customer_codes: tuple[str, ...] = ()

    def summary(self) -> str:
        verb = "取り込めます（確認のみ。まだ何も取り込んでいません）" if self.dry_run else "取り込みました"
        if self.added == 0 and self.already_imported:
            return (f"{self.rows}件すべて取込済みです。何も追加していません"
                    f"（同じファイルを前に取り込んでいます）。")
        text = (f"契約 {self.added}件を{verb}。顧客は新規 {self.customers_created}件、"
                f"既存の顧客を {self.customers_reused}件使いました。")
        if self.dry_run:
            text = text.replace("使いました", "使います")
        if self.already_imported:
            text += f" 取込済みの {self.already_imported}件は追加しません。"
        return text


def _rows_problem(rows: object) -> str | None:
    if not isinstance(rows, Sequence) or isinstance(rows, str | bytes):
        return "取り込む行が正しく渡されていません。"
    for row in rows:
        if not isinstance(row, SourceRow) or not isinstance(row.number, int) or isinstance(row.number, bool) \
                or not isinstance(row.cells, Mapping) \
                or not all(isinstance(k, str) and isinstance(v, str) for k, v in row.cells.items()):
            return "取り込む行が正しく渡されていません。"
    return None


@retried
def import_contracts(db: Database, actor: Actor, rows: Sequence[SourceRow], *, dry_run: bool = False,
                     source_name: str = "", today: dt.date | None = None,
                     progress: Progress | None = None) -> ImportResult:
    """Bring in ``rows`` (services.contracts.import_file.read_import_file) as contracts, all or
    nothing (clerk or manager). ImportRefused, writing nothing, when any row has a fault.
    ``dry_run``: check everything and say what would happen, writing nothing."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="契約の取込（移行）")
    problem = _rows_problem(rows)
    if problem or not isinstance(source_name, str) or not isinstance(dry_run, bool):
        message = problem or "ファイル名が正しくありません。"
        raise ImportRefused([RowError(contract_import.HEADER_ROW, "ファイル", message)])
    source = clean_line(source_name)[:SOURCE_NAME_MAX_LENGTH]
    today = today or clock.today()
    with db.transaction(write=not dry_run) as session:
        _staff = confirm_actor(session, actor)  # held: the audit records' checks then read no row again
        catalogs = _catalogs(session)
        check = contract_import.check_rows(rows, catalogs, today=today)
        if not check.ok:
            raise ImportRefused(check.errors)
        done = _existing_keys(session, [d.key for d in check.drafts])
        new = [d for d in check.drafts if d.key not in done]
        matches = _existing_customers(session, [d.customer for d in new])
        plan = _Customers(matches)
        for draft in new:
            plan.place(draft)
        if dry_run or not new:
            return ImportResult(source, len(rows), 0 if not dry_run else len(new), len(check.drafts) - len(new),
                                plan.created, plan.reused, dry_run)
        calendar = BusinessCalendar.company(closures=session.scalars(select(CompanyClosure.day)).all())
        writer = _Writer(session, actor, source, today, calendar, catalogs)
        codes = []
        for index, draft in enumerate(new, start=1):
            codes.append(writer.write(draft, plan))
            if progress is not None:
                progress(index, len(new))
        result = ImportResult(source, len(rows), len(new), len(check.drafts) - len(new), plan.created, plan.reused,
                              False, tuple(codes))
        audit.record(session, actor, "contracts.import", "contract", None,
                     after={"file_name": source, "rows": result.rows, "added": result.added,
                            "already_imported": result.already_imported, "customers_created": result.customers_created,
                            "customers_reused": result.customers_reused},
                     summary=f"契約の取込（移行）{source}: {result.added}件")
        return result


# -- reading what is there ---------------------------------------------------------------------------
def _catalogs(session: Session) -> dict[str, ServiceCatalog]:
    """Each shipped service with the codes of its plans and options in 設定 (every version of
    its terms: a contract on a plan no longer sold is still brought in)."""
    catalogs = {}
    for key in available_profiles():
        profile = load_profile(key)
        plans = session.execute(select(Plan.code, Plan.id).join(TermsProfileRecord)
                                .where(TermsProfileRecord.key == key).order_by(Plan.id)).tuples().all()
        options = session.execute(select(PlanOption.code, PlanOption.id).join(TermsProfileRecord)
                                  .where(TermsProfileRecord.key == key).order_by(PlanOption.id)).tuples().all()
        # the first of two rows with one code wins (reversed: the lowest id is written last)
        catalogs[key] = ServiceCatalog(profile, dict(reversed(plans)), dict(reversed(options)))
    return catalogs


def _chunks(values: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start:start + CHUNK])


def _existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(k for k in session.scalars(select(Contract.import_key).where(Contract.import_key.in_(chunk)))
                     if k is not None)
    return found


@dataclass(frozen=True)
class _Known:
    """The customers on file by each duplicate key (the lowest id first)."""

    corporate_number: dict[str, int]
    name_phone: dict[str, int]
    name_address: dict[str, int]


def _existing_customers(session: Session, drafts: Sequence[customers.CustomerDraft]) -> _Known:
    keys = [identity_keys(d) for d in drafts]
    known = _Known({}, {}, {})
    wanted = (("corporate_number", Customer.corporate_number, known.corporate_number),
              ("name_phone", Customer.name_phone_key, known.name_phone),
              ("name_address", Customer.name_address_key, known.name_address))
    for name, column, found in wanted:
        values = sorted({getattr(k, name) for k in keys} - {""})
        for chunk in _chunks(values):
            for value, customer_id in session.execute(select(column, Customer.id).where(or_(column.in_(chunk)))
                                                      .order_by(Customer.id.desc())):
                found[value] = customer_id
    return known


class _Customers:
    """Which customer each new contract belongs to: one on file sharing a duplicate key
    (法人番号 first, then name and phone, then name and address; the lowest id), else one
    created by an earlier row of the same file, else a new one."""

    def __init__(self, known: _Known) -> None:
        self.known = known
        self.of_row: dict[int, int | tuple[str, int]] = {}   # row -> customer id, or ("new", n)
        self.new_keys: dict[str, int] = {}
        self.reused_ids: set[int] = set()
        self.created = 0

    @property
    def reused(self) -> int:
        return len(self.reused_ids)

    def place(self, draft: ContractDraft) -> None:
        keys = identity_keys(draft.customer)
        pairs = (("c", keys.corporate_number, self.known.corporate_number),
                 ("p", keys.name_phone, self.known.name_phone), ("a", keys.name_address, self.known.name_address))
        for _, value, found in pairs:
            if value and value in found:
                self.reused_ids.add(found[value])
                self.of_row[draft.row] = found[value]
                return
        for tag, value, _ in pairs:
            if value and f"{tag}|{value}" in self.new_keys:
                self.of_row[draft.row] = ("new", self.new_keys[f"{tag}|{value}"])
                return
        self.created += 1
        for tag, value, _ in pairs:
            if value:
                self.new_keys[f"{tag}|{value}"] = self.created
        self.of_row[draft.row] = ("new", self.created)


# -- writing -----------------------------------------------------------------------------------------
class _Writer:
    def __init__(self, session: Session, actor: Actor, source: str, today: dt.date, calendar: BusinessCalendar,
                 catalogs: Mapping[str, ServiceCatalog]) -> None:
        self.session, self.actor, self.source, self.today = session, actor, source, today
        self.calendar, self.catalogs = calendar, catalogs
        self.profile_ids = {key: settings.profile_record(session, key).id for key in catalogs}
        self.created: dict[int, int] = {}   # n-th new customer -> its id

    def customer_id(self, draft: ContractDraft, plan: _Customers) -> int:
        placed = plan.of_row[draft.row]
        if isinstance(placed, int):
            return placed
        number = placed[1]
        if number not in self.created:
            self.created[number] = customers.insert_customer(self.session, self.actor, draft.customer).id
        return self.created[number]

    def write(self, draft: ContractDraft, plan: _Customers) -> str:
        session, actor = self.session, self.actor
        profile = self.catalogs[draft.profile_key].profile
        customer_id = self.customer_id(draft, plan)
        where = f"{self.source} {draft.row}行目" if self.source else f"{draft.row}行目"
        contract = Contract(
            customer_code=numbering.customer_code(session), customer_id=customer_id, application_id=None,
            terms_profile_id=self.profile_ids[draft.profile_key], status=draft.start_status,
            formed_on=draft.formed_on, registered_on=draft.registered_on, opened_on=draft.opened_on,
            first_billable_month=draft.first_billable_month, last_billable_month=draft.last_billable_month,
            ends_on=draft.ends_on, payment_method=draft.payment_method, import_key=draft.key,
            created_by_id=actor.user_id)
        contract.set_debit_account(draft.debit_account)
        session.add(contract)
        session.flush()
        history.start_periods(session, actor, contract, plan_id=draft.plan_id, lines=draft.lines,
                              options=dict(draft.options), from_month=first_of_month(draft.formed_on))
        history.record_event(session, actor, contract, ContractEventKind.IMPORTED, effective_on=draft.applied_on,
                             to_status=draft.start_status, reason=f"移行: {where}")
        if draft.agreement_fee is not None and draft.agreement_document is not None:
            # SC §1.3: replaces the plan's monthly fee per line from the first billable month on
            from_month = draft.first_billable_month or first_of_month(draft.formed_on)
            session.add(SpecialAgreementRow(
                contract_id=contract.id, subject=AgreementSubject.PLAN_MONTHLY_FEE, monthly_fee=draft.agreement_fee,
                document=draft.agreement_document, document_number=draft.agreement_number, from_month=from_month,
                recorded_by_id=actor.user_id))
            history.record_event(session, actor, contract, ContractEventKind.AGREEMENT_ADDED,
                                 effective_on=max(draft.formed_on, draft.applied_on),
                                 reason=f"移行: {draft.agreement_document.label} {draft.agreement_number}"
                                        f"（プラン月額 1回線あたり ¥{draft.agreement_fee:,}）")
        for step in contract_import.status_steps(draft, profile, self.calendar, self.today):
            history.change_status(session, actor, contract, step.action, step.kind, effective_on=step.effective_on,
                                  reason=f"移行: {where}")
        self._suspension_and_ending(contract, draft, where)
        audit.record(session, actor, "contract.import", "contract", contract.id,
                     after={"customer_code": contract.customer_code, "file_name": self.source, "row": draft.row,
                            "status": draft.status, "plan_id": draft.plan_id, "lines": draft.lines,
                            "formed_on": draft.formed_on, "first_billable_month": draft.first_billable_month},
                     summary=f"契約の移行 {contract.customer_code}（{where}）", customer_id=customer_id)
        return contract.customer_code

    def _suspension_and_ending(self, contract: Contract, draft: ContractDraft, where: str) -> None:
        by = self.actor.user_id
        if draft.status is ContractStatus.SUSPENDED:
            # Suspended in the old records: in force from the import, until the office resumes it.
            self.session.add(Suspension(contract_id=contract.id, reason_code=IMPORTED_SUSPENSION_REASON,
                                        reason_text="移行", state="active", starts_on=self.today,
                                        started_on=self.today, recorded_by_id=by))
        if draft.ends_on is not None and draft.last_billable_month is not None:
            profile = self.catalogs[draft.profile_key].profile
            by_month = profile.cancellation.effective is CancellationEffective.END_OF_DESIRED_MONTH
            received = contract_import.cancellation_received_by(draft, profile, self.calendar, self.today)
            self.session.add(ContractEnding(
                contract_id=contract.id, kind="cancellation", requested_on=received,
                desired_month=first_of_month(draft.ends_on) if by_month else None, effective_on=draft.ends_on,
                last_billable_month=draft.last_billable_month, taken_effect=draft.status is ContractStatus.CANCELLED,
                note=f"移行: {where}（受付日は元の記録になく、解約日に間に合う最後の日としています）",
                recorded_by_id=by))
            # options exist only on the base contract and end with it (SH §6.2–3)
            history.end_periods(self.session, contract, draft.last_billable_month)

"""Use cases of the 設定 section: company details, transfer accounts, closure days, the terms
profiles in use, and the plans and options of each service.

The transfer accounts (振込先, printed on invoices) are checked against zengin-code like a
customer's debit account: an unknown bank or branch code is refused beside its cell, and a
bank or branch name that contradicts its code is replaced by zengin-code's name (the codes
are what the bank reads); the saved rows are returned, so the window shows the names kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BankAccount, CompanyClosure, CompanySettings, Plan, PlanOption, TermsProfileRecord
from reseller_desk.domain.banks import bank_account_problems, with_bank_names
from reseller_desk.domain.bounds import MAX_TRANSFER_ACCOUNTS, closure_date_problem, date_type_problem, is_record_id
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.company import (
    BankAccountDetails,
    CompanyDetails,
    PlanDetails,
    bank_account_type_problems,
    clean_bank_account,
    clean_closure_note,
    clean_company,
    clean_plan,
    closure_note_problem,
    validate_company,
    validate_plan,
)
from reseller_desk.domain.terms import available_profiles, load_profile
from reseller_desk.services import audit, prices, versions
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

COMPANY_ROW_ID = 1


# -- company details ------------------------------------------------------------------------
#: The version of the company details before they were first saved (there is no row yet).
NO_COMPANY_ROW = 0


@dataclass(frozen=True)
class CompanyRecord:
    """The company details as the 会社情報 tab shows them, with their row version
    (:data:`NO_COMPANY_ROW` before the first save)."""

    details: CompanyDetails
    row_version: int


def _company_of(row: CompanySettings) -> CompanyDetails:
    return CompanyDetails(**{f.name: getattr(row, f.name) for f in dataclasses.fields(CompanyDetails)})


def get_company(db: Database) -> CompanyDetails:
    with db.transaction() as session:
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        return CompanyDetails() if row is None else _company_of(row)


def get_company_record(db: Database) -> CompanyRecord:
    """The company details with the version :func:`save_company` wants back."""
    with db.transaction() as session:
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        return CompanyRecord(CompanyDetails(), NO_COMPANY_ROW) if row is None else \
            CompanyRecord(_company_of(row), row.row_version)


@retried
def save_company(db: Database, actor: Actor, details: CompanyDetails, *, expected_version: int) -> CompanyRecord:
    """Save the company details. ``expected_version``: the row_version the tab showed
    (:data:`NO_COMPANY_ROW` when nothing was saved yet); changed since, ConcurrentEdit naming
    who changed them, and nothing is saved. Returns them as stored, with their new version."""
    require_role(actor, Role.MANAGER, action="会社情報の変更")
    if not isinstance(details, CompanyDetails):
        raise ValidationFailed({"name": "会社情報が正しく渡されていません。"})
    cleaned = clean_company(details)
    errors = validate_company(cleaned)
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(versions.COMPANY), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        versions.check(session, versions.COMPANY, COMPANY_ROW_ID, NO_COMPANY_ROW if row is None else row.row_version,
                       expected_version)
        before = None
        if row is None:
            row = CompanySettings(id=COMPANY_ROW_ID)
            session.add(row)
        else:
            before = _company_of(row)
        for field in dataclasses.fields(CompanyDetails):
            setattr(row, field.name, getattr(cleaned, field.name))
        row.updated_by_id = actor.user_id
        session.flush()
        audit.record(session, actor, "company.update", "company", COMPANY_ROW_ID, before=before, after=cleaned,
                     summary="会社情報の変更")
        return CompanyRecord(cleaned, row.row_version)


# -- bank accounts for transfers ---------------------------------------------------------------
@dataclass(frozen=True)
class BankAccountRecord:
    id: int
    details: BankAccountDetails
    row_version: int


BANK_FIELDS = tuple(f.name for f in dataclasses.fields(BankAccountDetails))


def _account_of(row: BankAccount) -> BankAccountDetails:
    return BankAccountDetails(**{f: getattr(row, f) for f in BANK_FIELDS})


def _account_rows(session: Session) -> list[BankAccount]:
    return list(session.scalars(select(BankAccount).order_by(BankAccount.sort_order, BankAccount.id)))


def list_bank_accounts(db: Database) -> list[BankAccountRecord]:
    with db.transaction() as session:
        return [BankAccountRecord(r.id, _account_of(r), r.row_version) for r in _account_rows(session)]


def account_versions(records: Iterable[BankAccountRecord]) -> dict[int, int]:
    """id -> row_version of the accounts a screen shows: what :func:`save_bank_accounts`
    wants back as ``expected_versions``."""
    return {r.id: r.row_version for r in records}


def _same_accounts(rows: Sequence[BankAccount], expected: object) -> bool:
    """Whether the accounts on file are exactly those the screen showed, each at its version."""
    if not isinstance(expected, Mapping) or len(expected) != len(rows):
        return False
    return all(r.id in expected and versions.matches(r.row_version, expected[r.id]) for r in rows)


@retried
def save_bank_accounts(db: Database, actor: Actor, accounts: Sequence[BankAccountDetails], *,
                       expected_versions: Mapping[int, int]) -> list[BankAccountRecord]:
    """Replace the list of transfer accounts (振込先), in the order given, cleaned and with the
    names of their codes (domain.banks.with_bank_names); returns them as saved. Errors are
    keyed "row.field" (row counted from 0), e.g. "0.branch_code" for a branch code that the
    bank of row 0 does not have, so the screen can mark the cell at fault.

    The list is one record, saved as a whole: ``expected_versions`` is id -> row_version of
    every account the screen showed (:func:`account_versions`; empty when it showed none). An
    account changed, added or removed since is a ConcurrentEdit naming who saved the list, and
    nothing is saved. The accounts on file are rewritten in place, row by row in order (an
    unchanged row keeps its version), the rows left over deleted, new ones added; an id is
    never used again (AUTOINCREMENT), so a removed and re-added account is a change too."""
    require_role(actor, Role.MANAGER, action="振込先口座の変更")
    if not isinstance(accounts, (list, tuple)):
        raise ValidationFailed({"accounts": "振込先口座の一覧が正しく渡されていません。"})
    if len(accounts) > MAX_TRANSFER_ACCOUNTS:
        raise ValidationFailed({"accounts": f"振込先口座は{MAX_TRANSFER_ACCOUNTS}件までです。"})
    wrong = {f"{i}.bank_code": "口座の内容が正しく渡されていません。" for i, account in enumerate(accounts)
             if not isinstance(account, BankAccountDetails)}
    if wrong:
        raise ValidationFailed(wrong)
    cleaned = [clean_bank_account(a) for a in accounts]
    errors = {f"{i}.{field}": message for i, account in enumerate(cleaned)
              for field, message in bank_account_type_problems(account).items()}
    if errors:
        raise ValidationFailed(errors)
    cleaned = [with_bank_names(a) for a in cleaned]
    errors = {f"{i}.{field}": message for i, account in enumerate(cleaned)
              for field, message in bank_account_problems(account).items()}
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(versions.BANK_ACCOUNTS), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        rows = _account_rows(session)
        if not _same_accounts(rows, expected_versions):
            raise versions.stale(session, versions.BANK_ACCOUNTS, None)
        before = [dataclasses.asdict(_account_of(r)) for r in rows]
        after = [dataclasses.asdict(a) for a in cleaned]
        if before != after:
            for order, account in enumerate(cleaned):
                row = rows[order] if order < len(rows) else BankAccount()
                for field, value in dataclasses.asdict(account).items():
                    setattr(row, field, value)
                row.sort_order = order
                session.add(row)
            for row in rows[len(cleaned):]:
                session.delete(row)
            session.flush()
            audit.record(session, actor, "bank_accounts.replace", "bank_accounts", None, before=before,
                         after=after, summary=f"振込先口座 {len(cleaned)}件")
        return [BankAccountRecord(r.id, _account_of(r), r.row_version) for r in _account_rows(session)]


# -- closure days and the company calendar -------------------------------------------------------
@dataclass(frozen=True)
class Closure:
    day: dt.date
    note: str


def list_closures(db: Database) -> list[Closure]:
    with db.transaction() as session:
        return [Closure(c.day, c.note) for c in session.scalars(select(CompanyClosure).order_by(CompanyClosure.day))]


def _closure_days(days: object, problem_of: Callable[[object], str | None]) -> list[dt.date]:
    """The distinct days of ``days``, each checked by ``problem_of``; ValidationFailed (keyed
    "day") names the first at fault."""
    if not isinstance(days, (list, tuple, set, frozenset)):
        raise ValidationFailed({"day": "休業日の一覧が正しく渡されていません。"})
    for day in days:
        problem = problem_of(day)
        if problem:
            raise ValidationFailed({"day": problem})
    return sorted({day for day in days if isinstance(day, dt.date)})


@retried
def add_closures(db: Database, actor: Actor, days: Iterable[dt.date], note: str = "", *,
                 today: dt.date | None = None) -> list[Closure]:
    """Add closure days (a day already listed keeps its note), each in the closure window
    (domain.bounds.closure_window: from 2000-01-01 to two years ahead). A note longer than
    the column is refused beside its field, never cut; the audit record keeps the note as
    stored."""
    require_role(actor, Role.MANAGER, action="休業日の登録")
    today = today or clock.today()
    problem = closure_note_problem(note)
    if problem:
        raise ValidationFailed({"note": problem})
    cleaned_note = clean_closure_note(note)
    assert isinstance(cleaned_note, str)  # closure_note_problem refused anything else
    note = cleaned_note
    days = _closure_days(days, lambda day: closure_date_problem(day, today))
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        existing = set(session.scalars(select(CompanyClosure.day).where(CompanyClosure.day.in_(days))))
        added = [d for d in days if d not in existing]
        for day in added:
            session.add(CompanyClosure(day=day, note=note))
        if added:
            audit.record(session, actor, "closure.add", "company_closures", None,
                         after={"days": [d.isoformat() for d in added], "note": note},
                         summary=f"休業日追加 {len(added)}日")
    return list_closures(db)


@retried
def remove_closures(db: Database, actor: Actor, days: Iterable[dt.date]) -> list[Closure]:
    require_role(actor, Role.MANAGER, action="休業日の削除")
    days = _closure_days(days, lambda day: date_type_problem(day, "休業日"))
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        listed = sorted(session.scalars(select(CompanyClosure.day).where(CompanyClosure.day.in_(days))))
        if listed:
            session.execute(delete(CompanyClosure).where(CompanyClosure.day.in_(listed)))
            audit.record(session, actor, "closure.remove", "company_closures", None,
                         before={"days": [d.isoformat() for d in listed]}, summary=f"休業日削除 {len(listed)}日")
    return list_closures(db)


def company_calendar(db: Database) -> BusinessCalendar:
    """The company business calendar (当社営業日) with this office's closure days."""
    return BusinessCalendar.company(closures=[c.day for c in list_closures(db)])


# -- terms profiles in use ---------------------------------------------------------------------
@dataclass(frozen=True)
class ProfileInfo:
    key: str
    name: str
    provider: str
    version: str
    effective_from: dt.date


def list_profiles() -> list[ProfileInfo]:
    """The terms profiles this version ships (resources/terms/*.toml)."""
    result = []
    for key in available_profiles():
        p = load_profile(key)
        result.append(ProfileInfo(p.key, p.name, p.provider, p.version, p.effective_from))
    return result


def profile_record(session: Session, key: str) -> TermsProfileRecord:
    """The row of the current version of profile ``key``, created on first use."""
    profile = load_profile(key)
    row = session.scalars(select(TermsProfileRecord).where(
        TermsProfileRecord.key == profile.key, TermsProfileRecord.version == profile.version)).first()
    if row is None:
        row = TermsProfileRecord(key=profile.key, version=profile.version, name=profile.name,
                                 provider=profile.provider, effective_from=profile.effective_from)
        session.add(row)
        session.flush()
    return row


# -- plans and options ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanRecord:
    id: int
    details: PlanDetails
    profile_name: str
    row_version: int


def _plan_details(row: Plan | PlanOption) -> PlanDetails:
    """A plan row, or an option row (the plan-only fields at their defaults), as its values."""
    details = PlanDetails(profile_key=row.terms_profile.key, code=row.code, name=row.name,
                          monthly_fee=row.monthly_fee, initial_fee=row.initial_fee, active=row.active, notes=row.notes)
    if isinstance(row, Plan):
        details = dataclasses.replace(details, minimum_term_months=row.minimum_term_months,
                                      early_termination_fee=row.early_termination_fee,
                                      requires_face_to_face=row.requires_face_to_face)
    return details


def _list(db: Database, model: type[Plan] | type[PlanOption], profile_key: str | None) -> list[PlanRecord]:
    with db.transaction() as session:
        statement = select(model).join(model.terms_profile).order_by(TermsProfileRecord.key, model.code)
        if profile_key:
            statement = statement.where(TermsProfileRecord.key == profile_key)
        rows = [r for r in session.scalars(statement) if isinstance(r, (Plan, PlanOption))]
        return [PlanRecord(r.id, _plan_details(r), r.terms_profile.name, r.row_version) for r in rows]


def _get(db: Database, model: type[Plan] | type[PlanOption], record_id: int) -> PlanRecord:
    noun = "オプション" if model is PlanOption else "プラン"
    with db.transaction() as session:
        row = session.get(model, record_id) if is_record_id(record_id) else None
        if not isinstance(row, (Plan, PlanOption)):
            raise NotFound(f"{noun} {record_id} は見つかりません。")
        return PlanRecord(row.id, _plan_details(row), row.terms_profile.name, row.row_version)


def get_plan(db: Database, plan_id: int) -> PlanRecord:
    """One plan as stored, with its version (the plan dialog's 「最新の内容を読み込む」)."""
    return _get(db, Plan, plan_id)


def get_option(db: Database, option_id: int) -> PlanRecord:
    return _get(db, PlanOption, option_id)


def list_plans(db: Database, profile_key: str | None = None) -> list[PlanRecord]:
    return _list(db, Plan, profile_key)


def list_options(db: Database, profile_key: str | None = None) -> list[PlanRecord]:
    return _list(db, PlanOption, profile_key)


def _save(db: Database, actor: Actor, model: type[Plan] | type[PlanOption], record_id: int | None,
          details: PlanDetails, expected_version: int | None) -> PlanRecord:
    is_option = model is PlanOption
    kind = versions.OPTION if is_option else versions.PLAN
    noun = "オプション" if is_option else "プラン"
    require_role(actor, Role.MANAGER, action=f"{noun}の変更")
    if not isinstance(details, PlanDetails):
        raise ValidationFailed({"name": f"{noun}の内容が正しく渡されていません。"})
    if record_id is not None and not is_record_id(record_id):
        raise NotFound(f"指定された{noun}は見つかりません。")
    details = clean_plan(details)
    errors = validate_plan(details, set(available_profiles()))
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(kind), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        found: Plan | PlanOption | None = None
        if record_id is not None:
            loaded = session.get(model, record_id)
            if not isinstance(loaded, (Plan, PlanOption)):
                raise NotFound(f"{noun} {record_id} は見つかりません。")
            versions.check(session, kind, loaded.id, loaded.row_version, expected_version)
            _refuse_invoiced_price_edit(session, loaded, details)
            found = loaded
        profile = profile_record(session, details.profile_key)
        clash = session.scalars(select(model.id).where(model.terms_profile_id == profile.id,
                                                       model.code == details.code)).first()
        if clash is not None and clash != record_id:
            raise ValidationFailed({"code": f"コード「{details.code}」は同じサービスの{noun}で使われています。"})
        before = None
        row: Plan | PlanOption
        if found is None:
            row = model(terms_profile_id=profile.id)
            session.add(row)
        else:
            row = found
            before = _plan_details(row)
        row.terms_profile = profile
        for field in ("code", "name", "monthly_fee", "initial_fee", "active", "notes"):
            setattr(row, field, getattr(details, field))
        if isinstance(row, Plan):
            row.minimum_term_months = details.minimum_term_months
            row.early_termination_fee = details.early_termination_fee
            row.requires_face_to_face = details.requires_face_to_face
        session.flush()
        entity = "option" if is_option else "plan"
        audit.record(session, actor, f"{entity}.{'add' if before is None else 'update'}", entity, row.id,
                     before=before, after=_plan_details(row), summary=f"{noun}: {details.name}")
        return PlanRecord(row.id, _plan_details(row), profile.name, row.row_version)


def _refuse_invoiced_price_edit(session: Session, row: Plan | PlanOption, details: PlanDetails) -> None:
    """Once its service has an invoice, an item's fees change only through 価格改定 from a month
    not yet billed (services.prices): rewriting the price it was created with would reprice
    every invoiced month. Before the first invoice they may still be edited in place."""
    edited = [field for field in ("monthly_fee", "initial_fee") if getattr(details, field) != getattr(row, field)]
    if edited and prices.invoiced_through(session, row.terms_profile_id) is not None:
        raise ValidationFailed(dict.fromkeys(edited, prices.INVOICED_PRICE_MESSAGE))


@retried
def save_plan(db: Database, actor: Actor, plan_id: int | None, details: PlanDetails, *,
              expected_version: int | None) -> PlanRecord:
    """Add (plan_id None) or change a plan. Plans are never deleted once used; set active=False.
    ``expected_version``: the row_version of the plan the dialog showed; None only when adding
    (there is no version yet: ignored then). A changed plan is a ConcurrentEdit."""
    return _save(db, actor, Plan, plan_id, details, expected_version)


@retried
def save_option(db: Database, actor: Actor, option_id: int | None, details: PlanDetails, *,
                expected_version: int | None) -> PlanRecord:
    """Add or change an option, as :func:`save_plan` a plan."""
    return _save(db, actor, PlanOption, option_id, details, expected_version)


__all__ = [
    "BankAccountDetails", "BankAccountRecord", "Closure", "CompanyDetails", "CompanyRecord", "NO_COMPANY_ROW",
    "PlanDetails", "PlanRecord", "ProfileInfo", "ServiceError", "account_versions", "add_closures",
    "company_calendar", "get_company", "get_company_record", "get_option", "get_plan", "list_bank_accounts",
    "list_closures", "list_options", "list_plans", "list_profiles", "remove_closures", "save_bank_accounts",
    "save_company", "save_option", "save_plan",
]

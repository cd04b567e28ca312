"""Importing the providers' usage files (通話料): a preview first, then all the calls, or — when
the clerk says so — the valid ones without the rows at fault, in one write transaction.

The file is decoded as the contract import decodes (UTF-8 with or without BOM, or Shift_JIS;
services.contracts.import_file), its rows read by domain.usage_file. Each call is then placed
on its contract with bulk lookups (no query per row): a number on the contract that held it on
the call's day (contract_numbers: assigned_on ≤ day, released_on NULL or after it), a カスタマID
on its contract. A call of an account (customer and terms profile) whose invoice of the month
is issued is refused: the run bills a month once. A call already in usage_records (the same
row_key) is counted, never added again, so a file imported twice adds nothing.

The billing run (another module) reads usage_records of a month by billing_month and
contract_id where invoice_id is NULL; ``phone_number`` is "" for a call given by カスタマID alone.
``called_at`` is the call's time as the file gives it: Japan time, naive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, ContractNumber, Invoice, UsageImport, UsageRecord
from reseller_desk.domain import bounds
from reseller_desk.domain import usage_file as fmt
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.text import clean_line
from reseller_desk.domain.usage_file import CUSTOMER_CODE, HEADER_ROW, NUMBER, Call, UsageProblem, month_label
from reseller_desk.services import audit
from reseller_desk.services.contracts.import_file import MAX_FILE_BYTES, ImportRefused, _decode
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["MAX_FILE_BYTES", "UsageImportCancelled", "UsagePreview", "UsageProblem", "UsageRefused", "import_usage",
           "preview_usage",
           "read_usage_file"]

#: usage_imports.file_name's width.
FILE_NAME_MAX_LENGTH = 255
#: Values per IN (…) of one query (SQLite binds at most 32,766 in one statement).
CHUNK = 2000


@dataclass(frozen=True)
class UsagePreview:
    """What a file holds for ``month`` and what importing it does: ``rows`` (non-blank rows),
    ``valid`` (rows without a fault, ``total_amount`` their yen before tax), ``numbers`` (the
    distinct numbers with calls among them; a カスタマID given without a number counts as
    one), every fault, and ``already_imported`` (valid rows already in the database)."""

    file_name: str
    month: dt.date
    rows: int
    valid: int
    total_amount: int
    numbers: int
    problems: tuple[UsageProblem, ...]
    already_imported: int

    @property
    def added(self) -> int:
        """The calls importing adds (the valid ones not imported before)."""
        return self.valid - self.already_imported

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})

    @property
    def file_refused(self) -> bool:
        """The file itself is at fault (its encoding, size or header): no row can be imported."""
        return any(p.row == HEADER_ROW for p in self.problems)

    def summary(self) -> str:
        """One line of counts: 2026年11月分 1,230件（正しい行 1,226件、番号 45件、金額 ¥123,456 税抜）."""
        text = (f"{month_label(self.month)}分 {self.rows:,}件（正しい行 {self.valid:,}件、番号 {self.numbers:,}件、"
                f"金額 ¥{self.total_amount:,} 税抜）")
        if self.already_imported:
            text += f"。取込済み {self.already_imported:,}件は追加しません"
        if self.bad_rows:
            text += f"。誤りのある行 {self.bad_rows:,}件"
        return text + "。"

    def imported_text(self) -> str:
        """What an import did, for the clerk."""
        if self.added == 0:
            return f"{month_label(self.month)}分の通話はすべて取込済みです。何も追加していません。"
        text = f"{month_label(self.month)}分の通話 {self.added:,}件（¥{self.total_amount:,} 税抜）を取り込みました。"
        if self.bad_rows:
            text += f" 誤りのある {self.bad_rows:,}行は除きました。"
        if self.already_imported:
            text += f" 取込済みの {self.already_imported:,}件は追加していません。"
        return text


class UsageImportCancelled(ServiceError):
    def __init__(self) -> None:
        super().__init__("通話料の取込を中止しました（何も取り込んでいません）。")


class UsageRefused(ValidationFailed):
    """Nothing was imported: the preview with every fault (``preview.problems``), and as
    ValidationFailed's ``errors`` keyed "行 N 列 C"."""

    def __init__(self, preview: UsagePreview, message: str = "") -> None:
        self.preview = preview
        self.problems = preview.problems
        errors: dict[str, str] = {}
        for p in preview.problems:
            key = f"行 {p.row} 列 {p.column}"
            errors[key] = f"{errors[key]} {p.reason}" if key in errors else p.reason
        if not message:
            message = (f"{preview.bad_rows:,}行に誤りがあるため、取り込みませんでした（何も取り込んでいません）。"
                       "直すか、エラーの行を除いて取り込んでください。")
            if preview.file_refused:
                message = "ファイルに誤りがあるため、取り込みませんでした（何も取り込んでいません）。"
        super().__init__(errors, message)


def read_usage_file(path: str | Path) -> bytes:
    """The bytes of the file at ``path``, at most :data:`MAX_FILE_BYTES` (the contract import's
    bound). ValidationFailed naming what to fix when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationFailed({"file": "大きすぎます"}, _too_large(size))
        return path.read_bytes()
    except OSError as error:
        raise ValidationFailed({"file": "読めません"},
                               f"ファイル {path.name} を読めません（{error.strerror or error}）。") from None


def _too_large(size: int) -> str:
    return f"ファイルが大きすぎます（{size:,} バイト）。{MAX_FILE_BYTES // 1024 // 1024} MB までにしてください。"


def preview_usage(db: Database, data: bytes, file_name: str, month: dt.date) -> UsagePreview:
    """What importing ``data`` for ``month`` would do, every fault listed; writes nothing."""
    name, month = _arguments(data, file_name, month)
    with db.transaction() as session:
        return _check(session, data, name, month, clock.today()).preview


@retried
def import_usage(db: Database, actor: Actor, data: bytes, file_name: str, month: dt.date, *,
                 drop_bad: bool = False, cancelled: Callable[[], bool] | None = None) -> UsagePreview:
    """Import the calls of ``data`` for ``month`` (clerk or manager): all of them when every row
    is valid, or with ``drop_bad`` the valid ones (the others recorded as dropped). UsageRefused,
    writing nothing, when a row is at fault (and not ``drop_bad``), when the file itself is, or
    when no row is valid. Calls imported before are not added again. ``cancelled()`` True once
    the file is checked stops the import before anything is written (UsageImportCancelled)."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="通話料の取込")
    if not isinstance(drop_bad, bool):
        raise ValidationFailed({"drop_bad": "はい・いいえで指定してください"}, "取込の指定が正しくありません。")
    name, month = _arguments(data, file_name, month)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        checked = _check(session, data, name, month, clock.today())
        preview = checked.preview
        if preview.file_refused or (preview.problems and not drop_bad):
            raise UsageRefused(preview)
        if preview.valid == 0:
            raise UsageRefused(preview, "取り込める行がありません（何も取り込んでいません）。")
        if not checked.new:
            return preview
        if cancelled is not None and cancelled():
            raise UsageImportCancelled()
        usage_import = UsageImport(billing_month=month, file_name=name, file_sha256=hashlib.sha256(data).hexdigest(),
                                   rows_imported=len(checked.new), rows_dropped=preview.bad_rows,
                                   total_amount=sum(r["amount"] for r in checked.new), imported_by_id=actor.user_id)
        session.add(usage_import)
        session.flush()
        session.execute(insert(UsageRecord), [{**r, "usage_import_id": usage_import.id} for r in checked.new])
        audit.record(session, actor, "usage.import", "usage_import", usage_import.id,
                     after={"file_name": name, "month": month, "rows": preview.rows, "imported": len(checked.new),
                            "dropped": preview.bad_rows, "already_imported": preview.already_imported,
                            "total_amount": usage_import.total_amount},
                     summary=f"通話料の取込 {name}（{month_label(month)}分）: {len(checked.new):,}件")
        return preview


# -- checking ----------------------------------------------------------------------------------------
def _arguments(data: object, file_name: object, month: object) -> tuple[str, dt.date]:
    if not isinstance(data, bytes):
        raise ValidationFailed({"data": "ファイルの内容がありません"}, "取り込むファイルが正しく渡されていません。")
    if not isinstance(file_name, str):
        raise ValidationFailed({"file_name": "ファイル名がありません"}, "ファイル名が正しくありません。")
    earliest, latest = bounds.recorded_window(clock.today())
    if not isinstance(month, dt.date) or isinstance(month, dt.datetime) \
            or not earliest <= month.replace(day=1) <= latest.replace(day=1):
        raise ValidationFailed({"month": "対象月が正しくありません"},
                               f"対象月は {earliest:%Y-%m} から今月までの月を指定してください。")
    return clean_line(file_name)[:FILE_NAME_MAX_LENGTH], month.replace(day=1)


@dataclass(frozen=True)
class _Checked:
    preview: UsagePreview
    new: list[dict[str, object]]   # the usage_records rows to add (without usage_import_id)


@dataclass(frozen=True)
class _Holder:
    contract_id: int
    customer_code: str
    account: tuple[int, int]     # (customer_id, terms_profile_id)
    assigned_on: dt.date | None = None
    released_on: dt.date | None = None


def _check(session: Session, data: bytes, name: str, month: dt.date, today: dt.date) -> _Checked:
    def refused(problems: Sequence[UsageProblem], rows: int = 0) -> _Checked:
        return _Checked(UsagePreview(name, month, rows, 0, 0, 0, tuple(problems), 0), [])

    if len(data) > MAX_FILE_BYTES:
        return refused([UsageProblem(HEADER_ROW, fmt.FILE, _too_large(len(data)))])
    try:
        text = _decode(data)
    except ImportRefused as unreadable:
        return refused([UsageProblem(HEADER_ROW, fmt.FILE, str(unreadable))])
    table = fmt.parse_usage_text(text)
    if table.problems:
        return refused(table.problems)
    calls, problems = fmt.check_rows(table.rows, month, today)
    by_number = _holders_of_numbers(session, {c.number for c in calls if c.number})
    by_code = _contracts_of_codes(session, {c.customer_code for c in calls if c.customer_code})
    invoiced = _invoiced_accounts(session, month)
    placed: list[tuple[Call, _Holder, str]] = []
    for call in calls:
        holder, problem = _place(call, by_number, by_code)
        if holder is None:
            problems.append(problem or UsageProblem(call.row, NUMBER, "契約が見つかりません。"))
            continue
        number = call.number or ""
        placed.append((call, holder, fmt.row_key(holder.contract_id, number, call.called_at, call.destination,
                                                 call.seconds, call.amount)))
    existing = _existing_keys(session, [key for _, _, key in placed])
    valid: list[tuple[Call, _Holder, str]] = []
    first_of: dict[str, int] = {}
    for call, holder, key in placed:
        first = first_of.setdefault(key, call.row)
        if first != call.row:   # one call given twice, once by number and once with its カスタマID too
            problems.append(UsageProblem(call.row, fmt.CALLED_AT, f"{first}行目と同じ通話です（重複）。"))
            continue
        if key not in existing and holder.account in invoiced:
            column = NUMBER if call.number else CUSTOMER_CODE
            problems.append(UsageProblem(call.row, column, f"{month_label(month)}分は請求済みです"
                                                           f"（カスタマID {holder.customer_code}）。"))
            continue
        valid.append((call, holder, key))
    new = [{"billing_month": month, "contract_id": holder.contract_id, "phone_number": call.number or "",
            "called_at": call.called_at, "destination": call.destination, "seconds": call.seconds,
            "amount": call.amount, "row_key": key}
           for call, holder, key in valid if key not in existing]
    preview = UsagePreview(
        name, month, len(table.rows), len(valid), sum(call.amount for call, _, _ in valid),
        len({(holder.contract_id, call.number or "") for call, holder, _ in valid}),
        tuple(sorted(problems, key=lambda p: (p.row, fmt.COLUMNS.index(p.column) if p.column in fmt.COLUMNS else 9))),
        len(valid) - len(new))
    return _Checked(preview, new)


def _place(call: Call, by_number: dict[str, list[_Holder]], by_code: dict[str, _Holder]
           ) -> tuple[_Holder | None, UsageProblem | None]:
    """The contract ``call`` is charged to, or why there is none."""
    day = call.called_at.date()
    if call.number:
        held = [h for h in by_number.get(call.number, ()) if h.assigned_on is not None and h.assigned_on <= day
                and (h.released_on is None or day < h.released_on)]
        if not held:
            return None, UsageProblem(call.row, NUMBER, f"電話番号 {call.number} は {day:%Y-%m-%d} に"
                                                        "どの契約の番号でもありません。")
        holder = max(held, key=lambda h: h.assigned_on or day)
        if call.customer_code and call.customer_code != holder.customer_code:
            return None, UsageProblem(call.row, CUSTOMER_CODE, f"電話番号 {call.number} は {day:%Y-%m-%d} に"
                                                               f"契約 {holder.customer_code} の番号です"
                                                               f"（カスタマID {call.customer_code} と違います）。")
        return holder, None
    assert call.customer_code is not None
    found = by_code.get(call.customer_code)
    if found is None:
        return None, UsageProblem(call.row, CUSTOMER_CODE, f"カスタマID {call.customer_code} の契約はありません。")
    return found, None


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start:start + CHUNK]


def _holders_of_numbers(session: Session, numbers: set[str]) -> dict[str, list[_Holder]]:
    found: dict[str, list[_Holder]] = {}
    for chunk in _chunks(numbers):
        rows = session.execute(
            select(ContractNumber.number, ContractNumber.contract_id, Contract.customer_code, Contract.customer_id,
                   Contract.terms_profile_id, ContractNumber.assigned_on, ContractNumber.released_on)
            .join(Contract, Contract.id == ContractNumber.contract_id).where(ContractNumber.number.in_(chunk)))
        for number, contract_id, code, customer_id, profile_id, assigned_on, released_on in rows:
            found.setdefault(number, []).append(
                _Holder(contract_id, code, (customer_id, profile_id), assigned_on, released_on))
    return found


def _contracts_of_codes(session: Session, codes: set[str]) -> dict[str, _Holder]:
    found: dict[str, _Holder] = {}
    for chunk in _chunks(codes):
        rows = session.execute(select(Contract.customer_code, Contract.id, Contract.customer_id,
                                      Contract.terms_profile_id).where(Contract.customer_code.in_(chunk)))
        for code, contract_id, customer_id, profile_id in rows:
            found[code] = _Holder(contract_id, code, (customer_id, profile_id))
    return found


def _invoiced_accounts(session: Session, month: dt.date) -> set[tuple[int, int]]:
    """The accounts whose invoice of ``month`` is issued (the run's one invoice per account)."""
    rows = session.execute(select(Invoice.customer_id, Invoice.terms_profile_id).where(
        Invoice.billing_month == month, Invoice.kind == InvoiceKind.INVOICE, Invoice.corrects_invoice_id.is_(None)))
    return {(customer_id, profile_id) for customer_id, profile_id in rows}


def _existing_keys(session: Session, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(keys):
        found.update(session.scalars(select(UsageRecord.row_key).where(UsageRecord.row_key.in_(chunk))))
    return found

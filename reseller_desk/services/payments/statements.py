"""Bank statements of money in, imported (issue 12 "Bank transfers: statement import and
matching"): a 全銀協 振込入金通知 (01) / 入出金取引明細 (03) file (domain.zengin_statement), or a
bank's CSV statement read with the column mapping saved for that bank (statement_csv).

:func:`read_statement_file` only reads (the preview: rows and problems). :func:`import_statement`
writes the rows as statement lines, all or nothing: a file with any problem is refused whole
(:class:`StatementRefused`, naming the line). Each line's ``row_key`` is a hash of the account,
the date, the bank's reference, the amount, the payer's key and the occurrence of that same
tuple in the file, so the same statement (or one overlapping it) imported again adds nothing.
Matching the lines to customers is services.payments.matching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import BankCsvMapping, StatementImport, StatementLine, utcnow
from reseller_desk.domain.payer_match import payer_key
from reseller_desk.domain.text import clean_line
from reseller_desk.domain.zengin_debit import ZenginFileError
from reseller_desk.domain.zengin_statement import read_statement
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments.ledger import MAX_PAYMENT
from reseller_desk.services.payments.statement_csv import (
    DATE_FORMATS,
    MappingDetails,
    mapping_problems,
    read_csv_statement,
)
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["DATE_FORMATS", "BankMapping", "ImportProgress", "MappingDetails", "PreviewRow", "StatementImported",
           "StatementPreview", "StatementRefused", "bank_mappings", "import_statement", "read_statement_file",
           "save_bank_mapping"]

#: Lines written per chunk; the import looks at 中止 between chunks.
CHUNK = 500
#: Keys per IN (…) when looking for lines already imported.
KEYS_PER_QUERY = 2000
FILE_NAME_MAX_LENGTH = 255
#: The largest statement file read (a month of a busy account is well under 1 MB).
MAX_FILE_BYTES = 20_000_000
BANK_MAPPING = versions.Versioned("この銀行の列設定", "bank_csv_mapping")


class ImportProgress(Protocol):
    """What a long import is handed (ui.operations.Progress is one): ``check()`` raises when the
    clerk pressed 中止, ``report`` says how far it got."""

    def check(self) -> None: ...

    def report(self, done: int, total: int = 0, text: str = "") -> None: ...


@dataclass(frozen=True)
class PreviewRow:
    row_no: int                # the line (CSV) or record (全銀) in the file
    value_date: dt.date
    amount: int
    payer_name: str
    reference: str


@dataclass(frozen=True)
class StatementPreview:
    """What a statement file holds: its source (``zengin`` / ``csv``), what it is (振込入金通知 …),
    the account received on, the money-in rows and the problems (line, Japanese message)."""

    source: str
    kind_label: str
    bank_name: str
    account: str
    rows: tuple[PreviewRow, ...]
    problems: tuple[tuple[int, str], ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.rows)


@dataclass(frozen=True)
class StatementImported:
    """What an import did: the import's id (None when every row was imported before: nothing
    was written), the rows in the file, the new ones and those already imported."""

    import_id: int | None
    rows_total: int
    rows_new: int
    rows_already: int

    def summary(self) -> str:
        if self.rows_new == 0:
            return f"{self.rows_total}件すべて取込済みです。何も追加していません。"
        text = f"入金 {self.rows_new}件を取り込みました。"
        return text + (f" 取込済みの {self.rows_already}件は追加しません。" if self.rows_already else "")


class StatementRefused(ServiceError):
    """A statement file refused whole (nothing written); ``problems`` is (line, message) each."""

    def __init__(self, problems: Sequence[tuple[int, str]]) -> None:
        self.problems = tuple(problems)
        line, message = self.problems[0]
        where = f"{line}行目: " if line else ""
        more = f"（ほか{len(self.problems) - 1}件）" if len(self.problems) > 1 else ""
        super().__init__(f"明細ファイルを取り込めません。{where}{message}{more} 何も取り込んでいません。")


@dataclass(frozen=True)
class BankMapping(MappingDetails):
    """A saved mapping with its id and row version (for :func:`save_bank_mapping`)."""

    id: int = 0
    version: int = 0


def _mapping_of(row: BankCsvMapping) -> BankMapping:
    return BankMapping(row.bank_name, row.date_column, row.amount_column, row.payer_column, row.reference_column,
                       row.header_rows, row.date_format, row.id, row.row_version)


def _is_zengin(data: bytes) -> bool:
    return data[:1] == b"1" and data[1:3] in (b"01", b"03")


def _preview(session: Session, data: object, file_name: object, bank: object) -> StatementPreview:
    if not isinstance(data, bytes | bytearray) or not data:
        return StatementPreview("", "", "", "", (), ((0, "ファイルが空です。銀行の明細ファイルを選んでください。"),))
    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        return StatementPreview("", "", "", "", (), ((0, "ファイルが大きすぎます。1か月分ずつ取り込んでください。"),))
    if bank is None and _is_zengin(data):
        try:
            statement = read_statement(data)
        except ZenginFileError as error:
            return StatementPreview("zengin", "", "", "", (), ((error.record, error.reason),))
        rows = tuple(PreviewRow(r.record, r.on, r.amount, clean_line(r.payer_name), r.reference)
                     for r in statement.rows)
        account = f"{statement.bank_code}-{statement.branch_code}-{statement.account_number}"
        return _checked(StatementPreview("zengin", statement.kind_label, "", account, rows, ()))
    if bank is None:
        return StatementPreview("csv", "", "", "", (), (
            (0, "全銀協の明細ではありません。CSV の明細なら銀行を選んでください（--bank 銀行名）。"),))
    if not isinstance(bank, str):
        return StatementPreview("csv", "", "", "", (), ((0, "銀行を一覧から選んでください。"),))
    row = session.scalar(select(BankCsvMapping).where(BankCsvMapping.bank_name == clean_line(bank)))
    if row is None:
        return StatementPreview("csv", "", clean_line(bank)[:50], "", (), (
            (0, f"銀行「{clean_line(bank)[:50]}」の列設定がありません。設定 → 銀行CSV で登録してください。"),))
    mapping = _mapping_of(row)
    csv_rows, problems = read_csv_statement(data, mapping)
    rows = tuple(PreviewRow(r.row_no, r.value_date, r.amount, r.payer_name, r.reference) for r in csv_rows)
    return _checked(StatementPreview("csv", f"CSV（{mapping.bank_name}）", mapping.bank_name, mapping.bank_name,
                                     rows, tuple(problems)))


def _checked(preview: StatementPreview) -> StatementPreview:
    """The rows' own problems added: an amount the ledger cannot take, a nameless payer, no row."""
    problems = list(preview.problems)
    for row in preview.rows:
        if not 1 <= row.amount <= MAX_PAYMENT:
            problems.append((row.row_no, f"入金額 {row.amount:,}円は取り込めません（1〜{MAX_PAYMENT:,}円）。"))
        elif not row.payer_name:
            problems.append((row.row_no, "振込依頼人名が空です。"))
    if not preview.rows and not problems:
        problems.append((0, "入金の行が1件もありません。"))
    return replace(preview, problems=tuple(sorted(problems)))


def read_statement_file(db: Database, data: bytes, file_name: str, *, bank: str | None = None) -> StatementPreview:
    """What the statement ``data`` holds, read only: a 全銀協 01/03 file, or (``bank`` named) a
    CSV read with that bank's saved mapping."""
    with db.transaction() as session:
        return _preview(session, data, file_name, bank)


def row_key(account: str, row: PreviewRow, occurrence: int) -> str:
    """The line's identity across imports (see the module's docstring)."""
    parts = (account, row.value_date.isoformat(), row.reference, str(row.amount), payer_key(row.payer_name),
             str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _existing(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), KEYS_PER_QUERY):
        found.update(session.scalars(select(StatementLine.row_key)
                                     .where(StatementLine.row_key.in_(keys[start:start + KEYS_PER_QUERY]))))
    return found


@retried
def import_statement(db: Database, actor: Actor, data: bytes, file_name: str, *, bank: str | None = None,
                     progress: ImportProgress | None = None) -> StatementImported:
    """Import a statement's money-in rows as open statement lines (clerk or manager), all or
    nothing: StatementRefused, writing nothing, when the file has any problem; a 中止
    (``progress.check()`` raising) between chunks writes nothing either."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="入金明細の取込")
    if not isinstance(file_name, str):
        raise StatementRefused([(0, "ファイル名が正しくありません。")])
    name = clean_line(file_name)[:FILE_NAME_MAX_LENGTH]
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        preview = _preview(session, data, file_name, bank)
        if preview.problems:
            raise StatementRefused(preview.problems)
        seen: Counter[tuple[object, ...]] = Counter()
        keyed = []
        for row in preview.rows:
            tuple_key = (row.value_date, row.reference, row.amount, payer_key(row.payer_name))
            keyed.append((row, row_key(preview.account, row, seen[tuple_key])))
            seen[tuple_key] += 1
        already = _existing(session, [key for _, key in keyed])
        new = [(row, key) for row, key in keyed if key not in already]
        if not new:
            return StatementImported(None, len(keyed), 0, len(keyed))
        record = StatementImport(source=preview.source, bank_name=preview.bank_name, file_name=name,
                                 file_sha256=hashlib.sha256(bytes(data)).hexdigest(), rows_total=len(keyed),
                                 rows_new=len(new), imported_by_id=actor.user_id)
        session.add(record)
        session.flush()
        for start in range(0, len(new), CHUNK):
            if progress is not None:
                progress.check()
                progress.report(start, len(new), f"入金明細を取り込んでいます（{start}/{len(new)}件）")
            session.add_all(StatementLine(statement_import_id=record.id, row_no=row.row_no, account=preview.account,
                                          value_date=row.value_date, amount=row.amount, payer_name=row.payer_name,
                                          payer_key=payer_key(row.payer_name)[:100], reference=row.reference,
                                          row_key=key)
                            for row, key in new[start:start + CHUNK])
            session.flush()
        if progress is not None:
            progress.check()
            progress.report(len(new), len(new), "入金明細を取り込みました。")
        audit.record(session, actor, "statement.import", "statement_import", record.id,
                     after={"file_name": name, "source": preview.source, "bank": preview.bank_name,
                            "rows": len(keyed), "new": len(new), "total": sum(r.amount for r, _ in new)},
                     summary=f"入金明細の取込 {name}: {len(new)}件")
        return StatementImported(record.id, len(keyed), len(new), len(keyed) - len(new))


# -- bank CSV mappings -------------------------------------------------------------------------------
def bank_mappings(db: Database) -> list[BankMapping]:
    """Every bank's saved CSV mapping, by bank name."""
    with db.transaction() as session:
        return [_mapping_of(row) for row in session.scalars(select(BankCsvMapping).order_by(BankCsvMapping.bank_name))]


@retried
def save_bank_mapping(db: Database, actor: Actor, details: MappingDetails, *,
                      expected_version: int | None) -> BankMapping:
    """Save how a bank's CSV reads (clerk or manager). ``expected_version``: the version the
    screen showed, None for a bank not saved yet; ConcurrentEdit when it has moved on."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="銀行CSVの列設定")
    problems = mapping_problems(details)
    if problems:
        raise ValidationFailed(problems)
    bank_name = clean_line(details.bank_name)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        row = session.scalar(select(BankCsvMapping).where(BankCsvMapping.bank_name == bank_name))
        before = None
        if row is None:
            if expected_version is not None:
                raise NotFound("この銀行の列設定は削除されたか、名前が変わっています。画面を読み込み直してください。")
            row = BankCsvMapping(bank_name=bank_name, date_column=details.date_column,
                                 amount_column=details.amount_column, payer_column=details.payer_column)
            session.add(row)
        else:
            if expected_version is None:
                raise versions.stale(session, BANK_MAPPING, row.id)
            versions.check(session, BANK_MAPPING, row.id, row.row_version, expected_version)
            before = _audit_view(_mapping_of(row))
        row.header_rows, row.date_format = details.header_rows, details.date_format
        row.date_column, row.amount_column = details.date_column, details.amount_column
        row.payer_column, row.reference_column = details.payer_column, details.reference_column
        row.updated_at, row.updated_by_id = utcnow(), actor.user_id
        with versions.refusing_lost_updates(BANK_MAPPING):
            session.flush()
        saved = _mapping_of(row)
        audit.record(session, actor, "bank_csv_mapping.save", "bank_csv_mapping", row.id, before=before,
                     after=_audit_view(saved), summary=f"銀行CSVの列設定 {bank_name}")
        return saved


def _audit_view(mapping: MappingDetails) -> dict[str, object]:
    return {"bank_name": mapping.bank_name, "header_rows": mapping.header_rows, "date_column": mapping.date_column,
            "date_format": mapping.date_format, "amount_column": mapping.amount_column,
            "payer_column": mapping.payer_column, "reference_column": mapping.reference_column}

"""Importing the office's existing contracts (移行): the file's columns, each row checked as the
customer form and the 申込 window check what a clerk types, and the draft of the contract it
brings in (terms-rules.md §2–4, §7; SC §1.3, §7, §9.2, §23; SH §15–17, §26, §28).

Pure: the rows come in as text (services.contracts.import_file reads CSV and .xlsx), the plans
and options of 設定 as data (:class:`ServiceCatalog`). Every fault is data, a
:class:`RowError` (the row as the spreadsheet numbers it, the header being row 1; the column;
the reason in Japanese), never an exception. What differs between the services is read from
the terms profile (``intake.contract_formed``, ``billing.first_billable_month``,
``cancellation.effective``), never from its key. The first billable month is computed by
``rules.first_billable_month``, never read from the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reseller_desk.domain import rules
from reseller_desk.domain.bounds import MAX_FEE, MAX_LINES, MAX_OPTIONS, MIN_LINES, recorded_date_problem, years_after
from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.contract import ContractAction, ContractStatus
from reseller_desk.domain.contract_history import AgreementDocument, ContractEventKind, first_of_month
from reseller_desk.domain.customer import CustomerDraft, CustomerKind, clean, validate
from reseller_desk.domain.import_cells import (
    agreement_source,
    cell,
    date_cell,
    folded,
    option_list,
    quoted,
    whole_cell,
    yen_cell,
)
from reseller_desk.domain.intake import PaymentMethod, clean_debit_account, validate_debit_account
from reseller_desk.domain.search import normalize
from reseller_desk.domain.terms import CancellationEffective, ContractFormation, FirstBillableMonth, TermsProfile

__all__ = ["COLUMNS", "HEADER_ROW", "IMPORTABLE_STATUSES", "ImportCheck", "ContractDraft", "RowError",
           "ServiceCatalog", "SourceRow", "StatusStep", "check_rows", "header_errors", "status_steps"]

#: The file's header, exactly (the issue's 25 columns; their order in a file is free).
COLUMNS = ("種別", "名称", "フリガナ", "郵便番号", "住所", "電話番号", "メールアドレス", "法人番号",
           "サービス", "プラン", "オプション", "回線数", "特約月額", "特約根拠", "申込日", "登録日",
           "開通日", "支払方法", "銀行コード", "支店コード", "預金種目", "口座番号", "口座名義", "状態",
           "解約日")
#: The header is the spreadsheet's row 1; the first contract is row 2.
HEADER_ROW = 1
#: The statuses a contract may be brought in at (the others are reached only in the app).
IMPORTABLE_STATUSES = (ContractStatus.AWAITING_OPENING, ContractStatus.ACTIVE, ContractStatus.SUSPENDED,
                       ContractStatus.CANCELLATION_SCHEDULED, ContractStatus.CANCELLED)
#: A scheduled ending (解約予定) lies at most this many years ahead: SC §23 ends a contract at
#: the end of the month asked for, and no office takes a request years in advance.
SCHEDULED_ENDING_HORIZON_YEARS = 2
#: An option's quantity on one contract: as many as its lines can carry at most.
MAX_OPTION_QUANTITY = MAX_LINES

_CUSTOMER_COLUMNS = {"kind": "種別", "name": "名称", "name_kana": "フリガナ", "postal_code": "郵便番号",
                     "address": "住所", "phone": "電話番号", "email": "メールアドレス", "corporate_number": "法人番号"}
_BANK_COLUMNS = {"bank_code": "銀行コード", "branch_code": "支店コード", "account_type": "預金種目",
                 "account_number": "口座番号", "holder_kana": "口座名義"}
_KINDS = {kind.label: kind for kind in CustomerKind}
_PAYMENTS = {method.label: method for method in PaymentMethod}
_STATUSES = {status.label: status for status in IMPORTABLE_STATUSES}
_ENDING = (ContractStatus.CANCELLATION_SCHEDULED, ContractStatus.CANCELLED)


@dataclass(frozen=True)
class RowError:
    """One fault: the row as the spreadsheet numbers it (header = row 1), the column, why."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"行 {self.row} 列 {self.column}: {self.message}"


@dataclass(frozen=True)
class SourceRow:
    """One row of the file: its spreadsheet row number and its cells by column name."""

    number: int
    cells: Mapping[str, str]


@dataclass(frozen=True)
class ServiceCatalog:
    """One service as 設定 has it: its terms profile, and its plans' and options' codes → ids.
    A plan no longer sold is still a plan: contracts on it exist and are brought in."""

    profile: TermsProfile
    plans: Mapping[str, int]
    options: Mapping[str, int]


@dataclass(frozen=True)
class ContractDraft:
    """A valid row: the customer (cleaned) and the contract to bring in, with its dates as the
    rules give them and its key (:func:`import_key`)."""

    row: int
    customer: CustomerDraft
    profile_key: str
    plan_id: int
    lines: int
    options: tuple[tuple[int, int], ...]          # (option id, quantity), by id
    agreement_fee: int | None
    agreement_document: AgreementDocument | None
    agreement_number: str
    applied_on: dt.date
    registered_on: dt.date | None
    opened_on: dt.date | None
    formed_on: dt.date
    first_billable_month: dt.date | None
    payment_method: PaymentMethod
    debit_account: BankAccountDetails | None
    status: ContractStatus
    ends_on: dt.date | None
    last_billable_month: dt.date | None
    #: The status its timeline starts at: 開通待ち where fees wait for the opening (SH §17),
    #: otherwise 利用中 (SC §7: in use from the 登録日).
    start_status: ContractStatus = ContractStatus.ACTIVE
    key: str = ""


@dataclass(frozen=True)
class ImportCheck:
    """Every row checked: the drafts of the valid rows and the faults of the others."""

    drafts: tuple[ContractDraft, ...] = ()
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.errors


def header_errors(header: Sequence[str]) -> list[RowError]:
    """The header's faults: each unknown column by name, each missing one, each repeated."""
    known = "、".join(COLUMNS)
    errors = [RowError(HEADER_ROW, name or "（空欄）", f"不明な列です{quoted(name)}。使える列は {known} です。")
              for name in header if name not in COLUMNS]
    errors += [RowError(HEADER_ROW, name, "この列がありません。見出しの行に加えてください。")
               for name in COLUMNS if name not in header]
    errors += [RowError(HEADER_ROW, name, "この列が2回以上あります。") for name, n in Counter(header).items()
               if n > 1 and name in COLUMNS]
    return errors


def check_rows(rows: Sequence[SourceRow], catalogs: Mapping[str, ServiceCatalog], *, today: dt.date) -> ImportCheck:
    """Every row checked; the drafts carry keys that tell the nth copy of a row from the first,
    so that the same file imported again gives the same keys."""
    drafts: list[ContractDraft] = []
    errors: list[RowError] = []
    seen: Counter[str] = Counter()
    for row in rows:
        draft, faults = _check_row(row, catalogs, today)
        errors += faults
        if draft is not None:
            content = _content(draft)
            seen[content] += 1
            drafts.append(_keyed(draft, content, seen[content]))
    return ImportCheck(tuple(drafts), tuple(errors))


class _Row:
    """The faults of one row, collected by column."""

    def __init__(self, row: SourceRow) -> None:
        self.number = row.number
        self.cells = row.cells
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        return cell(self.cells.get(column))

    def fault(self, column: str, message: str) -> None:
        if not any(e.column == column for e in self.errors):
            self.errors.append(RowError(self.number, column, message))

    def faulty(self, *columns: str) -> bool:
        return any(e.column in columns for e in self.errors)

    def date(self, column: str, today: dt.date, *, required: bool) -> dt.date | None:
        text = self.text(column)
        if not text:
            if required:
                self.fault(column, f"{column}を入力してください。")
            return None
        parsed = date_cell(text, column)
        if parsed.problem:
            self.fault(column, parsed.problem)
            return None
        problem = recorded_date_problem(parsed.value, today, column)
        if problem:
            self.fault(column, problem)
            return None
        return parsed.value

    def empty(self, column: str, why: str) -> None:
        if self.text(column):
            self.fault(column, why)


def _profile_of(row: _Row, catalogs: Mapping[str, ServiceCatalog]) -> ServiceCatalog | None:
    text = row.text("サービス")
    wanted = normalize(text)
    for key, catalog in catalogs.items():
        if wanted and wanted in (normalize(key), normalize(catalog.profile.name)):
            return catalog
    names = "、".join(f"{key}（{c.profile.name}）" for key, c in catalogs.items())
    row.fault("サービス", f"サービス{quoted(text)}はありません。{names} のどれかを入力してください。"
              if text else f"サービスを入力してください（{names}）。")
    return None


def _code(codes: Mapping[str, int], code: str) -> int | None:
    wanted = normalize(code)
    return next((i for c, i in codes.items() if normalize(c) == wanted), None)


def _customer(row: _Row) -> CustomerDraft:
    kind_text = row.text("種別")
    kind = _KINDS.get(folded(kind_text))
    if kind is None:
        row.fault("種別", "種別は「法人」か「個人」で入力してください。")
    draft = clean(CustomerDraft(kind=kind or CustomerKind.CORPORATE,
                                **{name: row.text(column) for name, column in _CUSTOMER_COLUMNS.items()
                                   if name != "kind"}))
    for name, message in validate(draft).items():
        row.fault(_CUSTOMER_COLUMNS.get(name, "名称"), message)
    return draft


def _plan_and_options(row: _Row, catalog: ServiceCatalog | None) -> tuple[int | None, tuple[tuple[int, int], ...]]:
    plan_code = row.text("プラン")
    plan_id = None
    if not plan_code:
        row.fault("プラン", "プランのコードを入力してください（設定のプランのコード）。")
    elif catalog is not None:
        plan_id = _code(catalog.plans, plan_code)
        if plan_id is None:
            row.fault("プラン", f"プラン{quoted(plan_code)}は{catalog.profile.name}にありません。"
                              "設定のプランのコードを入力してください。")
    parsed = option_list(row.text("オプション"), MAX_OPTION_QUANTITY)
    if parsed.problem or parsed.value is None:
        row.fault("オプション", parsed.problem or "オプションが読めません。")
        return plan_id, ()
    if len(parsed.value) > MAX_OPTIONS:
        row.fault("オプション", f"オプションは{MAX_OPTIONS}件までです。")
        return plan_id, ()
    options: dict[int, int] = {}
    for code, quantity in parsed.value:
        option_id = _code(catalog.options, code) if catalog is not None else None
        if option_id is None:
            if catalog is not None:
                row.fault("オプション", f"オプション{quoted(code)}は{catalog.profile.name}にありません。"
                                   "設定のオプションのコードを入力してください。")
            continue
        options[option_id] = quantity
    return plan_id, tuple(sorted(options.items()))


def _agreement(row: _Row) -> tuple[int | None, AgreementDocument | None, str]:
    fee_text, source_text = row.text("特約月額"), row.text("特約根拠")
    if not fee_text:
        row.empty("特約根拠", "特約根拠は特約月額と一緒に入力します。特約月額がなければ空欄にしてください。")
        return None, None, ""
    fee = yen_cell(fee_text, "特約月額", MAX_FEE)
    if fee.problem:
        row.fault("特約月額", fee.problem)
    if not source_text:
        row.fault("特約根拠", "特約月額には、その根拠の文書を入力してください（例: 見積書 Q-2025-031）。")
        return fee.value, None, ""
    source = agreement_source(source_text)
    if source.problem or source.value is None:
        row.fault("特約根拠", source.problem or "特約根拠が読めません。")
        return fee.value, None, ""
    return fee.value, source.value[0], source.value[1]


def _payment(row: _Row) -> tuple[PaymentMethod, BankAccountDetails | None]:
    method = _PAYMENTS.get(folded(row.text("支払方法")))
    if method is None:
        row.fault("支払方法", "支払方法は「口座振替」か「振込」で入力してください。")
        return PaymentMethod.TRANSFER, None
    if method is not PaymentMethod.DEBIT:
        for column in _BANK_COLUMNS.values():
            row.empty(column, "支払方法が振込のため、口座の欄は空欄にしてください。")
        return method, None
    typed = {name: row.text(column) for name, column in _BANK_COLUMNS.items()}
    account = clean_debit_account(BankAccountDetails(**typed))
    for name, message in validate_debit_account(account).items():
        row.fault(_BANK_COLUMNS.get(name, "銀行コード"), message)
    return method, account


def _check_row(source: SourceRow, catalogs: Mapping[str, ServiceCatalog],
               today: dt.date) -> tuple[ContractDraft | None, list[RowError]]:
    row = _Row(source)
    customer = _customer(row)
    catalog = _profile_of(row, catalogs)
    plan_id, options = _plan_and_options(row, catalog)
    lines = whole_cell(row.text("回線数"), "回線数", MIN_LINES, MAX_LINES)
    if lines.problem:
        row.fault("回線数", lines.problem)
    fee, document, number = _agreement(row)
    method, account = _payment(row)
    status_text = row.text("状態")
    status = _STATUSES.get(folded(status_text))
    if status is None:
        row.fault("状態", f"状態は{'・'.join(_STATUSES)}のどれかで入力してください。")
    applied_on = row.date("申込日", today, required=True)
    dates = _dates(row, catalog.profile if catalog else None, status, applied_on, today)
    if row.errors or catalog is None or plan_id is None or lines.value is None or status is None \
            or applied_on is None or dates is None:
        return None, sorted(row.errors, key=lambda e: COLUMNS.index(e.column) if e.column in COLUMNS else 0)
    registered_on, opened_on, formed_on, first_month, ends_on, start = dates
    return ContractDraft(
        row=row.number, customer=customer, profile_key=catalog.profile.key, plan_id=plan_id, lines=lines.value,
        options=options, agreement_fee=fee, agreement_document=document, agreement_number=number,
        applied_on=applied_on, registered_on=registered_on, opened_on=opened_on, formed_on=formed_on,
        first_billable_month=first_month, payment_method=method, debit_account=account, status=status,
        ends_on=ends_on, last_billable_month=None if ends_on is None else rules.last_billable_month(ends_on),
        start_status=start,
    ), []


_Dates = tuple[dt.date | None, dt.date | None, dt.date, dt.date | None, dt.date | None, ContractStatus]
_DATE_COLUMNS = ("状態", "申込日", "登録日", "開通日", "解約日")


def _dates(row: _Row, profile: TermsProfile | None, status: ContractStatus | None, applied_on: dt.date | None,
           today: dt.date) -> _Dates | None:
    """登録日, 開通日, the formation date, the first billable month and 解約日, as the profile has
    them: SC §7 a contract is formed on its 登録日 and billed from the next month (§9.2); SH
    §17 billed from the month of its 開通日 (§28.2), which a 開通待ち contract does not have yet."""
    if profile is None or status is None:
        return None
    uses_registration = profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE
    uses_opening = profile.billing.first_billable_month is FirstBillableMonth.OPENING_MONTH
    if status is ContractStatus.AWAITING_OPENING and not uses_opening:
        row.fault("状態", f"{profile.name}の契約は登録日から利用中です（{profile.intake.clause}）。"
                        "開通待ちの状態はありません。")
    registered_on = opened_on = None
    if uses_registration:
        registered_on = row.date("登録日", today, required=True)
    else:
        row.empty("登録日", f"{profile.name}の契約に登録日はありません（{profile.intake.clause}）。"
                         "空欄にしてください。")
    if uses_opening:
        if status is ContractStatus.AWAITING_OPENING:
            row.empty("開通日", "開通待ちの契約には開通日はまだありません。開通済みなら状態を直してください。")
        else:
            opened_on = row.date("開通日", today, required=True)
    else:
        row.empty("開通日", f"{profile.name}の契約に開通日はありません（課金は登録日の翌月から、"
                         f"{profile.billing.clause}）。空欄にしてください。")
    for column, day in (("登録日", registered_on), ("開通日", opened_on)):
        if day is not None and applied_on is not None and day < applied_on:
            row.fault(column, f"{column}が申込日（{japanese_date(applied_on)}）より前です。")
    ends_on = _ending(row, profile, status, today)
    if row.faulty(*_DATE_COLUMNS) or applied_on is None:
        return None
    formed_on = registered_on or opened_on or applied_on
    first_month = None
    if not (uses_opening and opened_on is None):
        first_month = rules.first_billable_month(profile, registered_on or applied_on, opened_on)
    if ends_on is not None and ends_on < formed_on:
        row.fault("解約日", f"解約日が契約の始まり（{japanese_date(formed_on)}）より前です。")
    elif ends_on is not None and first_month is not None and first_of_month(ends_on) < first_month:
        row.fault("解約日", f"解約日が課金開始月（{first_month.year}年{first_month.month}月）より前です"
                          f"（{profile.billing.clause}）。")
    start = ContractStatus.AWAITING_OPENING if uses_opening else ContractStatus.ACTIVE
    return None if row.faulty("解約日") else (registered_on, opened_on, formed_on, first_month, ends_on, start)


def _ending(row: _Row, profile: TermsProfile, status: ContractStatus, today: dt.date) -> dt.date | None:
    """解約日: the day the cancellation takes (or took) effect, for 解約予定 and 解約済 only."""
    if status not in _ENDING:
        row.empty("解約日", "解約日は状態が解約予定か解約済の契約にだけ入力します。")
        return None
    text = row.text("解約日")
    if not text:
        row.fault("解約日", f"状態が{status.label}の契約には解約日を入力してください。")
        return None
    parsed = date_cell(text, "解約日")
    if parsed.problem or parsed.value is None:
        row.fault("解約日", parsed.problem or "解約日が読めません。")
        return None
    day = parsed.value
    if status is ContractStatus.CANCELLED:
        problem = recorded_date_problem(day, today, "解約済の契約の解約日")
    elif day < today:
        problem = "解約予定の解約日が過ぎています。解約済なら状態を「解約済」にしてください。"
    elif day > years_after(today, SCHEDULED_ENDING_HORIZON_YEARS):
        problem = f"解約日は{SCHEDULED_ENDING_HORIZON_YEARS}年先までの日付にしてください。"
    else:
        problem = None
    if problem is None and profile.cancellation.effective is CancellationEffective.END_OF_DESIRED_MONTH \
            and (day + dt.timedelta(days=1)).day != 1:
        problem = (f"{profile.name}の解約は解約希望月の末日に効力を生じます（{profile.cancellation.clause}）。"
                   "解約日は月末の日付にしてください。")
    if problem:
        row.fault("解約日", problem)
        return None
    return day


# -- keys --------------------------------------------------------------------------------------------
def _content(draft: ContractDraft) -> str:
    """The row's normalised content: what it says once read, whatever its spelling in the file
    (2025/4/1 and 2025-04-01, 全角 and 半角, column order, BOM or Shift_JIS are the same)."""
    values = {name: value for name, value in draft.__dict__.items() if name not in ("row", "key")}
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def _keyed(draft: ContractDraft, content: str, occurrence: int) -> ContractDraft:
    """The draft with its import key: a hash of its content and of which copy of that content
    in the file it is (a customer may hold two identical contracts)."""
    digest = hashlib.sha256(f"{content}\x1f{occurrence}".encode()).hexdigest()
    return ContractDraft(**{**draft.__dict__, "key": digest})


# -- the timeline that brings it to its status --------------------------------------------------------
@dataclass(frozen=True)
class StatusStep:
    """One move of the imported contract's timeline, after its 移行 event."""

    action: ContractAction
    kind: ContractEventKind
    effective_on: dt.date


def cancellation_received_by(draft: ContractDraft, profile: TermsProfile, calendar: BusinessCalendar,
                             today: dt.date) -> dt.date:
    """The day a cancellation ending on ``draft.ends_on`` was received, as far as the rules
    tell it (the old records do not): SH §26.1 the effective day itself; SC §23 the last day
    it could have arrived, the month's cutoff. Never after today (a scheduled ending was asked
    for already) and never before the contract began."""
    assert draft.ends_on is not None
    latest = draft.ends_on
    if profile.cancellation.effective is not CancellationEffective.REQUEST_DAY:
        try:
            latest = rules.cancellation_cutoff(profile, calendar, draft.ends_on)
        except ValueError:  # a year the holiday calendar does not cover: the unmoved month end
            latest = first_of_month(draft.ends_on) - dt.timedelta(days=1)
    return max(draft.formed_on, min(latest, today))


def status_steps(draft: ContractDraft, profile: TermsProfile, calendar: BusinessCalendar,
                 today: dt.date) -> tuple[StatusStep, ...]:
    """The moves from :attr:`ContractDraft.start_status` to its status, each legal
    (domain.contract.transition checks them when they are recorded): 開通 on the 開通日; a
    suspension known on the day of the import; the cancellation received, then taking effect."""
    steps: list[StatusStep] = []
    if draft.start_status is ContractStatus.AWAITING_OPENING and draft.opened_on is not None:
        steps.append(StatusStep(ContractAction.OPEN, ContractEventKind.OPENED, draft.opened_on))
    if draft.status is ContractStatus.SUSPENDED:
        steps.append(StatusStep(ContractAction.SUSPEND, ContractEventKind.SUSPENDED, today))
    if draft.status in _ENDING:
        received = cancellation_received_by(draft, profile, calendar, today)
        steps.append(StatusStep(ContractAction.ACCEPT_CANCELLATION, ContractEventKind.CANCELLATION_ACCEPTED, received))
    if draft.status is ContractStatus.CANCELLED:
        assert draft.ends_on is not None
        steps.append(StatusStep(ContractAction.CANCELLATION_TAKES_EFFECT, ContractEventKind.CANCELLED, draft.ends_on))
    return tuple(steps)

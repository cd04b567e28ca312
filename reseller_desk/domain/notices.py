"""What a printed notice says, as plain data, frozen at the moment it is issued.

Services build these from the database (copying the company's and the customer's name and
address onto the notice, as an issued document never changes afterwards); ``reports/`` renders
them to PDF. Nothing here knows about ReportLab or the database.

Who says what: the document holds the *facts* (names, amounts, dates, and the sentences that
depend on the terms, such as how the first billable month is decided, with its clause); the
renderer owns the fixed wording every letter of a kind shares (greetings, labels, the 税抜
note). So each sentence is written in one place and printed once.

The document is stored as JSON (``to_json``) beside the PDF it was issued as; ``from_json``
reads every shape ever stored (see ``SCHEMA_VERSION``), since an issued notice is never rewritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from reseller_desk.domain.contract_notices import ContractNoticeDetails, details_from_json
from reseller_desk.domain.terms import available_profiles, load_profile


class NoticeKind(StrEnum):
    APPROVAL = "approval"          # 申込承諾通知書 / ご利用開始のご案内
    REFUSAL = "refusal"            # 申込不承諾通知書 (never states a reason, SH §14.2)
    REVOCATION = "revocation"      # 契約取消通知書 (postal identity check failed, SH §14.2(7))
    # the contract's life (domain.contract_notices)
    SUSPENSION_NOTICE = "suspension_notice"    # 利用停止予告通知書 (SH §23.2)
    SUSPENSION = "suspension"                  # 利用停止通知書
    RESUMPTION = "resumption"                  # 利用再開通知書
    CANCELLATION = "cancellation"              # 解約受付通知書 (SC §23, SH §26)
    TERMINATION = "termination"                # 契約解除通知書 (SC §24, §26; SH §27, §36)
    SUCCESSION_REQUEST = "succession_request"  # 地位承継届出のお願い (SH §20.1)
    # equipment (issue 11)
    RETURN_REQUEST = "return_request"              # 機器返却のお願い (SH §13.4)
    RETURN_REMINDER = "return_reminder"            # 機器返却のお願い（督促）
    REPLACEMENT_SENT = "replacement_sent"          # 交換機器送付のご案内 (SC §21)
    REPLACED_UNIT_RETURN = "replaced_unit_return"  # 交換前機器返送のお願い (SC §21.2)
    # money in (issue 12)
    DEBIT_FAILED = "debit_failed"                  # 口座振替不能のお知らせ
    DUNNING_LETTER = "dunning_letter"              # 督促状
    FINAL_DEMAND = "final_demand"                  # 催告書 (names a suspension date)
    DEPOSIT_REQUEST = "deposit_request"            # 利用保証金預託のお願い (SC §9.10–11)

    @property
    def label(self) -> str:
        """The printed title of the notice."""
        return {
            "approval": "申込承諾通知書（ご利用開始のご案内）",
            "refusal": "申込不承諾通知書",
            "revocation": "契約取消通知書",
            "suspension_notice": "利用停止予告通知書",
            "suspension": "利用停止通知書",
            "resumption": "利用再開通知書",
            "cancellation": "解約受付通知書",
            "termination": "契約解除通知書",
            "succession_request": "地位承継届出のお願い",
            "return_request": "機器返却のお願い",
            "return_reminder": "機器返却のお願い（再送）",
            "replacement_sent": "交換機器送付のご案内",
            "replaced_unit_return": "交換前機器返送のお願い",
            "debit_failed": "口座振替不能のお知らせ",
            "dunning_letter": "督促状",
            "final_demand": "催告書",
            "deposit_request": "利用保証金預託のお願い",
        }[self.value]

    @property
    def number_prefix(self) -> str:
        """Document numbers look like 承-2026-000001 / 否-… / 取-… (予 停 再 解 除 継 for the
        contract's notices, 返 督 交 送 for the equipment's, 振 促 催 預 for money in)."""
        return {"approval": "承", "refusal": "否", "revocation": "取", "suspension_notice": "予",
                "suspension": "停", "resumption": "再", "cancellation": "解", "termination": "除",
                "succession_request": "継", "return_request": "返", "return_reminder": "督",
                "replacement_sent": "交", "replaced_unit_return": "送", "debit_failed": "振",
                "dunning_letter": "促", "final_demand": "催", "deposit_request": "預"}[self.value]


@dataclass(frozen=True)
class Issuer:
    """The office, as printed at the top right of every notice."""

    name: str
    postal_code: str
    address: str
    phone: str
    registration_number: str          # "T" + 13 digits (may be "" if not registered)
    fax: str = ""
    email: str = ""
    representative: str = ""


@dataclass(frozen=True)
class Addressee:
    """The customer (or applicant), as printed at the top left: 〒, address, name + 御中/様."""

    name: str
    postal_code: str = ""
    address: str = ""
    contact_name: str = ""           # 法人: the person in charge (printed as ご担当 … 様)
    is_corporate: bool = True        # 法人 → 御中, 個人 → 様
    contact_title: str = ""          # 法人: the contact's department or title (総務部, 経理課長)


@dataclass(frozen=True)
class OptionLine:
    name: str
    monthly_fee: int                 # yen, before tax


@dataclass(frozen=True)
class ApprovalDetails:
    """The facts of an accepted application (申込承諾通知書 / ご利用開始のご案内)."""

    customer_code: str               # カスタマID
    service_name: str                # e.g. "SimpleConnect クラウドサービス"
    provider_name: str
    plan_name: str
    plan_monthly_fee: int            # yen, before tax, per line
    initial_fee: int                 # yen, before tax (``initial_fee_total``)
    options: tuple[OptionLine, ...]
    lines: int                       # number of lines / phone numbers
    contract_formed_on: dt.date      # 契約成立日 (SC: 登録日; SH: 承諾通知日)
    registration_date_label: str     # "登録日" (SC §7) or "契約成立日（承諾通知日）" (SH §15.1)
    first_billable_month: dt.date | None   # the 1st of the month; None: 開通日が決まり次第 (SH §28.2)
    first_billable_note: str         # how it was decided, citing the clause
    payment_method: str              # "口座振替（三菱ＵＦＪ銀行 神田支店 普通 ****567）" or "銀行振込"
    support_hours: str = ""          # "平日 10:00–18:00（SC §20）"; "" when the terms say nothing
    minimum_term_months: int = 0     # 0: not printed (``binding_minimum_term``)
    early_termination_fee: int = 0
    # schema 2: what the customer pays a month. None on notices stored before (not printed).
    plan_monthly_subtotal: int | None = None   # plan fee × lines
    monthly_total: int | None = None           # plan fee × lines + each option's fee


@dataclass(frozen=True)
class NoticeDocument:
    """One issued notice: everything the PDF prints, and nothing it must not print (a refusal
    carries no reason). A notice of the contract's life (``contract`` set) may have no
    application (an imported contract): its application fields are then empty."""

    kind: NoticeKind
    number: str                      # document number, unique, e.g. 承-2026-000001
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    application_number: str = ""     # 申込番号, e.g. A-2026-000012
    application_received_on: dt.date | None = None
    service_name: str = ""
    approval: ApprovalDetails | None = None        # kind APPROVAL only
    revoked_contract_code: str = ""                # kind REVOCATION: the カスタマID whose contract is revoked
    revoked_on: dt.date | None = None              # kind REVOCATION
    revocation_clause: str = ""                    # e.g. "即日発番.com 利用規約 第14条第2項第7号"
    contract: ContractNoticeDetails | None = None   # the six notices of the contract's life


# -- the amounts a notice states ------------------------------------------------------------------
@dataclass(frozen=True)
class MonthlyCharges:
    plan_subtotal: int               # plan fee × lines
    total: int                       # plan_subtotal + the options' fees


def monthly_charges(plan_monthly_fee: int, lines: int, option_monthly_fees: Iterable[int]) -> MonthlyCharges:
    """What a contract costs a month before tax: the plan's fee is per line (× 回線数), each
    option's fee once (an option's quantity is 1 until contracts carry one) — docs/decisions.md,
    "the plan's monthly and initial fees are per line; an option's … × its quantity"."""
    plan_subtotal = plan_monthly_fee * lines
    return MonthlyCharges(plan_subtotal, plan_subtotal + sum(option_monthly_fees))


def initial_fee_total(plan_initial_fee: int, lines: int, option_initial_fees: Iterable[int]) -> int:
    """The 初期費用 printed on the acceptance notice, as it will be billed with the first billable
    month (SC §9.3, SH §14.2(1)): the plan's initial fee per line (× 回線数) and the initial fee of
    each option taken with it (quantity 1 until contracts carry one; docs/decisions.md)."""
    return plan_initial_fee * lines + sum(option_initial_fees)


def binding_minimum_term(minimum_term_months: int) -> int:
    """The minimum term worth stating on a letter, 0 for none: a term of one month is only the
    billing unit (SC §6.5: monthly unit, minimum 1 month), so it binds the customer to nothing
    and is not printed; SH §18 periods (e.g. 12 months) are."""
    return minimum_term_months if minimum_term_months > 1 else 0


# -- citations ----------------------------------------------------------------------------------
@functools.cache
def _citation() -> re.Pattern[str]:
    """"SC §9.2", "SH §14.2(7)", "§20": the short names are the profiles' ``cite_as``."""
    names = sorted((load_profile(key).cite_as for key in available_profiles()), key=len, reverse=True)
    prefix = rf"(?:\b(?:{'|'.join(map(re.escape, names))}) )?" if names else ""
    return re.compile(prefix + r"§(\d+)(?:\.(\d+))?(?:\((\d+)\))?")


def printed_clause(text: str) -> str:
    """Internal citations as a customer reads them in the terms: "SH §14.2(7)" -> "第14条第2項第7号",
    "SC §9.2" -> "第9条第2項" (the shorthand of docs/decisions.md is for staff, not for letters)."""

    def replace(match: re.Match[str]) -> str:
        article, paragraph, item = match.groups()
        return f"第{article}条" + (f"第{paragraph}項" if paragraph else "") + (f"第{item}号" if item else "")

    return _citation().sub(replace, text)


# -- stored content -----------------------------------------------------------------------------
#: The shape of the JSON ``to_json`` writes. 1 (no ``schema_version`` key, up to f5138d8) had
#: ``footer_notes`` repeating the first-billable note and the 税抜 note, which the renderer now
#: prints once, and no monthly totals. 2 adds ``Addressee.contact_title`` and
#: ``ApprovalDetails.plan_monthly_subtotal`` / ``monthly_total``. 3 adds the contract's notices:
#: ``contract`` with the name of its class in ``contract_details``, and an application that may
#: be absent. A field added later must have a default, so that every older notice still reads.
SCHEMA_VERSION = 3

_T = TypeVar("_T")


def to_json(document: NoticeDocument) -> str:
    data = {"schema_version": SCHEMA_VERSION, **dataclasses.asdict(document)}
    if document.contract is not None:
        data["contract_details"] = type(document.contract).__name__
    return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_FIELDS: dict[type[Any], frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (Issuer, Addressee, OptionLine, ApprovalDetails, NoticeDocument)
}


def _build(cls: type[_T], data: Mapping[str, Any], **converted: Any) -> _T:
    """``cls`` from the stored keys it knows (a key of another version is left aside; a field
    the stored notice lacks takes its default)."""
    values = {k: v for k, v in data.items() if k in _FIELDS[cls]}
    return cls(**{**values, **converted})


def from_json(text: str) -> NoticeDocument:
    """The document as stored by any version (``SCHEMA_VERSION``); a key this version does not
    know is ignored, a newer field the stored notice lacks takes its default."""
    data = json.loads(text)
    approval = data.get("approval")
    details = None
    if approval:
        details = _build(
            ApprovalDetails, approval,
            options=tuple(_build(OptionLine, o) for o in approval.get("options") or ()),
            contract_formed_on=_date(approval["contract_formed_on"]),
            first_billable_month=_date(approval.get("first_billable_month")),
        )
    contract = data.get("contract")
    return _build(
        NoticeDocument, data,
        kind=NoticeKind(data["kind"]),
        issued_on=_date(data["issued_on"]),
        issuer=_build(Issuer, data["issuer"]),
        addressee=_build(Addressee, data["addressee"]),
        application_received_on=_date(data.get("application_received_on")),
        contract=details_from_json(data["contract_details"], contract) if contract else None,
        approval=details,
        revoked_on=_date(data.get("revoked_on")),
    )

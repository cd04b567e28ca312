"""What a printed notice says, as plain data, frozen at the moment it is issued.

Services build these from the database (copying the company's and the customer's name and
address onto the notice, as an issued document never changes afterwards); ``reports/`` renders
them to PDF. Nothing here knows about ReportLab or the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
import re
from enum import StrEnum


class NoticeKind(StrEnum):
    APPROVAL = "approval"          # 申込承諾通知書 / ご利用開始のご案内
    REFUSAL = "refusal"            # 申込不承諾通知書 (never states a reason, SH §14.2)
    REVOCATION = "revocation"      # 契約取消通知書 (postal identity check failed, SH §14.2(7))

    @property
    def title(self) -> str:
        return {
            "approval": "申込承諾通知書（ご利用開始のご案内）",
            "refusal": "申込不承諾通知書",
            "revocation": "契約取消通知書",
        }[self.value]

    @property
    def number_prefix(self) -> str:
        """Document numbers look like 承-2026-000001 / 否-… / 取-…"""
        return {"approval": "承", "refusal": "否", "revocation": "取"}[self.value]


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
    plan_monthly_fee: int            # yen, before tax
    initial_fee: int                 # yen, before tax
    options: tuple[OptionLine, ...]
    lines: int                       # number of lines / phone numbers
    contract_formed_on: dt.date      # 契約成立日 (SC: 登録日; SH: 承諾通知日)
    registration_date_label: str     # "登録日" (SC §7) or "契約成立日（承諾通知日）" (SH §15.1)
    first_billable_month: dt.date | None   # the 1st of the month; None: 開通日が決まり次第 (SH §28.2)
    first_billable_note: str         # how it was decided, citing the clause
    payment_method: str              # "口座振替（三菱ＵＦＪ銀行 神田支店 普通 ****567）" or "銀行振込"
    support_hours: str = ""          # "平日 10:00–18:00（SC §20）"; "" when the terms say nothing
    minimum_term_months: int = 0
    early_termination_fee: int = 0


@dataclass(frozen=True)
class NoticeDocument:
    """One issued notice: everything the PDF prints, and nothing it must not print (a refusal
    carries no reason)."""

    kind: NoticeKind
    number: str                      # document number, unique, e.g. 承-2026-000001
    issued_on: dt.date
    issuer: Issuer
    addressee: Addressee
    application_number: str          # 申込番号, e.g. A-2026-000012
    application_received_on: dt.date
    service_name: str
    approval: ApprovalDetails | None = None        # kind APPROVAL only
    revoked_contract_code: str = ""                # kind REVOCATION: the カスタマID whose contract is revoked
    revoked_on: dt.date | None = None              # kind REVOCATION
    revocation_clause: str = ""                    # e.g. "即日発番.com 利用規約 第14条第2項第7号（郵送による本人確認）"
    footer_notes: tuple[str, ...] = field(default_factory=tuple)  # decisions shown to the customer, e.g. billing rule


_CITATION = re.compile(r"(?:\b(?:SC|SH) )?§(\d+)(?:\.(\d+))?(?:\((\d+)\))?")


def printed_clause(text: str) -> str:
    """Internal citations as a customer reads them in the terms: "SH §14.2(7)" -> "第14条第2項第7号",
    "SC §9.2" -> "第9条第2項" (the shorthand of docs/decisions.md is for staff, not for letters)."""

    def replace(match: re.Match[str]) -> str:
        article, paragraph, item = match.groups()
        return f"第{article}条" + (f"第{paragraph}項" if paragraph else "") + (f"第{item}号" if item else "")

    return _CITATION.sub(replace, text)

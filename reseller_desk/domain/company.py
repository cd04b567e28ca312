"""The office's own details, its bank accounts, and the plans and options it sells: the values
and the checks a clerk's input must pass before a service saves them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import jaconv

from reseller_desk.domain.customer import (
    corporate_number_problem,
    format_phone,
    format_postal_code,
    postal_code_problem,
)

ACCOUNT_TYPES = ("普通", "当座")


@dataclass(frozen=True)
class CompanyDetails:
    name: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    fax: str = ""
    email: str = ""
    representative: str = ""
    # 適格請求書発行事業者登録番号 (インボイス制度): "T" followed by 13 digits.
    registration_number: str = ""


def clean_company(details: CompanyDetails) -> CompanyDetails:
    reg = unicodedata.normalize("NFKC", details.registration_number or "").strip().upper().replace("-", "")
    return CompanyDetails(
        name=details.name.strip(),
        postal_code=format_postal_code(details.postal_code),
        address=details.address.strip(),
        phone=format_phone(details.phone),
        fax=format_phone(details.fax),
        email=unicodedata.normalize("NFKC", details.email).strip(),
        representative=details.representative.strip(),
        registration_number=reg,
    )


def registration_number_problem(number: str) -> str | None:
    """None when ``number`` is "T" + 13 digits whose check digit is right (the registration
    number of a corporation is T + its 法人番号; an individual's uses the same check digit)."""
    if not re.fullmatch(r"T\d{13}", number):
        return "登録番号は「T」に続けて13桁の数字で入力してください（例: T1234567890123）。"
    if corporate_number_problem(number[1:]):
        return "登録番号のチェックデジット（Tの次の1桁）が合いません。番号をお確かめください。"
    return None


def validate_company(details: CompanyDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not details.name:
        errors["name"] = "会社名を入力してください。"
    problem = postal_code_problem(details.postal_code)
    if problem:
        errors["postal_code"] = problem
    if not details.address:
        errors["address"] = "住所を入力してください（請求書と通知書に印刷されます）。"
    if details.registration_number:
        problem = registration_number_problem(details.registration_number)
        if problem:
            errors["registration_number"] = problem
    return errors


#: A closure day's note (年末年始休業, 夏季休業 …) is a short label; the column holds 100.
CLOSURE_NOTE_MAX_LENGTH = 100


def closure_note_problem(note: str) -> str | None:
    """None when ``note`` (trimmed) fits, else why not: an over-long note is refused, never cut."""
    if len(note.strip()) > CLOSURE_NOTE_MAX_LENGTH:
        return f"休業日のメモは{CLOSURE_NOTE_MAX_LENGTH}文字以内で入力してください（{len(note.strip())}文字あります）。"
    return None


@dataclass(frozen=True)
class BankAccountDetails:
    bank_code: str = ""
    bank_name: str = ""
    branch_code: str = ""
    branch_name: str = ""
    account_type: str = "普通"
    account_number: str = ""
    holder_kana: str = ""


def clean_bank_account(account: BankAccountDetails) -> BankAccountDetails:
    def digits(text: str) -> str:
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))

    number = digits(account.account_number)
    if number.isdigit() and len(number) < 7:
        number = number.zfill(7)  # 口座番号 is 7 digits; shorter ones are zero-padded.
    # 口座名義 is written in half-width katakana, as on 全銀 files and bank statements.
    holder = jaconv.z2h(jaconv.hira2kata(unicodedata.normalize("NFKC", account.holder_kana or "").strip()),
                        kana=True, ascii=True, digit=True)
    return BankAccountDetails(
        bank_code=digits(account.bank_code), bank_name=account.bank_name.strip(),
        branch_code=digits(account.branch_code), branch_name=account.branch_name.strip(),
        account_type=account.account_type.strip(), account_number=number, holder_kana=holder,
    )


_HALF_WIDTH_HOLDER = re.compile(r"^[\uFF66-\uFF9F0-9A-Z ()\.,\-/]+$")


def validate_bank_account(account: BankAccountDetails) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not re.fullmatch(r"\d{4}", account.bank_code):
        errors["bank_code"] = "金融機関コードは4桁の数字です。"
    if not account.bank_name:
        errors["bank_name"] = "金融機関名を入力してください。"
    if not re.fullmatch(r"\d{3}", account.branch_code):
        errors["branch_code"] = "支店コードは3桁の数字です。"
    if not account.branch_name:
        errors["branch_name"] = "支店名を入力してください。"
    if account.account_type not in ACCOUNT_TYPES:
        errors["account_type"] = "預金種目は「普通」か「当座」を選んでください。"
    if not re.fullmatch(r"\d{7}", account.account_number):
        errors["account_number"] = "口座番号は7桁までの数字です。"
    if not account.holder_kana:
        errors["holder_kana"] = "口座名義（カナ）を入力してください。"
    elif not _HALF_WIDTH_HOLDER.match(account.holder_kana):
        errors["holder_kana"] = "口座名義はカタカナ・英大文字・数字で入力してください。"
    return errors


@dataclass(frozen=True)
class PlanDetails:
    """A plan (or, with the plan-only fields left at their defaults, an option) of a service."""

    profile_key: str
    code: str
    name: str
    monthly_fee: int = 0
    initial_fee: int = 0
    minimum_term_months: int = 1
    early_termination_fee: int = 0
    requires_face_to_face: bool = False
    active: bool = True
    notes: str = ""


def validate_plan(plan: PlanDetails, known_profiles: set[str] | frozenset[str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if plan.profile_key not in known_profiles:
        errors["profile_key"] = "サービス（約款）を選んでください。"
    if not plan.code.strip():
        errors["code"] = "コードを入力してください。"
    elif not re.fullmatch(r"[A-Za-z0-9_\-]{1,30}", plan.code.strip()):
        errors["code"] = "コードは半角英数字・「-」「_」の30文字以内です。"
    if not plan.name.strip():
        errors["name"] = "名称を入力してください。"
    for field, label in (("monthly_fee", "月額料金"), ("initial_fee", "初期費用"),
                         ("early_termination_fee", "契約解除料")):
        value = getattr(plan, field)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            errors[field] = f"{label}は0円以上の整数（円）で入力してください。"
    if not isinstance(plan.minimum_term_months, int) or plan.minimum_term_months < 0:
        errors["minimum_term_months"] = "最低利用期間は0か月以上で入力してください。"
    return errors

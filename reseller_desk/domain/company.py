"""The office's own details, its bank accounts, and the plans and options it sells: the values
and the checks a clerk's input must pass before a service saves them."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import jaconv

from reseller_desk.domain.bounds import (
    BANK_NAME_MAX_LENGTH,
    CLOSURE_NOTE_MAX_LENGTH,
    COMPANY_MAX_LENGTHS,
    HOLDER_KANA_MAX_LENGTH,
    MAX_FEE,
    MAX_MINIMUM_TERM_MONTHS,
    NOTE_MAX_LENGTH,
    PLAN_CODE_MAX_LENGTH,
    PLAN_NAME_MAX_LENGTH,
    number_problem,
    whole_number,
    yen_problem,
)
from reseller_desk.domain.customer import (
    corporate_number_problem,
    email_problem,
    format_phone,
    format_postal_code,
    phone_problem,
    postal_code_problem,
)
from reseller_desk.domain.text import clean_line, clean_note, is_text, is_visible, length_problem, text_type_problem

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


COMPANY_LABELS = {"name": "会社名", "postal_code": "郵便番号", "address": "住所", "phone": "電話番号", "fax": "FAX番号",
                  "email": "メールアドレス", "representative": "代表者", "registration_number": "登録番号"}


def clean_company(details: CompanyDetails) -> CompanyDetails:
    """The details as stored: unwanted characters removed (domain.text), trimmed, formats
    applied; a field that is not text is left as given for :func:`validate_company`."""
    values = {name: clean_line(getattr(details, name)) if is_text(getattr(details, name)) else getattr(details, name)
              for name in COMPANY_LABELS}

    def text(name: str, convert: Callable[[str], str]) -> object:
        value = values[name]
        return convert(value) if isinstance(value, str) else value

    values.update(
        postal_code=text("postal_code", format_postal_code),
        phone=text("phone", format_phone),
        fax=text("fax", format_phone),
        email=text("email", lambda v: unicodedata.normalize("NFKC", v).strip()),
        registration_number=text("registration_number",
                                 lambda v: unicodedata.normalize("NFKC", v).strip().upper().replace("-", "")),
    )
    return CompanyDetails(**values)


def registration_number_problem(number: str) -> str | None:
    """None when ``number`` is "T" + 13 digits whose check digit is right (the registration
    number of a corporation is T + its 法人番号; an individual's uses the same check digit)."""
    if not re.fullmatch(r"T\d{13}", number):
        return "登録番号は「T」に続けて13桁の数字で入力してください（例: T1234567890123）。"
    if corporate_number_problem(number[1:]):
        return "登録番号のチェックデジット（Tの次の1桁）が合いません。番号をお確かめください。"
    return None


def validate_company(details: CompanyDetails) -> dict[str, str]:
    """Field -> message for cleaned company details: a name and an address (printed on every
    notice), each within its length (domain.bounds.COMPANY_MAX_LENGTHS: what the notice's
    sender block holds), the postal code, phone, fax, e-mail and 登録番号 in their formats."""
    wrong = {name: text_type_problem(getattr(details, name), label) for name, label in COMPANY_LABELS.items()}
    errors = {name: message for name, message in wrong.items() if message}
    if errors:
        return errors
    if not is_visible(details.name):
        errors["name"] = "会社名を入力してください。"
    problem = postal_code_problem(details.postal_code)
    if problem:
        errors["postal_code"] = problem
    if not is_visible(details.address):
        errors["address"] = "住所を入力してください（請求書と通知書に印刷されます）。"
    for name in ("phone", "fax"):
        problem = phone_problem(getattr(details, name)) if getattr(details, name) else None
        if problem:
            errors[name] = problem.replace("電話番号", COMPANY_LABELS[name], 1)
    problem = email_problem(details.email) if details.email else None
    if problem:
        errors["email"] = problem
    if details.registration_number:
        problem = registration_number_problem(details.registration_number)
        if problem:
            errors["registration_number"] = problem
    for name, limit in COMPANY_MAX_LENGTHS.items():
        problem = length_problem(getattr(details, name), limit, COMPANY_LABELS[name])
        if problem and name not in errors:
            errors[name] = problem
    return errors


def clean_closure_note(note: object) -> object:
    """A closure day's note as stored: one line, cleaned (a value that is not text as given)."""
    return clean_line(note) if is_text(note) else note


def closure_note_problem(note: object) -> str | None:
    """None when ``note`` (cleaned) fits, else why not: an over-long note is refused, never cut."""
    problem = text_type_problem(note, "休業日のメモ")
    if problem:
        return problem
    cleaned = clean_line(note)
    if len(cleaned) > CLOSURE_NOTE_MAX_LENGTH:
        return f"休業日のメモは{CLOSURE_NOTE_MAX_LENGTH}文字以内で入力してください（{len(cleaned)}文字あります）。"
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


BANK_LABELS = {"bank_code": "金融機関コード", "bank_name": "金融機関名", "branch_code": "支店コード",
               "branch_name": "支店名", "account_type": "預金種目", "account_number": "口座番号",
               "holder_kana": "口座名義"}


def clean_bank_account(account: BankAccountDetails) -> BankAccountDetails:
    """The account as stored: unwanted characters removed (domain.text), codes and number in
    half-width digits, the holder in half-width katakana; a field that is not text is left as
    given for :func:`validate_bank_account`."""
    values = {name: clean_line(getattr(account, name)) if is_text(getattr(account, name)) else getattr(account, name)
              for name in BANK_LABELS}

    def digits(name: str) -> object:
        value = values[name]
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", value)) if isinstance(value, str) else value

    values.update(bank_code=digits("bank_code"), branch_code=digits("branch_code"))
    number = digits("account_number")
    if isinstance(number, str) and number.isdigit() and len(number) < 7:
        number = number.zfill(7)  # 口座番号 is 7 digits; shorter ones are zero-padded.
    values["account_number"] = number
    holder = values["holder_kana"]
    if isinstance(holder, str):
        # 口座名義 is written in half-width katakana, as on 全銀 files and bank statements.
        values["holder_kana"] = jaconv.z2h(jaconv.hira2kata(unicodedata.normalize("NFKC", holder).strip()),
                                           kana=True, ascii=True, digit=True)
    return BankAccountDetails(**values)


_HALF_WIDTH_HOLDER = re.compile(r"^[\uFF66-\uFF9F0-9A-Z ()\.,\-/]+$")


def bank_account_type_problems(account: BankAccountDetails) -> dict[str, str]:
    """Field -> message for each field given as something other than text."""
    wrong = {name: text_type_problem(getattr(account, name), label) for name, label in BANK_LABELS.items()}
    return {name: message for name, message in wrong.items() if message}


def validate_bank_account(account: BankAccountDetails) -> dict[str, str]:
    errors = bank_account_type_problems(account)
    if errors:
        return errors
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
    for name, limit in (("bank_name", BANK_NAME_MAX_LENGTH), ("branch_name", BANK_NAME_MAX_LENGTH),
                        ("holder_kana", HOLDER_KANA_MAX_LENGTH)):
        problem = length_problem(getattr(account, name), limit, BANK_LABELS[name])
        if problem and name not in errors:
            errors[name] = problem
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


PLAN_LABELS = {"profile_key": "サービス", "code": "コード", "name": "名称", "monthly_fee": "月額料金",
               "initial_fee": "初期費用", "minimum_term_months": "最低利用期間", "early_termination_fee": "契約解除料",
               "requires_face_to_face": "対面販売", "active": "状態", "notes": "備考"}
_PLAN_TEXT = ("code", "name", "notes")
_PLAN_NUMBERS = ("monthly_fee", "initial_fee", "minimum_term_months", "early_termination_fee")


def clean_plan(plan: PlanDetails) -> PlanDetails:
    """The plan as stored: code and name one cleaned line each, the notes cleaned (domain.text),
    amounts given as whole Decimals as int yen. A value of the wrong type is left as given for
    :func:`validate_plan`."""
    values: dict[str, object] = {}
    for name in _PLAN_TEXT:
        value = getattr(plan, name)
        values[name] = (clean_note(value) if name == "notes" else clean_line(value)) if is_text(value) else value
    for name in _PLAN_NUMBERS:
        value = getattr(plan, name)
        number = whole_number(value)
        values[name] = value if number is None else number
    return dataclasses.replace(plan, **values)  # type: ignore[arg-type]


def validate_plan(plan: PlanDetails, known_profiles: set[str] | frozenset[str]) -> dict[str, str]:
    """Field -> message for a cleaned plan (or option): a service of the profiles shipped, a
    code and a name within their lengths (the name is printed on the acceptance notice), fees
    from 0 to domain.bounds.MAX_FEE yen, a minimum term of 0 to MAX_MINIMUM_TERM_MONTHS months,
    and yes/no for the two switches."""
    errors: dict[str, str] = {}
    if not isinstance(plan.profile_key, str) or plan.profile_key not in known_profiles:
        errors["profile_key"] = "サービス（約款）を選んでください。"
    for name in _PLAN_TEXT:
        problem = text_type_problem(getattr(plan, name), PLAN_LABELS[name])
        if problem:
            errors[name] = problem
    if "code" not in errors:
        if not plan.code.strip():
            errors["code"] = "コードを入力してください。"
        elif not re.fullmatch(rf"[A-Za-z0-9_\-]{{1,{PLAN_CODE_MAX_LENGTH}}}", plan.code.strip()):
            errors["code"] = f"コードは半角英数字・「-」「_」の{PLAN_CODE_MAX_LENGTH}文字以内です。"
    if "name" not in errors:
        errors.update(_problems(name="名称を入力してください。" if not is_visible(plan.name) else
                                length_problem(plan.name, PLAN_NAME_MAX_LENGTH, "名称")))
    if "notes" not in errors:
        errors.update(_problems(notes=length_problem(plan.notes, NOTE_MAX_LENGTH, "備考")))
    for field in ("monthly_fee", "initial_fee", "early_termination_fee"):
        errors.update(_problems(**{field: yen_problem(getattr(plan, field), PLAN_LABELS[field], MAX_FEE)}))
    errors.update(_problems(minimum_term_months=number_problem(
        plan.minimum_term_months, "最低利用期間", 0, MAX_MINIMUM_TERM_MONTHS, "か月")))
    for field in ("requires_face_to_face", "active"):
        if not isinstance(getattr(plan, field), bool):
            errors[field] = f"{PLAN_LABELS[field]}は「はい」か「いいえ」を選んでください。"
    return errors


def _problems(**checks: str | None) -> dict[str, str]:
    return {name: message for name, message in checks.items() if message}

"""What the 申込 form holds: the channel, the papers received, the payment method and the
debit account, and the checks of what a clerk types (SC §6, SH §14.1; docs/decisions.md).

Pure values and functions. The application's life after intake (statuses, screening,
decisions, the postal identity check) is in :mod:`reseller_desk.domain.application`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from reseller_desk.domain.banks import bank_account_problems, with_bank_names
from reseller_desk.domain.bounds import (
    DOCUMENT_NOTE_MAX_LENGTH,
    MAX_LINES,
    MAX_OPTIONS,
    MIN_LINES,
    NOTE_MAX_LENGTH,
    is_record_id,
    number_problem,
    recorded_date_problem,
    whole_number,
)
from reseller_desk.domain.codes import as_member, coerce_fields
from reseller_desk.domain.company import BankAccountDetails, bank_account_type_problems, clean_bank_account
from reseller_desk.domain.text import clean_line, clean_note, is_text, length_problem, text_type_problem


class Channel(StrEnum):
    ONLINE = "online"    # オンラインサインアップ (SC §6.2)
    POST = "post"        # 郵送 (SC §6.3)
    FAX = "fax"          # FAX (SC §6.3)
    COUNTER = "counter"  # 対面 (SC §6.4)

    @property
    def label(self) -> str:
        return {"online": "オンライン", "post": "郵送", "fax": "FAX", "counter": "対面"}[self.value]


class PaymentMethod(StrEnum):
    DEBIT = "debit"        # 口座振替
    TRANSFER = "transfer"  # 振込

    @property
    def label(self) -> str:
        return {"debit": "口座振替", "transfer": "振込"}[self.value]


class DocumentKind(StrEnum):
    APPLICATION_FORM = "application_form"   # 申込書
    IDENTITY = "identity"                   # 本人確認書類
    REGISTRY = "registry"                   # 登記事項証明書 (法人)
    OTHER = "other"                         # その他

    @property
    def label(self) -> str:
        return {"application_form": "申込書", "identity": "本人確認書類", "registry": "登記事項証明書",
                "other": "その他"}[self.value]


class IdentityKind(StrEnum):
    DRIVERS_LICENSE = "drivers_license"
    MY_NUMBER_CARD = "my_number_card"
    PASSPORT = "passport"
    RESIDENCE_CARD = "residence_card"
    HEALTH_INSURANCE = "health_insurance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"drivers_license": "運転免許証", "my_number_card": "マイナンバーカード", "passport": "パスポート",
                "residence_card": "在留カード", "health_insurance": "健康保険証", "other": "その他"}[self.value]

    @property
    def has_photo(self) -> bool:
        """顔写真付きの身分証明書 (SC §6.4)."""
        return self in (IdentityKind.DRIVERS_LICENSE, IdentityKind.MY_NUMBER_CARD, IdentityKind.PASSPORT,
                        IdentityKind.RESIDENCE_CARD)


# -- documents -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentEntry:
    kind: DocumentKind
    received_on: dt.date
    identity_kind: IdentityKind | None = None  # for IDENTITY: which document
    number_last_digits: str = ""  # for IDENTITY: the last 4 characters of its number, never more
    note: str = ""

    def __post_init__(self) -> None:
        coerce_fields(self, kind=DocumentKind, identity_kind=IdentityKind)
        if self.identity_kind == "":
            object.__setattr__(self, "identity_kind", None)


MY_NUMBER_REFUSAL = ("個人番号（マイナンバー）は記録できません（番号法により取次店は保管できません）。"
                     "カードの種類だけを記録し、番号欄は空けてください。")


def identity_number_problem(identity_kind: IdentityKind | str | None, digits: str) -> str | None:
    """The number of an identity document is kept only as its last four characters; a
    個人番号 (12 digits on a マイナンバーカード) is refused outright: a reseller may not keep it."""
    identity_kind = as_member(IdentityKind, identity_kind)  # type: ignore[assignment]
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", digits or ""))
    if not text:
        return None
    if identity_kind is IdentityKind.MY_NUMBER_CARD:
        if re.fullmatch(r"\d{12}", text) or len(text) > 4:
            return MY_NUMBER_REFUSAL
        return "マイナンバーカードの番号は記録しません。番号欄は空けてください。"
    if len(text) > 4:
        return "番号は下4桁だけを入力してください（全桁は記録しません）。"
    if not re.fullmatch(r"[0-9A-Za-z]{1,4}", text):
        return "番号の下4桁は英数字で入力してください。"
    return None


def clean_document(entry: DocumentEntry) -> DocumentEntry:
    """The paper as stored: its number and note one cleaned line each (domain.text); a value
    that is not text is left as given for :func:`validate_document`."""
    def line(value: object) -> object:
        return clean_line(value) if is_text(value) else value

    return dataclasses.replace(entry, number_last_digits=line(entry.number_last_digits),  # type: ignore[arg-type]
                               note=line(entry.note))  # type: ignore[arg-type]


def validate_document(entry: DocumentEntry, today: dt.date) -> dict[str, str]:
    """Field -> message for a cleaned paper: a known kind, received on a day that happened
    (domain.bounds.recorded_date_problem), of an identity document its kind and at most the
    last four characters of its number, and a note within its column."""
    if not isinstance(entry, DocumentEntry):
        return {"kind": "書類の記録が正しくありません。"}
    if not isinstance(entry.kind, DocumentKind):
        return {"kind": "書類の種類を選んでください。"}
    errors: dict[str, str] = {}
    problem = recorded_date_problem(entry.received_on, today, "受領日")
    if problem:
        errors["received_on"] = problem
    for name, label in (("number_last_digits", "番号"), ("note", "メモ")):
        problem = text_type_problem(getattr(entry, name), label)
        if problem:
            errors[name] = problem
    if "note" not in errors:
        problem = length_problem(entry.note, DOCUMENT_NOTE_MAX_LENGTH, "書類のメモ")
        if problem:
            errors["note"] = problem
    if "number_last_digits" in errors:
        return errors
    if entry.kind is DocumentKind.IDENTITY:
        if not isinstance(entry.identity_kind, IdentityKind):
            errors["identity_kind"] = "本人確認書類の種類を選んでください。"
        problem = identity_number_problem(entry.identity_kind, entry.number_last_digits)
        if problem:
            errors["number_last_digits"] = problem
    elif entry.number_last_digits:
        errors["number_last_digits"] = "番号は本人確認書類にだけ記録します。"
    return errors


def required_documents(is_corporate: bool, channel: Channel) -> tuple[DocumentKind, ...]:
    """The papers an application must have before it can be decided. Decision (the office's
    procedure; the terms leave it to 弊社所定の方法 / 当社所定の手続き): a signed 申込書 for a
    paper or counter application (an online signup is its own form, SC §6.2), an identity
    document, and for a 法人 its 登記事項証明書."""
    needed = []
    if channel is not Channel.ONLINE:
        needed.append(DocumentKind.APPLICATION_FORM)
    needed.append(DocumentKind.IDENTITY)
    if is_corporate:
        needed.append(DocumentKind.REGISTRY)
    return tuple(needed)


def missing_documents(is_corporate: bool, channel: Channel, documents: Iterable[DocumentEntry]) -> list[DocumentKind]:
    have = {d.kind for d in documents}
    return [kind for kind in required_documents(is_corporate, channel) if kind not in have]


def has_photo_identity(documents: Iterable[DocumentEntry]) -> bool:
    return any(d.kind is DocumentKind.IDENTITY and d.identity_kind is not None and d.identity_kind.has_photo
               for d in documents)


# -- payment -------------------------------------------------------------------------------------
def clean_debit_account(account: BankAccountDetails) -> BankAccountDetails:
    """The account as stored: cleaned (domain.company.clean_bank_account), with the bank and
    branch names of its codes (domain.banks.with_bank_names)."""
    return with_bank_names(clean_bank_account(account))


def validate_debit_account(account: BankAccountDetails) -> dict[str, str]:
    """口座振替 account checks (codes that exist, 7-digit number, holder in half-width
    katakana) of an account cleaned by :func:`clean_debit_account`. The clerk types only the
    codes: a name that could not be filled in is reported at its code."""
    errors = bank_account_problems(account)
    if "bank_name" in errors and "bank_code" not in errors:
        errors.pop("bank_name")
        errors["bank_code"] = "金融機関コードが見つかりません。"
    if "branch_name" in errors and "branch_code" not in errors and "bank_code" not in errors:
        errors.pop("branch_name")
        errors["branch_code"] = "支店コードが見つかりません。"
    errors.pop("bank_name", None)
    errors.pop("branch_name", None)
    return errors


def masked_account(account: BankAccountDetails) -> str:
    """How a notice prints an account: 三菱ＵＦＪ 神田支店 普通 ****567."""
    return f"{account.bank_name} {account.branch_name} {account.account_type} ****{account.account_number[-3:]}"


# -- the application form ------------------------------------------------------------------------
@dataclass(frozen=True)
class ApplicationDraft:
    """What the 申込 form holds. Either ``customer_id`` (an existing customer) or an applicant
    CustomerDraft (a new one) is set by the service; the rules here only see plain values."""

    channel: Channel
    received_on: dt.date
    profile_key: str
    plan_id: int | None
    option_ids: tuple[int, ...] = ()
    lines: int = 1
    payment_method: PaymentMethod = PaymentMethod.TRANSFER
    debit_account: BankAccountDetails | None = None
    documents: tuple[DocumentEntry, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        coerce_fields(self, channel=Channel, payment_method=PaymentMethod)


def clean_draft(draft: ApplicationDraft) -> ApplicationDraft:
    """The form as it will be stored: notes and papers cleaned (domain.text), the debit account
    cleaned with its bank names (:func:`clean_debit_account`), no account kept for 振込, and
    回線数 given as a whole Decimal as an int. A value of the wrong type is left as given for
    :func:`validate_application` to refuse."""
    account = draft.debit_account
    if draft.payment_method is not PaymentMethod.DEBIT:
        account = None
    elif isinstance(account, BankAccountDetails):
        account = clean_bank_account(account)
        if not bank_account_type_problems(account):
            account = with_bank_names(account)
    documents: object = draft.documents
    if isinstance(documents, (list, tuple)):
        documents = tuple(clean_document(d) if isinstance(d, DocumentEntry) else d for d in documents)
    option_ids: object = draft.option_ids
    if isinstance(option_ids, list):
        option_ids = tuple(option_ids)
    lines = whole_number(draft.lines)
    return dataclasses.replace(draft, debit_account=account, documents=documents,  # type: ignore[arg-type]
                               notes=clean_note(draft.notes) if is_text(draft.notes) else draft.notes,
                               lines=draft.lines if lines is None else lines,
                               option_ids=option_ids)  # type: ignore[arg-type]


def applicant_choice_problem(*, customer_chosen: bool, applicant_given: bool) -> str | None:
    """An application is made by exactly one applicant: an existing customer, or a new one."""
    if customer_chosen == applicant_given:
        return "申込者を、既存の顧客から選ぶか新規に入力してください。"
    return None


@dataclass(frozen=True)
class Offer:
    """A plan or an option as the 申込 form may choose it."""

    profile_key: str
    name: str
    active: bool


def offer_problems(profile_key: str, plan: Offer | None, options: Sequence[Offer | None]) -> dict[str, str]:
    """An application is for a plan its service sells now, with options that service sells
    now (None: no such plan or option)."""
    errors: dict[str, str] = {}
    if plan is None or plan.profile_key != profile_key:
        errors["plan_id"] = "このサービスのプランを選んでください。"
    elif not plan.active:
        errors["plan_id"] = f"プラン「{plan.name}」は現在受け付けていません。"
    if any(o is None or o.profile_key != profile_key or not o.active for o in options):
        errors["option_ids"] = "このサービスで受け付けているオプションを選んでください。"
    return errors


def validate_application(draft: ApplicationDraft, *, today: dt.date, known_profiles: Sequence[str]) -> dict[str, str]:
    """Field -> message for what is structurally wrong (what cannot be saved). Missing papers
    are not errors: they make the application 書類待ち."""
    errors: dict[str, str] = {}
    if not isinstance(draft.channel, Channel):
        errors["channel"] = "受付経路を選んでください。"
    problem = recorded_date_problem(draft.received_on, today, "受付日")
    if problem:
        errors["received_on"] = problem
    if not isinstance(draft.profile_key, str) or draft.profile_key not in known_profiles:
        errors["profile_key"] = "サービスを選んでください。"
    if not is_record_id(draft.plan_id):
        errors["plan_id"] = "プランを選んでください。"
    problem = option_ids_problem(draft.option_ids)
    if problem:
        errors["option_ids"] = problem
    problem = number_problem(draft.lines, "回線数", MIN_LINES, MAX_LINES)
    if problem:
        errors["lines"] = problem
    if not isinstance(draft.payment_method, PaymentMethod):
        errors["payment_method"] = "支払方法を選んでください。"
    if draft.payment_method is PaymentMethod.DEBIT:
        if draft.debit_account is None:
            errors["debit.bank_code"] = "口座振替の口座を入力してください。"
        elif not isinstance(draft.debit_account, BankAccountDetails):
            errors["debit.bank_code"] = "口座振替の口座が正しく渡されていません。"
        else:
            errors.update({f"debit.{k}": v for k, v in validate_debit_account(draft.debit_account).items()})
    problem = text_type_problem(draft.notes, "備考") or (
        length_problem(draft.notes, NOTE_MAX_LENGTH, "備考") if isinstance(draft.notes, str) else None)
    if problem:
        errors["notes"] = problem
    if not isinstance(draft.documents, tuple):
        errors["documents"] = "受領した書類の一覧が正しく渡されていません。"
    else:
        for index, entry in enumerate(draft.documents):
            errors.update({f"documents.{index}.{k}": v for k, v in validate_document(entry, today).items()})
    return errors


def option_ids_problem(option_ids: object) -> str | None:
    """None when ``option_ids`` are ids of at most domain.bounds.MAX_OPTIONS options."""
    if not isinstance(option_ids, tuple) or not all(is_record_id(i) for i in option_ids):
        return "このサービスで受け付けているオプションを選んでください。"
    if len(set(option_ids)) > MAX_OPTIONS:
        return f"オプションは{MAX_OPTIONS}件まで選べます。"
    return None


def form_problems(draft: ApplicationDraft, applicant_errors: dict[str, str], *, is_corporate: bool) -> list[str]:
    """What is missing or inconsistent on the form itself, for the checklist line
    「虚偽、誤記又は記入漏れ」 (SC §8(2)) / 「虚偽の届出」 (SH §14.2(4)) — pre-filled 該当 when any."""
    problems = [f"申込者の{field}: {message}" for field, message in applicant_errors.items()]
    for kind in missing_documents(is_corporate, draft.channel, draft.documents):
        problems.append(f"{kind.label}が未提出")
    if draft.payment_method is PaymentMethod.DEBIT and draft.debit_account is not None:
        holder = draft.debit_account.holder_kana
        if not holder:
            problems.append("口座名義が未記入")
    return problems

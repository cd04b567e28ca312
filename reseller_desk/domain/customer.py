"""A customer as the office records it, how its fields are cleaned and checked, and how two
records are recognised as possibly the same customer.

Checks use maintained libraries rather than hand-written ones: python-stdnum (法人番号 check
digit), phonenumbers (Japanese numbers), email-validator (addresses, without DNS look-ups) and
jaconv with NFKC (kana width and hiragana/katakana). Messages are the plain Japanese a clerk
reads next to the field.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, fields
from enum import StrEnum

import jaconv

from reseller_desk.domain.bounds import CUSTOMER_MAX_LENGTHS
from reseller_desk.domain.codes import coerce_fields
from reseller_desk.domain.search import normalize, search_key
from reseller_desk.domain.text import clean_line, clean_note, is_text, is_visible, length_problem, text_type_problem

# phonenumbers, email-validator and python-stdnum are imported by the functions that use them:
# the customer list (and so the app's start-up) needs none of them, and they cost ~50 ms.


class CustomerKind(StrEnum):
    CORPORATE = "corporate"
    INDIVIDUAL = "individual"

    @property
    def label(self) -> str:
        return {"corporate": "法人", "individual": "個人"}[self.value]


@dataclass(frozen=True)
class CustomerDraft:
    """What a clerk typed into the customer form (text, and the kind), before or after
    cleaning. ``kind`` may be given as its code ("corporate", as stored in the applicant JSON
    of an application); a code that names no kind is kept as given for :func:`validate`."""

    kind: CustomerKind = CustomerKind.CORPORATE
    name: str = ""
    name_kana: str = ""
    representative_title: str = ""
    representative_name: str = ""
    contact_title: str = ""
    contact_name: str = ""
    postal_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    corporate_number: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        coerce_fields(self, kind=CustomerKind)


#: Field names of :class:`CustomerDraft`, in form order; a validation error is keyed by one.
CUSTOMER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CustomerDraft))

#: Japanese label of each field, for forms, messages and exports.
FIELD_LABELS: dict[str, str] = {
    "kind": "区分",
    "name": "名称・氏名",
    "name_kana": "フリガナ",
    "representative_title": "代表者役職",
    "representative_name": "代表者名",
    "contact_title": "担当者役職",
    "contact_name": "担当者名",
    "postal_code": "郵便番号",
    "address": "住所",
    "phone": "電話番号",
    "email": "メールアドレス",
    "corporate_number": "法人番号",
    "notes": "備考",
}

#: The longest each text field may be (domain.bounds: the column, and the notice's address
#: block for the fields printed there).
MAX_LENGTHS: dict[str, int] = CUSTOMER_MAX_LENGTHS
#: The text fields (every field but the kind).
TEXT_FIELDS: tuple[str, ...] = tuple(name for name in CUSTOMER_FIELDS if name != "kind")

#: The fields a customer cannot be saved without: :func:`validate` refuses each one left empty
#: (the form marks them ※ from this set).
REQUIRED_FIELDS = frozenset({"kind", "name", "name_kana", "phone"})
#: The fields only a 法人 has: a 個人 has no representative and no 法人番号 (the form hides them
#: for a 個人; :func:`validate` refuses a 法人番号 typed for one).
CORPORATE_ONLY_FIELDS = ("representative_title", "representative_name", "corporate_number")

_KATAKANA_READING = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FD\u30FE\u30FB 　]+$")
_POSTAL_DIGITS = re.compile(r"^\d{7}$")


def clean(draft: CustomerDraft) -> CustomerDraft:
    """The draft as it will be stored: control, bidi and zero-width characters removed
    (domain.text), trimmed, widths folded, formats applied where the input is recognisable.
    Cleaning never rejects; :func:`validate` says what is still wrong (a field given as
    something other than text is left as given, for it to refuse)."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS:
        value = getattr(draft, name)
        values[name] = (clean_note(value) if name == "notes" else clean_line(value)) if is_text(value) else value
    kind = draft.kind
    if not isinstance(kind, CustomerKind) and is_text(kind):
        kind = clean_line(kind) or CustomerKind.CORPORATE
    text = {name: value for name, value in values.items() if isinstance(value, str)}
    if "name_kana" in text:
        # Furigana: half-width katakana -> full-width, hiragana -> katakana, spaces folded.
        kana = jaconv.hira2kata(unicodedata.normalize("NFKC", text["name_kana"]))
        values["name_kana"] = re.sub(r"\s+", " ", kana).strip()
    if "postal_code" in text:
        values["postal_code"] = format_postal_code(text["postal_code"])
    if "phone" in text:
        values["phone"] = format_phone(text["phone"])
    if "email" in text:
        values["email"] = unicodedata.normalize("NFKC", text["email"]).strip()
    if "corporate_number" in text:
        values["corporate_number"] = re.sub(r"\D", "", unicodedata.normalize("NFKC", text["corporate_number"]))
    return dataclasses.replace(draft, kind=kind, **values)  # type: ignore[arg-type]


def format_postal_code(text: str) -> str:
    """"1000001", "〒100－0001", "１００-０００１" -> "100-0001"; anything else is returned as typed."""
    digits = re.sub(r"[^\d]", "", unicodedata.normalize("NFKC", text or ""))
    if _POSTAL_DIGITS.match(digits):
        return f"{digits[:3]}-{digits[3:]}"
    return (text or "").strip()


def postal_code_problem(code: str) -> str | None:
    """None when ``code`` is empty or a formatted postal code (NNN-NNNN, as
    :func:`format_postal_code` writes one), else why not."""
    if code and not re.fullmatch(r"\d{3}-\d{4}", code):
        return "郵便番号は7桁の数字で入力してください（例: 100-0001）。"
    return None


def format_phone(text: str) -> str:
    """A valid Japanese number in its usual national form ("03-1234-5678"); otherwise as typed."""
    import phonenumbers

    text = (text or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(unicodedata.normalize("NFKC", text), "JP")
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.is_valid_number(number) and number.country_code == 81:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return text


def validate(draft: CustomerDraft) -> dict[str, str]:
    """Field name -> Japanese message for every field at fault in an already cleaned draft.
    An empty dict means the draft may be saved."""
    errors: dict[str, str] = {}
    kind = draft.kind if isinstance(draft.kind, CustomerKind) else None
    if kind is None:
        errors["kind"] = "区分は「法人」か「個人」を選んでください。"
    checked = {name: text_type_problem(getattr(draft, name), FIELD_LABELS[name]) for name in TEXT_FIELDS}
    wrong = {name: message for name, message in checked.items() if message}
    if wrong:
        return {**errors, **wrong}

    if not is_visible(draft.name):
        errors["name"] = "名称・氏名を入力してください。" if kind is None else (
            "法人名を入力してください。" if kind is CustomerKind.CORPORATE else "氏名を入力してください。"
        )
    if not is_visible(draft.name_kana):
        errors["name_kana"] = "フリガナを入力してください。"
    elif not _KATAKANA_READING.match(draft.name_kana):
        errors["name_kana"] = "フリガナはカタカナで入力してください（漢字・英数字は使えません）。"

    problem = postal_code_problem(draft.postal_code)
    if problem:
        errors["postal_code"] = problem

    if not draft.phone:
        errors["phone"] = "電話番号を入力してください。"
    else:
        problem = phone_problem(draft.phone)
        if problem:
            errors["phone"] = problem

    problem = email_problem(draft.email) if draft.email else None
    if problem:
        errors["email"] = problem

    if draft.corporate_number:
        if kind is CustomerKind.INDIVIDUAL:
            errors["corporate_number"] = "個人のお客様には法人番号を入力しません。"
        else:
            message = corporate_number_problem(draft.corporate_number)
            if message:
                errors["corporate_number"] = message

    for name, limit in MAX_LENGTHS.items():
        problem = length_problem(getattr(draft, name), limit, FIELD_LABELS[name])
        if name not in errors and problem:
            errors[name] = problem
    return errors


def corporate_number_problem(number: str) -> str | None:
    """None when ``number`` is a valid 13-digit 法人番号 (check digit verified), else why not."""
    from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
    from stdnum.jp import cn as corporate_number_std

    try:
        corporate_number_std.validate(number)
    except (InvalidLength, InvalidFormat):
        return "法人番号は13桁の数字で入力してください。"
    except InvalidChecksum:
        return "法人番号のチェックデジット（先頭の1桁）が合いません。番号をお確かめください。"
    except ValidationError:
        return "法人番号が正しくありません。"
    return None


def phone_problem(phone: str) -> str | None:
    """None when ``phone`` is a Japanese number in use, else why not (:func:`_phone_message`)."""
    return None if _is_valid_phone(phone) else _phone_message(phone)


def email_problem(email: str) -> str | None:
    """None when ``email`` is an e-mail address in form (email-validator, without DNS)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "メールアドレスの形式が正しくありません（例: info@example.co.jp）。"
    return None


def _phone_message(text: str) -> str:
    """Why a phone number is refused, in the clerk's terms: a number that does not start with 0
    lacks its area code; one that does may have the wrong number of digits (固定 10, 携帯・IP
    11: 03-1234-567 is one short), or be of a range not in use."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if not digits.startswith("0"):
        return "電話番号が正しくありません。市外局番（0から始まる番号）から入力してください（例: 03-1234-5678）。"
    if len(digits) not in (10, 11):
        return (f"電話番号の桁数が合いません（{len(digits)}桁）。固定電話は10桁、携帯電話・IP電話は11桁です"
                "（例: 03-1234-5678、090-1234-5678）。")
    return "この番号は日本の電話番号として使われていない番号です。番号を確かめてください。"


def _is_valid_phone(text: str) -> bool:
    import phonenumbers

    try:
        number = phonenumbers.parse(unicodedata.normalize("NFKC", text), "JP")
    except phonenumbers.NumberParseException:
        return False
    return number.country_code == 81 and phonenumbers.is_valid_number(number)


def customer_search_key(draft: CustomerDraft) -> str:
    """The stored search key: name, furigana, phone, e-mail and 法人番号, normalised."""
    return search_key(draft.name, draft.name_kana, draft.phone, draft.email, draft.corporate_number)


@dataclass(frozen=True)
class IdentityKeys:
    """What two records must share to be pointed out as possibly the same customer: the same
    法人番号, or the same normalised name and phone, or the same normalised name and address."""

    corporate_number: str
    name_phone: str
    name_address: str


def identity_keys(draft: CustomerDraft) -> IdentityKeys:
    name = normalize(draft.name)
    phone = normalize(draft.phone)
    address = normalize(draft.address)
    return IdentityKeys(
        corporate_number=draft.corporate_number,
        name_phone=f"{name}|{phone}" if name and phone else "",
        name_address=f"{name}|{address}" if name and address else "",
    )


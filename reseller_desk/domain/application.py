"""Applications (申込) and their screening: the values a clerk records and the rules that decide
what may happen next (SC §6–8, SH §14–17; terms-rules.md §2).

Pure: the services give it plain values and get back plain answers or Japanese messages.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reseller_desk.domain.company import BankAccountDetails, clean_bank_account, validate_bank_account
from reseller_desk.domain.terms import ContractFormation, TermsProfile


class ApplicationStatus(StrEnum):
    RECEIVED = "received"                      # 受付
    AWAITING_DOCUMENTS = "awaiting_documents"  # 書類待ち
    SCREENING = "screening"                    # 審査中
    APPROVED = "approved"                      # 承諾
    REFUSED = "refused"                        # 不承諾
    CANCELLED = "cancelled"                    # 取消 (withdrawn before decision, or revoked after)

    @property
    def label(self) -> str:
        return {"received": "受付", "awaiting_documents": "書類待ち", "screening": "審査中",
                "approved": "承諾", "refused": "不承諾", "cancelled": "取消"}[self.value]

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision."""
        return self in (ApplicationStatus.RECEIVED, ApplicationStatus.AWAITING_DOCUMENTS, ApplicationStatus.SCREENING)


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


class ScreeningAnswer(StrEnum):
    CLEAR = "clear"          # 問題なし
    HIT = "hit"              # 該当
    UNCHECKED = "unchecked"  # 未確認

    @property
    def label(self) -> str:
        return {"clear": "問題なし", "hit": "該当", "unchecked": "未確認"}[self.value]


class CancelKind(StrEnum):
    WITHDRAWN = "withdrawn"                          # 申込者による取下げ (before decision)
    IDENTITY_CHECK_FAILED = "identity_check_failed"  # 郵送本人確認不可による契約取消 (SH §14.2(7))

    @property
    def label(self) -> str:
        return {"withdrawn": "申込者による取下げ", "identity_check_failed": "本人確認不可による取消"}[self.value]


class IdentityLetterResult(StrEnum):
    NOT_SENT = "not_sent"
    SENT = "sent"            # 発送済・結果待ち
    CONFIRMED = "confirmed"  # 到達（本人確認済）
    FAILED = "failed"        # 不達・本人確認不可

    @property
    def label(self) -> str:
        return {"not_sent": "未発送", "sent": "発送済（結果待ち）", "confirmed": "本人確認済",
                "failed": "本人確認不可"}[self.value]


class IncidentKind(StrEnum):
    """A record kept on a customer that later screening must see."""

    DISQUALIFIED = "disqualified"              # 資格取消
    FORCED_TERMINATION = "forced_termination"  # 強制解約（当社による解除）
    VIOLATION = "violation"                    # 規約違反
    UNPAID = "unpaid"                          # 未払い

    @property
    def label(self) -> str:
        return {"disqualified": "資格取消", "forced_termination": "強制解約", "violation": "規約違反",
                "unpaid": "未払い"}[self.value]


# -- documents -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DocumentEntry:
    kind: str
    received_on: dt.date
    identity_kind: str = ""       # for IDENTITY: an IdentityKind value
    number_last_digits: str = ""  # for IDENTITY: the last 4 characters of its number, never more
    note: str = ""


MY_NUMBER_REFUSAL = ("個人番号（マイナンバー）は記録できません（番号法により取次店は保管できません）。"
                     "カードの種類だけを記録し、番号欄は空けてください。")


def identity_number_problem(identity_kind: str, digits: str) -> str | None:
    """The number of an identity document is kept only as its last four characters; a
    個人番号 (12 digits on a マイナンバーカード) is refused outright: a reseller may not keep it."""
    text = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", digits or ""))
    if not text:
        return None
    if identity_kind == IdentityKind.MY_NUMBER_CARD.value:
        if re.fullmatch(r"\d{12}", text) or len(text) > 4:
            return MY_NUMBER_REFUSAL
        return "マイナンバーカードの番号は記録しません。番号欄は空けてください。"
    if len(text) > 4:
        return "番号は下4桁だけを入力してください（全桁は記録しません）。"
    if not re.fullmatch(r"[0-9A-Za-z]{1,4}", text):
        return "番号の下4桁は英数字で入力してください。"
    return None


def validate_document(entry: DocumentEntry, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        kind = DocumentKind(entry.kind)
    except ValueError:
        return {"kind": "書類の種類を選んでください。"}
    if entry.received_on > today:
        errors["received_on"] = "受領日が未来の日付です。"
    if kind is DocumentKind.IDENTITY:
        try:
            IdentityKind(entry.identity_kind)
        except ValueError:
            errors["identity_kind"] = "本人確認書類の種類を選んでください。"
        problem = identity_number_problem(entry.identity_kind, entry.number_last_digits)
        if problem:
            errors["number_last_digits"] = problem
    elif entry.number_last_digits:
        errors["number_last_digits"] = "番号は本人確認書類にだけ記録します。"
    return errors


def required_documents(is_corporate: bool, channel: str) -> tuple[DocumentKind, ...]:
    """The papers an application must have before it can be decided. Decision (the office's
    procedure; the terms leave it to 弊社所定の方法 / 当社所定の手続き): a signed 申込書 for a
    paper or counter application (an online signup is its own form, SC §6.2), an identity
    document, and for a 法人 its 登記事項証明書."""
    needed = []
    if channel != Channel.ONLINE.value:
        needed.append(DocumentKind.APPLICATION_FORM)
    needed.append(DocumentKind.IDENTITY)
    if is_corporate:
        needed.append(DocumentKind.REGISTRY)
    return tuple(needed)


def missing_documents(is_corporate: bool, channel: str, documents: Iterable[DocumentEntry]) -> list[DocumentKind]:
    have = {d.kind for d in documents}
    return [kind for kind in required_documents(is_corporate, channel) if kind.value not in have]


def has_photo_identity(documents: Iterable[DocumentEntry]) -> bool:
    return any(d.kind == DocumentKind.IDENTITY.value and d.identity_kind in {k.value for k in IdentityKind if k.has_photo}
               for d in documents)


# -- payment -------------------------------------------------------------------------------------
def clean_debit_account(account: BankAccountDetails) -> BankAccountDetails:
    return clean_bank_account(account)


def validate_debit_account(account: BankAccountDetails) -> dict[str, str]:
    """口座振替 account checks (codes, 7-digit number, holder in half-width katakana); the bank
    and branch names are filled from the codes by domain.banks before this runs."""
    errors = validate_bank_account(account)
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

    channel: str
    received_on: dt.date
    profile_key: str
    plan_id: int | None
    option_ids: tuple[int, ...] = ()
    lines: int = 1
    payment_method: str = PaymentMethod.TRANSFER.value
    debit_account: BankAccountDetails | None = None
    documents: tuple[DocumentEntry, ...] = ()
    notes: str = ""


def validate_application(draft: ApplicationDraft, *, today: dt.date, known_profiles: Sequence[str]) -> dict[str, str]:
    """Field -> message for what is structurally wrong (what cannot be saved). Missing papers
    are not errors: they make the application 書類待ち."""
    errors: dict[str, str] = {}
    try:
        Channel(draft.channel)
    except ValueError:
        errors["channel"] = "受付経路を選んでください。"
    if draft.received_on > today:
        errors["received_on"] = "受付日が未来の日付です。"
    if draft.profile_key not in known_profiles:
        errors["profile_key"] = "サービスを選んでください。"
    if draft.plan_id is None:
        errors["plan_id"] = "プランを選んでください。"
    if not isinstance(draft.lines, int) or not 1 <= draft.lines <= 999:
        errors["lines"] = "回線数は1〜999で入力してください。"
    try:
        method = PaymentMethod(draft.payment_method)
    except ValueError:
        errors["payment_method"] = "支払方法を選んでください。"
        method = None
    if method is PaymentMethod.DEBIT:
        if draft.debit_account is None:
            errors["debit.bank_code"] = "口座振替の口座を入力してください。"
        else:
            errors.update({f"debit.{k}": v for k, v in validate_debit_account(draft.debit_account).items()})
    for index, entry in enumerate(draft.documents):
        errors.update({f"documents.{index}.{k}": v for k, v in validate_document(entry, today).items()})
    return errors


def form_problems(draft: ApplicationDraft, applicant_errors: dict[str, str], *, is_corporate: bool) -> list[str]:
    """What is missing or inconsistent on the form itself, for the checklist line
    「虚偽、誤記又は記入漏れ」 (SC §8(2)) / 「虚偽の届出」 (SH §14.2(4)) — pre-filled 該当 when any."""
    problems = [f"申込者の{field}: {message}" for field, message in applicant_errors.items()]
    for kind in missing_documents(is_corporate, draft.channel, draft.documents):
        problems.append(f"{kind.label}が未提出")
    if draft.payment_method == PaymentMethod.DEBIT.value and draft.debit_account is not None:
        holder = draft.debit_account.holder_kana
        if not holder:
            problems.append("口座名義が未記入")
    return problems


# -- screening and decision ----------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistLine:
    code: str
    text: str
    clause: str
    answer: str = ScreeningAnswer.UNCHECKED.value
    note: str = ""
    evidence: tuple[str, ...] = field(default_factory=tuple)


def approval_blockers(lines: Sequence[ChecklistLine], *, plan_requires_face_to_face: bool, channel: str,
                      documents: Sequence[DocumentEntry], is_corporate: bool) -> list[str]:
    """Why 承諾 is not possible yet (empty: it is). Every checklist line must be 問題なし; a
    plan sold only face to face needs a 対面 application with photo ID (SC §6.4); the
    required papers must be in."""
    reasons = []
    for line in lines:
        if line.answer != ScreeningAnswer.CLEAR.value:
            reasons.append(f"審査項目({line.code})が「{ScreeningAnswer(line.answer).label}」です: {line.text}")
    if plan_requires_face_to_face:
        if channel != Channel.COUNTER.value:
            reasons.append("このプランは対面販売だけで契約できます（SC §6.4）。受付経路が「対面」ではありません。")
        if not has_photo_identity(documents):
            reasons.append("このプランは顔写真付きの身分証明書の提出が必要です（SC §6.4）。")
    for kind in missing_documents(is_corporate, channel, documents):
        reasons.append(f"{kind.label}が提出されていません。")
    return reasons


def refusal_blockers(lines: Sequence[ChecklistLine], internal_note: str) -> list[str]:
    """Why 不承諾 is not possible (empty: it is): at least one line 該当 and an internal note.
    The note stays internal; it is never printed on anything sent to the applicant."""
    reasons = []
    if not any(line.answer == ScreeningAnswer.HIT.value for line in lines):
        reasons.append("不承諾には「該当」の審査項目が少なくとも一つ必要です。")
    if not (internal_note or "").strip():
        reasons.append("不承諾の理由を社内メモに記入してください（申込者には通知しません）。")
    return reasons


#: How far the SC 登録日 may lie from the decision: not before the application was received,
#: and at most this many days after the decision (registration is the office's next step).
REGISTRATION_DAYS_AFTER_DECISION = 14


def registration_date_problem(received_on: dt.date, decided_on: dt.date, registered_on: dt.date) -> str | None:
    """SC §7: the contract is formed on the 登録日, the day registration completes; by default
    the decision date, editable within reason (Decision: between the day the application was
    received and two weeks after the decision)."""
    if registered_on < received_on:
        return "登録日は申込受付日より前にできません。"
    if registered_on > decided_on + dt.timedelta(days=REGISTRATION_DAYS_AFTER_DECISION):
        return f"登録日は承諾日から{REGISTRATION_DAYS_AFTER_DECISION}日以内にしてください。"
    return None


def contract_formed_on(profile: TermsProfile, decided_on: dt.date, registered_on: dt.date | None) -> dt.date:
    """The day the contract is formed: SC §7 on the 登録日 (default the decision date); SH §15.1
    when acceptance is notified — the 承諾通知 is issued on the decision date."""
    if profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE:
        return registered_on or decided_on
    return decided_on


def formation_label(profile: TermsProfile) -> str:
    if profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE:
        return f"登録日（契約成立日、{profile.intake.clause}）"
    return f"契約成立日（承諾通知日、{profile.intake.clause}）"


def days_waiting(received_on: dt.date, today: dt.date) -> int:
    return max(0, (today - received_on).days)


def first_billable_note(profile: TermsProfile) -> str:
    """How the first billable month is decided, as printed on the acceptance notice."""
    from reseller_desk.domain.terms import FirstBillableMonth

    if profile.billing.first_billable_month is FirstBillableMonth.MONTH_AFTER_REGISTRATION:
        text = "利用料金は登録日の翌月1日から発生します"
    else:
        text = "利用料金は開通日（電話番号が開通した日）の属する月から発生します"
    if not profile.billing.proration:
        text += "（日割り計算はありません）"
    if profile.billing.initial_fee_billed_with_first_month:
        text += "。初期費用は最初の月の利用料金と合わせてご請求します"
    return f"{text}（{profile.billing.clause}）。"

"""The life of an application (申込): its statuses and the rules that decide what may happen
next — screening, 承諾 and 不承諾 with their dates, withdrawal, and the postal identity check
that can revoke an acceptance (SC §6–8, SH §14–17; docs/decisions.md).

This is the application's state machine, as pure functions: the services load the
application, ask these functions, then write and audit what they answer; the window asks the
same functions to enable its buttons, so no rule has a second copy. Problems come back as data
(a list of reasons, or field -> Japanese message), never as a raised string. Nothing here reads
a clock: every function that compares with today is given ``today``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reseller_desk.domain.bounds import (
    MAX_INCIDENT_AMOUNT,
    NOTE_MAX_LENGTH,
    is_date,
    recorded_date_problem,
    yen_problem,
)
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.codes import as_member, coerce_fields
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.intake import (
    Channel,
    DocumentEntry,
    DocumentKind,
    has_photo_identity,
    missing_documents,
)
from reseller_desk.domain.rules import first_billable_month
from reseller_desk.domain.terms import (
    ContractFormation,
    FirstBillableMonth,
    ScreeningCheck,
    ScreeningGround,
    TermsProfile,
)
from reseller_desk.domain.text import clean_note, is_visible, length_problem, text_type_problem


class ApplicationStatus(StrEnum):
    RECEIVED = "received"                      # 受付
    AWAITING_DOCUMENTS = "awaiting_documents"  # 書類待ち
    SCREENING = "screening"                    # 審査中
    APPROVED = "approved"                      # 承諾
    REFUSED = "refused"                        # 不承諾
    WITHDRAWN = "withdrawn"                    # 取下げ: the applicant withdrew before the decision
    REVOKED = "revoked"                        # 承諾取消: acceptance revoked (SH §14.2(7))

    @property
    def label(self) -> str:
        return {"received": "受付", "awaiting_documents": "書類待ち", "screening": "審査中",
                "approved": "承諾", "refused": "不承諾", "withdrawn": "取下げ", "revoked": "承諾取消"}[self.value]

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision."""
        return self in (ApplicationStatus.RECEIVED, ApplicationStatus.AWAITING_DOCUMENTS, ApplicationStatus.SCREENING)


class ScreeningAnswer(StrEnum):
    CLEAR = "clear"          # 問題なし
    HIT = "hit"              # 該当
    UNCHECKED = "unchecked"  # 未確認

    @property
    def label(self) -> str:
        return {"clear": "問題なし", "hit": "該当", "unchecked": "未確認"}[self.value]


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


#: The customer records behind each screening check (SC §8(1), (8); SH §14.2(1), (3)).
INCIDENT_CHECKS: Mapping[ScreeningCheck, IncidentKind] = {
    ScreeningCheck.DISQUALIFIED: IncidentKind.DISQUALIFIED,
    ScreeningCheck.FORCED_TERMINATION: IncidentKind.FORCED_TERMINATION,
    ScreeningCheck.VIOLATION: IncidentKind.VIOLATION,
    ScreeningCheck.UNPAID: IncidentKind.UNPAID,
}


# -- dates ---------------------------------------------------------------------------------------
# Every date an application records (受付, 決定, 登録日, 開通日, 取下げ, 本人確認郵便, a customer
# record) is checked by the one rule domain.bounds.recorded_date_problem: a date, from
# 2000-01-01, not after today. The rules below add only how the dates relate to each other.


def _problems(**checks: str | None) -> dict[str, str]:
    return {name: message for name, message in checks.items() if message}


# -- before the decision -------------------------------------------------------------------------
def status_before_decision(*, screening_started: bool, missing: Sequence[DocumentKind]) -> ApplicationStatus:
    """An open application is 審査中 once screening has started, else 書類待ち while a required
    paper is missing, else 受付. Saving it again moves it between these."""
    if screening_started:
        return ApplicationStatus.SCREENING
    return ApplicationStatus.AWAITING_DOCUMENTS if missing else ApplicationStatus.RECEIVED


def not_open_problem(number: str, status: ApplicationStatus, action: str) -> str | None:
    """Editing, screening, withdrawing and deciding happen only before the decision."""
    if status.is_open:
        return None
    return f"申込 {number} は「{status.label}」のため、{action}できません。"


# -- screening -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChecklistLine:
    code: str
    text: str
    clause: str
    answer: ScreeningAnswer = ScreeningAnswer.UNCHECKED
    note: str = ""
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        coerce_fields(self, answer=ScreeningAnswer)


#: The note of a line that waits for the postal identity check (SH §14.2(7)).
AWAITING_IDENTITY_NOTE = "本人確認の結果待ち"
#: The evidence of a line answered from the form alone, when nothing is wrong with it.
FORM_IN_ORDER = "申込内容に記入漏れ・不備なし"


@dataclass(frozen=True)
class PrefilledAnswer:
    """What the records say for one checklist line."""

    answer: ScreeningAnswer
    evidence: tuple[str, ...]
    note: str = ""
    prefilled: bool = True     # False: left for a person (the records cannot answer it yet)


def prefill_answer(ground: ScreeningGround, found: Mapping[ScreeningCheck, Sequence[str] | None], *,
                   searched: str, answered_by_person: bool) -> PrefilledAnswer | None:
    """The answer the records give for ``ground`` (None: leave the line as it is).

    ``found`` maps each check to the records that answer it (an empty list: checked, nothing
    found; None: not answerable yet, the identity letter is still out). A line a person has
    answered is never overwritten; a line with no check is a person's. Any record found makes
    it 該当 with those records as evidence; nothing found makes it 問題なし with ``searched``
    (what was looked through), or :data:`FORM_IN_ORDER` for a line about the form alone."""
    if not ground.checks or answered_by_person:
        return None
    answers = [found.get(check) for check in ground.checks]
    hits = tuple(line for lines in answers if lines for line in lines)
    if hits:
        return PrefilledAnswer(ScreeningAnswer.HIT, hits)
    if any(lines is None for lines in answers):
        return PrefilledAnswer(ScreeningAnswer.UNCHECKED, (), AWAITING_IDENTITY_NOTE, prefilled=False)
    only_form = all(check is ScreeningCheck.FORM_INCOMPLETE for check in ground.checks)
    return PrefilledAnswer(ScreeningAnswer.CLEAR, (FORM_IN_ORDER if only_form else searched,))


# -- the decision --------------------------------------------------------------------------------
def approval_blockers(lines: Sequence[ChecklistLine], *, screening_started: bool, plan_requires_face_to_face: bool,
                      channel: Channel, documents: Sequence[DocumentEntry], is_corporate: bool) -> list[str]:
    """Why 承諾 is not possible yet (empty: it is). Screening must have started and every
    checklist line be 問題なし; a plan sold only face to face needs a 対面 application with
    photo ID (SC §6.4); the required papers must be in."""
    reasons = []
    if not screening_started:
        reasons.append("審査が始まっていません（「審査開始」で審査項目を作成してください）。")
    for line in lines:
        if line.answer is not ScreeningAnswer.CLEAR:
            reasons.append(f"審査項目({line.code})が「{ScreeningAnswer(line.answer).label}」です: {line.text}")
    if plan_requires_face_to_face:
        if channel is not Channel.COUNTER:
            reasons.append("このプランは対面販売だけで契約できます（SC §6.4）。受付経路が「対面」ではありません。")
        if not has_photo_identity(documents):
            reasons.append("このプランは顔写真付きの身分証明書の提出が必要です（SC §6.4）。")
    for kind in missing_documents(is_corporate, channel, documents):
        reasons.append(f"{kind.label}が提出されていません。")
    return reasons


def refusal_ground_problem(lines: Sequence[ChecklistLine]) -> str | None:
    """Why the checklist cannot support a 不承諾 (None: it can): a refusal needs a ground, at
    least one line 該当. The window asks this before the internal note is written."""
    if any(line.answer is ScreeningAnswer.HIT for line in lines):
        return None
    return "不承諾には「該当」の審査項目が少なくとも一つ必要です。"


def refusal_blockers(lines: Sequence[ChecklistLine], internal_note: str) -> list[str]:
    """Why 不承諾 is not possible (empty: it is): a ground (:func:`refusal_ground_problem`) and
    an internal note. The note stays internal; it is never printed on anything sent to the
    applicant."""
    reasons = []
    ground = refusal_ground_problem(lines)
    if ground:
        reasons.append(ground)
    if not isinstance(internal_note, str) or not is_visible(clean_note(internal_note)):
        reasons.append("不承諾の理由を社内メモに記入してください（申込者には通知しません）。")
    return reasons


def note_problem(note: object, label: str) -> str | None:
    """None when ``note`` is text within domain.bounds.NOTE_MAX_LENGTH once cleaned."""
    return text_type_problem(note, label) or length_problem(clean_note(note), NOTE_MAX_LENGTH, label)


def decision_date_problems(*, received_on: dt.date, decided_on: object, today: dt.date) -> dict[str, str]:
    """A decision is dated between the day the application was received and today."""
    return _problems(decided_on=recorded_date_problem(decided_on, today, "決定日")
                     or _before(decided_on, received_on, "決定日は申込受付日より前にできません。"))


def _before(day: object, earliest: dt.date, message: str) -> str | None:
    """``message`` when ``day`` (a date already checked) is before ``earliest``."""
    return message if is_date(day) and is_date(earliest) and day < earliest else None  # type: ignore[operator]


# -- the contract an acceptance forms ------------------------------------------------------------
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


@dataclass(frozen=True)
class ContractDates:
    """The dates an acceptance on a given day gives the contract."""

    formed_on: dt.date
    first_billable_month: dt.date | None   # None: SH §28.2, 開通日 not known yet
    uses_registration_date: bool           # SC §7: a 登録日 can be entered
    uses_opening_date: bool                # SH §17, §28.2: the 開通日 decides the first month


def contract_dates(profile: TermsProfile, decided_on: dt.date, registered_on: dt.date | None = None,
                   opened_on: dt.date | None = None) -> ContractDates:
    """Formation date (SC §7 / SH §15.1) and first billable month (SC §9.2 / SH §28.2) of a
    contract accepted on ``decided_on``. An 開通日 before the formation date does not count
    (:func:`approval_problems` refuses it); without a usable 開通日 an SH contract has no first
    billable month yet ("開通日が決まり次第")."""
    uses_registration = profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE
    uses_opening = profile.billing.first_billable_month is FirstBillableMonth.OPENING_MONTH
    formed_on = contract_formed_on(profile, decided_on, registered_on if uses_registration else None)
    opening = opened_on if opened_on is not None and opened_on >= formed_on else None
    first_month = None if uses_opening and opening is None else first_billable_month(profile, formed_on, opening)
    return ContractDates(formed_on, first_month, uses_registration, uses_opening)


def approval_problems(profile: TermsProfile, *, received_on: dt.date, decided_on: object,
                      registered_on: object, opened_on: object, today: dt.date) -> dict[str, str]:
    """Field -> message for the dates of a 承諾: the decision between receipt and today; under
    SC §7 a 登録日 within :func:`registration_date_problem`'s window and not after today; an
    開通日 on or after the formation date and not after today. Each is first a date of the
    recorded window (domain.bounds.recorded_date_problem)."""
    errors = decision_date_problems(received_on=received_on, decided_on=decided_on, today=today)
    errors.update(_problems(
        registered_on=None if registered_on is None else recorded_date_problem(registered_on, today, "登録日"),
        opened_on=None if opened_on is None else recorded_date_problem(opened_on, today, "開通日")))
    if not is_date(decided_on) or not all(day is None or is_date(day) for day in (registered_on, opened_on)):
        return errors
    assert isinstance(decided_on, dt.date)
    assert registered_on is None or isinstance(registered_on, dt.date)
    assert opened_on is None or isinstance(opened_on, dt.date)
    uses_registration = profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE
    formed_on = contract_formed_on(profile, decided_on, registered_on if uses_registration else None)
    if uses_registration and "registered_on" not in errors:
        problem = recorded_date_problem(formed_on, today, "登録日")
        if not problem and "decided_on" not in errors:  # a decision in the window: its 14 days can be counted
            problem = registration_date_problem(received_on, decided_on, formed_on)
        if problem:
            errors["registered_on"] = problem
    if opened_on is not None and "opened_on" not in errors and opened_on < formed_on:
        errors["opened_on"] = "開通日は契約成立日より前にできません。"
    return errors


def formation_label(profile: TermsProfile) -> str:
    if profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE:
        return f"登録日（契約成立日、{profile.intake.clause}）"
    return f"契約成立日（承諾通知日、{profile.intake.clause}）"


def first_billable_note(profile: TermsProfile) -> str:
    """How the first billable month is decided, as printed on the acceptance notice."""
    if profile.billing.first_billable_month is FirstBillableMonth.MONTH_AFTER_REGISTRATION:
        text = "利用料金は登録日の翌月1日から発生します"
    else:
        text = "利用料金は開通日（電話番号が開通した日）の属する月から発生します"
    if not profile.billing.proration:
        text += "（日割り計算はありません）"
    if profile.billing.initial_fee_billed_with_first_month:
        text += "。初期費用は最初の月の利用料金と合わせてご請求します"
    return f"{text}（{profile.billing.clause}）。"


# -- withdrawal ----------------------------------------------------------------------------------
def withdrawal_status(profile: TermsProfile) -> ApplicationStatus | None:
    """What the applicant's request to withdraw does: under SC (nothing forbids it) the
    application becomes 取下げ; under SH §15.2 the applicant cannot withdraw (None: the request
    is only recorded, screening goes on)."""
    return ApplicationStatus.WITHDRAWN if profile.intake.customer_may_withdraw_application else None


def withdrawal_problems(*, received_on: dt.date, on: object, today: dt.date) -> dict[str, str]:
    return _problems(on=recorded_date_problem(on, today, "取下げの申し出日")
                     or _before(on, received_on, "申し出日は申込受付日より前にできません。"))


# -- the postal identity check (SH §14.2(7)) -----------------------------------------------------
@dataclass(frozen=True)
class IdentityLetter:
    """Where the identity letter sent by post stands."""

    result: IdentityLetterResult = IdentityLetterResult.NOT_SENT
    sent_on: dt.date | None = None
    result_on: dt.date | None = None

    def __post_init__(self) -> None:
        coerce_fields(self, result=IdentityLetterResult)


@dataclass(frozen=True)
class LetterChange:
    """What recording a step of the identity letter does."""

    letter: IdentityLetter
    status: ApplicationStatus                 # the application afterwards (REVOKED on a revocation)
    contract_status: ContractStatus | None    # REVOKED when the acceptance is revoked, else None


def revokes_acceptance(status: ApplicationStatus, new: IdentityLetterResult) -> bool:
    """SH §14.2(7): an identity letter that does not reach the applicant after 承諾 revokes the
    acceptance after the fact — the contract is 取消 and a 契約取消通知書 is issued."""
    return new is IdentityLetterResult.FAILED and status is ApplicationStatus.APPROVED


def letter_step_problem(status: ApplicationStatus, letter: IdentityLetter, new: IdentityLetterResult) -> str | None:
    """Why this step cannot be recorded now, whatever its date (None: it can).

    The order is 未発送 → 発送 → 到達 (本人確認済) or 不達 (本人確認不可). A confirmed identity is
    final: it can no longer be turned into 不達, which would revoke a live contract. Before
    the decision a letter that did not arrive may be sent again (to a corrected address);
    after 承諾 a failure revokes the acceptance, which is final too. Nothing is recorded on a
    refused, withdrawn or revoked application."""
    if status in (ApplicationStatus.REFUSED, ApplicationStatus.WITHDRAWN, ApplicationStatus.REVOKED):
        return f"申込は「{status.label}」のため、本人確認郵便は記録できません。"
    if letter.result is IdentityLetterResult.CONFIRMED:
        return f"本人確認は{_day(letter.result_on)}に確認済みです。確認済みの結果は変更できません。"
    if new is IdentityLetterResult.NOT_SENT:
        return "「未発送」には戻せません。"
    if new is IdentityLetterResult.SENT:
        if letter.result is IdentityLetterResult.SENT:
            return f"本人確認郵便は{_day(letter.sent_on)}に発送済みです。結果（到達・不達）を記録してください。"
        return None
    if letter.result is not IdentityLetterResult.SENT:
        return "先に本人確認郵便の発送を記録してください。"
    return None


def identity_letter_problems(status: ApplicationStatus, letter: IdentityLetter, new: IdentityLetterResult,
                             on: object, *, received_on: dt.date, today: dt.date) -> dict[str, str]:
    """Field -> message for recording ``new`` on ``on``: the step must be allowed
    (:func:`letter_step_problem`); a letter is sent on or after the application was received,
    a result comes on or after the day it was sent, and neither after today."""
    step = letter_step_problem(status, letter, new)
    if step:
        return {"identity_letter_status": step}
    if new is IdentityLetterResult.SENT:
        return _problems(identity_letter_sent_on=recorded_date_problem(on, today, "発送日")
                         or _before(on, received_on, "発送日は申込受付日より前にできません。"))
    sent_on = letter.sent_on or received_on
    return _problems(identity_letter_result_on=recorded_date_problem(on, today, "結果の日付")
                     or _before(on, sent_on, "結果の日付が発送日より前です。"))


def postal_identity_evidence(letter: IdentityLetter) -> list[str] | None:
    """What the postal identity check says on the checklist (SH §14.2(7)): a letter that did not
    reach the applicant is the record that makes its line 該当; one that arrived, nothing found;
    while it is out (or not sent) nothing can be said yet (None)."""
    if letter.result is IdentityLetterResult.FAILED:
        return [f"本人確認郵便が届かず本人確認できませんでした（{letter.result_on}）"]
    if letter.result is IdentityLetterResult.CONFIRMED:
        return []
    return None


def identity_letter_change(status: ApplicationStatus, letter: IdentityLetter, new: IdentityLetterResult,
                           on: dt.date) -> LetterChange:
    """The letter, application and contract after recording ``new`` on ``on`` (call only when
    :func:`identity_letter_problems` found none). A failure after 承諾 revokes the acceptance
    (SH §14.2(7)); a failure before the decision only answers the checklist line (該当)."""
    if new is IdentityLetterResult.SENT:
        changed = IdentityLetter(new, on, None)
    else:
        changed = IdentityLetter(new, letter.sent_on, on)
    if revokes_acceptance(status, new):
        return LetterChange(changed, ApplicationStatus.REVOKED, ContractStatus.REVOKED)
    return LetterChange(changed, status, None)


def _day(day: dt.date | None) -> str:
    return japanese_date(day) if day else "既"


# -- customer records that screening reads --------------------------------------------------------
def validate_incident(kind: object, occurred_on: object, amount: object, resolved_on: object, *,
                      today: dt.date, note: object = "") -> dict[str, str]:
    """A record of 資格取消, 強制解約, 規約違反 or 未払い on a customer: a known kind, an amount of
    whole yen from 0 to domain.bounds.MAX_INCIDENT_AMOUNT, dates that happened (occurred in
    the recorded window, resolved on or after it occurred and not after today) and a note
    within NOTE_MAX_LENGTH."""
    errors = {}
    if not isinstance(as_member(IncidentKind, kind), IncidentKind):
        errors["kind"] = "記録の種類を選んでください。"
    problem = yen_problem(amount, "金額", MAX_INCIDENT_AMOUNT)
    if problem:
        errors["amount"] = problem
    problem = recorded_date_problem(occurred_on, today, "発生日")
    if problem:
        errors["occurred_on"] = problem
    if resolved_on is not None:
        problem = recorded_date_problem(resolved_on, today, "解消日")
        if not problem and is_date(occurred_on):
            problem = _before(resolved_on, occurred_on, "解消日が発生日より前です。")  # type: ignore[arg-type]
        if problem:
            errors["resolved_on"] = problem
    problem = note_problem(note, "メモ")
    if problem:
        errors["note"] = problem
    return errors


def days_waiting(received_on: dt.date, today: dt.date) -> int:
    return max(0, (today - received_on).days)

"""Each demo contract's history as a story: what happened to it, on which day, told as the list of
its timeline's steps and walked through the state machine (``domain.contract.transition``), so
that a story the state machine refuses fails the demo itself (and its test).

Pure: no database. Every date comes from the rules engine (``domain.rules``: first billable
month, cancellation date and cutoff, last billable month, minimum term, succession deadline) and
the profile's fields; the demo only chooses *when* a customer asks for something, never what
follows from it. ``tales`` writes the periods, numbers, suspensions and endings of a story.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from dateutil.relativedelta import relativedelta

from reseller_desk.domain import rules
from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.contract import ContractAction, ContractStatus, transition
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.lifecycle import service_data_deletion_due
from reseller_desk.domain.terms import ContractFormation, FirstBillableMonth, ScreeningCheck, TermsProfile
from reseller_desk.domain.terms_lifecycle import SuspensionReason, TerminationGround

__all__ = ["Fate", "NumberSpan", "OptionInfo", "PlanInfo", "Step", "Story", "SuspensionSpan", "Ending",
           "SuccessionStory", "initial_status", "suspension_reason", "termination_ground", "walk"]

_A, _K, _S = ContractAction, ContractEventKind, ContractStatus
T = TypeVar("T")


@dataclass(frozen=True)
class PlanInfo:
    """A plan of 設定 as the stories need it."""

    id: int
    code: str
    name: str
    profile_key: str
    monthly_fee: int
    minimum_term_months: int
    early_termination_fee: int
    requires_face_to_face: bool = False


@dataclass(frozen=True)
class OptionInfo:
    id: int
    code: str
    profile_key: str


@dataclass
class Step:
    """One line of the timeline. ``action`` moves the status (``walk`` fills from/to)."""

    kind: ContractEventKind
    on: dt.date
    action: ContractAction | None = None
    reason: str = ""
    by_manager: bool = False
    from_status: ContractStatus | None = None
    to_status: ContractStatus | None = None


@dataclass
class NumberSpan:
    """A phone number held from ``assigned_on`` to ``released_on`` (None: still held)."""

    assigned_on: dt.date
    released_on: dt.date | None = None


@dataclass
class SuspensionSpan:
    reason_code: str
    reason_text: str
    clause: str
    state: str                      # scheduled, active, ended
    starts_on: dt.date
    noticed_on: dt.date | None = None
    started_on: dt.date | None = None
    resumed_on: dt.date | None = None
    period_text: str = ""


@dataclass
class Ending:
    kind: str                       # cancellation, termination, death
    requested_on: dt.date
    effective_on: dt.date
    last_billable_month: dt.date
    desired_month: dt.date | None = None
    grounds_code: str = ""
    grounds_text: str = ""
    note: str = ""
    early_termination_fee: int = 0
    accelerated: bool = False
    taken_effect: bool = False
    service_data_deletion_due: dt.date | None = None


@dataclass
class SuccessionStory:
    kind: str
    succeeded_on: dt.date
    reported_on: dt.date
    successor_name: str
    proof_deadline: dt.date


@dataclass
class Story:
    """One contract: its dates, its steps (oldest first), what it consisted of from which month
    (``plans``: (from_month, until_month, plan, lines); ``options``: (from, until, option,
    quantity)), its numbers, suspensions, ending, succession, and the status ``walk`` gave."""

    profile: TermsProfile
    customer: int
    fate: str
    formed_on: dt.date
    payment: PaymentMethod
    registered_on: dt.date | None = None
    opened_on: dt.date | None = None
    first_billable_month: dt.date | None = None
    steps: list[Step] = field(default_factory=list)
    plans: list[tuple[dt.date, dt.date | None, PlanInfo, int]] = field(default_factory=list)
    options: list[tuple[dt.date, dt.date | None, OptionInfo, int]] = field(default_factory=list)
    agreement: tuple[int, str, dt.date] | None = None     # (monthly fee per line, 見積書 number, from)
    numbers: list[NumberSpan] = field(default_factory=list)
    suspensions: list[SuspensionSpan] = field(default_factory=list)
    ending: Ending | None = None
    succession: SuccessionStory | None = None
    revoked_on: dt.date | None = None
    status: ContractStatus = ContractStatus.ACTIVE

    @property
    def last_billable_month(self) -> dt.date | None:
        return self.ending.last_billable_month if self.ending else None

    @property
    def ends_on(self) -> dt.date | None:
        return self.ending.effective_on if self.ending else None

    @property
    def accelerated_on(self) -> dt.date | None:
        return self.ending.effective_on if self.ending and self.ending.accelerated else None

    @property
    def service_data_deletion_due(self) -> dt.date | None:
        return self.ending.service_data_deletion_due if self.ending else None

    @property
    def plan(self) -> PlanInfo:
        """The plan it has at the end of its story."""
        return self.plans[-1][2]


def initial_status(profile: TermsProfile) -> ContractStatus:
    """開通待ち where billing waits for the line to be opened (SH §17, §28.2), else 利用中 from
    the 登録日 (SC §7): what approval gives (services.applications.decisions)."""
    waits = profile.billing.first_billable_month is FirstBillableMonth.OPENING_MONTH
    return ContractStatus.AWAITING_OPENING if waits else ContractStatus.ACTIVE


def walk(start: ContractStatus, steps: list[Step]) -> ContractStatus:
    """Walk the steps through ``transition`` (TransitionRefused for a move it does not allow),
    filling each step's from/to; the status at the end."""
    status = start
    for step in steps:
        if step.action is None:
            continue
        step.from_status, status = status, transition(status, step.action)
        step.to_status = status
    return status


def needs_opening(profile: TermsProfile) -> bool:
    return initial_status(profile) is ContractStatus.AWAITING_OPENING


def has_postal_identity_check(profile: TermsProfile) -> bool:
    return profile.intake.postal_identity_check


def identity_clause(profile: TermsProfile) -> str:
    """The screening ground the postal identity check answers (SH §14.2(7))."""
    return next((g.clause for g in profile.screening.grounds if ScreeningCheck.POSTAL_IDENTITY in g.checks),
                profile.screening.clause)


def registers(profile: TermsProfile) -> bool:
    """Formed on the 登録日 (SC §7) rather than on the acceptance notice (SH §15.1)."""
    return profile.intake.contract_formed is ContractFormation.REGISTRATION_DATE


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from ``first``'s to ``last``'s, both included."""
    months, month = [], first_of_month(first)
    while month <= last:
        months.append(month)
        month = month + relativedelta(months=1)
    return months


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


#: What can happen to a demo contract. ``showcase`` fates come first under each profile (so a
#: small demo has every status and every row of 本日の業務); the rest are drawn by weight.
@dataclass(frozen=True)
class Fate:
    name: str
    weight: float


FATES = (
    Fate("active", 62), Fate("changed", 8), Fate("resumed", 4), Fate("awaiting", 3), Fate("suspended", 3),
    Fate("suspension_scheduled", 1), Fate("cancellation_scheduled", 4), Fate("cancelled", 12),
    Fate("terminated", 1.5), Fate("ended", 0.7), Fate("revoked", 0.8), Fate("succession", 1), Fate("agreement", 1.5),
)
SHOWCASE = ("changed", "awaiting", "suspended_today", "suspended", "suspension_due_today", "suspension_overdue",
            "suspension_scheduled", "cancellation_this_month", "cancellation_scheduled", "cancelled", "terminated",
            "ended", "revoked", "succession_near", "succession_past", "succession", "resumed", "agreement",
            "cancelled_early")


def reachable(fate: str, profile: TermsProfile, individual: bool) -> bool:
    """Whether the profile and the customer allow the fate: 開通待ち only where billing waits for
    the opening; 取消 only where the identity is checked by post after acceptance (SH
    §14.2(7)); a succession only under terms that have one (SH §20.1), for a company (合併,
    会社分割, 事業譲渡); the end by death for an individual."""
    if fate == "awaiting":
        return needs_opening(profile)
    if fate == "revoked":
        return has_postal_identity_check(profile)
    if fate.startswith("succession_") or fate == "succession":
        return profile.succession is not None and not individual
    if fate == "ended":
        return individual
    if fate == "suspension_overdue":   # a notice whose date has come: only where one is given (SH §23.2)
        return profile.suspension.notice_required
    return True


# -- the grounds the demo chooses among the profile's ------------------------------------------
#: How often a demo suspension is for each reason code of the terms' [suspension] (mostly
#: non-payment; a code the profile lacks is left out; a profile with none of them draws evenly).
SUSPENSION_WEIGHTS = {"unpaid": 80, "underpaid": 8, "payment_dispute": 4, "deposit_unpaid": 2, "violation": 4,
                      "prohibited_act": 2}
#: The non-payment a terminated demo contract was first suspended for (SC §24.1(8), SH §23.1(1)).
UNPAID_SUSPENSION = {"unpaid": 1}
#: The ground a terminated demo contract ends on: charges still unpaid after the suspension. SC
#: names it "unpaid" (SC §24.1(8)); SH numbers its grounds, §27.1(8) is "8".
UNPAID_TERMINATION = {"unpaid": 1, "8": 1}


def _weighted(rng: random.Random, items: tuple[T, ...], code_of: Callable[[T], str],
                 weights: Mapping[str, float]) -> T:
    if not items:
        raise ValueError("the profile lists no grounds")
    chosen = [weights.get(code_of(item), 0) for item in items]
    return rng.choices(items, weights=chosen if any(chosen) else None)[0]


def suspension_reason(profile: TermsProfile, rng: random.Random,
                      weights: Mapping[str, float] = SUSPENSION_WEIGHTS) -> SuspensionReason:
    """One of the profile's suspension reasons (SC §24.1, SH §23.1), drawn by ``weights``."""
    return _weighted(rng, profile.suspension.reasons, lambda r: r.code, weights)


def termination_ground(profile: TermsProfile, rng: random.Random,
                       weights: Mapping[str, float] = UNPAID_TERMINATION) -> TerminationGround:
    """One of the profile's termination grounds (SC §24.1, SH §27.1, §36.2), drawn by ``weights``."""
    return _weighted(rng, profile.termination.grounds, lambda g: g.code, weights)


@dataclass
class Office:
    """What the stories read: the office's plans and options by profile, its calendar, today."""

    profiles: dict[str, TermsProfile]
    plans: dict[str, list[PlanInfo]]
    options: dict[str, list[OptionInfo]]
    calendar: BusinessCalendar
    today: dt.date


def _reason_of_cancellation(profile: TermsProfile, requested_on: dt.date, effective_on: dt.date,
                            last_billable: dt.date) -> str:
    return (f"お客様からの解約申込（受付 {japanese_date(requested_on)}、{profile.cancellation.clause}）。"
            f"解約日 {japanese_date(effective_on)}、最終課金月 {last_billable.year}年{last_billable.month}月")


def cancel(story: Story, office: Office, rng: random.Random, requested_on: dt.date,
           desired_month: dt.date | None) -> None:
    """The customer's cancellation received on ``requested_on`` for ``desired_month``: a month
    that is too early is replaced by the earliest possible one, as the clerk's form offers (SC
    §23); the effective date and the last billable month from the rules (SC §23, SH §26.1);
    the day the service data is deleted where the terms delete it (SC §23)."""
    profile, calendar = story.profile, office.calendar
    if desired_month is not None and rules.cancellation_month_problem(profile, calendar, requested_on, desired_month):
        desired_month = rules.earliest_cancellation_month(profile, calendar, requested_on)
    effective = rules.cancellation_date(profile, calendar, requested_on, desired_month)
    last_billable = rules.last_billable_month(effective)
    story.ending = Ending("cancellation", requested_on, effective, last_billable, desired_month=desired_month,
                          taken_effect=effective < office.today,
                          service_data_deletion_due=service_data_deletion_due(profile, effective))
    story.steps.append(Step(_K.CANCELLATION_ACCEPTED, requested_on, _A.ACCEPT_CANCELLATION,
                            _reason_of_cancellation(profile, requested_on, effective, last_billable)))
    if effective < office.today:
        story.steps.append(Step(_K.CANCELLED, effective, _A.CANCELLATION_TAKES_EFFECT,
                                f"解約日の到来（{profile.cancellation.clause}）"))
    early_termination(story)


def early_termination(story: Story) -> None:
    """The 契約解除料 of a contract that ends inside its plan's minimum term (SH §18), once per
    contract (docs/decisions.md, issue 9)."""
    ending, plan = story.ending, story.plan
    if ending is None or story.first_billable_month is None or plan.early_termination_fee <= 0:
        return
    if rules.ends_within_minimum_term(plan.minimum_term_months, story.first_billable_month,
                                      ending.last_billable_month):
        ending.early_termination_fee = plan.early_termination_fee

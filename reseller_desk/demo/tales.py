"""The demo office's contracts, told one by one (demo.stories holds the values and the walk).

Each customer gets a contract (about 87 %), some a second one (under the same or the other
profile), with a fate drawn by weight (most stay 利用中) after a showcase that gives each profile
every status its terms allow and every row of 本日の業務 (a suspension starting today, a notice
whose date has come, cancellations taking effect this month, successions near and past their
deadline). Dates are relative to ``today``; what follows from them is the rules engine's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

from dateutil.relativedelta import relativedelta

from reseller_desk.demo.people import COMPANY_FORMS, COMPANY_TRADES, COMPANY_WORDS
from reseller_desk.demo.stories import (
    FATES,
    SHOWCASE,
    SUSPENSION_WEIGHTS,
    UNPAID_SUSPENSION,
    Ending,
    NumberSpan,
    Office,
    Step,
    Story,
    SuccessionStory,
    SuspensionSpan,
    cancel,
    day_between,
    early_termination,
    identity_clause,
    initial_status,
    months_between,
    needs_opening,
    reachable,
    registers,
    suspension_reason,
    termination_ground,
    walk,
)
from reseller_desk.domain import rules
from reseller_desk.domain.calendar import japanese_date
from reseller_desk.domain.contract import ContractAction
from reseller_desk.domain.contract_history import ContractEventKind, first_of_month, month_before
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.lifecycle import suspension_period_text
from reseller_desk.domain.terms import TermsProfile

_A, _K = ContractAction, ContractEventKind
DAY = dt.timedelta(days=1)
#: The share of SimpleConnect among the contracts (the rest 即日発番.com).
SC_SHARE = 0.55
NO_CONTRACT, SECOND_CONTRACT = 0.13, 0.07
SUCCESSION_KINDS = ("合併", "会社分割", "事業譲渡")


def office_stories(office: Office, rng: random.Random, individuals: Sequence[bool]) -> list[Story]:
    """The stories of every contract of the customers (``individuals[i]``: customer i is a 個人)."""
    keys = sorted(office.profiles)
    first_key = "simpleconnect" if "simpleconnect" in office.profiles else keys[0]
    showcase = {key: list(SHOWCASE) for key in keys}
    stories: list[Story] = []
    for index, individual in enumerate(individuals):
        draw = rng.random()
        if draw < NO_CONTRACT:
            continue
        count = 2 if draw > 1 - SECOND_CONTRACT else 1
        for _ in range(count):
            key = first_key if rng.random() < SC_SHARE else rng.choice([k for k in keys if k != first_key] or keys)
            profile = office.profiles[key]
            fate = _fate(rng, showcase[key], profile, individual and count == 1)
            stories.append(tell(office, rng, index, profile, fate))
    return stories


def _fate(rng: random.Random, showcase: list[str], profile: TermsProfile, may_die: bool) -> str:
    for fate in showcase:
        if reachable(fate, profile, may_die) and (fate != "ended" or may_die):
            showcase.remove(fate)
            return fate
    fate = rng.choices([f.name for f in FATES], weights=[f.weight for f in FATES])[0]
    if not reachable(fate, profile, may_die) or (fate == "ended" and not may_die):
        return "active"
    return fate


#: How long ago a contract of each fate was formed at the latest (days), so that its story fits.
_LIFE_BEFORE_TODAY = {"awaiting": 0, "revoked": 25, "changed": 150, "agreement": 60, "cancelled": 160,
                      "cancelled_early": 90, "terminated": 150, "ended": 90, "resumed": 90,
                      "succession": 100, "succession_near": 100, "succession_past": 100}


def tell(office: Office, rng: random.Random, customer: int, profile: TermsProfile, fate: str) -> Story:
    """One contract's story, walked through the state machine (TransitionRefused if it is not
    a story the contract can have)."""
    today = office.today
    start = max(today - dt.timedelta(days=730), profile.effective_from)
    latest = today - dt.timedelta(days=_LIFE_BEFORE_TODAY.get(fate, 45))
    formed = today - dt.timedelta(days=rng.randint(0, 20)) if fate == "awaiting" else day_between(rng, start, latest)
    payment = PaymentMethod.DEBIT if rng.random() < 0.6 else PaymentMethod.TRANSFER
    story = Story(profile, customer, fate, max(formed, start), payment)
    _form(story, office, rng, opens=fate != "awaiting" and not (fate == "revoked" and rng.random() < 0.6))
    _FATES.get(fate, _active)(story, office, rng)
    story.steps.sort(key=lambda step: step.on)  # stable: same-day steps keep their order
    story.status = walk(initial_status(profile), story.steps)
    _close(story)
    return story


def _form(story: Story, office: Office, rng: random.Random, *, opens: bool) -> None:
    """Formation (SC §7 登録日, SH §15.1 acceptance), the opening (SH §17) where billing waits
    for it, the first periods (from the month of formation), options and numbers."""
    profile, formed = story.profile, story.formed_on
    plans = [p for p in office.plans[profile.key] if not p.requires_face_to_face or rng.random() < 0.1]
    plan = rng.choice(plans)
    if story.fate == "cancelled_early":
        plan = max(plans, key=lambda p: p.minimum_term_months)
    lines = rng.choices((1, 2, 3, 4, 5, 8), weights=(50, 20, 12, 8, 6, 4))[0]
    story.registered_on = formed if registers(profile) else None
    if needs_opening(profile) and opens:
        story.opened_on = min(formed + dt.timedelta(days=rng.randint(0, 7)), office.today)
    if not needs_opening(profile) or story.opened_on:
        story.first_billable_month = rules.first_billable_month(profile, formed, story.opened_on)
    how = "登録日" if registers(profile) else "承諾の通知"
    story.steps.append(Step(_K.FORMED, formed, reason=f"契約成立（{how}、{profile.intake.clause}）"))
    if story.opened_on:
        month = story.first_billable_month
        story.steps.append(Step(_K.OPENED, story.opened_on, _A.OPEN,
                                f"開通（{profile.billing.clause}: 課金開始 {month.year}年{month.month}月）"
                                if month else "開通"))
    story.plans.append((first_of_month(formed), None, plan, lines))
    options = office.options[profile.key]
    for option in rng.sample(options, k=min(len(options), rng.choices((0, 1, 2), weights=(55, 35, 10))[0])):
        quantity = rng.randint(1, 3) if option.code.endswith("NUM") else 1
        story.options.append((first_of_month(formed), None, option, quantity))
    story.numbers = [NumberSpan(story.opened_on or formed) for _ in range(lines)]


# -- changes from a month ------------------------------------------------------------------------
def _changes(story: Story, office: Office, rng: random.Random, until: dt.date, count: int) -> None:
    """``count`` changes (プラン変更, 回線数変更, オプション追加・終了) from months after the
    month of formation up to ``until``'s month, each closing the running period at the month
    before and opening one from its month."""
    months = months_between(first_of_month(story.formed_on) + relativedelta(months=1), until)
    if not months:
        return
    for month in sorted(rng.sample(months, k=min(count, len(months)))):
        what = rng.choice(("plan", "lines", "lines", "option_added", "option_ended"))
        if what == "plan":
            _change_plan(story, office, rng, month)
        elif what == "lines":
            _change_lines(story, rng, month)
        elif what == "option_added":
            _add_option(story, office, rng, month)
        else:
            _end_option(story, rng, month)


def _next_plan_period(story: Story, month: dt.date, plan, lines: int) -> bool:
    since, _until, _plan, _lines = story.plans[-1]
    if month <= since:
        return False
    story.plans[-1] = (since, month_before(month), _plan, _lines)
    story.plans.append((month, None, plan, lines))
    return True


def _change_plan(story: Story, office: Office, rng: random.Random, month: dt.date) -> None:
    current, lines = story.plans[-1][2], story.plans[-1][3]
    others = [p for p in office.plans[story.profile.key] if p.id != current.id and not p.requires_face_to_face]
    if story.agreement or not others:
        return
    plan = rng.choice(others)
    if _next_plan_period(story, month, plan, lines):
        story.steps.append(Step(_K.PLAN_CHANGED, month, reason=f"プラン変更: {current.name} → {plan.name}"))


def _change_lines(story: Story, rng: random.Random, month: dt.date) -> None:
    plan, lines = story.plans[-1][2], story.plans[-1][3]
    new = max(1, lines + rng.choice((-2, -1, 1, 1, 2, 3)))
    if new == lines or not _next_plan_period(story, month, plan, new):
        return
    held = [n for n in story.numbers if n.released_on is None]
    if new > lines:
        story.numbers += [NumberSpan(month) for _ in range(new - lines)]
    else:
        for number in held[new:]:
            number.released_on = month - DAY
    story.steps.append(Step(_K.LINES_CHANGED, month, reason=f"回線数変更: {lines}回線 → {new}回線"))


def _add_option(story: Story, office: Office, rng: random.Random, month: dt.date) -> None:
    held = {o.id for since, until, o, _q in story.options if until is None}
    candidates = [o for o in office.options[story.profile.key] if o.id not in held]
    if not candidates:
        return
    option = rng.choice(candidates)
    if any(o.id == option.id and since == month for since, _u, o, _q in story.options):
        return
    story.options.append((month, None, option, 1))
    story.steps.append(Step(_K.OPTION_ADDED, month, reason=f"オプション追加: {option.code}"))


def _end_option(story: Story, rng: random.Random, month: dt.date) -> None:
    running = [i for i, (since, until, _o, _q) in enumerate(story.options) if until is None and since < month]
    if not running:
        return
    i = rng.choice(running)
    since, _until, option, quantity = story.options[i]
    story.options[i] = (since, month_before(month), option, quantity)
    story.steps.append(Step(_K.OPTION_ENDED, month, reason=f"オプション終了: {option.code}（前月末まで）"))


# -- the fates -----------------------------------------------------------------------------------
def _active(story: Story, office: Office, rng: random.Random) -> None:
    if rng.random() < 0.1:
        _changes(story, office, rng, office.today, 1)


def _changed(story: Story, office: Office, rng: random.Random) -> None:
    _changes(story, office, rng, office.today, rng.randint(2, 4))


def _agreement(story: Story, office: Office, rng: random.Random) -> None:
    """A 特約 (SC §1.3): the plan's monthly fee per line replaced from the first billable month,
    from a 見積書 number."""
    plan = story.plans[-1][2]
    if story.first_billable_month is None:
        return
    fee = plan.monthly_fee * rng.choice((70, 80, 85, 90)) // 1000 * 10
    number = f"Q-{story.formed_on.year}-{rng.randint(1, 999):03d}"
    story.agreement = (fee, number, story.first_billable_month)
    story.steps.append(Step(_K.AGREEMENT_ADDED, story.formed_on,
                            reason=f"特約: プラン月額 {fee:,}円/回線（見積書 {number}）"))


def _suspend(story: Story, office: Office, rng: random.Random, starts_on: dt.date, *, state: str,
             resumed_on: dt.date | None = None, weights: Mapping[str, float] = SUSPENSION_WEIGHTS) -> None:
    """A suspension by the company on one of the profile's reasons: notified beforehand where the
    terms require it (SH §23.2; SC §24.1 needs none), started, and resumed once paid (a reason
    that lasts until paid, SH §23.1(1)) or once put right."""
    terms = story.profile.suspension
    reason = suspension_reason(story.profile, rng, weights)
    period = suspension_period_text(None, "" if reason.until_paid else "是正が確認されるまで",
                                    until_paid=reason.until_paid)
    noticed = None
    if terms.notice_required:
        noticed = max(story.opened_on or story.formed_on, starts_on - dt.timedelta(days=rng.randint(7, 14)))
        noticed = min(noticed, office.today)
        story.steps.append(Step(_K.SUSPENSION_NOTICED, noticed, reason=(
            f"利用停止予告（{reason.clause} {reason.text}）: 実施日 {japanese_date(starts_on)}、期間 {period}")))
    started = starts_on if state != "scheduled" else None
    story.suspensions.append(SuspensionSpan(reason.code, reason.text, reason.clause, state, starts_on, noticed,
                                            started, resumed_on, period))
    if started:
        without = "" if terms.notice_required else "（事前の通知なし）"
        story.steps.append(Step(_K.SUSPENDED, started, _A.SUSPEND, f"利用停止{without}: {reason.clause} {reason.text}",
                                by_manager=True))
    if resumed_on:
        why = "入金を確認したため" if reason.until_paid else "是正を確認したため"
        story.steps.append(Step(_K.RESUMED, resumed_on, _A.RESUME, f"{why}利用再開"))


def _life(story: Story, gap: int = 30) -> dt.date:
    """The first day after formation (and opening) something may happen to the contract."""
    return (story.opened_on or story.formed_on) + dt.timedelta(days=gap)


def _resumed(story: Story, office: Office, rng: random.Random) -> None:
    starts = day_between(rng, _life(story), office.today - dt.timedelta(days=20))
    resumed = min(office.today - DAY, starts + dt.timedelta(days=rng.randint(3, 25)))
    _suspend(story, office, rng, starts, state="ended", resumed_on=resumed)


def _suspended(story: Story, office: Office, rng: random.Random) -> None:
    starts = day_between(rng, max(_life(story, 10), office.today - dt.timedelta(days=40)), office.today - DAY)
    _suspend(story, office, rng, starts, state="active")


def _suspended_today(story: Story, office: Office, rng: random.Random) -> None:
    _suspend(story, office, rng, office.today, state="active")


def _scheduled_suspension(days_from_today: tuple[int, int]):
    def scheduled(story: Story, office: Office, rng: random.Random) -> None:
        starts = office.today + dt.timedelta(days=rng.randint(*days_from_today))
        _suspend(story, office, rng, starts, state="scheduled")
    return scheduled


def _cancellation_this_month(story: Story, office: Office, rng: random.Random) -> None:
    """A request in time to end the contract this month (SC §23: by the cutoff, the end of the
    month before; SH §26.1: received today)."""
    profile, this_month = story.profile, first_of_month(office.today)
    latest = min(office.today, rules.cancellation_cutoff(profile, office.calendar, this_month))
    requested = max(_life(story, 20), latest - dt.timedelta(days=rng.randint(0, 10)))
    if rules.cancellation_date(profile, office.calendar, requested, this_month) < office.today:
        requested = latest
    cancel(story, office, rng, requested, this_month)


def _cancellation_scheduled(story: Story, office: Office, rng: random.Random) -> None:
    requested = max(_life(story, 20), office.today - dt.timedelta(days=rng.randint(0, 20)))
    desired = first_of_month(requested) + relativedelta(months=rng.randint(0, 2))
    if rules.cancellation_date(story.profile, office.calendar, requested, desired) < office.today:
        requested = office.today
    cancel(story, office, rng, requested, desired)


def _cancelled(story: Story, office: Office, rng: random.Random) -> None:
    """Most customers wait for the end of their plan's minimum term (SH §18) before they leave."""
    earliest, latest = _life(story, 40), office.today - dt.timedelta(days=100)
    first, term = story.first_billable_month, story.plan.minimum_term_months
    if first and term > 1 and rng.random() < 0.75:
        earliest = max(earliest, first + relativedelta(months=term))
    requested = day_between(rng, earliest if earliest <= latest else _life(story, 40), latest)
    if rng.random() < 0.3:
        _changes(story, office, rng, requested, 1)
    cancel(story, office, rng, requested, first_of_month(requested) + relativedelta(months=rng.randint(0, 2)))


def _cancelled_early(story: Story, office: Office, rng: random.Random) -> None:
    requested = day_between(rng, _life(story, 30), office.today - DAY)
    cancel(story, office, rng, requested, None)


def _terminated(story: Story, office: Office, rng: random.Random) -> None:
    """Unpaid, suspended, then terminated by the company on the profile's ground for it (SC
    §24.1(8), SH §27.1(8)); where the terms accelerate (SH §27.2) every amount owed falls due at
    once."""
    starts = day_between(rng, _life(story, 60), office.today - dt.timedelta(days=70))
    _suspend(story, office, rng, starts, state="ended", weights=UNPAID_SUSPENSION)
    on = min(office.today - DAY, starts + dt.timedelta(days=rng.randint(30, 60)))
    terms, ground = story.profile.termination, termination_ground(story.profile, rng)
    story.ending = Ending("termination", on, on, rules.last_billable_month(on), grounds_code=ground.code,
                          grounds_text=ground.text, note="督促に応じず、利用停止から相当期間が経過",
                          accelerated=terms.accelerates, taken_effect=True)
    due = (f"。期限の利益の喪失により、すべての債務の支払期限が到来（{terms.acceleration_clause}）"
           if terms.accelerates else "")
    story.steps.append(Step(_K.TERMINATED, on, _A.TERMINATE, f"契約解除（{ground.clause} {ground.text}）{due}",
                            by_manager=True))
    early_termination(story)


def _ended(story: Story, office: Office, rng: random.Random) -> None:
    died = day_between(rng, _life(story, 60), office.today - dt.timedelta(days=3))
    told = min(office.today, died + dt.timedelta(days=rng.randint(1, 14)))
    story.ending = Ending("death", told, died, rules.last_billable_month(died),
                          note="ご家族からの連絡（死亡の事実を確認）", taken_effect=True)
    story.steps.append(Step(_K.ENDED_BY_DEATH, died, _A.DEATH, "契約者の死亡による契約の終了"))


def _revoked(story: Story, office: Office, rng: random.Random) -> None:
    on = min(office.today, story.formed_on + dt.timedelta(days=rng.randint(8, 20)))
    story.revoked_on = on
    story.steps.append(Step(_K.REVOKED, on, _A.REVOKE,
                            f"郵送による本人確認ができなかったため承諾を取消（{identity_clause(story.profile)}）"))


def _succession(days_before_deadline: tuple[int, int] | None, days_ago: tuple[int, int] = (1, 15)):
    """A succession reported and waiting for its proof: ``days_before_deadline`` (from, to) picks
    a succession date whose deadline (SH §20.1) falls that many days from today (negative: past)."""
    def succession(story: Story, office: Office, rng: random.Random) -> None:
        profile, today = story.profile, office.today
        assert profile.succession is not None
        candidates = [today - dt.timedelta(days=d) for d in range(days_ago[0], 70)]
        if days_before_deadline is not None:
            low, high = days_before_deadline
            within = [s for s in candidates if low <= (rules.succession_deadline(
                profile, office.calendar, s) - today).days <= high]
            # a long closure can leave no deadline in the window: the nearest one then
            fallback = candidates[:1] if high >= 0 else candidates[-1:]
            candidates = within or fallback
        else:
            candidates = candidates[: days_ago[1] - days_ago[0] + 1]
        succeeded = rng.choice(candidates)
        deadline = rules.succession_deadline(profile, office.calendar, succeeded)
        kind = rng.choice(SUCCESSION_KINDS)
        word, trade, form = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_TRADES), rng.choice(COMPANY_FORMS)
        name = form[0] + word[0] + trade[0] if form[2] else word[0] + trade[0] + form[0]
        reported = min(today, succeeded + dt.timedelta(days=rng.randint(1, 5)))
        story.succession = SuccessionStory(kind, succeeded, reported, name, deadline)
        story.steps.append(Step(_K.SUCCESSION_REPORTED, succeeded, reason=(
            f"{kind}による地位の承継（承継者 {name}）。証明書類の提出期限 {japanese_date(deadline)}"
            f"（{profile.succession.clause}）")))
    return succession


_FATES = {
    "active": _active, "changed": _changed, "agreement": _agreement, "awaiting": lambda s, o, r: None,
    "resumed": _resumed, "suspended": _suspended, "suspended_today": _suspended_today,
    "suspension_due_today": _scheduled_suspension((0, 0)), "suspension_overdue": _scheduled_suspension((-3, -1)),
    "suspension_scheduled": _scheduled_suspension((3, 10)),
    "cancellation_this_month": _cancellation_this_month, "cancellation_scheduled": _cancellation_scheduled,
    "cancelled": _cancelled, "cancelled_early": _cancelled_early, "terminated": _terminated, "ended": _ended,
    "revoked": _revoked, "succession": _succession(None), "succession_near": _succession((0, 5), (20, 35)),
    "succession_past": _succession((-30, -1), (31, 70)),
}


def _close(story: Story) -> None:
    """Options end with the base contract (SH §6.2–3): every running period ends with the last
    billable month (a revoked contract, with the month of revocation); a contract that has
    ended releases its numbers."""
    end = story.last_billable_month or (first_of_month(story.revoked_on) if story.revoked_on else None)
    if end is None:
        return
    story.plans = [(since, until or end, plan, lines) for since, until, plan, lines in story.plans]
    story.options = [(since, until or end, option, q) for since, until, option, q in story.options]
    gone = story.revoked_on or (story.ending.effective_on if story.ending and story.ending.taken_effect else None)
    if gone:
        for number in story.numbers:
            if number.released_on is None:
                number.released_on = gone

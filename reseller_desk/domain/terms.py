"""Terms profiles: the differences between the terms of service, as data.

One TOML file per profile under ``resources/terms/`` (``simpleconnect.toml``,
``sokujitsu.toml``). Every difference between the two terms of service is a field of the
profile; the rules in :mod:`reseller_desk.domain.rules` read the fields and never the provider's
name. A section that a profile does not have (e.g. ``[outage]`` in SimpleConnect) is ``None``
here, and the rule that needs it raises ``RuleNotApplicable``.

A malformed file raises :class:`ProfileError` (a ``ValueError``) whose message names the file
and the field, e.g. ``simpleconnect.toml: [tax].rounding: 'up' は 'ceiling' か 'floor' のはずです``.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from reseller_desk.domain.money import Rounding
from reseller_desk.domain.profile_table import ProfileError, Table
from reseller_desk.domain.terms_lifecycle import SuspensionRules, TerminationRules, read_suspension, read_termination
from reseller_desk.resources import resource_path

__all__ = [
    "BillingTerms",
    "CancellationCutoff",
    "CancellationEffective",
    "CancellationTerms",
    "ContractFormation",
    "DepositTerms",
    "FirstBillableMonth",
    "IntakeTerms",
    "InterestFirstDay",
    "InterestLastDay",
    "LateInterestTerms",
    "OutageTerms",
    "ProfileError",
    "RentalReturnTerms",
    "ReplacementTerms",
    "Roll",
    "Rounding",
    "ScheduleBasis",
    "ScheduleTerms",
    "ScreeningGround",
    "ScreeningTerms",
    "SuccessionTerms",
    "SupportTerms",
    "SuspensionRules",
    "TaxTerms",
    "TerminationRules",
    "TermsProfile",
    "available_profiles",
    "load_profile",
    "load_profile_file",
]

PROFILE_SUFFIX = ".toml"


# -- enumerations -------------------------------------------------------------------------


class Roll(StrEnum):
    """Where a date that falls on a non-business day moves."""

    NONE = "none"
    PREVIOUS_BUSINESS_DAY = "previous_business_day"  # 直前の営業日
    NEXT_BUSINESS_DAY = "next_business_day"  # 直後の営業日


class ContractFormation(StrEnum):
    REGISTRATION_DATE = "registration_date"  # 登録日 (SC §7)
    ACCEPTANCE_NOTICE = "acceptance_notice"  # 承諾の通知 (SH §15.1)


class FirstBillableMonth(StrEnum):
    MONTH_AFTER_REGISTRATION = "month_after_registration"  # 登録日の翌月初日 (SC §9.2)
    OPENING_MONTH = "opening_month"  # 開通日の月 (SH §17, §28.2, §28.4)


class InterestFirstDay(StrEnum):
    DAY_AFTER_DUE = "day_after_due"  # 支払期限翌日から


class InterestLastDay(StrEnum):
    DAY_BEFORE_PAYMENT = "day_before_payment"  # 支払前日まで (SC §14)
    PAYMENT_DAY = "payment_day"  # 支払い済みまで (SH §30)


class CancellationEffective(StrEnum):
    END_OF_DESIRED_MONTH = "end_of_desired_month"  # 解約希望月月末 (SC §23)
    REQUEST_DAY = "request_day"  # 解約受付日 (SH §26.1)


class CancellationCutoff(StrEnum):
    END_OF_MONTH_BEFORE_DESIRED = "end_of_month_before_desired"  # 前月末日 (SC §23)
    END_OF_DESIRED_MONTH = "end_of_desired_month"  # 当月末日 (SH §26.1)


class ScheduleBasis(StrEnum):
    TERMS = "terms"  # the schedule is written in the terms (SC §10)
    OFFICE = "office"  # the terms leave it to the office (SH §29)


# -- the profile --------------------------------------------------------------------------


class ScreeningCheck(StrEnum):
    """A fact the database (or the application form itself) can answer for a refusal ground,
    so that its checklist line is pre-filled before the clerk starts."""

    DISQUALIFIED = "disqualified"              # 資格取消の記録
    FORCED_TERMINATION = "forced_termination"  # 強制解約・当社解除の記録
    VIOLATION = "violation"                    # 規約違反の記録
    UNPAID = "unpaid"                          # 未払い・滞納の記録
    REFUSED_BEFORE = "refused_before"          # 過去の不承諾
    FORM_INCOMPLETE = "form_incomplete"        # 申込内容の記入漏れ・不備
    POSTAL_IDENTITY = "postal_identity"        # 郵送による本人確認の結果


@dataclass(frozen=True)
class IntakeTerms:
    clause: str
    contract_formed: ContractFormation
    customer_may_withdraw_application: bool
    # SH §14.2(7): identity is checked by a letter sent by post; a failure after acceptance
    # revokes the contract. False where the terms have no such check.
    postal_identity_check: bool


@dataclass(frozen=True)
class ScreeningGround:
    code: str
    text: str
    clause: str
    checks: tuple[ScreeningCheck, ...] = ()


@dataclass(frozen=True)
class ScreeningTerms:
    clause: str
    refusal_reason_disclosed: bool
    grounds: tuple[ScreeningGround, ...]


@dataclass(frozen=True)
class BillingTerms:
    clause: str
    first_billable_month: FirstBillableMonth
    proration: bool
    initial_fee_billed_with_first_month: bool
    invoice_notes: tuple[str, ...] = ()   # printed on every invoice (SC §9.14: no receipts)


@dataclass(frozen=True)
class TaxTerms:
    clause: str
    rounding: Rounding


@dataclass(frozen=True)
class LateInterestTerms:
    clause: str
    annual_rate: Decimal
    first_day: InterestFirstDay
    last_day: InterestLastDay
    year_days: int


@dataclass(frozen=True)
class CancellationTerms:
    clause: str
    effective: CancellationEffective
    cutoff: CancellationCutoff
    cutoff_roll: Roll
    # SC §23: the customer's settings and history are deleted on cancellation (terms-rules §10).
    service_data_deleted: bool
    minimum_term_clause: str   # where the minimum term and its fee are written (SC §6.5, SH §18)


@dataclass(frozen=True)
class ScheduleTerms:
    clause: str
    basis: ScheduleBasis
    invoice_issue_day: int
    debit_day_min: int
    debit_day_max: int
    debit_roll: Roll
    transfer_roll: Roll


@dataclass(frozen=True)
class DepositTerms:
    clause: str
    monthly_threshold: int


@dataclass(frozen=True)
class RentalReturnTerms:
    clause: str
    multiplier: int
    deadline_roll: Roll = Roll.NEXT_BUSINESS_DAY   # the return deadline off the office's closed days


@dataclass(frozen=True)
class ReplacementTerms:
    clause: str
    return_days: int
    penalty_includes_tax: bool


@dataclass(frozen=True)
class OutageTerms:
    clause: str
    minimum_hours: int
    unit_hours: int
    days_per_month: int
    claim_days: int
    claim_roll: Roll


@dataclass(frozen=True)
class SuccessionTerms:
    clause: str
    days: int
    roll: Roll
    death_ends_contract: bool  # SH §20.2: an individual's contract ends on death, not inherited
    death_clause: str


@dataclass(frozen=True)
class SupportTerms:
    clause: str
    hours: str


@dataclass(frozen=True)
class TermsProfile:
    """One version of one service's terms of service, as data.

    ``cite_as`` is the short name used in clause citations ("SC", "SH"). Optional sections
    are ``None`` when the terms have no such rule.
    """

    key: str
    cite_as: str
    name: str
    provider: str
    version: str
    effective_from: date
    source: str
    intake: IntakeTerms
    screening: ScreeningTerms
    billing: BillingTerms
    tax: TaxTerms
    late_interest: LateInterestTerms
    cancellation: CancellationTerms
    schedule: ScheduleTerms
    suspension: SuspensionRules
    termination: TerminationRules
    deposit: DepositTerms | None = None
    rental_return: RentalReturnTerms | None = None
    replacement: ReplacementTerms | None = None
    outage: OutageTerms | None = None
    succession: SuccessionTerms | None = None
    support: SupportTerms | None = None


# -- reading ------------------------------------------------------------------------------

def _read_screening(t: Table) -> ScreeningTerms:
    clause = t.text("clause")
    disclosed = t.flag("refusal_reason_disclosed")
    grounds: list[ScreeningGround] = []
    for g in t.items("grounds", "拒否事由"):
        checks: tuple[ScreeningCheck, ...] = ()
        if "checks" in g.data:
            raw_checks = g.array("checks")
            allowed = [c.value for c in ScreeningCheck]
            for value in raw_checks:
                if value not in allowed:
                    raise g.fail("checks", f"{value!r} は {' か '.join(repr(a) for a in allowed)} のはずです")
            checks = tuple(ScreeningCheck(v) for v in raw_checks)
        grounds.append(ScreeningGround(code=g.text("code"), text=g.text("text"), clause=g.text("clause"),
                                       checks=checks))
        g.done()
    t.done()
    return ScreeningTerms(clause=clause, refusal_reason_disclosed=disclosed, grounds=tuple(grounds))


def _read_schedule(t: Table) -> ScheduleTerms:
    schedule = ScheduleTerms(
        clause=t.text("clause"),
        basis=t.choice("basis", ScheduleBasis),
        invoice_issue_day=t.integer("invoice_issue_day", 1, 31),
        debit_day_min=t.integer("debit_day_min", 1, 31),
        debit_day_max=t.integer("debit_day_max", 1, 31),
        debit_roll=t.choice("debit_roll", Roll),
        transfer_roll=t.choice("transfer_roll", Roll),
    )
    if schedule.debit_day_min > schedule.debit_day_max:
        raise t.fail(
            "debit_day_min",
            f"{schedule.debit_day_min} は debit_day_max ({schedule.debit_day_max}) 以下のはずです",
        )
    t.done()
    return schedule


def _read_profile(data: dict[str, Any], file: str) -> TermsProfile:
    top = Table(file, "", data)
    key = top.text("key")
    cite_as = top.text("cite_as")
    name = top.text("name")
    provider = top.text("provider")
    version = top.text("version")
    effective_from = top.day("effective_from")
    source = top.text("source")

    t = top.section("intake")
    intake = IntakeTerms(
        clause=t.text("clause"),
        contract_formed=t.choice("contract_formed", ContractFormation),
        customer_may_withdraw_application=t.flag("customer_may_withdraw_application"),
        postal_identity_check=t.flag("postal_identity_check"),
    )
    t.done()

    t = top.section("screening")
    screening = _read_screening(t)

    t = top.section("billing")
    billing = BillingTerms(
        clause=t.text("clause"),
        first_billable_month=t.choice("first_billable_month", FirstBillableMonth),
        proration=t.flag("proration"),
        initial_fee_billed_with_first_month=t.flag("initial_fee_billed_with_first_month"),
        invoice_notes=tuple(str(n) for n in t.array("invoice_notes")),
    )
    t.done()

    t = top.section("tax")
    tax = TaxTerms(clause=t.text("clause"), rounding=t.choice("rounding", Rounding))
    t.done()

    t = top.section("late_interest")
    late_interest = LateInterestTerms(
        clause=t.text("clause"),
        annual_rate=t.decimal("annual_rate", Decimal(0), Decimal(1)),
        first_day=t.choice("first_day", InterestFirstDay),
        last_day=t.choice("last_day", InterestLastDay),
        year_days=t.integer("year_days", 1),
    )
    t.done()

    t = top.section("cancellation")
    cancellation = CancellationTerms(
        clause=t.text("clause"),
        effective=t.choice("effective", CancellationEffective),
        cutoff=t.choice("cutoff", CancellationCutoff),
        cutoff_roll=t.choice("cutoff_roll", Roll),
        service_data_deleted=t.flag("service_data_deleted"),
        minimum_term_clause=t.text("minimum_term_clause"),
    )
    t.done()
    suspension = read_suspension(top.section("suspension"))
    termination = read_termination(top.section("termination"))

    t = top.section("schedule")
    schedule = _read_schedule(t)

    deposit = None
    if (section := top.optional_section("deposit")) is not None:
        t = section
        deposit = DepositTerms(clause=t.text("clause"), monthly_threshold=t.integer("monthly_threshold", 0))
        t.done()

    rental_return = None
    if (section := top.optional_section("rental_return")) is not None:
        t = section
        rental_return = RentalReturnTerms(clause=t.text("clause"), multiplier=t.integer("multiplier", 0),
                                          deadline_roll=t.choice("deadline_roll", Roll))
        t.done()

    replacement = None
    if (section := top.optional_section("replacement")) is not None:
        t = section
        replacement = ReplacementTerms(
            clause=t.text("clause"),
            return_days=t.integer("return_days", 0),
            penalty_includes_tax=t.flag("penalty_includes_tax"),
        )
        t.done()

    outage = None
    if (section := top.optional_section("outage")) is not None:
        t = section
        outage = OutageTerms(
            clause=t.text("clause"),
            minimum_hours=t.integer("minimum_hours", 0),
            unit_hours=t.integer("unit_hours", 1),
            days_per_month=t.integer("days_per_month", 1),
            claim_days=t.integer("claim_days", 0),
            claim_roll=t.choice("claim_roll", Roll),
        )
        t.done()

    succession = None
    if (section := top.optional_section("succession")) is not None:
        t = section
        succession = SuccessionTerms(
            clause=t.text("clause"), days=t.integer("days", 0), roll=t.choice("roll", Roll),
            death_ends_contract=t.flag("death_ends_contract"), death_clause=t.text("death_clause"))
        t.done()

    support = None
    if (section := top.optional_section("support")) is not None:
        t = section
        support = SupportTerms(clause=t.text("clause"), hours=t.text("hours"))
        t.done()

    top.done()
    return TermsProfile(
        key=key,
        cite_as=cite_as,
        name=name,
        provider=provider,
        version=version,
        effective_from=effective_from,
        source=source,
        intake=intake,
        screening=screening,
        billing=billing,
        tax=tax,
        late_interest=late_interest,
        cancellation=cancellation,
        schedule=schedule,
        suspension=suspension,
        termination=termination,
        deposit=deposit,
        rental_return=rental_return,
        replacement=replacement,
        outage=outage,
        succession=succession,
        support=support,
    )


def load_profile_file(path: str | Path) -> TermsProfile:
    """Read and check one terms-profile TOML file (not cached)."""
    path = Path(path)
    file = path.name
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ProfileError(f"{file}: ファイルがありません ({path})") from None
    except tomllib.TOMLDecodeError as error:
        raise ProfileError(f"{file}: TOML として読めません: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ProfileError(f"{file}: 読めません: {error}") from None
    return _read_profile(data, file)


def _terms_dir() -> Path:
    return resource_path("terms")


def available_profiles() -> list[str]:
    """The keys of the shipped profiles (the ``*.toml`` names under resources/terms), sorted.
    A missing or empty folder is a broken install, not "no profiles": ProfileError naming it."""
    directory = _terms_dir()
    broken = "（インストールが壊れています）"
    if not directory.is_dir():
        raise ProfileError(f"規約プロファイルのフォルダがありません: {directory}{broken}")
    keys = sorted(p.stem for p in directory.glob(f"*{PROFILE_SUFFIX}") if p.is_file())
    if not keys:
        raise ProfileError(
            f"規約プロファイルのフォルダに *{PROFILE_SUFFIX} がありません: {directory}{broken}"
        )
    return keys


@functools.cache
def load_profile(key: str) -> TermsProfile:
    """The shipped profile ``key`` ("simpleconnect", "sokujitsu"), read once and cached."""
    known = available_profiles()
    if key not in known:
        raise ProfileError(
            f"不明な規約プロファイル {key!r} です (あるのは {', '.join(known)})"
        )
    profile = load_profile_file(_terms_dir() / f"{key}{PROFILE_SUFFIX}")
    if profile.key != key:
        raise ProfileError(
            f"{key}{PROFILE_SUFFIX}: key: {profile.key!r} はファイル名と同じ {key!r} のはずです"
        )
    return profile

"""The terms profiles: data files that carry every difference between the terms."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from reseller_desk.domain import terms as terms_module
from reseller_desk.domain.terms import (
    CancellationCutoff,
    CancellationEffective,
    ContractFormation,
    FirstBillableMonth,
    InterestFirstDay,
    InterestLastDay,
    ProfileError,
    Roll,
    Rounding,
    ScheduleBasis,
    TermsProfile,
    available_profiles,
    load_profile,
    load_profile_file,
)
from reseller_desk.resources import resource_path

DOMAIN = Path(terms_module.__file__).resolve().parent
SC = "simpleconnect"
SH = "sokujitsu"


# -- the shipped profiles -----------------------------------------------------------------


def test_both_shipped_profiles_are_available():
    assert available_profiles() == [SC, SH]


@pytest.mark.parametrize("key", [SC, SH])
def test_a_shipped_profile_loads_with_every_required_field_set(key):
    profile = load_profile(key)
    assert isinstance(profile, TermsProfile)
    assert profile.key == key
    optional = {"deposit", "rental_return", "replacement", "outage", "succession", "support"}
    for field in dataclasses.fields(profile):
        value = getattr(profile, field.name)
        if field.name not in optional:
            assert value is not None and value != "", field.name
        if dataclasses.is_dataclass(value):
            for inner in dataclasses.fields(value):
                assert getattr(value, inner.name) not in (None, ""), f"{field.name}.{inner.name}"
            assert value.clause.startswith(profile.cite_as + " §"), field.name


def test_a_loaded_profile_is_cached_and_immutable():
    profile = load_profile(SC)
    assert load_profile(SC) is profile
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.key = "other"  # type: ignore[misc]


def test_simpleconnect_profile_values():
    p = load_profile(SC)
    assert (p.cite_as, p.name, p.provider) == ("SC", "SimpleConnect クラウドサービス", "Cloopen 株式会社")
    assert p.source == "simpleconnect-terms.txt"
    assert isinstance(p.effective_from, date)
    assert p.intake.contract_formed is ContractFormation.REGISTRATION_DATE  # SC §7
    assert p.intake.customer_may_withdraw_application is True  # SC silent: Decision
    assert p.billing.first_billable_month is FirstBillableMonth.MONTH_AFTER_REGISTRATION  # SC §9.2
    assert p.billing.proration is False  # SC §6.5
    assert p.billing.initial_fee_billed_with_first_month is True  # SC §9.3
    assert p.tax.rounding is Rounding.CEILING  # SC §12
    assert p.late_interest.annual_rate == Decimal("0.146")  # SC §14
    assert isinstance(p.late_interest.annual_rate, Decimal)
    assert p.late_interest.first_day is InterestFirstDay.DAY_AFTER_DUE
    assert p.late_interest.last_day is InterestLastDay.DAY_BEFORE_PAYMENT
    assert p.late_interest.year_days == 365
    assert p.cancellation.effective is CancellationEffective.END_OF_DESIRED_MONTH  # SC §23
    assert p.cancellation.cutoff is CancellationCutoff.END_OF_MONTH_BEFORE_DESIRED
    assert p.cancellation.cutoff_roll is Roll.PREVIOUS_BUSINESS_DAY
    assert p.schedule.basis is ScheduleBasis.TERMS  # SC §10
    assert (p.schedule.invoice_issue_day, p.schedule.debit_day_min, p.schedule.debit_day_max) == (15, 25, 31)
    assert p.schedule.debit_roll is Roll.NEXT_BUSINESS_DAY
    assert p.schedule.transfer_roll is Roll.PREVIOUS_BUSINESS_DAY
    assert p.deposit is not None and p.deposit.monthly_threshold == 30000  # SC §9.10
    assert p.replacement is not None and p.replacement.return_days == 14  # SC §21.2
    assert p.replacement.penalty_includes_tax is True  # SC §21.3
    assert p.support is not None and p.support.hours == "平日 10:00–18:00"  # SC §20.1
    assert (p.rental_return, p.outage, p.succession) == (None, None, None)


def test_sokujitsu_profile_values():
    p = load_profile(SH)
    assert (p.cite_as, p.name, p.provider) == ("SH", "即日発番.com クラウドPBXサービス", "クラウドテレコム株式会社")
    assert p.source == "sokujitsu-hatsuban-terms.txt"
    assert p.effective_from == date(2025, 4, 1)  # （適用日）
    assert p.intake.contract_formed is ContractFormation.ACCEPTANCE_NOTICE  # SH §15.1
    assert p.intake.customer_may_withdraw_application is False  # SH §15.2
    assert p.screening.refusal_reason_disclosed is False  # SH §14.2
    assert p.billing.first_billable_month is FirstBillableMonth.OPENING_MONTH  # SH §28.2
    assert p.billing.proration is False  # SH §28.4
    assert p.tax.rounding is Rounding.FLOOR  # SH §28.5
    assert p.late_interest.annual_rate == Decimal("0.145")  # SH §30
    assert p.late_interest.last_day is InterestLastDay.PAYMENT_DAY
    assert p.cancellation.effective is CancellationEffective.REQUEST_DAY  # SH §26.1
    assert p.cancellation.cutoff is CancellationCutoff.END_OF_DESIRED_MONTH
    assert p.cancellation.cutoff_roll is Roll.NONE
    assert p.schedule.basis is ScheduleBasis.OFFICE  # SH §29 leaves it to the office
    assert (p.schedule.invoice_issue_day, p.schedule.debit_day_min, p.schedule.debit_day_max) == (15, 25, 31)
    assert p.rental_return is not None and p.rental_return.multiplier == 2  # SH §13.5
    assert p.outage is not None  # SH §37
    assert (p.outage.minimum_hours, p.outage.unit_hours, p.outage.days_per_month, p.outage.claim_days) == (24, 24, 30, 90)
    assert p.outage.claim_roll is Roll.PREVIOUS_BUSINESS_DAY
    assert p.succession is not None and p.succession.days == 30  # SH §20.1
    assert p.succession.roll is Roll.PREVIOUS_BUSINESS_DAY
    assert (p.deposit, p.replacement, p.support) == (None, None, None)


@pytest.mark.parametrize(
    "key, codes, first_words",
    [
        (SC, [str(n) for n in range(1, 11)], "過去にお客様としての資格取消"),  # SC §8(1)-(10)
        (SH, [str(n) for n in range(1, 8)], "料金等の支払いを怠っている"),  # SH §14.2(1)-(7); (8) is empty
    ],
    ids=["SC §8 (1)-(10)", "SH §14.2 (1)-(7)"],
)
def test_screening_grounds_follow_the_terms(key, codes, first_words):
    profile = load_profile(key)
    grounds = profile.screening.grounds
    assert [g.code for g in grounds] == codes
    assert grounds[0].text.startswith(first_words)
    for ground in grounds:
        assert ground.clause == f"{profile.screening.clause}({ground.code})"
        assert ground.text.strip()


def test_the_sokujitsu_schedule_says_it_is_the_office_procedure():
    text = resource_path("terms", "sokujitsu.toml").read_text(encoding="utf-8")
    assert 'basis = "office"' in text and "SH §29" in text


# -- no branching on the provider -----------------------------------------------------------


@pytest.mark.parametrize("module", ["rules.py", "calendar.py", "money.py"])
def test_no_rule_branches_on_a_provider_name(module):
    source = (DOMAIN / module).read_text(encoding="utf-8").lower()
    assert "simpleconnect" not in source
    assert "sokujitsu" not in source


# -- malformed files ----------------------------------------------------------------------


def _shipped(key: str) -> str:
    return resource_path("terms", f"{key}.toml").read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_copy_of_a_shipped_file_loads_from_any_path(tmp_path):
    path = _write(tmp_path, _shipped(SH), "copy.toml")
    assert load_profile_file(path) == load_profile(SH)


@pytest.mark.parametrize(
    "key, old, new, field, words",
    [
        (SC, 'rounding = "ceiling"', 'rounding = "up"', "[tax].rounding", "'up' は 'ceiling' か 'floor' のはずです"),
        (SC, 'annual_rate = "0.146"', 'annual_rate = "14.6%"', "[late_interest].annual_rate", "小数として読めません"),
        (SC, 'annual_rate = "0.146"', "annual_rate = 0.146", "[late_interest].annual_rate", "float は使えません"),
        (SC, 'annual_rate = "0.146"', 'annual_rate = "14.6"', "[late_interest].annual_rate", "以下のはずです"),
        (SC, "monthly_threshold = 30000", 'monthly_threshold = "30000"', "[deposit].monthly_threshold", "整数のはずです"),
        (SC, "monthly_threshold = 30000", "monthly_threshold = -1", "[deposit].monthly_threshold", "0 以上"),
        (SC, "effective_from = 2000-01-01", 'effective_from = "2000-01-01"', "effective_from", "日付のはずです"),
        (SC, "proration = false", 'proration = "no"', "[billing].proration", "true か false"),
        (SC, 'key = "simpleconnect"', "key = 1", "key", "文字列のはずです"),
        (SC, 'debit_roll = "next_business_day"', 'debit_roll = "next"', "[schedule].debit_roll", "'next_business_day'"),
        (SC, "debit_day_min = 25", "debit_day_min = 32", "[schedule].debit_day_min", "31 以下"),
        (SH, "multiplier = 2", "multipler = 2", "[rental_return].multiplier", "ありません"),
        (SH, "days = 30", "days = 30\ngrace = 1", "[succession].grace", "不明な項目"),
        (SH, 'last_day = "payment_day"', 'last_day = "paid"', "[late_interest].last_day", "'payment_day'"),
        (SH, '{ code = "4", clause', '{ code = "3", clause', "[screening].grounds", "重複"),
        (SH, '{ code = "2", clause = "SH §14.2(2)", text = "当社の業務の遂行上又は技術上著しい困難がある" }', '"2"',
         "[screening].grounds[1]", "テーブルのはずです"),
        (SH, '{ code = "2", clause = "SH §14.2(2)", ', '{ code = "2", ', "[screening].grounds[1].clause", "ありません"),
        (SH, 'checks = ["unpaid"]', 'checks = ["arrears"]', "[screening].grounds[0].checks", "'unpaid'"),
        (SH, 'checks = ["unpaid"]', 'checks = "unpaid"', "[screening].grounds[0].checks", "配列のはずです"),
        (SH, "postal_identity_check = true", 'postal_identity_check = "yes"', "[intake].postal_identity_check", "true か false"),
    ],
    ids=[
        "unknown rounding",
        "bad decimal",
        "rate as a float",
        "rate as a percentage",
        "threshold as a string",
        "negative threshold",
        "date as a string",
        "flag as a string",
        "key as a number",
        "unknown roll",
        "debit day beyond 31",
        "misspelt field means a missing field",
        "unknown field",
        "unknown last day",
        "duplicate ground code",
        "ground that is not a table",
        "ground without its clause",
        "unknown screening check",
        "checks not a list",
        "postal check as a string",
    ],
)
def test_a_malformed_profile_names_the_file_and_the_field(tmp_path, key, old, new, field, words):
    text = _shipped(key)
    assert old in text, "the case must change the shipped file"
    path = _write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(ProfileError) as caught:
        load_profile_file(path)
    message = str(caught.value)
    assert message.startswith("broken.toml: ")
    assert field in message
    assert words in message


def test_the_message_for_an_unknown_rounding_reads_as_documented(tmp_path):
    path = _write(tmp_path, _shipped(SC).replace('rounding = "ceiling"', 'rounding = "up"'), "simpleconnect.toml")
    with pytest.raises(ProfileError, match=r"^simpleconnect\.toml: \[tax\]\.rounding: 'up' は 'ceiling' か 'floor' のはずです$"):
        load_profile_file(path)


@pytest.mark.parametrize("section", ["tax", "billing", "late_interest", "cancellation", "schedule", "intake", "screening"])
def test_a_missing_required_section_is_named(tmp_path, section):
    data = tomllib.loads(_shipped(SC))
    lines = _shipped(SC).splitlines()
    start = lines.index(f"[{section}]")
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("[") and lines[i].endswith("]")),
        len(lines),
    )
    assert section in data
    path = _write(tmp_path, "\n".join(lines[:start] + lines[end:]))
    with pytest.raises(ProfileError, match=rf"^broken\.toml: \[{section}\] がありません"):
        load_profile_file(path)


def test_a_missing_optional_section_means_the_terms_lack_that_rule(tmp_path):
    text = _shipped(SC)
    start = text.index("[support]")
    profile = load_profile_file(_write(tmp_path, text[:start]))
    assert profile.support is None


def test_a_toml_syntax_error_names_the_file(tmp_path):
    path = _write(tmp_path, _shipped(SC) + "\n[tax\n")
    with pytest.raises(ProfileError, match=r"^broken\.toml: TOML"):
        load_profile_file(path)


def test_a_missing_file_names_the_file(tmp_path):
    with pytest.raises(ProfileError, match=r"^nowhere\.toml: "):
        load_profile_file(tmp_path / "nowhere.toml")


def test_an_unknown_profile_key_is_refused():
    with pytest.raises(ProfileError, match="不明な規約プロファイル 'hikari'"):
        load_profile("hikari")


def test_the_suspension_and_termination_sections_follow_the_terms():
    sc, sh = load_profile(SC), load_profile(SH)
    # SC §24.1: without notice; SH §23.2: reason, start date and period told beforehand
    assert (sc.suspension.notice_required, sh.suspension.notice_required) == (False, True)
    assert sc.suspension.charges_continue and sh.suspension.charges_continue   # SC §24.2, decision
    assert [r.clause for r in sh.suspension.reasons] == [f"SH §23.1({n})" for n in range(1, 7)]
    assert [r.code for r in sh.suspension.reasons if r.until_paid] == ["unpaid"]
    assert {"SC §13", "SC §9.12", "SC §9.9"} <= {r.clause for r in sc.suspension.reasons}
    # SH §27.2 accelerates, SC does not; anti-social forces SH §36.2 (cited as §37 by SH §18), SC §26.1
    assert (sc.termination.accelerates, sh.termination.accelerates) == (False, True)
    assert [g.clause for g in sh.termination.grounds] == [f"SH §27.1({n})" for n in range(1, 9)] + ["SH §36.2"]
    assert "SC §26.1" in {g.clause for g in sc.termination.grounds}
    # SC §23: service data deleted on cancellation; SH keeps no such rule
    assert (sc.cancellation.service_data_deleted, sh.cancellation.service_data_deleted) == (True, False)

"""設定 → 機器's return days: saved by a manager, audited, sharing the company row's version with
会社情報 and 請求, and used for the deadline of the next contract that ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.company import CompanyDetails
from reseller_desk.services import settings
from reseller_desk.services.audit import list_audit
from reseller_desk.services.equipment import return_settings as service
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ValidationFailed
from tests.versions import company_now

from .equipment_return_builders import cancel, lent_unit, phone_model, requests_of
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    PROPERTY,
    VERSION,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    version,
)
from .test_prices import invoiced_office


def save(db, actor, days, expected_version=None):
    shown = service.return_settings(db).version if expected_version is None else expected_version
    return service.save_return_days(db, actor, days, expected_version=shown)


def test_units_are_due_back_fourteen_days_after_the_end_until_a_manager_says_otherwise(db, manager):
    assert service.return_settings(db).days == 14
    assert save(db, manager, 21).days == 21
    assert service.return_settings(db).days == 21
    [entry] = [e for e in list_audit(db, manager) if e.action == "return_settings.update"]
    assert "21日後" in entry.summary
    assert save(db, manager, 21).version == service.return_settings(db).version   # unchanged: nothing written


@pytest.mark.parametrize("days", [0, -1, 91, "14", 14.0, None])
def test_days_outside_one_to_ninety_are_refused_beside_the_field(db, manager, days):
    with pytest.raises(ValidationFailed) as refused:
        save(db, manager, days)
    assert "1〜90日後" in refused.value.errors["days"]
    assert service.return_settings(db).days == 14


def test_only_a_manager_sets_the_return_days_and_a_stale_screen_is_refused(db, manager, clerk):
    with pytest.raises(PermissionDenied, match="管理者だけ"):
        save(db, clerk, 10)
    shown = service.return_settings(db).version
    settings.save_company(db, manager, CompanyDetails(name="株式会社みらいテレコム", address="東京都千代田区内神田2-5-3"),
                          expected_version=company_now(db))
    with pytest.raises(ConcurrentEdit, match="返却期限の設定は"):
        save(db, manager, 10, expected_version=shown)
    assert service.return_settings(db).days == 14


@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    yield from invoiced_office(tmp_path_factory, "bad-return-days")


@drives("equipment.return_settings.save_return_days")
@PROPERTY
@given(actor=ACTORS, days=mostly(14, st.one_of(st.integers(-5, 120), ANY_BAD)), shown=VERSION)
def test_return_days_with_bad_values_are_saved_or_refused(bad_office, actor, days, shown):
    expected = version(shown, lambda: service.return_settings(bad_office.db).version)
    attempt(bad_office, lambda: service.save_return_days(bad_office.db, actor_of(bad_office, actor), days,
                                                         expected_version=expected))


def test_the_next_contract_that_ends_takes_the_days_set(db, manager, sh_open):
    save(db, manager, 21)
    lent_unit(db, manager, phone_model(db)["model"], sh_open, "SN-0001", dt.date(2026, 11, 20))
    cancel(db, manager, sh_open, dt.date(2026, 12, 10))
    [request] = requests_of(db, sh_open)
    assert request.deadline == dt.date(2026, 12, 31)   # 12/10 + 21 days, a Thursday

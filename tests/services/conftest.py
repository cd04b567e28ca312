"""Fixtures of the service tests: the office (company details, plans and an option of both
services), a counter of the SQL statements a use case sends, two staff members with passwords
(boss, the first manager, and the clerk suzuki, both with "correct-horse"), and a 即日発番
contract opened on 2026-11-20 for the lifecycle tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from sqlalchemy import event

from reseller_desk.domain.company import CompanyDetails, PlanDetails
from reseller_desk.services import auth, settings, staff
from reseller_desk.services.contracts import lifecycle
from tests.versions import company_now

from .builders import TODAY, sh_input
from .contract_builders import approved, version

STAFF_PASSWORD = "correct-horse"


@pytest.fixture
def office(db, manager) -> dict[str, int]:
    settings.save_company(db, manager, CompanyDetails(
        name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
        phone="03-5289-7410", registration_number="T8700110005901"), expected_version=company_now(db))
    return {
        "sc": settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-BASIC", "ベーシック", 2980, 5000),
                                 expected_version=None).id,
        "sc_f2f": settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-F2F", "対面プラン", 3980, 5000,
                                                                    requires_face_to_face=True), expected_version=None).id,
        "sh": settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12, 10000),
                                 expected_version=None).id,
        "sc_rec": settings.save_option(db, manager, None, PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 1000),
                                       expected_version=None).id,
    }


@pytest.fixture
def statements(db) -> Callable[[], AbstractContextManager[list[str]]]:
    """``with statements() as sent:`` collects every SQL statement sent to the database
    (SQLAlchemy's before_cursor_execute event), BEGIN included."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        sent: list[str] = []

        def on_execute(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
            sent.append(statement)

        event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            yield sent
        finally:
            event.remove(db.engine, "before_cursor_execute", on_execute)

    return counting


@pytest.fixture
def boss(db) -> auth.Actor:
    return staff.create_first_manager(db, "boss", "社長 一郎", STAFF_PASSWORD)


@pytest.fixture
def suzuki(db, boss) -> staff.StaffInfo:
    return staff.add_staff(db, boss, "suzuki", "鈴木 花子", "clerk", STAFF_PASSWORD)


@pytest.fixture
def sh_open(db, office, manager) -> int:
    """A 即日発番 contract of 山田 太郎, approved and opened on 2026-11-20 (利用中)."""
    contract_id = approved(db, manager, sh_input(office), today=TODAY)
    lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY, expected_version=version(db, contract_id),
                            today=TODAY)
    return contract_id

"""The row version a record has right now: what a screen opened just now would pass as
``expected_version``. For the tests that are about something else than stale edits; those
(tests/services/test_stale_edits.py) pass a version an earlier read returned, or an old one.
An id that names no row gives 1: the service refuses it as NotFound before any version."""

from __future__ import annotations

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, Base, Customer, Plan, PlanOption, StaffUser
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.services import settings


def version_of(db: Database, model: type[Base], record_id: object) -> int:
    if not is_record_id(record_id):
        return 1
    with db.transaction() as session:
        row = session.get(model, record_id)
        return 1 if row is None else row.row_version


def application_now(db: Database, application_id: object) -> int:
    return version_of(db, Application, application_id)


def customer_now(db: Database, customer_id: object) -> int:
    return version_of(db, Customer, customer_id)


def staff_now(db: Database, user_id: object) -> int:
    return version_of(db, StaffUser, user_id)


def plan_now(db: Database, plan_id: object) -> int:
    return version_of(db, Plan, plan_id)


def option_now(db: Database, option_id: object) -> int:
    return version_of(db, PlanOption, option_id)


def company_now(db: Database) -> int:
    return settings.get_company_record(db).row_version


def accounts_now(db: Database) -> dict[int, int]:
    return settings.account_versions(settings.list_bank_accounts(db))

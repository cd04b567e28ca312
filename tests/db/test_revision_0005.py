"""Revision 0005 marks the databases that ``reseller-desk demo`` made as demo, and no other."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from reseller_desk.db.database import Database
from reseller_desk.db.migrate import alembic_config
from reseller_desk.services import database_info

STAFF = ("INSERT INTO staff_users (login, display_name, role, active, demo_account, created_at) "
         "VALUES (:login, :login, 'manager', 1, :demo, '2026-01-01')")


@pytest.mark.parametrize(("accounts", "demo"), [
    ([], False),                                  # a new database: not demo until the demo fills it
    ([("kanri", 1), ("jimu", 1)], True),          # made by the demo
    ([("boss", 0), ("kanri", 1), ("jimu", 1)], False),  # an office database the demo was put into (H2)
    ([("boss", 0)], False),
])
def test_a_database_is_marked_demo_only_when_every_staff_member_is_a_demo_account(tmp_path, accounts, demo):
    db = Database.open(tmp_path / "old.sqlite3", create=True, upgrade=False)
    try:
        command.upgrade(alembic_config(db.engine), "0004_issued_notice_pdfs")
        with db.engine.begin() as conn:
            for login, is_demo in accounts:
                conn.execute(text(STAFF), {"login": login, "demo": is_demo})
        db.ensure_schema()
        assert database_info.is_demo_database(db) is demo
        with db.engine.connect() as conn:
            row = conn.exec_driver_sql("SELECT must_change_password, failed_logins FROM staff_users").first()
        assert row is None or tuple(row) == (0, 0)
    finally:
        db.dispose()

"""Opening databases: migrations, refusal of newer ones, SQLite settings."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from reseller_desk.db.database import Database, DatabaseTooNew, to_url
from reseller_desk.db.migrate import alembic_config
from reseller_desk.db.models import Base
from reseller_desk.db.revisions import head_revision


def test_the_head_read_from_the_files_is_alembics_head():
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_new_database_is_created_at_the_head_revision(tmp_path):
    db = Database.open(tmp_path / "sub" / "new.sqlite3", create=True)
    assert db.current_revision() == head_revision()
    db.dispose()


def test_the_migrations_build_exactly_the_models(db):
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


@pytest.mark.sqlite_only
def test_sqlite_is_opened_with_foreign_keys_wal_and_a_busy_timeout(db):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    Database.open(path, create=True).dispose()
    db = Database.open(path, upgrade=False)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNew) as error:
        Database.open(path)
    assert "新しいバージョン" in str(error.value) and "何も書き込んでいません" in str(error.value)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_failed_transaction_leaves_nothing_behind(db, manager):
    import datetime as dt

    from reseller_desk.db.models import CompanyClosure

    with pytest.raises(RuntimeError), db.transaction() as session:
        session.add(CompanyClosure(day=dt.date(2026, 12, 29)))
        session.flush()
        raise RuntimeError("boom")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM company_closures")).scalar() == 0


def test_paths_and_urls_both_name_a_database(tmp_path):
    assert to_url(tmp_path / "a.sqlite3") == f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert to_url("postgresql+psycopg://office@db/reseller") == "postgresql+psycopg://office@db/reseller"
    assert to_url(None).endswith("reseller-desk.sqlite3")


def test_a_database_of_the_first_revision_with_data_upgrades_in_place(tmp_path):
    """An office's database from before the intake tables keeps its customers and staff."""
    from alembic import command

    from reseller_desk.db.migrate import alembic_config

    path = tmp_path / "old.sqlite3"
    db = Database.open(path, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0001_initial")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_users (login, display_name, role, active, created_at) "
                          "VALUES ('old', '旧 管理者', 'manager', 1, '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO customers (kind, name, name_kana, representative_title, representative_name, "
                          "contact_title, contact_name, postal_code, address, phone, email, corporate_number, notes, "
                          "search_key, name_phone_key, name_address_key, created_at, updated_at, row_version, created_by_id) VALUES "
                          "('individual', '山田 太郎', 'ヤマダ タロウ', '', '', '', '', '', '', '090-1111-2222', '', '', '', "
                          "'', '', '', '2026-01-01', '2026-01-01', 1, 1)"))  # rows that refer to the staff member
        conn.execute(text("INSERT INTO audit_log (at, user_id, action, entity, entity_id, summary) "
                          "VALUES ('2026-01-01', 1, 'customer.add', 'customer', 1, '')"))
    db.dispose()
    db = Database.open(path)
    assert db.current_revision() == head_revision()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT demo_account FROM staff_users WHERE login = 'old'")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM customers")).scalar() == 1
    db.dispose()


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path):
    """A migration runs in one transaction, DDL included: a revision that fails half-way
    leaves neither its tables nor a new revision number behind."""
    import shutil

    from alembic import command

    from reseller_desk.db.migrate import alembic_config
    from reseller_desk.db.revisions import MIGRATIONS_DIR

    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n\n"
        f"revision = '9999_fails'\ndown_revision = '{head_revision()}'\nbranch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    with op.batch_alter_table('staff_users') as batch:\n"
        "        batch.add_column(sa.Column('nickname', sa.String(20), nullable=False, server_default=''))\n"
        "    raise RuntimeError('boom')\n\n\ndef downgrade():\n    pass\n", encoding="utf-8")
    db = Database.open(tmp_path / "office.sqlite3", create=True)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_users (login, display_name, role, active, demo_account, created_at, "
                          "must_change_password, failed_logins) VALUES ('kanri', '管理', 'manager', 1, 0, '2026-01-01', 0, 0)"))
        conn.execute(text("INSERT INTO audit_log (at, user_id, action, entity, summary) "
                          "VALUES ('2026-01-01', 1, 'x', 'y', '')"))
    config = alembic_config(db.engine)
    config.set_main_option("script_location", str(scripts))
    with pytest.raises(RuntimeError, match="boom"):
        command.upgrade(config, "head")
    assert db.current_revision() == head_revision()
    with db.engine.connect() as conn:
        assert not inspect_has_table(conn, "half_done")
        columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(staff_users)")}
        assert "nickname" not in columns
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def inspect_has_table(conn, name: str) -> bool:
    from sqlalchemy import inspect

    return inspect(conn).has_table(name)


def _application_row(number: str, status: str, cancel_kind: str, profile_id: int, plan_id: int,
                     customer_id: int | None, applicant_json: str, name: str) -> dict:
    return dict(number=number, status=status, channel="post", received_on="2026-11-16", customer_id=customer_id,
                applicant_json=applicant_json, applicant_name=name, applicant_kana="", terms_profile_id=profile_id,
                plan_id=plan_id, lines=1, payment_method="transfer", debit_bank_code="", debit_bank_name="",
                debit_branch_code="", debit_branch_name="", debit_account_type="", debit_account_number="",
                debit_holder_kana="", notes="", decision_note="", cancel_kind=cancel_kind,
                cancelled_on="2026-11-20", identity_letter_status="failed" if status == "cancelled" and
                cancel_kind == "identity_check_failed" else "not_sent", created_at="2026-11-16 01:00:00",
                updated_at="2026-11-20 01:00:00", row_version=3)


def test_revision_0003_tells_withdrawn_from_revoked_and_fills_the_applicant_keys(tmp_path):
    """A database at 0002 with an SC application withdrawn by a new applicant and an SH one of
    an existing customer revoked — both 'cancelled' then — upgrades to 'withdrawn' / 'revoked',
    with the identity keys of each applicant (the JSON of the new one, the customer row of the
    existing one) filled in as domain.customer.identity_keys computes them."""
    import json

    from alembic import command

    from reseller_desk.db.migrate import alembic_config
    from reseller_desk.domain.customer import CustomerDraft, identity_keys

    path = tmp_path / "0002.sqlite3"
    db = Database.open(path, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0002_intake")
    new_applicant = CustomerDraft(kind="corporate", name="株式会社みらい商事", name_kana="カブシキガイシャミライショウジ",
                                  address="東京都渋谷区渋谷2丁目1番1号", phone="03-3400-1234",
                                  corporate_number="8700110005901")
    existing = CustomerDraft(kind="individual", name="山田 太郎", name_kana="ヤマダ タロウ",
                             address="大阪府大阪市北区梅田1-1-1", phone="090-1111-2222")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_users (login, display_name, role, active, demo_account, created_at) "
                          "VALUES ('kanri', '管理', 'manager', 1, 0, '2026-01-01')"))
        for key in ("simpleconnect", "sokujitsu"):
            conn.execute(text("INSERT INTO terms_profiles (key, version, name, provider, effective_from, registered_at) "
                              "VALUES (:key, '1', :key, 'p', '2025-04-01', '2026-01-01')"), {"key": key})
            conn.execute(text("INSERT INTO plans (terms_profile_id, code, name, monthly_fee, initial_fee, "
                              "minimum_term_months, early_termination_fee, requires_face_to_face, active, notes) "
                              "VALUES ((SELECT id FROM terms_profiles WHERE key = :key), 'P', 'P', 1000, 0, 1, 0, 0, 1, '')"),
                         {"key": key})
        conn.execute(text("INSERT INTO customers (kind, name, name_kana, representative_title, representative_name, "
                          "contact_title, contact_name, postal_code, address, phone, email, corporate_number, notes, "
                          "search_key, name_phone_key, name_address_key, created_at, updated_at, row_version) VALUES "
                          "(:kind, :name, :name_kana, '', '', '', '', '', :address, :phone, '', '', '', '', '', '', "
                          "'2026-01-01', '2026-01-01', 1)"),
                     {"kind": "individual", "name": existing.name, "name_kana": existing.name_kana,
                      "address": existing.address, "phone": existing.phone})
        columns = list(_application_row("", "", "", 0, 0, None, "", ""))
        insert = text(f"INSERT INTO applications ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")
        conn.execute(insert, _application_row("A-2026-000001", "cancelled", "withdrawn", 1, 1, None,
                                              json.dumps(dataclasses.asdict(new_applicant), ensure_ascii=False),
                                              new_applicant.name))
        conn.execute(insert, _application_row("A-2026-000002", "cancelled", "identity_check_failed", 2, 2, 1, "",
                                              existing.name))
    command.upgrade(alembic_config(db.engine), "0003_solid_ground")
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT number, status, cancel_kind, applicant_corporate_number, "
                                 "applicant_name_phone_key, applicant_name_address_key FROM applications "
                                 "ORDER BY number")).all()
    db.dispose()
    new_keys, existing_keys = identity_keys(new_applicant), identity_keys(existing)
    assert [tuple(r) for r in rows] == [
        ("A-2026-000001", "withdrawn", "withdrawn", "8700110005901", new_keys.name_phone, new_keys.name_address),
        ("A-2026-000002", "revoked", "identity_check_failed", "", existing_keys.name_phone, existing_keys.name_address),
    ]
    assert new_keys.name_phone == "株式会社ミライ商事|0334001234"


def test_a_url_with_percent_encoding_reaches_alembic_as_typed():
    """A password or socket path with %-escapes (postgresql://u:p%40ss@/db?host=%2Frun) must not
    break Alembic's ConfigParser interpolation."""
    from sqlalchemy import create_engine

    url = "sqlite:///file%3Aname.sqlite3"
    config = alembic_config(create_engine(url))
    assert config.get_main_option("sqlalchemy.url") == url


def test_an_upgrade_over_several_revisions_that_fails_at_the_last_leaves_the_first(tmp_path):
    """The whole upgrade is one transaction, not one per revision: a database at 0002 whose
    upgrade fails in a revision after the head stays at 0002, without the tables of 0003–0005."""
    import shutil

    from alembic import command

    from reseller_desk.db.migrate import alembic_config
    from reseller_desk.db.revisions import MIGRATIONS_DIR

    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_fails.py").write_text(
        "revision = '9999_fails'\n"
        f"down_revision = '{head_revision()}'\nbranch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n    raise RuntimeError('boom')\n\n\ndef downgrade():\n    pass\n", encoding="utf-8")
    db = Database.open(tmp_path / "old.sqlite3", create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0002_intake")
    config = alembic_config(db.engine)
    config.set_main_option("script_location", str(scripts))
    with pytest.raises(RuntimeError, match="boom"):
        command.upgrade(config, "head")
    assert db.current_revision() == "0002_intake"
    with db.engine.connect() as conn:
        assert not inspect_has_table(conn, "database_info")
    db.dispose()

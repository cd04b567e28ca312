"""Opening databases: migrations, refusal of newer ones, SQLite settings."""

from __future__ import annotations

import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from reseller_desk.db.database import Database, DatabaseTooNew, to_url
from reseller_desk.db.revisions import head_revision
from reseller_desk.db.migrate import alembic_config
from reseller_desk.db.models import Base


def test_the_head_read_from_the_files_is_alembics_head():
    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_new_database_is_created_at_the_head_revision(tmp_path):
    db = Database.open(tmp_path / "sub" / "new.sqlite3")
    assert db.current_revision() == head_revision()
    db.dispose()


def test_the_migrations_build_exactly_the_models(db):
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_sqlite_is_opened_with_foreign_keys_wal_and_a_busy_timeout(db):
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "newer.sqlite3"
    Database.open(path).dispose()
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
    from reseller_desk.db.models import CompanyClosure
    import datetime as dt

    with pytest.raises(RuntimeError):
        with db.transaction() as session:
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
    db = Database.open(path, upgrade=False)
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

    from reseller_desk.db.revisions import MIGRATIONS_DIR
    from reseller_desk.db.migrate import alembic_config

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
    db = Database.open(tmp_path / "office.sqlite3")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO staff_users (login, display_name, role, active, demo_account, created_at) "
                          "VALUES ('kanri', '管理', 'manager', 1, 0, '2026-01-01')"))
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

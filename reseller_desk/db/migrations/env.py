"""Alembic environment. Uses the engine handed over by reseller_desk.db.migrate (so SQLite
pragmas apply) and batch mode, which SQLite needs to alter tables."""

from alembic import context
from sqlalchemy import create_engine

from reseller_desk.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection
        if sqlite:
            # SQLite alters a table by copying it to a new one and dropping the old, which the
            # rows of other tables that refer to it forbid while foreign keys are on. The pragma
            # only takes effect outside a transaction, so it goes to the driver directly, before
            # SQLAlchemy begins one; the keys are checked before the migration commits.
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            # transactional_ddl: Alembic takes SQLite's DDL for non-transactional and would run
            # each revision in a transaction of its own, reading the current revision outside
            # them; a second process could then start between two revisions and run the second
            # one again ("table … already exists"). The engine gives SQLite real transactions
            # (reseller_desk.db.database), so the whole upgrade is one transaction, which reads
            # the revision after taking the write lock and leaves nothing half-done on failure.
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                compare_type=True,
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows referring to missing rows: {broken[:5]}")
            connection.commit()
        finally:
            if connection.in_transaction():
                connection.rollback()
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Alembic, configured in code (no alembic.ini), so that migrations run the same from the
window, the CLI, the tests and a PyInstaller bundle."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from reseller_desk.db.revisions import MIGRATIONS_DIR


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        # ConfigParser reads "%" as interpolation: a URL-encoded password or socket path
        # (postgresql://u:p%40ss@/db?host=%2Frun%2Fpg) must reach Alembic as typed.
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
        config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Run the migrations up to the head, all in one transaction. ``Database.ensure_schema``
    passes an engine whose transactions begin with BEGIN IMMEDIATE on SQLite: the migration
    holds the write lock from its first statement (Alembic reads the current revision inside
    that transaction), so a second process migrating the same new file waits for the first
    and then finds nothing left to do."""
    command.upgrade(alembic_config(engine), "head")

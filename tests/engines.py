"""The PostgreSQL side of the tests: the server ``make test`` starts (tests/with_postgres.py),
and a new database on it for each test, made in a few milliseconds from a template that was
migrated once per run."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: The variable that names the server: a postgresql+psycopg:// URL of its ``postgres`` database.
POSTGRES_ENV = "RESELLER_DESK_TEST_POSTGRES"
#: The tests that run on both engines: the database layer, the services, the CLI and the demo,
#: and the window's start (opening, the first manager, the demo, the log-in).
BOTH_ENGINES = ("tests/db/", "tests/services/", "tests/test_cli", "tests/test_demo_contracts.py", "tests/ui/test_app.py")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


class PostgresServer:
    """Databases on the test server: each test's own, and the migrated template they copy."""

    def __init__(self, url: str | None) -> None:
        if url is None:
            raise RuntimeError(f"{POSTGRES_ENV} is not set")
        self._url = make_url(url)
        self._admin = create_engine(self._url, isolation_level="AUTOCOMMIT", pool_size=1)
        self._template: str | None = None
        self._run = uuid.uuid4().hex[:8]
        #: Every database of this run is named with it.
        self.prefix = f"rd_{self._run}_"

    def url_of(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def create_database(self, *, migrated: bool = False) -> str:
        """A new database, empty or (``migrated``) at the head schema; its name."""
        name = f"{self.prefix}{uuid.uuid4().hex[:10]}"
        template = f" TEMPLATE {self._migrated_template()}" if migrated else " TEMPLATE template0"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        return name

    def drop_database(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _migrated_template(self) -> str:
        if self._template is None:
            from reseller_desk.db.database import Database

            name = f"{self.prefix}template"
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
            Database.open(self.url_of(name), create=True).dispose()
            self._template = name
        return self._template

    def close(self) -> None:
        if self._template is not None:
            self.drop_database(self._template)
        self._admin.dispose()

"""Fixtures shared by every test: a fresh migrated database per test, on SQLite and on
PostgreSQL, the actors that services run as, and password hashes cheap enough for a suite that
makes hundreds.

Two engines. The tests of the database layer, the services, the CLI and the demo
(``BOTH_ENGINES``) that use ``db``, ``new_database`` or ``backend`` run twice, ``[sqlite]``
and ``[postgresql]``, when ``RESELLER_DESK_TEST_POSTGRES`` names a server
(``tests/with_postgres.py`` starts one for ``make test``); a test of SQLite itself is marked
``sqlite_only``. Without a server they run on SQLite alone, which the header of the run says in
one line; under CI (``CI=true``) a missing server stops the run.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.services import auth
from reseller_desk.services.auth import actor_of
from reseller_desk.services.permissions import Actor
from tests.engines import BOTH_ENGINES, POSTGRES_ENV, PostgresServer, postgres_url

#: The scrypt N of the tests' hashes: ~4 ms instead of ~0.4 s (the real cost, 2**17, is kept by
#: the tests marked ``real_password_cost``).
TEST_SCRYPT_N = 2**10


def pytest_configure(config):
    config.addinivalue_line("markers", "real_password_cost: hash passwords at the app's real scrypt cost")
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (its file, its pragmas), "
                                       "not run on PostgreSQL")
    if os.environ.get("CI") == "true" and not postgres_url():
        raise pytest.UsageError(f"CI=true but {POSTGRES_ENV} is not set: CI never skips the PostgreSQL leg "
                                "(run the tests through make test)")


def pytest_report_header(config):
    server = postgres_url()
    if server:
        return f"engines: sqlite and postgresql (tests of {', '.join(BOTH_ENGINES)} run on both)"
    return f"engines: sqlite only; PostgreSQL leg skipped ({POSTGRES_ENV} is not set; make test sets it)"


#: Lines the tests of concurrency and crashes report (``figures``), printed at the end of the run.
FIGURES: list[str] = []


@pytest.fixture
def figures():
    """``figures(line)``: a line for the "figures" section at the end of the run (shown by
    make test's quiet pytest too, and printed at once under ``pytest -s``)."""

    def report(line: str) -> None:
        print(line)
        FIGURES.append(line)

    return report


def pytest_terminal_summary(terminalreporter):
    """The figures the tests reported, and the one line that says the PostgreSQL leg did not
    run (the header is hidden by -q)."""
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
    if not postgres_url():
        terminalreporter.write_line(f"PostgreSQL leg skipped: {POSTGRES_ENV} is not set (make test starts a server "
                                    "and sets it); the tests ran on SQLite only")


def pytest_generate_tests(metafunc):
    """``backend`` is "sqlite", and also "postgresql" for the tests of BOTH_ENGINES."""
    if "backend" not in metafunc.fixturenames or not postgres_url():
        return
    where = metafunc.definition.path.relative_to(metafunc.config.rootpath).as_posix()
    if not where.startswith(BOTH_ENGINES) or metafunc.definition.get_closest_marker("sqlite_only"):
        return
    metafunc.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def backend(request) -> str:
    """The engine this test runs on: "sqlite" or "postgresql"."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer(postgres_url())
    yield server
    server.close()
    # A SQLite-only test run on PostgreSQL takes the database's name for a file path.
    stray = sorted(p.name for p in Path.cwd().glob(f"{server.prefix}*"))
    assert not stray, f"files named after test databases (a test that needs sqlite_only?): {stray}"


@pytest.fixture
def new_databases(backend, tmp_path, request):
    """``new_databases()`` is where this test may make one more new database: a file path on
    SQLite (no file yet), the URL of a new, empty database on PostgreSQL (dropped after the
    test)."""
    made: list[str] = []
    server: PostgresServer | None = request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    def new() -> str:
        if server is None:
            folder = tmp_path / f"new{len(made)}"
            folder.mkdir()
            made.append(str(folder / "new.sqlite3"))
            return made[-1]
        made.append(server.create_database())
        return server.url_of(made[-1])

    yield new
    if server is not None:
        for name in made:
            server.drop_database(name)


@pytest.fixture
def new_database(new_databases) -> str:
    """Where this test may make a new database (see ``new_databases``)."""
    return new_databases()


@pytest.fixture(autouse=True)
def _cheap_password_hashes(request, monkeypatch):
    if request.node.get_closest_marker("real_password_cost") is None:
        monkeypatch.setattr(auth, "SCRYPT_N", TEST_SCRYPT_N)


@pytest.fixture
def db(backend, tmp_path, request):
    """A new database at this version's schema, on the test's engine."""
    if backend == "sqlite":
        database = Database.open(tmp_path / "test.sqlite3", create=True)
        yield database
        database.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database(migrated=True)
    database = Database.open(server.url_of(name))
    yield database
    database.dispose()
    server.drop_database(name)


def _staff(db: Database, login: str, name: str, role: str) -> Actor:
    with db.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.login == login)).first()
        if user is None:
            user = StaffUser(login=login, display_name=name, role=role)
            session.add(user)
            session.flush()
        return actor_of(user)


@pytest.fixture
def manager(db) -> Actor:
    return _staff(db, "kanri", "管理 花子", "manager")


@pytest.fixture
def clerk(db) -> Actor:
    return _staff(db, "jimu", "事務 太郎", "clerk")

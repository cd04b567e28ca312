"""Fixtures shared by every test: a fresh migrated database per test, the actors that
services run as, and password hashes cheap enough for a suite that makes hundreds."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.services import auth
from reseller_desk.services.auth import actor_of
from reseller_desk.services.permissions import Actor

#: The scrypt N of the tests' hashes: ~4 ms instead of ~0.4 s (the real cost, 2**17, is kept by
#: the tests marked ``real_password_cost``).
TEST_SCRYPT_N = 2**10


def pytest_configure(config):
    config.addinivalue_line("markers", "real_password_cost: hash passwords at the app's real scrypt cost")


@pytest.fixture(autouse=True)
def _cheap_password_hashes(request, monkeypatch):
    if request.node.get_closest_marker("real_password_cost") is None:
        monkeypatch.setattr(auth, "SCRYPT_N", TEST_SCRYPT_N)


@pytest.fixture
def db(tmp_path):
    database = Database.open(tmp_path / "test.sqlite3", create=True)
    yield database
    database.dispose()


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

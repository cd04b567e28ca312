"""Fixtures shared by every test: a fresh migrated database per test and the actors that
services run as."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.services.auth import actor_of
from reseller_desk.services.permissions import Actor


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

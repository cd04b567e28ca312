"""A use case that lost a race for the database runs again, a bounded number of times, and then
says in Japanese that nothing was saved (issue 8: "a serialization or lock failure is retried a
bounded number of times inside the service, then reported in Japanese")."""

from __future__ import annotations

import importlib
import threading
import time

import pytest
from sqlalchemy import exc, func, select

from reseller_desk.db import database as database_module
from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer
from reseller_desk.services import customers, retry
from reseller_desk.services.errors import Busy, ServiceError
from reseller_desk.services.retry import MAX_ATTEMPTS, is_retried, retried

from .builders import YAMADA
from .test_bad_input_properties import mutating_services

#: Public services taking ``actor`` that need no retry, and why.
NOT_RETRIED = {
    # read-only: they write nothing, and a reader never waits for a writer on either engine
    "audit.list_audit", "auth.must_change_password",
    # the transaction every change of an application runs in: the use case around it retries
    "applications.writing.changing", "applications.writing.touch",
    # the transaction every action on a contract runs in: the use case around it retries
    "contracts.acting.changing",
    # checks, not changes
    "permissions.require_actor", "permissions.require_role",
    # a run of 100,000 contracts must not start over because one write lost a race: each of its
    # write transactions (the start, every chunk, the end) is retried instead, and a chunk run
    # again re-checks what is already invoiced (services/billing/run.py)
    "billing.run.bill_month",
}


class _Driver(Exception):
    """Stands for a driver's exception, with PostgreSQL's SQLSTATE where given."""

    def __init__(self, message: str, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _lost(message: str = "database is locked", sqlstate: str | None = None) -> exc.OperationalError:
    return exc.OperationalError("UPDATE …", {}, _Driver(message, sqlstate))


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(retry, "PAUSE_S", 0.0)


def failing(times: int, error: Exception):
    calls: list[int] = []

    @retried
    def service() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise error
        return "saved"

    return service, calls


@pytest.mark.parametrize("error", [_lost(), _lost("lock timeout", "55P03"), _lost("could not serialize", "40001"),
                                   _lost("deadlock detected", "40P01")], ids=["sqlite-locked", "pg-lock-timeout",
                                                                             "pg-serialization", "pg-deadlock"])
def test_a_use_case_that_lost_a_race_runs_again_and_succeeds(error):
    service, calls = failing(MAX_ATTEMPTS - 1, error)
    assert service() == "saved" and len(calls) == MAX_ATTEMPTS


def test_after_the_last_attempt_the_user_is_told_in_japanese_that_nothing_was_saved():
    service, calls = failing(99, _lost())
    with pytest.raises(Busy) as refused:
        service()
    assert len(calls) == MAX_ATTEMPTS
    assert isinstance(refused.value, ServiceError) and "何も保存されていません" in str(refused.value)


@pytest.mark.parametrize("error", [ValueError("a bug"), exc.IntegrityError("INSERT …", {}, _Driver("unique", "23505")),
                                   _lost("no such table: customers")])
def test_any_other_error_passes_through_at_once(error):
    service, calls = failing(1, error)
    with pytest.raises(type(error)):
        service()
    assert len(calls) == 1


def test_a_dropped_connection_is_never_run_twice():
    dropped = exc.OperationalError("COMMIT", {}, _Driver("server closed the connection", "40001"),
                                   connection_invalidated=True)
    service, calls = failing(1, dropped)
    with pytest.raises(exc.OperationalError):
        service()
    assert len(calls) == 1


def test_a_retried_service_inside_another_runs_once_and_only_the_outer_one_retries():
    inner, inner_calls = failing(99, _lost())
    outer_calls: list[int] = []

    @retried
    def outer() -> None:
        outer_calls.append(1)
        inner()

    with pytest.raises(Busy):
        outer()
    assert len(outer_calls) == MAX_ATTEMPTS and len(inner_calls) == MAX_ATTEMPTS


def test_every_service_that_writes_retries_a_lost_race():
    missing = []
    for name in sorted(mutating_services() - NOT_RETRIED):
        module, _, function = name.rpartition(".")
        if not is_retried(getattr(importlib.import_module(f"reseller_desk.services.{module}"), function)):
            missing.append(name)
    assert not missing, f"write services without @retried: {missing}"
    assert mutating_services() >= NOT_RETRIED, "a listed service no longer exists"


def _holding_the_write_lock(db: Database, seconds: float) -> threading.Thread:
    held = threading.Event()

    def hold() -> None:
        with db.transaction(write=True):
            held.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    return thread


@pytest.fixture
def impatient(db, monkeypatch):
    """A second desk on the same database whose lock waits run out after 0.2 s."""
    monkeypatch.setattr(database_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(database_module, "POSTGRES_LOCK_TIMEOUT_MS", 200)
    other = Database.open(db.url)
    yield other
    other.dispose()


def test_a_save_that_waited_longer_than_the_lock_timeout_is_retried_and_saved(db, clerk, impatient):
    holder = _holding_the_write_lock(db, 0.35)  # longer than one wait, shorter than all of them
    record = customers.add_customer(impatient, clerk, YAMADA)
    holder.join()
    with db.transaction() as session:
        assert session.scalars(select(Customer.name).where(Customer.id == record.id)).one() == YAMADA.name


def test_a_database_busy_through_every_attempt_saves_nothing_and_says_so(db, clerk, impatient):
    holder = _holding_the_write_lock(db, 0.2 * MAX_ATTEMPTS + 1.5)
    try:
        with pytest.raises(Busy):
            customers.add_customer(impatient, clerk, YAMADA)
    finally:
        holder.join()
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0

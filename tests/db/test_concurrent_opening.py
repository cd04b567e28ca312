"""Several processes at once on one database (L10): the window and the CLI at the first start
open the same brand-new file, and two first managers are registered at the same moment. Real
processes (multiprocessing, spawn), started together by a barrier."""

from __future__ import annotations

from reseller_desk.db.database import Database
from reseller_desk.db.revisions import head_revision

from ..processes import race

PROCESSES = 3
ROUNDS = 3


def _open_new(path: str, barrier, results) -> None:
    barrier.wait()
    try:
        db = Database.open(path, create=True)
        try:
            results.put(("ok", db.current_revision()))
        finally:
            db.dispose()
    except Exception as error:  # noqa: BLE001 - reported to the test
        results.put(("error", repr(error)))


def _register_first(path: str, login: str, barrier, results) -> None:
    """staff.create_first_manager itself: it looks for a staff member and adds the first one
    (a slow scrypt hash in between) in a transaction that takes the write lock first."""
    from reseller_desk.services.errors import PermissionDenied
    from reseller_desk.services.staff import create_first_manager

    db = Database.open(path)
    barrier.wait()
    try:
        create_first_manager(db, login, f"管理者 {login}", "first-pass-1")
        results.put(("created", login))
    except PermissionDenied as refusal:
        results.put(("refused", str(refusal)))
    except Exception as error:  # noqa: BLE001 - reported to the test
        results.put(("error", repr(error)))
    finally:
        db.dispose()


def _race(target, args_of) -> list[tuple[str, str]]:
    return race(target, args_of, PROCESSES, timeout_s=120)


def test_processes_opening_one_brand_new_database_at_once_all_find_one_schema_at_the_head(new_databases, backend):
    for _round in range(ROUNDS):
        path = new_databases()
        outcomes = _race(_open_new, lambda _n, path=path: (path,))
        assert outcomes == [("ok", head_revision())] * PROCESSES, outcomes
        db = Database.open(path, readonly=True)
        with db.engine.connect() as conn:
            if backend == "sqlite":
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
        db.dispose()


def test_a_write_transaction_lets_exactly_one_of_racing_first_managers_in_and_the_others_read_after_it(new_databases):
    for _round in range(ROUNDS):
        path = new_databases()
        Database.open(path, create=True).dispose()
        outcomes = _race(_register_first, lambda n, path=path: (path, f"kanri{n}"))
        assert sorted(kind for kind, _login in outcomes) == ["created"] + ["refused"] * (PROCESSES - 1), outcomes
        assert {text for kind, text in outcomes if kind == "refused"} == {"担当者は既に登録されています。追加は管理者が行います。"}
        db = Database.open(path, readonly=True)
        with db.engine.connect() as conn:
            created = [login for kind, login in outcomes if kind == "created"]
            assert [row[0] for row in conn.exec_driver_sql("SELECT login FROM staff_users")] == created
        db.dispose()

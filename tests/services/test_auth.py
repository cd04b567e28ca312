"""Log-in and passwords: checking them, the wait after failures, what a failure reveals (nothing,
in its words or its cost), the audit records and log lines every attempt leaves, demo accounts,
the scrypt cost and re-hashing, and changing one's own password."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select, text, update

from reseller_desk import clock
from reseller_desk.db.models import DatabaseInfo, StaffUser
from reseller_desk.domain.staff import Role
from reseller_desk.services import auth, customers, staff
from reseller_desk.services.audit import list_audit
from reseller_desk.services.auth import AuthenticationFailed
from reseller_desk.services.errors import PermissionDenied, ValidationFailed
from tests.versions import staff_now

from .builders import YAMADA

PASSWORD = "correct-horse"  # the password of boss and suzuki (conftest)
WRONG = "ログインIDかパスワードが違います。"
START = dt.datetime(2026, 11, 20, 9, 0)


def deactivate(db, user_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.id == user_id).values(active=False))


def refused(db, login_id: str, password: str) -> str:
    with pytest.raises(AuthenticationFailed) as error:
        auth.login(db, login_id, password)
    return str(error.value)


def row(db, user_id: int) -> StaffUser:
    with db.transaction() as session:
        user = session.get(StaffUser, user_id)
        session.expunge(user)
        return user


class ScryptSpy:
    """A fake of the key derivation: does the real work and writes down the cost of each call."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls: list[tuple[int, int, int]] = []

    def __call__(self, password, salt, n, r, p, dklen):
        self.calls.append((n, r, p))
        return self.real(password, salt, n, r, p, dklen)


@pytest.fixture
def scrypt_calls(monkeypatch) -> ScryptSpy:
    spy = ScryptSpy(auth._scrypt)
    monkeypatch.setattr(auth, "_scrypt", spy)
    return spy


# -- logging in ------------------------------------------------------------------------------
def test_a_staff_member_logs_in_with_login_and_password(db, suzuki):
    actor = auth.login(db, " suzuki ", PASSWORD)
    assert (actor.user_id, actor.login, actor.name, actor.role) == (suzuki.id, "suzuki", "鈴木 花子", Role.CLERK)


@pytest.mark.parametrize("login_id, password", [("suzuki", "wrong-password"), ("nobody", PASSWORD), ("", ""),
                                                ("x" * 1_000_000, PASSWORD), ("suzuki\x00", PASSWORD)])
def test_a_wrong_login_or_password_is_refused_without_saying_which(db, suzuki, login_id, password):
    assert refused(db, login_id, password) == WRONG


def test_an_inactive_staff_member_cannot_log_in(db, suzuki):
    deactivate(db, suzuki.id)
    assert refused(db, "suzuki", PASSWORD) == WRONG


def test_a_staff_member_without_a_password_cannot_log_in(db, boss):
    with db.transaction() as session:
        session.add(StaffUser(login="nopass", display_name="未設定", role=Role.CLERK, password_hash=None))
    assert refused(db, "nopass", "") == WRONG


def test_a_password_of_ten_megabytes_is_refused_without_being_hashed(db, suzuki, scrypt_calls):
    huge = "x" * 10_000_000
    assert refused(db, "suzuki", huge) == WRONG
    assert scrypt_calls.calls == []
    assert row(db, suzuki.id).failed_logins == 1
    assert auth.password_problem(huge) == "パスワードは1024文字以内にしてください。"
    assert auth.password_problem("x" * 1024) is None
    with pytest.raises(ValueError):
        auth.hash_password(huge)


# -- what a failure costs: one scrypt of today's cost, whoever typed what ----------------------
def test_unknown_inactive_waiting_and_wrong_password_log_ins_each_cost_one_scrypt_of_the_current_cost(
        db, boss, suzuki, scrypt_calls):
    staff.add_staff(db, boss, "sato", "佐藤 次郎", "clerk", PASSWORD)
    deactivate(db, staff.find_staff(db, "sato").id)
    tanaka = staff.add_staff(db, boss, "tanaka", "田中 三郎", "clerk", PASSWORD)
    with db.transaction() as session:
        session.get(StaffUser, tanaka.id).failed_logins = 5
        session.get(StaffUser, tanaka.id).last_failed_login_at = clock.utcnow()
    current = (auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P)
    for login_id in ("nobody", "sato", "tanaka", "suzuki"):  # unknown, inactive, waiting, wrong password
        scrypt_calls.calls.clear()
        assert refused(db, login_id, "not-the-password") == WRONG
        assert scrypt_calls.calls == [current], login_id


def test_the_dummy_hash_has_the_current_cost_and_no_password_matches_it(monkeypatch):
    assert auth._dummy_hash().startswith(f"scrypt${auth.SCRYPT_N}$8$1$")
    assert auth._dummy_hash() == auth._dummy_hash()  # made once
    monkeypatch.setattr(auth, "SCRYPT_N", 2**11)
    assert auth._dummy_hash().startswith("scrypt$2048$8$1$")  # and again when the cost changes
    assert not auth.verify_password("", auth._dummy_hash())


# -- the wait after failures in a row --------------------------------------------------------
def test_the_wait_starts_at_the_fifth_failure_in_a_row_and_doubles_up_to_fifteen_minutes():
    waits = [auth.login_wait(n).total_seconds() for n in range(12)]
    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert auth.login_wait(10_000) == dt.timedelta(minutes=15)


def test_after_five_failures_even_the_right_password_waits_and_then_works(db, suzuki, scrypt_calls):
    with clock.frozen(START):
        for _ in range(4):
            assert refused(db, "suzuki", "guess-guess") == WRONG
        assert auth.login(db, "suzuki", PASSWORD).user_id == suzuki.id  # four are forgiven by a success
        for _ in range(5):
            refused(db, "suzuki", "guess-guess")
        assert row(db, suzuki.id).failed_logins == 5
    with clock.frozen(START + dt.timedelta(seconds=29)):
        scrypt_calls.calls.clear()
        assert refused(db, "suzuki", PASSWORD) == WRONG  # the same words: nothing tells it is waiting
        assert len(scrypt_calls.calls) == 1  # the dummy, not the stored hash
        refused(db, "suzuki", "guess-again")  # during the wait: not counted, the wait not longer
        assert row(db, suzuki.id).failed_logins == 5
    with clock.frozen(START + dt.timedelta(seconds=31)):
        assert auth.login(db, "suzuki", PASSWORD).user_id == suzuki.id
    assert (row(db, suzuki.id).failed_logins, row(db, suzuki.id).last_failed_login_at) == (0, None)


def test_a_failure_after_the_wait_doubles_it(db, suzuki):
    with clock.frozen(START):
        for _ in range(5):
            refused(db, "suzuki", "guess-guess")
    with clock.frozen(START + dt.timedelta(seconds=31)):
        refused(db, "suzuki", "guess-guess")  # the 6th: 60 s from now
    with clock.frozen(START + dt.timedelta(seconds=90)):
        refused(db, "suzuki", PASSWORD)
    with clock.frozen(START + dt.timedelta(seconds=92)):
        assert auth.login(db, "suzuki", PASSWORD).user_id == suzuki.id


# -- audit records and log lines -------------------------------------------------------------
def test_every_log_in_and_failed_attempt_is_an_audit_record_a_manager_can_filter_by_staff_member(db, boss, suzuki):
    auth.login(db, "suzuki", PASSWORD)
    refused(db, "suzuki", "not-my-password")
    refused(db, "intruder", "guess-1234")
    records = [r for r in list_audit(db, boss) if r.action.startswith("staff.login")]
    assert [(r.action, r.user_name, r.entity_id, r.after) for r in records] == [
        ("staff.login_failed", "", None, {"reason": "unknown_login"}),
        ("staff.login_failed", "鈴木 花子", suzuki.id, {"reason": "password", "failed_logins": 1}),
        ("staff.login", "鈴木 花子", suzuki.id, None),
    ]
    assert [r.summary for r in records] == ["登録のないログインID", "鈴木 花子（パスワード違い）", "鈴木 花子"]
    assert [r.action for r in list_audit(db, boss, user_id=suzuki.id)] == ["staff.login_failed", "staff.login"]


def test_a_typed_login_id_of_no_account_is_kept_nowhere(db, boss, caplog):
    caplog.set_level(logging.INFO, logger="reseller_desk.services.auth")
    refused(db, "my-secret-password-1", "x")  # a password typed into the ID field
    with db.transaction() as session:
        dump = " ".join(str(v) for r in session.execute(text("SELECT * FROM audit_log")) for v in r)
    assert "my-secret-password-1" not in dump and "my-secret-password-1" not in caplog.text
    assert caplog.messages == ["log-in refused for a login ID that matches no account"]


def test_every_log_in_is_logged_with_its_account_and_never_the_password(db, suzuki, caplog):
    caplog.set_level(logging.INFO, logger="reseller_desk.services.auth")
    auth.login(db, "suzuki", PASSWORD)
    refused(db, "suzuki", "not-my-password")
    refused(db, "intruder", "guess-1234")
    deactivate(db, suzuki.id)
    refused(db, "suzuki", PASSWORD)
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "reseller_desk.services.auth"]
    assert lines == [(logging.INFO, "logged in: 'suzuki' (clerk)"),
                     (logging.WARNING, "log-in refused for login ID 'suzuki'"),
                     (logging.WARNING, "log-in refused for a login ID that matches no account"),
                     (logging.WARNING, "log-in refused for login ID 'suzuki'")]
    assert not any(secret in caplog.text for secret in (PASSWORD, "not-my-password", "guess-1234", "intruder"))


# -- demo accounts ---------------------------------------------------------------------------
def set_demo_database(db, demo: bool | None) -> None:
    with db.transaction() as session:
        info = session.get(DatabaseInfo, 1)
        if demo is None:
            session.delete(info)
        else:
            info.demo = demo


def test_a_demo_account_logs_into_a_demo_database_only(db, boss):
    staff.add_staff(db, boss, "kanri", "管理 花子", "manager", "kanri-demo", demo_account=True)
    for demo in (False, None):  # an office database, and one whose mark is missing
        set_demo_database(db, demo)
        assert refused(db, "kanri", "kanri-demo") == (
            "デモ用のアカウントは、デモ用のデータベースでしかログインできません。自分のアカウントでログインしてください。")
        assert refused(db, "kanri", "not-the-demo-pass") == WRONG  # said only once the password was right
    with db.transaction() as session:
        session.add(DatabaseInfo(id=1, demo=True))
    assert auth.login(db, "kanri", "kanri-demo").role == Role.MANAGER
    set_demo_database(db, False)
    failures = [r for r in list_audit(db, boss) if r.after == {"reason": "demo_account"}]
    assert len(failures) == 2 and {r.user_name for r in failures} == {"管理 花子"}


# -- the cost of a hash ----------------------------------------------------------------------
@pytest.mark.real_password_cost
def test_new_hashes_are_made_at_owasps_minimum_and_verify():
    assert (auth.SCRYPT_N, auth.SCRYPT_R, auth.SCRYPT_P) == (2**17, 8, 1)
    stored = auth.hash_password(PASSWORD)
    assert stored.startswith("scrypt$131072$8$1$") and PASSWORD not in stored
    assert auth.verify_password(PASSWORD, stored) and not auth.verify_password(PASSWORD + "x", stored)
    assert auth.hash_password(PASSWORD) != stored  # salted


@pytest.mark.real_password_cost
def test_a_hash_of_a_lower_cost_is_made_again_at_the_next_log_in(db, monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**14)
    old = auth.hash_password(PASSWORD)
    monkeypatch.setattr(auth, "SCRYPT_N", 2**17)
    with db.transaction() as session:
        session.add(StaffUser(login="veteran", display_name="古参 一郎", role=Role.CLERK, password_hash=old))
    assert old.startswith("scrypt$16384$") and auth.needs_rehash(old)
    refused(db, "veteran", "wrong-password")
    assert row(db, 1).password_hash == old  # a failure changes nothing
    auth.login(db, "veteran", PASSWORD)
    renewed = row(db, 1).password_hash
    assert renewed.startswith("scrypt$131072$8$1$") and not auth.needs_rehash(renewed)
    auth.login(db, "veteran", PASSWORD)
    assert row(db, 1).password_hash == renewed


@pytest.mark.parametrize("stored", [
    None, "", "plain-text-password", "bcrypt$16384$8$1$00$00", "scrypt$16384$8$1$00",
    "scrypt$abc$8$1$00$00", "scrypt$16384$8$1$zz$00", "scrypt$16384$8$1$00$", "scrypt$16384$8$1$00$0",
    "scrypt$3$8$1$00$00", "scrypt$1048576$8$1$00$00", "scrypt$99999999999999999999$8$1$00$00",
    "scrypt$262144$16$1$00$00", "scrypt$131072$8$4$00$00",  # more work than twice today's
])
def test_a_malformed_stored_hash_never_verifies(stored, scrypt_calls):
    assert auth.verify_password("anything", stored) is False
    assert scrypt_calls.calls == []


# -- one's own password ----------------------------------------------------------------------
def test_anyone_changes_their_own_password_given_the_current_one(db, boss, suzuki):
    clerk = auth.login(db, "suzuki", PASSWORD)
    with pytest.raises(ValidationFailed) as error:
        auth.change_own_password(db, clerk, "not-my-password", "new-password-1")
    assert error.value.errors == {"current_password": "今のパスワードが違います。"}
    auth.change_own_password(db, clerk, PASSWORD, "new-password-1")
    assert auth.login(db, "suzuki", "new-password-1").user_id == suzuki.id
    assert refused(db, "suzuki", PASSWORD) == WRONG
    changes = [r for r in list_audit(db, boss, user_id=suzuki.id) if r.action == "staff.password"]
    assert [r.summary for r in changes] == ["鈴木 花子"]


@pytest.mark.parametrize("new, message", [
    ("short", "パスワードは8文字以上にしてください。"), (" padded-password ", "パスワードの前後に空白は使えません。"),
    (PASSWORD, "新しいパスワードは、今のパスワードと違うものにしてください。"),
])
def test_a_bad_new_password_is_refused_beside_its_field_and_nothing_is_written(db, boss, new, message):
    before = len(list_audit(db, boss))
    with pytest.raises(ValidationFailed) as error:
        auth.change_own_password(db, boss, PASSWORD, new)
    assert error.value.errors == {"password": message}
    assert len(list_audit(db, boss)) == before
    assert auth.login(db, "boss", PASSWORD).user_id == boss.user_id


def test_without_an_actor_password_services_refuse_as_permission_denied(db, boss):
    with pytest.raises(PermissionDenied):
        auth.change_own_password(db, None, PASSWORD, "new-password-1")
    with pytest.raises(PermissionDenied):
        auth.must_change_password(db, None)


def test_after_a_reset_only_the_own_password_can_be_changed_and_that_ends_the_wait(db, boss, suzuki):
    temporary = staff.reset_password(db, boss, suzuki.id, expected_version=staff_now(db, suzuki.id)).password
    clerk = auth.login(db, "suzuki", temporary)
    assert auth.must_change_password(db, clerk)
    with pytest.raises(PermissionDenied, match="パスワードの変更を待っています"):
        customers.add_customer(db, clerk, YAMADA)
    auth.change_own_password(db, clerk, temporary, "my-own-password")
    assert not auth.must_change_password(db, clerk)
    assert customers.add_customer(db, clerk, YAMADA).id
    with db.transaction() as session:
        assert session.scalars(select(StaffUser.must_change_password).where(StaffUser.id == suzuki.id)).one() is False


@pytest.mark.sqlite_only
def test_a_read_only_database_checks_a_log_in_and_writes_nothing(db, boss, suzuki, tmp_path):
    from reseller_desk.db.database import Database

    path = tmp_path / "test.sqlite3"  # the db fixture's file
    before = len(list_audit(db, boss))
    read_only = Database.open(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert read_only.read_only
        assert auth.login(read_only, "suzuki", PASSWORD).user_id == suzuki.id
        assert refused(read_only, "suzuki", "guess-guess") == WRONG
        assert refused(read_only, "nobody", PASSWORD) == WRONG
    finally:
        read_only.dispose()
    assert len(list_audit(db, boss)) == before and row(db, suzuki.id).failed_logins == 0

"""Who is working: log-in, the first manager, staff and passwords, and the log lines every
log-in leaves (the login ID, never the password)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import update

from reseller_desk.db.models import StaffUser
from reseller_desk.domain.staff import Role
from reseller_desk.services import auth
from reseller_desk.services.audit import list_audit
from reseller_desk.services.auth import AuthenticationFailed
from reseller_desk.services.errors import NotFound, PermissionDenied, ValidationFailed

PASSWORD = "correct-horse"
WRONG = "ログインIDかパスワードが違います。"


@pytest.fixture
def boss(db) -> auth.Actor:
    return auth.create_first_manager(db, "boss", "社長 一郎", PASSWORD)


@pytest.fixture
def staff(db, boss) -> auth.StaffInfo:
    return auth.add_staff(db, boss, "suzuki", "鈴木 花子", "clerk", PASSWORD)


def deactivate(db, user_id: int) -> None:
    with db.transaction() as session:
        session.execute(update(StaffUser).where(StaffUser.id == user_id).values(active=False))


def test_a_staff_member_logs_in_with_login_and_password(db, staff):
    actor = auth.login(db, " suzuki ", PASSWORD)
    assert (actor.user_id, actor.login, actor.name, actor.role) == (staff.id, "suzuki", "鈴木 花子", Role.CLERK)


@pytest.mark.parametrize("login_id, password", [("suzuki", "wrong-password"), ("nobody", PASSWORD), ("", "")])
def test_a_wrong_login_or_password_is_refused_without_saying_which(db, staff, login_id, password):
    with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
        auth.login(db, login_id, password)


def test_an_inactive_staff_member_cannot_log_in(db, staff):
    deactivate(db, staff.id)
    with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
        auth.login(db, "suzuki", PASSWORD)


def test_a_staff_member_without_a_password_cannot_log_in(db, boss):
    with db.transaction() as session:
        session.add(StaffUser(login="nopass", display_name="未設定", role=Role.CLERK, password_hash=None))
    with pytest.raises(AuthenticationFailed, match=f"^{WRONG}$"):
        auth.login(db, "nopass", "")


def test_every_log_in_is_logged_with_its_login_id_and_never_the_password(db, staff, caplog):
    caplog.set_level(logging.INFO, logger="reseller_desk.services.auth")
    auth.login(db, "suzuki", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        auth.login(db, "suzuki", "not-my-password")
    with pytest.raises(AuthenticationFailed):
        auth.login(db, "intruder", "guess-1234")
    lines = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "reseller_desk.services.auth"]
    assert lines == [(logging.INFO, "logged in: 'suzuki' (clerk)"),
                     (logging.WARNING, "log-in refused for login ID 'suzuki'"),
                     (logging.WARNING, "log-in refused for login ID 'intruder'")]
    assert not any(secret in caplog.text for secret in (PASSWORD, "not-my-password", "guess-1234"))


def test_a_failed_log_in_of_an_inactive_member_is_logged_too(db, staff, caplog):
    deactivate(db, staff.id)
    caplog.set_level(logging.INFO, logger="reseller_desk.services.auth")
    with pytest.raises(AuthenticationFailed):
        auth.login(db, "suzuki", PASSWORD)
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "log-in refused for login ID 'suzuki'")]


def test_the_first_manager_is_registered_once(db, boss):
    assert boss.role is Role.MANAGER
    with pytest.raises(PermissionDenied, match="^担当者は既に登録されています。追加は管理者が行います。$"):
        auth.create_first_manager(db, "second", "二番 次郎", PASSWORD)
    assert [s.login for s in auth.list_staff(db)] == ["boss"]
    [entry] = list_audit(db, boss, entity="staff")
    assert entry.action == "staff.add" and entry.after == {"login": "boss", "name": "社長 一郎", "role": "manager"}


def test_a_first_manager_with_a_bad_login_or_short_password_is_refused(db):
    with pytest.raises(ValidationFailed) as error:
        auth.create_first_manager(db, "社長", " ", "short")
    assert error.value.errors == {
        "login": "ログインIDは半角英数字（2〜50文字、「_」「.」「-」可）です。", "name": "氏名を入力してください。",
        "password": "パスワードは8文字以上にしてください。"}
    assert not auth.has_staff(db)


def test_only_a_manager_adds_staff(db, staff):
    clerk = auth.login(db, "suzuki", PASSWORD)
    with pytest.raises(PermissionDenied, match="「担当者の追加」は管理者だけが行えます"):
        auth.add_staff(db, clerk, "tanaka", "田中 三郎", "clerk", PASSWORD)


def test_a_login_is_used_once(db, boss, staff):
    with pytest.raises(ValidationFailed) as error:
        auth.add_staff(db, boss, "suzuki", "別の 鈴木", "clerk", PASSWORD)
    assert error.value.errors == {"login": "ログインID「suzuki」は使われています。"}


def test_anyone_sets_their_own_password(db, staff):
    clerk = auth.login(db, "suzuki", PASSWORD)
    auth.set_password(db, clerk, staff.id, "new-password-1")
    assert auth.login(db, "suzuki", "new-password-1").user_id == staff.id
    with pytest.raises(AuthenticationFailed):
        auth.login(db, "suzuki", PASSWORD)


def test_setting_another_members_password_needs_a_manager(db, boss, staff):
    clerk = auth.login(db, "suzuki", PASSWORD)
    with pytest.raises(PermissionDenied, match="「他の担当者のパスワード変更」は管理者だけが行えます"):
        auth.set_password(db, clerk, boss.user_id, "taken-over-1")
    assert auth.login(db, "boss", PASSWORD).user_id == boss.user_id
    auth.set_password(db, boss, staff.id, "reset-by-boss")
    assert auth.login(db, "suzuki", "reset-by-boss").user_id == staff.id


def test_a_password_for_a_member_not_on_file_is_not_found(db, boss):
    with pytest.raises(NotFound, match="^担当者 999 は見つかりません。$"):
        auth.set_password(db, boss, 999, "whatever-123")


@pytest.mark.parametrize("password, message", [
    ("short", "パスワードは8文字以上にしてください。"), (" padded-password ", "パスワードの前後に空白は使えません。"),
])
def test_a_bad_new_password_is_refused_beside_its_field(db, boss, password, message):
    with pytest.raises(ValidationFailed) as error:
        auth.set_password(db, boss, boss.user_id, password)
    assert error.value.errors == {"password": message}
    assert auth.login(db, "boss", PASSWORD).user_id == boss.user_id


@pytest.mark.parametrize("stored", [
    None, "", "plain-text-password", "bcrypt$16384$8$1$00$00", "scrypt$16384$8$1$00",
    "scrypt$abc$8$1$00$00", "scrypt$16384$8$1$zz$00", "scrypt$16384$8$1$00$", "scrypt$16384$8$1$00$0",
    "scrypt$3$8$1$00$00", "scrypt$1048576$8$1$00$00", "scrypt$99999999999999999999$8$1$00$00",
])
def test_a_malformed_stored_hash_never_verifies(stored):
    assert auth.verify_password("anything", stored) is False


def test_a_stored_hash_verifies_its_own_password_only():
    stored = auth.hash_password(PASSWORD)
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored
    assert auth.verify_password(PASSWORD, stored) and not auth.verify_password(PASSWORD + "x", stored)
    assert auth.hash_password(PASSWORD) != stored  # salted

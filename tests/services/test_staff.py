"""Managing staff accounts: the first manager, adding, roles, deactivating (never deleting),
resets with a temporary password, the last manager kept, and an open window of someone changed
that can do nothing more — shown through real services (a customer, an approval)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import text

from reseller_desk import clock
from reseller_desk.db.models import DatabaseInfo
from reseller_desk.domain.staff import Role
from reseller_desk.services import applications as apps
from reseller_desk.services import auth, customers, staff
from reseller_desk.services.audit import list_audit
from reseller_desk.services.auth import AuthenticationFailed
from reseller_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from tests.versions import application_now, staff_now

from .builders import TODAY, YAMADA, sc_input, screened_clear

PASSWORD = "correct-horse"  # the password of boss and suzuki (conftest)


def log_in(db, login_id: str, password: str = PASSWORD) -> auth.Actor:
    return auth.login(db, login_id, password)


def audit_actions(db, manager, user_id: int) -> list[str]:
    return [r.action for r in list_audit(db, manager, entity="staff", entity_id=user_id)
            if not r.action.startswith("staff.login")]


# -- the first manager and adding --------------------------------------------------------------
def test_the_first_manager_is_registered_once(db, boss):
    assert boss.role is Role.MANAGER
    with pytest.raises(PermissionDenied, match="^担当者は既に登録されています。追加は管理者が行います。$"):
        staff.create_first_manager(db, "second", "二番 次郎", PASSWORD)
    assert [s.login for s in staff.list_staff(db)] == ["boss"]
    [entry] = list_audit(db, boss, entity="staff")
    assert entry.action == "staff.add" and entry.after == {"login": "boss", "name": "社長 一郎", "role": "manager"}


def test_a_first_manager_with_a_bad_login_or_short_password_is_refused(db):
    with pytest.raises(ValidationFailed) as error:
        staff.create_first_manager(db, "社長", " \u200b", "short")
    assert error.value.errors == {
        "login": "ログインIDは半角英数字（2〜50文字、「_」「.」「-」可）です。", "name": "氏名を入力してください。",
        "password": "パスワードは8文字以上にしてください。"}
    assert not staff.has_staff(db)


def test_a_name_is_cleaned_and_fits_its_column(db, boss):
    with pytest.raises(ValidationFailed) as error:
        staff.add_staff(db, boss, "long", "長" * 51, "clerk", PASSWORD)
    assert error.value.errors == {"name": "氏名は50文字以内で入力してください（51文字）。"}
    added = staff.add_staff(db, boss, "tab", "田中\t\u202e三郎\x07", "clerk", PASSWORD)
    assert added.name == "田中 三郎"


def test_only_a_manager_adds_staff(db, suzuki):
    clerk = log_in(db, "suzuki")
    with pytest.raises(PermissionDenied, match="「担当者の追加」は管理者だけが行えます"):
        staff.add_staff(db, clerk, "tanaka", "田中 三郎", "clerk", PASSWORD)


def test_a_login_is_used_once(db, boss, suzuki):
    with pytest.raises(ValidationFailed) as error:
        staff.add_staff(db, boss, "suzuki", "別の 鈴木", "clerk", PASSWORD)
    assert error.value.errors == {"login": "ログインID「suzuki」は使われています。"}


def test_a_member_added_in_the_window_gets_a_temporary_password_to_change_at_the_first_log_in(db, boss):
    issued = staff.add_staff_with_temporary_password(db, boss, "tanaka", "田中 三郎", "clerk")
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", issued.password)
    assert issued.staff.must_change_password and issued.staff.role == Role.CLERK
    newcomer = log_in(db, "tanaka", issued.password)
    assert auth.must_change_password(db, newcomer)
    with pytest.raises(PermissionDenied, match="パスワードの変更を待っています"):
        customers.add_customer(db, newcomer, YAMADA)
    auth.change_own_password(db, newcomer, issued.password, "tanaka-own-1")
    assert customers.add_customer(db, newcomer, YAMADA).id


def test_temporary_passwords_differ_and_pass_the_password_rules():
    made = {staff.temporary_password() for _ in range(50)}
    assert len(made) == 50 and all(auth.password_problem(p) is None for p in made)


# -- roles -------------------------------------------------------------------------------------
def test_a_manager_changes_a_role_and_the_old_log_in_can_do_nothing_more(db, boss, suzuki):
    old_clerk = log_in(db, "suzuki")
    promoted = staff.change_role(db, boss, suzuki.id, "manager", expected_version=staff_now(db, suzuki.id))
    assert promoted.role == Role.MANAGER
    with pytest.raises(PermissionDenied, match="役割が「管理者」に変わりました"):
        customers.add_customer(db, old_clerk, YAMADA)
    assert log_in(db, "suzuki").role == Role.MANAGER
    [entry] = [r for r in list_audit(db, boss, entity="staff") if r.action == "staff.role"]
    assert (entry.before, entry.after, entry.summary) == (
        {"role": "clerk"}, {"role": "manager"}, "鈴木 花子（事務→管理者）")


def test_a_demoted_managers_open_window_cannot_approve(db, boss, suzuki, office):
    staff.change_role(db, boss, suzuki.id, "manager", expected_version=staff_now(db, suzuki.id))
    second = log_in(db, "suzuki")
    application_id = apps.create_application(db, second, sc_input(office), today=TODAY).id
    screened_clear(db, second, application_id)
    staff.change_role(db, boss, suzuki.id, "clerk", expected_version=staff_now(db, suzuki.id))
    with pytest.raises(PermissionDenied, match="^鈴木 花子さんのアカウントは役割が「事務」に変わりました。ログインし直してください。$"):
        apps.approve_application(db, second, application_id, expected_version=application_now(db, application_id),
                                 today=TODAY)
    assert apps.get_application(db, application_id).status_label == "審査中"
    assert apps.approve_application(db, boss, application_id, expected_version=application_now(db, application_id),
                                    today=TODAY).status_label == "承諾"


def test_only_a_manager_changes_roles_and_an_unknown_role_is_refused(db, boss, suzuki):
    clerk = log_in(db, "suzuki")
    with pytest.raises(PermissionDenied, match="「担当者の役割の変更」は管理者だけが行えます"):
        staff.change_role(db, clerk, suzuki.id, "manager", expected_version=staff_now(db, suzuki.id))
    with pytest.raises(ValidationFailed) as error:
        staff.change_role(db, boss, suzuki.id, "root", expected_version=staff_now(db, suzuki.id))
    assert error.value.errors == {"role": "役割は「事務」か「管理者」を選んでください。"}
    with pytest.raises(NotFound, match="^担当者 999 は見つかりません。$"):
        staff.change_role(db, boss, 999, "clerk", expected_version=staff_now(db, 999))


# -- the last manager --------------------------------------------------------------------------
LAST = "社長 一郎さんは、ログインできる最後の管理者です。"


def test_the_last_manager_who_can_log_in_is_neither_demoted_nor_deactivated(db, boss, suzuki):
    with pytest.raises(PermissionDenied, match=f"^{LAST}事務にすると、誰も担当者や設定を管理できなくなります。"):
        staff.change_role(db, boss, boss.user_id, "clerk", expected_version=staff_now(db, boss.user_id))
    # A demo manager in an office database does not count: it cannot log in here.
    staff.add_staff(db, boss, "kanri", "管理 デモ", "manager", "kanri-demo", demo_account=True)
    with pytest.raises(PermissionDenied, match=LAST):
        staff.change_role(db, boss, boss.user_id, "clerk", expected_version=staff_now(db, boss.user_id))
    staff.change_role(db, boss, suzuki.id, "manager", expected_version=staff_now(db, suzuki.id))
    second = log_in(db, "suzuki")
    with pytest.raises(PermissionDenied, match="^自分のアカウントは無効にできません。"):
        staff.set_active(db, boss, boss.user_id, False, expected_version=staff_now(db, boss.user_id))
    staff.set_active(db, second, boss.user_id, False, expected_version=staff_now(db, boss.user_id))  # two managers: one may go
    with pytest.raises(PermissionDenied, match="^鈴木 花子さんは、ログインできる最後の管理者です。事務にすると"):
        staff.change_role(db, second, suzuki.id, "clerk", expected_version=staff_now(db, suzuki.id))
    assert [(s.login, s.role, s.active) for s in staff.list_staff(db)] == [
        ("boss", Role.MANAGER, False), ("suzuki", Role.MANAGER, True), ("kanri", Role.MANAGER, True)]


# -- deactivating, never deleting ------------------------------------------------------------
def test_a_deactivated_member_cannot_log_in_and_their_open_window_can_do_nothing(db, boss, suzuki):
    clerk = log_in(db, "suzuki")
    left = staff.set_active(db, boss, suzuki.id, False, expected_version=staff_now(db, suzuki.id))
    assert not left.active
    with pytest.raises(PermissionDenied, match="^鈴木 花子さんのアカウントは無効になっています。ログインし直してください。$"):
        customers.add_customer(db, clerk, YAMADA)
    with pytest.raises(AuthenticationFailed):
        log_in(db, "suzuki")
    assert [s.login for s in staff.list_staff(db)] == ["boss", "suzuki"]  # still on file
    assert staff.set_active(db, boss, suzuki.id, True, expected_version=staff_now(db, suzuki.id)).active
    assert customers.add_customer(db, log_in(db, "suzuki"), YAMADA).id
    assert audit_actions(db, boss, suzuki.id) == ["staff.activate", "staff.deactivate", "staff.add"]
    assert customers.count_customers(db) == 1


def test_deactivating_twice_writes_one_record(db, boss, suzuki):
    staff.set_active(db, boss, suzuki.id, False, expected_version=staff_now(db, suzuki.id))
    staff.set_active(db, boss, suzuki.id, False, expected_version=staff_now(db, suzuki.id))
    assert audit_actions(db, boss, suzuki.id) == ["staff.deactivate", "staff.add"]


def test_only_a_manager_deactivates(db, boss, suzuki):
    with pytest.raises(PermissionDenied, match="「担当者の無効化・再開」は管理者だけが行えます"):
        staff.set_active(db, log_in(db, "suzuki"), boss.user_id, False, expected_version=staff_now(db, boss.user_id))


# -- resets ----------------------------------------------------------------------------------
def test_a_reset_gives_a_temporary_password_shown_once_and_kept_nowhere(db, boss, suzuki):
    clerk = log_in(db, "suzuki")
    issued = staff.reset_password(db, boss, suzuki.id, expected_version=staff_now(db, suzuki.id))
    assert issued.staff.must_change_password
    with pytest.raises(AuthenticationFailed):
        log_in(db, "suzuki", PASSWORD)
    with pytest.raises(PermissionDenied, match="パスワードの変更を待っています"):
        customers.add_customer(db, clerk, YAMADA)  # the window open before the reset
    assert auth.must_change_password(db, log_in(db, "suzuki", issued.password))
    with db.transaction() as session:
        stored = " ".join(str(v) for table in ("audit_log", "staff_users")
                          for r in session.execute(text(f"SELECT * FROM {table}")) for v in r)
    assert issued.password not in stored
    assert audit_actions(db, boss, suzuki.id) == ["staff.password_reset", "staff.add"]


def test_a_reset_ends_the_wait_after_failed_log_ins(db, boss, suzuki):
    with clock.frozen(dt.datetime(2026, 11, 20, 9, 0)):
        for _ in range(7):  # the 6th and 7th come during the wait and do not count
            with pytest.raises(AuthenticationFailed):
                log_in(db, "suzuki", "guess-guess")
        waiting = next(s for s in staff.list_staff(db) if s.login == "suzuki").waiting_until
        assert waiting == dt.datetime(2026, 11, 20, 9, 0, 30, tzinfo=clock.JST)  # 30 s after the 5th
        issued = staff.reset_password(db, boss, suzuki.id, expected_version=staff_now(db, suzuki.id))
        assert log_in(db, "suzuki", issued.password).user_id == suzuki.id
        assert next(s for s in staff.list_staff(db) if s.login == "suzuki").waiting_until is None


def test_a_reset_is_for_a_manager_and_for_someone_else(db, boss, suzuki):
    with pytest.raises(PermissionDenied, match="「パスワードのリセット」は管理者だけが行えます"):
        staff.reset_password(db, log_in(db, "suzuki"), boss.user_id, expected_version=staff_now(db, boss.user_id))
    with pytest.raises(PermissionDenied, match="^自分のパスワードは「パスワードの変更」で変えてください。$"):
        staff.reset_password(db, boss, boss.user_id, expected_version=staff_now(db, boss.user_id))
    with pytest.raises(NotFound):
        staff.reset_password(db, boss, 999, expected_version=staff_now(db, 999))


@pytest.mark.parametrize("call", [
    lambda db, uid: staff.add_staff(db, None, "x1", "x", "clerk", PASSWORD),
    lambda db, uid: staff.add_staff_with_temporary_password(db, None, "x1", "x", "clerk"),
    lambda db, uid: staff.change_role(db, None, uid, "manager", expected_version=staff_now(db, uid)),
    lambda db, uid: staff.set_active(db, None, uid, False, expected_version=staff_now(db, uid)),
    lambda db, uid: staff.reset_password(db, None, uid, expected_version=staff_now(db, uid)),
])
def test_without_an_actor_every_staff_service_refuses_as_permission_denied(db, suzuki, call):
    with pytest.raises(PermissionDenied, match="ログインしている担当者がいません"):
        call(db, suzuki.id)


def test_a_demo_database_counts_its_demo_managers(db, boss):
    with db.transaction() as session:
        session.get(DatabaseInfo, 1).demo = True
    staff.add_staff(db, boss, "kanri", "管理 デモ", "manager", "kanri-demo", demo_account=True)
    assert staff.change_role(db, boss, boss.user_id, "clerk", expected_version=staff_now(db, boss.user_id)).role == Role.CLERK


def test_find_staff_names_a_missing_login(db, suzuki):
    assert staff.find_staff(db, "suzuki").id == suzuki.id
    with pytest.raises(NotFound, match="^ログインID「ghost」の担当者はいません。$"):
        staff.find_staff(db, "ghost")

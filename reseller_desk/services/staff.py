"""Managing staff accounts (設定 → 担当者, ``reseller-desk user``): adding, changing a role,
deactivating and reactivating, resetting a password. A manager does each; each is one
transaction with its audit record.

An account is never deleted: the audit log names it. A deactivated account cannot log in, and
the window it still has open can do nothing more (``permissions.confirm_actor``). The office
always keeps one manager who can log in: the last one is neither deactivated nor demoted.

A reset gives a temporary password that the app makes up (:func:`temporary_password`), shown
once to the manager and kept nowhere but as its hash; its owner must choose a new one at the
next log-in before doing anything else. Log-in and passwords themselves are :mod:`.auth`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.codes import as_member
from reseller_desk.domain.text import clean_line, length_problem, text_type_problem
from reseller_desk.services import audit, database_info, versions
from reseller_desk.services.auth import actor_of, hash_password, login_problem, password_problem, waiting_until
from reseller_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

#: The display_name column (String(50)).
NAME_LIMIT = 50
#: The letters of a temporary password: no 0/O, 1/l/I, which are misread when copied by hand.
TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
LAST_MANAGER = ("{name}さんは、ログインできる最後の管理者です。{what}と、誰も担当者や設定を管理できなくなります。"
                "先にほかの担当者を管理者にしてください。")


@dataclass(frozen=True)
class StaffInfo:
    id: int
    login: str
    name: str
    role: Role
    active: bool
    demo_account: bool
    #: The version of the account the 担当者 tab shows; every change of it wants it back.
    row_version: int
    #: A manager reset the password: the next log-in must choose a new one.
    must_change_password: bool = False
    #: Until when (Japan time) log-ins wait after repeated failures; None when they need not.
    waiting_until: dt.datetime | None = None


@dataclass(frozen=True)
class TemporaryPassword:
    """A password the app made up, to be shown once and then forgotten."""

    staff: StaffInfo
    password: str


def _info(user: StaffUser) -> StaffInfo:
    until = waiting_until(user.failed_logins or 0, user.last_failed_login_at)
    waiting = clock.to_japan_time(until) if until is not None and until > clock.utcnow() else None
    return StaffInfo(user.id, user.login, user.display_name, Role(user.role), bool(user.active),
                     bool(user.demo_account), user.row_version, bool(user.must_change_password), waiting)


def temporary_password() -> str:
    """12 letters and digits in three groups (xxxx-xxxx-xxxx, about 59 bits), easy to read out."""
    groups = ("".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


# -- reading ---------------------------------------------------------------------------------
def has_staff(db: Database) -> bool:
    with db.transaction() as session:
        return session.scalars(select(StaffUser.id).limit(1)).first() is not None


def list_staff(db: Database) -> list[StaffInfo]:
    with db.transaction() as session:
        return [_info(u) for u in session.scalars(select(StaffUser).order_by(StaffUser.id))]


def find_staff(db: Database, login_id: str) -> StaffInfo:
    """The staff member with this login ID (for the CLI, which names accounts by their ID)."""
    with db.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.login == (login_id or "").strip())).first()
        if user is None:
            raise NotFound(f"ログインID「{login_id}」の担当者はいません。")
        return _info(user)


# -- adding ----------------------------------------------------------------------------------
def _check_new_user(login_id: str, display_name: str, role: Role | str, password: str | None) -> dict[str, str]:
    errors = {}
    problem = login_problem(login_id)
    if problem:
        errors["login"] = problem
    name = clean_line(display_name)
    problem = text_type_problem(display_name, "氏名") or (
        "氏名を入力してください。" if not name else length_problem(name, NAME_LIMIT, "氏名"))
    if problem:
        errors["name"] = problem
    if not isinstance(as_member(Role, role), Role):
        errors["role"] = "役割は「事務」か「管理者」を選んでください。"
    problem = password_problem(password) if password is not None else None
    if problem:
        errors["password"] = problem
    return errors


def _add_row(session: Session, login_id: str, display_name: str, role: Role | str, password_hash: str,
             demo: bool = False, must_change_password: bool = False) -> StaffUser:
    if session.scalars(select(StaffUser).where(StaffUser.login == login_id)).first() is not None:
        raise ValidationFailed({"login": f"ログインID「{login_id}」は使われています。"})
    user = StaffUser(login=login_id, display_name=clean_line(display_name), role=Role(role),
                     password_hash=password_hash, demo_account=demo, must_change_password=must_change_password)
    session.add(user)
    session.flush()
    return user


def insert_staff(session: Session, login_id: str, display_name: str, role: Role | str, password: str,
                 demo: bool = False) -> StaffUser:
    """Add a staff member inside the caller's transaction (already checked by the caller: the
    login and password rules, the role); refused when the login is taken. ``demo``: one of the
    demo database's accounts, whose passwords are public."""
    return _add_row(session, login_id, display_name, role, hash_password(password), demo)


@retried
def create_first_manager(db: Database, login_id: str, display_name: str, password: str) -> Actor:
    """The first 管理者 of a new database (asked for at the first start, or `reseller-desk user
    add`). Refused once any staff member exists: later ones are added by a manager."""
    errors = _check_new_user(login_id, display_name, Role.MANAGER, password)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction(write=True) as session:  # the losers of a race wait, then see the winner
        if session.scalars(select(StaffUser.id).limit(1)).first() is not None:
            raise PermissionDenied("担当者は既に登録されています。追加は管理者が行います。")
        user = insert_staff(session, login_id, display_name, Role.MANAGER, password)
        actor = actor_of(user)
        audit.record(session, actor, "staff.add", "staff", user.id,
                     after={"login": login_id, "name": user.display_name, "role": "manager"},
                     summary="最初の管理者を登録")
        return actor


def _add(db: Database, actor: Actor, login_id: str, display_name: str, role: Role | str, password: str, *,
         demo_account: bool, must_change_password: bool) -> StaffInfo:
    require_role(actor, Role.MANAGER, action="担当者の追加")
    errors = _check_new_user(login_id, display_name, role, password)
    if errors:
        raise ValidationFailed(errors)
    password_hash = hash_password(password)  # before the transaction: no lock is held for it
    with db.transaction(write=True) as session:
        user = _add_row(session, login_id, display_name, role, password_hash, demo_account, must_change_password)
        audit.record(session, actor, "staff.add", "staff", user.id,
                     after={"login": login_id, "name": user.display_name, "role": str(Role(role))},
                     summary=f"担当者追加: {user.display_name}")
        return _info(user)


@retried
def add_staff(db: Database, actor: Actor, login_id: str, display_name: str, role: Role | str, password: str,
              *, demo_account: bool = False) -> StaffInfo:
    """A new staff member with the password the manager typed (``reseller-desk user add``)."""
    return _add(db, actor, login_id, display_name, role, password, demo_account=demo_account,
                must_change_password=False)


@retried
def add_staff_with_temporary_password(db: Database, actor: Actor, login_id: str, display_name: str,
                                      role: Role | str) -> TemporaryPassword:
    """A new staff member with a temporary password the app makes up (設定 → 担当者): shown
    once to the manager; the new member chooses their own at the first log-in."""
    password = temporary_password()
    staff = _add(db, actor, login_id, display_name, role, password, demo_account=False, must_change_password=True)
    return TemporaryPassword(staff, password)


# -- changing --------------------------------------------------------------------------------
def _target(session: Session, actor: Actor, user_id: int, expected_version: int) -> StaffUser:
    """The account to change, refused as a ConcurrentEdit naming who changed it last when the
    tab was showing another version of it (a log-in does not change the version)."""
    confirm_actor(session, actor)
    user = session.get(StaffUser, user_id) if is_record_id(user_id) else None
    if user is None:
        raise NotFound(f"担当者 {user_id} は見つかりません。")
    versions.check(session, versions.STAFF, user.id, user.row_version, expected_version)
    return user


def _can_log_in_as_manager(session: Session) -> list[int]:
    """The managers who can log in here: active, with a password, and not a demo account on a
    database that is not a demo (those are refused at log-in)."""
    query = select(StaffUser.id).where(StaffUser.role == Role.MANAGER, StaffUser.active.is_(True),
                                       StaffUser.password_hash.is_not(None))
    if not database_info.is_demo(session):
        query = query.where(StaffUser.demo_account.is_(False))
    return list(session.scalars(query))


def _refuse_last_manager(session: Session, user: StaffUser, what: str) -> None:
    if _can_log_in_as_manager(session) == [user.id]:
        raise PermissionDenied(LAST_MANAGER.format(name=user.display_name, what=what))


@retried
def change_role(db: Database, actor: Actor, user_id: int, role: Role | str, *, expected_version: int) -> StaffInfo:
    """事務 ↔ 管理者. The staff member's open window can do nothing more; they log in again.
    ``expected_version``: the row_version of the account the tab showed."""
    require_role(actor, Role.MANAGER, action="担当者の役割の変更")
    new_role = as_member(Role, role)
    if not isinstance(new_role, Role):
        raise ValidationFailed({"role": "役割は「事務」か「管理者」を選んでください。"})
    with versions.refusing_lost_updates(versions.STAFF), db.transaction(write=True) as session:
        user = _target(session, actor, user_id, expected_version)
        old_role = Role(user.role)
        if old_role == new_role:
            return _info(user)
        if old_role == Role.MANAGER:
            _refuse_last_manager(session, user, "事務にする")
        user.role = new_role
        audit.record(session, actor, "staff.role", "staff", user.id, before={"role": str(old_role)},
                     after={"role": str(new_role)},
                     summary=f"{user.display_name}（{old_role.label}→{new_role.label}）")
        session.flush()  # the new row_version, for the StaffInfo returned
        return _info(user)


@retried
def set_active(db: Database, actor: Actor, user_id: int, active: bool, *, expected_version: int) -> StaffInfo:
    """Deactivate (the account cannot log in and its open window can do nothing more) or
    reactivate an account; never delete it. A manager's own account is not deactivated here.
    ``expected_version``: the row_version of the account the tab showed."""
    require_role(actor, Role.MANAGER, action="担当者の無効化・再開")
    if not isinstance(active, bool):
        raise ValidationFailed({"active": "有効か無効かを選んでください。"})
    with versions.refusing_lost_updates(versions.STAFF), db.transaction(write=True) as session:
        user = _target(session, actor, user_id, expected_version)
        if bool(user.active) == bool(active):
            return _info(user)
        if not active:
            if user.id == actor.user_id:
                raise PermissionDenied("自分のアカウントは無効にできません。ほかの管理者に依頼してください。")
            if Role(user.role) == Role.MANAGER:
                _refuse_last_manager(session, user, "無効にする")
        user.active = bool(active)
        if active:
            user.failed_logins, user.last_failed_login_at = 0, None
        audit.record(session, actor, "staff.activate" if active else "staff.deactivate", "staff", user.id,
                     before={"active": not active}, after={"active": bool(active)},
                     summary=user.display_name)
        session.flush()  # the new row_version, for the StaffInfo returned
        return _info(user)


@retried
def reset_password(db: Database, actor: Actor, user_id: int, *, expected_version: int) -> TemporaryPassword:
    """A new temporary password for someone who forgot theirs (a manager; one's own password
    is changed with ``auth.change_own_password``). It also ends a wait after failed log-ins.
    The staff member's open window can do nothing more until they chose a new password.
    ``expected_version``: the row_version of the account the tab showed."""
    require_role(actor, Role.MANAGER, action="パスワードのリセット")
    if user_id == actor.user_id:
        raise PermissionDenied("自分のパスワードは「パスワードの変更」で変えてください。")
    password = temporary_password()
    password_hash = hash_password(password)
    with versions.refusing_lost_updates(versions.STAFF), db.transaction(write=True) as session:
        user = _target(session, actor, user_id, expected_version)
        user.password_hash = password_hash
        user.must_change_password = True
        user.failed_logins, user.last_failed_login_at = 0, None
        audit.record(session, actor, "staff.password_reset", "staff", user.id,
                     summary=user.display_name)
        session.flush()  # the new row_version, for the StaffInfo returned
        return TemporaryPassword(_info(user), password)

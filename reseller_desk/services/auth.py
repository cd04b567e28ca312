"""Who is working, and what they may do. Permissions are checked here, in services, not only
by hiding buttons.

Every log-in is logged (``logging``, this module's logger): an INFO line for each one that
succeeds and a WARNING for each that fails, naming the login ID as typed and never the
password, so that an office can see who worked when and notice guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.domain.codes import as_member
from reseller_desk.services import audit
from reseller_desk.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, require_role

log = logging.getLogger(__name__)


class AuthenticationFailed(ServiceError):
    pass


#: scrypt parameters (RFC 7914): n=2**14, r=8, p=1 takes ~50 ms and 16 MiB here, a fair cost
#: for a log-in and a large one for guessing.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
#: The largest parameters a stored hash may ask for: a damaged or planted hash must not make
#: a log-in take minutes or all the memory.
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**16, 16, 4
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    """A salted slow hash (hashlib.scrypt) in the form scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` (:func:`hash_password`'s form) was made from.
    A stored value that is not such a hash — empty, another scheme, damaged, or with scrypt
    parameters out of bounds — never verifies, and never raises."""
    if not stored:
        return False
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    _scheme, n, r, p, salt, digest = parts
    if not (n.isdigit() and r.isdigit() and p.isdigit() and digest):
        return False
    if not (1 < int(n) <= MAX_SCRYPT_N and 0 < int(r) <= MAX_SCRYPT_R and 0 < int(p) <= MAX_SCRYPT_P):
        return False
    try:
        candidate = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                   dklen=len(bytes.fromhex(digest)))
    except (ValueError, MemoryError):  # bad hex, n not a power of 2, more memory than scrypt allows
        return False
    return hmac.compare_digest(candidate.hex(), digest.lower())


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"
    if password.strip() != password:
        return "パスワードの前後に空白は使えません。"
    return None


def login_problem(login: str) -> str | None:
    if not re.fullmatch(r"[A-Za-z0-9_.\-]{2,50}", login or ""):
        return "ログインIDは半角英数字（2〜50文字、「_」「.」「-」可）です。"
    return None


@dataclass(frozen=True)
class StaffInfo:
    id: int
    login: str
    name: str
    role: Role
    active: bool
    demo_account: bool


def _info(user: StaffUser) -> StaffInfo:
    return StaffInfo(user.id, user.login, user.display_name, Role(user.role), user.active, user.demo_account)


def has_staff(db: Database) -> bool:
    with db.transaction() as session:
        return session.scalars(select(StaffUser.id).limit(1)).first() is not None


def list_staff(db: Database) -> list[StaffInfo]:
    with db.transaction() as session:
        return [_info(u) for u in session.scalars(select(StaffUser).order_by(StaffUser.id))]


def login(db: Database, login_id: str, password: str) -> Actor:
    """The staff member whose login and password these are. The message never says which of
    the two was wrong."""
    typed = (login_id or "").strip()
    with db.transaction() as session:
        user = session.scalars(select(StaffUser).where(StaffUser.login == typed)).first()
        if user is None or not user.active or not verify_password(password, user.password_hash):
            log.warning("log-in refused for login ID %r", typed)
            raise AuthenticationFailed("ログインIDかパスワードが違います。")
        log.info("logged in: %r (%s)", user.login, Role(user.role))
        return actor_of(user)


def _check_new_user(login_id: str, display_name: str, role: Role | str, password: str) -> dict[str, str]:
    errors = {}
    problem = login_problem(login_id)
    if problem:
        errors["login"] = problem
    if not display_name.strip():
        errors["name"] = "氏名を入力してください。"
    if not isinstance(as_member(Role, role), Role):
        errors["role"] = "役割は「事務」か「管理者」を選んでください。"
    problem = password_problem(password)
    if problem:
        errors["password"] = problem
    return errors


def insert_staff(session: Session, login_id: str, display_name: str, role: Role | str, password: str,
                 demo: bool = False) -> StaffUser:
    """Add a staff member inside the caller's transaction (already checked by the caller: the
    login and password rules, the role); refused when the login is taken. ``demo``: one of the
    demo database's accounts, whose passwords are public."""
    if session.scalars(select(StaffUser).where(StaffUser.login == login_id)).first() is not None:
        raise ValidationFailed({"login": f"ログインID「{login_id}」は使われています。"})
    user = StaffUser(login=login_id, display_name=display_name.strip(), role=Role(role),
                     password_hash=hash_password(password), demo_account=demo)
    session.add(user)
    session.flush()
    return user


def create_first_manager(db: Database, login_id: str, display_name: str, password: str) -> Actor:
    """The first 管理者 of a new database (asked for at the first start, or `reseller-desk user
    add`). Refused once any staff member exists: later ones are added by a manager."""
    errors = _check_new_user(login_id, display_name, Role.MANAGER, password)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction() as session:
        if session.scalars(select(StaffUser.id).limit(1)).first() is not None:
            raise PermissionDenied("担当者は既に登録されています。追加は管理者が行います。")
        user = insert_staff(session, login_id, display_name, Role.MANAGER, password)
        actor = actor_of(user)
        audit.record(session, actor, "staff.add", "staff", user.id,
                     after={"login": login_id, "name": display_name, "role": "manager"}, summary="最初の管理者を登録")
        return actor


def add_staff(db: Database, actor: Actor, login_id: str, display_name: str, role: Role | str, password: str,
              *, demo_account: bool = False) -> StaffInfo:
    require_role(actor, Role.MANAGER, action="担当者の追加")
    errors = _check_new_user(login_id, display_name, role, password)
    if errors:
        raise ValidationFailed(errors)
    with db.transaction() as session:
        user = insert_staff(session, login_id, display_name, role, password, demo_account)
        audit.record(session, actor, "staff.add", "staff", user.id,
                     after={"login": login_id, "name": display_name, "role": role},
                     summary=f"担当者追加: {display_name}")
        return _info(user)


def set_password(db: Database, actor: Actor, user_id: int, new_password: str) -> None:
    """A manager may set anyone's password; anyone may set their own."""
    if actor.user_id != user_id:
        require_role(actor, Role.MANAGER, action="他の担当者のパスワード変更")
    problem = password_problem(new_password)
    if problem:
        raise ValidationFailed({"password": problem})
    with db.transaction() as session:
        user = session.get(StaffUser, user_id)
        if user is None:
            raise NotFound(f"担当者 {user_id} は見つかりません。")
        user.password_hash = hash_password(new_password)
        audit.record(session, actor, "staff.password", "staff", user_id, summary=f"パスワード変更: {user.display_name}")


def actor_of(user: StaffUser) -> Actor:
    # Role(...): a row built in this session (not read back) still holds what it was given.
    return Actor(user.id, user.login, user.display_name, Role(user.role))

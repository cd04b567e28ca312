"""Log-in and passwords: who is working, and proving it.

Passwords are kept as salted scrypt hashes (RFC 7914) at N=2**17, r=8, p=1, OWASP's current
minimum: ~0.4 s and 128 MiB per hash here. A hash made at a lower cost is made again at the
current cost on its owner's next successful log-in.

Every log-in and every failed attempt is an audit record (``staff.login``,
``staff.login_failed``; managers read them in 操作履歴) and a log line: INFO for a log-in,
WARNING for a failure, naming the account's login ID — never a password, never a typed ID that
matches no account (people type their password into the ID field).

What a failure reveals: nothing. An unknown ID, an inactive account, an account waiting after
repeated failures and a wrong password get the same words and cost the same one scrypt (a
dummy hash of the current cost stands in for the missing one). After
:data:`FAILURES_BEFORE_WAIT` failures in a row an account waits (:func:`login_wait`): attempts
during the wait are refused without looking at the password. A demo account is refused on a
database not marked demo, in its own words, but only once its (public) password was right.

The managing of accounts (adding, roles, deactivating, resets) is :mod:`.staff`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.services import audit, database_info
from reseller_desk.services.errors import ConcurrentEdit, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_actor
from reseller_desk.services.retry import retried

log = logging.getLogger(__name__)

__all__ = ["Actor", "AuthenticationFailed", "Role", "actor_of", "change_own_password", "hash_password", "login",
           "login_problem", "login_wait", "must_change_password", "password_problem", "verify_password"]


class AuthenticationFailed(ServiceError):
    pass


WRONG_LOGIN = "ログインIDかパスワードが違います。"
DEMO_REFUSED = ("デモ用のアカウントは、デモ用のデータベースでしかログインできません。"
                "自分のアカウントでログインしてください。")

#: scrypt parameters of every new hash (OWASP's minimum). Tests lower SCRYPT_N for speed
#: (tests/conftest.py); the real default is asserted by tests/services/test_auth.py.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: The largest parameters a stored hash may ask for, and the most work (N·r·p) in all: a
#: damaged or planted hash must not make a log-in take many seconds or all the memory
#: (twice today's cost at most: 256 MiB).
MAX_SCRYPT_N, MAX_SCRYPT_R, MAX_SCRYPT_P = 2**18, 16, 4
MAX_SCRYPT_WORK = 2 * SCRYPT_N * SCRYPT_R * SCRYPT_P
MIN_PASSWORD_LENGTH = 8
#: A password longer than this is refused before it is hashed (and never verifies).
MAX_PASSWORD_LENGTH = 1024

#: Failed log-ins in a row after which the account waits; the first wait, doubling with each
#: further failure, up to the longest.
FAILURES_BEFORE_WAIT = 5
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)


def _scrypt(password: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    """The one call of the key derivation (tests count them). ``maxmem`` is what OpenSSL
    needs for these parameters (its V and B arrays: 128·r·(N+p+2) bytes), so that the cost
    of a hash is bounded by its parameters, not by OpenSSL's 32 MiB default."""
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=128 * r * (n + p + 2))


def hash_password(password: str) -> str:
    """A salted slow hash in the form scrypt$n$r$p$salt$hash (hex), at the current cost."""
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(password_problem(password))
    salt = secrets.token_bytes(16)
    digest = _scrypt(password.encode("utf-8", "surrogatepass"), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, 32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


@dataclass(frozen=True)
class _StoredHash:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def _parse(stored: str | None) -> _StoredHash | None:
    """The parts of a stored hash, or None when it is not one of ours within bounds."""
    parts = (stored or "").split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    _scheme, n, r, p, salt, digest = parts
    if not (n.isdigit() and r.isdigit() and p.isdigit() and digest) or len(n) > 8:
        return None
    cost = _StoredHash(int(n), int(r), int(p), b"", b"")
    if not (1 < cost.n <= MAX_SCRYPT_N and cost.n & (cost.n - 1) == 0 and 0 < cost.r <= MAX_SCRYPT_R
            and 0 < cost.p <= MAX_SCRYPT_P and cost.n * cost.r * cost.p <= MAX_SCRYPT_WORK):
        return None
    try:
        return _StoredHash(cost.n, cost.r, cost.p, bytes.fromhex(salt), bytes.fromhex(digest))
    except ValueError:
        return None


def verify_password(password: str, stored: str | None) -> bool:
    """Whether ``password`` is the one ``stored`` (:func:`hash_password`'s form) was made from.
    A stored value that is not such a hash — empty, another scheme, damaged, or with scrypt
    parameters out of bounds — never verifies, and never raises; nor does a password longer
    than :data:`MAX_PASSWORD_LENGTH`."""
    parsed = _parse(stored)
    if parsed is None or not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        candidate = _scrypt(password.encode("utf-8", "surrogatepass"), parsed.salt, parsed.n, parsed.r, parsed.p,
                            len(parsed.digest))
    except (ValueError, MemoryError):  # more memory than the machine gives
        return False
    return hmac.compare_digest(candidate, parsed.digest)


def needs_rehash(stored: str | None) -> bool:
    """Whether ``stored`` was made at a lower cost than today's."""
    parsed = _parse(stored)
    return parsed is not None and (parsed.n, parsed.r, parsed.p) < (SCRYPT_N, SCRYPT_R, SCRYPT_P)


_dummy: str | None = None


def _dummy_hash() -> str:
    """A stored hash of the current cost that no password matches (a random salt and a random
    digest: no scrypt is needed to make it), made once, lazily, and again when the cost
    changes. An unknown or inactive login is checked against it, so that it costs the same one
    scrypt as a wrong password — the first time too."""
    global _dummy
    prefix = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$"
    if _dummy is None or not _dummy.startswith(prefix):
        _dummy = f"{prefix}{secrets.token_hex(16)}${secrets.token_hex(32)}"
    return _dummy


def password_problem(password: object) -> str | None:
    if not isinstance(password, str):
        return "パスワードは文字で入力してください。"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"パスワードは{MAX_PASSWORD_LENGTH}文字以内にしてください。"
    if password.strip() != password:
        return "パスワードの前後に空白は使えません。"
    return None


def login_problem(login: object) -> str | None:
    if not isinstance(login, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]{2,50}", login):
        return "ログインIDは半角英数字（2〜50文字、「_」「.」「-」可）です。"
    return None


def login_wait(failures: int) -> dt.timedelta:
    """How long an account waits after ``failures`` failed log-ins in a row: nothing before
    the 5th, then 30 s, doubling with each further failure, at most 15 minutes."""
    if failures < FAILURES_BEFORE_WAIT:
        return dt.timedelta(0)
    wait: dt.timedelta = FIRST_WAIT * 2 ** min(failures - FAILURES_BEFORE_WAIT, 16)
    return min(wait, LONGEST_WAIT)


def waiting_until(failures: int, last_failure: dt.datetime | None) -> dt.datetime | None:
    """Until when (stored naive UTC) the account waits, or None when it need not."""
    wait = login_wait(failures)
    if not wait or last_failure is None:
        return None
    return last_failure + wait


class LoginFailure(StrEnum):
    """Why a log-in was refused, as the audit record keeps it (never said on screen)."""

    UNKNOWN = "unknown_login"
    INACTIVE = "inactive"
    WAITING = "waiting"
    PASSWORD = "password"
    DEMO = "demo_account"
    CHANGED = "changed"

    @property
    def label(self) -> str:
        return {"unknown_login": "登録のないログインID", "inactive": "無効のアカウント",
                "waiting": "連続失敗による待機中", "password": "パスワード違い",
                "demo_account": "デモ用アカウント（デモ用でないデータベース）",
                "changed": "確認中にアカウントが変更された"}[self.value]


@dataclass(frozen=True)
class _Account:
    """What the log-in read of the account, before the slow check."""

    id: int
    login: str
    name: str
    role: Role
    password_hash: str | None
    active: bool
    demo_account: bool
    failed_logins: int
    last_failed_login_at: dt.datetime | None


def _read_account(db: Database, typed: str) -> tuple[_Account | None, bool]:
    with db.transaction() as session:
        user = None
        if login_problem(typed) is None:  # no account has another form; a 1 MB ID is not looked up
            user = session.scalars(select(StaffUser).where(StaffUser.login == typed)).first()
        account = None if user is None else _Account(
            user.id, user.login, user.display_name, Role(user.role), user.password_hash, bool(user.active),
            bool(user.demo_account),
            user.failed_logins or 0, user.last_failed_login_at)
        return account, database_info.is_demo(session)


def _check(account: _Account | None, password: str, demo_database: bool, now: dt.datetime) -> LoginFailure | None:
    """Exactly one scrypt of the current cost, whatever the outcome (a stored hash of a lower
    cost is checked at its own)."""
    if account is None or not account.active:
        verify_password(password, _dummy_hash())
        return LoginFailure.UNKNOWN if account is None else LoginFailure.INACTIVE
    until = waiting_until(account.failed_logins, account.last_failed_login_at)
    if until is not None and now < until:
        verify_password(password, _dummy_hash())
        return LoginFailure.WAITING
    if account.password_hash is None:
        verify_password(password, _dummy_hash())
        return LoginFailure.PASSWORD
    if not verify_password(password, account.password_hash):
        return LoginFailure.PASSWORD
    if account.demo_account and not demo_database:
        return LoginFailure.DEMO
    return None


@retried
def login(db: Database, login_id: str, password: str) -> Actor:
    """The staff member whose login and password these are. The message never says which of
    the two was wrong, nor whether the ID exists.

    Two short transactions around the slow check (read the account; write the outcome and its
    audit record under the write lock), so that no transaction stays open — or holds the lock —
    for the ~0.4 s of a hash; the second re-reads the account and refuses one that changed
    meanwhile."""
    typed = (login_id or "").strip()
    password = password if isinstance(password, str) else ""
    now = clock.utcnow()
    account, demo_database = _read_account(db, typed)
    failure = _check(account, password, demo_database, now)
    if db.read_only:  # nothing can be recorded: the check alone (a wait already stored still holds)
        return _outcome(account, failure, actor=None)
    new_hash = hash_password(password) if failure is None and account and needs_rehash(account.password_hash) else None
    actor: Actor | None = None
    with db.transaction(write=True) as session:  # the count in a row is read, then written
        user = session.get(StaffUser, account.id) if account is not None else None
        if account is not None and (user is None or user.password_hash != account.password_hash
                                    or bool(user.active) != account.active):
            failure = failure or LoginFailure.CHANGED
        if failure is None and user is not None:
            _bookkeeping(session, user, failed_logins=0, last_failed_login_at=None,
                         **({"password_hash": new_hash} if new_hash is not None else {}))
            audit.record_log_in(session, user.id, "staff.login", summary=user.display_name)
            actor = actor_of(user)
        else:
            failure = failure or LoginFailure.UNKNOWN
            _record_failure(session, user, failure, now)
    return _outcome(account, failure, actor)


def _outcome(account: _Account | None, failure: LoginFailure | None, actor: Actor | None) -> Actor:
    """The log line of a log-in, and its Actor or its refusal."""
    if failure is not None or account is None:
        if account is None:
            log.warning("log-in refused for a login ID that matches no account")
        else:
            log.warning("log-in refused for login ID %r", account.login)
        raise AuthenticationFailed(DEMO_REFUSED if failure is LoginFailure.DEMO else WRONG_LOGIN)
    if actor is None:
        actor = Actor(account.id, account.login, account.name, account.role)
    log.info("logged in: %r (%s)", actor.login, actor.role)
    return actor


def _bookkeeping(session: Session, user: StaffUser, **values: object) -> None:
    """The log-in's own columns of ``user`` (failures in a row, a rehash), written past the
    row version: a log-in is no change a manager's 担当者 tab must reload for (models.StaffUser).
    The loaded ``user`` shows the values too."""
    if any(getattr(user, name) != value for name, value in values.items()):
        # A Core UPDATE: the ORM's flush of the same change would count it as a version.
        session.execute(update(StaffUser).where(StaffUser.id == user.id).values(**values)
                        .execution_options(synchronize_session=False))
        for name, value in values.items():
            set_committed_value(user, name, value)


def _record_failure(session: Session, user: StaffUser | None, failure: LoginFailure, now: dt.datetime) -> None:
    """The audit record of a refused log-in; a wrong password also counts towards the wait."""
    after: dict[str, object] = {"reason": str(failure)}
    if user is not None and failure is LoginFailure.PASSWORD:
        _bookkeeping(session, user, failed_logins=(user.failed_logins or 0) + 1, last_failed_login_at=now)
        after["failed_logins"] = user.failed_logins
    summary = f"{user.display_name}（{failure.label}）" if user is not None else failure.label
    audit.record_log_in(session, user.id if user is not None else None, "staff.login_failed", summary=summary,
                        after=after)


def must_change_password(db: Database, actor: Actor) -> bool:
    """Whether ``actor`` must choose a new password before doing anything else (a manager
    reset it): the window opens only after :func:`change_own_password`."""
    checked = require_actor(actor)
    with db.transaction() as session:
        user = session.get(StaffUser, checked.user_id)
        return user is not None and bool(user.must_change_password)


@retried
def change_own_password(db: Database, actor: Actor, current_password: str, new_password: str) -> None:
    """A staff member's own new password, given the current one (or the temporary one a
    manager's reset gave); it ends the wait for a new password. Refused, writing nothing, when
    the current password is wrong or the new one breaks the rules or is the same."""
    checked = require_actor(actor)
    problem = password_problem(new_password)
    if problem is None and new_password == current_password:
        problem = "新しいパスワードは、今のパスワードと違うものにしてください。"
    if problem is not None:
        raise ValidationFailed({"password": problem})
    with db.transaction() as session:
        stored = confirm_actor(session, checked, password_change=True).password_hash
    if not isinstance(current_password, str) or not verify_password(current_password, stored):
        raise ValidationFailed({"current_password": "今のパスワードが違います。"})
    new_hash = hash_password(new_password)
    with db.transaction(write=True) as session:
        user = confirm_actor(session, checked, password_change=True)
        if user.password_hash != stored:
            raise ConcurrentEdit("パスワードはたった今、別の画面で変更されました。もう一度ログインしてください。")
        user.password_hash = new_hash
        user.must_change_password = False
        # confirm_actor above confirmed the actor for this transaction (password_change=True).
        audit.record(session, checked, "staff.password", "staff", user.id,
                     summary=user.display_name)


def actor_of(user: StaffUser) -> Actor:
    # Role(...): a row built in this session (not read back) still holds what it was given.
    return Actor(user.id, user.login, user.display_name, Role(user.role))

"""Who is working, and what they may do. Permissions are checked here, in services, not only
by hiding buttons. ``audit`` and ``auth`` both build on this module, and neither on the other.

An :class:`Actor` is what the log-in returned: a snapshot of the staff member. Two checks
guard every use case:

- :func:`require_role`, first, on the snapshot: no actor at all, or the wrong role, is refused
  before anything is read;
- :func:`confirm_actor`, inside the use case's transaction, against the staff row as it is
  now: a staff member deactivated, given another role, or whose password was reset since the
  log-in is refused, so that an open window of theirs can change nothing more. Every change
  writes an audit record and :func:`reseller_desk.services.audit.record` confirms its actor,
  so no mutating service can skip it; a refused call rolls its transaction back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from reseller_desk.db.models import StaffUser
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.staff import Role
from reseller_desk.services.errors import PermissionDenied

__all__ = ["Actor", "Role", "confirm_actor", "require_actor", "require_role"]

NO_ACTOR = "ログインしている担当者がいません。ログインしてから操作してください。"
STALE_ACTOR = "{name}さんのアカウントは{why}。ログインし直してください。"

_CONFIRMED = "reseller_desk.confirmed_actor"


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf a service runs; every audit record names one."""

    user_id: int
    login: str
    name: str
    role: Role


def require_actor(actor: object) -> Actor:
    """``actor`` as an Actor; anything else (None, a forged dict …) is PermissionDenied."""
    if not isinstance(actor, Actor) or not isinstance(actor.role, Role) or not is_record_id(actor.user_id) \
            or not isinstance(actor.login, str) or not isinstance(actor.name, str):
        raise PermissionDenied(NO_ACTOR)
    return actor


def require_role(actor: object, *roles: Role, action: str) -> None:
    checked = require_actor(actor)
    if checked.role not in roles:
        allowed = "・".join(r.label for r in roles)
        raise PermissionDenied(f"「{action}」は{allowed}だけが行えます"
                               f"（{checked.name}さんは{checked.role.label}です）。")


def confirm_actor(session: Session, actor: object, *, password_change: bool = False) -> StaffUser:
    """The staff row of ``actor``, once it is known to be the one that logged in: the same
    login, still active, still of the role the log-in gave, and not waiting for a new
    password (``password_change``: the call that sets it). Checked once per transaction."""
    checked = require_actor(actor)
    confirmed = session.info.get(_CONFIRMED)
    user = session.get(StaffUser, checked.user_id)
    if confirmed == checked and user is not None:
        return user
    why = None
    if user is None or user.login != checked.login:
        why = "見つかりません"
    elif not user.active:
        why = "無効になっています"
    elif Role(user.role) != checked.role:
        why = f"役割が「{Role(user.role).label}」に変わりました"
    elif user.must_change_password and not password_change:
        why = "パスワードの変更を待っています"
    if why is not None or user is None:
        raise PermissionDenied(STALE_ACTOR.format(name=checked.name, why=why))
    session.info[_CONFIRMED] = checked
    return user

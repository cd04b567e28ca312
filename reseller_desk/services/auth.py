"""Who is working, and what they may do. Permissions are checked here, in services, not only
by hiding buttons."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from reseller_desk.db.database import Database
from reseller_desk.db.models import StaffUser
from reseller_desk.services.errors import PermissionDenied


class Role(StrEnum):
    CLERK = "clerk"      # 事務
    MANAGER = "manager"  # 管理者

    @property
    def label(self) -> str:
        return {"clerk": "事務", "manager": "管理者"}[self.value]


@dataclass(frozen=True)
class Actor:
    """The staff member on whose behalf a service runs; every audit record names one."""

    user_id: int
    login: str
    name: str
    role: Role


def require_role(actor: Actor, *roles: Role, action: str) -> None:
    if actor.role not in roles:
        allowed = "・".join(r.label for r in roles)
        raise PermissionDenied(f"「{action}」は{allowed}だけが行えます（{actor.name}さんは{actor.role.label}です）。")


def actor_of(user: StaffUser) -> Actor:
    return Actor(user.id, user.login, user.display_name, Role(user.role))


def desktop_actor(db: Database) -> Actor:
    """The staff member the window works as until staff log-in arrives (issue 3): the first
    active manager; on a brand-new database, a manager named after the operating-system user
    is created (with no password) so that changes are still attributed to someone."""
    with db.transaction() as session:
        user = session.scalars(
            select(StaffUser).where(StaffUser.active.is_(True)).order_by(StaffUser.role != "manager", StaffUser.id)
        ).first()
        if user is None:
            login = (getpass.getuser() or "admin")[:50]
            user = StaffUser(login=login, display_name=login, role=Role.MANAGER.value)
            session.add(user)
            session.flush()
        return actor_of(user)

"""Who a service runs for, and the role check every use case starts with. Plain values only:
``audit`` and ``auth`` both build on this module, and neither on the other."""

from __future__ import annotations

from dataclasses import dataclass

from reseller_desk.domain.staff import Role
from reseller_desk.services.errors import PermissionDenied

__all__ = ["Actor", "Role", "require_role"]


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

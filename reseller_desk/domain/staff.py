"""Who works in the office: the two roles (SC and SH know nothing of them; the office does)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"      # 事務: takes in and screens applications, keeps the books
    MANAGER = "manager"  # 管理者: decides applications, manages staff and settings

    @property
    def label(self) -> str:
        return {"clerk": "事務", "manager": "管理者"}[self.value]

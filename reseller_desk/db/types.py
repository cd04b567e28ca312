"""Column types at the database edge: the code carries enums, the database stores their codes.

A status, a channel or a role is a ``StrEnum`` everywhere in the code; the column holds its
``value`` as text (readable in any SQL tool, the same on SQLite and PostgreSQL), converted here
once instead of with ``.value`` and ``Enum(...)`` on every line. Binding an unknown code fails
loudly instead of storing it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class EnumCode(TypeDecorator[Any]):
    """A ``StrEnum`` stored as its code in a ``VARCHAR(length)``. With ``blank_is_none`` the
    column stores ``""`` for ``None`` (the columns whose "not applicable" was always ``""``)."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int, *, blank_is_none: bool = False) -> None:
        super().__init__(length)
        self.enum = enum
        self.blank_is_none = blank_is_none
        self._members = {member.value: member for member in enum}   # code → member, without the enum's lookup

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if isinstance(value, self.enum):   # the common case, without the enum's lookup
            return value._value_
        if value is None or (self.blank_is_none and value == ""):
            return "" if self.blank_is_none else None
        return self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        member = self._members.get(value)
        if member is not None:
            return member
        if value is None or (self.blank_is_none and value == ""):
            return None
        return self.enum(value)

    @property
    def python_type(self) -> type:
        return self.enum

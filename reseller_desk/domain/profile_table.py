"""Typed reading of one table of a terms-profile TOML file, every error naming the file and
the field (``simpleconnect.toml: [tax].rounding: …``). :mod:`reseller_desk.domain.terms` reads
each section of a profile with it."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar


class ProfileError(ValueError):
    """A terms-profile file is missing, unreadable or malformed, or a key is unknown."""


_E = TypeVar("_E", bound=StrEnum)


class Table:
    """Typed access to one TOML table; every error names the file and the field."""

    def __init__(self, file: str, where: str, data: dict[str, Any]) -> None:
        self.file = file
        self.where = where  # "" for the top level, "[tax]" for a section
        self.data = data
        self.used: set[str] = set()

    def label(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def fail(self, name: str, message: str) -> ProfileError:
        return ProfileError(f"{self.file}: {self.label(name)}: {message}")

    def _get(self, name: str) -> Any:
        self.used.add(name)
        if name not in self.data:
            raise ProfileError(f"{self.file}: {self.label(name)} がありません")
        return self.data[name]

    def text(self, name: str) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise self.fail(name, f"{value!r} は文字列のはずです")
        if not value.strip():
            raise self.fail(name, "空の文字列です")
        return value

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise self.fail(name, f"{value!r} は true か false のはずです")
        return value

    def integer(self, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"{value!r} は整数のはずです")
        if minimum is not None and value < minimum:
            raise self.fail(name, f"{value} は {minimum} 以上のはずです")
        if maximum is not None and value > maximum:
            raise self.fail(name, f"{value} は {maximum} 以下のはずです")
        return value

    def decimal(self, name: str, minimum: Decimal, maximum: Decimal) -> Decimal:
        value = self._get(name)
        if not isinstance(value, str):
            raise self.fail(
                name, f'{value!r} は "0.146" のような文字列のはずです (float は使えません)'
            )
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise self.fail(name, f"{value!r} は小数として読めません") from None
        if not number.is_finite() or not minimum <= number <= maximum:
            raise self.fail(name, f"{value!r} は {minimum} 以上 {maximum} 以下のはずです")
        return number

    def day(self, name: str) -> date:
        value = self._get(name)
        if isinstance(value, datetime) or not isinstance(value, date):
            raise self.fail(name, f"{value!r} は 2025-04-01 のような TOML の日付のはずです")
        return value

    def choice(self, name: str, kind: type[_E]) -> _E:
        value = self._get(name)
        allowed = [member.value for member in kind]
        if isinstance(value, str) and value in allowed:
            return kind(value)
        choices = " か ".join(repr(v) for v in allowed)
        raise self.fail(name, f"{value!r} は {choices} のはずです")

    def array(self, name: str) -> list[Any]:
        value = self._get(name)
        if not isinstance(value, list):
            raise self.fail(name, f"{value!r} は配列のはずです")
        return value

    def items(self, name: str, what: str) -> list[Table]:
        """A non-empty array of tables ``name`` (screening grounds, suspension reasons …), each
        with a ``code`` unique in the array; the caller reads each and calls ``done()``."""
        raw = self.array(name)
        if not raw:
            raise self.fail(name, f"{what}が一つもありません")
        tables = []
        for index, item in enumerate(raw):
            where = f"{self.where}.{name}[{index}]"
            if not isinstance(item, dict):
                raise ProfileError(f"{self.file}: {where}: {item!r} はテーブルのはずです")
            tables.append(Table(self.file, where, item))
        codes = [str(item.get("code")) for item in raw]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise self.fail(name, f"code が重複しています: {', '.join(duplicates)}")
        return tables

    def section(self, name: str) -> Table:
        """A required sub-table ``[name]``."""
        found = self.optional_section(name)
        if found is None:
            raise ProfileError(f"{self.file}: [{name}] がありません")
        return found

    def optional_section(self, name: str) -> Table | None:
        """A sub-table ``[name]``, or ``None`` when the terms have no such rule."""
        self.used.add(name)
        if name not in self.data:
            return None
        value = self.data[name]
        if not isinstance(value, dict):
            raise ProfileError(f"{self.file}: [{name}] はテーブルのはずです ({value!r})")
        return Table(self.file, f"[{name}]", value)

    def done(self) -> None:
        """Refuse fields this reader does not know (a typo must not pass silently)."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            names = ", ".join(self.label(name) for name in unknown)
            raise ProfileError(f"{self.file}: 不明な項目があります: {names}")

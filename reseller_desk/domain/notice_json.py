"""How a frozen notice document of money in and equipment is stored as JSON and read back: one
writer and the two helpers every reader uses (domain.return_notices, deposit_notices,
dunning_notices, debit_notices). An issued notice is never rewritten, so a reader takes every
shape ever stored: a key it does not know is left aside."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

__all__ = ["dump", "known", "optional_date"]


def dump(document: Any, schema_version: int) -> str:
    """The document (a dataclass) as JSON with its schema version, keys sorted, dates ISO."""
    data = {"schema_version": schema_version, **dataclasses.asdict(document)}
    return json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)


def optional_date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def known(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that are fields of the dataclass ``cls``."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}

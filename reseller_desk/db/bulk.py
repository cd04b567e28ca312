"""Bulk writes at the driver's speed, the same on SQLite and PostgreSQL: where the engines differ
for a run that writes 100,000 rows in one go (the billing run, issue 10 "Speed").

Core's ``execute(insert(table), rows)`` binds every row through the compiler (a dict of
parameters per row, looked up by name, each value through its type). :func:`insert_rows` does
what that comes to once: it writes the INSERT in the driver's own parameter style, asks each
column's type for its bind processor on this dialect (``TypeEngine.dialect_impl``, the same
conversion Core applies: an ``EnumCode`` to its code, a date to SQLite's ISO text), converts
each distinct value once per call (a run's lines share a few dates and codes) and hands the
driver plain tuples in one ``executemany``.

:func:`reserve_ids` gives the ids the next rows of a table will have, so that the caller can
write rows that refer to them (an invoice's lines) without reading them back. The caller holds
the write lock (``Database.transaction(write=True)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

__all__ = ["insert_rows", "reserve_ids"]

_MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT ``rows`` (each the values of ``columns``, in that order) into ``table`` with one
    driver executemany inside the session's transaction; returns how many. Every column a row
    needs is given: Python-side defaults are not applied here."""
    connection = session.connection()
    dialect = connection.dialect
    mark = _MARKS.get(dialect.paramstyle)
    if mark is None:   # pragma: no cover - SQLite and psycopg are qmark and pyformat
        raise NotImplementedError(f"paramstyle {dialect.paramstyle}")
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
           f"({', '.join(quote(name) for name in columns)}) VALUES ({', '.join(mark for _ in columns)})")
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    converting: list[tuple[int, Callable[[Any], Any], dict[tuple[type, Any], Any]]] = [
        (i, p, {}) for i, p in enumerate(processors) if p is not None]
    if converting:
        bound = []
        for row in rows:
            values = list(row)
            for i, process, seen in converting:
                value = values[i]
                key = (type(value), value)   # the same few dates and codes, converted once
                try:
                    values[i] = seen[key]
                except KeyError:
                    values[i] = seen[key] = process(value)
                except TypeError:   # not hashable
                    values[i] = process(value)
            bound.append(tuple(values))
    else:
        bound = [tuple(row) for row in rows]
    if bound:
        connection.exec_driver_sql(sql, bound)
    return len(bound)


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """The ids of the next ``count`` rows of ``table`` (an integer primary key ``id``): on SQLite
    the ones after the highest (what SQLite itself would give, the writer holding the lock); on
    PostgreSQL taken from the column's sequence, as an INSERT would take them."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                                    "FROM generate_series(1, :count)"), {"table": table.name, "count": count})
        return sorted(int(value) for (value,) in rows)
    highest = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(highest + 1, highest + 1 + count))

"""The declarative base of every table: stable constraint names, timestamps and row versions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Integer,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reseller_desk import clock

# Stable constraint names, so that migrations can alter them on SQLite (batch mode) and on
# PostgreSQL alike. Let the convention name unique constraints: PostgreSQL wants every
# constraint's index name unique in the schema, so two tables may not both say name="x".
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timestamps are stored as naive UTC (from the app's one clock); the UI shows them in
    Japan time."""
    return clock.utcnow()


def version_counter() -> Mapped[int]:
    """The version counter of a row the office edits in place (``version_id_col``): 1 when
    inserted, one more with every UPDATE the ORM flushes, which also checks the version read."""
    return mapped_column(Integer, default=1, nullable=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

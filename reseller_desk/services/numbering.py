"""Numbers issued once and never reused: カスタマID, 申込番号, 文書番号.

Each comes from a row of ``counters`` read with a row lock (SELECT … FOR UPDATE on
PostgreSQL; SQLite serialises writers), inside the caller's transaction: if that transaction
rolls back, the number was never issued; once it commits, no one else can ever get it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk.db.models import Counter


def next_value(session: Session, name: str) -> int:
    counter = session.scalars(select(Counter).where(Counter.name == name).with_for_update()).first()
    if counter is None:
        counter = Counter(name=name, next_value=1)
        session.add(counter)
        session.flush()
    value = counter.next_value
    counter.next_value = value + 1
    session.flush()
    return value


def application_number(session: Session, year: int) -> str:
    return f"A-{year}-{next_value(session, f'application-{year}'):06d}"


def customer_code(session: Session) -> str:
    """カスタマID (SH §16: one contract per ID): C followed by seven digits."""
    return f"C{next_value(session, 'customer-code'):07d}"


def notice_number(session: Session, prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{next_value(session, f'notice-{prefix}-{year}'):06d}"


def reserve(session: Session, name: str, count: int) -> int:
    """A block of ``count`` consecutive values issued at once (a bulk insert's, e.g. the demo's
    contracts); the first is returned. Nothing is issued for ``count`` 0."""
    if count <= 0:
        return 0
    first = next_value(session, name)
    counter = session.scalars(select(Counter).where(Counter.name == name)).one()  # locked by next_value
    counter.next_value = first + count
    session.flush()
    return first

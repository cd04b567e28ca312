"""The one clock of the app: "today" and "now" in Japan time, whatever the machine's time zone.

Every rule of the terms counts in Japanese calendar days (a decision dated today, a deadline
on the 15th), so a machine set to UTC must still say that 2026-12-01 08:30 JST is the 1st.
Services, the window and the CLI ask :func:`today` / :func:`now`; the domain never reads a
clock (it is given ``today``). Tests replace the clock with :func:`frozen`.

Japan has had no daylight saving time since 1951, so a fixed UTC+9 offset is exact and needs
no time zone database (which a Windows PyInstaller build would otherwise have to carry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: Japan Standard Time (日本標準時), UTC+9 all year.
JST = dt.timezone(dt.timedelta(hours=9), "JST")


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_source: Callable[[], dt.datetime] = _system_now


def now() -> dt.datetime:
    """The current moment, an aware datetime in Japan time."""
    return _source().astimezone(JST)


def today() -> dt.date:
    """Today's date in Japan (the 日付 every rule and every form counts in)."""
    return now().date()


def utcnow() -> dt.datetime:
    """The current moment as naive UTC, the way timestamps are stored."""
    return _source().astimezone(dt.UTC).replace(tzinfo=None)


def to_japan_time(moment: dt.datetime) -> dt.datetime:
    """A stored timestamp (naive = UTC) as an aware datetime in Japan time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(JST)


@contextmanager
def frozen(moment: dt.datetime | dt.date) -> Iterator[None]:
    """Within the block the clock says ``moment`` (a date means 10:00 that day, Japan time;
    a naive datetime is read as Japan time). For tests and demos only."""
    global _source
    if isinstance(moment, dt.datetime):
        fixed = moment if moment.tzinfo else moment.replace(tzinfo=JST)
    else:
        fixed = dt.datetime(moment.year, moment.month, moment.day, 10, 0, tzinfo=JST)
    previous, _source = _source, (lambda: fixed)
    try:
        yield
    finally:
        _source = previous

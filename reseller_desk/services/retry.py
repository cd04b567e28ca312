"""Running a use case again when it lost a race for the database.

Every service that writes begins its transaction with the write lock (``db.transaction(
write=True)``), so writers queue instead of failing. A wait can still run out (SQLite's busy
timeout, PostgreSQL's lock timeout), and PostgreSQL may end a transaction with a serialization
failure or a deadlock. Such a transaction was rolled back whole (``db.errors.lost_a_race``),
so :func:`retried` runs the use case again, up to :data:`MAX_ATTEMPTS` times with a short
random pause, and then raises :class:`~reseller_desk.services.errors.Busy`, whose Japanese
message says that nothing was saved. Other errors, a stale edit (ConcurrentEdit) among them,
pass through at once: running again would not change them.

A retried service called from inside another runs once: only the outermost call retries, so
a use case never re-runs half of itself inside a transaction that has already failed.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from reseller_desk.db.errors import lost_a_race
from reseller_desk.services.errors import Busy

__all__ = ["MAX_ATTEMPTS", "retried", "is_retried"]

log = logging.getLogger(__name__)

#: Attempts in all, the first included. Each may wait a whole lock timeout (10 s) for the lock.
MAX_ATTEMPTS = 4
#: The pause before attempt n+1 is n × a random fraction of this, in seconds.
PAUSE_S = 0.05

P = ParamSpec("P")
R = TypeVar("R")

_inside: ContextVar[bool] = ContextVar("reseller_desk_retried", default=False)
_MARK = "__reseller_desk_retried__"


def retried(service: Callable[P, R]) -> Callable[P, R]:
    """``service``, run again when its transaction lost a race (see the module's docstring)."""

    @functools.wraps(service)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _inside.get():
            return service(*args, **kwargs)
        token = _inside.set(True)
        try:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                try:
                    return service(*args, **kwargs)
                except Exception as error:
                    if not lost_a_race(error):
                        raise
                    if attempt == MAX_ATTEMPTS:
                        log.warning("%s: %d 回とも他の書き込みと競合しました", service.__qualname__, attempt)
                        raise Busy() from error
                    log.info("%s: 他の書き込みと競合したため再実行します（%d 回目）", service.__qualname__, attempt)
                    time.sleep(PAUSE_S * attempt * random.random())
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            _inside.reset(token)

    setattr(run, _MARK, True)
    return run


def is_retried(function: object) -> bool:
    return bool(getattr(function, _MARK, False))

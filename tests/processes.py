"""Real processes started together, for the tests of several clerks (or a window and the CLI)
working on one database at once."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any


def race(target: Callable[..., None], args_of: Callable[[int], Sequence[Any]], processes: int, *,
         timeout_s: float = 240) -> list[Any]:
    """Start ``processes`` spawned processes running ``target(*args_of(n), barrier, results)``;
    each waits at the barrier, so they start together, and puts one outcome on ``results``.
    Returns the outcomes (in the order they came) once every process ended cleanly."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    started = [context.Process(target=target, args=(*args_of(n), barrier, results)) for n in range(processes)]
    for process in started:
        process.start()
    outcomes = [results.get(timeout=timeout_s) for _ in started]
    for process in started:
        process.join(timeout=60)
        assert process.exitcode == 0
    return outcomes

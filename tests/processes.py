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


def killed(target: Callable[..., None], args: Sequence[Any], *, after: int, delay_s: float,
           timeout_s: float = 120) -> tuple[int, int | None]:
    """Start one spawned process running ``target(*args, moments)`` and SIGKILL it ``delay_s``
    after its ``after``-th moment. ``moments`` is the sending end of a pipe: the target sends
    one message at each moment that counts (a write transaction beginning, say), so where the
    kill lands is chosen by the test, not by how fast the machine is. Returns the moments seen
    and the exit code (-SIGKILL, or 0 when the process ended before it could be killed)."""
    import signal
    import time

    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, sending))
    process.start()
    sending.close()  # the child's copy is the only one left: EOF when the child ends
    seen = 0
    try:
        while seen < after and receiving.poll(timeout_s):
            receiving.recv()
            seen += 1
    except EOFError:
        pass
    time.sleep(delay_s)
    process.kill()
    process.join(timeout=60)
    assert process.exitcode in (0, -signal.SIGKILL), process.exitcode
    receiving.close()
    return seen, process.exitcode

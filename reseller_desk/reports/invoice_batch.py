"""A month's invoices as files: one PDF per invoice, named ``<number>_<customer>.pdf``, and the
combined print file.

Each file costs mostly the subsetting of its embedded font, so the files are rendered by a
pool of processes (``workers``, both cores of an office PC) while this process writes them.
The pool is started with "spawn" (the same on Windows, macOS and Linux, and safe beside the
window's threads, which "fork" is not); a batch smaller than ``IN_PROCESS_BELOW`` is rendered
here, where starting the processes would cost more than it saves, and so is every batch of a
frozen build (PyInstaller's children need ``multiprocessing.freeze_support()`` at the entry
point) or when the pool breaks.

Every file is written safely: into a temporary file beside it (0600, as
``reseller_desk.private_files`` makes the files of the app), then renamed over the name, so a
cancel, a crash or a full disk never leaves a partial PDF under an invoice's name. A file of
the same name that is there already is replaced only when it is the same invoice (its
keywords carry ``reports.invoice.file_marker``); anything else is refused before a single
file is written (:class:`FileConflict`).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
import tempfile
import unicodedata
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from reseller_desk.domain.invoice_document import InvoiceDocument
from reseller_desk.private_files import make_private_dirs
from reseller_desk.reports.invoice import file_marker, render_invoice

__all__ = ["DEFAULT_WORKERS", "FileConflict", "check_replaceable", "invoice_file_stem", "write_file",
           "write_invoice_files"]

DEFAULT_WORKERS = 2
IN_PROCESS_BELOW = 8      # fewer files than this are rendered here (a process takes ~0.3 s to start)
CHUNK = 4                 # invoices per task sent to a worker
AHEAD = 3                 # tasks in flight per worker: bounded memory, workers never idle
MAX_STEM_BYTES = 200      # macOS and Linux allow 255 bytes (UTF-8) per name; room for ".pdf" and copies

# Windows refuses these in a name (and control characters); macOS Finder shows ":" as "/"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                              *(f"LPT{i}" for i in range(1, 10))})

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class FileConflict(ValueError):
    """A file of the name to be written exists and is not the same invoice: nothing written."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def invoice_file_stem(number: str, customer_name: str) -> str:
    """``<number>_<customer>`` safe as a file name on Windows and macOS: characters they refuse
    become "_", runs of spaces one space, no dot or space at the end, at most
    ``MAX_STEM_BYTES`` bytes of UTF-8 (cut between characters, never inside one)."""
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", customer_name))
    name = _UNSAFE.sub("_", name).strip(" .")
    stem = _UNSAFE.sub("_", number) + (f"_{name}" if name else "")
    while len(stem.encode()) > MAX_STEM_BYTES:
        stem = stem[:-1]
    stem = stem.rstrip(" .") or "_"
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    return stem


def check_replaceable(path: Path, marker: str) -> None:
    """Refuse (:class:`FileConflict`) when ``path`` exists and is not a PDF whose keywords are
    ``marker`` (the same invoice, or the same month's print file)."""
    if not path.exists():
        return
    try:
        data = path.read_bytes() if path.is_file() else b""
    except OSError as error:
        raise FileConflict(path) from error
    if f"({marker})".encode() not in data:
        raise FileConflict(path)


def write_file(path: Path, data: bytes) -> Path:
    """``data`` into ``path`` through a temporary file beside it (0600) and a rename: the name
    holds the old content or the whole new one, never part of it."""
    make_private_dirs(path.parent)
    fd, temporary = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_invoice_files(items: Sequence[tuple[str, InvoiceDocument]], out_dir: Path, *,
                        workers: int = DEFAULT_WORKERS, progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> list[Path]:
    """One PDF per ``(file stem, document)`` in ``out_dir``, in order; returns the files written
    — all of them, or, when ``cancelled()`` says so, those finished before (each complete).
    ``progress(done, total)`` after each file (and ``(0, total)`` first)."""
    targets = [out_dir / f"{stem}.pdf" for stem, _ in items]
    if len(set(targets)) != len(targets):
        raise ValueError("two invoices would get the same file name")
    for target, (_, document) in zip(targets, items, strict=True):
        check_replaceable(target, file_marker(document))
    make_private_dirs(out_dir)
    total = len(items)
    written: list[Path] = []
    if progress:
        progress(0, total)
    if not items or (cancelled and cancelled()):
        return written
    rendered = _rendered([document for _, document in items], workers)
    try:
        for target, data in zip(targets, rendered, strict=True):
            written.append(write_file(target, data))
            if progress:
                progress(len(written), total)
            if cancelled and cancelled():
                break
    finally:
        rendered.close()       # a cancel stops the workers now
    return written


def _render_chunk(documents: Sequence[InvoiceDocument]) -> list[bytes]:
    """A worker's task (top level, so that it pickles)."""
    return [render_invoice(document) for document in documents]


def _pool_size(workers: int, count: int) -> int:
    if count < IN_PROCESS_BELOW or getattr(sys, "frozen", False):
        return 1
    return max(1, min(workers, os.cpu_count() or 1, -(-count // CHUNK)))


def _rendered(documents: Sequence[InvoiceDocument], workers: int) -> Generator[bytes, None, None]:
    """The PDFs of ``documents`` in order, lazily: stopping the iteration (a cancel) stops the
    workers; tasks not started are dropped."""
    size = _pool_size(workers, len(documents))
    if size <= 1:
        yield from (render_invoice(document) for document in documents)
        return
    done = 0
    pool = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"))
    try:
        starts = iter(range(0, len(documents), CHUNK))
        pending: deque[Future[list[bytes]]] = deque()

        def submit() -> None:
            start = next(starts, None)
            if start is not None:
                pending.append(pool.submit(_render_chunk, documents[start:start + CHUNK]))

        for _ in range(size * AHEAD):
            submit()
        while pending:
            chunk = pending.popleft().result()
            submit()
            for data in chunk:
                done += 1
                yield data
    except BrokenProcessPool:
        # a worker died (killed, out of memory): finish here rather than fail the batch
        yield from (render_invoice(document) for document in documents[done:])
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

"""Files only their owner may read: the database, its -wal/-shm, backups and the log.

Whatever the umask, a file Reseller Desk creates is 0600 and a folder it creates 0700 (on
POSIX; Windows keeps its ACLs and ignores these bits). SQLite gives the -wal, -shm and -journal
files the mode of the database file itself, so creating the database file 0600 before SQLite
opens it covers them too. Files and folders that already exist keep their mode, except the
log's own files (:func:`tighten`): see docs/decisions.md, "Opening a database (issue 7)".
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and its missing parents as 0700; folders that exist are left alone."""
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:  # another process made it in between
            continue
        # mkdir's mode passes through the umask: a umask such as 0o277 would leave the owner
        # unable to enter. Set it exactly.
        os.chmod(path, PRIVATE_DIR_MODE)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty, 0600, with its missing folders 0700. False (and nothing changed)
    when it exists already, also when another process created it a moment ago."""
    make_private_dirs(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    try:
        if os.name == "posix":  # exactly 0600, whatever the umask took away
            os.fchmod(fd, PRIVATE_FILE_MODE)
    finally:
        os.close(fd)
    return True


def open_private_append(path: Path, encoding: str | None = None, errors: str | None = None) -> IO[str]:
    """``open(path, "a")``, but a file that does not exist yet is created 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE_MODE)
    return open(fd, "a", encoding=encoding, errors=errors)  # noqa: SIM115 - the caller closes it


def readable_by_others(path: Path) -> bool:
    """Whether the group or other users may read ``path`` (always False on Windows)."""
    if os.name != "posix":
        return False
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))


def tighten(path: Path) -> None:
    """Take the group's and others' rights off a file of our own (the log) if it has any."""
    if os.name == "posix" and path.exists() and readable_by_others(path):
        os.chmod(path, stat.S_IMODE(path.stat().st_mode) & ~(stat.S_IRWXG | stat.S_IRWXO))

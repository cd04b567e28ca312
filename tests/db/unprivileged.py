"""Running a command to which file modes apply, also when the tests run as root.

Root ignores a file's mode: a 0444 database or a 0555 folder is writable to it. As root the
command is started by a small wrapper that drops CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
CAP_FOWNER from the capability bounding set and then execs it (Linux prctl PR_CAPBSET_DROP):
the command runs as root still, but the owner's mode bits bind it like any user. As another
user the command runs as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys

_DROP_AND_EXEC = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
    if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
os.execv(sys.executable, [sys.executable] + sys.argv[1:])
"""


def python_bound_by_file_modes(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """``python *args`` (text output captured) run so that file modes bind it."""
    command = [sys.executable, *args]
    if os.name == "posix" and os.geteuid() == 0:
        command = [sys.executable, "-c", _DROP_AND_EXEC, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


def cli_bound_by_file_modes(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    return python_bound_by_file_modes("-m", "reseller_desk", *args, **kwargs)

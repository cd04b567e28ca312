"""Run a command (``make test``'s pytest) with a throw-away PostgreSQL server beside it.

    python tests/with_postgres.py python -m pytest …

Finds ``initdb`` and ``pg_ctl`` (on PATH or in Debian's /usr/lib/postgresql/<version>/bin),
makes a cluster in a new temporary folder, starts it on a free local port (a Unix socket in
that folder, no TCP listener), runs the command with ``RESELLER_DESK_TEST_POSTGRES`` set to the
server's URL, stops the server and removes the folder, whatever the command did. PostgreSQL
refuses to run as root: as root the cluster belongs to the ``postgres`` user (Debian's
package makes it) or else ``nobody``.

Without the programs the command runs on SQLite alone, after one line saying so; under CI
(``CI=true``) that is an error instead: CI never skips the PostgreSQL leg. The Makefile
installs Debian's ``postgresql`` package first when it can (``make sysdeps-pg``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ENV = "RESELLER_DESK_TEST_POSTGRES"


def _programs() -> tuple[str, str] | None:
    for folder in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        initdb = shutil.which("initdb", path=folder)
        pg_ctl = shutil.which("pg_ctl", path=folder)
        if initdb and pg_ctl:
            return initdb, pg_ctl
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _owner() -> str | None:
    """The unprivileged user the cluster runs as when we are root; None when we are not."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise SystemExit("with_postgres: running as root, but there is no postgres or nobody user to run PostgreSQL")


def _run_as(owner: str | None, argv: list[str], log: Path) -> None:
    with open(log, "ab") as out:
        subprocess.run(argv, check=True, stdout=out, stderr=subprocess.STDOUT, user=owner, cwd="/",
                       env={**os.environ, "LC_ALL": "C.UTF-8"})


def main(command: list[str]) -> int:
    programs = _programs()
    if programs is None:
        if os.environ.get("CI") == "true":
            print("with_postgres: initdb/pg_ctl not found; under CI the PostgreSQL leg may not be skipped",
                  file=sys.stderr)
            return 1
        print("PostgreSQL leg skipped: initdb and pg_ctl not found (install Debian's postgresql package, "
              "or run make test as root to have it installed)", flush=True)
        return subprocess.call(command)
    initdb, pg_ctl = programs
    owner = _owner()
    folder = Path(tempfile.mkdtemp(prefix="reseller-desk-pg-"))
    # setup.log: what initdb and pg_ctl print (written by us); server.log: the server's own,
    # which pg_ctl creates as the server's user.
    data, log, server_log = folder / "data", folder / "setup.log", folder / "server.log"
    if owner is not None:
        shutil.chown(folder, user=owner)
    port = _free_port()
    started = False
    try:
        _run_as(owner, [initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-sync"], log)
        # A test server only: no durability wanted, no TCP listener, the socket in our folder.
        options = (f"-p {port} -k {folder} -c listen_addresses= -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        _run_as(owner, [pg_ctl, "-D", str(data), "-o", options, "-l", str(server_log), "-w", "-t", "60", "start"], log)
        started = True
        url = f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
        print(f"PostgreSQL leg: a throw-away server on port {port} ({folder})", flush=True)
        return subprocess.call(command, env={**os.environ, ENV: url})
    except subprocess.CalledProcessError as error:
        logs = "\n".join(path.read_text(errors="replace") for path in (log, server_log) if path.exists())
        print(f"with_postgres: {Path(error.cmd[0]).name} failed; the logs:\n{logs}", file=sys.stderr)
        return 1
    finally:
        if started:
            try:
                _run_as(owner, [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], log)
            except subprocess.CalledProcessError:
                print(f"with_postgres: the server in {folder} did not stop", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""PostgreSQL's client programs: ``pg_dump`` makes a backup, ``pg_restore`` restores one.

The programs are looked for on PATH and in the folders where PostgreSQL's packages put them
(:data:`PROGRAM_FOLDERS`, Debian's /usr/lib/postgresql/<version>/bin among them); of several,
the newest is taken, because a ``pg_dump`` older than the server refuses to dump it. Their
``pg_restore`` is the one beside the chosen ``pg_dump``.

The connection is passed as a libpq URI built from the SQLAlchemy URL (its ``+psycopg`` driver
dropped) without the password, which travels in the child's environment (``PGPASSWORD``), so
that it never appears in a process listing. ``--no-password``: a program that would need to
ask for one fails at once instead of waiting for a terminal that the window does not have.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL

from reseller_desk.db.errors import DatabaseError

#: Where PostgreSQL's packages put the client programs, besides PATH (globs).
PROGRAM_FOLDERS: tuple[str, ...] = (
    "/usr/lib/postgresql/*/bin",  # Debian, Ubuntu
    "/usr/pgsql-*/bin",  # PGDG packages of Red Hat and its kin
    "/opt/homebrew/opt/postgresql*/bin", "/usr/local/opt/postgresql*/bin",  # Homebrew
    "/Applications/Postgres.app/Contents/Versions/*/bin",
    "C:/Program Files/PostgreSQL/*/bin",
)
#: How often a running program is looked at (and the caller asked whether to stop), in seconds.
POLL_S = 0.1

MISSING_MESSAGE = ("PostgreSQL のバックアップと復元には {program} が必要ですが、見つかりません。"
                   "PostgreSQL のクライアントプログラムをインストールしてください"
                   "（Debian / Ubuntu: sudo apt-get install postgresql-client。サーバーと同じか新しい版）。")
TOO_OLD_MESSAGE = ("{program} の版がデータベースサーバーより古いため、実行できませんでした。"
                   "サーバーと同じか新しい版の PostgreSQL クライアントプログラムをインストールしてください。")

#: (done, total) while a program runs (total 0: unknown); raising stops the program.
Progress = Callable[[int, int], None]


class ClientProgramMissing(DatabaseError):
    """pg_dump or pg_restore is not installed here."""


class ClientProgramFailed(DatabaseError):
    """pg_dump or pg_restore ran and failed; the message says what it reported."""


@dataclass(frozen=True)
class Programs:
    pg_dump: Path
    pg_restore: Path
    version: tuple[int, int]


def _version(program: str) -> tuple[int, int] | None:
    """``pg_dump (PostgreSQL) 15.18 (Debian …)`` → (15, 18); None when it does not run."""
    try:
        out = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)(?:\.(\d+))?", out)
    return (int(found.group(1)), int(found.group(2) or 0)) if found else None


def _candidates(name: str) -> list[str]:
    found = [shutil.which(name)]
    for pattern in PROGRAM_FOLDERS:
        for folder in sorted(glob.glob(pattern)):
            found.append(shutil.which(name, path=folder))
    unique: list[str] = []
    for program in found:
        if program and os.path.realpath(program) not in {os.path.realpath(p) for p in unique}:
            unique.append(program)
    return unique


def find_programs() -> Programs:
    """The newest ``pg_dump`` found, with its ``pg_restore``; raises ClientProgramMissing."""
    versions = [(version, program) for program in _candidates("pg_dump") if (version := _version(program))]
    if not versions:
        raise ClientProgramMissing(MISSING_MESSAGE.format(program="pg_dump"))
    version, pg_dump = max(versions)
    pg_restore = shutil.which("pg_restore", path=str(Path(pg_dump).parent)) or shutil.which("pg_restore")
    if pg_restore is None:
        raise ClientProgramMissing(MISSING_MESSAGE.format(program="pg_restore"))
    return Programs(Path(pg_dump), Path(pg_restore), version)


def connection(url: URL) -> tuple[str, dict[str, str]]:
    """The libpq URI of ``url`` without its password, and the environment for the child (the
    password as PGPASSWORD, messages in English so that a failure can be recognised)."""
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    environment = {**os.environ, "LC_MESSAGES": "C", "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    environment.pop("PGPASSWORD", None)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), environment


def run(program: Path, arguments: Sequence[str], url: URL | None = None, *, progress: Progress | None = None,
        stdout: int | None = subprocess.DEVNULL) -> bytes:
    """Run ``program`` (with ``--dbname`` of ``url`` when given) and return what it wrote to
    stdout when asked (``stdout=subprocess.PIPE``). ``progress`` is called while it runs; when
    it raises, the program is stopped and the error raised. A failure raises
    ClientProgramFailed with the program's last line."""
    argv = [str(program), *arguments]
    environment = dict(os.environ)
    if url is not None:
        uri, environment = connection(url)
        argv.insert(1, f"--dbname={uri}")
    with tempfile.TemporaryFile() as errors, tempfile.TemporaryFile() as output:
        process = subprocess.Popen(argv, env=environment, stdin=subprocess.DEVNULL,
                                   stdout=output if stdout == subprocess.PIPE else stdout, stderr=errors)
        try:
            while True:
                if progress is not None:
                    progress(0, 0)
                try:
                    process.wait(timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    continue
        except BaseException:
            process.kill()
            process.wait()
            raise
        errors.seek(0)
        reported = errors.read().decode("utf-8", "replace")
        output.seek(0)
        written = output.read()
    if process.returncode != 0:
        raise _failure(program.name, process.returncode, reported)
    return written


def _failure(name: str, code: int, reported: str) -> ClientProgramFailed:
    if "version mismatch" in reported or "unsupported version" in reported:
        return ClientProgramFailed(TOO_OLD_MESSAGE.format(program=name))
    lines = [line.strip() for line in reported.splitlines() if line.strip()]
    detail = next((line for line in lines if "error:" in line), lines[-1] if lines else "")
    detail = re.sub(r"^\S*(pg_dump|pg_restore): (error: )?", "", detail)
    return ClientProgramFailed(f"{name} が失敗しました（終了コード {code}）: {detail}" if detail
                               else f"{name} が失敗しました（終了コード {code}）。")


def dump(url: URL, target: Path, progress: Progress | None = None) -> None:
    """``pg_dump --format=custom`` of the database at ``url`` into ``target``, a file that
    exists already (made 0600 by the caller); pg_dump reads one consistent snapshot."""
    programs = find_programs()
    run(programs.pg_dump, ["--format=custom", "--no-password", f"--file={target}"], url, progress=progress)


def tables(file: Path) -> frozenset[str]:
    """The tables a custom-format dump holds (``pg_restore --list``)."""
    listing = run(find_programs().pg_restore, ["--list", str(file)], stdout=subprocess.PIPE).decode("utf-8", "replace")
    return frozenset(match.group(1) for match in re.finditer(r"^\d+; \d+ \d+ TABLE (?!DATA )\S+ (\S+) ", listing, re.M))


def revision(file: Path) -> str | None:
    """The schema revision a dump holds: the row of its ``alembic_version`` table, read with
    ``pg_restore --data-only`` as the COPY data the restore would load."""
    script = run(find_programs().pg_restore, ["--data-only", "--table=alembic_version", "--file=-", str(file)],
                 stdout=subprocess.PIPE).decode("utf-8", "replace")
    lines = script.splitlines()
    for position, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and line.rstrip().endswith("FROM stdin;"):
            value = lines[position + 1] if position + 1 < len(lines) else "\\."
            return None if value == "\\." else value.split("\t")[0]
    return None


def restore(file: Path, url: URL, progress: Progress | None = None) -> None:
    """``pg_restore`` of ``file`` into the (empty) database at ``url``, all in one transaction
    that stops at the first error: on failure nothing of it is left. Owners and privileges are
    not restored: the tables belong to whoever restores (the office's database user)."""
    run(find_programs().pg_restore, ["--single-transaction", "--exit-on-error", "--no-owner", "--no-acl",
                                     "--no-password", str(file)], url, progress=progress)

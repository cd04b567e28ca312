"""make test's PostgreSQL leg (tests/with_postgres.py): skipped with one line where there is no
server to start, an error under CI, and a server that is stopped and removed afterwards."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests import with_postgres

PRINT_ENV = [sys.executable, "-c", f"import os; print('URL=' + os.environ.get({with_postgres.ENV!r}, ''))"]


def test_without_the_server_programs_the_tests_run_on_sqlite_after_one_line(monkeypatch, capfd):
    monkeypatch.setattr(with_postgres, "_programs", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(with_postgres.ENV, raising=False)
    assert with_postgres.main(PRINT_ENV) == 0
    out = capfd.readouterr().out.splitlines()
    assert out[0].startswith("PostgreSQL leg skipped: ") and out[1:] == ["URL="]


def test_under_ci_a_missing_server_fails_the_run_and_runs_nothing(monkeypatch, capfd):
    monkeypatch.setattr(with_postgres, "_programs", lambda: None)
    monkeypatch.setenv("CI", "true")
    assert with_postgres.main(PRINT_ENV) == 1
    captured = capfd.readouterr()
    assert "URL=" not in captured.out and "CI" in captured.err


@pytest.mark.skipif(with_postgres._programs() is None and os.environ.get("CI") != "true",
                    reason="needs PostgreSQL's initdb and pg_ctl (make test installs them as root; CI never skips)")
def test_the_throw_away_server_answers_during_the_command_and_is_gone_after(capfd):
    probe = [sys.executable, "-c", "import os, psycopg; u = os.environ[" + repr(with_postgres.ENV) + "];"
             "q = dict(p.split('=') for p in u.split('?')[1].split('&'));"
             "print(psycopg.connect(host=q['host'], port=q['port'], user='postgres', dbname='postgres')"
             ".execute('select 41 + 1').fetchone()[0])"]
    assert with_postgres.main(probe) == 0
    out = capfd.readouterr().out.splitlines()
    assert out[0].startswith("PostgreSQL leg: a throw-away server on port ") and out[-1] == "42"
    folder = Path(out[0].rsplit("(", 1)[1].rstrip(")"))
    assert folder.name.startswith("reseller-desk-pg-") and not folder.exists()

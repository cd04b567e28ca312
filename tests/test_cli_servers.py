"""The CLI on a database server (issue 8): any SQLAlchemy URL works for every command, and a
server that is down, a database that is not ours or one from a newer version gets one Japanese
line, exit status 2, and never the password of the URL."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import create_engine, text

from reseller_desk.db.database import Database

from .test_cli_errors import IDS, READ_COMMANDS, assert_one_japanese_line, run


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once the probe is closed


@pytest.mark.parametrize("command", READ_COMMANDS, ids=IDS)
def test_a_server_that_does_not_answer_gets_one_line_without_the_password(capsys, command):
    url = f"postgresql+psycopg://clerk:s3cret-pass@127.0.0.1:{_closed_port()}/office?connect_timeout=3"
    code, out, err = run(capsys, *command, "--db", url)
    assert code == 2 and out == ""
    assert_one_japanese_line(err, "サーバーに接続できません")
    assert "s3cret-pass" not in err and "***" in err


def test_migrate_then_every_command_works_on_a_url(new_database, capsys, monkeypatch):
    """On SQLite the URL is the file's path; on PostgreSQL postgresql+psycopg://…/db."""
    assert run(capsys, "migrate", "--db", new_database)[0] == 0
    for command in READ_COMMANDS:
        code, _out, err = run(capsys, *command, "--db", new_database)
        assert code == 0, err
    db = Database.open(new_database, readonly=True)
    assert db.current_revision() is not None
    db.dispose()


def _other_programs_table(target: str, backend: str) -> None:
    url = f"sqlite:///{target}" if backend == "sqlite" else target
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)"))
    engine.dispose()


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["migrate"]], ids=[*IDS, "migrate"])
def test_another_programs_database_is_refused_and_gets_no_table(new_database, backend, capsys, command):
    _other_programs_table(new_database, backend)
    code, _out, err = run(capsys, *command, "--db", new_database)
    assert code == 2
    assert_one_japanese_line(err, "別のアプリケーション")
    url = f"sqlite:///{new_database}" if backend == "sqlite" else new_database
    engine = create_engine(url)
    with engine.connect() as conn:
        tables = conn.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'table'" if backend == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
    engine.dispose()
    assert tables == ["moz_places"]


@pytest.mark.parametrize("command", [*READ_COMMANDS, ["migrate"]], ids=[*IDS, "migrate"])
def test_a_database_from_a_newer_version_is_refused_by_every_command(db, capsys, command):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    db.dispose()
    code, _out, err = run(capsys, *command, "--db", db.url)
    assert code == 2
    assert_one_japanese_line(err, "新しいバージョン")
    with create_engine(db.url).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099_from_the_future"


def test_a_postgresql_url_without_the_driver_says_what_to_install(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as on a desk without the postgres extra
    code, _out, err = run(capsys, "status", "--db", "postgresql+psycopg://desk@server/reseller_desk")
    assert code == 2
    assert_one_japanese_line(err, "ドライバ", "reseller-desk[postgres]")

"""``reseller-desk payments import`` and ``payments confirm --matched`` on both engines: a clerk
imports a transfer statement and sees its groups, one line per row; a re-import adds nothing;
--dry-run needs no log-in and writes nothing; confirming the 一致 rows settles their invoices;
a malformed file is one Japanese line and exit 2, with nothing imported."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reseller_desk.db.database import Database
from reseller_desk.db.models import StatementLine
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services import auth
from reseller_desk.services.payments.balances import balances

from .services.payment_builders import a_customer, an_invoice
from .services.statement_builders import Row, zengin01
from .test_cli_errors import assert_one_japanese_line
from .test_cli_import import CLERK_PASSWORD
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)
from .test_cli_user import run

CLERK = ("--as", "suzuki", "--password-stdin")
DAY = dt.date(2026, 12, 25)


@pytest.fixture
def owing(office):  # noqa: F811
    """The CLI's office with みらい商事 owing one invoice: (path, invoice id, total)."""
    db = Database.open(office)
    try:
        actor = auth.login(db, "suzuki", CLERK_PASSWORD.strip())
        customer = a_customer(db, actor)
        invoice, total = an_invoice(db, customer)
    finally:
        db.dispose()
    return office, invoice, total


def statement_lines(path: str) -> int:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            return session.scalar(select(func.count()).select_from(StatementLine))
    finally:
        db.dispose()


def state_of(path: str, invoice: int) -> InvoiceState:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            return balances(session, invoice_ids=[invoice])[invoice].state
    finally:
        db.dispose()


def test_a_clerk_imports_a_statement_sees_its_groups_and_confirms_the_matched(owing, tmp_path, monkeypatch,
                                                                                capsys):
    path, invoice, total = owing
    file = tmp_path / "nyukin.dat"
    file.write_bytes(zengin01([Row(DAY, total, "ｶ)ﾐﾗｲｼﾖｳｼﾞ"), Row(DAY, 12, "ﾘｿｸ")]))
    code, out, err = run(monkeypatch, capsys, "payments", "import", str(file), "--db", path, *CLERK,
                         stdin=CLERK_PASSWORD)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("入金 2件を取り込みました。（取込番号 1）")
    assert lines[1] == "一致 1件" and lines[2].startswith("一致\t2行目\t2026-12-25") and "株式会社みらい商事" in lines[2]
    assert lines[3] == "要確認 0件" and lines[4] == "不明 1件" and lines[5].startswith("不明\t3行目")
    code, out, err = run(monkeypatch, capsys, "payments", "import", str(file), "--db", path, *CLERK,
                         stdin=CLERK_PASSWORD)
    assert code == 0 and "すべて取込済み" in out and statement_lines(path) == 2
    code, out, err = run(monkeypatch, capsys, "payments", "confirm", "--db", path, "--import", "1", "--matched",
                         *CLERK, stdin=CLERK_PASSWORD)
    assert code == 0, err
    assert out.startswith(f"一致 1件を消し込みました（入金 {total:,}円、過入金 0円、振込依頼人名の学習 1件）")
    assert state_of(path, invoice) is InvoiceState.PAID
    code, _out, err = run(monkeypatch, capsys, "payments", "confirm", "--db", path, "--import", "1", "--matched",
                          *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2 and "「一致」の行はありません" in err


def test_a_dry_run_needs_no_log_in_and_imports_nothing(owing, tmp_path, monkeypatch, capsys):
    path, _invoice, total = owing
    file = tmp_path / "nyukin.dat"
    file.write_bytes(zengin01([Row(DAY, total, "ｶ)ﾐﾗｲｼﾖｳｼﾞ")]))
    code, out, _err = run(monkeypatch, capsys, "payments", "import", str(file), "--db", path, "--dry-run")
    assert code == 0 and out.startswith("振込入金通知: 入金 1件") and "2行目\t2026-12-25" in out
    assert statement_lines(path) == 0


def test_a_malformed_statement_is_one_japanese_line_and_nothing_is_imported(owing, tmp_path, monkeypatch, capsys):
    path, _invoice, _total = owing
    file = tmp_path / "nyukin.dat"
    file.write_bytes(zengin01([Row(DAY, 100, "ﾐﾗｲ")])[:-30])
    code, _out, err = run(monkeypatch, capsys, "payments", "import", str(file), "--db", path, *CLERK,
                          stdin=CLERK_PASSWORD)
    assert code == 2
    assert_one_japanese_line(err)
    assert "何も取り込んでいません" in err and statement_lines(path) == 0
    code, _out, err = run(monkeypatch, capsys, "payments", "import", str(tmp_path / "none.dat"), "--db", path,
                          "--dry-run")
    assert code == 2 and "ファイルを読めません" in err

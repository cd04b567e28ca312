"""``reseller-desk debit export`` / ``debit import`` on both engines: a clerk writes the request
file for a collection day and sees the count, the total and what was left out; imports the bank's
result and sees what was settled and what failed with the reason; a bad date, a file that exists,
a malformed result and a wrong password are one Japanese line and exit status 2."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import DebitBatch, Payment

from .conftest import _staff
from .services.builders import SUZUKI, YAMADA
from .services.debit_builders import COLLECTION, a_debit_contract, a_debit_invoice, a_debit_office, bank_result
from .services.payment_builders import a_customer
from .test_cli_errors import assert_one_japanese_line
from .test_cli_import import CLERK_PASSWORD
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)
from .test_cli_user import run

CLERK = ("--as", "suzuki", "--password-stdin")


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(dt.date(2026, 12, 21)):
        yield


@pytest.fixture
def debits(office):  # noqa: F811
    """The CLI's office with two 口座振替 invoices due 2026-12-28, one without an account."""
    db = Database.open(office)
    try:
        manager = _staff(db, "tanaka", "田中 一郎", "manager")
        a_debit_office(db, manager)
        yamada, suzuki = a_customer(db, manager, YAMADA), a_customer(db, manager, SUZUKI)
        _, code = a_debit_contract(db, yamada)
        _, other = a_debit_contract(db, suzuki, bank="")
        a_debit_invoice(db, yamada, code)
        a_debit_invoice(db, suzuki, other)
    finally:
        db.dispose()
    return office


def counts(path: str) -> tuple[int, int]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            return (session.scalar(select(func.count()).select_from(DebitBatch)),
                    session.scalar(select(func.count()).select_from(Payment)))
    finally:
        db.dispose()


def test_a_clerk_exports_the_day_and_imports_the_banks_result(debits, tmp_path, monkeypatch, capsys):
    out = tmp_path / "irai.dat"
    code, stdout, err = run(monkeypatch, capsys, "debit", "export", "--db", debits, "--date", "2026-12-28",
                            "--out", str(out), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[0] == f"2026-12-28 の口座振替依頼データ: 1件 11,000円 → {out}"
    assert lines[1].startswith("対象外: ") and "鈴木 花子" in lines[1] and "口座が契約に登録されていません" in lines[1]
    result = tmp_path / "kekka.dat"
    result.write_bytes(bank_result(out.read_bytes(), {1: 1}))
    code, stdout, err = run(monkeypatch, capsys, "debit", "import", str(result), "--db", debits, *CLERK,
                            stdin=CLERK_PASSWORD)
    assert code == 0, err
    lines = stdout.splitlines()
    assert lines[0] == "2026-12-28 の振替結果: 振替済 0件、振替不能 1件"
    assert "資金不足" in lines[1] and "振込期限 2027-01-04" in lines[1]   # 12-21 + 14 = 1-4 (a Monday)
    assert lines[2].startswith("通知書: 振-2026-")
    code, stdout, _ = run(monkeypatch, capsys, "debit", "import", str(result), "--db", debits, *CLERK,
                          stdin=CLERK_PASSWORD)
    assert code == 0 and stdout.startswith("kekka.dat は取込済みです")
    assert counts(debits) == (1, 0)


@pytest.mark.parametrize("argv, words", [
    (("--date", "2026-13-01"), "YYYY-MM-DD"),
    (("--date", "2026-12-29"), "依頼できる請求書がありません"),
], ids=["not a date", "nothing due that day"])
def test_a_bad_export_is_one_japanese_line_and_writes_nothing(debits, tmp_path, monkeypatch, capsys, argv, words):
    out = tmp_path / "irai.dat"
    code, stdout, err = run(monkeypatch, capsys, "debit", "export", "--db", debits, *argv, "--out", str(out), *CLERK,
                            stdin=CLERK_PASSWORD)
    assert code == 2 and stdout == "" and words in err
    assert_one_japanese_line(err)
    assert not out.exists() and counts(debits) == (0, 0)


def test_an_existing_out_file_a_malformed_result_and_a_wrong_password_are_refused(debits, tmp_path, monkeypatch,
                                                                                  capsys):
    out = tmp_path / "irai.dat"
    out.write_bytes(b"keep")
    code, _, err = run(monkeypatch, capsys, "debit", "export", "--db", debits, "--date", COLLECTION.isoformat(),
                       "--out", str(out), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2 and "すでにあります" in err and out.read_bytes() == b"keep"
    bad = tmp_path / "bad.dat"
    bad.write_bytes(b"1" * 119 + b"\r\n")
    code, _, err = run(monkeypatch, capsys, "debit", "import", str(bad), "--db", debits, *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2 and "1件目のレコード" in err
    assert_one_japanese_line(err)
    code, _, err = run(monkeypatch, capsys, "debit", "export", "--db", debits, "--date", COLLECTION.isoformat(),
                       "--out", str(tmp_path / "x.dat"), *CLERK, stdin="wrong-password\n")
    assert code == 2
    assert_one_japanese_line(err)
    assert counts(debits) == (0, 0)


def test_a_folder_that_cannot_be_written_is_refused_before_any_request_is_recorded(tmp_path, monkeypatch):
    import tempfile

    from reseller_desk import cli_debit
    from reseller_desk.services.errors import ServiceError

    def refuse(**_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ServiceError, match="書き込めません.*何も作成していません"):
        cli_debit._reserve(tmp_path / "request.dat")

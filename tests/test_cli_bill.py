"""``reseller-desk bill`` on both engines: a clerk bills a closed month and sees the progress on
stderr and the summary (invoices, totals per profile and rate) on stdout; a second run issues
nothing; a month not ended, a month that is not YYYY-MM and a wrong password are one Japanese
line and exit status 2, with nothing billed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reseller_desk.db.database import Database
from reseller_desk.db.models import BillRun, Invoice

from .benchmarks.bench_billing import generate
from .test_cli_errors import assert_one_japanese_line
from .test_cli_import import CLERK_PASSWORD
from .test_cli_import import _frozen as _frozen  # noqa: F401 - autouse: the clock at 2026-11-20
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)
from .test_cli_user import run

CLERK = ("--as", "suzuki", "--password-stdin")


@pytest.fixture
def billable(office):  # noqa: F811
    """The CLI's office with twelve contracts of nine customers, both services, to bill for October."""
    db = Database.open(office)
    try:
        generate(db, 12)
    finally:
        db.dispose()
    return office


def invoice_totals(path: str) -> tuple[int, int, int]:
    db = Database.open(path)
    try:
        with db.transaction() as session:
            count, total, tax = session.execute(select(func.count(), func.sum(Invoice.total),
                                                       func.sum(Invoice.tax_10))).one()
            return count, int(total or 0), int(tax or 0)
    finally:
        db.dispose()


def test_a_clerk_bills_october_and_sees_the_summary_and_the_progress(billable, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "bill", "--db", billable, "--month", "2026-10", "--chunk", "4", *CLERK,
                         stdin=CLERK_PASSWORD)
    assert code == 0, err
    assert err.splitlines()[-4:] == ["請求中 0/9", "請求中 4/9", "請求中 8/9", "請求中 9/9"]
    count, total, tax = invoice_totals(billable)
    lines = out.splitlines()
    assert lines[0].startswith("2026年10月分の請求（実行 1、完了）")
    assert lines[1] == "請求先 9件: 発行 9件、発行済み 0件、対象外 0件、失敗 0件"
    assert count == 9 and lines[2].startswith("SimpleConnect クラウドサービス: 請求書 5件") \
        and lines[3].startswith("即日発番.com クラウドPBXサービス: 請求書 4件")
    printed = sum(int(line.rsplit("請求額 ", 1)[1].removesuffix("円").replace(",", "")) for line in lines[2:4])
    assert printed == total and tax > 0
    again_code, again, _ = run(monkeypatch, capsys, "bill", "--db", billable, "--month", "2026-10", *CLERK,
                               stdin=CLERK_PASSWORD)
    assert again_code == 0 and "発行 0件、発行済み 9件" in again
    assert invoice_totals(billable) == (count, total, tax)


@pytest.mark.parametrize(("month", "said"), [("2026-11", "まだ終わっていません"), ("2026/10", "YYYY-MM"),
                                             ("2026-13", "YYYY-MM"), ("2019-09", "2019年10月より前")])
def test_a_month_that_cannot_be_billed_is_one_line_and_bills_nothing(billable, monkeypatch, capsys, month, said):
    code, out, err = run(monkeypatch, capsys, "bill", "--db", billable, "--month", month, *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2 and out == ""
    assert_one_japanese_line(err)
    assert said in err
    assert invoice_totals(billable) == (0, 0, 0)


def test_a_wrong_password_bills_nothing(billable, monkeypatch, capsys):
    code, _out, err = run(monkeypatch, capsys, "bill", "--db", billable, "--month", "2026-10", *CLERK,
                          stdin="wrong-pass\n")
    assert code == 2
    assert_one_japanese_line(err)
    db = Database.open(billable)
    try:
        with db.transaction() as session:
            assert session.scalar(select(func.count()).select_from(BillRun)) == 0
    finally:
        db.dispose()

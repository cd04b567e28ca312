"""``reseller-desk export`` on both engines: a clerk writes December's journal for 弥生 and for
MF; an unbalanced month is one Japanese line with the difference and exit status 2, with no
file written; a wrong format or month is refused the same way."""

from __future__ import annotations

import dataclasses
import datetime as dt

from reseller_desk.db.database import Database
from reseller_desk.services import auth
from reseller_desk.services.payments import ledger

from .services.builders import MIRAI
from .services.journal_builders import an_invoice_with_extras
from .services.payment_builders import a_customer, an_invoice
from .test_cli_errors import assert_one_japanese_line
from .test_cli_import import CLERK_PASSWORD
from .test_cli_user import office as office  # noqa: F401 - the fixture: tanaka (manager), suzuki (clerk)
from .test_cli_user import run

CLERK = ("--as", "suzuki", "--password-stdin")


def invoices(path: str, *, name: str = "株式会社みらい商事", tamper: int = 0, paid: bool = False) -> None:
    """Two invoices issued in December 2026; ``paid``: the first customer pays 1,000 yen on the 10th."""
    db = Database.open(path)
    try:
        clerk = auth.login(db, "suzuki", CLERK_PASSWORD.strip())
        first = a_customer(db, clerk, dataclasses.replace(MIRAI, name=name))
        an_invoice(db, first)
        if paid:
            ledger.record_payment(db, clerk, first, received_on=dt.date(2026, 12, 10), amount=1000,
                                  today=dt.date(2026, 12, 28))
        other = a_customer(db, clerk, dataclasses.replace(MIRAI, name="株式会社ひかり商事", name_kana="ヒカリショウジ",
                                                          phone="03-1111-2222"))
        an_invoice_with_extras(db, other, tamper=tamper)
    finally:
        db.dispose()


def test_a_clerk_exports_december_for_yayoi_and_mf(office, monkeypatch, capsys, tmp_path):  # noqa: F811
    invoices(office)
    out = tmp_path / "shiwake.csv"
    code, printed, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-12", "--format", "yayoi",
                             "--out", str(out), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 0, err
    rows = out.read_bytes().decode("cp932").split("\r\n")[:-1]
    assert len(rows) == 4 and all(r.count(",") == 24 for r in rows)      # 1 + 3 lines (売上高, 受取利息, 雑収入)
    assert printed.startswith("2026年12月 弥生会計（すべて）: 仕訳 2件 4行  借方 18,556円 = 貸方 18,556円")
    mf = tmp_path / "mf.csv"
    code, _, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-12", "--format", "mf",
                       "--journal", "sales", "--out", str(mf), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 0, err
    assert mf.read_bytes().decode("cp932").startswith("取引No,取引日,借方勘定科目")


def test_an_unbalanced_month_prints_the_difference_and_writes_nothing(office, monkeypatch, capsys,  # noqa: F811
                                                                      tmp_path):
    invoices(office, tamper=777)
    out = tmp_path / "shiwake.csv"
    code, _, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-12", "--format", "csv",
                       "--out", str(out), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2
    assert_one_japanese_line(err, "差 777円", "書き出していません")
    assert not out.exists() and not list(tmp_path.glob("*.csv*")) and not list(tmp_path.glob(".*"))


def test_a_name_shift_jis_cannot_hold_is_named_with_its_line(office, monkeypatch, capsys, tmp_path):  # noqa: F811
    invoices(office, name="株式会社𠮷田", paid=True)
    out = tmp_path / "mf.csv"
    code, _, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-12", "--format", "mf",
                       "--out", str(out), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2 and not out.exists()
    assert_one_japanese_line(err, "6行目", "𠮷", "Shift_JIS")    # header, two sales slips (1 + 3), the receipt


def test_a_wrong_month_or_a_missing_folder_is_one_line(office, monkeypatch, capsys, tmp_path):  # noqa: F811
    code, _, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-13", "--format", "csv",
                       "--out", str(tmp_path / "x.csv"), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2
    assert_one_japanese_line(err, "YYYY-MM")
    code, _, err = run(monkeypatch, capsys, "export", "--db", office, "--month", "2026-12", "--format", "csv",
                       "--out", str(tmp_path / "none" / "x.csv"), *CLERK, stdin=CLERK_PASSWORD)
    assert code == 2
    assert_one_japanese_line(err, "フォルダ")

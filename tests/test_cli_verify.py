"""``reseller-desk verify`` on both engines: a clean chain is one line and exit status 0, an
invoice altered behind the app's back is named with its check and exit status 1, and the
command opens the database read-only (it is a read command: a missing database is not made)."""

from __future__ import annotations

from reseller_desk.cli import READ_COMMANDS
from tests.services.invoice_builders import a_customer, document, issue_documents, recurring
from tests.services.test_invoice_chain import behind_the_apps_back, issue_many

from .test_cli_user import run


def test_verify_says_how_many_invoices_it_checked_and_that_none_was_altered(db, manager, monkeypatch, capsys):
    ids = issue_many(db, manager, 25)
    customer = a_customer(db, manager)
    issue_documents(db, customer, [document([recurring("C0000009", "ライト 月額", 1, 1980)])], profile_key="sokujitsu")
    code, out, err = run(monkeypatch, capsys, "verify", "--db", db.url)
    lines = out.splitlines()
    assert (code, err) == (0, "") and lines[0] == "26 件の請求書を検査しました。改ざんは見つかりませんでした。"
    assert lines[1].startswith("最新の請求書のハッシュ: ") and len(lines[1].split(": ")[1]) == 64
    assert ids  # the chain was there to check


def test_verify_names_the_first_altered_invoice_and_exits_with_1(db, manager, backend, monkeypatch, capsys):
    ids = issue_many(db, manager, 12)
    behind_the_apps_back(db, backend, "UPDATE invoices SET total = 0 WHERE id = :id", id=ids[4])
    code, out, _err = run(monkeypatch, capsys, "verify", "--db", db.url)
    assert code == 1
    assert out.splitlines()[0] == f"請求書 2026-000005（ID {ids[4]}）: 請求額の列が内容と一致しません（発行後に変更されています）。"
    assert "その前の 4 件は正しく連鎖しています" in out


def test_verify_is_a_read_command_that_never_creates_a_database(tmp_path, monkeypatch, capsys):
    assert "verify" in READ_COMMANDS
    missing = tmp_path / "none.sqlite3"
    code, _out, err = run(monkeypatch, capsys, "verify", "--db", str(missing))
    assert code == 2 and err.startswith("エラー: ") and not missing.exists()

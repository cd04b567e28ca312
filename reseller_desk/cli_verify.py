"""``reseller-desk verify --db …``: the tamper check of every issued invoice (電子帳簿保存法),
through the same service as the 設定 action (services.billing.verify).

A read command (cli.READ_COMMANDS): it opens the database read-only and never writes. Exit
status 0 with 「N 件の請求書を検査しました。改ざんは見つかりませんでした。」 and the chain's head
hash (which an office may note down outside the database); 1 with the first invoice that does
not match and the check it failed; 2 for a database that cannot be read (cli.main).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

#: (parser) -> None: adds --db to a subcommand (cli._add_db).
AddDb = Callable[[argparse.ArgumentParser], None]
#: (--db) -> the opened database (cli._open).
OpenDb = Callable[[str | None], "Database"]
#: The exit status when an invoice does not match.
TAMPERED = 1


def add_parser(sub: argparse._SubParsersAction, add_db: AddDb) -> None:
    verify = sub.add_parser("verify", help="発行済み請求書の改ざんを検査する（ハッシュの連鎖。読み取りのみ）")
    add_db(verify)


def cmd_verify(args: argparse.Namespace, open_db: OpenDb, terminal_safe: Callable[..., str]) -> int:
    """``terminal_safe``: cli.terminal_safe (a tampered number may hold control characters)."""
    from reseller_desk.services.billing.verify import report_text, verify_chain

    db = open_db(args.db)
    try:
        report = verify_chain(db)
    finally:
        db.dispose()
    print(terminal_safe(report_text(report), keep_newlines=True))
    if report.fault is not None:
        return TAMPERED
    print(f"最新の請求書のハッシュ: {report.head_hash}")
    return 0

"""``reseller-desk export --db … --month 2026-11 --format yayoi|freee|mf|csv [--journal
sales|receipts|all] --out FILE --as LOGIN [--password-stdin]``: the month's journal for the
accountant (services.payments.journals.export_journal), as 出力 → 書き出し.

The file is written only when the whole journal balances and every line can be written; a
refusal (an unbalanced month with its difference, a name Shift_JIS cannot hold with its line)
is one Japanese line on stderr and exit status 2, and no file is left behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reseller_desk import cli_login
from reseller_desk.cli_bill import parse_month
from reseller_desk.services.errors import ValidationFailed

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

FORMATS = ("yayoi", "freee", "mf", "csv")
JOURNALS = ("sales", "receipts", "all")


def add_parser(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    export = sub.add_parser("export", help="出力: 月の仕訳を会計ソフトの取込形式で書き出す（弥生・freee・MF・CSV）")
    add_db(export)
    export.add_argument("--month", required=True, metavar="YYYY-MM",
                        help="仕訳の月（請求書の発行日・入金日の月。例: 2026-12）")
    export.add_argument("--format", required=True, choices=FORMATS,
                        help="yayoi 弥生会計 / freee / mf マネーフォワード / csv 汎用")
    export.add_argument("--journal", default="all", choices=JOURNALS,
                        help="sales 売上 / receipts 入金 / all すべて（既定）")
    export.add_argument("--out", required=True, metavar="FILE", help="書き出すファイル")
    cli_login.add_arguments(export, who="書き出す担当者（事務・管理者）")


def cmd_export(args: argparse.Namespace, open_db: Callable[[str | None], Database],
               terminal_safe: Callable[..., str]) -> int:
    from reseller_desk.domain.journal_entries import JournalKind, Ledger
    from reseller_desk.reports.invoice_batch import write_file
    from reseller_desk.services.payments.journals import export_journal

    month = parse_month(args.month)
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"エラー: 書き出し先のフォルダがありません: {terminal_safe(str(out.parent))}", file=sys.stderr)
        return 2
    db = open_db(args.db)
    try:
        actor = cli_login.acting(db, args)
        try:
            export = export_journal(db, actor, month, ledger=args.format, journal=args.journal)
        except ValidationFailed as error:
            print(f"エラー: {terminal_safe(' '.join(error.errors.values()))}", file=sys.stderr)
            return 2
    finally:
        db.dispose()
    write_file(out, export.data)   # whole or not at all (a temporary file renamed over it)
    print(terminal_safe(f"{month:%Y年%m月} {Ledger(args.format).label}（{JournalKind(args.journal).label}）: "
                        f"仕訳 {len(export.slips):,}件 {export.lines:,}行  借方 {export.debit_total:,}円 = "
                        f"貸方 {export.credit_total:,}円 → {out}"))
    return 0

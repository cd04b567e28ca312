"""``reseller-desk bill --db … --month 2026-11 [--as LOGIN --password-stdin] [--chunk N]``: the
monthly billing run (services.billing.run.bill_month) from the command line, as 請求 → 月次請求.

Progress goes to stderr (``請求中 500/10,000``); the summary to stdout: the invoices issued, the
totals per terms profile and tax rate, and every account or contract skipped with its reason.
A refusal is one Japanese line on stderr and exit status 2 (``cli.main``). Run it again to
finish a run that was stopped: the accounts invoiced are not billed twice.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from reseller_desk import cli_login
from reseller_desk.services.errors import ValidationFailed

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.billing.runs import BillRunSummary

MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def add_parser(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    bill = sub.add_parser("bill", help="月次請求: 終わった月の請求書を発行する（再実行すると残りだけ発行）")
    add_db(bill)
    bill.add_argument("--month", required=True, metavar="YYYY-MM", help="請求する利用月（例: 2026-11）")
    bill.add_argument("--chunk", type=int, default=None, metavar="N",
                      help="一度に書き込む請求先の数（省略時は 月次請求 と同じ）。中断しても書き込み済みの分は残ります")
    cli_login.add_arguments(bill, who="請求を行う担当者（事務・管理者）")


def parse_month(text: str) -> dt.date:
    match = MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"--month は YYYY-MM の形で指定してください（例: 2026-11）: {text}")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def summary_text(summary: BillRunSummary) -> str:
    month = f"{summary.billing_month.year}年{summary.billing_month.month}月"
    lines = [f"{month}分の請求（実行 {summary.run_id}、{summary.status_label}）",
             f"請求先 {summary.accounts_total:,}件: 発行 {summary.billed:,}件、発行済み {summary.already:,}件、"
             f"対象外 {summary.skipped:,}件、失敗 {summary.failed:,}件"]
    for t in summary.totals:
        lines.append(f"{t.profile_name}: 請求書 {t.invoices:,}件  課税10%対象 {t.taxable_10:,}円 "
                     f"消費税10% {t.tax_10:,}円  課税8%対象 {t.taxable_8:,}円 消費税8% {t.tax_8:,}円  "
                     f"非課税 {t.exempt:,}円  不課税 {t.outside:,}円  請求額 {t.total:,}円")
    for p in summary.problems:
        profile = f"（{p.profile_name}）" if p.profile_name else ""
        who = " ".join(x for x in (p.customer_code, p.customer_name, profile) if x)
        lines.append(f"{'対象外' if p.outcome == 'skipped' else '失敗'}: {who}: {p.reason}")
    return "\n".join(lines)


def cmd_bill(args: argparse.Namespace, open_db: Callable[[str | None], Database],
             terminal_safe: Callable[..., str]) -> int:
    """``open_db``: cli._open; ``terminal_safe``: cli.terminal_safe (what the database holds is
    printed escaped)."""
    from reseller_desk.services.billing.run import bill_month

    month = parse_month(args.month)
    db = open_db(args.db)
    try:
        actor = cli_login.acting(db, args)

        def progress(done: int, total: int) -> None:
            print(f"請求中 {done:,}/{total:,}", file=sys.stderr, flush=True)

        try:
            chunk = {} if args.chunk is None else {"chunk": args.chunk}
            summary = bill_month(db, actor, month, progress=progress, **chunk)
        except ValidationFailed as error:   # the field's own words (the month, the chunk)
            for message in error.errors.values():
                print(f"エラー: {terminal_safe(message)}", file=sys.stderr)
            return 2
    finally:
        db.dispose()
    print(terminal_safe(summary_text(summary), keep_newlines=True))
    return 0

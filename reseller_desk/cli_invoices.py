"""``reseller-desk invoices …``: the issued invoices from the command line, through the same
services as the window's 請求 section. Both only read the database.

    invoices list [--month 2026-11] [--from DATE --to DATE] [--min N --max N] [--customer TEXT]
                  [--kind invoice|credit] [--status open|corrected] [--format table|csv]
    invoices pdf --month 2026-11 --out DIR     (one file per invoice, plus combined.pdf)

The CSV (UTF-8, a header line) has exactly the columns of services.billing.invoices.CSV_HEADER.
A refused filter is one Japanese line per field on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reseller_desk.services.errors import ValidationFailed

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.billing.invoices import InvoiceRow

AddDb = Callable[[argparse.ArgumentParser], None]
OpenDb = Callable[[str | None], "Database"]
#: (text) -> the text as the terminal should show it (cli.terminal_safe).
Safe = Callable[[str], str]

#: The filter's fields -> the option that sets them (for the refusals).
OPTIONS = {"month": "--month", "kind": "--kind", "status": "--status", "issued_from": "--from",
           "issued_to": "--to", "min_total": "--min", "max_total": "--max", "customer": "--customer"}
#: Progress lines of ``invoices pdf``: one every this many files (and the last).
PROGRESS_EVERY = 100


def month_argument(text: str) -> dt.date:
    """``2026-11`` -> 2026-11-01."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"対象月は 2026-11 の形で指定してください（{text!r}）") from None


def date_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は 2026-12-01 の形で指定してください（{text!r}）") from None


def amount_argument(text: str) -> int:
    try:
        return int(text.replace(",", "").strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"金額は円の整数で指定してください（{text!r}）") from None


def add_parser(sub: argparse._SubParsersAction, add_db: AddDb) -> None:
    invoices = sub.add_parser("invoices", help="発行済みの請求書を検索する・PDF で保存する")
    invoices_sub = invoices.add_subparsers(dest="invoices_command", metavar="ACTION", required=True)

    listing = invoices_sub.add_parser("list", help="請求書を検索して一覧表示する（条件はすべて満たすもの）")
    add_db(listing)
    listing.add_argument("--month", type=month_argument, metavar="YYYY-MM", help="対象月（利用月）")
    listing.add_argument("--from", dest="issued_from", type=date_argument, metavar="DATE", help="発行日（から）")
    listing.add_argument("--to", dest="issued_to", type=date_argument, metavar="DATE", help="発行日（まで）")
    listing.add_argument("--min", dest="min_total", type=amount_argument, metavar="N",
                         help="金額の下限（円。返還請求書は返還額で比べます）")
    listing.add_argument("--max", dest="max_total", type=amount_argument, metavar="N", help="金額の上限（円）")
    listing.add_argument("--customer", default="", metavar="TEXT",
                         help="顧客の名称・フリガナ、カスタマID、または請求書番号")
    listing.add_argument("--kind", choices=("invoice", "credit"), help="invoice=請求, credit=返還")
    listing.add_argument("--status", choices=("open", "corrected"), help="open=有効, corrected=訂正済")
    listing.add_argument("--format", choices=("table", "csv"), default="table",
                         help="table=画面用の一覧（既定）, csv=CSV（UTF-8、見出し行あり）")

    pdf = invoices_sub.add_parser("pdf", help="対象月の請求書を PDF で保存する（1件1ファイルと combined.pdf）")
    add_db(pdf)
    pdf.add_argument("--month", type=month_argument, metavar="YYYY-MM", required=True, help="対象月（利用月）")
    pdf.add_argument("--out", metavar="DIR", required=True, help="保存先のフォルダ（なければ作ります）")


def cmd_invoices(args: argparse.Namespace, open_db: OpenDb, safe: Safe) -> int:
    db = open_db(args.db)
    try:
        if args.invoices_command == "list":
            return _list(db, args, safe)
        return _pdf(db, args, safe)
    except ValidationFailed as error:
        for field, message in error.errors.items():
            option = OPTIONS.get(field)
            print(f"エラー: {option + ': ' if option else ''}{message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _filter(args: argparse.Namespace):
    from reseller_desk.domain.invoice_document import InvoiceKind
    from reseller_desk.services.billing.invoices import InvoiceFilter

    return InvoiceFilter(month=args.month, kind=InvoiceKind(args.kind) if args.kind else None, status=args.status,
                         issued_from=args.issued_from, issued_to=args.issued_to, min_total=args.min_total,
                         max_total=args.max_total, customer=args.customer)


def _utf8_stdout() -> None:
    """The CSV is UTF-8 whatever the terminal's locale says."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    if encoding != "utf8" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")


def _list(db: Database, args: argparse.Namespace, safe: Safe) -> int:
    from reseller_desk.services.billing import invoices

    flt = _filter(args)
    if args.format == "csv":
        _utf8_stdout()
        invoices.write_invoices_csv(db, flt, sys.stdout)
        return 0
    ids = invoices.invoice_ids(db, flt)
    total = 0
    for start in range(0, len(ids), 1000):
        for row in invoices.invoice_rows(db, ids[start:start + 1000]):
            print(safe(table_line(row)))
            total += row.total
    from reseller_desk.reports.format import yen

    print(f"{len(ids):,}件  請求額の合計 {yen(total)}")
    return 0


def table_line(row: InvoiceRow) -> str:
    """2026-000123  請求  2026-11  発行 2026-12-01  期限 2026-12-28  口座振替   ¥6,556  株式会社… (C0000001)"""
    from reseller_desk.reports.format import yen

    due = f"期限 {row.due_date.isoformat()}" if row.due_date else " " * 13
    mark = f"  訂正: {row.corrected_by}" if row.corrected_by else ""
    return (f"{row.number}  {row.kind.label}  {row.billing_month:%Y-%m}  発行 {row.issue_date.isoformat()}  {due}  "
            f"{row.payment_method.label:<4}  {yen(row.total):>12}  {row.customer_name}"
            f"（{';'.join(row.customer_codes)}）{mark}")


def _pdf(db: Database, args: argparse.Namespace, safe: Safe) -> int:
    from reseller_desk.services.billing import documents

    def progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY == 0:
            print(f"PDF {done:,}/{total:,}", file=sys.stderr, flush=True)

    saved = documents.save_month_pdfs(db, args.month, Path(args.out), combined=True, progress=progress)
    print(safe(f"{len(saved.files):,}件の請求書を保存しました: {args.out}"))
    if saved.combined:
        print(safe(f"印刷用にまとめたファイル: {saved.combined}"))
    return 0

"""``reseller-desk debit export --db … --date 2026-12-28 --out FILE --as LOGIN`` and
``reseller-desk debit import FILE --db … --as LOGIN``: 口座振替 from the command line, as the
口座振替 section does it (services.payments.debit / debit_results).

``export`` writes the 預金口座振替依頼データ for one collection day and prints how many invoices and
how much it asks, then every invoice left out with its reason. ``import`` reads the bank's
振替結果 and prints each invoice settled or failed with the reason and the new due date. A
refusal is one Japanese line on stderr and exit status 2 (``cli.main``); nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reseller_desk import cli_login
from reseller_desk.services.errors import ServiceError

if TYPE_CHECKING:
    from reseller_desk.db.database import Database


def add_parser(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
               add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    debit = sub.add_parser("debit", help="口座振替: 依頼データの作成と振替結果の取込（全銀協形式）")
    actions = debit.add_subparsers(dest="debit_command", required=True, metavar="{export,import}")
    export = actions.add_parser("export", help="引落日の預金口座振替依頼データを作る")
    add_db(export)
    export.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="引落日（例: 2026-12-28）")
    export.add_argument("--out", required=True, metavar="FILE", help="書き出すファイル（既にあるときは作りません）")
    cli_login.add_arguments(export, who="依頼データを作る担当者（事務・管理者）")
    result = actions.add_parser("import", help="銀行の振替結果ファイルを取り込む（同じファイルは二度取り込みません）")
    result.add_argument("file", metavar="FILE", help="振替結果ファイル（全銀協形式、120バイトのレコード）")
    add_db(result)
    cli_login.add_arguments(result, who="取込を行う担当者（事務・管理者）")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ServiceError(f"--date は YYYY-MM-DD の形で指定してください（例: 2026-12-28）: {text}") from None


def _reserve(path: Path) -> tuple[int, str]:
    """A temporary file beside ``path``, made before anything is recorded: a folder that cannot
    be written is refused while nothing is written yet."""
    if path.exists():
        raise ServiceError(f"{path} はすでにあります。別のファイル名を指定してください（何も作成していません）。")
    try:
        return tempfile.mkstemp(dir=path.parent or Path("."), prefix=".debit-", suffix=".tmp")
    except OSError as error:
        raise ServiceError(f"{path.parent} に書き込めません: {error.strerror or error}"
                           "（何も作成していません）。") from error


def cmd_debit(args: argparse.Namespace, open_db: Callable[[str | None], Database],
              terminal_safe: Callable[..., str]) -> int:
    from reseller_desk.services.payments.debit import debit_preview, export_debit
    from reseller_desk.services.payments.debit_results import import_debit_result

    if args.debit_command == "export":
        day = parse_date(args.date)
        out = Path(args.out)
        if out.exists():
            raise ServiceError(f"{out} はすでにあります。別のファイル名を指定してください（何も作成していません）。")
        if not out.parent.is_dir():
            raise ServiceError(f"{out.parent} というフォルダがありません（何も作成していません）。")
    else:
        source = Path(args.file)
        try:
            data = source.read_bytes()
        except OSError as error:
            raise ServiceError(f"{source} を読めません: {error.strerror or error}") from error
    db = open_db(args.db)
    try:
        actor = cli_login.acting(db, args)
        if args.debit_command == "export":
            debit_preview(db, day)   # a bad date is refused before anything is written
            handle, temporary = _reserve(out)
            try:
                with os.fdopen(handle, "wb") as file:
                    exported = export_debit(db, actor, day, file_name=out.name)
                    try:
                        file.write(exported.data)
                        file.flush()
                        os.link(temporary, out)
                    except OSError as error:
                        raise ServiceError(f"{out} に書き出せません: {error.strerror or error}（依頼データは記録済み"
                                           "ですが、ファイルはできていません。空き容量を確かめて管理者に連絡してください）"
                                           ) from error
            finally:
                os.unlink(temporary)
            lines = [f"{day:%Y-%m-%d} の口座振替依頼データ: {exported.records:,}件 {exported.total:,}円 → {out}"]
            lines += [f"対象外: {r.invoice_number} {r.customer_name} {r.amount:,}円: {r.reason}"
                      for r in exported.left_out]
        else:
            imported = import_debit_result(db, actor, data, file_name=source.name)
            if imported.already_imported:
                lines = [f"{source.name} は取込済みです（何も追加していません）。"]
            else:
                lines = [f"{imported.collection_date:%Y-%m-%d} の振替結果: 振替済 {len(imported.settled):,}件、"
                         f"振替不能 {len(imported.failed):,}件"]
            lines += [f"振替済: {r.invoice_number} {r.customer_name} {r.amount:,}円" for r in imported.settled]
            lines += [f"振替不能: {r.invoice_number} {r.customer_name} {r.amount:,}円: {r.reason}"
                      + (f"（振込期限 {r.transfer_due:%Y-%m-%d}）" if r.transfer_due else "") for r in imported.failed]
            lines += [f"通知書: {n.number} {n.customer_name}" for n in imported.notices]
    finally:
        db.dispose()
    print(terminal_safe("\n".join(lines), keep_newlines=True))
    return 0

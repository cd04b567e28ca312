"""``reseller-desk payments import FILE --db … [--bank NAME] [--dry-run] --as LOGIN
[--password-stdin]`` and ``reseller-desk payments confirm --db … --import ID --matched``: the bank
statement of money in brought in and matched (services.payments.statements / matching), as the
入金 screen does.

``import`` prints the counts and then every open line of that import in its group (一致 / 要確認 /
不明), one line each; ``--dry-run`` only reads the file (no log-in) and prints its rows.
``confirm --matched`` applies every 一致 line of the import (the others are for the screen). A
refusal is one Japanese line on stderr and exit status 2 (``cli.main``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reseller_desk import cli_login

if TYPE_CHECKING:
    from reseller_desk.db.database import Database
    from reseller_desk.services.payments.matching import LineProposal

#: The largest statement file read (as services.payments.statements).
MAX_FILE_BYTES = 20_000_000


def add_parser(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    payments = sub.add_parser("payments", help="入金: 銀行の入金明細の取込と消込")
    payments_sub = payments.add_subparsers(dest="payments_command", required=True, metavar="{import,confirm}")
    imported = payments_sub.add_parser("import",
                                       help="入金明細（全銀協 01/03、または銀行の CSV）を取り込み、照合結果を表示する")
    imported.add_argument("file", metavar="FILE", help="全銀協の明細ファイル、または銀行の CSV")
    add_db(imported)
    imported.add_argument("--bank", metavar="NAME", default=None, help="CSV の明細のとき、列設定を保存した銀行名")
    imported.add_argument("--dry-run", action="store_true", help="読むだけで何も取り込まない（ログイン不要）")
    cli_login.add_arguments(imported, who="取込を行う担当者（事務・管理者）", required=False)
    confirm = payments_sub.add_parser("confirm", help="取込の「一致」の行をすべて消し込む（要確認・不明は画面で）")
    add_db(confirm)
    confirm.add_argument("--import", dest="import_id", type=int, required=True, metavar="ID",
                         help="payments import が表示した取込番号")
    confirm.add_argument("--matched", action="store_true", required=True, help="一致の行だけを消し込む")
    cli_login.add_arguments(confirm, who="消込を行う担当者（事務・管理者）")


def _read(path: str) -> bytes:
    file = Path(path)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"ファイルが大きすぎます（{path}）。1か月分ずつ取り込んでください。")
        return file.read_bytes()
    except OSError as error:
        raise ValueError(f"ファイルを読めません（{path}）。場所と名前を確かめてください。") from error


def proposal_line(p: LineProposal) -> str:
    who = p.customer_name or "、".join(name for _, name in p.candidates) or "—"
    invoices = "・".join(p.invoice_numbers) or "—"
    text = (f"{p.group.label}\t{p.row_no}行目\t{p.value_date:%Y-%m-%d}\t{p.amount:>12,}円\t{p.payer_name}\t"
            f"{who}\t{invoices}")
    return f"{text}\t{p.reason}" if p.reason else text


def cmd_payments(args: argparse.Namespace, open_db: Callable[[str | None], Database],
                 terminal_safe: Callable[..., str]) -> int:
    """``open_db``: cli._open; ``terminal_safe``: cli.terminal_safe (what a file or the database
    holds is printed escaped)."""
    from reseller_desk.domain.payer_match import MatchGroup
    from reseller_desk.services.errors import ServiceError
    from reseller_desk.services.payments import matching, statements

    if args.payments_command == "import" and not args.dry_run and not args.as_login:
        raise ServiceError("取り込むには、取込を行う担当者を --as で指定してください（確認だけなら --dry-run）。")
    db = open_db(args.db)
    lines: list[str] = []
    try:
        if args.payments_command == "import":
            data = _read(args.file)
            name = Path(args.file).name
            if args.dry_run:
                preview = statements.read_statement_file(db, data, name, bank=args.bank)
                if preview.problems:
                    raise statements.StatementRefused(preview.problems)
                lines.append(f"{preview.kind_label}: 入金 {len(preview.rows):,}件 {preview.total:,}円"
                             "（確認のみ。まだ何も取り込んでいません）")
                lines.extend(f"{r.row_no}行目\t{r.value_date:%Y-%m-%d}\t{r.amount:>12,}円\t{r.payer_name}"
                             for r in preview.rows)
            else:
                actor = cli_login.acting(db, args)
                done = statements.import_statement(db, actor, data, name, bank=args.bank)
                lines.append(done.summary() + (f"（取込番号 {done.import_id}）" if done.import_id else ""))
                found = matching.proposals(db, import_id=done.import_id) if done.import_id else []
                for group in MatchGroup:
                    rows = [p for p in found if p.group is group]
                    lines.append(f"{group.label} {len(rows):,}件")
                    lines.extend(proposal_line(p) for p in rows)
        else:
            actor = cli_login.acting(db, args)
            matched = [p for p in matching.proposals(db, import_id=args.import_id) if p.group is MatchGroup.MATCHED]
            if not matched:
                raise ServiceError(f"取込 {args.import_id} に消し込める「一致」の行はありません。")
            result = matching.confirm_matches(db, actor, [
                matching.Confirmation(p.line_id, p.customer_id, p.invoice_ids, p.line_version)
                for p in matched if p.customer_id is not None])
            lines.append(f"一致 {result.confirmed:,}件を消し込みました（入金 {result.applied:,}円、"
                         f"過入金 {result.credit:,}円、振込依頼人名の学習 {result.names_learned:,}件）。")
    finally:
        db.dispose()
    print(terminal_safe("\n".join(lines), keep_newlines=True))
    return 0

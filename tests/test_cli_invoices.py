"""``reseller-desk invoices list`` run in-process through ``cli.main``: the table and the CSV of
the same search as the window's, the filters combined, refusals one Japanese line per option
with exit status 2, and a command that only reads."""

from __future__ import annotations

import csv
import io

from reseller_desk.cli import READ_COMMANDS, build_parser, main
from reseller_desk.services.billing.invoices import CSV_HEADER
from tests.services.invoice_list_builders import a_book


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_table_lists_every_invoice_with_its_number_amount_and_customer(db, manager, capsys):
    book = a_book(db, manager)
    code, out, err = run(capsys, "invoices", "list", "--db", db.url)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == 6 and lines[-1] == f"5件  請求額の合計 ¥{6556 + 6556 + 2718 + 33000 - 6556:,}"
    assert lines[0].startswith(f"{book.mirai_oct.number}  請求  2026-10") and "訂正: " + book.credit.number in lines[0]
    assert "¥33,000" in lines[3] and '合同会社"A&B",東京（C0000003;C0000004）' in lines[3]
    assert lines[4].startswith(f"{book.credit.number}  返還") and "-¥6,556" in lines[4]


def test_the_csv_is_the_services_with_the_filters_combined(db, manager, capsys):
    book = a_book(db, manager)
    code, out, _err = run(capsys, "invoices", "list", "--db", db.url, "--month", "2026-11", "--min", "5,000",
                          "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_HEADER
    assert [r[0] for r in rows[1:]] == [book.mirai_nov.number, book.quoted_nov.number]
    _code, out, _err = run(capsys, "invoices", "list", "--db", db.url, "--customer", "やまだ", "--format", "csv")
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == [book.yamada_nov.number]
    issued = book.mirai_oct.document.issue_date.isoformat()
    _code, out, _err = run(capsys, "invoices", "list", "--db", db.url, "--from", issued, "--to", issued,
                           "--kind", "credit", "--format", "csv")
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == [book.credit.number]
    _code, out, _err = run(capsys, "invoices", "list", "--db", db.url, "--status", "corrected")
    assert out.splitlines()[0].startswith(book.mirai_oct.number) and out.splitlines()[-1].startswith("1件")


def test_a_bad_filter_is_one_line_per_option_and_exit_status_2(db, manager, capsys):
    a_book(db, manager)
    code, out, err = run(capsys, "invoices", "list", "--db", db.url, "--from", "2026-12-02", "--to", "2026-12-01",
                         "--min", "-5")
    assert code == 2 and out == ""
    assert set(err.splitlines()) == {"エラー: --from: 発行日の「から」は「まで」より前の日付にしてください。",
                                     "エラー: --min: 金額（下限）は0〜999,999,999円の整数で入力してください。"}


def test_list_and_pdf_are_read_commands_and_never_create_a_database(new_database, capsys):
    assert {"invoices list", "invoices pdf"} <= READ_COMMANDS
    args = build_parser().parse_args(["invoices", "pdf", "--db", new_database, "--month", "2026-11", "--out", "x"])
    assert (args.command, args.invoices_command, args.month.isoformat()) == ("invoices", "pdf", "2026-11-01")
    code, _out, err = run(capsys, "invoices", "list", "--db", new_database)
    assert code == 2 and err.startswith("エラー: ")

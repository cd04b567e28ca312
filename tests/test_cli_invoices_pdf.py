"""``reseller-desk invoices pdf`` run in-process: one file per invoice of the month and
combined.pdf, with its progress on stderr."""

from __future__ import annotations

from tests.services.invoice_list_builders import a_book
from tests.test_cli_invoices import run


def test_pdf_saves_one_file_per_invoice_of_the_month_and_the_combined_file(db, manager, capsys, tmp_path):
    book = a_book(db, manager)
    out = tmp_path / "pdf"
    code, stdout, err = run(capsys, "invoices", "pdf", "--db", db.url, "--month", "2026-11", "--out", str(out))
    done, total = err.splitlines()[-1].removeprefix("PDF ").split("/")
    assert code == 0 and done == total and int(total) >= 3      # the files (and the print file)
    names = sorted(p.name for p in out.iterdir())
    assert "combined.pdf" in names and len(names) == 4
    assert any(name.startswith(book.yamada_nov.number) for name in names)
    assert stdout.splitlines()[0] == f"3件の請求書を保存しました: {out}"

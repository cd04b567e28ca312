"""The month's journals from the database (services.payments.journals): the sales journal equals
the invoices issued, 不課税 lines by kind, receipts with their 前受金, the write-off and the
deposit; every ledger's file balances; refusals with the difference; names by line; formula
cells neutralised; the mapping edited, reset and guarded against stale edits; the export audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from reseller_desk.db.models import AuditEntry
from reseller_desk.domain.journal_entries import AccountName, Role
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ServiceError, ValidationFailed
from reseller_desk.services.payments import journals

from .journal_builders import DECEMBER, a_month_of_money, an_invoice_with_extras
from .payment_builders import a_customer

ENCODINGS = {"yayoi": "cp932", "mf": "cp932", "freee": "utf-8", "csv": "utf-8-sig"}


def rows(export, ledger):
    return list(csv.reader(io.StringIO(export.data.decode(ENCODINGS[ledger]), newline="")))


def pairs(export):
    """(debit account, amount) and (credit account, amount) of every line."""
    debits = [(ln.debit_account, ln.debit_amount) for s in export.slips for ln in s.lines if ln.debit_account]
    credits = [(ln.credit_account, ln.credit_amount) for s in export.slips for ln in s.lines if ln.credit_account]
    return debits, credits


def test_the_months_yayoi_journal_has_sales_receipts_write_off_and_deposit_and_balances(db, office, clerk, sh_open):
    month = a_month_of_money(db, clerk, sh_open)
    export = journals.export_journal(db, clerk, DECEMBER, ledger="yayoi")
    debits, credits = pairs(export)
    first_total = month.invoice_totals[month.first]
    assert ("売掛金", first_total) in debits and ("売掛金", month.invoice_totals[month.second]) in debits
    assert ("受取利息", 300) in credits and ("雑収入", 700) in credits
    assert ("売上高", 5960 + 596) in credits
    assert ("普通預金", first_total + 500) in debits and ("前受金", 500) in credits
    assert ("雑損失", 440) in debits and ("預り保証金", 50_000) in credits
    assert export.debit_total == export.credit_total == sum(n for _, n in debits)
    lines = export.data.split(b"\r\n")[:-1]
    assert len(lines) == export.lines and all(line.count(b",") == 24 for line in lines)
    with db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "journal.export")).one()
    assert "2026年12月" in entry.summary and "弥生会計" in entry.summary


@pytest.mark.parametrize("ledger", ["freee", "mf", "csv"])
def test_every_other_layout_balances_with_its_header(db, office, clerk, sh_open, ledger):
    a_month_of_money(db, clerk, sh_open)
    export = journals.export_journal(db, clerk, DECEMBER, ledger=ledger)
    table = rows(export, ledger)
    amount_columns = {"freee": ("借方金額", "貸方金額"), "mf": ("借方金額(円)", "貸方金額(円)"),
                      "csv": ("借方金額", "貸方金額")}[ledger]
    header = table[0]
    d, c = (header.index(name) for name in amount_columns)
    assert sum(int(r[d] or 0) for r in table[1:]) == sum(int(r[c] or 0) for r in table[1:]) == export.debit_total
    assert len(table) == export.lines + 1


def test_the_plain_csv_is_before_tax_with_output_tax(db, office, clerk, sh_open):
    a_month_of_money(db, clerk, sh_open)
    _, credits = pairs(journals.build_journal(db, DECEMBER, ledger="csv", journal="sales"))
    assert ("売上高", 5960) in credits and ("仮受消費税", 596) in credits


def test_the_sales_or_receipts_journal_alone(db, office, clerk, sh_open):
    month = a_month_of_money(db, clerk, sh_open)
    sales = journals.build_journal(db, DECEMBER, ledger="yayoi", journal="sales")
    receipts = journals.build_journal(db, DECEMBER, ledger="yayoi", journal="receipts")
    assert len(sales.slips) == 2
    assert sum(ln.debit_amount for s in sales.slips for ln in s.lines if ln.debit_account == "売掛金") == sum(
        month.invoice_totals.values())
    assert all("売上高" not in (ln.credit_account, ln.debit_account) for s in receipts.slips for ln in s.lines)
    assert len(receipts.slips) == 4          # two receipts, the write-off, the deposit


def test_an_invoice_whose_lines_do_not_add_up_refuses_the_export_with_the_difference(db, office, clerk):
    customer = a_customer(db, clerk)
    an_invoice_with_extras(db, customer, tamper=1234)
    with pytest.raises(ServiceError, match="差 1,234円"):
        journals.export_journal(db, clerk, DECEMBER, ledger="yayoi", journal="sales")
    with db.transaction() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "journal.export")).all() == []


def test_a_name_shift_jis_cannot_hold_is_reported_by_line_and_nothing_is_exported(db, office, clerk, sh_open):
    a_month_of_money(db, clerk, sh_open, name="株式会社𠮷田商事")
    preview = journals.build_journal(db, DECEMBER, ledger="mf")
    assert preview.data == b"" and preview.problems
    assert all("𠮷" in p and "行目" in p for p in preview.problems)
    with pytest.raises(ServiceError, match="行目: 「株式会社𠮷田商事」の「𠮷」は Shift_JIS で書けません"):
        journals.export_journal(db, clerk, DECEMBER, ledger="mf")
    assert "𠮷".encode() in journals.export_journal(db, clerk, DECEMBER, ledger="freee").data


def test_a_formula_in_a_name_is_neutralised(db, office, clerk, sh_open):
    a_month_of_money(db, clerk, sh_open, name="=HYPERLINK(\"x\")商事")
    data = journals.export_journal(db, clerk, DECEMBER, ledger="csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in data
    assert not any(cell.startswith("=") for row in csv.reader(io.StringIO(data)) for cell in row)


def test_the_mapping_is_edited_reset_and_guarded(db, office, manager, clerk, sh_open):
    rows_now = journals.journal_accounts(db, "yayoi")
    assert {r.role: r.name.account for r in rows_now}[Role.BANK] == "普通預金"
    assert all(r.row_version is None for r in rows_now)
    wanted = [(r.role, AccountName("普通預金", "みずほ銀行", "対象外") if r.role is Role.BANK else r.name) for r in rows_now]
    with pytest.raises(PermissionDenied):
        journals.save_journal_accounts(db, clerk, "yayoi", wanted, expected_versions={})
    saved = journals.save_journal_accounts(db, manager, "yayoi", wanted, expected_versions={})
    bank = next(r for r in saved if r.role is Role.BANK)
    assert bank.name.sub_account == "みずほ銀行" and bank.row_version is not None
    with pytest.raises(ConcurrentEdit):
        journals.save_journal_accounts(db, manager, "yayoi", wanted, expected_versions={})
    a_month_of_money(db, clerk, sh_open)
    export = journals.build_journal(db, DECEMBER, ledger="yayoi", journal="receipts")
    assert any(ln.debit_sub == "みずほ銀行" for s in export.slips for ln in s.lines)
    assert journals.journal_accounts(db, "freee")[0].row_version is None       # per ledger
    reset = [(r.role, r.default) for r in saved]
    after = journals.save_journal_accounts(db, manager, "yayoi", reset, expected_versions={"bank": bank.row_version})
    assert all(r.row_version is None for r in after)
    with db.transaction() as session:
        assert len(session.scalars(select(AuditEntry).where(AuditEntry.action == "journal_accounts.update")).all()) == 2


def test_the_mapping_refuses_blank_accounts_and_shift_jis_it_cannot_write(db, office, manager):
    rows_now = journals.journal_accounts(db, "mf")
    blank = [(r.role, AccountName("") if r.role is Role.BANK else r.name) for r in rows_now]
    with pytest.raises(ValidationFailed) as refused:
        journals.save_journal_accounts(db, manager, "mf", blank, expected_versions={})
    index = next(i for i, r in enumerate(rows_now) if r.role is Role.BANK)
    assert refused.value.errors == {f"{index}.account": "勘定科目を入力してください。"}
    odd = [(r.role, AccountName("𠮷預金") if r.role is Role.BANK else r.name) for r in rows_now]
    with pytest.raises(ValidationFailed) as refused:
        journals.save_journal_accounts(db, manager, "mf", odd, expected_versions={})
    assert "Shift_JIS" in refused.value.errors[f"{index}.account"]
    with pytest.raises(ValidationFailed):
        journals.build_journal(db, DECEMBER, ledger="sage")
    with pytest.raises(ValidationFailed):
        journals.build_journal(db, dt.datetime(2026, 12, 1), ledger="mf")

"""Statement import (services.payments.statements): a 全銀協 01/03 file or a bank's CSV read
with its saved mapping, imported all or nothing, and re-importing the same rows adds nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import AuditEntry, StatementImport, StatementLine
from reseller_desk.domain.payer_match import payer_key
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ValidationFailed
from reseller_desk.services.payments import statements
from reseller_desk.services.payments.statements import MappingDetails, StatementRefused

from .statement_builders import MUFG, SBI, Row, a_mapping, sbi_csv, zengin01

VECTORS = Path(__file__).resolve().parents[1] / "domain" / "format_vectors"
DAY = dt.date(2026, 12, 25)


def counts(db) -> tuple[int, int]:
    with db.transaction() as session:
        return (session.scalar(select(func.count()).select_from(StatementImport)),
                session.scalar(select(func.count()).select_from(StatementLine)))


def lines(db) -> list[StatementLine]:
    with db.transaction() as session:
        found = list(session.scalars(select(StatementLine).order_by(StatementLine.id)))
        session.expunge_all()
        return found


def test_a_zengin_transfer_notice_becomes_open_lines_with_the_payers_key(db, clerk):
    data = zengin01([Row(DAY, 11_000, "ｶ)ﾐﾗｲｼﾖｳｼﾞ"), Row(DAY, 5_500, "ﾔﾏﾀﾞ ﾀﾛｳ")])
    preview = statements.read_statement_file(db, data, "nyukin.dat")
    assert preview.ok and preview.kind_label == "振込入金通知" and preview.total == 16_500
    assert counts(db) == (0, 0)      # a preview writes nothing
    done = statements.import_statement(db, clerk, data, "nyukin.dat")
    assert (done.rows_total, done.rows_new, done.rows_already) == (2, 2, 0)
    found = lines(db)
    assert [(line.row_no, line.amount, line.payer_name, line.payer_key) for line in found] == [
        (2, 11_000, "ｶ)ﾐﾗｲｼﾖｳｼﾞ", payer_key("ﾐﾗｲｼｮｳｼﾞ")), (3, 5_500, "ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞﾀﾛｳ")]
    assert all(line.statement_import_id == done.import_id and line.account == "0005-001-1234567" for line in found)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "statement.import")) == 1


def test_the_reference_vectors_of_both_zengin_kinds_import(db, clerk):
    for name in ("zengin01_furikomi_nyukin_crlf.dat", "zengin03_nyushukkin_crlf.dat"):
        done = statements.import_statement(db, clerk, (VECTORS / name).read_bytes(), name)
        assert done.rows_new == 1
    assert {(line.value_date, line.amount) for line in lines(db)} == {(dt.date(2025, 5, 27), 110_000)}


def test_re_importing_the_same_statement_or_an_overlapping_one_adds_nothing_new(db, clerk):
    first = [Row(DAY, 11_000, "ﾐﾗｲ", "000001"), Row(DAY, 11_000, "ﾐﾗｲ", "000001")]   # twice the same
    statements.import_statement(db, clerk, zengin01(first), "a.dat")
    again = statements.import_statement(db, clerk, zengin01(first), "a.dat")
    assert (again.import_id, again.rows_new, again.rows_already) == (None, 0, 2)
    assert counts(db) == (1, 2)
    overlapping = statements.import_statement(db, clerk, zengin01([*first, Row(DAY, 3_300, "ﾋｶﾘ", "000003")]), "b.dat")
    assert (overlapping.rows_new, overlapping.rows_already) == (1, 2)
    assert counts(db) == (2, 3)


def test_a_malformed_zengin_file_is_refused_whole_naming_its_record(db, clerk):
    data = bytearray(zengin01([Row(DAY, 11_000, "ﾐﾗｲ"), Row(DAY, 5_000, "ﾋｶﾘ")]))
    data[202 * 2 + 19:202 * 2 + 29] = b"00000050x0"        # the second data record's amount
    with pytest.raises(StatementRefused) as refused:
        statements.import_statement(db, clerk, bytes(data), "bad.dat")
    assert refused.value.problems[0][0] == 3 and "3行目" in str(refused.value)
    assert counts(db) == (0, 0)


def test_a_csv_statement_reads_with_the_banks_mapping_in_either_encoding(db, clerk):
    a_mapping(db, clerk, SBI)
    rows = [Row(DAY, 11_000, "カ）ミライシヨウジ"), Row(DAY, 5_500, "ヤマダ　タロウ")]
    for data in (sbi_csv(rows), sbi_csv(rows, encoding="utf-8", bom=True), sbi_csv(rows, encoding="utf-8")):
        preview = statements.read_statement_file(db, data, "sbi.csv", bank="住信SBI")
        assert preview.ok, preview.problems
        assert [(r.row_no, r.amount, r.payer_name) for r in preview.rows] == [
            (2, 11_000, "カ）ミライシヨウジ"), (3, 5_500, "ヤマダ　タロウ")]   # the fee going out is left out
    done = statements.import_statement(db, clerk, sbi_csv(rows), "sbi.csv", bank="住信SBI")
    assert done.rows_new == 2
    assert statements.import_statement(db, clerk, sbi_csv(rows, encoding="utf-8"), "sbi.csv",
                                       bank="住信SBI").rows_new == 0


def test_the_reference_csv_samples_of_two_banks_give_their_one_transfer(db, clerk):
    a_mapping(db, clerk, SBI)
    a_mapping(db, clerk, MUFG)
    for bank, name in (("住信SBI", "sbi_statement_sample_cp932.csv"), ("三菱UFJ", "mufg_statement_sample_cp932.csv")):
        preview = statements.read_statement_file(db, (VECTORS / name).read_bytes(), name, bank=bank)
        assert [(r.value_date, r.amount, payer_key(r.payer_name)) for r in preview.rows] == [
            (dt.date(2025, 5, 27), 110_000, payer_key("ｻﾝﾌﾟﾙｼﾖｳｶｲ"))], preview.problems


def test_a_csv_row_that_does_not_read_refuses_the_file_naming_the_line(db, clerk):
    a_mapping(db, clerk, SBI)
    data = sbi_csv([Row(DAY, 11_000, "ミライ")]) + '"2026/13/01","振込＊ヒカリ",,"3,300","1","-"\r\n'.encode("cp932")
    with pytest.raises(StatementRefused) as refused:
        statements.import_statement(db, clerk, data, "sbi.csv", bank="住信SBI")
    assert refused.value.problems == ((4, "日付「2026/13/01」が 2026/01/09 の形ではありません。"),)
    assert counts(db) == (0, 0)


def test_a_csv_without_a_bank_or_with_an_unknown_bank_is_refused_with_what_to_do(db, clerk):
    data = sbi_csv([Row(DAY, 11_000, "ミライ")])
    assert "--bank" in statements.read_statement_file(db, data, "x.csv").problems[0][1]
    assert "列設定がありません" in statements.read_statement_file(db, data, "x.csv", bank="どこか").problems[0][1]


def test_a_cancelled_import_writes_nothing(db, clerk):
    class Cancelled(Exception):
        pass

    class CancelAtOnce:
        def check(self):
            raise Cancelled()

        def report(self, done, total=0, text=""):
            pass

    with pytest.raises(Cancelled):
        statements.import_statement(db, clerk, zengin01([Row(DAY, 11_000, "ﾐﾗｲ")]), "a.dat", progress=CancelAtOnce())
    assert counts(db) == (0, 0)


def test_a_bank_mapping_is_saved_checked_and_versioned(db, clerk, manager):
    saved = a_mapping(db, clerk, SBI)
    assert statements.bank_mappings(db) == [saved]
    with pytest.raises(ValidationFailed) as invalid:
        statements.save_bank_mapping(db, clerk, MappingDetails("住信SBI", 0, 4, 4, date_format="%d/%m"),
                                     expected_version=saved.version)
    assert set(invalid.value.errors) == {"date_column", "date_format"}
    moved = statements.save_bank_mapping(db, manager, MappingDetails("住信SBI", 1, 4, 2, header_rows=2),
                                         expected_version=saved.version)
    assert moved.header_rows == 2 and moved.version != saved.version
    with pytest.raises(ConcurrentEdit):
        statements.save_bank_mapping(db, clerk, SBI, expected_version=saved.version)
    with pytest.raises(ConcurrentEdit):
        statements.save_bank_mapping(db, clerk, SBI, expected_version=None)


def test_nobody_logged_out_imports_a_statement(db):
    with pytest.raises(PermissionDenied):
        statements.import_statement(db, None, zengin01([Row(DAY, 1, "ﾐﾗｲ")]), "a.dat")

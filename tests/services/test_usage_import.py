"""The call charges import on both engines: a preview names every faulty row and writes
nothing; a file imports only when every row is valid or the clerk drops the bad ones; each call
lands on the contract that held its number on the call's day; importing the same file again
adds nothing; a month already invoiced for an account takes no more calls of it; the lookups
are in bulk, whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from reseller_desk import clock
from reseller_desk.db.models import AuditEntry, ContractNumber, UsageImport, UsageRecord
from reseller_desk.services.billing.usage import UsageImportCancelled, UsageRefused, import_usage, preview_usage
from reseller_desk.services.errors import PermissionDenied, ValidationFailed

from .invoice_builders import document, issue_documents, recurring
from .test_contract_import import table_counts
from .usage_builders import MONTH, call, calls_of, lines_on_file, usage_csv
from .usage_builders import after_november as after_november  # noqa: F401 - autouse: the clock at 2026-12-02


@pytest.fixture
def lines(db, office, clerk):
    return lines_on_file(db, clerk, 3)


def records(db) -> list[tuple[int, str, dt.datetime, str, int, int, dt.date]]:
    with db.transaction() as session:
        return [tuple(r) for r in session.execute(
            select(UsageRecord.contract_id, UsageRecord.phone_number, UsageRecord.called_at, UsageRecord.destination,
                   UsageRecord.seconds, UsageRecord.amount, UsageRecord.billing_month).order_by(UsageRecord.id))]


def reasons(problems) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.reason for p in problems}


def test_a_valid_file_is_previewed_then_imported_onto_the_contracts_holding_the_numbers(db, lines, clerk):
    a, b, _ = lines
    data = usage_csv([call(a.typed, "2026-11-03 09:05", amount="12", seconds="65"),
                      call("+81" + a.number[1:], "2026/11/04 10:00:30", destination="0120-000-000", amount="8"),
                      call(b.number, "2026-11-30 23:59", amount="20"),
                      call(code=b.customer_code, when="2026-11-05 08:00", destination="117", amount="3")])
    preview = preview_usage(db, data, "11月分.csv", MONTH)
    assert (preview.rows, preview.valid, preview.total_amount, preview.numbers, preview.problems,
            preview.already_imported) == (4, 4, 43, 3, (), 0)
    assert records(db) == []                        # the preview writes nothing
    result = import_usage(db, clerk, data, "11月分.csv", MONTH)
    assert result == preview and result.added == 4
    assert records(db) == [
        (a.contract_id, a.number, dt.datetime(2026, 11, 3, 9, 5), "09011112222", 65, 12, MONTH),
        (a.contract_id, a.number, dt.datetime(2026, 11, 4, 10, 0, 30), "0120000000", 60, 8, MONTH),
        (b.contract_id, b.number, dt.datetime(2026, 11, 30, 23, 59), "09011112222", 60, 20, MONTH),
        (b.contract_id, "", dt.datetime(2026, 11, 5, 8, 0), "117", 60, 3, MONTH)]
    with db.transaction() as session:
        imported = session.scalars(select(UsageImport)).one()
        assert (imported.file_name, imported.billing_month, imported.rows_imported, imported.rows_dropped,
                imported.total_amount, imported.imported_by_id) == ("11月分.csv", MONTH, 4, 0, 43, clerk.user_id)
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "usage.import")).all()
        assert [(e.entity_id, e.user_id) for e in audits] == [(imported.id, clerk.user_id)]
        assert session.scalar(select(func.count()).select_from(UsageRecord).where(
            UsageRecord.usage_import_id == imported.id, UsageRecord.invoice_id.is_(None))) == 4


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row_and_reason(db, lines, clerk):
    a, b, _ = lines
    data = usage_csv([call(a.typed),                                          # 2: fine
                      call("03-9999-0000"),                                   # 3: no contract has it
                      call(a.typed, "2026-11-31 10:00"),                      # 4: no such day
                      call(a.typed, "2026-12-01 00:00"),                      # 5: outside November
                      call(a.typed, "2026-11-06 10:00", amount="-5"),         # 6: negative amount
                      call(a.typed),                                          # 7: row 2 again
                      call(code="C9999999", when="2026-11-07 10:00"),         # 8: no such contract
                      call(a.typed, "2026-11-08 10:00", code=b.customer_code),   # 9: the number is not b's
                      call(b.typed, "2026-11-09 10:00")])                     # 10: fine
    before = table_counts(db)
    preview = preview_usage(db, data, "11月分.csv", MONTH)
    found = reasons(preview.problems)
    assert sorted({row for row, _ in found}) == [3, 4, 5, 6, 7, 8, 9]
    assert "0399990000 は 2026-11-03 にどの契約の番号でもありません" in found[(3, "電話番号")]
    assert "読めません" in found[(4, "日時")]
    assert "2026年11月の通話ではありません" in found[(5, "日時")]
    assert "円の整数" in found[(6, "金額")]
    assert found[(7, "日時")] == "2行目と同じ通話です（重複）。"
    assert found[(8, "カスタマID")] == "カスタマID C9999999 の契約はありません。"
    assert f"契約 {a.customer_code} の番号です" in found[(9, "カスタマID")]
    assert (preview.rows, preview.valid, preview.total_amount, preview.bad_rows) == (9, 2, 20, 7)
    with pytest.raises(UsageRefused) as refused:
        import_usage(db, clerk, data, "11月分.csv", MONTH)
    assert "7行に誤りがある" in str(refused.value) and refused.value.problems == preview.problems
    assert "行 5 列 日時" in refused.value.errors
    assert table_counts(db) == before


def test_dropping_the_bad_rows_imports_the_valid_ones_and_records_how_many_were_dropped(db, lines, clerk):
    a, b, _ = lines
    data = usage_csv([call(a.typed), call("03-9999-0000"), call(b.typed, amount="abc"), call(b.typed, amount="30")])
    result = import_usage(db, clerk, data, "11月分.csv", MONTH, drop_bad=True)
    assert (result.valid, result.added, result.bad_rows, result.total_amount) == (2, 2, 2, 40)
    assert "誤りのある 2行は除きました" in result.imported_text()
    assert [(r[0], r[5]) for r in records(db)] == [(a.contract_id, 10), (b.contract_id, 30)]
    with db.transaction() as session:
        assert session.execute(select(UsageImport.rows_imported, UsageImport.rows_dropped)).one() == (2, 2)


def test_a_file_whose_header_is_wrong_is_refused_even_when_dropping_bad_rows(db, lines, clerk):
    data = usage_csv([call(lines[0].typed)], columns=["電話番号", "日時", "発信先", "秒数"])
    with pytest.raises(UsageRefused) as refused:
        import_usage(db, clerk, data, "11月分.csv", MONTH, drop_bad=True)
    assert refused.value.preview.file_refused
    assert reasons(refused.value.problems)[(1, "金額")] == "列「金額」がありません。見出しの行に入れてください。"
    assert records(db) == []


def test_importing_the_same_file_again_adds_nothing(db, lines, clerk):
    data = usage_csv(calls_of(lines, 30))
    assert import_usage(db, clerk, data, "11月分.csv", MONTH).added == 30
    again = preview_usage(db, data, "11月分.csv", MONTH)
    assert (again.valid, again.already_imported, again.added) == (30, 30, 0)
    result = import_usage(db, clerk, data, "11月分（再送）.csv", MONTH)
    assert result.added == 0 and "すべて取込済み" in result.imported_text()
    # the same calls in another form (number without hyphens, Shift_JIS) are the same calls
    reformed = [{**row, "電話番号": row["電話番号"].replace("-", "")} for row in calls_of(lines, 30)]
    assert import_usage(db, clerk, usage_csv(reformed, "cp932"), "再送.csv", MONTH).already_imported == 30
    assert len(records(db)) == 30
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(UsageImport)) == 1


def test_an_import_cancelled_once_the_file_is_checked_writes_nothing_and_can_be_run_again(db, lines, clerk):
    data = usage_csv(calls_of(lines, 30))
    with pytest.raises(UsageImportCancelled, match="何も取り込んでいません"):
        import_usage(db, clerk, data, "11月分.csv", MONTH, cancelled=lambda: True)
    assert records(db) == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(UsageImport)) == 0
    assert import_usage(db, clerk, data, "11月分.csv", MONTH, cancelled=lambda: False).added == 30


def test_a_number_moved_to_another_contract_charges_each_call_to_the_contract_holding_it_that_day(db, lines, clerk):
    a, b, _ = lines
    with db.transaction(write=True) as session:
        held = session.scalars(select(ContractNumber).where(ContractNumber.contract_id == a.contract_id)).one()
        held.released_on = dt.date(2026, 11, 15)
        session.add(ContractNumber(contract_id=b.contract_id, number=a.number, assigned_on=dt.date(2026, 11, 15)))
    data = usage_csv([call(a.typed, "2026-11-14 23:59"), call(a.typed, "2026-11-15 00:00")])
    import_usage(db, clerk, data, "11月分.csv", MONTH)
    assert [r[0] for r in records(db)] == [a.contract_id, b.contract_id]
    before = usage_csv([call(a.typed, "2026-11-01 09:00")], "utf-8-sig")
    with db.transaction(write=True) as session:
        session.execute(ContractNumber.__table__.update().where(ContractNumber.contract_id == a.contract_id)
                        .values(assigned_on=dt.date(2026, 11, 2)))
    assert "2026-11-01 にどの契約の番号でもありません" in preview_usage(db, before, "x.csv", MONTH).problems[0].reason


def test_calls_of_an_account_already_invoiced_for_the_month_are_refused(db, lines, clerk):
    a, b, _ = lines
    issue_documents(db, a.customer_id, [document([recurring(a.customer_code, "ベーシック 月額", 2, 2980)])])
    data = usage_csv([call(a.typed), call(b.typed)])
    preview = preview_usage(db, data, "11月分.csv", MONTH)
    assert reasons(preview.problems) == {(2, "電話番号"): f"2026年11月分は請求済みです（カスタマID {a.customer_code}）。"}
    with pytest.raises(UsageRefused):
        import_usage(db, clerk, data, "11月分.csv", MONTH)
    assert import_usage(db, clerk, data, "11月分.csv", MONTH, drop_bad=True).added == 1
    assert [r[0] for r in records(db)] == [b.contract_id]
    december = usage_csv([call(a.typed, "2026-12-01 09:00")])
    with clock.frozen(dt.datetime(2027, 1, 5, 9, 0)):   # December is not invoiced: its calls import
        assert import_usage(db, clerk, december, "12月分.csv", dt.date(2026, 12, 1)).added == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_utf8_with_or_without_bom_and_shift_jis_are_read(db, lines, clerk, encoding):
    data = usage_csv([call(lines[0].typed, destination="０９０－１１１１－２２２２")], encoding)
    assert preview_usage(db, data, "髙﨑.csv", MONTH).valid == 1


def test_a_file_that_is_neither_utf8_nor_shift_jis_is_refused_as_a_file(db, lines):
    preview = preview_usage(db, "電話番号,日時\n".encode("utf-16"), "x.csv", MONTH)
    assert preview.file_refused and "文字コード" in preview.problems[0].reason


def test_only_staff_may_import_and_the_month_must_have_begun(db, lines, clerk):
    data = usage_csv([call(lines[0].typed)])
    with pytest.raises(PermissionDenied):
        import_usage(db, None, data, "x.csv", MONTH)
    with pytest.raises(ValidationFailed, match="対象月"):
        preview_usage(db, data, "x.csv", dt.date(2027, 1, 1))
    with pytest.raises(ValidationFailed, match="ファイル"):
        import_usage(db, clerk, "not bytes", "x.csv", MONTH)
    assert records(db) == []


def test_a_file_of_nothing_valid_is_refused_even_when_dropping_bad_rows(db, lines, clerk):
    with pytest.raises(UsageRefused, match="取り込める行がありません"):
        import_usage(db, clerk, usage_csv([call("03-9999-0000")]), "x.csv", MONTH, drop_bad=True)


def test_the_import_sends_as_many_statements_for_two_thousand_rows_as_for_two_hundred(db, office, clerk, statements):
    many_lines = lines_on_file(db, clerk, 40)
    sent = []
    for month_day, count in ((dt.date(2026, 11, 1), 200), (dt.date(2026, 11, 1), 2000)):
        rows = calls_of(many_lines, count)
        data = usage_csv([{**r, "金額": str(int(r["金額"]) + count)} for r in rows])   # other calls each time
        with statements() as statements_sent:
            assert import_usage(db, clerk, data, "x.csv", month_day).added == count
        sent.append(len(statements_sent))
    assert sent[0] == sent[1] and sent[0] < 40

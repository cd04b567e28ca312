"""The 請求書 list: issued invoices found by month, kind, status, issue-date range, amount range and
customer, alone or combined, in SQL; their rows with the credit invoice that returns them; the
CSV with exactly the issue's columns; bad input refused beside its field."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest

from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.services.billing import invoices
from reseller_desk.services.billing.invoices import InvoiceFilter
from reseller_desk.services.errors import NotFound, ValidationFailed

from .invoice_list_builders import NOVEMBER, OCTOBER, a_book


def ids(db, **filters) -> list[int]:
    return invoices.invoice_ids(db, InvoiceFilter(**filters))


def test_every_invoice_is_listed_by_number_and_its_row_says_what_the_invoice_says(db, manager):
    book = a_book(db, manager)
    listed = ids(db)
    assert listed == [book.mirai_oct.invoice_id, book.mirai_nov.invoice_id, book.yamada_nov.invoice_id,
                      book.quoted_nov.invoice_id, book.credit.invoice_id]
    assert invoices.count_invoices(db, InvoiceFilter()) == 5
    yamada = invoices.invoice_rows(db, [book.yamada_nov.invoice_id])[0]
    assert (yamada.number, yamada.kind, yamada.customer_name, yamada.customer_codes) == (
        book.yamada_nov.number, InvoiceKind.INVOICE, "山田 太郎", ("C0000002",))
    assert (yamada.taxable_10, yamada.tax_10, yamada.taxable_8, yamada.tax_8, yamada.total) == (1980, 198, 500, 40, 2718)
    assert yamada.billing_month == NOVEMBER and yamada.payment_method.label == "口座振替"
    assert yamada.due_date == book.yamada_nov.document.due_date and yamada.corrected_by == ""


def test_rows_come_back_in_the_order_asked_and_skip_ids_that_name_nothing(db, manager):
    book = a_book(db, manager)
    wanted = [book.credit.invoice_id, 999_999, book.mirai_oct.invoice_id]
    assert [r.invoice_id for r in invoices.invoice_rows(db, wanted)] == [book.credit.invoice_id,
                                                                           book.mirai_oct.invoice_id]
    assert invoices.invoice_rows(db, []) == []


def test_an_invoice_returned_by_a_credit_invoice_names_it_and_is_listed_as_corrected(db, manager):
    book = a_book(db, manager)
    [returned] = invoices.invoice_rows(db, [book.mirai_oct.invoice_id])
    assert returned.corrected_by == book.credit.number
    assert ids(db, status="corrected") == [book.mirai_oct.invoice_id]
    assert book.mirai_oct.invoice_id not in ids(db, status="open") and book.credit.invoice_id in ids(db, status="open")
    assert ids(db, kind=InvoiceKind.CREDIT) == [book.credit.invoice_id]
    detail = invoices.invoice_detail(db, book.credit.invoice_id)
    assert detail.corrects.number == book.mirai_oct.number and detail.document.kind is InvoiceKind.CREDIT
    original = invoices.invoice_detail(db, book.mirai_oct.invoice_id)
    assert [link.number for link in original.corrected_by] == [book.credit.number]
    assert original.row.corrected_by == book.credit.number and original.corrects is None


def test_the_month_filter_takes_any_day_of_the_usage_month(db, manager):
    book = a_book(db, manager)
    assert ids(db, month=dt.date(2026, 10, 17)) == [book.mirai_oct.invoice_id, book.credit.invoice_id]
    assert len(ids(db, month=NOVEMBER)) == 3
    assert ids(db, month=dt.date(2025, 1, 1)) == []


def test_the_issue_date_range_includes_both_ends(db, manager):
    book = a_book(db, manager)
    december = book.mirai_nov.document.issue_date
    assert set(ids(db, issued_from=december, issued_to=december)) == {
        book.mirai_nov.invoice_id, book.yamada_nov.invoice_id, book.quoted_nov.invoice_id}
    assert ids(db, issued_to=december - dt.timedelta(days=1)) == [book.mirai_oct.invoice_id, book.credit.invoice_id]
    assert ids(db, issued_from=december + dt.timedelta(days=1)) == []


def test_the_amount_range_reads_a_credit_invoice_by_the_amount_it_returns(db, manager):
    book = a_book(db, manager)
    assert ids(db, min_total=6556, max_total=6556) == [book.mirai_oct.invoice_id, book.mirai_nov.invoice_id,
                                                       book.credit.invoice_id]
    assert ids(db, min_total=10_000) == [book.quoted_nov.invoice_id]
    assert ids(db, max_total=3000) == [book.yamada_nov.invoice_id]
    assert ids(db, min_total=0) == ids(db)


def test_the_customer_search_finds_the_name_the_furigana_a_customer_code_and_the_number(db, manager):
    book = a_book(db, manager)
    assert ids(db, customer="やまだ") == [book.yamada_nov.invoice_id]                     # furigana, in hiragana
    assert ids(db, customer="ﾐﾗｲ") == [book.mirai_oct.invoice_id, book.mirai_nov.invoice_id, book.credit.invoice_id]
    assert ids(db, customer="c0000004") == [book.quoted_nov.invoice_id]                 # a second カスタマID
    assert ids(db, customer=book.yamada_nov.number) == [book.yamada_nov.invoice_id]    # 2026-000003
    assert ids(db, customer="みらい 2026-000002") == [book.mirai_nov.invoice_id]        # every term must match
    assert ids(db, customer="存在しない顧客") == []
    assert ids(db, customer="100%_") == []                                              # LIKE wildcards are text


def test_filters_combine(db, manager):
    book = a_book(db, manager)
    assert ids(db, month=NOVEMBER, customer="みらい", min_total=5000) == [book.mirai_nov.invoice_id]
    assert ids(db, month=OCTOBER, kind=InvoiceKind.INVOICE, status="corrected") == [book.mirai_oct.invoice_id]
    assert ids(db, month=NOVEMBER, max_total=3000, customer="みらい") == []
    assert invoices.count_invoices(db, InvoiceFilter(month=NOVEMBER, min_total=5000)) == 2


def test_the_list_sorts_by_any_column_both_ways_with_ties_by_issue_order(db, manager):
    book = a_book(db, manager)
    by_total = invoices.invoice_ids(db, InvoiceFilter(), "total")
    assert by_total[0] == book.credit.invoice_id and by_total[-1] == book.quoted_nov.invoice_id
    assert by_total[2:4] == [book.mirai_oct.invoice_id, book.mirai_nov.invoice_id]   # equal totals: by id
    for key in invoices.SORT_COLUMNS:
        forward = invoices.invoice_ids(db, InvoiceFilter(), key)
        assert sorted(forward) == sorted(ids(db))
        assert invoices.invoice_ids(db, InvoiceFilter(), key, descending=True)[0] == forward[-1]
    with pytest.raises(ValueError):
        invoices.invoice_ids(db, InvoiceFilter(), "document_json")


@pytest.mark.parametrize(("filters", "field"), [
    (dict(issued_from=dt.date(2026, 12, 2), issued_to=dt.date(2026, 12, 1)), "issued_from"),
    (dict(min_total=10, max_total=9), "min_total"),
    (dict(min_total=-1), "min_total"),
    (dict(max_total=-500), "max_total"),
    (dict(max_total=True), "max_total"),
    (dict(min_total=10**12), "min_total"),
    (dict(month="2026-11"), "month"),
    (dict(issued_to=dt.datetime(2026, 11, 1, 9)), "issued_to"),
    (dict(status="paid"), "status"),
    (dict(kind="receipt"), "kind"),
    (dict(customer="あ" * 101), "customer"),
    (dict(customer=None), "customer"),
])
def test_bad_input_is_refused_beside_its_field(db, filters, field):
    for call in (lambda f: invoices.invoice_ids(db, f), lambda f: invoices.count_invoices(db, f),
                 lambda f: invoices.invoices_csv(db, f)):
        with pytest.raises(ValidationFailed) as refused:
            call(InvoiceFilter(**filters))
        assert set(refused.value.errors) == {field}
    with pytest.raises(ValidationFailed):
        invoices.invoice_ids(db, "month=2026-11")


def test_an_invoice_that_does_not_exist_is_not_found(db):
    for invoice_id in (1, 0, -1, 2**63, True, "1"):
        with pytest.raises(NotFound):
            invoices.invoice_detail(db, invoice_id)


def test_the_csv_has_exactly_the_issues_columns_and_quotes_names_as_csv_does(db, manager):
    book = a_book(db, manager)
    text = invoices.invoices_csv(db, InvoiceFilter())
    assert text.splitlines()[0] == ("請求書番号,種別,カスタマID,請求先,対象月,発行日,支払期限,支払方法,課税10%対象額,消費税10%,"
                                    "課税8%対象額,消費税8%,非課税,不課税,請求額")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["請求書番号"] for r in rows] == [i.number for i in (book.mirai_oct, book.mirai_nov, book.yamada_nov,
                                                                 book.quoted_nov, book.credit)]
    yamada = rows[2]
    assert yamada == {
        "請求書番号": book.yamada_nov.number, "種別": "請求", "カスタマID": "C0000002", "請求先": "山田 太郎",
        "対象月": "2026-11", "発行日": book.yamada_nov.document.issue_date.isoformat(),
        "支払期限": book.yamada_nov.document.due_date.isoformat(), "支払方法": "口座振替", "課税10%対象額": "1980",
        "消費税10%": "198", "課税8%対象額": "500", "消費税8%": "40", "非課税": "0", "不課税": "0", "請求額": "2718"}
    quoted = rows[3]
    assert quoted["請求先"] == '合同会社"A&B",東京' and quoted["カスタマID"] == "C0000003;C0000004"
    assert '"合同会社""A&B"",東京"' in text
    credit = rows[4]
    assert (credit["種別"], credit["支払期限"], credit["支払方法"], credit["請求額"]) == ("返還", "", "振込", "-6556")
    assert credit["対象月"] == "2026-10"


def test_the_csv_of_a_filter_holds_only_what_the_list_shows(db, manager):
    book = a_book(db, manager)
    flt = InvoiceFilter(month=NOVEMBER, min_total=5000)
    rows = list(csv.reader(io.StringIO(invoices.invoices_csv(db, flt))))
    assert [r[0] for r in rows[1:]] == [book.mirai_nov.number, book.quoted_nov.number]
    empty = invoices.invoices_csv(db, dataclasses.replace(flt, customer="該当なし"))
    assert empty.splitlines() == [",".join(invoices.CSV_HEADER)]

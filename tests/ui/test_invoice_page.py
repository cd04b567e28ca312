"""The 請求 section on a database of issued invoices: the list and its search fields alone and
combined, a refused filter beside its field, sorting by the header, the CSV of what the list
shows, and the 月次請求 dialog's month (last month by default)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from reseller_desk import clock
from reseller_desk.services.billing.invoices import CSV_HEADER, InvoiceFilter
from reseller_desk.ui.invoice.model import COLUMNS
from reseller_desk.ui.invoice.run_dialog import offered_months, run_status_text
from reseller_desk.ui.invoice_page import InvoicePage, amount_of, date_of
from tests.services.invoice_list_builders import NOVEMBER, a_book
from tests.ui.helpers import type_text


@pytest.fixture
def book(db, manager):
    return a_book(db, manager)


@pytest.fixture
def page(ctx, qtbot, book):
    shown = InvoicePage(ctx)
    qtbot.addWidget(shown)
    shown.resize(1240, 620)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def numbers(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_the_list_shows_every_invoice_with_its_amount_and_the_count(page, book, artifacts):
    assert numbers(page) == [i.number for i in (book.mirai_oct, book.mirai_nov, book.yamada_nov, book.quoted_nov,
                                                book.credit)]
    assert page.count_label.text() == "5件"
    total = next(i for i, c in enumerate(COLUMNS) if c.key == "total")
    assert page.model.index(3, total).data() == "¥33,000" and page.model.index(4, total).data() == "-¥6,556"
    page.grab().save(str(artifacts / "invoice_list.png"))


def test_the_fields_filter_alone_and_combined(page, book, qtbot):
    page.month.setCurrentIndex(page.month.findData(NOVEMBER.isoformat()))
    assert len(numbers(page)) == 3
    page.min_total.setText("5,000")
    page.apply_filters()  # what the pause after typing does
    assert numbers(page) == [book.mirai_nov.number, book.quoted_nov.number]
    type_text(qtbot, page.search, "みらい")
    page.apply_filters()
    assert numbers(page) == [book.mirai_nov.number] and page.count_label.text() == "1件"
    page.clear_filters()
    page.status.setCurrentIndex(page.status.findData("corrected"))
    assert numbers(page) == [book.mirai_oct.number]
    page.status.setCurrentIndex(0)
    page.kind.setCurrentIndex(2)  # 返還
    assert numbers(page) == [book.credit.number]


def test_the_issue_date_range_and_a_refusal_beside_its_field(page, book):
    day = book.mirai_nov.document.issue_date
    page.issued_from.setDate(QDate(day.year, day.month, day.day))
    page.issued_to.setDate(QDate(day.year, day.month, day.day))
    page.apply_filters()
    assert len(numbers(page)) == 3
    page.issued_from.setDate(QDate(day.year, day.month, day.day + 1))
    page.apply_filters()
    assert page.errors.message("issued_from") == "発行日の「から」は「まで」より前の日付にしてください。"
    assert page.issued_from.property("invalid") and len(numbers(page)) == 3   # the list keeps what it showed
    page.issued_from.setDate(QDate(1999, 12, 31))
    page.apply_filters()
    assert not page.errors.has_errors() and date_of(page.issued_from) is None


def test_an_amount_that_is_no_number_or_negative_is_refused_beside_it(page):
    page.max_total.setText("たくさん")
    page.apply_filters()
    assert page.errors.message("max_total") == "金額は円の整数で入力してください（例: 5,000）。"
    page.max_total.setText("-5")
    page.apply_filters()
    assert page.errors.message("max_total") == "金額（上限）は0〜999,999,999円の整数で入力してください。"
    assert amount_of("５，０００円") == 5000 and amount_of("") is None


def test_a_header_click_sorts_in_sql_and_a_second_click_reverses(page, book):
    total = next(i for i, c in enumerate(COLUMNS) if c.key == "total")
    page.table.horizontalHeader().sectionClicked.emit(total)
    assert numbers(page)[0] == book.credit.number
    page.table.horizontalHeader().sectionClicked.emit(total)
    assert numbers(page)[0] == book.quoted_nov.number and page.model.query.descending


def test_csv_saves_every_invoice_of_the_filter_in_utf8_with_bom(page, book, tmp_path, shown):
    page.set_filter(InvoiceFilter(month=NOVEMBER))
    target = tmp_path / "一覧.csv"
    page.ask_csv_path = lambda _parent, _caption, suggested: str(target) if "請求書一覧_202611" in suggested else ""
    page.export_csv()
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert tuple(rows[0]) == CSV_HEADER and [r[0] for r in rows[1:]] == [
        book.mirai_nov.number, book.yamada_nov.number, book.quoted_nov.number]
    assert shown.messages == [] and shown.unexpected == []


def test_the_monthly_run_dialog_offers_the_months_that_have_ended_last_month_first(page):
    dialog = page.open_monthly_run()
    today = clock.today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert dialog.selected_month() == last_month == offered_months(today)[0]
    assert all(m < today.replace(day=1) for m in offered_months(today))
    assert run_status_text("cancelled") == "中止（再実行で残りを発行します）" and run_status_text("finished") == "完了"
    dialog.reject()


def test_enter_in_the_search_field_moves_into_the_list(page, qtbot):
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.selection.selected_id() == page.model.invoice_id(0) and page.open_button.isEnabled()

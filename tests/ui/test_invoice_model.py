"""The 請求書 list model, without a window: it holds the ids of the query and reads rows a page at a
time as the view asks, keeps a bounded cache, passes the filter and the order to the service,
shows amounts right-aligned with ¥ and commas, and refuses to sort by a column worked out per row."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.services.billing.invoices import InvoiceFilter, InvoiceRow, Matches
from reseller_desk.ui.invoice.model import COLUMNS, INVOICE_ID_ROLE, InvoiceQuery, InvoiceTableModel

MONTH = dt.date(2026, 11, 1)


def row(n: int) -> InvoiceRow:
    credit = n % 10 == 0
    total = -6556 if credit else 1000 * n + 556
    return InvoiceRow(n, f"2026-{n:06d}", InvoiceKind.CREDIT if credit else InvoiceKind.INVOICE, n, f"顧客{n}",
                      (f"C{n:07d}",), MONTH, dt.date(2026, 12, 1), None if credit else dt.date(2026, 12, 28),
                      PaymentMethod.DEBIT, 5960, 596, 0, 0, 0, 0, total, "2026-000099" if n == 3 else "")


class FakeBook:
    """10,000 invoices in memory; records every order, filter and batch of rows asked for."""

    def __init__(self, total: int = 10_000) -> None:
        self.rows = {n: row(n) for n in range(1, total + 1)}
        self.orders: list[tuple[str, bool]] = []
        self.filters: list[InvoiceFilter] = []
        self.asked: list[list[int]] = []

    def order(self, sort: str, descending: bool) -> list[int]:
        self.orders.append((sort, descending))
        key = (lambda r: (r.total, r.invoice_id)) if sort == "total" else (lambda r: r.number)
        return [r.invoice_id for r in sorted(self.rows.values(), key=key, reverse=descending)]

    def matches(self, flt: InvoiceFilter) -> Matches:
        self.filters.append(flt)
        if not flt.customer:
            return Matches()
        return Matches(frozenset(r.invoice_id for r in self.rows.values() if flt.customer in r.customer_name))

    def fetch(self, ids) -> list[InvoiceRow]:
        self.asked.append(list(ids))
        return [self.rows[i] for i in ids if i in self.rows]


def model_of(book: FakeBook, **options) -> InvoiceTableModel:
    return InvoiceTableModel(fetch_order=book.order, fetch_matches=book.matches, fetch_rows=book.fetch,
                             page_size=100, **options)


def column(key: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.key == key)


def test_the_model_counts_every_invoice_but_reads_only_the_pages_shown(qapp):
    book = FakeBook()
    model = model_of(book)
    assert model.rowCount() == 10_000 and book.asked == [list(range(1, 101))]
    assert model.index(5_000, 0).data() == "2026-005001"
    assert book.asked[-1] == list(range(5_001, 5_101))      # the page of row 5,000, once
    assert model.index(5_050, 0).data(INVOICE_ID_ROLE) == 5_051 and len(book.asked) == 2


def test_the_cache_stays_bounded_while_the_list_is_scrolled_through(qapp):
    book = FakeBook()
    model = model_of(book, cache_limit=300)
    for r in range(0, 10_000, 50):
        model.index(r, 0).data()
    assert model.cached_count() <= 300 and model.index(9_999, 0).data() == "2026-010000"


def test_amounts_are_right_aligned_with_yen_and_commas_and_a_credit_shows_its_minus(qapp):
    model = model_of(FakeBook(20))
    total, tax = column("total"), column("tax")
    assert model.index(0, total).data() == "¥1,556" and model.index(0, tax).data() == "¥596"
    assert model.index(9, total).data() == "-¥6,556"                          # invoice 10 is a credit
    assert model.index(9, column("kind")).data() == "返還" and model.index(9, column("due_date")).data() == ""
    for c in (total, tax):
        assert model.index(0, c).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, column("billing_month")).data() == "2026-11"
    assert model.index(0, column("payment_method")).data() == "口座振替"


def test_an_invoice_returned_by_a_credit_says_so_in_its_status(qapp):
    model = model_of(FakeBook(5))
    status = column("status")
    assert model.index(2, status).data() == "訂正済（2026-000099）"
    assert "2026-000099" in model.index(2, status).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, status).data() == ""


def test_a_new_filter_reuses_the_order_held_and_a_new_sort_or_a_refresh_reads_it_again(qapp):
    book = FakeBook()
    model = model_of(book)
    assert book.orders == [("number", False)]
    model.show(model.load(model.with_filter(InvoiceFilter(customer="顧客99"))))
    assert model.total() == 111 and book.filters[-1].customer == "顧客99"
    assert book.orders == [("number", False)]                       # the order held, filtered again
    model.sort(column("total"), Qt.SortOrder.DescendingOrder)
    assert model.query == InvoiceQuery(InvoiceFilter(customer="顧客99"), "total", True)
    assert book.orders[-1] == ("total", True) and model.index(0, 0).data() == "2026-009999"
    assert model.row_of(9_999) == 0 and model.row_of(1) is None
    model.refresh()                                                  # invoices were issued
    assert len(book.orders) == 3


def test_a_column_worked_out_per_row_is_not_sortable(qapp):
    book = FakeBook(5)
    model = model_of(book)
    for key in ("customer_codes", "tax", "status"):
        assert model.sort_query(column(key), Qt.SortOrder.AscendingOrder) is None
        assert model.headerData(column(key), Qt.Orientation.Horizontal,
                                Qt.ItemDataRole.ToolTipRole) == "この列では並べ替えできません"
    model.sort(column("tax"))
    assert len(book.orders) == 1 and len(book.filters) == 1

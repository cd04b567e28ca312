"""The 契約 list model, without a window: it reads one page at a time as the view asks
(canFetchMore / fetchMore), passes filters, search and order to the service, and refuses to
sort by a column worked out per page."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QModelIndex, Qt

from reseller_desk.domain.contract import ContractStatus
from reseller_desk.services.contracts.queries import ContractRow, NextEvent
from reseller_desk.ui.contract.model import COLUMNS, CONTRACT_ID_ROLE, ContractTableModel, ListQuery


def row(n: int) -> ContractRow:
    return ContractRow(n, f"C{n:07d}", n, f"顧客{n}", f"コキャク{n}", ContractStatus.ACTIVE, "利用中", "simpleconnect",
                       "SimpleConnect", "ベーシック", 2, 6460, NextEvent("解約", None) if n % 2 else None)


class FakeBook:
    """10,000 contracts in memory; records every page asked for."""

    def __init__(self, total: int = 10_000) -> None:
        self.rows = [row(n) for n in range(1, total + 1)]
        self.asked: list[tuple[ListQuery, int, int]] = []

    def matching(self, q: ListQuery) -> list[ContractRow]:
        rows = [r for r in self.rows if q.search in r.customer_name]
        return sorted(rows, key=lambda r: r.customer_code, reverse=q.descending)

    def page(self, q: ListQuery, offset: int, limit: int) -> list[ContractRow]:
        self.asked.append((q, offset, limit))
        return self.matching(q)[offset:offset + limit]

    def count(self, q: ListQuery) -> int:
        return len(self.matching(q))


def model_of(book: FakeBook) -> ContractTableModel:
    return ContractTableModel(fetch_page=book.page, fetch_count=book.count, page_size=100)


def test_the_model_holds_one_page_and_fetches_the_next_when_asked(qapp):
    book = FakeBook()
    model = model_of(book)
    assert (model.rowCount(), model.total()) == (100, 10_000)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200 and [a[1] for a in book.asked] == [0, 100]
    assert model.index(150, 0).data() == "C0000151"
    assert model.index(150, 0).data(CONTRACT_ID_ROLE) == 151


def test_numbers_are_right_aligned_and_yen_formatted(qapp):
    model = model_of(FakeBook(3))
    charges = next(i for i, c in enumerate(COLUMNS) if c.key == "monthly_charges")
    lines = next(i for i, c in enumerate(COLUMNS) if c.key == "lines")
    assert model.index(0, charges).data() == "¥6,460"
    for column in (charges, lines):
        assert model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    event = next(i for i, c in enumerate(COLUMNS) if c.key == "next_event")
    assert model.index(0, event).data() == "解約"


def test_a_search_or_a_sort_starts_again_from_the_first_page(qapp):
    book = FakeBook()
    model = model_of(book)
    model.fetchMore(QModelIndex())
    model.refresh(dataclasses.replace(model.query, search="顧客99"))
    assert model.total() == 111 and model.rowCount() == 100 and book.asked[-1][1] == 0
    code = next(i for i, c in enumerate(COLUMNS) if c.key == "customer_code")
    model.sort(code, Qt.SortOrder.DescendingOrder)
    assert model.query.descending and model.index(0, 0).data() == "C0009999"


def test_the_charges_and_the_next_event_are_not_sortable(qapp):
    model = model_of(FakeBook(5))
    for key in ("monthly_charges", "next_event"):
        column = next(i for i, c in enumerate(COLUMNS) if c.key == key)
        assert model.sort_query(column, Qt.SortOrder.AscendingOrder) is None
        assert "できません" in model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)


def test_fewer_rows_than_counted_stop_the_fetching(qapp):
    book = FakeBook(150)
    model = model_of(book)
    del book.rows[120:]  # contracts went away between the count and the next page
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 120 and not model.canFetchMore(QModelIndex())

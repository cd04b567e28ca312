"""The customer table model, without any window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.services import customers as customer_service
from reseller_desk.ui.customer_model import (
    COL_ADDRESS,
    COL_CORPORATE_NUMBER,
    COL_EMAIL,
    COL_ID,
    COL_KIND,
    COL_NAME,
    COL_NAME_KANA,
    COL_PHONE,
    COLUMNS,
    CUSTOMER_ID_ROLE,
    CUSTOMER_ROW_ROLE,
    CustomerTableModel,
)

from .helpers import SAMPLE_CUSTOMERS

DISPLAY = Qt.ItemDataRole.DisplayRole


def names(model: CustomerTableModel) -> list[str]:
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def test_headers_and_columns(db, sample_customers):
    model = CustomerTableModel(db)
    assert model.columnCount() == 8
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles == ["ID", "区分", "名称・氏名", "フリガナ", "電話番号", "メールアドレス", "法人番号", "住所"]
    assert [c.key for c in COLUMNS] == ["id", "kind", "name", "name_kana", "phone", "email",
                                        "corporate_number", "address"]
    assert all(c.key in customer_service.SORT_COLUMNS for c in COLUMNS)


def test_row_count_and_data_of_every_column(db, sample_customers):
    model = CustomerTableModel(db)
    assert model.rowCount() == len(SAMPLE_CUSTOMERS)
    row = model.row_of(sample_customers[0])
    draft = customer_service.get_customer(db, sample_customers[0]).draft
    cell = lambda column: model.index(row, column).data(DISPLAY)  # noqa: E731
    assert cell(COL_ID) == str(sample_customers[0])
    assert cell(COL_KIND) == "法人"
    assert cell(COL_NAME) == "株式会社テスト商事"
    assert cell(COL_NAME_KANA) == "カブシキガイシャテストショウジ"
    assert cell(COL_PHONE) == "03-1234-5678"
    assert cell(COL_EMAIL) == "info@test-shoji.example.jp"
    assert cell(COL_CORPORATE_NUMBER) == draft.corporate_number
    assert cell(COL_ADDRESS) == "東京都千代田区千代田1-1"
    individual = model.row_of(sample_customers[2])
    assert model.index(individual, COL_KIND).data() == "個人"
    assert model.index(individual, COL_CORPORATE_NUMBER).data() == ""


def test_id_role_row_role_and_alignment(db, sample_customers):
    model = CustomerTableModel(db)
    for r in range(model.rowCount()):
        for column in range(model.columnCount()):
            assert model.index(r, column).data(CUSTOMER_ID_ROLE) == model.customer_id(r)
    assert set(model.ids()) == set(sample_customers)
    record = model.index(0, COL_NAME).data(CUSTOMER_ROW_ROLE)
    assert record.id == model.customer_id(0)
    id_alignment = Qt.AlignmentFlag(model.index(0, COL_ID).data(Qt.ItemDataRole.TextAlignmentRole))
    assert id_alignment & Qt.AlignmentFlag.AlignRight
    name_alignment = Qt.AlignmentFlag(model.index(0, COL_NAME).data(Qt.ItemDataRole.TextAlignmentRole))
    assert name_alignment & Qt.AlignmentFlag.AlignLeft
    assert model.index(0, COL_NAME).flags() & Qt.ItemFlag.ItemIsSelectable
    assert not model.index(0, COL_NAME).flags() & Qt.ItemFlag.ItemIsEditable


def test_default_order_is_furigana(db, sample_customers):
    model = CustomerTableModel(db)
    kana = [model.index(r, COL_NAME_KANA).data() for r in range(model.rowCount())]
    assert kana == sorted(kana)
    assert model.sort_column == COL_NAME_KANA


def test_sort_changes_order(db, sample_customers):
    model = CustomerTableModel(db)
    model.sort(COL_ID, Qt.SortOrder.AscendingOrder)
    assert model.ids() == sorted(sample_customers)
    model.sort(COL_ID, Qt.SortOrder.DescendingOrder)
    assert model.ids() == sorted(sample_customers, reverse=True)
    model.sort(COL_PHONE, Qt.SortOrder.AscendingOrder)
    phones = [model.index(r, COL_PHONE).data() for r in range(model.rowCount())]
    assert phones == sorted(phones)
    model.sort(COL_NAME_KANA, Qt.SortOrder.DescendingOrder)
    kana = [model.index(r, COL_NAME_KANA).data() for r in range(model.rowCount())]
    assert kana == sorted(kana, reverse=True)
    model.sort(COL_KIND, Qt.SortOrder.AscendingOrder)
    kinds = [model.index(r, COL_KIND).data() for r in range(model.rowCount())]
    assert kinds == ["法人", "法人", "個人", "個人"]


def test_sort_emits_reset_and_keeps_query(db, sample_customers, qtbot):
    model = CustomerTableModel(db)
    model.set_query("神奈川")  # address is not searched: nothing
    assert model.rowCount() == 0
    model.set_query("ヤマダ")
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.sort(COL_ID, Qt.SortOrder.DescendingOrder)
    assert names(model) == ["山田 太郎"]


def test_set_query_folds_width_kana_and_hyphens(db, sample_customers, qtbot):
    model = CustomerTableModel(db)
    with qtbot.waitSignal(model.total_changed, timeout=1000) as signal:
        model.set_query("ﾃｽﾄｼｮｳｼﾞ")  # half-width katakana
    assert signal.args == [1]
    assert names(model) == ["株式会社テスト商事"]
    model.set_query("さくらでんき")  # hiragana finds katakana furigana
    assert names(model) == ["有限会社さくら電機"]
    model.set_query("0312345678")  # phone without hyphens
    assert names(model) == ["株式会社テスト商事"]
    model.set_query("０９０－１２３４")  # full-width digits and hyphen
    assert names(model) == ["山田 太郎"]
    model.set_query("やまだ たろう")  # every term must match
    assert names(model) == ["山田 太郎"]
    model.set_query("やまだ はなこ")
    assert names(model) == []
    model.set_query("EXAMPLE.COM")
    assert names(model) == ["山田 太郎"]
    model.set_query("")
    assert model.rowCount() == len(SAMPLE_CUSTOMERS)


def test_refresh_sees_new_customers(db, manager, sample_customers):
    model = CustomerTableModel(db)
    model.set_query("テスト")
    assert model.rowCount() == 1
    customer_service.add_customer(db, manager, CustomerDraft(
        kind="individual", name="テスト 次郎", name_kana="テスト ジロウ", phone="080-1111-2222"))
    assert model.rowCount() == 1
    model.refresh()
    assert model.rowCount() == 2
    assert model.query == "テスト"


class Spy:
    """Fake fetchers over 1,000 made-up rows, counting calls."""

    def __init__(self, count: int = 1000) -> None:
        self.rows = {i: customer_service.CustomerRow(i, "corporate", f"会社{i:04d}", f"カイシャ{i:04d}",
                                                     f"03-0000-{i:04d}", "", "", "")
                     for i in range(1, count + 1)}
        self.order_calls: list[tuple[str, bool]] = []
        self.match_calls: list[str] = []
        self.row_calls: list[list[int]] = []

    def order(self, sort: str, descending: bool) -> list[int]:
        self.order_calls.append((sort, descending))
        return sorted(self.rows, reverse=descending)

    def matches(self, query: str) -> set[int] | None:
        self.match_calls.append(query)
        return None if not query else {i for i, r in self.rows.items() if query in r.name}

    def model(self, **kwargs) -> CustomerTableModel:
        return CustomerTableModel(fetch_order=self.order, fetch_matches=self.matches, fetch_rows=self.fetch, **kwargs)

    def fetch(self, ids) -> list[customer_service.CustomerRow]:
        self.row_calls.append(list(ids))
        return [self.rows[i] for i in ids]


def test_rows_are_fetched_a_page_at_a_time():
    spy = Spy(1000)
    model = spy.model(page_size=200)
    assert len(spy.order_calls) == 1
    assert model.rowCount() == 1000
    assert spy.row_calls == []  # no row read until one is shown

    assert model.index(0, COL_NAME).data() == "会社0001"
    assert spy.row_calls == [list(range(1, 201))]
    for r in range(200):  # the whole first page comes from the cache
        model.index(r, COL_NAME_KANA).data()
    assert len(spy.row_calls) == 1

    assert model.index(450, COL_NAME).data() == "会社0451"
    assert spy.row_calls[-1] == list(range(401, 601))
    assert len(spy.row_calls) == 2
    assert all(len(call) <= 200 for call in spy.row_calls)

    model.index(0, COL_ID).data(CUSTOMER_ID_ROLE)  # the id alone needs no row
    assert len(spy.row_calls) == 2


def test_cache_is_bounded_and_kept_across_sorting():
    spy = Spy(1000)
    model = spy.model(page_size=100, cache_limit=300)
    for page in range(10):
        model.index(page * 100, COL_NAME).data()
        assert model.cached_count() <= 300
    assert len(spy.row_calls) == 10
    # Sorting re-queries ids, then only the pages shown are fetched (rows cached by id stay).
    model.sort(COL_ID, Qt.SortOrder.DescendingOrder)
    assert spy.order_calls[-1] == ("id", True)
    assert model.index(0, COL_NAME).data() == "会社1000"
    assert len(spy.row_calls) == 10  # id 1000 was on the last page read: still cached
    model.set_query("会社09")
    assert spy.match_calls[-1] == "会社09"
    assert len(spy.order_calls) == 2  # a keystroke reuses the order, it only asks who matches
    assert [model.customer_id(r) for r in range(3)] == [999, 998, 997]


def test_sort_with_unchanged_order_does_not_requery():
    spy = Spy(10)
    model = spy.model()
    model.sort(COL_NAME_KANA, Qt.SortOrder.AscendingOrder)
    model.set_query("")
    assert len(spy.order_calls) == 1 and len(spy.match_calls) == 1


class PagedSpy(Spy):
    def __init__(self, count: int = 1000) -> None:
        super().__init__(count)
        self.page_calls: list[tuple[int, int]] = []

    def page_ids(self, sort: str, descending: bool, offset: int, limit: int) -> list[int]:
        self.page_calls.append((offset, limit))
        return sorted(self.rows, reverse=descending)[offset:offset + limit]

    def model(self, **kwargs) -> CustomerTableModel:
        return CustomerTableModel(fetch_order=self.order, fetch_matches=self.matches, fetch_rows=self.fetch,
                                  fetch_page_ids=self.page_ids, fetch_count=lambda: len(self.rows), **kwargs)


def test_the_first_rows_are_painted_before_every_id_is_read(qtbot):
    spy = PagedSpy(1000)
    model = spy.model(page_size=100)
    assert model.rowCount() == 1000 and not model.is_complete()
    assert model.index(150, COL_NAME).data() == "会社0151"
    assert spy.page_calls == [(100, 100)] and spy.order_calls == []
    qtbot.waitUntil(model.is_complete)  # the whole order follows right after
    assert model.index(999, COL_NAME).data() == "会社1000"
    assert model.ids() == list(range(1, 1001))


def test_a_search_before_the_deferred_load_completes_reads_the_order_first():
    spy = PagedSpy(300)
    model = spy.model()
    model.set_query("会社02")
    assert model.is_complete()
    assert [model.customer_id(r) for r in range(model.rowCount())] == list(range(200, 300))

"""The 機器 section: the filters and the counts, the scanner flow of 入庫… (serial + Enter twice:
two units in stock), a pasted list with one bad row refused with its reason and nothing
imported, and a unit's window with the moves its status allows. Screenshots of the page and
of the 入庫 dialog go to /tmp/lead/shots11 when that folder exists, and to the test's own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.domain.equipment import UnitStatus
from reseller_desk.services.equipment import stock, stock_list
from reseller_desk.ui.equipment.page import EquipmentPage
from reseller_desk.ui.equipment.receive import ReceiveDialog, ReceiveListDialog
from reseller_desk.ui.equipment.unit_window import UnitWindow
from tests.services.equipment_stock_builders import ROUTER, TODAY, a_model, received, version_of

SHOTS = Path("/tmp/lead/shots11")


@pytest.fixture(autouse=True)
def _november():
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        yield


@pytest.fixture
def shelf(db, manager):
    phone, router = a_model(db, manager), a_model(db, manager, ROUTER, ())
    phones = received(db, manager, phone, "P-1", "P-2", "P-3")
    received(db, manager, router, "R-1")
    stock.send_to_repair(db, manager, phones[2], "液晶割れ", expected_version=version_of(db, phones[2]), today=TODAY)
    return {"phone": phone, "router": router, "phones": phones}


@pytest.fixture
def page(ctx, qtbot, shelf):
    page = EquipmentPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def serials(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def save_shot(widget, name: str, artifacts: Path) -> None:
    targets = [artifacts / name] + ([SHOTS / name] if SHOTS.is_dir() else [])
    image = widget.grab()
    for target in targets:
        assert image.save(str(target))


def test_the_page_lists_every_unit_filters_by_status_and_model_and_shows_counts(page, shelf, artifacts):
    assert serials(page) == ["P-1", "P-2", "P-3", "R-1"]
    assert page.count_label.text().startswith("4台")
    counts = {page.counts_model.index(r, 0).data(): page.counts_model.index(r, page.counts_model.columnCount() - 1).data()
              for r in range(page.counts_model.rowCount())}
    assert counts == {"KX-HDV130 SIP電話機": "3", "RTX830 ルーター": "1"}
    save_shot(page, "equipment_page.png", artifacts)
    page.status_filter.setCurrentIndex(page.status_filter.findText(UnitStatus.IN_REPAIR.label))
    assert serials(page) == ["P-3"]
    page.status_filter.setCurrentIndex(0)
    page.model_filter.setCurrentIndex(page.model_filter.findData(shelf["router"]))
    assert serials(page) == ["R-1"]


def test_the_search_finds_a_unit_by_its_serial(page, qtbot):
    qtbot.keyClicks(page.search, "p2")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert serials(page) == ["P-2"]


def test_two_scans_each_ending_with_enter_put_two_units_in_stock(page, qtbot, db, artifacts):
    dialog = page.open_receive()
    assert isinstance(dialog, ReceiveDialog)
    for serial in ("SCAN-001", "SCAN-002"):
        qtbot.keyClicks(dialog.serial, serial)
        qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
    assert dialog.list.count() == 2 and dialog.count.text() == "入庫した機器: 2台"
    assert dialog.serial.text() == ""
    assert stock_list.count_units(db, statuses=[UnitStatus.IN_STOCK], search="scan") == 2
    assert "SCAN-001" in serials(page)   # the page followed Changes.EQUIPMENT
    qtbot.keyClicks(dialog.serial, "SCAN-001")
    qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
    assert "すでに登録されています" in dialog.error_text("serial")
    assert dialog.list.count() == 2
    save_shot(dialog, "equipment_receive_dialog.png", artifacts)


def test_with_mac_on_enter_moves_to_the_mac_and_the_second_enter_receives(page, qtbot, db):
    dialog = page.open_receive()
    dialog.with_mac.setChecked(True)
    qtbot.keyClicks(dialog.serial, "MAC-001")
    qtbot.keyClick(dialog.serial, Qt.Key.Key_Return)
    assert dialog.list.count() == 0
    qtbot.keyClicks(dialog.mac, "00-1a-2b-3c-4d-5e")
    qtbot.keyClick(dialog.mac, Qt.Key.Key_Return)
    assert dialog.units[0].mac_address == "00:1A:2B:3C:4D:5E"


def test_a_pasted_list_with_one_bad_row_is_refused_with_its_reason_and_nothing_imported(page, db, artifacts):
    dialog = page.open_receive_list()
    assert isinstance(dialog, ReceiveListDialog)
    dialog.pasted.setPlainText("L-1\nL 2#\nL-3\tzz:zz\n")
    dialog.check()
    assert not dialog.import_button.isEnabled()
    reasons = {dialog.table_model.index(r, 0).data(): dialog.table_model.index(r, 4).data()
               for r in range(dialog.table_model.rowCount())}
    assert reasons["1"] == "OK" and "英字・数字" in reasons["2"] and "MAC" in reasons["3"]
    assert "2行に誤り" in dialog.summary.text()
    save_shot(dialog, "equipment_receive_list.png", artifacts)
    dialog.import_units()
    assert stock_list.count_units(db, search="l1") == 0
    dialog.pasted.setPlainText("L-1\nL-2\n")
    assert not dialog.import_button.isEnabled()   # edited since the check
    dialog.check()
    assert dialog.import_button.isEnabled()
    dialog.import_units()
    assert stock_list.count_units(db, search="l") == 2


def test_a_csv_file_is_previewed_as_soon_as_it_is_chosen(page, db, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes("製造番号,MACアドレス\r\nC-1,00:A0:DE:00:00:01\r\n".encode("cp932"))
    dialog = page.open_receive_list()
    dialog.load_file(path)
    assert dialog.import_button.isEnabled()
    dialog.import_units()
    assert [r.mac_address for r in stock_list.list_units(db, search="c1")] == ["00:A0:DE:00:00:01"]


def test_the_unit_window_offers_only_the_moves_its_status_allows(page, qtbot, shelf):
    opened = []
    page.opened.connect(opened.append)
    page.open_unit(shelf["phones"][2])
    window = opened[-1]
    assert isinstance(window, UnitWindow)
    assert window.fields["status"].text() == "修理中"
    enabled = {a.value for a, b in window.buttons.items() if b.isEnabled()}
    assert enabled == {"repaired", "dispose"}
    assert window.history_model.rowCount() == 2
    window.note.setText("基板交換")
    window.buttons[next(a for a in window.buttons if a.value == "repaired")].click()
    assert window.fields["status"].text() == "在庫"
    assert window.history_model.index(2, 5).data() == "基板交換"
    assert {a.value for a, b in window.buttons.items() if b.isEnabled()} == {"send_to_repair", "dispose",
                                                                             "declare_lost"}


def test_a_clerk_sees_dispose_and_loss_disabled(clerk_ctx, qtbot, shelf):
    page = EquipmentPage(clerk_ctx)
    qtbot.addWidget(page)
    opened = []
    page.opened.connect(opened.append)
    page.open_unit(shelf["phones"][0])
    window = opened[-1]
    assert {a.value for a, b in window.buttons.items() if b.isEnabled()} == {"send_to_repair"}
    assert page.receive_button.isEnabled()


def test_a_long_list_is_read_a_page_at_a_time_and_the_next_page_added_below(page, monkeypatch):
    import reseller_desk.ui.equipment.page as equipment_page

    monkeypatch.setattr(equipment_page, "PAGE_SIZE", 3)
    page.refresh()
    assert serials(page) == ["P-1", "P-2", "P-3"]
    assert page.count_label.text() == "4台（3台を表示）" and not page.more_button.isHidden()
    page.more_button.click()
    assert serials(page) == ["P-1", "P-2", "P-3", "R-1"]
    assert page.count_label.text() == "4台" and page.more_button.isHidden()

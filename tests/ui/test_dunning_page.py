"""督促 through the window: two customers late on their invoices are listed at 督促状, the clerk
checks both and issues the stage (one notice each, the combined PDF saved where asked), after
which nothing is due; a hold taken from the page takes a customer off the list; 設定 → 督促
shows the stages."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.services.payments import dunning
from reseller_desk.ui.dunning.hold_dialog import HoldDialog
from reseller_desk.ui.dunning.page import DunningPage
from reseller_desk.ui.settings.dunning_tab import DunningTab
from tests.services.dunning_builders import DUE, a_customer, another_customer, dunning_office, overdue

from .helpers import set_up_office

TODAY = DUE + dt.timedelta(days=3)
SHOTS = "/tmp/lead/shots12"


def _shot(widget, artifacts, name: str) -> None:
    import pathlib

    widget.grab().save(str(artifacts / name))
    folder = pathlib.Path(SHOTS)
    if folder.is_dir():
        widget.grab().save(str(folder / name))


def test_a_clerk_issues_the_dunning_letters_of_the_checked_customers_and_saves_the_combined_pdf(
        clerk_ctx, qtbot, db, manager, clerk, artifacts, tmp_path):
    with clock.frozen(dt.datetime(2026, 12, 3, 10, 0)):
        set_up_office(db, manager)
        dunning_office(db, manager)
        first, second = a_customer(db, clerk), another_customer(db, clerk)
        overdue(db, first)
        overdue(db, second, month=dt.date(2026, 9, 1))
        page = DunningPage(clerk_ctx)
        qtbot.addWidget(page)
        page.resize(1200, 600)
        page.show()
        assert page.model.rowCount() == 2
        assert not page.issue_button.isEnabled()                       # no stage chosen yet
        page.stage_box.setCurrentIndex(page.stage_box.findData(
            next(s.id for s in dunning.dunning_stages(db) if s.name == "督促状")))
        assert page.model.rowCount() == 2
        owed_cell = page.model.index(0, page.model.column_of("owed"))
        assert page.model.data(owed_cell, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        for row in range(2):
            page.model.setData(page.model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
        assert page.issue_button.isEnabled()
        _shot(page, artifacts, "dunning_list.png")
        target = tmp_path / "督促_印刷用.pdf"
        page.ask_save_path = lambda _parent, _caption, _suggested: str(target)
        issued = []
        page.issued.connect(issued.append)
        qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
        assert len(issued) == 1 and len(issued[0].letters) == 2
        assert target.read_bytes() == issued[0].combined_pdf
        assert "督促状を2件発行しました" in page.result_label.text()
        assert page.model.rowCount() == 0                              # nothing more due at 督促状
        page.stage_box.setCurrentIndex(0)
        assert page.model.rowCount() == 2 and page.model.index(0, 5).data().startswith("督促状")


def test_a_hold_from_the_page_marks_the_customer_on_hold(clerk_ctx, qtbot, db, manager, clerk, artifacts):
    with clock.frozen(dt.datetime(2026, 12, 3, 10, 0)):
        set_up_office(db, manager)
        dunning_office(db, manager)
        customer = a_customer(db, clerk)
        overdue(db, customer)
        page = DunningPage(clerk_ctx)
        qtbot.addWidget(page)
        page.show()
        page.table.selectRow(0)
        opened = []
        page.dialog_opened.connect(opened.append)
        qtbot.mouseClick(page.hold_button, Qt.MouseButton.LeftButton)
        [dialog] = opened
        assert isinstance(dialog, HoldDialog)
        dialog.reason.setPlainText("12月10日に振込むと連絡あり")
        _shot(dialog, artifacts, "dunning_hold.png")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert page.model.index(0, 1).data() == "保留中"
        assert "12月10日に振込むと連絡あり" in page.model.index(0, 6).data()
        page.table.selectRow(0)
        assert page.release_button.isEnabled()
        qtbot.mouseClick(page.release_button, Qt.MouseButton.LeftButton)
        assert page.model.index(0, 1).data() == "督促状"


def test_the_settings_tab_shows_the_stages_and_saves_a_change(ctx, qtbot, db, artifacts):
    tab = DunningTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 400)
    tab.show()
    assert tab.table.rowCount() == 3
    tab.table.cellWidget(0, 1).setValue(5)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert [s.days_after_due for s in dunning.dunning_stages(db)] == [5, 14, 24]
    assert "保存しました" in tab.status.text()
    _shot(tab, artifacts, "dunning_settings.png")
    tab.table.cellWidget(1, 1).setValue(4)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.status.text().startswith("2行目: 期日からの日数は前の段階")

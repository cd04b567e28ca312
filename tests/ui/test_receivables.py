"""売掛金 through the window: the aging table (a row per customer owing, the totals row last
whichever way it is sorted, filtered by name), and a customer's account window where a manager
applies the credit, records a refund, writes off a shortfall, waives late interest and saves the
取引明細書."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.ui.receivables.account import AccountWindow
from reseller_desk.ui.receivables.page import ReceivablesPage
from tests.services.receivables_builders import a_customer, a_late_invoice, another_customer, charges, pay

from .helpers import set_up_office

TODAY = dt.date(2027, 1, 15)
SHOTS = Path("/tmp/lead/shots12")


def _shot(widget, artifacts: Path, name: str) -> None:
    path = artifacts / name
    widget.grab().save(str(path))
    if SHOTS.is_dir():
        shutil.copy(path, SHOTS / name)


def test_the_aging_table_and_a_customers_account_window_work_the_money_in(ctx, qtbot, db, manager, artifacts, shown):
    with clock.frozen(TODAY):
        set_up_office(db, manager)
        mirai = a_customer(db, manager)
        hikari = another_customer(db, manager)
        short, _ = a_late_invoice(db, mirai, month=dt.date(2026, 10, 1), due=dt.date(2026, 11, 30))
        a_late_invoice(db, mirai, month=dt.date(2026, 11, 1), due=dt.date(2026, 12, 31))
        a_late_invoice(db, hikari, month=dt.date(2026, 9, 1), due=dt.date(2026, 10, 1))
        pay(db, manager, mirai, 10_560, dt.date(2026, 12, 11), invoice_ids=[short])   # 440 short, 10 days late
        pay(db, manager, hikari, 1_500, dt.date(2026, 9, 20))                          # early: 1,500 applied
        page = ReceivablesPage(ctx)
        qtbot.addWidget(page)
        page.resize(1100, 360)
        page.show()
        qtbot.waitExposed(page)
        names = [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]
        assert names == ["株式会社ひかり商事", "株式会社みらい商事", "合計"]
        assert page.proxy.index(2, 6).data() == "¥20,940"           # 440 + 11,000 + 9,500
        page.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        assert [page.proxy.index(r, 0).data() for r in range(3)] == ["株式会社みらい商事", "株式会社ひかり商事", "合計"]
        _shot(page, artifacts, "recv_aging.png")
        page.search.setText("ひかり")
        assert [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())] == ["株式会社ひかり商事", "合計"]
        page.search.setText("")

        opened: list[AccountWindow] = []
        page.window_opened.connect(opened.append)
        row = next(r for r in range(page.proxy.rowCount()) if page.proxy.index(r, 0).data() == "株式会社みらい商事")
        page.table.doubleClicked.emit(page.proxy.index(row, 0))
        [window] = opened
        qtbot.waitExposed(window)
        assert [window.invoices.index(r, 6).data() for r in range(2)] == ["未入金", "過小入金"]
        assert window.interest.rowCount() == 1 and window.interest.index(0, 4).data() == "¥42"  # 10,560×.146×10/365
        # 償却… the 440 short (雑損失).
        window.invoice_table.selectRow(1)
        window.write_off_button.click()
        [dialog] = window.dialogs
        dialog.note.setPlainText("振込手数料の差引")
        dialog.ok_button.click()
        assert window.invoices.index(1, 6).data() == "償却済"
        # 免除… the late interest, not yet billed: withdrawn.
        window.interest_table.selectRow(0)
        window.waive_button.click()
        [dialog] = window.dialogs
        dialog.reason.setPlainText("初回のため")
        dialog.ok_button.click()
        assert window.interest.index(0, 5).data() == "免除（初回のため）" and charges(db) == []
        # An overpayment to the next invoice's, then the credit applied and part refunded.
        pay(db, manager, mirai, 12_000, TODAY, invoice_ids=[])
        window.refresh()
        assert "過入金 ¥12,000" in window.summary.text()
        window.apply_button.click()
        assert window.invoices.index(0, 6).data() == "入金済" and "過入金 ¥1,000" in window.summary.text()
        window.refund_button.click()
        [dialog] = window.dialogs
        dialog.amount.setValue(1_000)
        dialog.note.setPlainText("12/15 振込で返金")
        dialog.ok_button.click()
        assert "過入金 ¥0" in window.summary.text()
        _shot(window, artifacts, "recv_account.png")
        # 取引明細書… saved where the clerk says.
        target = artifacts / "statement.pdf"
        window.ask_path = lambda *_: str(target)
        window.statement_button.click()
        [dialog] = window.dialogs
        dialog.since.setDate(dt.date(2026, 10, 1))
        dialog.ok_button.click()
        assert target.read_bytes().startswith(b"%PDF") and dialog.saved_to == str(target)
        if SHOTS.is_dir():
            shutil.copy(target, SHOTS / "recv_statement.pdf")
        assert shown.unexpected == []

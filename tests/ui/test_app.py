"""run_app: opens the database, fills a brand-new one with demo data, runs until closed."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from reseller_desk.db.database import Database
from reseller_desk.services import customers as customer_service
from reseller_desk.ui import app as app_module
from reseller_desk.ui import errors as errors_module
from reseller_desk.ui import operations as operations_module
from reseller_desk.ui.main_window import MainWindow


@pytest.fixture
def quiet(tmp_path, monkeypatch, shown):
    monkeypatch.setattr(errors_module, "default_log_dir", lambda: tmp_path / "logs")
    monkeypatch.setattr(operations_module, "message_box", lambda parent=None: shown.message)
    monkeypatch.setattr(errors_module, "message_box_dialog", lambda parent=None: shown.error)
    yield shown
    assert shown.errors == [], "no unexpected error may happen"


def run_until(qapp, target: str, done, *, demo_if_new: bool = True, timeout_s: float = 15) -> tuple[int, dict]:
    """run_app(target) while a timer waits for ``done(window)`` and then closes the window."""
    seen: dict = {}
    deadline = time.monotonic() + timeout_s

    def check() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].ctx.ops.is_idle() and done(windows[0]):
            window = windows[0]
            seen["rows"] = window.customer_page.model.rowCount()
            seen["status"] = window.count_label.text()
            seen["title"] = window.windowTitle()
            seen["actor"] = window.ctx.actor.name
            window.close()
            window.deleteLater()
            qapp.quit()
        elif time.monotonic() > deadline:
            seen["timeout"] = True
            qapp.quit()
        else:
            QTimer.singleShot(20, check)

    # Closing the last window would post a Quit event that arrives after run_app returned and
    # leaves every later nested event loop (qtbot.wait …) returning at once; the timer quits.
    quit_on_close = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    try:
        QTimer.singleShot(0, check)
        code = app_module.run_app(target, demo_if_new=demo_if_new)
    finally:
        qapp.setQuitOnLastWindowClosed(quit_on_close)
    return code, seen


def test_a_new_database_gets_demo_customers(qapp, tmp_path, quiet):
    target = str(tmp_path / "new.sqlite3")
    code, seen = run_until(qapp, target, lambda w: w.customer_page.model.rowCount() > 0)
    assert code == 0 and "timeout" not in seen
    assert seen["rows"] == app_module.DEMO_CUSTOMERS
    assert seen["status"] == f"顧客 {app_module.DEMO_CUSTOMERS}件"
    assert seen["title"] == "Reseller Desk"
    assert seen["actor"] == "管理 花子"  # the demo's manager, not the operating-system user
    assert quiet.messages == []
    assert (tmp_path / "logs" / errors_module.LOG_FILE_NAME).exists()

    # Opened again: not new any more, nothing is added.
    code, seen = run_until(qapp, target, lambda w: True)
    assert seen["rows"] == app_module.DEMO_CUSTOMERS


def test_no_demo_when_asked(qapp, tmp_path, quiet):
    code, seen = run_until(qapp, str(tmp_path / "plain.sqlite3"), lambda w: True, demo_if_new=False)
    assert code == 0 and seen["rows"] == 0


def test_an_existing_database_with_customers_is_left_alone(qapp, tmp_path, quiet, manager, db):
    from .helpers import SAMPLE_CUSTOMERS

    customer_service.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    url = db.url
    code, seen = run_until(qapp, url, lambda w: True)
    assert seen["rows"] == 1


def test_a_database_from_a_newer_version_is_refused(qapp, tmp_path, quiet, monkeypatch):
    path = tmp_path / "newer.sqlite3"
    db = Database.open(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    db.dispose()
    fatal = []
    monkeypatch.setattr(app_module, "_fatal", fatal.append)
    assert app_module.run_app(str(path), demo_if_new=True) == 1
    assert "新しいバージョン" in fatal[0]

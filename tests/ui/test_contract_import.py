"""ファイル → 契約の取込（移行）…: a file with a bad row is previewed with the fault beside its row
and column and 「取込」 disabled; a valid file imports after the preview; 中止 during the import
leaves nothing imported; the main window opens the dialog from its file menu."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from reseller_desk import clock
from reseller_desk.db.models import Contract
from reseller_desk.ui import operations
from reseller_desk.ui.contract_import import CANCELLED, ContractImportDialog
from tests.services.import_rows import every_status_rows, write_csv, write_xlsx

from .helpers import set_up_office

SCREENSHOTS = Path("/tmp/import-pngs")


@pytest.fixture(autouse=True)
def _frozen():
    with clock.frozen(dt.date(2026, 11, 20)):
        yield


def contracts(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Contract))


def dialog_for(ctx, qtbot, path: Path) -> ContractImportDialog:
    dialog = ContractImportDialog(ctx, ask_path=lambda _parent, _caption, _filter: str(path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file()
    return dialog


@pytest.fixture
def office_plans(db, manager):
    return set_up_office(db, manager)


def test_a_bad_row_is_shown_beside_its_column_and_nothing_can_be_imported(office_plans, clerk_ctx, qtbot, tmp_path,
                                                                          artifacts):
    rows = every_status_rows(12)
    rows[4] = {**rows[4], "プラン": "NO-SUCH-PLAN"}
    rows[7] = {**rows[7], "電話番号": "12345"}
    dialog = dialog_for(clerk_ctx, qtbot, write_csv(tmp_path / "契約一覧.csv", rows, "utf-8-sig"))
    model = dialog.model
    assert model.rowCount() == 12 and not dialog.import_button.isEnabled()
    assert "NO-SUCH-PLAN" in model.fault_at(6, "プラン") and model.fault_at(9, "電話番号")
    assert "誤りのある行 2件" in dialog.count_label.text()
    plan = model.index(4, model.HEADERS.index("プラン"))
    assert model.data(plan, Qt.ItemDataRole.BackgroundRole) is not None
    assert "プラン" in model.data(model.index(4, 1))
    assert model.data(model.index(0, 1)) == "OK"
    dialog.resize(1200, 520)
    picture = dialog.grab()
    assert picture.save(str(artifacts / "import-preview-error.png"))
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(artifacts / "import-preview-error.png", SCREENSHOTS / "import-preview-error.png")
    assert contracts(clerk_ctx.db) == 0


def test_a_valid_workbook_is_previewed_then_imported(office_plans, clerk_ctx, qtbot, tmp_path):
    dialog = dialog_for(clerk_ctx, qtbot, write_xlsx(tmp_path / "契約一覧.xlsx", every_status_rows(15)))
    assert dialog.import_button.isEnabled() and "すべて正しい" in dialog.count_label.text()
    assert contracts(clerk_ctx.db) == 0            # the preview writes nothing
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert contracts(clerk_ctx.db) == 15
    assert dialog.count_label.text().startswith("契約 15件を取り込みました。")
    assert not dialog.import_button.isEnabled()


def test_a_header_fault_is_shown_as_its_own_row(office_plans, clerk_ctx, qtbot, tmp_path):
    from reseller_desk.domain.contract_import import COLUMNS

    path = write_csv(tmp_path / "x.csv", every_status_rows(3), columns=[*COLUMNS[:-1], "メモ"])
    dialog = dialog_for(clerk_ctx, qtbot, path)
    assert dialog.model.data(dialog.model.index(0, 0)) == "見出し"
    assert "メモ" in dialog.model.data(dialog.model.index(0, 1)) and not dialog.import_button.isEnabled()


def test_cancelling_during_the_import_leaves_nothing_imported(office_plans, clerk_ctx, qtbot, tmp_path, monkeypatch):
    dialog = dialog_for(clerk_ctx, qtbot, write_csv(tmp_path / "x.csv", every_status_rows(20)))
    reports: list[int] = []
    real_report = operations.Progress.report

    def clerk_presses_cancel_after_five(progress, done, total=0, text=""):
        reports.append(done)
        if done == 5:
            progress.cancel()   # what the progress dialog's 中止 does
        real_report(progress, done, total, text)

    monkeypatch.setattr(operations.Progress, "report", clerk_presses_cancel_after_five)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert reports[-1] == 5 and contracts(clerk_ctx.db) == 0
    assert dialog.count_label.text() == CANCELLED and dialog.import_button.isEnabled()


def test_the_main_window_opens_the_import_from_its_file_menu(ctx, qtbot):
    from reseller_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert "契約の取込（移行）…" in [a.text() for a in file_menu.actions()]
    window.import_contracts_action.trigger()
    assert isinstance(window.contract_import_dialog, ContractImportDialog)
    window.contract_import_dialog.close()

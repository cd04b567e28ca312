"""請求 → 通話料の取込…: the month is last month by default; a file with bad rows lists each
fault with its row and reason and 「取込」 stays disabled until 「エラーの行を除いて取り込む」 is
ticked; a valid file imports after its preview; choosing another month checks the file again;
a file whose header is wrong cannot be imported even with the box ticked."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from reseller_desk.db.models import UsageRecord
from reseller_desk.ui.invoice.usage_import import DROP_BAD, UsageImportDialog
from reseller_desk.ui.widgets import to_qdate
from tests.services.test_contract_import import count
from tests.services.usage_builders import after_november as after_november  # noqa: F401 - autouse: 2026-12-02
from tests.services.usage_builders import call, lines_on_file, usage_csv

from .helpers import set_up_office

SCREENSHOTS = Path("/tmp/usage-pngs")


@pytest.fixture
def numbers(db, manager, clerk) -> list[str]:
    set_up_office(db, manager)
    return [line.typed for line in lines_on_file(db, clerk, 3)]


def calls(db) -> int:
    return count(db, UsageRecord)


def dialog_for(ctx, qtbot, path: Path) -> UsageImportDialog:
    dialog = UsageImportDialog(ctx, ask_path=lambda _parent, _caption, _filter: str(path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_file()
    return dialog


def shown_rows(dialog: UsageImportDialog) -> list[tuple[str, str, str]]:
    model = dialog.model
    return [tuple(model.data(model.index(row, column)) for column in range(3)) for row in range(model.rowCount())]


def test_bad_rows_are_listed_and_only_ticking_the_box_lets_the_valid_rows_be_imported(numbers, clerk_ctx, qtbot,
                                                                                      tmp_path, artifacts):
    rows = [call(numbers[i % 3], f"2026-11-{1 + i:02d} 10:00", amount=str(10 + i)) for i in range(12)]
    rows[3] = call("03-9999-0000", "2026-11-04 10:00")
    rows[7] = {**rows[7], "日時": "2026-12-01 09:00"}
    rows[9] = {**rows[9], "金額": "-30"}
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv(rows, "cp932"))
    dialog = dialog_for(clerk_ctx, qtbot, file)
    assert dialog.month.date() == to_qdate(dt.date(2026, 11, 1))   # last month
    assert [row[:2] for row in shown_rows(dialog)] == [("5", "電話番号"), ("9", "日時"), ("11", "金額")]
    assert "2026年11月の通話ではありません" in shown_rows(dialog)[1][2]
    assert "正しい行 9件" in dialog.count_label.text() and "誤りのある行 3件" in dialog.count_label.text()
    assert not dialog.import_button.isEnabled() and dialog.drop_bad.isEnabled()
    assert dialog.drop_bad.text() == DROP_BAD
    dialog.resize(960, 520)
    picture = dialog.grab()
    assert picture.save(str(artifacts / "usage-preview-error.png"))
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(artifacts / "usage-preview-error.png", SCREENSHOTS / "usage-preview-error.png")
    dialog.drop_bad.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert calls(clerk_ctx.db) == 9
    assert "通話 9件" in dialog.count_label.text() and "誤りのある 3行は除きました" in dialog.count_label.text()
    assert not dialog.import_button.isEnabled()


def test_a_valid_file_is_previewed_then_imported_and_another_month_is_checked_again(numbers, clerk_ctx, qtbot,
                                                                                   tmp_path):
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0]), call(numbers[1], amount="25")]))
    dialog = dialog_for(clerk_ctx, qtbot, file)
    assert dialog.import_button.isEnabled() and not dialog.drop_bad.isEnabled()
    assert "取り込むと 2件を追加します" in dialog.count_label.text() and dialog.model.rowCount() == 0
    dialog.month.setDate(to_qdate(dt.date(2026, 10, 1)))
    assert dialog.model.rowCount() == 2 and not dialog.import_button.isEnabled()
    assert "2026年10月の通話ではありません" in shown_rows(dialog)[0][2]
    dialog.month.setDate(to_qdate(dt.date(2026, 11, 1)))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert calls(clerk_ctx.db) == 2
    assert dialog.count_label.text() == "2026年11月分の通話 2件（¥35 税抜）を取り込みました。"
    dialog.choose_file()   # the same file again: nothing to add
    assert "すべて取込済み" in dialog.count_label.text() and not dialog.import_button.isEnabled()


def test_a_file_with_a_wrong_header_cannot_be_imported_even_with_the_box(numbers, clerk_ctx, qtbot, tmp_path):
    file = tmp_path / "11月分.csv"
    file.write_bytes(usage_csv([call(numbers[0])], columns=["電話番号", "日時", "発信先", "秒数", "料金"]))
    dialog = dialog_for(clerk_ctx, qtbot, file)
    assert shown_rows(dialog)[0][0] == "見出し" and not dialog.drop_bad.isEnabled()
    assert not dialog.import_button.isEnabled() and "ファイルを直して" in dialog.count_label.text()
    missing = dialog_for(clerk_ctx, qtbot, tmp_path / "none.csv")
    assert "none.csv を読めません" in missing.count_label.text() and not missing.import_button.isEnabled()

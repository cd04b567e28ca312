"""返却管理: every unit still to come back (services.equipment.returns.open_returns), oldest
deadline first, late rows marked, with 返却受付… (scan the serial), 紛失として処理…, 遅延損害金の減免…
(a manager) and 督促状を作成… for the rows selected (one PDF each and one combined file to print,
saved to a folder the clerk picks, off the UI thread with a progress dialog and 中止). Refreshed
on Changes.EQUIPMENT and CONTRACTS (an ending asks units back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.staff import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.equipment.return_dialogs import DeclareLostDialog, PenaltyDialog, ReceiveReturnDialog
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    WARNING_COLOR,
    Column,
    documents_folder,
    format_date,
    muted_label,
    push_button,
)

COLUMNS: tuple[Column, ...] = (
    Column("customer_name", "顧客", 200),
    Column("contract_code", "カスタマID", 100, ALIGN_CENTER),
    Column("serial", "製造番号", 130),
    Column("model_name", "機種", 150),
    Column("deadline", "返却期限", 100, ALIGN_CENTER, lambda r: format_date(r.deadline)),
    Column("days_late", "遅延日数", 80, ALIGN_RIGHT, lambda r: f"{r.days_late:,}日" if r.days_late else "—"),
    Column("penalty_so_far", "遅延損害金（現時点）", 150, ALIGN_RIGHT,
           lambda r: f"¥{r.penalty_so_far:,}" + ("（減免）" if r.penalty_set else "")),
    Column("reminders_sent", "督促回数", 70, ALIGN_RIGHT, lambda r: f"{r.reminders_sent}回"),
)

#: (parent, caption, start folder) -> the chosen folder, "" when cancelled.
FolderFunction = Any


def ask_folder(parent: QWidget, caption: str, start: str) -> str:
    return QFileDialog.getExistingDirectory(parent, caption, start)


class ReturnsModel(RecordTableModel[Any]):
    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if record.late and role == Qt.ItemDataRole.ForegroundRole and column.key in ("deadline", "days_late",
                                                                                      "penalty_so_far"):
            return QBrush(QColor(WARNING_COLOR))
        if record.late and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor("#fff3e0"))
        return None

    def tooltip(self, record: Any, column: Column) -> str | None:
        if column.key == "penalty_so_far":
            return ("契約ごとの額です（同じ契約の機器がすべて返却されるまで加算、1カ月未満は1カ月）。"
                    + (" 管理者が減免済み。" if record.penalty_set else ""))
        return super().tooltip(record, column)


class ReturnsPage(QWidget):
    title = "返却管理"

    #: A dialog of the page was opened (for tests).
    dialog_opened = Signal(object)
    #: Reminders were saved (SavedLetters).
    reminders_saved = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_folder: FolderFunction = ask_folder
        self.dialogs: list[QWidget] = []
        self.model = ReturnsModel(COLUMNS, self)
        self.table = list_table(self.model, COLUMNS, "openReturns", self)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.count_label = QLabel()
        self.count_label.setObjectName("returnsCount")
        self.receive_button = self._button("返却受付…", "receiveReturn", self.receive,
                                           "製造番号をスキャンして返却を受け付ける（F2）")
        self.receive_button.setShortcut("F2")
        self.lost_button = self._button("紛失として処理…", "declareLost", self.declare_lost,
                                        "選択した機器を紛失として代替機代金を請求する")
        self.penalty_button = self._button("遅延損害金の減免…", "reducePenalty", self.reduce_penalty,
                                           "選択した返却の遅延損害金を減額・免除する（管理者）")
        self.penalty_button.setVisible(ctx.actor.role == Role.MANAGER)
        self.remind_button = self._button("督促状を作成…", "sendReminders", self.send_reminders,
                                          "選択した返却の督促状（契約ごとに1通）をPDFで保存する")
        self.result_label = muted_label()
        self.result_label.setObjectName("returnsResult")
        buttons = QHBoxLayout()
        for button in (self.receive_button, self.lost_button, self.penalty_button, self.remind_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(muted_label("返却期限の古い順。期限を過ぎた行は色付きです。遅延損害金は契約ごとに、"
                                     "すべての機器が返却されるか紛失として処理したとき次回の請求に計上します。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.EQUIPMENT, Changes.CONTRACTS)
                                    else None)
        self._enable()
        self.refresh()

    def _button(self, text: str, name: str, slot: Any, tip: str) -> QPushButton:
        return push_button(text, name, slot, tip)

    # -- the list ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        from reseller_desk.services.equipment.returns import open_returns

        db = self.ctx.db
        self.ctx.ops.run(lambda: open_returns(db), success=self._show, parent=self)

    def _show(self, rows: list[Any]) -> None:
        self.model.set_records(rows)
        late = sum(1 for r in rows if r.late)
        self.count_label.setText(f"{len(rows):,}件（うち期限超過 {late:,}件）")
        self._enable()

    def selected_rows(self) -> list[Any]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [r for r in (self.model.record(row) for row in rows) if r is not None]

    def _enable(self) -> None:
        chosen = self.selected_rows()
        self.lost_button.setEnabled(len(chosen) == 1)
        self.penalty_button.setEnabled(len(chosen) == 1 and chosen[0].reason == "contract_ended"
                                       and chosen[0].penalty_so_far > 0)
        self.remind_button.setEnabled(bool(chosen))

    def _open(self, dialog: QWidget) -> None:
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        self.dialog_opened.emit(dialog)
        dialog.show()

    # -- actions -----------------------------------------------------------------------------------
    def receive(self) -> None:
        chosen = self.selected_rows()
        self._open(ReceiveReturnDialog(self.ctx, self, serial=chosen[0].serial if len(chosen) == 1 else ""))

    def declare_lost(self) -> None:
        from reseller_desk.services.equipment.returns import find_return

        chosen = self.selected_rows()
        if len(chosen) != 1:
            return
        db, row = self.ctx.db, chosen[0]
        self.ctx.ops.run(lambda: find_return(db, row.request_id),
                         success=lambda found: self._open(DeclareLostDialog(self.ctx, row, found.sale_price, self)),
                         parent=self)

    def reduce_penalty(self) -> None:
        chosen = self.selected_rows()
        if len(chosen) == 1:
            self._open(PenaltyDialog(self.ctx, chosen[0], self))

    def send_reminders(self) -> None:
        chosen = self.selected_rows()
        if not chosen:
            return
        folder = self.ask_folder(self, "督促状の保存先フォルダ", str(documents_folder()))
        if not folder:
            return
        from reseller_desk.services.equipment.return_notices import save_letters, send_reminders

        db, actor, ids = self.ctx.db, self.ctx.actor, [r.request_id for r in chosen]

        def work(progress: Progress) -> Any:
            progress.report(0, 1, "督促状を発行しています…")
            letters = send_reminders(db, actor, ids)

            def report(done: int, total: int) -> None:
                progress.report(done, total, f"PDFを保存しています… {done:,} / {total:,}")

            return save_letters(letters, Path(folder), progress=report, cancelled=lambda: progress.cancelled)

        def done(saved: Any) -> None:
            combined = f"、印刷用に {saved.combined.name}" if saved.combined else ""
            count = f"{len(saved.files):,}件"
            text = (f"督促状を発行し、{count}を {folder} に保存しました{combined}。" if not saved.cancelled
                    else f"督促状は発行済みです。保存を中止しました（{count}は保存済み: {folder}）。")
            self.result_label.setText(text)
            self.ctx.ops.message.emit(text)
            self.reminders_saved.emit(saved)

        self.ctx.ops.run(work, progress="督促状を作成しています…", success=done, changes=Changes.EQUIPMENT,
                         failure=lambda e: self.result_label.setText(str(e)), parent=self)

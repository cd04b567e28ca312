"""督促: who is at which stage and what they owe (services.payments.dunning.dunning_list), one
stage at a time (the stage filter), with check boxes, 発行… (one notice per customer checked,
through Operations with a progress dialog and 中止; then the combined PDF saved where the clerk
says), 保留… / 保留解除, and the tab 停止候補 whose 利用停止の手続きへ opens the contract's window,
where 利用停止 runs the lifecycle (SH §23.2 notice). Refreshed on Changes.PAYMENTS and INVOICES.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.services.payments import dunning
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.dunning.hold_dialog import HoldDialog
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    SavePathFunction,
    ask_save_path,
    documents_folder,
    format_date,
    muted_label,
    push_button,
)

ALL_STAGES = 0

COLUMNS: tuple[Column, ...] = (
    Column("customer_name", "顧客", 220),
    Column("stage", "段階", 110, ALIGN_CENTER, lambda r: "保留中" if r.on_hold else (r.stage.name if r.stage else "—")),
    Column("count", "対象請求書数", 90, ALIGN_RIGHT, lambda r: f"{len(r.invoices):,}件"),
    Column("owed", "未入金額", 110, ALIGN_RIGHT, lambda r: f"¥{r.owed:,}"),
    Column("oldest_due", "最古の期日", 100, ALIGN_CENTER, lambda r: format_date(r.oldest_due)),
    Column("last_letter", "最終督促", 160, ALIGN_CENTER,
           lambda r: f"{r.last_letter.stage_name} {format_date(r.last_letter.issued_on)}" if r.last_letter else "—"),
    Column("holds", "保留", 260, text=lambda r: " / ".join(h.text for h in r.holds)),
)

CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column("customer_name", "顧客", 220),
    Column("owed", "未入金額", 110, ALIGN_RIGHT, lambda c: f"¥{c.owed:,}"),
    Column("suspension_on", "停止予定日（催告書）", 150, ALIGN_CENTER,
           lambda c: f"{format_date(c.suspension_on)} {c.letter_number}" if c.suspension_on else "—"),
    Column("contracts", "契約", 320, text=lambda c: "、".join(
        f"{k.customer_code} {k.service_name}" + ("（停止予定あり）" if k.scheduled else "") for k in c.contracts)),
)


class DunningModel(RecordTableModel[Any]):
    """The list with a check box in its first column (the customers a stage is issued to)."""

    def __init__(self, columns: tuple[Column, ...], parent: Any = None) -> None:
        super().__init__(columns, parent)
        self.checked: set[int] = set()

    def set_records(self, records: Any) -> None:
        records = list(records)
        self.checked &= {r.customer_id for r in records}
        super().set_records(records)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:  # type: ignore[override]
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and column.key == "customer_name":
            return Qt.CheckState.Checked if record.customer_id in self.checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # type: ignore[override]  # noqa: N802
        record = self.record(index.row()) if index.isValid() else None
        if record is None or role != Qt.ItemDataRole.CheckStateRole or index.column() != 0:
            return False
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(record.customer_id)
        else:
            self.checked.discard(record.customer_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def set_all(self, checked: bool) -> None:
        self.checked = {r.customer_id for r in self.records} if checked else set()
        if self.records:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.records) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])


class DunningPage(QWidget):
    title = "督促"

    #: A dialog of the page was opened (for tests).
    dialog_opened = Signal(object)
    #: A stage was issued (IssuedDunning) and, when asked, its combined PDF saved.
    issued = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ask_save_path: SavePathFunction = ask_save_path
        self.dialogs: list[QWidget] = []
        self.rows: list[Any] = []
        self.stages: list[Any] = []
        self.stage_box = QComboBox()
        self.stage_box.setObjectName("stageFilter")
        self.stage_box.currentIndexChanged.connect(lambda _i: self._filter())
        self.model = DunningModel(COLUMNS, self)
        self.table = list_table(self.model, COLUMNS, "dunningList", self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.model.dataChanged.connect(lambda *_: self._enable())
        self.count_label = QLabel()
        self.count_label.setObjectName("dunningCount")
        self.all_button = self._button("すべて選択", "checkAll", lambda: self.model.set_all(True),
                                       "表示中の顧客をすべて選ぶ")
        self.issue_button = self._button("発行…", "issueStage", self.issue,
                                         "選んだ顧客に表示中の段階の通知を発行し、印刷用PDFを保存する")
        self.hold_button = self._button("保留…", "holdDunning", self.hold,
                                        "選択した顧客（または請求書）の督促を保留する")
        self.release_button = self._button("保留解除", "releaseHold", self.release, "選択した顧客の督促保留を解除する")
        self.result_label = muted_label()
        self.result_label.setObjectName("dunningResult")
        top = QHBoxLayout()
        top.addWidget(QLabel("段階"))
        top.addWidget(self.stage_box)
        for button in (self.all_button, self.issue_button, self.hold_button, self.release_button):
            top.addWidget(button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        list_tab = QWidget()
        inner = QVBoxLayout(list_tab)
        inner.addLayout(top)
        inner.addWidget(muted_label("期日を過ぎて未入金の請求書がある顧客（最古の期日順）。入金があればその場で一覧から外れます。"
                                    "段階は 設定 → 督促 で変えられます。同じ請求書に同じ段階は二度発行しません。"))
        inner.addWidget(self.table, 1)
        inner.addWidget(self.result_label)
        self.candidate_model = RecordTableModel[Any](CANDIDATE_COLUMNS, self)
        self.candidates = list_table(self.candidate_model, CANDIDATE_COLUMNS, "suspensionCandidates", self)
        self.candidates.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.suspend_button = self._button("利用停止の手続きへ", "toSuspension", self.to_suspension,
                                           "選択した顧客の契約を開きます（契約画面の「利用停止」で手続きします）")
        candidate_tab = QWidget()
        c_layout = QVBoxLayout(candidate_tab)
        c_bar = QHBoxLayout()
        c_bar.addWidget(self.suspend_button)
        c_bar.addStretch(1)
        c_layout.addLayout(c_bar)
        c_layout.addWidget(muted_label("催告書の利用停止予定日を過ぎても未入金の顧客です。利用停止は契約ごとに、"
                                       "規約が求める場合は利用停止予告通知書を発行して行います"
                                       "（即日発番 第23条第2項）。"))
        c_layout.addWidget(self.candidates, 1)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dunningTabs")
        self.tabs.addTab(list_tab, "督促")
        self.tabs.addTab(candidate_tab, "停止候補")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.PAYMENTS, Changes.INVOICES,
                                                                            Changes.CONTRACTS) else None)
        self._enable()
        self.refresh()

    def _button(self, text: str, name: str, slot: Any, tip: str) -> QPushButton:
        return push_button(text, name, slot, tip)

    # -- the lists ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        db, today = self.ctx.db, clock.today()
        self.ctx.ops.run(lambda: (dunning.dunning_stages(db), dunning.dunning_list(db, today),
                                  dunning.suspension_candidates(db, today)), success=self._show, parent=self)

    def _show(self, found: tuple[list[Any], list[Any], list[Any]]) -> None:
        self.stages, self.rows, candidates = found
        chosen = self.stage_box.currentData()
        self.stage_box.blockSignals(True)
        self.stage_box.clear()
        self.stage_box.addItem("すべて", ALL_STAGES)
        for stage in self.stages:
            if stage.active and stage.action.value != "suspension":
                self.stage_box.addItem(f"{stage.name}（{stage.days_after_due}日）", stage.id)
        index = self.stage_box.findData(chosen)
        self.stage_box.setCurrentIndex(index if index >= 0 else 0)
        self.stage_box.blockSignals(False)
        self.candidate_model.set_records(candidates)
        self.tabs.setTabText(1, f"停止候補（{len(candidates):,}）")
        self._filter()

    def stage_id(self) -> int:
        return int(self.stage_box.currentData() or ALL_STAGES)

    def _filter(self) -> None:
        stage = self.stage_id()
        shown = self.rows if stage == ALL_STAGES else [r for r in self.rows if stage in r.due_stage_ids]
        self.model.set_records(shown)
        due = sum(1 for r in self.rows if r.due_stage_ids)
        self.count_label.setText(f"{len(shown):,}件を表示（発行待ち {due:,}件、全{len(self.rows):,}件）")
        self._enable()

    def selected_row(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _enable(self) -> None:
        stage = self.stage_id()
        self.issue_button.setEnabled(stage != ALL_STAGES and bool(self.model.checked))
        self.issue_button.setToolTip("段階を選び、発行する顧客にチェックを付けてください。" if stage == ALL_STAGES
                                     else "チェックした顧客に表示中の段階の通知を発行し、印刷用PDFを保存する")
        row = self.selected_row()
        self.hold_button.setEnabled(row is not None)
        self.release_button.setEnabled(row is not None and bool(row.holds))
        self.suspend_button.setEnabled(bool(self.candidates.selectionModel().selectedRows()))

    def _open(self, dialog: QWidget) -> None:
        dialog.finished.connect(lambda _r, d=dialog: self.dialogs.remove(d) if d in self.dialogs else None)
        self.dialogs.append(dialog)
        self.dialog_opened.emit(dialog)
        dialog.show()

    # -- actions -----------------------------------------------------------------------------------
    def issue(self) -> None:
        stage_id = self.stage_id()
        ids = [r.customer_id for r in self.model.records if r.customer_id in self.model.checked]
        if stage_id == ALL_STAGES or not ids:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress: Progress) -> Any:
            return dunning.issue_stage(db, actor, stage_id, ids, progress=progress)

        self.ctx.ops.run(work, success=self._issued, changes=Changes.PAYMENTS, progress="督促の通知を発行しています…",
                         parent=self)

    def _issued(self, result: Any) -> None:
        count = f"{result.stage_name}を{len(result.letters):,}件発行しました"
        suggested = documents_folder() / f"{result.letters[0].number}_{dunning.COMBINED_NAME}"
        path = self.ask_save_path(self, "印刷用PDF（全通）の保存先", str(suggested))
        if path:
            db_path = dunning.save_combined(result, path)   # type: ignore[arg-type]
            text = f"{count}。印刷用に {db_path} を保存しました。"
        else:
            text = f"{count}。各通知は通知書として保存されています（印刷用PDFは保存しませんでした）。"
        self.result_label.setText(text)
        self.ctx.ops.message.emit(text)
        self.issued.emit(result)

    def hold(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._open(HoldDialog(self.ctx, row, self))

    def release(self) -> None:
        row = self.selected_row()
        if row is None or not row.holds:
            return
        db, actor, hold_id = self.ctx.db, self.ctx.actor, row.holds[0].id
        self.ctx.ops.run(lambda: dunning.release_hold(db, actor, hold_id), changes=Changes.PAYMENTS,
                         status="督促保留を解除しました。", parent=self)

    def to_suspension(self) -> None:
        from reseller_desk.ui.contract.opening import open_contract_window

        rows = self.candidates.selectionModel().selectedRows()
        candidate = self.candidate_model.record(rows[0].row()) if rows else None
        if candidate is not None and candidate.contracts:
            open_contract_window(self.ctx, candidate.contracts[0].contract_id, self,
                                 opened=lambda window: self.dialog_opened.emit(window))

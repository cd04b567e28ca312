"""本日の業務: the first page a clerk sees after log-in. One section per kind of work —
suspensions starting today, suspension notices whose date has passed, cancellations taking
effect this month, the SC §23 cancellation cutoff coming, successions near or past their
deadline (SH §20.1), applications waiting — each a short list whose rows open their record
(Enter / double-click: the contract window, or the application window); the successions'
section opens the list of all of them (ui.contract.successions). Read off the UI thread
(contracts.today.todays_work); re-read when contracts or applications change, and on F5."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services.contracts.today import CancellationCutoffInfo, TodaysWork, WorkItem, todays_work
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.opening import open_contract_window
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RECORD_ROLE, RecordTableModel, list_table
from reseller_desk.ui.widgets import WARNING_COLOR, Column, format_date, format_date_long, month_text, muted_label

ITEM_COLUMNS = (
    Column("on", "日付", 96, text=lambda i: format_date(i.on)),
    Column("code", "カスタマID・申込番号", 150),
    Column("name", "お客様", 220),
    Column("text", "内容", 420),
)
#: A section's list shows this many rows, then scrolls.
VISIBLE_ROWS = 8
#: (attribute of TodaysWork, title, what is said when there is none)
SECTIONS = (
    ("suspensions_starting", "本日開始の利用停止", "本日開始の利用停止はありません。"),
    ("suspension_notices_due", "予告日を過ぎた利用停止", "開始日を過ぎた予定の利用停止はありません。"),
    ("cancellations_this_month", "今月の解約", "今月に解約日を迎える契約はありません。"),
    ("successions", "地位承継の書類期限（7日以内・期限切れ）", "期限の近い地位承継はありません。"),
    ("applications_waiting", "未決定の申込", "未決定の申込はありません。"),
)


def cutoff_text(cutoffs: tuple[CancellationCutoffInfo, ...]) -> str:
    lines = []
    for c in cutoffs:
        when = "本日" if c.days_left == 0 else f"あと{c.days_left}日"
        lines.append(f"{c.profile_name}: {month_text(c.desired_month)}末で解約するお申し出の締め日は"
                     f"{format_date_long(c.cutoff)}です（{when}、SC §23）。")
    return "\n".join(lines)


class TodayPage(QWidget):
    title = "本日の業務"

    #: A record was opened from a row (the window or dialog), for tests.
    record_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.work: TodaysWork | None = None
        self.heading = QLabel()
        self.heading.setObjectName("todayHeading")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.cutoff_label = QLabel()
        self.cutoff_label.setObjectName("cancellationCutoff")
        self.cutoff_label.setStyleSheet(f"color: {WARNING_COLOR}; font-weight: bold;")
        self.cutoff_label.setWordWrap(True)
        self.billing_label = QLabel()
        self.billing_label.setObjectName("billingReminder")
        self.billing_label.setWordWrap(True)
        self.money_label = QLabel()
        self.money_label.setObjectName("moneyReminder")
        self.money_label.setWordWrap(True)
        self.money_label.setStyleSheet(f"color: {WARNING_COLOR};")
        self.models: dict[str, RecordTableModel[WorkItem]] = {}
        self.tables: dict[str, QTableView] = {}
        self.empty_labels: dict[str, QLabel] = {}
        self.boxes: dict[str, QGroupBox] = {}
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.heading)
        column.addWidget(self.cutoff_label)
        column.addWidget(self.billing_label)
        column.addWidget(self.money_label)
        for key, title, empty in SECTIONS:
            box = QGroupBox(title)
            box.setObjectName(f"today_{key}")
            inner = QVBoxLayout(box)
            model: RecordTableModel[WorkItem] = RecordTableModel(ITEM_COLUMNS, self)
            table = list_table(model, ITEM_COLUMNS, f"table_{key}", self)
            table.activated.connect(self._activated)
            inner.addWidget(table)
            label = muted_label(empty)
            inner.addWidget(label)
            self.models[key], self.empty_labels[key], self.boxes[key] = model, label, box
            self.tables[key] = table
            if key == "successions":
                self.all_successions_button = QPushButton("地位承継の一覧（すべて）…")
                self.all_successions_button.setObjectName("allSuccessions")
                self.all_successions_button.setToolTip("書類待ちの地位承継をすべて表示し、書類の受領を記録します")
                self.all_successions_button.clicked.connect(self.open_successions)
                row = QHBoxLayout()
                row.addStretch(1)
                row.addWidget(self.all_successions_button)
                inner.addLayout(row)
            column.addWidget(box)
        column.addWidget(muted_label("行をダブルクリック（Enter）すると、その契約または申込を開きます。"))
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        ctx.changes.changed.connect(self._data_changed)
        self.refresh()

    def refresh(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: todays_work(db), success=self.show_work, parent=self)

    def show_work(self, work: TodaysWork) -> None:
        self.work = work
        self.heading.setText(f"{format_date_long(work.today)} の業務")
        self.cutoff_label.setText(cutoff_text(work.cutoffs))
        self.cutoff_label.setVisible(bool(work.cutoffs))
        reminder = work.billing
        self.billing_label.setText(reminder.text if reminder else "")
        self.billing_label.setVisible(reminder is not None)
        waiting = reminder is not None and (reminder.invoices == 0 or reminder.unfinished_run)
        self.billing_label.setStyleSheet(f"color: {WARNING_COLOR}; font-weight: bold;" if waiting else "")
        money = work.money.lines if work.money else ()
        self.money_label.setText("\n".join(money))
        self.money_label.setVisible(bool(money))
        for key, title, _empty in SECTIONS:
            items = getattr(work, key)
            self.models[key].set_records(items)
            self.empty_labels[key].setVisible(not items)
            self._fit(self.tables[key], len(items))
            self.boxes[key].setTitle(f"{title}（{len(items)}件）")

    @staticmethod
    def _fit(table: QTableView, rows: int) -> None:
        """As tall as its rows (up to :data:`VISIBLE_ROWS`, then it scrolls); hidden when empty."""
        table.setVisible(rows > 0)
        shown = min(rows, VISIBLE_ROWS)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + shown * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth())

    def items(self, key: str) -> list[WorkItem]:
        return list(self.models[key].records)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.CONTRACTS, Changes.APPLICATIONS, Changes.SETTINGS, Changes.INVOICES):
            self.refresh()

    def _activated(self, index: QModelIndex) -> None:
        item = index.data(RECORD_ROLE)
        if isinstance(item, WorkItem):
            self.open_item(item)

    def open_successions(self) -> QWidget:
        """地位承継の一覧: every waiting succession, 「書類を受領…」 on each (one list at a time)."""
        from reseller_desk.ui.contract.successions import SuccessionListDialog  # the lifecycle's services

        shown = [w for w in self.window().findChildren(SuccessionListDialog) if w.isVisible()]
        if shown:
            shown[0].raise_()
            shown[0].activateWindow()
            return shown[0]
        dialog = SuccessionListDialog(self.ctx, self.window())
        dialog.finished.connect(lambda _r, d=dialog: self.ctx.ops.delete_when_idle(d))
        dialog.show()
        self.record_opened.emit(dialog)
        return dialog

    def open_item(self, item: WorkItem) -> None:
        """Open what the row is about: the contract window or the application window."""
        opened: Callable[[object], None] = self.record_opened.emit
        if item.contract_id is not None:
            open_contract_window(self.ctx, item.contract_id, self, opened)
        elif item.application_id is not None:
            # The main window's 申込 page opens it (one window per application).
            page = getattr(self.window(), "application_page", None)
            if page is not None:
                page.dialog_opened.connect(opened, Qt.ConnectionType.SingleShotConnection)
                page.open_application(item.application_id)

"""The 審査 tab: 審査開始 / 照合をやり直す, the checklist (one line per refusal ground of the
terms, pre-filled from the records where they answer it), the evidence of the current line,
and why 承諾 is not possible yet (the service's approval blockers).

A customer record added while the window is open (Changes.INCIDENTS) does not change the
pre-filled lines by itself: the panel then says that 照合をやり直す reads the records again.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.application import ApplicationStatus, ScreeningAnswer
from reseller_desk.services.applications import ApplicationDetail
from reseller_desk.ui.application.checklist import (
    ANSWER_COLORS,
    CHECKLIST_COLUMNS,
    CL_ANSWER,
    CL_TEXT,
    SYSTEM_CHECK,
    AnswerDelegate,
    ChecklistModel,
)
from reseller_desk.ui.widgets import ERROR_COLOR, MUTED_COLOR, format_local_datetime, muted_label, notice_frame

NO_BLOCKERS = "承諾できない理由はありません（すべての審査項目が「問題なし」、書類もそろっています）。"
INCIDENTS_HINT = ("顧客の記録が追加・変更されました。審査項目の自動照合に反映するには「照合をやり直す」を押してください"
                  "（担当者が回答した行はそのままです）。")


class ScreeningPanel(QWidget):
    #: 審査開始 / 照合をやり直す was pressed.
    start_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: ApplicationDetail | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.screen_button = QPushButton("審査開始")
        self.screen_button.setObjectName("startScreening")
        self.screen_button.setToolTip("約款の拒否事由ごとに審査項目を作り、顧客の記録と過去の申込を照合して記入します")
        self.screen_button.clicked.connect(self.start_requested.emit)
        top.addWidget(self.screen_button)
        top.addWidget(muted_label("「システム照合」の行は顧客の記録・過去の申込・申込内容から自動で記入しています。"
                                  "回答やメモを変えると、その担当者の回答になります。"), 1)
        layout.addLayout(top)

        self.incidents_hint = notice_frame()
        hint_layout = QHBoxLayout(self.incidents_hint)
        self.incidents_hint_label = QLabel(INCIDENTS_HINT)
        self.incidents_hint_label.setObjectName("incidentsHint")
        self.incidents_hint_label.setWordWrap(True)
        hint_layout.addWidget(self.incidents_hint_label)
        self.incidents_hint.setVisible(False)
        layout.addWidget(self.incidents_hint)

        self.model = ChecklistModel(self)
        self.checklist = QTableView()
        self.checklist.setObjectName("checklist")
        self.checklist.setModel(self.model)
        self.checklist.verticalHeader().setVisible(False)
        self.checklist.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.checklist.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.checklist.setEditTriggers(QAbstractItemView.EditTrigger.CurrentChanged
                                       | QAbstractItemView.EditTrigger.SelectedClicked
                                       | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.checklist.setWordWrap(True)
        self.checklist.setAlternatingRowColors(True)
        self.checklist.setItemDelegateForColumn(CL_ANSWER, AnswerDelegate(self.checklist))
        header = self.checklist.horizontalHeader()
        header.setHighlightSections(False)
        for column, spec in enumerate(CHECKLIST_COLUMNS):
            self.checklist.setColumnWidth(column, spec.width)
        header.setSectionResizeMode(CL_TEXT, QHeaderView.ResizeMode.Stretch)
        # Row heights follow the wrapped text once the columns have their widths (coalesced).
        self.row_timer = QTimer(self)
        self.row_timer.setSingleShot(True)
        self.row_timer.setInterval(0)
        self.row_timer.timeout.connect(self.checklist.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self.row_timer.start())
        self.checklist.selectionModel().currentRowChanged.connect(lambda current, _p: self.show_evidence(current.row()))
        # Answering a line makes it the current one, so the evidence pane shows that line.
        self.model.answer_requested.connect(lambda code, _a, _n: self.select_line(code))
        layout.addWidget(self.checklist, 1)

        self.evidence_frame = QFrame()
        self.evidence_frame.setFrameShape(QFrame.Shape.StyledPanel)
        evidence_layout = QVBoxLayout(self.evidence_frame)
        evidence_layout.setContentsMargins(8, 4, 8, 4)
        self.evidence_label = QLabel("行を選ぶと、その審査項目の照合の記録がここに表示されます。")
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setWordWrap(True)
        self.evidence_label.setTextFormat(Qt.TextFormat.RichText)
        self.evidence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        evidence_layout.addWidget(self.evidence_label)
        self.evidence_frame.setMaximumHeight(120)
        layout.addWidget(self.evidence_frame)

        self.blockers_title = QLabel("承諾できない理由")
        self.blockers_title.setStyleSheet("font-weight: bold;")
        self.blockers = QListWidget()
        self.blockers.setObjectName("blockers")
        self.blockers.setWordWrap(True)
        layout.addWidget(self.blockers_title)
        layout.addWidget(self.blockers)

    # -- showing -------------------------------------------------------------------------
    def show_detail(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        is_open = ApplicationStatus(detail.status).is_open
        self.screen_button.setText("照合をやり直す" if detail.checklist else "審査開始")
        self.screen_button.setEnabled(is_open)
        code = self.current_code()
        self.model.set_items(detail.checklist, editable=is_open)
        self.row_timer.start()
        if detail.checklist:
            row = self.model.row_of(code) if code is not None else None
            self.select_row(row if row is not None else 0)
            self.show_evidence(self.checklist.currentIndex().row())
        else:
            self.evidence_label.setText("「審査開始」を押すと、約款の拒否事由ごとの審査項目ができます。")
        self._show_blockers(detail)

    def select_row(self, row: int) -> None:
        """Make ``row`` the current line (on its text: no editor opens)."""
        index = self.model.index(row, CL_TEXT)
        self.checklist.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)

    def select_line(self, code: str) -> None:
        row = self.model.row_of(code)
        if row is not None and self.checklist.currentIndex().row() != row:
            self.select_row(row)

    def current_code(self) -> str | None:
        item = self.model.record(self.checklist.currentIndex().row())
        return item.code if item is not None else None

    def show_incidents_hint(self, shown: bool = True) -> None:
        """Customer records changed elsewhere: say how to bring them into the pre-filled lines."""
        self.incidents_hint.setVisible(shown)

    def show_evidence(self, row: int) -> None:
        item = self.model.record(row)
        if item is None:
            return
        who = SYSTEM_CHECK if item.prefilled else (item.checked_by_name or "未回答")
        color = ANSWER_COLORS.get(ScreeningAnswer(item.answer), "#000")
        lines = [f"<b>({escape(item.code)}) {escape(item.text)}</b>　"
                 f"<span style='color:{MUTED_COLOR}'>{escape(item.clause)}</span>",
                 f"回答: <span style='color:{color}'><b>{escape(item.answer_label)}</b></span>"
                 f"　確認者: {escape(who)}　{escape(format_local_datetime(item.checked_at))}"]
        if item.note:
            lines.append(f"メモ: {escape(item.note)}")
        if item.evidence:
            lines.append("照合の記録:<br>" + "<br>".join(f"・{escape(line)}" for line in item.evidence))
        else:
            lines.append(f"<span style='color:{MUTED_COLOR}'>"
                         "照合の記録はありません（担当者が確認して回答します）。</span>")
        self.evidence_label.setText("<br>".join(lines))

    def _show_blockers(self, detail: ApplicationDetail) -> None:
        self.blockers.clear()
        is_open = ApplicationStatus(detail.status).is_open
        self.blockers_title.setVisible(is_open)
        self.blockers.setVisible(is_open)
        for reason in detail.approval_blockers:
            item = QListWidgetItem(f"・{reason}")
            item.setForeground(QBrush(QColor(ERROR_COLOR)))
            self.blockers.addItem(item)
        if is_open and not detail.approval_blockers:
            item = QListWidgetItem(NO_BLOCKERS)
            item.setForeground(QBrush(QColor("#2e7d32")))
            self.blockers.addItem(item)
        # As tall as its lines, up to six; it scrolls beyond.
        line = self.blockers.fontMetrics().height() + 4
        self.blockers.setFixedHeight(min(max(self.blockers.count(), 1), 6) * line + 2 * self.blockers.frameWidth() + 4)

    def blocker_texts(self) -> list[str]:
        return [self.blockers.item(i).text() for i in range(self.blockers.count())]

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.row_timer.start()  # once the columns have their widths



"""The screening checklist (審査項目) as a table model and the delegate that edits its answers,
after Vorta's models: the model holds the lines the service returned and says how each cell
reads; it never changes a line itself. An edit of 回答 or メモ becomes
:attr:`ChecklistModel.answer_requested` ``(code, answer, note)``, which the window sends to the
service; the lines the service returns are then shown with :meth:`ChecklistModel.set_items`.
So the model and the delegate are tested without a window.

Discoverability: the 回答 cell is drawn as a drop-down and opens on one click; the メモ cell
opens for typing on one click too, says so when empty, and its tooltip tells how to confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QWidget,
)

from reseller_desk.domain.application import ChecklistLine, ScreeningAnswer
from reseller_desk.services.applications import ChecklistItem
from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import ERROR_COLOR, MUTED_COLOR, Column, format_local_datetime

Index = QModelIndex | QPersistentModelIndex

SYSTEM_CHECK = "システム照合"
NOTE_PLACEHOLDER = "（クリックで入力）"
NOTE_TOOLTIP = "クリックするとメモを書けます。Enterで確定すると、その担当者の回答として記録されます。"
ANSWER_TOOLTIP = "クリックして「問題なし」「該当」「未確認」から選びます。"

ANSWER_COLORS = {
    ScreeningAnswer.CLEAR: "#2e7d32",
    ScreeningAnswer.HIT: ERROR_COLOR,
    ScreeningAnswer.UNCHECKED: "#e65100",
}
TOP_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
TOP_CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop


def line_text(item: ChecklistItem) -> str:
    """The ground and, under it, the records it was answered from."""
    return "\n".join([item.text, *(f"└ {line}" for line in item.evidence)])


CHECKLIST_COLUMNS = (
    Column("code", "番号", 44, TOP_CENTER),
    Column("text", "審査事由", 330, TOP_LEFT, line_text),
    Column("clause", "条項", 100, TOP_LEFT),
    Column("answer", "回答", 110, TOP_LEFT, lambda i: ScreeningAnswer(i.answer).label),
    Column("checked_by_name", "確認者", 104, TOP_LEFT, lambda i: SYSTEM_CHECK if i.prefilled else i.checked_by_name),
    Column("checked_at", "日時", 124, TOP_LEFT, lambda i: format_local_datetime(i.checked_at)),
    Column("note", "メモ", 170, TOP_LEFT),
)
(CL_CODE, CL_TEXT, CL_CLAUSE, CL_ANSWER, CL_CHECKER, CL_AT, CL_NOTE) = range(len(CHECKLIST_COLUMNS))


def checklist_lines(items: Sequence[ChecklistItem]) -> list[ChecklistLine]:
    """The lines as the domain's rules read them (domain.application.refusal_blockers …)."""
    return [ChecklistLine(i.code, i.text, i.clause, ScreeningAnswer(i.answer), i.note, i.evidence) for i in items]


class ChecklistModel(RecordTableModel[ChecklistItem]):
    """One row per screening line. ``editable`` is False once the application is decided."""

    #: (ground code, answer, note): a person answered a line.
    answer_requested = Signal(str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CHECKLIST_COLUMNS, parent)
        self.editable = False

    def set_items(self, items: Sequence[ChecklistItem], *, editable: bool) -> None:
        """Show the lines the service returned. The same lines answered anew are updated in
        place, so the view keeps its current row (and the evidence pane follows it)."""
        self.editable = editable
        same_lines = [i.code for i in items] == [r.code for r in self.records]
        if same_lines and self.records:
            self.records = list(items)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.records) - 1, len(self.columns) - 1))
        else:
            self.set_records(items)

    def row_of(self, code: str) -> int | None:
        return next((row for row, item in enumerate(self.records) if item.code == code), None)

    def item(self, code: str) -> ChecklistItem | None:
        row = self.row_of(code)
        return None if row is None else self.records[row]

    # -- how a cell reads ----------------------------------------------------------------
    def display(self, record: ChecklistItem, column: Column) -> str:
        if column.key == "note" and not record.note and self.editable:
            return NOTE_PLACEHOLDER
        return column.display(record)

    def tooltip(self, record: ChecklistItem, column: Column) -> str | None:
        if column.key == "note" and self.editable:
            return f"{record.note}\n\n{NOTE_TOOLTIP}" if record.note else NOTE_TOOLTIP
        if column.key == "answer" and self.editable:
            return ANSWER_TOOLTIP
        return column.display(record) or None

    def extra_data(self, record: ChecklistItem, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            return record.answer if column.key == "answer" else record.note if column.key == "note" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.key == "answer":
                return QBrush(QColor(ANSWER_COLORS.get(ScreeningAnswer(record.answer), "#000000")))
            if (column.key == "checked_by_name" and record.prefilled) or (column.key == "note" and not record.note):
                return QBrush(QColor(MUTED_COLOR))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.editable and index.column() in (CL_ANSWER, CL_NOTE):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """An edit asks for an answer; the lines change only when the service answers."""
        item = self.record(index.row()) if index.isValid() else None
        if item is None or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        if index.column() == CL_ANSWER:
            answer, note = str(value), item.note
        elif index.column() == CL_NOTE:
            answer, note = item.answer, str(value)
        else:
            return False
        if (answer, note) == (item.answer, item.note):
            return False
        self.answer_requested.emit(item.code, str(answer), note)
        return True


class AnswerDelegate(QStyledItemDelegate):
    """The 回答 column: drawn as a drop-down in the answer's colour (bold), edited with a combo
    box that opens on one click and commits as soon as an answer is picked. The popup's items
    are plain text, readable on the selection colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        box = QStyleOptionComboBox()
        box.rect = option.rect.adjusted(2, 2, -2, 0)
        box.rect.setHeight(min(box.rect.height(), option.fontMetrics.height() + 10))
        box.state = option.state | QStyle.StateFlag.State_Enabled
        if not index.flags() & Qt.ItemFlag.ItemIsEditable:
            box.state &= ~QStyle.StateFlag.State_Enabled
        box.currentText = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        box.frame = True
        style.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, box, painter, option.widget)
        painter.save()
        font = option.font
        font.setBold(True)
        painter.setFont(font)
        color = index.data(Qt.ItemDataRole.ForegroundRole)
        if isinstance(color, QBrush):
            painter.setPen(color.color())
        text_rect = style.subControlRect(QStyle.ComplexControl.CC_ComboBox, box,
                                         QStyle.SubControl.SC_ComboBoxEditField, option.widget)
        painter.drawText(text_rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, box.currentText)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        editor = QComboBox(parent)
        editor.setObjectName("answerEditor")
        for answer in ScreeningAnswer:
            editor.addItem(answer.label, answer.value)
        editor.activated.connect(lambda _i, e=editor: self._picked(e))
        QTimer.singleShot(0, editor, editor.showPopup)  # one click opens the choices (not after it is gone)
        return editor

    def _picked(self, editor: QComboBox) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802
        rect = option.rect.adjusted(2, 2, -2, 0)
        rect.setHeight(min(rect.height(), editor.sizeHint().height()))
        editor.setGeometry(rect)


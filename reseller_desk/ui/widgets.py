"""Small pieces every screen uses: money and date display, yen spin boxes, and the red
message under a field that a service rejected."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dataclasses import dataclass

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.reports.format import jp_date, yen

ERROR_COLOR = "#c62828"
MUTED_COLOR = "#5f6368"

#: Style of the whole application: a field marked invalid gets a red border.
APP_STYLE = f"""
*[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; padding: 1px; }}
QLabel[role="error"] {{ color: {ERROR_COLOR}; }}
QLabel[role="muted"] {{ color: {MUTED_COLOR}; }}
"""

WEEKDAYS = "月火水木金土日"

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter
MONEY_ALIGNMENT = ALIGN_RIGHT  # numbers are right-aligned everywhere
TEXT_ALIGNMENT = ALIGN_LEFT


@dataclass(frozen=True)
class Column:
    """A column of a list model: the row attribute (and service sort key), its title, its
    default width and alignment (numbers right-aligned)."""

    key: str
    title: str
    width: int
    alignment: Qt.AlignmentFlag = ALIGN_LEFT


def format_yen(amount: int | None) -> str:
    """1980 -> "¥1,980"; negative amounts as "-¥1,980"; None -> "" (reports.format.yen, the
    same formatting as on printed documents)."""
    return "" if amount is None else yen(amount)


def format_date(day: dt.date | None) -> str:
    """2026-11-22 (for tables and anything sorted)."""
    return day.isoformat() if day else ""


def format_date_long(day: dt.date | None, weekday: bool = True) -> str:
    """2026年11月22日（日） (for text a clerk reads)."""
    if not day:
        return ""
    text = jp_date(day)
    return f"{text}（{WEEKDAYS[day.weekday()]}）" if weekday else text


def format_local_datetime(moment: dt.datetime | None, *, seconds: bool = False) -> str:
    """A stored naive-UTC timestamp in Japan time: 2026-11-22 14:05 (…:09 with seconds)."""
    if moment is None:
        return ""
    return clock.to_japan_time(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def yen_spin_box(maximum: int = 99_999_999) -> QSpinBox:
    """Integer yen, 0 or more, shown "¥1,980" and right-aligned."""
    box = QSpinBox()
    box.setRange(0, maximum)
    box.setPrefix("¥")
    box.setGroupSeparatorShown(True)
    box.setAlignment(MONEY_ALIGNMENT)
    box.setMinimumWidth(140)
    return box


INVALID_STYLE = f'*[invalid="true"] {{ border: 1px solid {ERROR_COLOR}; border-radius: 2px; padding: 1px; }}'


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Red border on (or off) a field; re-polished so the style sheet applies at once. The
    rule is put on the field itself, so it works wherever the field is shown."""
    if bool(widget.property("invalid")) == invalid:
        return
    if INVALID_STYLE not in widget.styleSheet():
        widget.setStyleSheet(f"{widget.styleSheet()}\n{INVALID_STYLE}".strip())
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def error_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "error")
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setStyleSheet(f"color: {MUTED_COLOR};")
    label.setWordWrap(True)
    return label


class FieldErrors:
    """Field name -> (input widget, red label under it). ``show`` puts each message next to
    its field, marks the field red and returns the first bad widget in form order."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, name: str, widget: QWidget, label: QLabel | None = None) -> QLabel:
        label = label or error_label()
        label.setObjectName(f"error_{name}")
        self._fields[name] = (widget, label)
        return label

    def names(self) -> list[str]:
        return list(self._fields)

    def widget(self, name: str) -> QWidget:
        return self._fields[name][0]

    def label(self, name: str) -> QLabel:
        return self._fields[name][1]

    def message(self, name: str) -> str:
        label = self._fields[name][1]
        return label.text() if not label.isHidden() else ""

    def clear(self) -> None:
        for widget, label in self._fields.values():
            label.clear()
            label.setVisible(False)
            set_invalid(widget, False)

    def show(self, errors: dict[str, str]) -> tuple[QWidget | None, dict[str, str]]:
        """Show ``errors``; returns the first bad widget and the errors with no field here."""
        self.clear()
        first: QWidget | None = None
        for name, (widget, label) in self._fields.items():
            message = errors.get(name)
            if not message:
                continue
            label.setText(message)
            label.setVisible(True)
            set_invalid(widget, True)
            if first is None:
                first = widget
        others = {k: v for k, v in errors.items() if k not in self._fields}
        return first, others


def field_cell(*widgets: QWidget, labels: Iterable[QLabel] = ()) -> QWidget:
    """A form cell: the input widgets (side by side when more than one) and, under them, the
    red labels of their errors."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if len(widgets) == 1:
        column.addWidget(widgets[0])
    else:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        column.addLayout(row)
    for label in labels:
        column.addWidget(label)
    return cell


def notice_frame(color: str = "#fff8e1", border: str = "#f9a825") -> QFrame:
    frame = QFrame()
    frame.setObjectName("notice")
    frame.setStyleSheet(f"QFrame#notice {{ background: {color}; border: 1px solid {border}; border-radius: 4px; }}")
    return frame


def list_table(model, columns, object_name: str, parent: QWidget) -> QTableView:
    """The read-only list of a section: whole-row single selection, alternating rows, no word
    wrap, fixed row heights (the view never asks 100,000 rows for their size), interactive
    column widths from ``columns`` with the last one stretching."""
    table = QTableView(parent)
    table.setObjectName(object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(parent.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    for column, spec in enumerate(columns):
        table.setColumnWidth(column, spec.width)
    return table


def select_table_row(table: QTableView, row: int) -> None:
    """Select and show one whole row of a list table."""
    index = table.model().index(row, 0)
    table.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    table.scrollTo(index)


def selected_row_data(table: QTableView, role: int):
    """``role`` data of the selected row (e.g. its record id), or None."""
    rows = table.selectionModel().selectedRows()
    return rows[0].data(role) if rows else None

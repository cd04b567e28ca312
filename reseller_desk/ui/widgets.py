"""Small pieces every screen uses: money and date display, yen spin boxes, the red message
under a field that a service rejected, the warning beside a field whose characters no bundled
font prints, and the little Qt helpers (date edits, combo boxes, form layouts, the save and
confirm dialogs) that the screens share. It imports no other screen, so any screen may import
it without a cycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.reports.fonts import missing_glyphs
from reseller_desk.reports.format import jp_date, yen
from reseller_desk.services.errors import ValidationFailed

ERROR_COLOR = "#c62828"
WARNING_COLOR = "#e65100"
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
    default width and alignment (numbers right-aligned), and how a record reads in it
    (``text``; the attribute ``key`` as it is when None)."""

    key: str
    title: str
    width: int
    alignment: Qt.AlignmentFlag = ALIGN_LEFT
    text: Callable[[Any], str] | None = None

    def display(self, record: Any) -> str:
        if self.text is not None:
            return self.text(record)
        value = getattr(record, self.key)
        return "" if value is None else str(value)


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


def yen_spin_box(maximum: int = bounds.MAX_FEE) -> QSpinBox:
    """Integer yen from 0 to ``maximum`` (a fee's bound, domain.bounds.MAX_FEE, unless said),
    shown "¥1,980" and right-aligned."""
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


def action_button(text: str, name: str, slot: Callable[[], object], tip: str) -> QPushButton:
    """A page's button: its text, object name (for tests), tooltip and what a click does."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def show_kept(dialog: Any, kept: list[Any], opened: Any = None) -> None:
    """Show a non-modal ``dialog`` kept in ``kept`` until it closes; ``opened`` (a signal) is
    told first (tests reach the dialog through it)."""
    dialog.finished.connect(lambda _result, d=dialog: kept.remove(d) if d in kept else None)
    kept.append(dialog)
    if opened is not None:
        opened.emit(dialog)
    dialog.show()


def edited_signals(widget: QWidget) -> list[Any]:
    """The signals a person's edit of ``widget`` emits (none for a plain container)."""
    if isinstance(widget, QLineEdit):
        return [widget.textEdited]
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.activated]
    if isinstance(widget, QDateEdit):
        return [widget.dateChanged]
    if isinstance(widget, QSpinBox):
        return [widget.valueChanged]
    if isinstance(widget, QAbstractButton):
        return [widget.toggled]
    if isinstance(widget, QListWidget):
        return [widget.itemChanged]
    return []


class FieldErrors:
    """Field name -> (input widget, red label under it). ``show`` puts each message next to
    its field, marks the field red and returns the first bad widget in form order. A
    message goes away as soon as its field is edited (it no longer describes what is there);
    ``on_cleared`` is then called, e.g. to hide a summary once nothing is red any more."""

    def __init__(self, on_cleared: Callable[[], None] | None = None) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self.on_cleared = on_cleared

    def add(self, name: str, widget: QWidget, label: QLabel | None = None, *,
            edited_by: Iterable[QWidget] = ()) -> QLabel:
        """The red label of field ``name``; editing ``widget`` (or any of ``edited_by``, for a
        field made of several widgets) clears it."""
        label = label or error_label()
        label.setObjectName(f"error_{name}")
        self._fields[name] = (widget, label)
        for source in (widget, *edited_by):
            for signal in edited_signals(source):
                signal.connect(lambda *_args, n=name: self.clear_field(n))
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

    def has_errors(self) -> bool:
        return any(not label.isHidden() for _widget, label in self._fields.values())

    def clear_field(self, name: str) -> None:
        widget, label = self._fields[name]
        if label.isHidden() and not widget.property("invalid"):
            return
        label.clear()
        label.setVisible(False)
        set_invalid(widget, False)
        if self.on_cleared is not None:
            self.on_cleared()

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

    def show_refusal(self, error: ValidationFailed, summary: QLabel) -> None:
        """A service's ValidationFailed: each message beside its field, the rest (and what to
        do) in ``summary``, the focus on the first bad field."""
        first, others = self.show(error.errors)
        summary.setText("\n".join([str(error), *others.values()]))
        summary.setVisible(True)
        if first is not None:
            first.setFocus()


def field_cell(*widgets: QWidget, labels: Iterable[QLabel] = (), left: bool = False) -> QWidget:
    """A form cell: the input widgets (side by side when more than one; ``left``: kept at their
    own width on the left) and, under them, the red labels of their errors."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if len(widgets) == 1 and not left:
        column.addWidget(widgets[0])
    else:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget)
        if left:
            row.addStretch(1)
        column.addLayout(row)
    for label in labels:
        column.addWidget(label)
    return cell


def notice_frame(color: str = "#fff8e1", border: str = "#f9a825") -> QFrame:
    frame = QFrame()
    frame.setObjectName("notice")
    frame.setStyleSheet(f"QFrame#notice {{ background: {color}; border: 1px solid {border}; border-radius: 4px; }}")
    return frame


# -- characters no bundled font prints -------------------------------------------------------
def glyph_warning(text: str) -> str:
    """The warning for ``text`` when it holds characters that no bundled font has (they would
    show and print as a box on the notices); "" when everything prints."""
    missing = missing_glyphs(text)
    if not missing:
        return ""
    chars = "、".join(f"「{ch}」(U+{ord(ch):04X})" for ch in missing)
    return (f"{chars}は印刷用のフォントにない文字です。通知書・請求書では□になります。"
            "置き換えることをおすすめしますが、このままでも保存できます。")


def warning_label() -> QLabel:
    label = QLabel()
    label.setProperty("role", "warning")
    label.setStyleSheet(f"color: {WARNING_COLOR};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def watch_glyphs(edit: QLineEdit | QPlainTextEdit) -> QLabel:
    """A warning label that says, as the text of ``edit`` changes, which of its characters
    cannot be printed; put it beside or under the field."""
    label = warning_label()
    label.setObjectName(f"glyphs_{edit.objectName()}")

    def check() -> None:
        text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
        message = glyph_warning(text)
        label.setText(message)
        label.setVisible(bool(message))

    edit.textChanged.connect(check)
    check()
    return label


# -- dates ----------------------------------------------------------------------------------
def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(edit: QDateEdit) -> dt.date:
    day = edit.date().toPython()
    assert isinstance(day, dt.date)
    return day


def bound_dates(edit: QDateEdit, window: tuple[dt.date, dt.date]) -> None:
    """Let ``edit`` offer only the days of ``window`` (domain.bounds: the same window the
    services check), so that 9999-12-31 cannot be chosen."""
    earliest, latest = window
    edit.setDateRange(to_qdate(earliest), to_qdate(latest))


def date_edit(day: dt.date | None = None, *, window: tuple[dt.date, dt.date] | None = None) -> QDateEdit:
    """A date field (yyyy-MM-dd with a calendar), on ``day`` or today (Japan time), offering
    the days of ``window``: by default those an event that happened may carry, from
    2000-01-01 to today (domain.bounds.recorded_window)."""
    today = clock.today()
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    bound_dates(edit, window or bounds.recorded_window(today))
    edit.setDate(to_qdate(day or today))
    edit.setMinimumWidth(130)
    edit.setMaximumWidth(170)
    return edit


def month_text(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月" if day else ""


# -- combo boxes and layouts ----------------------------------------------------------------
def combo(items: Iterable[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    for text, data in items:
        box.addItem(text, data)
    return box


def select_data(box: QComboBox, data: object) -> bool:
    """Select the item whose data is ``data``; False (and nothing changes) when none is."""
    position = box.findData(data)
    if position >= 0:
        box.setCurrentIndex(position)
    return position >= 0


def group(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    return box, layout


def form_layout() -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


# -- the save and confirm dialogs ------------------------------------------------------------
#: (parent, caption, suggested path) -> the chosen path, "" when cancelled.
SavePathFunction = Callable[[QWidget, str, str], str]
#: (title, text) -> True when the clerk confirmed.
ConfirmFunction = Callable[[str, str], bool]


def documents_folder() -> Path:
    """Where files are saved by default: the user's documents folder (created when the
    system names one that does not exist yet), else the home folder; never the folder the
    program happens to run in."""
    home = Path.home()
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if not folder:
        return home
    path = Path(folder)
    try:
        path.mkdir(parents=False, exist_ok=True)
    except OSError:
        return home
    return path


def save_path_asker(file_filter: str) -> SavePathFunction:
    """The real save dialog for files of ``file_filter`` ("PDF (*.pdf)" …)."""
    def ask(parent: QWidget, caption: str, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)
        return path

    return ask


ask_save_path: SavePathFunction = save_path_asker("PDF (*.pdf)")


def ask_confirmation(parent: QWidget | None, ok_text: str = "実行する") -> ConfirmFunction:
    """The real confirmation: 実行する (or ``ok_text``) / やめる, やめる being the default."""
    def confirm(title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel, parent)
        box.button(QMessageBox.StandardButton.Ok).setText(ok_text)
        box.button(QMessageBox.StandardButton.Cancel).setText("やめる")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Ok

    return confirm


def push_button(text: str, name: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    """A button named ``name`` (for tests) that calls ``slot()`` when clicked, ``tip`` its tooltip."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


# -- window sizes ---------------------------------------------------------------------------
#: Room a window leaves on its screen for the window frame and title bar.
FRAME_MARGIN = (16, 40)


def fit_on_screen(widget: QWidget, width: int, height: int) -> None:
    """Open ``widget`` at ``width`` × ``height`` (chosen to fit a 1366×768 laptop with its
    taskbar), smaller when its screen's free area is smaller still."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - FRAME_MARGIN[0])
        height = min(height, area.height() - FRAME_MARGIN[1])
    widget.resize(width, height)


def note_edit(name: str, placeholder: str, height: int = 64) -> QPlainTextEdit:
    """A short multi-line note field of a dialog (a reason, a damage note), named for the tests."""
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit

"""提出書類: the papers received with an application, one row each (kind, date received, and for
an identity document its kind and the last four characters of its number), with the red
messages of a row under it.

The number is checked as it is typed with the domain's own rule (a 個人番号 is refused at once,
domain.intake.identity_number_problem); the service refuses the same on save. A row's message
goes as soon as the row is edited.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.intake import DocumentEntry, DocumentKind, IdentityKind, identity_number_problem
from reseller_desk.ui.widgets import (
    combo,
    date_edit,
    error_label,
    muted_label,
    select_data,
    set_invalid,
    to_date,
    to_qdate,
)

#: (title, fixed width; 0 stretches) of each column of a paper's row.
DOCUMENT_COLUMNS = (("種類", 150), ("受領日", 130), ("本人確認書類の種類", 170), ("番号下4桁", 100), ("メモ", 0),
                    ("", 60))
DOCUMENT_FIELDS = ("kind", "received_on", "identity_kind", "number_last_digits", "note")


class DocumentRow(QWidget):
    """One paper: its widgets side by side and, under them, the red messages of that paper."""

    remove_requested = Signal(object)

    def __init__(self, entry: DocumentEntry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = combo([(k.label, k.value) for k in DocumentKind])
        self.received_on = date_edit()
        self.identity_kind = combo([("（選択）", ""), *((k.label, k.value) for k in IdentityKind)])
        self.number = QLineEdit()
        self.number.setPlaceholderText("下4桁")
        self.number.setMaxLength(20)
        self.note = QLineEdit()
        self.remove_button = QPushButton("削除")
        self.remove_button.setToolTip("この書類を一覧から外します（保存で確定）")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.widgets: dict[str, QWidget] = {"kind": self.kind, "received_on": self.received_on,
                                            "identity_kind": self.identity_kind,
                                            "number_last_digits": self.number, "note": self.note}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget, (_title, width) in zip((*self.widgets.values(), self.remove_button), DOCUMENT_COLUMNS,
                                           strict=True):
            if width:
                widget.setFixedWidth(width)
            row.addWidget(widget, 0 if width else 1)
        self.error = error_label()
        self.error.setObjectName("documentError")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        if entry is not None:
            self.set_entry(entry)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        # Any edit of the row replaces its messages by what the row says now.
        self.identity_kind.currentIndexChanged.connect(lambda _i: self.check_number())
        self.number.textChanged.connect(lambda _t: self.check_number())
        self.received_on.dateChanged.connect(lambda _d: self.check_number())
        self.note.textEdited.connect(lambda _t: self.check_number())
        self._kind_changed()

    def is_identity(self) -> bool:
        return self.kind.currentData() == DocumentKind.IDENTITY

    def _kind_changed(self) -> None:
        identity = self.is_identity()
        self.identity_kind.setEnabled(identity)
        self.number.setEnabled(identity)
        self.check_number()

    def entry(self) -> DocumentEntry:
        identity = self.is_identity()
        return DocumentEntry(self.kind.currentData(), to_date(self.received_on),
                             (self.identity_kind.currentData() or None) if identity else None,
                             self.number.text() if identity else "", self.note.text())

    def set_entry(self, entry: DocumentEntry) -> None:
        select_data(self.kind, entry.kind)
        self.received_on.setDate(to_qdate(entry.received_on))
        select_data(self.identity_kind, entry.identity_kind)
        self.number.setText(entry.number_last_digits)
        self.note.setText(entry.note)

    def check_number(self) -> str | None:
        """Live feedback on the number as it is typed (the service refuses the same)."""
        problem = (identity_number_problem(self.identity_kind.currentData() or "", self.number.text())
                   if self.is_identity() else None)
        self.show_errors({"number_last_digits": problem} if problem else {})
        return problem

    def show_errors(self, errors: dict[str, str]) -> QWidget | None:
        first = None
        for name, widget in self.widgets.items():
            bad = bool(errors.get(name))
            set_invalid(widget, bad)
            if bad and first is None:
                first = widget
        messages = [errors[n] for n in DOCUMENT_FIELDS if errors.get(n)]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))
        return first

    def error_text(self, field: str) -> str:
        """The message shown for ``field`` of this paper ("" when none)."""
        return self.error.text() if not self.error.isHidden() and self.widgets[field].property("invalid") else ""

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.widgets.values():
            widget.setEnabled(not read_only)
        self.remove_button.setVisible(not read_only)
        if not read_only:
            self._kind_changed()


class DocumentsEditor(QWidget):
    """提出書類: a small table of the papers received, with 追加 / 削除."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DocumentRow] = []
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        for title, width in DOCUMENT_COLUMNS:
            label = QLabel(title)
            label.setStyleSheet("font-weight: bold;")
            if width:
                label.setFixedWidth(width)
            header.addWidget(label, 0 if width else 1)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(4)
        self.empty_label = muted_label("提出された書類はまだありません。「書類を追加」で受け取った書類を記録します。")
        self.add_button = QPushButton("書類を追加")
        self.add_button.setObjectName("addDocument")
        self.add_button.clicked.connect(lambda: self.add_row())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(muted_label("本人確認書類の番号は下4桁だけを記録します。マイナンバーは記録しません。"), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(self.rows_layout)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)

    def next_kind(self) -> DocumentKind:
        """The kind a new row starts as: the first paper not listed yet (その他 when all are)."""
        listed = {row.kind.currentData() for row in self.rows}
        return next((k for k in DocumentKind if k not in listed), DocumentKind.OTHER)

    def add_row(self, entry: DocumentEntry | None = None) -> DocumentRow:
        row = DocumentRow(entry)
        if entry is None:
            select_data(row.kind, self.next_kind())
        row.remove_requested.connect(self.remove_row)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        row.show()  # at once, not when the layout gets round to it
        self.empty_label.setVisible(False)
        self.changed.emit()
        return row

    def remove_row(self, row: DocumentRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            self.rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.empty_label.setVisible(not self.rows)
        self.changed.emit()

    def entries(self) -> tuple[DocumentEntry, ...]:
        return tuple(row.entry() for row in self.rows)

    def set_entries(self, entries: Iterable[DocumentEntry]) -> None:
        for row in list(self.rows):
            self.remove_row(row)
        for entry in entries:
            self.add_row(entry)

    def show_errors(self, errors: dict[str, str]) -> tuple[QWidget | None, dict[str, str]]:
        """``errors`` keyed "0.number_last_digits" …; returns the first bad widget and the rest."""
        first = None
        used = set()
        for index, row in enumerate(self.rows):
            mine = {}
            for name in DOCUMENT_FIELDS:
                key = f"{index}.{name}"
                if key in errors:
                    mine[name] = errors[key]
                    used.add(key)
            widget = row.show_errors(mine)
            first = first or widget
        return first, {k: v for k, v in errors.items() if k not in used}

    def clear_errors(self) -> None:
        for row in self.rows:
            row.show_errors({})

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setVisible(not read_only)
        for row in self.rows:
            row.set_read_only(read_only)

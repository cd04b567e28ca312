"""The frame of a dialog that makes one service call: a form, a red summary, the action button
and 閉じる. The call runs through Operations and announces ``changes``; a ValidationFailed is
shown beside its fields (FieldErrors), any other refusal in the summary; on success the dialog
says so (``succeeded``) and closes. Used by 返却管理's and 入金's dialogs."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.widgets import APP_STYLE, FieldErrors, error_label, form_layout

D = TypeVar("D", bound=QDialog)


def show_kept(dialog: D, kept: list[QWidget], opened: Any) -> D:
    """Show ``dialog`` (not modal), keeping it in ``kept`` until it closes; ``opened`` (a signal)
    announces it (tests take it from there)."""
    dialog.finished.connect(lambda _r, d=dialog: kept.remove(d) if d in kept else None)
    kept.append(dialog)
    opened.emit(dialog)
    dialog.show()
    return dialog


def note_edit(name: str, placeholder: str, height: int = 64) -> QPlainTextEdit:
    """A few lines of free text (a reason, a note) for a dialog's form."""
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(height)
    return edit


class ServiceDialog(QDialog):
    #: The service's result once it succeeded.
    succeeded = Signal(object)

    def __init__(self, ctx: AppContext, title: str, button: str, parent: QWidget | None, *, changes: str,
                 name: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changes = changes
        self.setWindowTitle(title)
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.summary = error_label()
        self.summary.setObjectName(f"{name}Summary")
        self.form = form_layout()
        self.ok_button = QPushButton(button)
        self.ok_button.setObjectName(f"{name}Ok")
        self.ok_button.clicked.connect(self.submit)
        close = QPushButton("閉じる")
        close.clicked.connect(self.reject)
        # Enter in a field (a scanner ends the serial with it) never presses a button
        for each in (self.ok_button, close):
            each.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(close)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.summary)
        self.layout_.addLayout(buttons)

    def field(self, label: str, name: str, widget: QWidget, *, edited_by: tuple[QWidget, ...] = ()) -> None:
        """A row of the form: ``widget`` with its red label under it."""
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(widget)
        cell.addWidget(self.errors.add(name, widget, edited_by=edited_by))
        self.form.addRow(label, cell)

    def add_below_form(self, widget: QWidget, stretch: int = 0) -> None:
        """``widget`` between the form and the summary."""
        self.layout_.insertWidget(self.layout_.count() - 2, widget, stretch)

    def call(self, fn: Any, *, message: bool = True, status: str | None = None) -> None:
        """Run ``fn`` (the service call); a result with a ``message`` is announced when ``message``."""
        self.summary.setVisible(False)
        self.ok_button.setEnabled(False)

        def done(result: Any) -> None:
            if message and hasattr(result, "message"):
                self.ctx.ops.message.emit(result.message)
            self.succeeded.emit(result)
            self.accept()

        self.ctx.ops.run(fn, success=done, invalid=self.refused, failure=self.failed, status=status,
                         done=lambda: self.ok_button.setEnabled(True), changes=self.changes, parent=self)

    def refused(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def failed(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def submit(self) -> None:
        raise NotImplementedError

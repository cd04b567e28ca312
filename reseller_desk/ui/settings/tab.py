"""What every 設定 tab shares: saving through the operations wrapper, a status line for what
was saved or refused, and a read-only view for whoever may not change settings.

Only a manager changes settings (the services refuse anyone else); a clerk sees the same tabs
with the fields read-only and the buttons that would change something disabled, their tooltip
saying why, instead of a refusal after the click.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QPlainTextEdit, QWidget

from reseller_desk.services.errors import ServiceError
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.widgets import ERROR_COLOR

MANAGER_ONLY = "設定の変更は管理者だけが行えます。"


class SettingsTab(QWidget):
    """A tab of 設定. Subclasses list what changes settings in :meth:`changing_widgets`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editable = True
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("status")

    def set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")

    def refused(self, error: ServiceError) -> None:
        """A refusal the tab could not foresee: said once, in the tab's status line."""
        self.set_status(str(error), error=True)

    def changing_widgets(self) -> Iterable[QWidget]:
        return ()

    def set_editable(self, editable: bool) -> None:
        """Read-only (and say why) for someone who may not change settings."""
        self.editable = editable
        for widget in self.changing_widgets():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(not editable)
            elif isinstance(widget, QAbstractItemView):
                if not editable:
                    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            else:
                widget.setEnabled(editable)
                widget.setToolTip("" if editable else MANAGER_ONLY)

"""Dialogs of the 入金 section that stay open beside the page (not modal)."""

from __future__ import annotations

from typing import Any, TypeVar

from PySide6.QtWidgets import QDialog, QWidget

D = TypeVar("D", bound=QDialog)


def show_kept(dialog: D, kept: list[QWidget], opened: Any) -> D:
    """Show ``dialog``, keeping it in ``kept`` until it closes; ``opened`` (a signal) announces
    it (tests take it from there)."""
    dialog.finished.connect(lambda _r, d=dialog: kept.remove(d) if d in kept else None)
    kept.append(dialog)
    opened.emit(dialog)
    dialog.show()
    return dialog

"""One window per record among the main window's children (a contract, an invoice): opening one
already open brings it forward; otherwise the record is read off the UI thread and its window
built on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from reseller_desk.ui.context import AppContext


def open_windows(anchor: QWidget, window_type: type[QWidget]) -> list[QWidget]:
    return [w for w in anchor.window().findChildren(window_type) if w.isVisible()]


def open_record_window(ctx: AppContext, anchor: QWidget, window_type: type[QWidget], key: str, record_id: int,
                       read: Callable[[], Any], build: Callable[[Any, QWidget], QWidget],
                       opened: Callable[[QWidget], None] | None = None) -> None:
    """Show the window of ``record_id`` (the window's attribute ``key``): the open one brought
    forward, or ``build(read(), top-level window)`` shown, closed windows deleted when idle."""
    for window in open_windows(anchor, window_type):
        if getattr(window, key, None) == record_id:
            window.raise_()
            window.activateWindow()
            if opened:
                opened(window)
            return
    top = anchor.window()

    def show(record: Any) -> None:
        window = build(record, top)
        window.finished.connect(lambda _r, w=window: ctx.ops.delete_when_idle(w))
        window.show()
        if opened:
            opened(window)

    ctx.ops.run(read, success=show, parent=anchor)

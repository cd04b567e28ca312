"""Opening an invoice's window from anywhere (the 請求書 list, another invoice's link): one window
per invoice among the main window's children; opening one already open brings it forward. The
invoice is read off the UI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from reseller_desk.services.billing.invoices import InvoiceDetail, invoice_detail
from reseller_desk.ui.context import AppContext


def open_windows(anchor: QWidget) -> list[QWidget]:
    from reseller_desk.ui.invoice.window import InvoiceWindow

    return [w for w in anchor.window().findChildren(InvoiceWindow) if w.isVisible()]


def open_invoice_window(ctx: AppContext, invoice_id: int, anchor: QWidget,
                        opened: Callable[[QWidget], None] | None = None) -> None:
    """Show invoice ``invoice_id``'s window (parented to ``anchor``'s top-level window)."""
    from reseller_desk.ui.invoice.window import InvoiceWindow

    for window in open_windows(anchor):
        if getattr(window, "invoice_id", None) == invoice_id:
            window.raise_()
            window.activateWindow()
            if opened:
                opened(window)
            return
    db = ctx.db
    top = anchor.window()

    def show(detail: InvoiceDetail) -> None:
        window = InvoiceWindow(ctx, detail, top)
        window.finished.connect(lambda _r, w=window: ctx.ops.delete_when_idle(w))
        window.open_requested.connect(lambda other: open_invoice_window(ctx, other, top, opened))
        window.show()
        if opened:
            opened(window)

    ctx.ops.run(lambda: invoice_detail(db, invoice_id), success=show, parent=anchor)

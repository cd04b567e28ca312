"""Opening an invoice's window from anywhere (the 請求書 list, another invoice's link): one window
per invoice among the main window's children; opening one already open brings it forward. The
invoice is read off the UI thread (ui.record_windows)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from reseller_desk.services.billing.invoices import InvoiceDetail, invoice_detail
from reseller_desk.ui import record_windows
from reseller_desk.ui.context import AppContext


def open_invoice_window(ctx: AppContext, invoice_id: int, anchor: QWidget,
                        opened: Callable[[QWidget], None] | None = None) -> None:
    """Show invoice ``invoice_id``'s window (parented to ``anchor``'s top-level window); its links
    to the invoice it corrects or that corrects it open those the same way."""
    from reseller_desk.ui.invoice.window import InvoiceWindow

    db = ctx.db

    def build(detail: InvoiceDetail, top: QWidget) -> QWidget:
        window = InvoiceWindow(ctx, detail, top)
        window.open_requested.connect(lambda other: open_invoice_window(ctx, other, top, opened))
        return window

    record_windows.open_record_window(ctx, anchor, InvoiceWindow, "invoice_id", invoice_id,
                                      lambda: invoice_detail(db, invoice_id), build, opened)

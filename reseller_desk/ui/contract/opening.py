"""Opening a contract's window from anywhere (the 契約 list, 本日の業務, the customer form): one
window per contract among the main window's children; opening one already open brings it
forward. The contract is read off the UI thread."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from reseller_desk.services.contracts.detail import ContractDetail, contract_detail
from reseller_desk.ui.context import AppContext


def open_windows(anchor: QWidget) -> list[QWidget]:
    from reseller_desk.ui.contract.window import ContractWindow

    return [w for w in anchor.window().findChildren(ContractWindow) if w.isVisible()]


def open_contract_window(ctx: AppContext, contract_id: int, anchor: QWidget,
                         opened: Callable[[QWidget], None] | None = None) -> None:
    """Show contract ``contract_id``'s window (parented to ``anchor``'s top-level window)."""
    from reseller_desk.ui.contract.window import ContractWindow

    for window in open_windows(anchor):
        if getattr(window, "contract_id", None) == contract_id:
            window.raise_()
            window.activateWindow()
            if opened:
                opened(window)
            return
    db = ctx.db

    def show(detail: ContractDetail) -> None:
        window = ContractWindow(ctx, detail, anchor.window())
        window.finished.connect(lambda _r, w=window: ctx.ops.delete_when_idle(w))
        window.show()
        if opened:
            opened(window)

    ctx.ops.run(lambda: contract_detail(db, contract_id), success=show, parent=anchor)

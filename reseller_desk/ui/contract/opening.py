"""Opening a contract's window from anywhere (the 契約 list, 本日の業務, the customer form): one
window per contract among the main window's children; opening one already open brings it
forward. The contract is read off the UI thread (ui.record_windows)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.ui import record_windows
from reseller_desk.ui.context import AppContext


def open_windows(anchor: QWidget) -> list[QWidget]:
    from reseller_desk.ui.contract.window import ContractWindow

    return record_windows.open_windows(anchor, ContractWindow)


def open_contract_window(ctx: AppContext, contract_id: int, anchor: QWidget,
                         opened: Callable[[QWidget], None] | None = None) -> None:
    """Show contract ``contract_id``'s window (parented to ``anchor``'s top-level window)."""
    from reseller_desk.ui.contract.window import ContractWindow

    db = ctx.db
    record_windows.open_record_window(ctx, anchor, ContractWindow, "contract_id", contract_id,
                                      lambda: contract_detail(db, contract_id),
                                      lambda detail, top: ContractWindow(ctx, detail, top), opened)

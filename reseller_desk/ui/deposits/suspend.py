"""利用停止の手続きへ from 保証金: the contract's own 利用停止 dialog (ui.contract.actions, which calls
services.contracts.lifecycle_suspension.suspend_contract) with the reason of a deposit not paid
by its deadline (SC §9.12) already chosen."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import QComboBox

from reseller_desk.services.payments.deposit_notices import UNPAID_REASON
from reseller_desk.ui.contract.actions import SuspendDialog
from reseller_desk.ui.widgets import select_data


class DepositSuspendDialog(SuspendDialog):
    def show_terms(self, terms: Any) -> None:
        super().show_terms(terms)
        select_data(cast(QComboBox, self.reason), UNPAID_REASON)

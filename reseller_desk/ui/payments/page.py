"""The 入金 section (issue 12 "Recording payments", "Bank transfers"): 入金一覧 (payments entered
by hand and reversed), 振込の取込と消込 (statements imported and matched), 振込依頼人名 (the names
each customer's transfers arrive under) and 銀行CSVの設定 (how each bank's CSV reads)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from reseller_desk.ui.context import AppContext
from reseller_desk.ui.payments.bank_csv_tab import BankCsvTab
from reseller_desk.ui.payments.list_tab import PaymentListTab
from reseller_desk.ui.payments.payer_tab import PayerNamesTab
from reseller_desk.ui.payments.statements_tab import StatementsTab

LIST_TAB, STATEMENTS_TAB, PAYERS_TAB, BANKS_TAB = range(4)


class PaymentsPage(QWidget):
    title = "入金"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.list_tab = PaymentListTab(ctx, self)
        self.statements_tab = StatementsTab(ctx, self)
        self.payers_tab = PayerNamesTab(ctx, self)
        self.banks_tab = BankCsvTab(ctx, self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("paymentTabs")
        self.tabs.addTab(self.list_tab, "入金一覧")
        self.tabs.addTab(self.statements_tab, "振込の取込と消込")
        self.tabs.addTab(self.payers_tab, "振込依頼人名")
        self.tabs.addTab(self.banks_tab, "銀行CSVの設定")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        """F5: the list and the proposals read again."""
        self.list_tab.refresh()
        self.statements_tab.refresh()

"""The 設定 section: 会社情報, 振込先口座, 休業日, プラン・オプション and 請求, one tab each, and for a
manager バックアップ and 担当者 (staff accounts). A manager edits them; anyone else sees the first five
read-only, the buttons that would change something disabled with the reason as tooltip (the
services refuse them anyway), and no 担当者 tab at all."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.backup_tab import BackupTab
from reseller_desk.ui.settings.bank_accounts_tab import BankAccountsTab
from reseller_desk.ui.settings.billing_tab import BillingTab
from reseller_desk.ui.settings.closures_tab import ClosuresTab
from reseller_desk.ui.settings.company_tab import CompanyTab
from reseller_desk.ui.settings.debit_tab import DebitTab
from reseller_desk.ui.settings.dunning_tab import DunningTab
from reseller_desk.ui.settings.equipment_tab import EquipmentTab
from reseller_desk.ui.settings.journal_tab import JournalTab
from reseller_desk.ui.settings.plans_tab import PlansTab
from reseller_desk.ui.settings.staff_tab import StaffTab
from reseller_desk.ui.settings.tab import MANAGER_ONLY
from reseller_desk.ui.widgets import muted_label


class SettingsPage(QWidget):
    title = "設定"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.company_tab = CompanyTab(ctx)
        self.bank_tab = BankAccountsTab(ctx)
        self.closures_tab = ClosuresTab(ctx)
        self.plans_tab = PlansTab(ctx)
        self.billing_tab = BillingTab(ctx)
        self.tabs.addTab(self.company_tab, "会社情報")
        self.tabs.addTab(self.bank_tab, "振込先口座")
        self.tabs.addTab(self.closures_tab, "休業日")
        self.tabs.addTab(self.plans_tab, "プラン・オプション")
        self.tabs.addTab(self.billing_tab, "請求")
        self.debit_tab = DebitTab(ctx)   # 口座振替: reads, follows Changes.SETTINGS and sets its editing itself
        self.tabs.addTab(self.debit_tab, "口座振替")
        self.equipment_tab = EquipmentTab(ctx)   # 機器: reads and follows Changes.EQUIPMENT itself
        self.tabs.addTab(self.equipment_tab, "機器")
        self.dunning_tab = DunningTab(ctx)
        self.tabs.addTab(self.dunning_tab, "督促")
        self.journal_tab = JournalTab(ctx)       # 会計ソフト連携: read-only for a clerk by itself
        self.tabs.addTab(self.journal_tab, "会計ソフト連携")
        manager = ctx.actor.role == Role.MANAGER
        self.backup_tab: BackupTab | None = BackupTab(ctx) if manager else None
        if self.backup_tab is not None:
            self.tabs.addTab(self.backup_tab, "バックアップ")
        self.staff_tab: StaffTab | None = StaffTab(ctx) if manager else None
        if self.staff_tab is not None:
            self.tabs.addTab(self.staff_tab, "担当者")
        for tab in (self.company_tab, self.bank_tab, self.closures_tab, self.plans_tab, self.billing_tab,
                    self.dunning_tab):
            tab.set_editable(manager)
        note = (f"設定の変更は管理者が行います（現在の担当: {ctx.actor.name}）。" if manager
                else f"{MANAGER_ONLY}{ctx.actor.name}さん（{ctx.actor.role.label}）には表示だけです。")
        self.role_note = muted_label(note)
        self.role_note.setObjectName("settingsRoleNote")
        layout = QVBoxLayout(self)
        layout.addWidget(self.role_note)
        layout.addWidget(self.tabs)
        ctx.changes.changed.connect(self._data_changed)
        self.plans_tab.load_profiles()
        self.refresh(force=True)

    def refresh(self, force: bool = True) -> None:
        """F5: re-read everything (edits not yet saved are kept unless ``force``)."""
        if force:
            self.company_tab.load()
            self.bank_tab.load()
            self.billing_tab.load()
        else:
            self.company_tab.reload_if_clean()
            self.bank_tab.reload_if_clean()
            self.billing_tab.reload_if_clean()
        self.closures_tab.load()
        self.plans_tab.load()
        if self.staff_tab is not None:
            self.staff_tab.load()
        if self.backup_tab is not None:
            self.backup_tab.load()

    def _data_changed(self, what: str) -> None:
        if what == Changes.SETTINGS:
            self.refresh(force=False)

"""One contract in its own window: a header (カスタマID, customer, status, service), one button
per action its status allows (domain.contract.allowed_actions, as the service read it; the
others are absent, and the services refuse them anyway), and the tabs 概要, 履歴, 回線・番号,
オプション, 特約, 通知書 (the notices issued, opened as stored, ui.application.notices_panel) and
機器 (the units lent and sold to the contract and their actions, ui.contract.equipment_section).

An action's button opens its dialog (ui.contract.actions), and so does each item of the
「変更」 menu, shown while the contract is live (ui.contract.changes: プラン, 回線数, オプション,
特約, 電話番号, 地位承継の届出); the dialog calls the lifecycle service through Operations;
when it is done the window shows the service's message in a banner, reads the contract again,
and the 契約 list and 本日の業務 refresh (Changes.CONTRACTS). A change made elsewhere reloads
the window too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QTabWidget, QVBoxLayout, QWidget

from reseller_desk.domain.contract import ContractAction
from reseller_desk.services.contracts.detail import ContractDetail, contract_detail
from reseller_desk.services.permissions import Role
from reseller_desk.ui.application.notices_panel import NoticesPanel
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract import buttons
from reseller_desk.ui.contract.equipment_section import EquipmentSection
from reseller_desk.ui.contract.model import STATUS_COLORS
from reseller_desk.ui.contract.tabs import AgreementsTab, LinesTab, OptionsTab, SummaryTab, TimelineTab
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import APP_STYLE, fit_on_screen, notice_frame

if TYPE_CHECKING:
    from reseller_desk.ui.contract.actions import ActionDialog

DEFAULT_SIZE = (1120, 640)
(SUMMARY_TAB, TIMELINE_TAB, LINES_TAB, OPTIONS_TAB, AGREEMENTS_TAB, NOTICES_TAB, EQUIPMENT_TAB) = range(7)


class ContractWindow(QDialog):
    """The window of contract ``detail.id``. Emits :attr:`changed` with every new detail."""

    changed = Signal(object)
    #: An action's dialog was opened (the dialog), for tests.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, detail: ContractDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.contract_id = detail.id
        self.action_buttons: dict[ContractAction, QPushButton] = {}
        self.setObjectName("contractWindow")
        self.setStyleSheet(APP_STYLE)
        self.setModal(False)

        self.code_label = QLabel()
        self.code_label.setObjectName("contractCode")
        self.code_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.status_label = QLabel()
        self.status_label.setObjectName("contractStatus")
        self.info_label = QLabel()
        self.info_label.setObjectName("contractInfo")
        header = QHBoxLayout()
        header.addWidget(self.code_label)
        header.addWidget(self.status_label)
        header.addWidget(self.info_label, 1)
        self.actions_row = QHBoxLayout()
        self.actions_row.setContentsMargins(0, 0, 0, 0)
        actions_box = QWidget()
        actions_box.setLayout(self.actions_row)
        self.change_button = QPushButton("変更")
        self.change_button.setObjectName("changeMenu")
        self.change_button.setToolTip("プラン・回線数・オプション・特約・電話番号の変更と、地位承継の届出")
        self.change_menu = QMenu(self.change_button)
        self.change_actions: dict[str, QAction] = {}
        for key, text in buttons.CHANGE_ITEMS:
            item = self.change_menu.addAction(text)
            item.setObjectName(f"change_{key}")
            item.triggered.connect(lambda _checked=False, k=key: self.start_change(k))
            self.change_actions[key] = item
        self.change_button.setMenu(self.change_menu)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(actions_box, 1)
        buttons_row.addWidget(self.change_button)
        self.banner = QLabel()
        self.banner.setObjectName("resultBanner")
        self.banner.setWordWrap(True)
        self.banner_frame = notice_frame("#e8f5e9", "#66bb6a")
        QVBoxLayout(self.banner_frame).addWidget(self.banner)
        self.banner_frame.setVisible(False)

        self.summary_tab = SummaryTab()
        self.timeline_tab = TimelineTab()
        self.lines_tab = LinesTab()
        self.options_tab = OptionsTab()
        self.agreements_tab = AgreementsTab()
        self.notices_panel = NoticesPanel(ctx)
        self.notices_panel.failed.connect(lambda title, text: ctx.ops.show_message(title, text))
        self.equipment_section = EquipmentSection(ctx, detail)
        self.equipment_section.acted.connect(self._acted)
        self.tabs = QTabWidget()
        for widget, title in ((self.summary_tab, "概要"), (self.timeline_tab, "履歴"), (self.lines_tab, "回線・番号"),
                              (self.options_tab, "オプション"), (self.agreements_tab, "特約"),
                              (self.notices_panel, "通知書"), (self.equipment_section, "機器")):
            self.tabs.addTab(widget, title)

        self.close_button = QPushButton("閉じる")
        self.close_button.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(buttons_row)
        layout.addWidget(self.banner_frame)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(footer)
        ctx.changes.changed.connect(self._data_changed)
        self.show_detail(detail)
        fit_on_screen(self, *DEFAULT_SIZE)

    # -- showing -------------------------------------------------------------------------
    def show_detail(self, detail: ContractDetail) -> None:
        self.detail = detail
        self.setWindowTitle(f"契約 {detail.customer_code} {detail.customer.name}")
        self.code_label.setText(detail.customer_code)
        color = STATUS_COLORS.get(detail.status, "#000000")
        self.status_label.setText(detail.status_label)
        self.status_label.setStyleSheet(f"color: white; background: {color}; border-radius: 3px; padding: 2px 8px;"
                                        "font-weight: bold;")
        self.info_label.setText(f"{detail.customer.name}　{detail.profile_name}")
        for tab in (self.summary_tab, self.timeline_tab, self.lines_tab, self.options_tab, self.agreements_tab):
            tab.show_detail(detail)
        self.notices_panel.show_notices(detail.notices)
        if detail is not self.equipment_section.detail:
            self.equipment_section.show_contract(detail)
        self._show_actions(detail)
        self.change_button.setVisible(buttons.changes_allowed(detail.status))

    def _show_actions(self, detail: ContractDetail) -> None:
        for button in self.action_buttons.values():
            self.actions_row.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        while self.actions_row.count():
            self.actions_row.takeAt(0)
        for action in detail.allowed_actions:
            button = QPushButton(buttons.button_text(action))
            button.setObjectName(f"action_{action.value}")
            why_not = buttons.unavailable_reason(action, self.ctx.actor.role == Role.MANAGER)
            button.setEnabled(why_not is None)
            button.setToolTip(why_not or buttons.button_tip(action))
            button.clicked.connect(lambda _checked=False, a=action: self.start_action(a))
            self.action_buttons[action] = button
            self.actions_row.addWidget(button)
        self.actions_row.addStretch(1)

    def shown_actions(self) -> tuple[ContractAction, ...]:
        return tuple(self.action_buttons)

    # -- acting --------------------------------------------------------------------------
    def start_action(self, action: ContractAction) -> QDialog | None:
        from reseller_desk.ui.contract.actions import dialog_for  # the lifecycle's services, when first used

        dialog = dialog_for(action, self.ctx, self.detail, self)
        return self._open(dialog) if dialog is not None else None

    def start_change(self, key: str) -> QDialog | None:
        """Open the dialog of the 「変更」 menu's item ``key`` (ui.contract.changes.CHANGES)."""
        if not buttons.changes_allowed(self.detail.status):
            return None
        from reseller_desk.ui.contract.changes import change_dialog

        return self._open(change_dialog(key, self.ctx, self.detail, self))

    def _open(self, dialog: ActionDialog) -> ActionDialog:
        dialog.done_with.connect(self._acted)
        dialog.stale_reloaded.connect(self.reload)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _acted(self, message: str) -> None:
        self.ctx.ops.message.emit(message)
        self.banner.setText(message)
        self.banner_frame.setVisible(bool(message))
        self.reload()

    def reload(self) -> None:
        db, contract_id = self.ctx.db, self.contract_id
        self.ctx.ops.run(lambda: contract_detail(db, contract_id), success=self._reloaded, parent=self)

    def _reloaded(self, detail: ContractDetail) -> None:
        self.show_detail(detail)
        self.changed.emit(detail)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.CONTRACTS, Changes.CUSTOMERS, Changes.SETTINGS) and self.isVisible():
            self.reload()

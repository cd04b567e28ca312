"""The main window: sections on the left, the current section's page on the right, a status
bar with the database, the staff member and the size of the customer book.

Adding a section (契約, 請求 …) is one line in :data:`SECTIONS`; Ctrl+1 … Ctrl+9 follow the
order of the sections the staff member sees, and 設定 past the ninth is Ctrl+0. A section's
module is imported and its page built the first time it is shown, so start-up pays only for
the customer book. A manager-only section (操作履歴) is left out of a clerk's navigation; its
service refuses a clerk anyway.

ファイル > 担当者の切替 logs the staff member out and shows the log-in dialog; the pages are
rebuilt for whoever logs in.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

import reseller_desk
from reseller_desk.services import backup as backup_service
from reseller_desk.services import customers as customer_service
from reseller_desk.services.backup import LastBackup
from reseller_desk.services.permissions import Actor, Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.login import LoginRunner, ask_who_is_working
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.password_dialog import change_own_password
from reseller_desk.ui.settings.backup_tab import status_bar_warning
from reseller_desk.ui.widgets import APP_STYLE, WARNING_COLOR, fit_on_screen

if TYPE_CHECKING:
    from reseller_desk.ui.application_page import ApplicationPage
    from reseller_desk.ui.audit_page import AuditPage
    from reseller_desk.ui.contract_page import ContractPage
    from reseller_desk.ui.customer_page import CustomerPage
    from reseller_desk.ui.settings.page import SettingsPage
    from reseller_desk.ui.today_page import TodayPage

APP_TITLE = "Reseller Desk"
#: The default size: fits a 1366×768 laptop with its taskbar.
DEFAULT_SIZE = (1280, 680)
#: What バージョン情報 says the app does: only what exists.
ABOUT_TEXT = "通信サービス取次店の顧客管理・申込受付と審査・通知書の発行"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    #: "module:Class" of the page; the class is called with the AppContext.
    page: str
    #: Shown only to a manager (the service refuses a clerk anyway).
    manager_only: bool = False

    def build(self, ctx: AppContext) -> QWidget:
        module_name, _, class_name = self.page.partition(":")
        return getattr(importlib.import_module(module_name), class_name)(ctx)

    def shown_to(self, actor: Actor) -> bool:
        return not self.manager_only or actor.role == Role.MANAGER


#: The section past the ninth that still has a shortcut: 設定 is Ctrl+0.
SETTINGS_KEY = "settings"

#: The sections that work now, in the order of the navigation pane (and of Ctrl+1 …).
SECTIONS: tuple[Section, ...] = (
    Section("today", "本日の業務", "reseller_desk.ui.today_page:TodayPage"),
    Section("customers", "顧客", "reseller_desk.ui.customer_page:CustomerPage"),
    Section("contracts", "契約", "reseller_desk.ui.contract_page:ContractPage"),
    Section("applications", "申込", "reseller_desk.ui.application_page:ApplicationPage"),
    Section("invoices", "請求", "reseller_desk.ui.invoice_page:InvoicePage"),
    Section("equipment", "機器", "reseller_desk.ui.equipment.page:EquipmentPage"),
    Section("returns", "返却管理", "reseller_desk.ui.equipment.returns_page:ReturnsPage"),
    Section("payments", "入金", "reseller_desk.ui.payments.page:PaymentsPage"),
    Section("debit", "口座振替", "reseller_desk.ui.debit.page:DebitPage"),
    Section("receivables", "売掛金", "reseller_desk.ui.receivables.page:ReceivablesPage"),
    Section("dunning", "督促", "reseller_desk.ui.dunning.page:DunningPage"),
    Section("deposits", "保証金", "reseller_desk.ui.deposits.page:DepositsPage"),
    Section("exports", "出力", "reseller_desk.ui.exports.page:ExportsPage"),
    Section("settings", "設定", "reseller_desk.ui.settings.page:SettingsPage"),
    Section("audit", "操作履歴", "reseller_desk.ui.audit_page:AuditPage", manager_only=True),
)


def database_label(url: str) -> str:
    """What the status bar calls the database: the file name, or the server and database."""
    if url.startswith("sqlite:"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        return Path(path).name if path and path != ":memory:" else "（メモリ）"
    parts = urlsplit(url)  # never show a password
    return f"{parts.hostname or ''}{parts.path}"


#: How the window names a demo database, in its title and status bar.
DEMO_MARK = "デモ用データベース"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, sections: tuple[Section, ...] = SECTIONS, *,
                 login: LoginRunner | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        #: Asks who works next (ファイル > 担当者の切替); the log-in dialog unless a test gives one.
        self.login_runner = login
        self.setWindowTitle(f"{APP_TITLE} — {DEMO_MARK}" if ctx.demo else APP_TITLE)
        self.setStyleSheet(APP_STYLE)
        fit_on_screen(self, *DEFAULT_SIZE)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(100)
        self.nav.setMaximumWidth(200)
        self.nav.setStyleSheet("QListWidget#navigation { font-size: 12pt; outline: 0; } "
                               "QListWidget#navigation::item { padding: 8px 12px; }")
        self.stack = QStackedWidget()
        self.all_sections = sections
        self.sections: tuple[Section, ...] = ()
        self.pages: dict[str, QWidget] = {}
        self.section_actions: list[QAction] = []
        self.nav.currentRowChanged.connect(self._section_changed)

        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([120, 1080])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self._build_sections()
        self._build_menus()
        self._build_status_bar()
        ctx.changes.changed.connect(self._data_changed)
        ctx.ops.message.connect(self.show_message)
        self.nav.setCurrentRow(0)

    def _build_sections(self) -> None:
        """The navigation, the page stack and the Ctrl+number actions for the staff member."""
        self.nav.blockSignals(True)
        self.nav.clear()
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.pages = {}
        for action in self.section_actions:
            self.removeAction(action)
            action.deleteLater()
        self.section_actions = []
        self.sections = tuple(s for s in self.all_sections if s.shown_to(self.ctx.actor))
        for number, section in enumerate(self.sections, start=1):
            self.stack.addWidget(QWidget())  # replaced by the page when first shown
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            key = str(number) if number <= 9 else "0" if section.key == SETTINGS_KEY else ""
            shortcut = QKeySequence(f"Ctrl+{key}") if key else QKeySequence()
            if key:
                item.setToolTip(f"{section.title}（Ctrl+{key}）")
            self.nav.addItem(item)
            action = QAction(section.title, self)
            action.setShortcut(shortcut)
            action.triggered.connect(lambda _checked=False, key=section.key: self.show_section(key))
            self.section_actions.append(action)
            self.addAction(action)  # shortcuts work while the menu bar is hidden too
        self.nav.blockSignals(False)

    # -- pages -------------------------------------------------------------------------
    def page(self, key: str) -> QWidget:
        """The page of section ``key``, built on first use."""
        page = self.pages.get(key)
        if page is None:
            position = [s.key for s in self.sections].index(key)
            page = self.sections[position].build(self.ctx)
            page.setObjectName(f"page_{key}")
            placeholder = self.stack.widget(position)
            self.stack.insertWidget(position, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.pages[key] = page
        return page

    def _section_changed(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.page(self.sections[row].key)
            self.stack.setCurrentIndex(row)

    @property
    def customer_page(self) -> CustomerPage:
        return self.page("customers")  # type: ignore[return-value]

    @property
    def settings_page(self) -> SettingsPage:
        return self.page("settings")  # type: ignore[return-value]

    @property
    def application_page(self) -> ApplicationPage:
        return self.page("applications")  # type: ignore[return-value]

    @property
    def contract_page(self) -> ContractPage:
        return self.page("contracts")  # type: ignore[return-value]

    @property
    def today_page(self) -> TodayPage:
        return self.page("today")  # type: ignore[return-value]

    @property
    def audit_page(self) -> AuditPage:
        return self.page("audit")  # type: ignore[return-value]

    def section_keys(self) -> list[str]:
        return [s.key for s in self.sections]

    def current_section(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def show_section(self, key: str) -> QWidget:
        keys = [s.key for s in self.sections]
        self.nav.setCurrentRow(keys.index(key))
        return self.page(key)

    # -- menus and shortcuts -----------------------------------------------------------
    def _action(self, text: str, slot, shortcut: QKeySequence | str | None = None, tip: str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("ファイル(&F)")
        self.switch_staff_action = self._action("担当者の切替…", self.switch_staff, QKeySequence("Ctrl+Shift+L"),
                                                "ログアウトして、別の担当者でログインします")
        self.quit_action = self._action("終了", self.close, QKeySequence("Ctrl+Q"), "Reseller Desk を終了します")
        self.change_password_action = self._action("パスワードの変更…", lambda: change_own_password(self.ctx, self),
                                                   None, "自分のパスワードを変更します")
        self.import_contracts_action = self._action("契約の取込（移行）…", self.import_contracts, None,
                                                    "これまでの契約を CSV・Excel のファイルから取り込みます")
        file_menu.addAction(self.switch_staff_action)
        file_menu.addAction(self.change_password_action)
        file_menu.addSeparator()
        file_menu.addAction(self.import_contracts_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        self.view_menu = menu.addMenu("表示(&V)")
        self.refresh_action = self._action("最新の情報に更新", self.refresh_current, QKeySequence("F5"),
                                           "表示中の一覧を読み直します")
        self._fill_view_menu()

        customer_menu = menu.addMenu("顧客(&C)")
        self.new_customer_action = self._action("新規登録…", self.new_customer, QKeySequence("Ctrl+N"),
                                                "顧客を新規登録します")
        self.find_action = self._action("検索", self.focus_search, QKeySequence("Ctrl+F"),
                                        "顧客の検索欄に移動します")
        # Enter is handled by the list itself (it must keep working in other fields), so the
        # menu only shows it.
        self.open_customer_action = self._action("選択した顧客を開く\tEnter", self.open_selected_customer,
                                                 None, "選択した顧客の編集画面を開きます（ダブルクリックでも開きます）")
        for action in (self.new_customer_action, self.find_action, self.open_customer_action):
            customer_menu.addAction(action)

        application_menu = menu.addMenu("申込(&A)")
        self.new_application_action = self._action("新規受付…", self.new_application, QKeySequence("Ctrl+Shift+N"),
                                                   "申込を新規に受け付けます")
        self.open_application_action = self._action("選択した申込を開く\tEnter", self.open_selected_application,
                                                     None, "選択した申込を開きます（ダブルクリックでも開きます）")
        application_menu.addAction(self.new_application_action)
        application_menu.addAction(self.open_application_action)

        help_menu = menu.addMenu("ヘルプ(&H)")
        self.about_action = self._action("バージョン情報", self.show_about)
        help_menu.addAction(self.about_action)
        for action in (self.quit_action, self.switch_staff_action, self.refresh_action, self.new_customer_action,
                       self.find_action, self.new_application_action):
            self.addAction(action)  # shortcuts work while the menu bar is hidden too

    def import_contracts(self) -> None:
        from reseller_desk.ui.contract_import import open_contract_import

        self.contract_import_dialog = open_contract_import(self.ctx, self)

    def _fill_view_menu(self) -> None:
        self.view_menu.clear()
        for action in self.section_actions:
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.refresh_action)

    def new_customer(self):
        return self.show_section("customers").new_customer()

    def open_selected_customer(self) -> None:
        self.show_section("customers").edit_selected()

    def focus_search(self) -> None:
        self.show_section("customers").focus_search()

    def new_application(self):
        return self.show_section("applications").new_application()

    def open_selected_application(self) -> None:
        self.show_section("applications").open_selected()

    # -- who is working ----------------------------------------------------------------
    def switch_staff(self) -> bool:
        """担当者の切替: log out (the open windows of this staff member close), then the log-in
        dialog; the window carries on as whoever logs in. Cancelled: nothing changes."""
        self.ctx.ops.wait_idle(15_000)
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        runner = self.login_runner or ask_who_is_working
        actor = runner(self.ctx.db, self)
        if actor is None:
            self.show_message("担当者は切り替えていません。")
            return False
        self.set_actor(actor)
        return True

    def set_actor(self, actor: Actor) -> None:
        """Work as ``actor`` from now on: the sections are those they may see, built afresh."""
        self.ctx.actor = actor
        current = self.current_section()
        self._build_sections()
        self._fill_view_menu()
        self.update_actor_label()
        self.update_backup_warning()
        keys = self.section_keys()
        self.nav.setCurrentRow(keys.index(current) if current in keys else 0)
        self._section_changed(self.nav.currentRow())
        self.show_message(f"{actor.name}さん（{actor.role.label}）でログインしました。")

    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()
        self.update_customer_count()
        self.show_message("最新の情報に更新しました。")

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "バージョン情報",
                          f"<b>{APP_TITLE}</b> バージョン {reseller_desk.__version__}<br>"
                          f"{ABOUT_TEXT}<br><br>"
                          "表示フォント: IPAexゴシック（IPAフォントライセンスv1.0）",
                          QMessageBox.StandardButton.Ok, self)
        box.button(QMessageBox.StandardButton.Ok).setText("閉じる")
        box.open()
        return box

    # -- status bar --------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        read_only = "（読み取り専用）" if self.ctx.db.read_only else ""
        self.db_label = QLabel(f"データベース: {database_label(self.ctx.db.url)}{read_only}")
        # shown_url: a server URL's password never reaches the screen.
        self.db_label.setToolTip(self.ctx.db.shown_url + ("\n変更は保存できません。" if read_only else ""))
        self.actor_label = QLabel()
        self.actor_label.setObjectName("actorLabel")
        self.update_actor_label()
        self.count_label = QLabel()
        self.backup_label = QLabel()
        self.backup_label.setObjectName("backupWarning")
        self.backup_label.setStyleSheet(f"QLabel#backupWarning {{ color: {WARNING_COLOR}; font-weight: bold; }}")
        self.backup_label.setToolTip("設定 → バックアップ で作成できます")
        labels = [self.backup_label, self.db_label, self.actor_label, self.count_label]
        self.demo_label: QLabel | None = None
        if self.ctx.demo:
            self.demo_label = QLabel(DEMO_MARK)
            self.demo_label.setObjectName("demoMark")
            self.demo_label.setStyleSheet("QLabel#demoMark { background: #f5a623; color: black; font-weight: bold; "
                                          "padding: 1px 8px; }")
            self.demo_label.setToolTip("デモ用のデータベースです。デモ用アカウントのパスワードは公開されています。"
                                       "実際の顧客の情報は入れないでください。")
            labels.insert(0, self.demo_label)
        for label in labels:
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.backup_label.setVisible(False)
        self.update_customer_count()
        self.update_backup_warning()

    def update_actor_label(self) -> None:
        actor = self.ctx.actor
        self.actor_label.setText(f"担当: {actor.name}（{actor.role.label}）")
        self.actor_label.setToolTip(f"ログインID: {actor.login}（ファイル > 担当者の切替 で交代）")

    def update_customer_count(self) -> None:
        """The size of the customer book, read off the UI thread."""
        db = self.ctx.db
        self.ctx.ops.run(lambda: customer_service.count_customers(db),
                         success=lambda total: self.count_label.setText(f"顧客 {total:,}件"), parent=self)

    def update_backup_warning(self) -> None:
        """A manager is told, at log-in, when the last backup is older than the warning days."""
        if self.ctx.actor.role != Role.MANAGER:
            self.backup_label.setVisible(False)
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: backup_service.last_backup(db), success=self._show_backup_warning, parent=self)

    def _show_backup_warning(self, last: LastBackup) -> None:
        text = status_bar_warning(last) if self.ctx.actor.role == Role.MANAGER else ""
        self.backup_label.setText(text)
        self.backup_label.setVisible(bool(text))

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _data_changed(self, what: str) -> None:
        if what == Changes.CUSTOMERS:
            self.update_customer_count()
        elif what == Changes.BACKUPS:
            self.update_backup_warning()

    # -- closing -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # Let a save that is under way finish before the database goes away.
        self.ctx.ops.wait_idle(15_000)
        super().closeEvent(event)

"""The main window: sections on the left, the current section's page on the right, a status
bar with the database, the staff member and the size of the customer book.

Adding a section (申込, 契約, 請求 …) is one line in :data:`SECTIONS`; Ctrl+1 … Ctrl+9 follow
the order of that list. A section's module is imported and its page built the first time it
is shown, so start-up pays only for the customer book.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
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
from reseller_desk.services import customers as customer_service
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import APP_STYLE

if TYPE_CHECKING:
    from reseller_desk.ui.customer_page import CustomerPage
    from reseller_desk.ui.settings_page import SettingsPage

APP_TITLE = "Reseller Desk"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    #: "module:Class" of the page; the class is called with the AppContext.
    page: str

    def build(self, ctx: AppContext) -> QWidget:
        module_name, _, class_name = self.page.partition(":")
        return getattr(importlib.import_module(module_name), class_name)(ctx)


#: The sections that work now, in the order of the navigation pane (and of Ctrl+1 …).
SECTIONS: tuple[Section, ...] = (
    Section("customers", "顧客", "reseller_desk.ui.customer_page:CustomerPage"),
    Section("settings", "設定", "reseller_desk.ui.settings_page:SettingsPage"),
)


def database_label(url: str) -> str:
    """What the status bar calls the database: the file name, or the server and database."""
    if url.startswith("sqlite:"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        return Path(path).name if path and path != ":memory:" else "（メモリ）"
    parts = urlsplit(url)  # never show a password
    return f"{parts.hostname or ''}{parts.path}"


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, sections: tuple[Section, ...] = SECTIONS) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(APP_TITLE)
        self.setStyleSheet(APP_STYLE)
        self.resize(1200, 760)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMinimumWidth(100)
        self.nav.setMaximumWidth(200)
        self.nav.setStyleSheet("QListWidget#navigation { font-size: 12pt; } "
                               "QListWidget#navigation::item { padding: 8px 12px; }")
        self.stack = QStackedWidget()
        self.sections = sections
        self.pages: dict[str, QWidget] = {}
        self.section_actions: list[QAction] = []
        for number, section in enumerate(sections, start=1):
            self.stack.addWidget(QWidget())  # replaced by the page when first shown
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            shortcut = QKeySequence(f"Ctrl+{number}") if number <= 9 else QKeySequence()
            if number <= 9:
                item.setToolTip(f"{section.title}（Ctrl+{number}）")
            self.nav.addItem(item)
            action = QAction(section.title, self)
            action.setShortcut(shortcut)
            action.triggered.connect(lambda _checked=False, key=section.key: self.show_section(key))
            self.section_actions.append(action)
        self.nav.currentRowChanged.connect(self._section_changed)

        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([120, 1080])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

        self._build_menus()
        self._build_status_bar()
        ctx.changes.changed.connect(self._data_changed)
        ctx.ops.message.connect(self.show_message)
        self.nav.setCurrentRow(0)

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
    def customer_page(self) -> "CustomerPage":
        return self.page("customers")  # type: ignore[return-value]

    @property
    def settings_page(self) -> "SettingsPage":
        return self.page("settings")  # type: ignore[return-value]

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
        self.quit_action = self._action("終了", self.close, QKeySequence("Ctrl+Q"), "Reseller Desk を終了します")
        file_menu.addAction(self.quit_action)

        view_menu = menu.addMenu("表示(&V)")
        for action in self.section_actions:
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.refresh_action = self._action("最新の情報に更新", self.refresh_current, QKeySequence("F5"),
                                           "表示中の一覧を読み直します")
        view_menu.addAction(self.refresh_action)

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

        help_menu = menu.addMenu("ヘルプ(&H)")
        self.about_action = self._action("バージョン情報", self.show_about)
        help_menu.addAction(self.about_action)
        for action in (self.quit_action, self.refresh_action, self.new_customer_action, self.find_action,
                       *self.section_actions):
            self.addAction(action)  # shortcuts work while the menu bar is hidden too

    def new_customer(self):
        return self.show_section("customers").new_customer()

    def open_selected_customer(self) -> None:
        self.show_section("customers").edit_selected()

    def focus_search(self) -> None:
        self.show_section("customers").focus_search()

    def refresh_current(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()
        self.update_customer_count()
        self.show_message("最新の情報に更新しました。")

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "バージョン情報",
                          f"<b>{APP_TITLE}</b> バージョン {reseller_desk.__version__}<br>"
                          "通信サービス取次店の顧客・申込・契約・請求管理<br><br>"
                          "表示フォント: IPAexゴシック（IPAフォントライセンスv1.0）",
                          QMessageBox.StandardButton.Ok, self)
        box.button(QMessageBox.StandardButton.Ok).setText("閉じる")
        box.open()
        return box

    # -- status bar --------------------------------------------------------------------
    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.db_label = QLabel(f"データベース: {database_label(self.ctx.db.url)}")
        self.db_label.setToolTip(self.ctx.db.url)
        actor = self.ctx.actor
        self.actor_label = QLabel(f"担当: {actor.name}（{actor.role.label}）")
        self.count_label = QLabel()
        for label in (self.db_label, self.actor_label, self.count_label):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)
        self.update_customer_count()

    def update_customer_count(self) -> None:
        total = customer_service.count_customers(self.ctx.db)
        self.count_label.setText(f"顧客 {total:,}件")

    def show_message(self, text: str, timeout_ms: int = 8000) -> None:
        self.statusBar().showMessage(text, timeout_ms)

    def _data_changed(self, what: str) -> None:
        if what == Changes.CUSTOMERS:
            self.update_customer_count()

    # -- closing -----------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # Let a save that is under way finish before the database goes away.
        self.ctx.ops.wait_idle(15_000)
        super().closeEvent(event)

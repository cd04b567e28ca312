"""The 申込 section: the list of applications (open ones first, the longest waiting at the
top), filters by 状態 and 受付経路, 新規受付 and 開く. Each application opens in its own window
(:class:`ApplicationDialog`); opening one that is already open brings its window forward."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services import applications as application_service
from reseller_desk.services.applications import ApplicationDetail
from reseller_desk.ui.application.window import ApplicationDialog
from reseller_desk.ui.application_model import (
    APPLICATION_ID_ROLE,
    CHANNEL_FILTERS,
    COLUMNS,
    STATUS_FILTERS,
    ApplicationTableModel,
)
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import SelectableList, list_table
from reseller_desk.ui.widgets import muted_label


class ApplicationPage(QWidget):
    title = "申込"

    #: An application window was opened (the dialog itself), for tests and the window.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialogs: list[ApplicationDialog] = []
        self.model = ApplicationTableModel(ctx.db, load=False, parent=self)

        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, statuses)
        self.channel_filter = QComboBox()
        self.channel_filter.setObjectName("channelFilter")
        for label, channels in CHANNEL_FILTERS:
            self.channel_filter.addItem(label, channels)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.channel_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())

        self.count_label = QLabel()
        self.count_label.setObjectName("applicationCount")
        self.new_button = QPushButton("新規受付")
        self.new_button.setObjectName("newApplication")
        self.new_button.setToolTip("申込を新規に受け付けます（Ctrl+Shift+N）")
        self.new_button.clicked.connect(self.new_application)
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openApplication")
        self.open_button.setToolTip("選択した申込を開く（Enter / ダブルクリック）")
        self.open_button.clicked.connect(self.open_selected)

        self.table = list_table(self.model, COLUMNS, "applicationTable", self)
        self.table.activated.connect(self._activated)  # Enter and double-click
        self.selection = SelectableList(self.table, APPLICATION_ID_ROLE, self.model.row_of, self._update_buttons)
        self.model.total_changed.connect(lambda total: self.count_label.setText(f"{total:,}件"))

        top = QHBoxLayout()
        top.addWidget(QLabel("状態"))
        top.addWidget(self.status_filter)
        top.addSpacing(12)
        top.addWidget(QLabel("受付経路"))
        top.addWidget(self.channel_filter)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.new_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(muted_label("未決定の申込が上に、受付から長く待っているものから並びます。決定済みの申込はその下に新しい順です。"))

        ctx.changes.changed.connect(self._data_changed)
        self._update_buttons()
        self.refresh()

    # -- the list ------------------------------------------------------------------------
    def apply_filters(self) -> None:
        self.model.set_filters(self.status_filter.currentData() or (), self.channel_filter.currentData() or (),
                               load=False)
        self.refresh()

    def refresh(self) -> None:
        """F5 / data changed: re-read the list (in the background), keep filters and selection."""
        fetch = self.model.fetch
        self.ctx.ops.run(fetch, success=self.model.set_rows, parent=self)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.APPLICATIONS, Changes.SETTINGS, Changes.CUSTOMERS):
            self.refresh()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selection.selected_id() is not None)

    # -- windows -------------------------------------------------------------------------
    def new_application(self) -> ApplicationDialog:
        return self._show(ApplicationDialog(self.ctx, None, self.window()))

    def open_selected(self) -> None:
        application_id = self.selection.selected_id()
        if application_id is not None:
            self.open_application(application_id)

    def _activated(self, index: QModelIndex) -> None:
        application_id = index.data(APPLICATION_ID_ROLE)
        if application_id is not None:
            self.open_application(application_id)

    def dialog_of(self, application_id: int) -> ApplicationDialog | None:
        return next((d for d in self.dialogs if d.detail is not None and d.detail.id == application_id), None)

    def open_application(self, application_id: int) -> None:
        existing = self.dialog_of(application_id)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            self.dialog_opened.emit(existing)
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: application_service.get_application(db, application_id),
                         success=self._open_detail, parent=self)

    def _open_detail(self, detail: ApplicationDetail) -> ApplicationDialog:
        existing = self.dialog_of(detail.id)
        if existing is not None:  # opened twice quickly
            existing.raise_()
            return existing
        return self._show(ApplicationDialog(self.ctx, detail, self.window()))

    def _show(self, dialog: ApplicationDialog) -> ApplicationDialog:
        dialog.changed.connect(self._application_changed)
        dialog.finished.connect(lambda _r, d=dialog: self._closed(d))
        self.dialogs.append(dialog)
        dialog.show()  # a window of its own: several applications can be open at once
        self.dialog_opened.emit(dialog)
        return dialog

    def _application_changed(self, detail: ApplicationDetail) -> None:
        # The list is re-read in the background; the changed application is selected once it is in.
        self.selection.select_when_listed(detail.id)

    def _closed(self, dialog: ApplicationDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        self.ctx.ops.delete_when_idle(dialog)

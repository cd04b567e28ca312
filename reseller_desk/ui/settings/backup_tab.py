"""バックアップ (managers only, like 担当者): when the last backup was made and by whom, a
warning after BACKUP_WARNING_DAYS without one, and 「今すぐバックアップ」.

The button asks where to save (a save dialog opening in the default folder, with a name
carrying the date and time), then the copy runs off the UI thread with a progress dialog whose
中止 stops it; the service removes the partial file. Restoring is not done here: it goes into
an empty database only, from the command line (``reseller-desk restore``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk import clock
from reseller_desk.private_files import make_private_dirs
from reseller_desk.services import backup as backup_service
from reseller_desk.services.backup import BACKUP_WARNING_DAYS, BackupFailed, BackupMade, LastBackup
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.widgets import (
    SavePathFunction,
    format_local_datetime,
    muted_label,
    save_path_asker,
    warning_label,
)

NEVER = "まだありません"
PROGRESS_LABEL = "バックアップを作成しています…"
CANCELLED = "バックアップを中止しました（作りかけのファイルは削除しました）。"


def size_text(size: int) -> str:
    """1.2 MB, 340 KB: the size of a backup file as a clerk reads it."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MB"
    return f"{max(1, round(size / 1024)):,} KB"


def days_since(made: BackupMade) -> int:
    return (clock.utcnow() - made.at).days


def backup_warning(last: LastBackup) -> str:
    """What the tab says when a backup is due ("" when it is not)."""
    if not last.overdue:
        return ""
    if last.made is None:
        return "バックアップがまだありません。今すぐバックアップしてください。"
    return (f"前回のバックアップから{days_since(last.made)}日たっています（{BACKUP_WARNING_DAYS}日を過ぎました）。"
            "今すぐバックアップしてください。")


def status_bar_warning(last: LastBackup) -> str:
    """The same, short, for the main window's status bar."""
    if not last.overdue:
        return ""
    if last.made is None:
        return "バックアップがまだありません"
    return f"最後のバックアップから{days_since(last.made)}日たっています"


class BackupTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last: LastBackup | None = None
        self.cancelled = False
        self.last_label = QLabel(NEVER)
        self.last_label.setObjectName("lastBackup")
        self.file_label = QLabel("—")
        self.file_label.setObjectName("lastBackupFile")
        self.file_label.setWordWrap(True)
        self.folder_label = QLabel(str(backup_service.default_backup_folder()))
        self.folder_label.setObjectName("backupFolder")
        self.folder_label.setWordWrap(True)
        self.warning = warning_label()
        self.warning.setObjectName("backupWarning")
        self.warning.setStyleSheet(self.warning.styleSheet() + " font-weight: bold;")
        self.backup_button = QPushButton("今すぐバックアップ…")
        self.backup_button.setObjectName("backUpNow")
        self.backup_button.clicked.connect(self.back_up_now)
        #: Asks where to save; tests put a fake here instead of the file dialog.
        self.ask_save_path: SavePathFunction = save_path_asker(self._file_filter())

        form = QFormLayout()
        form.addRow("前回のバックアップ", self.last_label)
        form.addRow("ファイル", self.file_label)
        form.addRow("既定の保存先", self.folder_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(muted_label(
            f"データベース全体を1つのファイルに保存します。作業中のまま作成できます。"
            f"{BACKUP_WARNING_DAYS}日以上バックアップがないと、ここと画面下に注意が出ます。"
            "保存したファイルは、別のディスクや金庫など、このパソコンの外にも保管してください。"))
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addSpacing(12)
        layout.addWidget(muted_label(
            "復元はコマンドで、空のデータベースにだけ行います（データのあるデータベースには上書きしません）: "
            "reseller-desk restore ファイル --db 新しいデータベース"))
        layout.addStretch(1)

    def changing_widgets(self) -> Iterable[QWidget]:
        return (self.backup_button,)

    def _file_filter(self) -> str:
        try:
            return f"バックアップ (*{backup_service.suggested_path(self.ctx.db).suffix})"
        except BackupFailed:  # a database that cannot be backed up: the button says why when pressed
            return "すべてのファイル (*)"

    # -- the last backup -----------------------------------------------------------------
    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: backup_service.last_backup(db), success=self.show_last, parent=self)

    def show_last(self, last: LastBackup) -> None:
        self.last = last
        made = last.made
        if made is None:
            self.last_label.setText(NEVER)
            self.file_label.setText("—")
        else:
            self.last_label.setText(f"{format_local_datetime(made.at)}（{made.by}）")
            self.file_label.setText(f"{made.path}（{size_text(made.size)}）")
        text = backup_warning(last)
        self.warning.setText(text)
        self.warning.setVisible(bool(text))

    # -- backing up ----------------------------------------------------------------------
    def back_up_now(self) -> None:
        ctx = self.ctx
        try:
            suggested = backup_service.suggested_path(ctx.db)
        except BackupFailed as error:
            self.refused(error)
            return
        with contextlib.suppress(OSError):  # else the dialog opens elsewhere; the folder is made when saving
            make_private_dirs(suggested.parent)  # so that the dialog opens in it
        path = self.ask_save_path(self, "バックアップの保存先", str(suggested))
        if not path:
            return
        self.set_status("")
        self.cancelled = False
        self.backup_button.setEnabled(False)

        def run(progress: Progress) -> BackupMade:
            def report(done: int, total: int) -> None:
                if progress.cancelled:
                    self.cancelled = True
                progress.check()
                progress.report(done, total)

            return backup_service.make_backup(ctx.db, ctx.actor, path, progress=report)

        ctx.ops.run(run, progress=PROGRESS_LABEL, success=self._made, failure=self.refused, done=self._done,
                    changes=Changes.BACKUPS, status="バックアップを作成しました。", parent=self)

    def _made(self, made: BackupMade) -> None:
        self.set_status(f"バックアップを作成しました: {made.path}（{size_text(made.size)}）")
        self.load()

    def _done(self) -> None:
        self.backup_button.setEnabled(self.editable)
        if self.cancelled:
            self.set_status(CANCELLED)

"""A stale save: the record changed since the screen read it, so the service saved nothing
(services.errors.ConcurrentEdit, whose message names who changed it and when).

Every form that saves says so the same way, through the operations runner (``ops.run(…,
reload=…)``): :class:`StaleEditBox` shows the service's message with two buttons.
「最新の内容を読み込む」 runs the form's ``reload`` (what is on file replaces the form, the
clerk's unsaved typing with it: only when they choose it); 「閉じる」 leaves the form as it is,
typing and all, so nothing is lost either way and nothing is overwritten.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QGridLayout, QMessageBox, QSizePolicy, QSpacerItem, QWidget

from reseller_desk.services.errors import ConcurrentEdit

#: show_stale(error, reload): say that ``error``'s record changed and offer ``reload``.
StaleFunction = Callable[[ConcurrentEdit, Callable[[], None]], None]

STALE_TITLE = "保存できませんでした"
RELOAD_TEXT = "最新の内容を読み込む"
CLOSE_TEXT = "閉じる"
#: Wide enough that who changed it and when stay on the first line.
MINIMUM_WIDTH = 520
CHOICES = (f"「{RELOAD_TEXT}」: 入力中の変更を破棄して、保存されている最新の内容を表示します。\n"
           f"「{CLOSE_TEXT}」: 入力中の内容はそのまま残ります（まだ保存されていません）。")


class StaleEditBox(QMessageBox):
    """The message of a refused stale save, with 「最新の内容を読み込む」 and 「閉じる」 (the
    default: Enter or Esc never discards the clerk's typing)."""

    def __init__(self, error: ConcurrentEdit, reload: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Warning, STALE_TITLE, str(error), QMessageBox.StandardButton.NoButton,
                         parent)
        self.setObjectName("staleEditBox")
        self.error = error
        # Who and when on a line of their own, then what to do.
        self.setText(str(error).replace("。", "。\n", 1).rstrip())
        self.setInformativeText(CHOICES)
        layout = self.layout()
        if isinstance(layout, QGridLayout):  # QMessageBox ignores setMinimumWidth; a spacer widens it
            layout.addItem(QSpacerItem(MINIMUM_WIDTH, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding),
                           layout.rowCount(), 0, 1, layout.columnCount())
        self.reload_button = self.addButton(RELOAD_TEXT, QMessageBox.ButtonRole.AcceptRole)
        self.reload_button.setObjectName("reloadLatest")
        self.close_button = self.addButton(CLOSE_TEXT, QMessageBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("keepForm")
        self.setDefaultButton(self.close_button)
        self.setEscapeButton(self.close_button)
        self.buttonClicked.connect(lambda button: reload() if button is self.reload_button else None)


def stale_edit_box(parent: QWidget | None = None) -> StaleFunction:
    """The real dialog: a non-blocking :class:`StaleEditBox`, window-modal on the active window."""
    boxes: list[StaleEditBox] = []

    def show(error: ConcurrentEdit, reload: Callable[[], None]) -> None:
        box = StaleEditBox(error, reload, parent or QApplication.activeWindow())
        box.finished.connect(lambda _result, b=box: boxes.remove(b) if b in boxes else None)
        boxes.append(box)
        box.open()

    return show

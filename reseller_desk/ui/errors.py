"""What happens to an error nobody expected.

:class:`ErrorHandler` replaces ``sys.excepthook`` (errors raised in Qt slots and event
handlers end there) and ``threading.excepthook``: the error is written with its traceback to
``reseller-desk.log`` in the user log folder (a rotating file), the clerk sees a short
Japanese message, and the application keeps running. The function that shows the message is
injectable, so tests never block on a modal dialog.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from reseller_desk import clock
from reseller_desk.db.errors import user_message
from reseller_desk.private_files import make_private_dirs, open_private_append, tighten
from reseller_desk.services.errors import ServiceError

LOGGER_NAME = "reseller_desk"
LOG_FILE_NAME = "reseller-desk.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5

ERROR_TITLE = "エラー"
UNEXPECTED_MESSAGE = "予期しないエラーが発生しました。直前の操作は完了していない可能性があります。"

log = logging.getLogger(LOGGER_NAME)

#: show_dialog(title, message, details): details is the log path and the traceback.
DialogFunction = Callable[[str, str, str], None]


class JapanTimeFormatter(logging.Formatter):
    """Log lines stamped in Japan time, like every time on screen (reseller_desk.clock), on a
    machine set to any time zone: 2026-12-01 16:43:05,120 JST …"""

    default_time_format = "%Y-%m-%d %H:%M:%S"
    default_msec_format = "%s,%03d JST"

    def converter(self, seconds: float | None) -> time.struct_time:  # type: ignore[override]
        moment = dt.datetime.fromtimestamp(seconds if seconds is not None else time.time(), dt.UTC)
        return clock.to_japan_time(moment).timetuple()


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path("reseller-desk", appauthor=False)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files only their owner may read (0600), whatever the umask: the
    log holds tracebacks and log-in names. Rotated files keep the mode (they are renamed)."""

    def _open(self):  # type: ignore[no-untyped-def]
        return open_private_append(Path(self.baseFilename), encoding=self.encoding, errors=self.errors)


def setup_logging(log_dir: Path | str | None = None) -> Path:
    """Log the ``reseller_desk`` logger to ``<log_dir>/reseller-desk.log`` (rotating, UTF-8)
    and return that path. Calling it again moves the file handler to the new folder. Folders
    it creates are 0700, the log files 0600; log files an earlier version left readable by
    others are tightened to the owner alone."""
    folder = Path(log_dir) if log_dir is not None else default_log_dir()
    make_private_dirs(folder)
    path = folder / LOG_FILE_NAME
    for old in [path] + [folder / f"{LOG_FILE_NAME}.{n}" for n in range(1, LOG_BACKUPS + 1)]:
        tighten(old)
    stop_logging_to_file()
    handler = PrivateRotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    handler._reseller_desk_file = True  # type: ignore[attr-defined]
    handler.setFormatter(JapanTimeFormatter(LOG_FORMAT))
    log.addHandler(handler)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)
    return path


def stop_logging_to_file() -> None:
    """Detach (and close) the file handler :func:`setup_logging` added."""
    for handler in list(log.handlers):
        if getattr(handler, "_reseller_desk_file", False):
            log.removeHandler(handler)
            handler.close()


def message_box_dialog(parent: QWidget | None = None) -> DialogFunction:
    """The real dialog: a non-blocking critical QMessageBox with the details folded away.
    While one is open, further errors are only logged (no avalanche of boxes)."""
    state: dict[str, QMessageBox | None] = {"box": None}

    def show(title: str, message: str, details: str) -> None:
        box = state["box"]
        if box is not None and box.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok,
                          parent or QApplication.activeWindow())
        box.setInformativeText("詳しい内容はログファイルに記録しました。")
        box.setDetailedText(details)
        box.button(QMessageBox.StandardButton.Ok).setText("閉じる")
        state["box"] = box
        box.open()

    return show


class ErrorHandler(QObject):
    """Logs unexpected exceptions and shows them without stopping the application."""

    _report = Signal(str, str, str)

    def __init__(self, log_dir: Path | str | None = None, show_dialog: DialogFunction | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = setup_logging(log_dir)
        self.show_dialog: DialogFunction = show_dialog or message_box_dialog()
        self._previous_hooks: tuple | None = None
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # -- installing ----------------------------------------------------------------------
    def install(self) -> ErrorHandler:
        if self._previous_hooks is None:
            self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self, stop_logging: bool = True) -> None:
        """Put the previous hooks back (and, by default, stop writing the log file)."""
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None
        if stop_logging:
            stop_logging_to_file()

    # -- hooks ---------------------------------------------------------------------------
    def excepthook(self, exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        self.report(exc, tb)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.report(args.exc_value, args.exc_traceback)

    def handle_exception(self, exc: BaseException) -> None:
        """For code that caught an exception it cannot deal with (the operations wrapper)."""
        self.report(exc, exc.__traceback__)

    # -- reporting -----------------------------------------------------------------------
    def report(self, exc: BaseException, tb: TracebackType | None = None) -> None:
        tb = tb if tb is not None else exc.__traceback__
        trace = "".join(traceback.format_exception(type(exc), exc, tb))
        words = user_message(exc)
        if isinstance(exc, ServiceError):
            # A refusal nobody caught: the clerk gets the service's own words.
            log.warning("未処理のサービスエラー: %s\n%s", exc, trace)
            message = str(exc)
        elif words is not None:
            # The database refused (read-only, locked, full, damaged): say so, not 「予期しない」.
            log.error("データベースのエラー: %s\n%s", words, trace)
            message = words
        else:
            log.error("予期しないエラー\n%s", trace)
            message = UNEXPECTED_MESSAGE
        for handler in log.handlers:
            handler.flush()
        details = f"ログファイル: {self.log_path}\n\n{trace}"
        if threading.current_thread() is threading.main_thread():
            self._show(ERROR_TITLE, message, details)
        else:
            self._report.emit(ERROR_TITLE, message, details)  # queued to the UI thread

    @Slot(str, str, str)
    def _show(self, title: str, message: str, details: str) -> None:
        try:
            self.show_dialog(title, message, details)
        except Exception:  # the dialog itself failed: never recurse into the hook
            log.exception("エラー表示に失敗しました")


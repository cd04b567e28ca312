"""Running service calls without freezing the window (after Anki's ``aqt.operations``).

Every screen calls services through one :class:`Operations` object::

    ops.run(lambda: customers.add_customer(db, actor, draft),
            success=self._saved, invalid=self._show_field_errors, changes=Changes.CUSTOMERS)

* the function runs on a background thread (one QThreadPool thread, so operations keep their
  order); the result comes back on the UI thread through a queued signal;
* ``ValidationFailed`` goes to ``invalid`` (field -> message) when given; a stale save
  (``ConcurrentEdit``: the record changed since the form read it) of a form that says how to
  ``reload`` its record is shown with 「最新の内容を読み込む」 and 「閉じる」 (ui.stale_edit), the
  one way every form offers it; any other ``ServiceError`` (PermissionDenied, NotFound …) is
  shown as a message with its Japanese text (or goes to ``failure``), and an unexpected
  exception goes to the error handler (log file + short message);
* on success, ``changes`` ("customers", "settings" …) is announced app-wide through
  :attr:`Operations.changes` so that every screen showing that data refreshes itself;
* ``progress="…"`` shows a cancellable QProgressDialog and passes a :class:`Progress` to the
  function (``progress.report(done, total)``, ``progress.cancelled`` / ``progress.check()``).

``synchronous=True`` runs everything inline (tests, scripts); otherwise tests wait with
``qtbot.waitUntil(ops.is_idle)`` or :meth:`Operations.wait_idle`.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from reseller_desk.services.errors import ConcurrentEdit, ServiceError, ValidationFailed
from reseller_desk.ui.stale_edit import StaleFunction, stale_edit_box

log = logging.getLogger(__name__)

#: show_message(title, message) for a refusal a clerk must read.
MessageFunction = Callable[[str, str], None]

REFUSED_TITLE = "操作を完了できませんでした"
CANCELLED_MESSAGE = "中止しました。"


class Changes(QObject):
    """The app-wide "data changed" signal. ``changed`` carries what changed."""

    CUSTOMERS = "customers"
    SETTINGS = "settings"
    APPLICATIONS = "applications"
    #: A contract moved or changed (its status, composition, numbers, notices).
    CONTRACTS = "contracts"
    #: A customer's records that screening reads (資格取消, 未払い …).
    INCIDENTS = "incidents"
    #: A backup was made (設定 → バックアップ; the status bar's warning).
    BACKUPS = "backups"
    #: Invoices were issued (a billing run, a correction) or call charges imported.
    INVOICES = "invoices"
    #: Equipment moved or changed (units, models, rentals, sales, returns, replacements).
    EQUIPMENT = "equipment"
    #: Money in: payments, statement lines, debit files, write-offs, interest, dunning, deposits.
    PAYMENTS = "payments"

    changed = Signal(str)


class Cancelled(Exception):
    """Raised by :meth:`Progress.check` when the clerk pressed 中止."""


class Progress:
    """Handed to a long-running function: report how far it got, and look at the cancel flag."""

    def __init__(self, on_report: Callable[[int, int, str], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._on_report = on_report

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        if self._on_report is not None:
            self._on_report(done, total, text)


@dataclass
class _Job:
    id: int
    fn: Callable[..., Any]
    success: Callable[[Any], object] | None
    invalid: Callable[[ValidationFailed], None] | None
    failure: Callable[[ServiceError], None] | None
    reload: Callable[[], None] | None
    done: Callable[[], None] | None
    changes: tuple[str, ...]
    status: str | None
    progress: Progress | None
    dialog: QProgressDialog | None = None
    cancellable: bool = False
    started: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class _Outcome:
    result: Any = None
    error: BaseException | None = None


class _Bridge(QObject):
    """Signals emitted on a worker thread and received on the UI thread (queued)."""

    finished = Signal(int, object)
    progressed = Signal(int, int, int, str)


class _Runnable(QRunnable):
    def __init__(self, job: _Job, bridge: _Bridge) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._job = job
        self._bridge = bridge

    def run(self) -> None:  # worker thread
        outcome = _call(self._job)
        self._bridge.finished.emit(self._job.id, outcome)


def _call(job: _Job) -> _Outcome:
    try:
        result = job.fn(job.progress) if job.progress is not None else job.fn()
        return _Outcome(result=result)
    except BaseException as error:  # delivered to the UI thread, never lost on the worker
        return _Outcome(error=error)


def message_box(parent: QWidget | None = None) -> MessageFunction:
    """The real message: a non-blocking warning box (window-modal on the active window)."""
    boxes: list[QMessageBox] = []

    def show(title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                          parent or QApplication.activeWindow())
        box.button(QMessageBox.StandardButton.Ok).setText("閉じる")
        box.finished.connect(lambda _result, b=box: boxes.remove(b) if b in boxes else None)
        boxes.append(box)
        box.open()

    return show


class Operations(QObject):
    """Runs service calls off the UI thread and brings their outcome back to it."""

    #: A short line for the status bar ("保存しました。", a refusal, "中止しました。").
    message = Signal(str)
    #: True while at least one operation is running.
    busy_changed = Signal(bool)

    def __init__(self, *, changes: Changes | None = None,
                 error_handler: Callable[[BaseException], None] | None = None,
                 show_message: MessageFunction | None = None, show_stale: StaleFunction | None = None,
                 synchronous: bool = False, progress_delay_ms: int = 400, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.changes = changes or Changes(self)
        self.error_handler = error_handler or _log_only
        self.show_message: MessageFunction = show_message or message_box()
        self.show_stale: StaleFunction = show_stale or stale_edit_box()
        self.synchronous = synchronous
        self.progress_delay_ms = progress_delay_ms
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._bridge = _Bridge(self)
        self._bridge.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._bridge.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one background lane: operations finish in order
        self._deferred: list[QObject] = []

    # -- running -------------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *, success: Callable[[Any], object] | None = None,
            invalid: Callable[[ValidationFailed], None] | None = None,
            failure: Callable[[ServiceError], None] | None = None, reload: Callable[[], None] | None = None,
            done: Callable[[], None] | None = None, changes: str | tuple[str, ...] | None = None,
            status: str | None = None, progress: str | None = None, cancellable: bool = True,
            parent: QWidget | None = None) -> int:
        """Run ``fn()`` (or ``fn(progress)`` when ``progress`` names the work) and return the
        job number. Callbacks run on the UI thread; ``done`` always runs last. ``changes`` may
        name several kinds of data (a tuple). ``reload``: how the form reads its record again,
        offered when the save was stale (ConcurrentEdit) instead of ``failure``."""
        job_id = next(self._ids)
        announced = (changes,) if isinstance(changes, str) else tuple(changes or ())
        job = _Job(job_id, fn, success, invalid, failure, reload, done, announced, status, None)
        if progress is not None:
            job.progress = Progress(lambda d, t, text, j=job_id: self._bridge.progressed.emit(j, d, t, text))
        self._jobs[job_id] = job
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        if self.synchronous:
            if job.progress is not None:
                job.progress = Progress()
            self._deliver(job, _call(job))
            return job_id
        if progress is not None:
            job.cancellable = cancellable
            job.dialog = self._progress_dialog(job, progress, cancellable, parent)
        self._pool.start(_Runnable(job, self._bridge))
        return job_id

    def _progress_dialog(self, job: _Job, label: str, cancellable: bool, parent: QWidget | None) -> QProgressDialog:
        dialog = QProgressDialog(label, "中止" if cancellable else None, 0, 0,
                                 parent or QApplication.activeWindow())
        dialog.setWindowTitle("処理中")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(self.progress_delay_ms)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if cancellable:
            dialog.canceled.connect(job.progress.cancel)
        dialog.setValue(0)
        return dialog

    @Slot(int, int, int, str)
    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        job = self._jobs.get(job_id)
        dialog = job.dialog if job is not None else None
        if dialog is None:
            return
        # setValue() of a modal progress dialog processes events, so the job may be delivered
        # (and its dialog closed) inside it: work on the local reference, text first.
        if text:
            dialog.setLabelText(text)
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))

    @Slot(int, object)
    def _on_finished(self, job_id: int, outcome: _Outcome) -> None:
        job = self._jobs.get(job_id)
        if job is not None:
            self._deliver(job, outcome)

    def _deliver(self, job: _Job, outcome: _Outcome) -> None:
        if job.dialog is not None:
            if job.cancellable:
                job.dialog.canceled.disconnect(job.progress.cancel)  # close() emits canceled
            job.dialog.close()
            job.dialog.deleteLater()
            job.dialog = None
        try:
            error = outcome.error
            if error is None:
                for what in job.changes:
                    self.changes.changed.emit(what)
                if job.status:
                    self.message.emit(job.status)
                if job.success is not None:
                    job.success(outcome.result)
            elif isinstance(error, Cancelled):
                self.message.emit(CANCELLED_MESSAGE)
            elif isinstance(error, ValidationFailed) and job.invalid is not None:
                self.message.emit(str(error))
                job.invalid(error)
            elif isinstance(error, ConcurrentEdit) and job.reload is not None:
                self.message.emit(str(error))
                self.show_stale(error, job.reload)
            elif isinstance(error, ServiceError):
                self.message.emit(str(error))
                if job.failure is not None:
                    job.failure(error)
                else:
                    self.show_message(REFUSED_TITLE, str(error))
            else:
                self.error_handler(error)
        except Exception as callback_error:  # a bug in a callback: report it, keep going
            self.error_handler(callback_error)
        finally:
            try:
                if job.done is not None:
                    job.done()
            except Exception as callback_error:
                self.error_handler(callback_error)
            self._jobs.pop(job.id, None)
            if not self._jobs:
                self.busy_changed.emit(False)
                self._delete_deferred()

    # -- closing windows -------------------------------------------------------------------
    def delete_when_idle(self, obj: QObject) -> None:
        """``obj.deleteLater()`` once no operation is running: a window closed while its save
        is under way is deleted after the save's callbacks ran, not before."""
        if self.is_idle():
            obj.deleteLater()
        else:
            self._deferred.append(obj)

    def _delete_deferred(self) -> None:
        deferred, self._deferred = self._deferred, []
        for obj in deferred:
            obj.deleteLater()

    # -- waiting (tests, benchmark, closing the window) ------------------------------------
    def is_idle(self) -> bool:
        return not self._jobs

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Process events until every operation has been delivered; False on time-out."""
        deadline = time.perf_counter() + timeout_ms / 1000
        while self._jobs and time.perf_counter() < deadline:
            self._pool.waitForDone(10)
            QCoreApplication.processEvents()
        return not self._jobs


def _log_only(error: BaseException) -> None:
    log.error("予期しないエラー", exc_info=(type(error), error, error.__traceback__))

"""The operations wrapper: background work, results on the UI thread, errors routed."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from reseller_desk.services.errors import ConcurrentEdit, ValidationFailed
from reseller_desk.ui.operations import Changes, Operations


@pytest.fixture
def background(qapp, shown):
    runner = Operations(show_message=shown.message, error_handler=shown.unexpected.append, progress_delay_ms=0)
    yield runner
    runner.wait_idle()


def test_runs_off_the_ui_thread_and_delivers_on_it(background, qtbot):
    threads = {}
    results = []

    def work():
        threads["work"] = threading.current_thread()
        return 42

    def success(value):
        threads["success"] = threading.current_thread()
        results.append(value)

    with qtbot.waitSignal(background.changes.changed, timeout=2000) as changed:
        background.run(work, success=success, changes=Changes.CUSTOMERS)
    qtbot.waitUntil(background.is_idle, timeout=2000)
    assert results == [42]
    assert changed.args == ["customers"]
    assert threads["work"] is not threading.main_thread()
    assert threads["success"] is threading.main_thread()


def test_errors_are_routed(background, qtbot, shown):
    invalid, done = [], []
    background.run(lambda: (_ for _ in ()).throw(ValidationFailed({"name": "名称を入力してください。"})),
                   invalid=invalid.append, done=lambda: done.append(1), changes=Changes.CUSTOMERS)
    background.run(lambda: (_ for _ in ()).throw(ConcurrentEdit()), done=lambda: done.append(2))
    background.run(lambda: 1 / 0, done=lambda: done.append(3))
    assert background.wait_idle(3000)
    assert invalid[0].errors == {"name": "名称を入力してください。"}
    assert "他の担当者" in shown.texts()[0]
    assert isinstance(shown.unexpected[0], ZeroDivisionError)
    assert done == [1, 2, 3]  # in order, each exactly once


def test_a_failing_callback_goes_to_the_error_handler(background, shown):
    background.run(lambda: 1, success=lambda _v: [][1])
    background.wait_idle(2000)
    assert isinstance(shown.unexpected[0], IndexError)


def test_progress_can_be_cancelled(background, qtbot):
    reports, outcome = [], []
    started = threading.Event()

    def long_work(progress):
        started.set()
        for step in range(1000):
            progress.check()
            progress.report(step, 1000, f"{step}件目")
            time.sleep(0.002)
        return "finished"

    with qtbot.waitSignal(background.message, timeout=5000) as message:
        background.run(long_work, success=outcome.append, progress="作成しています…")
        started.wait(2)
        job = next(iter(background._jobs.values()))
        qtbot.waitUntil(lambda: job.dialog is not None and job.dialog.value() > 0, timeout=2000)
        reports.append(job.dialog.labelText())
        cancel_button = job.dialog.findChild(QPushButton)
        assert cancel_button.text() == "中止"
        qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)
    assert message.args == ["中止しました。"]
    assert outcome == []
    assert reports and reports[0].endswith("件目")
    assert background.is_idle()


def test_synchronous_mode_runs_inline(shown):
    runner = Operations(synchronous=True, show_message=shown.message)
    seen = []
    runner.run(lambda progress: progress.cancelled, success=seen.append, progress="…")
    assert seen == [False]
    assert runner.is_idle()


def test_a_window_closed_while_its_operation_runs_is_deleted_after_the_callbacks(qapp, qtbot):
    from PySide6.QtWidgets import QWidget

    ops = Operations()
    release = threading.Event()
    widget = QWidget()
    seen = []
    destroyed = []
    widget.destroyed.connect(lambda: destroyed.append(True))
    ops.run(lambda: release.wait(5) and "saved", success=lambda result: seen.append((result, widget.objectName())))
    widget.setObjectName("still here")
    ops.delete_when_idle(widget)  # closed while the save runs
    qtbot.wait(20)
    assert destroyed == []
    release.set()
    assert ops.wait_idle(5000)
    assert seen == [("saved", "still here")]
    qtbot.waitUntil(lambda: destroyed == [True], timeout=2000)
    idle = QWidget()
    idle.destroyed.connect(lambda: destroyed.append("idle"))
    ops.delete_when_idle(idle)
    qtbot.waitUntil(lambda: "idle" in destroyed, timeout=2000)
    ops.deleteLater()

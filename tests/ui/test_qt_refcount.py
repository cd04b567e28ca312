"""PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a void Qt method
until CPython aborts with "Fatal Python error: none_dealloc". pyproject pins < 6.12; this
test catches a build that brings the bug back."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject

CALLS = 10_000


def test_void_qt_calls_keep_the_refcount_of_none():
    obj = QObject()
    obj.setObjectName("warm-up")
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        obj.setObjectName("x")  # returns void -> None
    after = sys.getrefcount(None)
    # Small noise upwards is fine; the broken build loses one reference per call.
    assert before - after < 1000, f"None lost {before - after} references in {CALLS} void calls"

"""Fixtures of the UI tests: the application font, an operations runner that runs service
calls inline and collects the messages it would show, and a few customers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reseller_desk.services import customers as customer_service
from reseller_desk.services.errors import ConcurrentEdit
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.fonts import install_fonts
from reseller_desk.ui.operations import Operations

from .helpers import SAMPLE_CUSTOMERS


@pytest.fixture(autouse=True)
def _japanese_font(qapp):
    install_fonts(qapp)


@pytest.fixture(autouse=True)
def _home_in_tmp_path(tmp_path, monkeypatch):
    """The user's folders (documents, where a save dialog starts) are the test's own."""
    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))


@pytest.fixture
def artifacts(tmp_path) -> Path:
    """Where a test saves the screenshots it takes: inside its own tmp_path, never the tree."""
    folder = tmp_path / "artifacts"
    folder.mkdir()
    return folder


class Shown:
    """Collects what would have been shown in message boxes and error dialogs, and the stale
    saves (the refusal with the form's reload, which a test may choose like the clerk)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.errors: list[tuple[str, str, str]] = []
        self.unexpected: list[BaseException] = []
        self.stale_edits: list[tuple[ConcurrentEdit, Callable[[], None]]] = []

    def message(self, title: str, text: str) -> None:
        self.messages.append((title, text))

    def stale(self, error: ConcurrentEdit, reload: Callable[[], None]) -> None:
        self.stale_edits.append((error, reload))

    def reload_latest(self) -> str:
        """Choose 「最新の内容を読み込む」 on the last stale save shown; its message."""
        error, reload = self.stale_edits[-1]
        reload()
        return str(error)

    def error(self, title: str, text: str, details: str) -> None:
        self.errors.append((title, text, details))

    def texts(self) -> list[str]:
        return [text for _title, text in self.messages]


@pytest.fixture
def shown() -> Shown:
    return Shown()


@pytest.fixture
def ops(qapp, shown) -> Operations:
    runner = Operations(synchronous=True, show_message=shown.message, show_stale=shown.stale,
                        error_handler=shown.unexpected.append)
    yield runner
    runner.wait_idle()
    runner.deleteLater()


@pytest.fixture
def ctx(db, manager, ops) -> AppContext:
    return AppContext(db, manager, ops)


@pytest.fixture
def clerk_ctx(db, clerk, ops) -> AppContext:
    return AppContext(db, clerk, ops)


@pytest.fixture
def sample_customers(db, manager) -> list[int]:
    return [customer_service.add_customer(db, manager, draft).id for draft in SAMPLE_CUSTOMERS]

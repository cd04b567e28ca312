"""Starting the desktop application.

``run_app(db_target, demo=False)`` is what ``reseller-desk`` (the CLI) calls: it opens the
database, then asks who is working — the first-start dialog (first 管理者) on a database
without staff, the log-in dialog otherwise — and shows the window as that staff member.
``demo=True`` (``make run``, ``reseller-desk window --demo``) opens the demo database instead,
at a path of its own unless one is given, and fills it with the demo office first when it is
new (the demo brings its staff); a database that is not new and not marked demo is refused.
An office database never gets demo data from the window. ``login`` replaces
the dialogs (tests). ``create_main_window(db, actor)`` builds the window alone, for tests and
the benchmark.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox

from reseller_desk.db.database import Database, shown_url, to_url
from reseller_desk.db.errors import user_message
from reseller_desk.services import database_info
from reseller_desk.services.database_info import DatabaseState
from reseller_desk.services.permissions import Actor
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.errors import ErrorHandler
from reseller_desk.ui.fonts import install_fonts
from reseller_desk.ui.login import LoginRunner, ask_who_is_working
from reseller_desk.ui.main_window import APP_TITLE, MainWindow
from reseller_desk.ui.operations import Changes, MessageFunction, Operations

log = logging.getLogger("reseller_desk.ui")

DEMO_CUSTOMERS = 300

_app: QApplication | None = None
#: Qt's own Japanese (dialog buttons, the file dialog, a text box's context menu). Kept for the
#: life of the process: a translator that is garbage-collected stops translating.
_qt_translator: QTranslator | None = None


def install_qt_translations(app: QApplication) -> bool:
    """Make Qt's own texts Japanese with the translations that ship with PySide6
    (qtbase_ja.qm), and Japanese the default locale (the file dialog's dates …). False when
    the translation file is missing (Qt then stays English; nothing else changes)."""
    global _qt_translator
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    if _qt_translator is not None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Japanese), "qtbase", "_", folder):
        log.warning("Qtの日本語訳が見つかりません: %s", folder)
        return False
    app.installTranslator(translator)
    _qt_translator = translator
    return True


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), in Japanese, with the IPAex font installed."""
    global _app
    app = QApplication.instance()
    if app is None:
        QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        _app = app
    assert isinstance(app, QApplication), "the window needs a QApplication"
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    install_qt_translations(app)
    install_fonts(app)
    return app


def create_main_window(db: Database, actor: Actor, *, ops: Operations | None = None,
                       error_handler: ErrorHandler | None = None,
                       show_message: MessageFunction | None = None, synchronous: bool = False,
                       login: LoginRunner | None = None, demo: bool = False) -> MainWindow:
    """Build (not show) the main window working on ``db`` as ``actor``; ``login`` is what
    ファイル > 担当者の切替 asks (the log-in dialog when None); ``demo``: ``db`` is a demo
    database, which the title and the status bar say."""
    ensure_application()
    if ops is None:
        ops = Operations(error_handler=error_handler.handle_exception if error_handler else None,
                         show_message=show_message, synchronous=synchronous)
    window = MainWindow(AppContext(db, actor, ops, demo=demo), login=login)
    ops.setParent(window)
    return window


def open_database(db_target: str | None) -> tuple[Database, bool]:
    """Open (creating it at the first start, and migrating) the database; the flag says
    whether it was just created. Raises DatabaseError with the words for the dialog."""
    db = Database.open(db_target, create=True)
    return db, db.created


def read_database_state(db: Database, ops: Operations) -> DatabaseState:
    """Whether ``db`` is new, or demo, read through the operations runner (before any window
    is shown, so it waits for the answer)."""
    outcome: dict[str, DatabaseState] = {}
    ops.run(lambda: database_info.database_state(db), success=lambda state: outcome.update(state=state))
    ops.wait_idle(60_000)
    return outcome["state"]


def fill_demo_first(db: Database, ops: Operations, customers: int = DEMO_CUSTOMERS) -> bool:
    """Fill a brand-new database with the demo office (its staff, customers, applications …)
    before anyone logs in, off the UI thread with a progress dialog. True when it worked."""
    from reseller_desk.demo import fill_demo

    outcome: dict[str, bool] = {}
    ops.run(lambda _progress: fill_demo(db, customers=customers), success=lambda _summary: outcome.update(ok=True),
            changes=(Changes.CUSTOMERS, Changes.SETTINGS, Changes.APPLICATIONS),
            progress="デモデータを作成しています…", cancellable=False)
    ops.wait_idle(600_000)
    return outcome.get("ok", False)


def run_app(db_target: str | None, *, demo: bool = False, login: LoginRunner | None = None) -> int:
    """Open ``db_target`` (a path, a SQLAlchemy URL, or None for the default database; with
    ``demo``, None is the demo database's own path), ask who is working, show the main window
    and run until it closes. Returns the exit code (0 also when nobody logged in).
    ``login(db, parent)`` replaces the log-in dialogs (tests)."""
    app = ensure_application()
    if demo and db_target is None:
        db_target = str(database_info.default_demo_path())
    handler = ErrorHandler().install()
    log.info("起動: %s", shown_url(to_url(db_target)))
    try:
        db, is_new = open_database(db_target)
    except Exception as error:  # noqa: BLE001 - a broken path, permissions, a server down …
        # The traceback (parameters hidden by the engine) goes to the log, the words to the dialog.
        log.error("データベースを開けません", exc_info=error)
        _fatal(cannot_open_message(error, db_target))
        handler.uninstall()
        return 1
    ops = Operations(error_handler=handler.handle_exception)
    window: MainWindow | None = None
    try:
        demo_filled = False
        state = read_database_state(db, ops)
        if demo:
            refusal = database_info.demo_refusal(state) if not state.demo else None
            if refusal:
                log.error("デモ用ではないデータベースをデモとして開こうとしました: %s", shown_url(to_url(db_target)))
                _fatal(refusal)
                return 1
            if state.new:
                # The demo first: it creates the demo staff (with their passwords) to log in as.
                demo_filled = fill_demo_first(db, ops)
                state = read_database_state(db, ops)
        ask = login or ask_who_is_working
        actor = ask(db, None)
        if actor is None:
            log.info("ログインせずに終了")
            return 0
        window = create_main_window(db, actor, ops=ops, error_handler=handler, login=ask, demo=state.demo)
        window.show()
        if demo_filled:
            window.show_message(f"デモデータ（顧客{DEMO_CUSTOMERS}件）を作成しました。")
        code = app.exec()
        window.ctx.ops.wait_idle(15_000)
        return code
    finally:
        if window is None:
            ops.wait_idle(15_000)
            ops.deleteLater()
        db.dispose()
        handler.uninstall()
        log.info("終了")


def cannot_open_message(error: BaseException, db_target: str | None) -> str:
    """The dialog's words when the database cannot be opened: ours, never a traceback."""
    words = user_message(error)
    if words is not None:
        return words
    return f"データベースを開けませんでした: {shown_url(to_url(db_target))}\n詳しい内容はログファイルに記録しました。"


def _fatal(message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE, message)
    box.exec()


__all__ = ["create_main_window", "ensure_application", "open_database", "run_app"]


if __name__ == "__main__":  # python -m reseller_desk.ui.app [database]
    raise SystemExit(run_app(sys.argv[1] if len(sys.argv) > 1 else None))

"""What goes wrong with a database, in the user's words.

:class:`DatabaseError` and its subclasses are raised by ``Database.open`` for a database that
cannot be opened: the message is Japanese, short, names the file and says what to do.
:func:`user_message` words the errors SQLite or a server report later (a read-only file, a
lock held too long, a full disk, a damaged file) for the CLI's one line and the window's error
dialog. Neither ever carries bound SQL parameters (the engines hide them, see
``database.create_engine``) nor the driver's English text.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy import exc as sa_exc


class DatabaseError(Exception):
    """A database that cannot be opened; the message is for the user, in Japanese."""


class DatabaseTooNew(DatabaseError):
    """Migrated by a newer Reseller Desk than this one: nothing is written."""


class DatabaseNotFound(DatabaseError):
    """No database at the path, and this use may not create one."""


class NotOurDatabase(DatabaseError):
    """Another program's file (or not a SQLite database at all): never given our tables."""


class DatabaseNeedsMigration(DatabaseError):
    """An older schema, opened by a use that may not upgrade it (the CLI's read commands)."""


class DatabaseUnreadable(DatabaseError):
    """The file cannot be read, is damaged, or cannot be created or upgraded."""


READ_ONLY_MESSAGE = ("データベースが読み取り専用のため、書き込めませんでした。"
                     "ファイルとフォルダに書き込みの権限があるか確かめてください。")
LOCKED_MESSAGE = "データベースが他の操作で使用中です。しばらく待ってから、もう一度操作してください。"
FULL_MESSAGE = "ディスクの空きが足りないため、書き込めませんでした。空きを作ってから、もう一度操作してください。"
IO_MESSAGE = "データベースのファイルを読み書きできませんでした（ディスクまたはネットワークの異常）。"
CORRUPT_MESSAGE = "データベースのファイルが壊れています。バックアップから戻してください。"
CANNOT_OPEN_MESSAGE = "データベースのファイルを開けません。ファイルとフォルダがあり、読み書きできるか確かめてください。"
CONNECTION_MESSAGE = "データベースに接続できないか、データベースが操作を受け付けませんでした。"
GENERIC_MESSAGE = "データベースの操作に失敗しました。"
SERVER_MESSAGE = ("データベースのサーバーに接続できません。サーバーが動いているか、"
                  "ホスト名・ポート・ネットワークを確かめてください。")
LOGIN_MESSAGE = "データベースのサーバーがログインを受け付けませんでした。ユーザー名とパスワードを確かめてください。"
NO_SUCH_DATABASE_MESSAGE = ("サーバーに指定のデータベースがありません。管理者が作成してから"
                            " reseller-desk migrate を実行してください。")

#: Words of SQLite's own messages (sqlite3_errstr) and what the user is told about them.
_SQLITE_MESSAGES = (
    ("readonly database", READ_ONLY_MESSAGE),
    ("read-only", READ_ONLY_MESSAGE),
    ("database is locked", LOCKED_MESSAGE),
    ("database table is locked", LOCKED_MESSAGE),
    ("database or disk is full", FULL_MESSAGE),
    ("disk i/o error", IO_MESSAGE),
    ("malformed", CORRUPT_MESSAGE),
    ("file is not a database", CORRUPT_MESSAGE),
    ("unable to open database file", CANNOT_OPEN_MESSAGE),
)


#: SQLSTATEs of PostgreSQL errors and what the user is told about them.
_POSTGRES_MESSAGES = {
    "55P03": LOCKED_MESSAGE,  # lock_not_available: lock_timeout ran out
    "40001": LOCKED_MESSAGE,  # serialization_failure
    "40P01": LOCKED_MESSAGE,  # deadlock_detected
    "25006": READ_ONLY_MESSAGE,  # read_only_sql_transaction
    "53100": FULL_MESSAGE,  # disk_full
    "28P01": LOGIN_MESSAGE,  # invalid_password
    "28000": LOGIN_MESSAGE,  # invalid_authorization_specification (pg_hba.conf)
    "3D000": NO_SUCH_DATABASE_MESSAGE,  # invalid_catalog_name
}

#: PostgreSQL errors of a transaction that lost a race with another and may simply run again:
#: its work was rolled back and nothing of it was committed.
RETRYABLE_SQLSTATES = frozenset({"55P03", "40001", "40P01"})


def _sqlstate(driver_error: BaseException | None) -> str | None:
    code = getattr(driver_error, "sqlstate", None) or getattr(driver_error, "pgcode", None)
    return code if isinstance(code, str) else None


def lost_a_race(error: BaseException) -> bool:
    """Whether ``error`` says only that another writer held the database (SQLite's "database
    is locked" after the busy timeout; PostgreSQL's lock timeout, serialization failure or
    deadlock). Its transaction was rolled back whole, so the use case may run again."""
    if not isinstance(error, sa_exc.DBAPIError) or error.connection_invalidated:
        return False  # a dropped connection may have committed: never run twice
    if _sqlstate(error.orig) in RETRYABLE_SQLSTATES:
        return True
    text = str(error.orig).lower()
    return isinstance(error, sa_exc.OperationalError) and (
        "database is locked" in text or "database table is locked" in text)


def connect_message(error: BaseException) -> str:
    """The words for a server that could not be reached or refused us when connecting."""
    if isinstance(error, sa_exc.DBAPIError) and _sqlstate(error.orig) is None:
        return SERVER_MESSAGE  # no answer from a server: refused, timed out, unknown host
    return user_message(error) or SERVER_MESSAGE


def user_message(error: BaseException) -> str | None:
    """The Japanese words for a database error nobody can fix by retyping a field, or None
    when ``error`` is not such an error (a bug, which stays 「予期しないエラー」)."""
    if isinstance(error, DatabaseError):
        return str(error)
    if isinstance(error, sa_exc.DBAPIError):
        # str(error.orig) is the driver's own message: no statement, no parameters.
        driver_error: BaseException | None = error.orig
        operational = isinstance(error, sa_exc.OperationalError)
    elif isinstance(error, sqlite3.Error):
        driver_error, operational = error, isinstance(error, sqlite3.OperationalError)
    else:
        return None
    sqlstate = _sqlstate(driver_error)
    if sqlstate in _POSTGRES_MESSAGES:
        return _POSTGRES_MESSAGES[sqlstate]
    text = str(driver_error).lower()
    for words, message in _SQLITE_MESSAGES:
        if words in text:
            return message
    return CONNECTION_MESSAGE if operational else None


def os_reason(error: OSError) -> str:
    """Why a file could not be made or read, in Japanese (errno, never the English text)."""
    reasons = {
        errno.EACCES: "権限がありません", errno.EPERM: "権限がありません",
        errno.EROFS: "読み取り専用の場所です", errno.ENOSPC: "ディスクの空きがありません",
        errno.ENOENT: "フォルダがありません", errno.ENOTDIR: "途中にフォルダでないものがあります",
        errno.EISDIR: "フォルダです", errno.ENAMETOOLONG: "パスが長すぎます",
    }
    return reasons.get(error.errno or 0, f"OSエラー {error.errno}")

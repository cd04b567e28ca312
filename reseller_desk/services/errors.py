"""Exceptions services raise. Each carries a Japanese message meant for the user; the UI and
the CLI show ``str(error)`` and, for validation, each field's message next to that field."""

from __future__ import annotations

import datetime as dt

from reseller_desk import clock


class ServiceError(Exception):
    """A use case refused; nothing was written."""


class ValidationFailed(ServiceError):
    def __init__(self, errors: dict[str, str], message: str = "入力内容に誤りがあります。赤字の項目を直してください。"):
        super().__init__(message)
        self.errors = dict(errors)


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class ConcurrentEdit(ServiceError):
    """A stale edit: the record changed since the screen that asks for the change read it
    (its row version moved on), so nothing was saved. ``what`` names the record as the
    message's subject (「この顧客」); ``changed_by`` and ``changed_at`` (Japan time) say who
    changed it last and when, from the audit log, for the screen to show or use; None when the
    log has no record of it."""

    MESSAGE = ("他の担当者がこのデータを先に更新しました。"
               "画面を読み込み直してから、もう一度保存してください（何も保存していません）。")

    def __init__(self, message: str | None = None, *, what: str = "", changed_by: str | None = None,
                 changed_at: dt.datetime | None = None):
        self.what = what
        self.changed_by = changed_by
        self.changed_at = clock.to_japan_time(changed_at) if changed_at is not None else None
        super().__init__(message or stale_message(what, changed_by, self.changed_at))


#: What a refused stale save asks for, after saying who changed the record.
RELOAD_AND_SAVE_AGAIN = "画面を読み込み直してから、もう一度保存してください（何も保存していません）。"


def moment_text(moment: dt.datetime, *, today: dt.date | None = None) -> str:
    """12月1日 14:05 (Japan time); the year is said when it is not this year."""
    local = clock.to_japan_time(moment)
    day = f"{local.month}月{local.day}日"
    if local.year != (today or clock.today()).year:
        day = f"{local.year}年{day}"
    return f"{day} {local:%H:%M}"


def stale_message(what: str, changed_by: str | None, changed_at: dt.datetime | None) -> str:
    """「この顧客は 12月1日 14:05 に 事務 太郎 さんが変更しています。画面を読み込み直して…」, or
    without the audit record, that another clerk changed it after the screen was opened."""
    if not what:
        return ConcurrentEdit.MESSAGE
    if changed_by and changed_at is not None:
        return f"{what}は {moment_text(changed_at)} に {changed_by} さんが変更しています。{RELOAD_AND_SAVE_AGAIN}"
    return f"{what}は、画面を開いた後にほかの担当者が変更しています。{RELOAD_AND_SAVE_AGAIN}"


class Busy(ServiceError):
    """Other desks kept the database busy through every attempt (services.retry): nothing of
    this use case was saved, and doing it again later is safe."""

    MESSAGE = ("ほかの担当者の保存が続いているため、保存できませんでした（何も保存されていません）。"
               "少し待ってから、もう一度操作してください。")

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


class Blocked(ServiceError):
    """A use case that the rules do not allow yet, with every reason as data (``reasons``), so
    that the window can list them beside the action instead of parsing one joined string."""

    def __init__(self, action: str, reasons: list[str] | tuple[str, ...]):
        self.action = action
        self.reasons = tuple(reasons)
        super().__init__(f"{action}できません:\n" + "\n".join(f"・{reason}" for reason in self.reasons))

"""Exceptions services raise. Each carries a Japanese message meant for the user; the UI and
the CLI show ``str(error)`` and, for validation, each field's message next to that field."""

from __future__ import annotations


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
    MESSAGE = "他の担当者がこのデータを先に更新しました。画面を開き直してから、もう一度保存してください。"

    def __init__(self, message: str = MESSAGE):
        super().__init__(message)


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

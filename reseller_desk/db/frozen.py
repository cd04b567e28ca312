"""Issued invoices are frozen in the service layer too, not only by the database.

The database refuses UPDATE and DELETE on ``invoices`` and ``invoice_lines`` (triggers of
revision 0008). One level up, the ORM refuses them before they reach it: a flush that would
change or delete a loaded :class:`~reseller_desk.db.models.Invoice` or
:class:`~reseller_desk.db.models.InvoiceLineRow` raises :class:`IssuedInvoiceFrozen`, whose
Japanese message says that a correction is a credit invoice (services.billing.corrections), so
the window shows a sentence instead of the engine's error. Two hooks, so that neither path is
left open: a ``before_flush`` check of the session's dirty and deleted objects, and the
mappers' ``before_update`` / ``before_delete`` events.

Registered when ``reseller_desk.db.models`` is imported (its last line imports this module).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from reseller_desk.db.models.billing import Invoice, InvoiceLineRow
from reseller_desk.services.errors import ServiceError

__all__ = ["IssuedInvoiceFrozen", "FROZEN_MODELS"]

#: The mapped classes of what issuing writes once (services.billing.issuing).
FROZEN_MODELS: tuple[type[Any], ...] = (Invoice, InvoiceLineRow)


class IssuedInvoiceFrozen(ServiceError):
    """An issued invoice or one of its lines was about to be changed or deleted: nothing was."""

    MESSAGE = "発行済みの請求書は変更・削除できません。訂正は返還請求書で行います。"

    def __init__(self, message: str = MESSAGE) -> None:
        super().__init__(message)


def _refuse_delete(_mapper: object, _connection: object, _target: object) -> None:
    raise IssuedInvoiceFrozen()


def _refuse_update(_mapper: object, _connection: object, target: object) -> None:
    # The ORM calls before_update for every dirty object, even one set to the value it had.
    session = object_session(target)
    if session is None or session.is_modified(target, include_collections=False):
        raise IssuedInvoiceFrozen()


def _refuse_flush(session: Session, _context: object, _instances: object) -> None:
    if any(isinstance(obj, FROZEN_MODELS) for obj in session.deleted):
        raise IssuedInvoiceFrozen()
    if any(isinstance(obj, FROZEN_MODELS) and session.is_modified(obj, include_collections=False)
           for obj in session.dirty):
        raise IssuedInvoiceFrozen()


def register() -> None:
    """Listen once (importing the module again, or calling this, adds nothing)."""
    for model in FROZEN_MODELS:
        for name, refuse in (("before_update", _refuse_update), ("before_delete", _refuse_delete)):
            if not event.contains(model, name, refuse):
                event.listen(model, name, refuse)
    if not event.contains(Session, "before_flush", _refuse_flush):
        event.listen(Session, "before_flush", _refuse_flush)


register()

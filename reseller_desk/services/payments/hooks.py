"""What other parts of the office do when a receipt is applied, without the ledger knowing them.

``after_receipt`` hooks are callables ``(session, actor, payment, applied)`` that every receipt
(entered by hand, confirmed from a statement, settled by a debit result, a deposit applied) calls
inside its own transaction, after its applications are written; ``applied`` lists the
(invoice id, amount) pairs it settled. A hook that raises refuses the payment whole.

:data:`BUILT_IN` names the hooks every receipt runs first, as "module:function", imported when a
receipt first runs (so there is no cycle), e.g. the late interest assessed on a late invoice when
it is paid (SC §14, SH §30).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from reseller_desk.db.models import Payment
from reseller_desk.domain.receivables import PaymentApplied
from reseller_desk.services.permissions import Actor

ReceiptHook = Callable[[Session, Actor, Payment, Sequence[PaymentApplied]], None]

BUILT_IN: tuple[str, ...] = (
    "reseller_desk.services.payments.interest:payment_received",
)

after_receipt: list[ReceiptHook] = []


def _built_in() -> list[ReceiptHook]:
    hooks = []
    for name in BUILT_IN:
        module, _, function = name.partition(":")
        hooks.append(getattr(importlib.import_module(module), function))
    return hooks


def receipt_applied(session: Session, actor: Actor, payment: Payment, applied: Sequence[PaymentApplied]) -> None:
    """Run the built-in hooks, then every registered one, in the order registered."""
    for hook in [*_built_in(), *after_receipt]:
        hook(session, actor, payment, applied)

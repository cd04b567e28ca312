"""What other parts of the office do when a receipt is applied, without the ledger knowing them.

``after_receipt`` hooks are callables ``(session, actor, payment, applied)`` that every receipt
(entered by hand, confirmed from a statement, settled by a debit result, a deposit applied) calls
inside its own transaction, after its applications are written; ``applied`` lists the
(invoice id, amount) pairs it settled. A hook that raises refuses the payment whole.

:data:`BUILT_IN` names the hooks every receipt runs first, as "module:function", imported when a
receipt first runs (so there is no cycle), e.g. the late interest assessed on a late invoice when
it is paid (SC §14, SH §30). ``after_reversal`` hooks run when a receipt is reversed (the interest
it caused is taken back).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from reseller_desk.db.models import Payment
from reseller_desk.domain.receivables import PaymentApplied
from reseller_desk.services.permissions import Actor

ReceiptHook = Callable[[Session, Actor, Payment, Sequence[PaymentApplied]], None]
ReversalHook = Callable[[Session, Actor, Payment, Payment], None]

BUILT_IN: tuple[str, ...] = (
    "reseller_desk.services.payments.interest:payment_received",
)

after_receipt: list[ReceiptHook] = []

#: Run by every reversal (``(session, actor, receipt, reversal)``), after its entries are written.
BUILT_IN_REVERSAL: tuple[str, ...] = ("reseller_desk.services.payments.interest:payment_reversed",)

after_reversal: list[ReversalHook] = []


def _built_in(names: tuple[str, ...] = BUILT_IN) -> list[Any]:
    hooks = []
    for name in names:
        module, _, function = name.partition(":")
        hooks.append(getattr(importlib.import_module(module), function))
    return hooks


def receipt_applied(session: Session, actor: Actor, payment: Payment, applied: Sequence[PaymentApplied]) -> None:
    """Run the built-in hooks, then every registered one, in the order registered."""
    for hook in [*_built_in(), *after_receipt]:
        hook(session, actor, payment, applied)


def receipt_reversed(session: Session, actor: Actor, payment: Payment, reversal: Payment) -> None:
    """Run the built-in reversal hooks, then every registered one."""
    for hook in [*_built_in(BUILT_IN_REVERSAL), *after_reversal]:
        hook(session, actor, payment, reversal)

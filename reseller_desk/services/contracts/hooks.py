"""What other parts of the office do when a contract ends, without this package knowing them.

``on_contract_ending`` is a list of callables ``(session, actor, contract, ending)`` that every
ending of a contract (a cancellation accepted, a termination, a death) calls inside its own
transaction, after the ending is recorded. A hook that raises refuses the ending whole.

:data:`BUILT_IN` names the hooks every ending runs first, as "module:function", imported when
an ending first runs (this package never imports them, so there is no cycle): the equipment's
return requests for the units lent to the contract (SH §13.4, issue 11).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

from reseller_desk.db.models import Contract, ContractEnding
from reseller_desk.services.permissions import Actor

EndingHook = Callable[[Session, Actor, Contract, ContractEnding], None]

BUILT_IN = ("reseller_desk.services.equipment.returns:contract_ended",
            "reseller_desk.services.payments.deposits:contract_ended")

on_contract_ending: list[EndingHook] = []


def _built_in() -> list[EndingHook]:
    hooks = []
    for name in BUILT_IN:
        module, _, function = name.partition(":")
        hooks.append(getattr(importlib.import_module(module), function))
    return hooks


def contract_ending(session: Session, actor: Actor, contract: Contract, ending: ContractEnding) -> None:
    """Run the built-in hooks, then every registered one, in the order registered."""
    for hook in [*_built_in(), *on_contract_ending]:
        hook(session, actor, contract, ending)

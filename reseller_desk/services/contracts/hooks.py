"""What other parts of the office do when a contract ends, without this package knowing them.

``on_contract_ending`` is a list of callables ``(session, actor, contract, ending)`` that every
ending of a contract (a cancellation accepted, a termination, a death) calls inside its own
transaction, after the ending is recorded: the equipment issue registers the return of lent
units here (SH §13). Empty until then. A hook that raises refuses the ending whole.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from reseller_desk.db.models import Contract, ContractEnding
from reseller_desk.services.permissions import Actor

EndingHook = Callable[[Session, Actor, Contract, ContractEnding], None]

on_contract_ending: list[EndingHook] = []


def contract_ending(session: Session, actor: Actor, contract: Contract, ending: ContractEnding) -> None:
    """Run every registered hook, in the order registered."""
    for hook in list(on_contract_ending):
        hook(session, actor, contract, ending)

"""Returns of lent units when a contract ends (SH §13.4–6): the return requests, receiving a
return, damages, the late-return penalty, loss (issue 11). Being built: see the issue's note."""

from __future__ import annotations

from sqlalchemy.orm import Session

from reseller_desk.db.models import Contract, ContractEnding
from reseller_desk.services.permissions import Actor

__all__ = ["contract_ended"]


def contract_ended(session: Session, actor: Actor, contract: Contract, ending: ContractEnding) -> None:
    """services.contracts.hooks: a contract's ending asks for its lent units back."""

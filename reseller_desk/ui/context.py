"""What every screen needs: the database, who is working, and the operations runner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reseller_desk.services.permissions import Actor
from reseller_desk.ui.operations import Changes, Operations

if TYPE_CHECKING:
    from reseller_desk.db.database import Database


@dataclass
class AppContext:
    db: Database
    actor: Actor
    ops: Operations
    #: A demo database (services.database_info): its accounts' passwords are public, and the
    #: window says so in its title and status bar.
    demo: bool = False

    @property
    def changes(self) -> Changes:
        return self.ops.changes

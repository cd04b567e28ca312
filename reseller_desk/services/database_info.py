"""What a database is: an office's own, or a demo one.

A demo database holds the demo office and its accounts, whose passwords are public (README).
It is marked as such (``database_info.demo``) in the same transaction that puts its first
data in — the demo accounts — so no database ever holds a demo account without the mark.
Only a database that is new (no staff member and no customer yet) or already marked demo takes
demo data; the window shows the mark in its title and status bar, and a demo account logs
into no other database (services/auth).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Customer, DatabaseInfo, StaffUser
from reseller_desk.services.errors import PermissionDenied

INFO_ROW_ID = 1


def default_demo_path() -> Path:
    """The demo database's own file, beside (never the same as) the office's default one."""
    from platformdirs import user_data_path

    return user_data_path("reseller-desk", appauthor=False) / "reseller-desk-demo.sqlite3"


@dataclass(frozen=True)
class DatabaseState:
    demo: bool
    staff: int
    customers: int

    @property
    def new(self) -> bool:
        """Nothing is in it yet: neither a staff member nor a customer."""
        return self.staff == 0 and self.customers == 0


def state_of(session: Session) -> DatabaseState:
    staff = session.scalar(select(func.count()).select_from(StaffUser)) or 0
    customers = session.scalar(select(func.count()).select_from(Customer)) or 0
    return DatabaseState(is_demo(session), staff, customers)


def is_demo(session: Session) -> bool:
    info = session.get(DatabaseInfo, INFO_ROW_ID)
    return bool(info and info.demo)


def is_demo_database(db: Database) -> bool:
    with db.transaction() as session:
        return is_demo(session)


def database_state(db: Database) -> DatabaseState:
    with db.transaction() as session:
        return state_of(session)


def demo_refusal(state: DatabaseState) -> str | None:
    """Why demo data may not go into a database in ``state``, or None when it may."""
    if not state.demo and not state.new:
        return ("このデータベースはデモ用ではありません（担当者か顧客が登録されています）。"
                "デモデータは新しいデータベースかデモ用のデータベースにだけ作成します。"
                "別のファイルを指定してください。")
    if state.customers:
        return (f"このデモ用データベースには既に顧客が {state.customers} 件あります。"
                "作り直すときは新しいファイルを指定してください。")
    return None


def mark_demo(session: Session) -> None:
    """Mark the database demo inside the caller's transaction, refusing one that is not new
    and not demo already (read in the same transaction)."""
    problem = demo_refusal(state_of(session))
    if problem:
        raise PermissionDenied(problem)
    info = session.get(DatabaseInfo, INFO_ROW_ID)
    if info is None:
        session.add(DatabaseInfo(id=INFO_ROW_ID, demo=True))
    else:
        info.demo = True
    session.flush()

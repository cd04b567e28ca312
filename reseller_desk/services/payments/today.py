"""本日の業務, money in: what is waiting for the office — statement lines not yet matched, debit
batches whose result has not come back, customers due a dunning letter or past a 催告書's
suspension date, deposits past their deadline or waiting to be settled. Each line names the
section that does it. Reading writes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from reseller_desk.db.database import Database
from reseller_desk.db.models import DebitBatch, StatementLine
from reseller_desk.domain.payments import StatementLineStatus
from reseller_desk.services.payments.deposits import deposits_to_settle, overdue_deposits
from reseller_desk.services.payments.dunning_list import dunning_rows, suspension_candidates

__all__ = ["MoneyWork", "money_work"]


@dataclass(frozen=True)
class MoneyWork:
    open_lines: int            # statement lines waiting (未処理)
    batches_waiting: int       # debit batches without their result
    dunning_due: int           # customers with a dunning stage to issue
    suspension_candidates: int
    deposits_overdue: int
    deposits_to_settle: int

    @property
    def lines(self) -> tuple[str, ...]:
        """What to do, one sentence each (nothing waiting: no line)."""
        found = []
        if self.open_lines:
            found.append(f"未処理の入金明細が{self.open_lines:,}件あります（入金 → 振込の取込と消込）。")
        if self.batches_waiting:
            found.append(f"振替結果を取り込んでいない口座振替が{self.batches_waiting:,}回分あります（口座振替）。")
        if self.dunning_due:
            found.append(f"督促状・催告書の発行を待つ顧客が{self.dunning_due:,}件あります（督促）。")
        if self.suspension_candidates:
            found.append(f"催告書の停止予定日を過ぎても未入金の顧客が{self.suspension_candidates:,}件あります"
                         "（督促 → 停止候補）。")
        if self.deposits_overdue:
            found.append(f"期限までに預託されていない利用保証金が{self.deposits_overdue:,}件あります（保証金）。")
        if self.deposits_to_settle:
            found.append(f"契約終了で精算を待つ利用保証金が{self.deposits_to_settle:,}件あります（保証金）。")
        return tuple(found)


def money_work(db: Database, today: dt.date) -> MoneyWork:
    with db.transaction() as session:
        open_lines = session.scalar(select(func.count()).select_from(StatementLine)
                                    .where(StatementLine.status == StatementLineStatus.OPEN)) or 0
        waiting = session.scalar(select(func.count()).select_from(DebitBatch)
                                 .where(DebitBatch.result_imported_at.is_(None))) or 0
        due = sum(1 for row in dunning_rows(session, today) if row.stage is not None and not row.on_hold)
    return MoneyWork(open_lines, waiting, due, len(suspension_candidates(db, today)),
                     len(overdue_deposits(db, today)), len(deposits_to_settle(db, today)))

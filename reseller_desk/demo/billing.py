"""The demo office's invoices: the months before last billed through the billing run itself, so
that the 請求 section has invoices to find, preview and correct. Last month is left for the
clerk to run (本日の業務 reminds of it)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from reseller_desk.db.database import Database
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.services.billing.run import bill_month
from reseller_desk.services.permissions import Actor

#: How many months before last month the demo bills.
BILLED_MONTHS = 2


def bill_demo_months(db: Database, clerk: Actor, today: dt.date, months: int = BILLED_MONTHS) -> int:
    """Bill the ``months`` months before last month, oldest first; the invoices issued."""
    last_month = first_of_month(today) - relativedelta(months=1)
    issued = 0
    for back in range(months, 0, -1):
        summary = bill_month(db, clerk, last_month - relativedelta(months=back), today=today)
        issued += summary.billed
    return issued

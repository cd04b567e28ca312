"""Collecting what is owed (issue 12): dunning stages and what was issued at each, holds on
dunning, deposits 利用保証金 (SC §9.10–13), late interest assessed (SC §14, SH §30), and the
accountant's account names per ledger.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.payments import DepositEntryKind, DunningAction, HoldKind


class DunningStage(Base):
    """A step of 督促, as data in 設定: ``days_after_due`` days after an invoice's due date it is
    at this stage; ``action`` says what the stage issues (督促状, 催告書 naming a suspension date
    ``suspension_days`` after it is issued, or a suspension candidate for the lifecycle)."""

    __tablename__ = "dunning_stages"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(50))
    days_after_due: Mapped[int] = mapped_column(Integer)
    action: Mapped[DunningAction] = mapped_column(EnumCode(DunningAction, 20))
    suspension_days: Mapped[int | None] = mapped_column(Integer, default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (CheckConstraint("days_after_due >= 1", name="after_due"),)


class DunningLetter(Base):
    """A stage issued to a customer (one notice), for the overdue invoices it lists."""

    __tablename__ = "dunning_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("dunning_stages.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    issued_on: Mapped[dt.date] = mapped_column(Date, index=True)
    owed: Mapped[int] = mapped_column(Integer)
    suspension_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class DunningLetterItem(Base):
    """An overdue invoice a dunning letter names: an invoice is never at the same stage twice."""

    __tablename__ = "dunning_letter_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    dunning_letter_id: Mapped[int] = mapped_column(ForeignKey("dunning_letters.id"), index=True)
    stage_id: Mapped[int] = mapped_column(ForeignKey("dunning_stages.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    owed: Mapped[int] = mapped_column(Integer)

    __table_args__ = (UniqueConstraint("stage_id", "invoice_id"),)


class DunningHold(Base):
    """督促保留: a customer (``invoice_id`` None) or one invoice skipped by dunning until ``until``
    (a dispute, a promise to pay by a date), unless released earlier."""

    __tablename__ = "dunning_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), default=None)
    kind: Mapped[HoldKind] = mapped_column(EnumCode(HoldKind, 10))
    reason: Mapped[str] = mapped_column(Text)
    until: Mapped[dt.date] = mapped_column(Date)
    released_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class Deposit(Base):
    """A deposit 利用保証金 the manager asked of a contract (SC §9.10–11): amount and deadline, and
    the 利用保証金預託のお願い issued. What was received, applied and refunded are its entries."""

    __tablename__ = "deposits"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[dt.date] = mapped_column(Date)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    monthly_charges: Mapped[int] = mapped_column(Integer)        # what made it required (SC §9.10)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)


class DepositEntry(Base):
    """A deposit received, applied to unpaid charges (SC §9.12: ``payment_id`` is the payment
    entry of method ``deposit`` that did it) or refunded. Held = received − applied − refunded."""

    __tablename__ = "deposit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposits.id"), index=True)
    kind: Mapped[DepositEntryKind] = mapped_column(EnumCode(DepositEntryKind, 10))
    on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)


class LateInterest(Base):
    """Late interest assessed on an invoice (rules.late_interest: SC §14, SH §30) for the days
    ``period_from``..``period_to`` on ``principal``, billed as the 不課税 one-time charge
    ``charge_id``; when a payment settled it, ``payment_id``. Waived by a manager with a reason
    (an unbilled charge is withdrawn; a billed one is credited on the next invoice)."""

    __tablename__ = "late_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    principal: Mapped[int] = mapped_column(Integer)
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer)
    annual_rate: Mapped[Decimal] = mapped_column(Numeric(6, 4))
    amount: Mapped[int] = mapped_column(Integer)
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    charge_id: Mapped[int | None] = mapped_column(ForeignKey("one_time_charges.id"), default=None)
    waived_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    waive_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        UniqueConstraint("invoice_id", "period_to"),
        CheckConstraint("amount >= 0 AND principal > 0 AND days >= 0", name="non_negative"),
    )


class JournalAccount(Base):
    """The accountant's name for one role of the journal (売掛金, 売上高, 受取利息 …) in one
    ledger's file (yayoi / freee / mf / csv): account, 補助科目 and tax category string. Only
    what the accountant changed is stored; the defaults follow each product's standard chart
    (domain)."""

    __tablename__ = "journal_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(30))
    account: Mapped[str] = mapped_column(String(50))
    sub_account: Mapped[str] = mapped_column(String(50), default="")
    tax_category: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (UniqueConstraint("ledger", "role"),)

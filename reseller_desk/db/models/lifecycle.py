"""A contract's life after it is formed: what it consists of from which month (plan and lines,
options, 特約), its phone numbers, its timeline, suspensions, its ending, and successions
(terms-rules.md §3, §7).

The periods are history, never rewritten: a change from month M closes the running period at
M−1 and opens a new one at M (domain.contract_history says what a month consisted of).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.contract import ContractAction, ContractStatus
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject, ContractEventKind


class Recorded:
    """Who recorded a history row, and when (naive UTC)."""

    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class ContractPlanPeriod(Recorded, Base):
    """The plan and the number of lines (回線数) from a month (プラン変更, 回線の増減)."""

    __tablename__ = "contract_plan_periods"
    __table_args__ = (UniqueConstraint("contract_id", "from_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    lines: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[dt.date] = mapped_column(Date)
    until_month: Mapped[dt.date | None] = mapped_column(Date, default=None)


class ContractOptionPeriod(Recorded, Base):
    """An option with its quantity from a month (SH §6.2–3: only on a base contract, ends with it)."""

    __tablename__ = "contract_option_periods"
    __table_args__ = (UniqueConstraint("contract_id", "option_id", "from_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("plan_options.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    from_month: Mapped[dt.date] = mapped_column(Date)
    until_month: Mapped[dt.date | None] = mapped_column(Date, default=None)


class ContractNumber(Recorded, Base):
    """A phone number of the contract, one per line. A number is held by one live contract at
    a time (the partial unique index); it is released when the contract ends."""

    __tablename__ = "contract_numbers"
    __table_args__ = (
        Index("uq_contract_numbers_held", "number", unique=True,
              sqlite_where=text("released_on IS NULL"), postgresql_where=text("released_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(20))      # digits only, e.g. 0312345678 / 05012345678
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    released_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class SpecialAgreementRow(Recorded, Base):
    """A 特約 (SC §1.3): a price or a condition for this contract, from its document, for months."""

    __tablename__ = "special_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    subject: Mapped[AgreementSubject] = mapped_column(EnumCode(AgreementSubject, 30))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("plan_options.id"), default=None)
    monthly_fee: Mapped[int | None] = mapped_column(Integer, default=None)   # yen before tax
    condition: Mapped[str] = mapped_column(Text, default="")
    document: Mapped[AgreementDocument] = mapped_column(EnumCode(AgreementDocument, 20))
    document_number: Mapped[str] = mapped_column(String(50), default="")
    from_month: Mapped[dt.date] = mapped_column(Date)
    until_month: Mapped[dt.date | None] = mapped_column(Date, default=None)


class ContractEvent(Base):
    """One line of the contract's timeline: a transition of its status (from, to, action) or a
    change, with the day it takes effect, the reason, who recorded it and when, and the notice
    issued for it."""

    __tablename__ = "contract_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContractEventKind] = mapped_column(EnumCode(ContractEventKind, 30))
    action: Mapped[ContractAction | None] = mapped_column(EnumCode(ContractAction, 30), default=None)
    from_status: Mapped[ContractStatus | None] = mapped_column(EnumCode(ContractStatus, 30), default=None)
    to_status: Mapped[ContractStatus | None] = mapped_column(EnumCode(ContractStatus, 30), default=None)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class Suspension(Recorded, Base):
    """A suspension (利用停止) by the company: its reason from the profile, the notice given
    beforehand where the terms require one (SH §23.2), the day it starts, its period, and when it
    ended. ``state``: scheduled (noticed, not yet started), active, ended, withdrawn."""

    __tablename__ = "suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    reason_code: Mapped[str] = mapped_column(String(30))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    clause: Mapped[str] = mapped_column(String(50), default="")
    state: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    noticed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)   # 予告通知書の発行日
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    starts_on: Mapped[dt.date] = mapped_column(Date, index=True)
    planned_end_on: Mapped[dt.date | None] = mapped_column(Date, default=None)  # None: until paid / resolved
    period_text: Mapped[str] = mapped_column(String(100), default="")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_note: Mapped[str] = mapped_column(Text, default="")
    started_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    resumed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class ContractEnding(Recorded, Base):
    """How the contract ends or ended: a cancellation by the customer (SC §23, SH §26), a
    termination by the company (SC §24, §26; SH §27, §36), the death of an individual (SH
    §20.2), or a revocation (SH §14.2(7)). ``kind``: cancellation, termination, death, revocation."""

    __tablename__ = "contract_endings"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    requested_on: Mapped[dt.date] = mapped_column(Date)            # request received / decided on
    desired_month: Mapped[dt.date | None] = mapped_column(Date, default=None)   # SC §23
    effective_on: Mapped[dt.date] = mapped_column(Date, index=True)
    last_billable_month: Mapped[dt.date] = mapped_column(Date)
    grounds_code: Mapped[str] = mapped_column(String(30), default="")
    grounds_text: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    early_termination_fee: Mapped[int] = mapped_column(Integer, default=0)
    accelerated: Mapped[bool] = mapped_column(Boolean, default=False)   # SH §27.2
    service_data_deletion_due: Mapped[dt.date | None] = mapped_column(Date, default=None)  # SC §23
    taken_effect: Mapped[bool] = mapped_column(Boolean, default=False)
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)    # a later ending replaced it


class Succession(Recorded, Base):
    """A succession (地位の承継, SH §20.1): 合併, 会社分割, 事業譲渡, 相続… with its date and the
    deadline for the proof; on receipt the contract moves to the successor customer."""

    __tablename__ = "successions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    succeeded_on: Mapped[dt.date] = mapped_column(Date)
    successor_name: Mapped[str] = mapped_column(String(100), default="")
    successor_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    previous_customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    proof_deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    state: Mapped[str] = mapped_column(String(20), default="waiting", index=True)  # waiting, completed, withdrawn
    documents_received_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}

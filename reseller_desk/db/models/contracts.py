"""Contracts formed by acceptance, their options, and the notices issued (frozen content and PDF bytes)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.models.intake import DebitAccountColumns
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.notices import NoticeKind


class Contract(DebitAccountColumns, Base):
    """A contract, formed when an application is accepted (SC §7, SH §15). One per カスタマID
    (SH §16)."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_code: Mapped[str] = mapped_column(String(20), unique=True)  # カスタマID, never reused
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    status: Mapped[ContractStatus] = mapped_column(EnumCode(ContractStatus, 20), default=ContractStatus.ACTIVE)
    formed_on: Mapped[dt.date] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)  # SC §7 登録日
    opened_on: Mapped[dt.date | None] = mapped_column(Date, default=None)      # SH §17 開通日
    first_billable_month: Mapped[dt.date | None] = mapped_column(Date, default=None)
    lines: Mapped[int] = mapped_column(Integer, default=1)
    payment_method: Mapped[PaymentMethod] = mapped_column(EnumCode(PaymentMethod, 20))
    revoked_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class ContractOption(Base):
    __tablename__ = "contract_options"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("plan_options.id"), primary_key=True)


class Notice(Base):
    """A notice as issued: its content frozen as JSON (addresses copied at issue) and the PDF
    bytes it was issued as (the legal copy, what the customer received); never edited."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[NoticeKind] = mapped_column(EnumCode(NoticeKind, 20))
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), default=None)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    document_json: Mapped[str] = mapped_column(Text)
    # The PDF as issued. Printing an issued notice again prints exactly these bytes.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

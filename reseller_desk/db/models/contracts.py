"""Contracts (formed by acceptance or brought in by the import), and the notices issued (frozen
content and PDF bytes). What a contract consists of month by month (plan, lines, options,
特約), its phone numbers and its timeline are in :mod:`reseller_desk.db.models.lifecycle`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
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
    """A contract, formed when an application is accepted (SC §7, SH §15) or brought in from
    the office's old records (移行, no application). One per カスタマID (SH §16)."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_code: Mapped[str] = mapped_column(String(20), unique=True)  # カスタマID, never reused
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True, default=None)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    status: Mapped[ContractStatus] = mapped_column(EnumCode(ContractStatus, 30), default=ContractStatus.ACTIVE,
                                                   index=True)
    formed_on: Mapped[dt.date] = mapped_column(Date)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, default=None)  # SC §7 登録日
    opened_on: Mapped[dt.date | None] = mapped_column(Date, default=None)      # SH §17 開通日
    first_billable_month: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # Once it is ending: the last month billed (SC §23 the desired month, SH §26.1 the month of
    # the request, a termination the month it takes effect) and the day it ends.
    last_billable_month: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    payment_method: Mapped[PaymentMethod] = mapped_column(EnumCode(PaymentMethod, 20))
    revoked_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # SH §27.2: every amount the customer owes fell due at once on this day (期限の利益の喪失);
    # billing puts the open charges on an immediate final invoice.
    accelerated_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # SC §23: the customer's service settings and history are deleted on cancellation; the day
    # that is due (accounting records are kept, terms-rules.md §10).
    service_data_deletion_due: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # 移行: the key of the imported row (so that importing the same file twice adds nothing).
    import_key: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}



class Notice(Base):
    """A notice as issued: its content frozen as JSON (addresses copied at issue) and the PDF
    bytes it was issued as (the legal copy, what the customer received); never edited."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    kind: Mapped[NoticeKind] = mapped_column(EnumCode(NoticeKind, 20))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True, default=None)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True, default=None)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    document_json: Mapped[str] = mapped_column(Text)
    # The PDF as issued. Printing an issued notice again prints exactly these bytes.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

"""One-time charges for a usage month (domain.charges): what the billing run reads besides the
recurring lines, whatever recorded them (the contract's ending, equipment, late interest)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.charges import ChargeKind, TaxCategory


class OneTimeCharge(Base):
    """A charge (or, negative, a credit) for ``billing_month`` (the first of the usage month) on
    the invoice of the billing account ``customer_id`` + ``terms_profile_id``. ``source`` and
    ``source_id`` say what recorded it (e.g. ``contract_ending`` 12). ``immediate``: the charge
    fell due at once (SH §27.2) and goes on an immediate final invoice. Never edited once billed:
    a correction is a new charge."""

    __tablename__ = "one_time_charges"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True, default=None)
    billing_month: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[ChargeKind] = mapped_column(EnumCode(ChargeKind, 30))
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    unit_amount: Mapped[int] = mapped_column(Integer)      # yen before tax; negative for a credit
    amount: Mapped[int] = mapped_column(Integer)           # quantity × unit_amount
    tax_category: Mapped[TaxCategory] = mapped_column(EnumCode(TaxCategory, 20))
    source: Mapped[str] = mapped_column(String(30), default="")
    source_id: Mapped[int | None] = mapped_column(Integer, default=None)
    immediate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    invoice_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)  # set by the billing run
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

"""Billing: price changes from a month, bill runs, issued invoices and their lines, and the
call charges imported from the providers' usage files (domain.billing, domain.invoice_document).

``invoices`` and ``invoice_lines`` are written once, by the billing run or a correction, and
never changed: a database trigger refuses UPDATE and DELETE on both (revision 0008), and each
invoice's hash chains it to the one before (``reseller-desk verify``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.billing import LineKind
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind


class PriceChange(Base):
    """A new price of a plan or an option from ``from_month`` on (domain.prices): a price change
    never rewrites past months. Exactly one of ``plan_id`` and ``option_id``."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"), index=True, default=None)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("plan_options.id"), index=True, default=None)
    from_month: Mapped[dt.date] = mapped_column(Date)
    monthly_fee: Mapped[int] = mapped_column(Integer)
    initial_fee: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (
        UniqueConstraint("plan_id", "from_month"),
        UniqueConstraint("option_id", "from_month"),
        CheckConstraint("(plan_id IS NULL) <> (option_id IS NULL)", name="one_item"),
        CheckConstraint("monthly_fee >= 0 AND initial_fee >= 0", name="non_negative"),
    )


class BillRun(Base):
    """One run of 月次請求 for a usage month: who, when, and what it did. ``status``: running,
    finished, cancelled, failed (a run that died stays "running" until the next run of the month
    finishes what it left)."""

    __tablename__ = "bill_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_month: Mapped[dt.date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    accounts_total: Mapped[int] = mapped_column(Integer, default=0)
    accounts_billed: Mapped[int] = mapped_column(Integer, default=0)      # invoices this run issued
    accounts_already: Mapped[int] = mapped_column(Integer, default=0)     # invoiced by an earlier run
    accounts_skipped: Mapped[int] = mapped_column(Integer, default=0)
    accounts_failed: Mapped[int] = mapped_column(Integer, default=0)
    summary_json: Mapped[str] = mapped_column(Text, default="{}")         # totals per profile and rate


class BillRunProblem(Base):
    """A contract or billing account a run skipped (with the reason) or failed on."""

    __tablename__ = "bill_run_problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_run_id: Mapped[int] = mapped_column(ForeignKey("bill_runs.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(10))     # skipped / failed
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None)
    terms_profile_id: Mapped[int | None] = mapped_column(ForeignKey("terms_profiles.id"), default=None)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), default=None)
    reason: Mapped[str] = mapped_column(Text)


class Invoice(Base):
    """An issued invoice or credit invoice (適格請求書 / 適格返還請求書), frozen: ``document_json``
    is what it says (domain.invoice_document); the other columns copy from it what the list
    searches on. Never updated or deleted (trigger, revision 0008)."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[InvoiceKind] = mapped_column(EnumCode(InvoiceKind, 10))
    billing_month: Mapped[dt.date] = mapped_column(Date, index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    bill_run_id: Mapped[int | None] = mapped_column(ForeignKey("bill_runs.id"), default=None)
    # A credit invoice: the invoice it returns. A replacement invoice: the invoice it replaces.
    corrects_invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True, default=None)
    issue_date: Mapped[dt.date] = mapped_column(Date, index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date, default=None)
    payment_method: Mapped[PaymentMethod] = mapped_column(EnumCode(PaymentMethod, 20))
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_codes: Mapped[str] = mapped_column(Text, default="")       # カスタマID joined by ";"
    taxable_10: Mapped[int] = mapped_column(Integer, default=0)
    tax_10: Mapped[int] = mapped_column(Integer, default=0)
    taxable_8: Mapped[int] = mapped_column(Integer, default=0)
    tax_8: Mapped[int] = mapped_column(Integer, default=0)
    exempt: Mapped[int] = mapped_column(Integer, default=0)
    outside: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, index=True)               # the amount due (≤ 0 on a credit)
    carried_forward: Mapped[int] = mapped_column(Integer, default=0)
    document_json: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (
        # A billing run can never bill an account twice for a month: one invoice per account and
        # month that corrects nothing (a replacement after a correction refers to the original).
        Index("uq_invoices_account_month", "customer_id", "terms_profile_id", "billing_month", unique=True,
              sqlite_where=text("kind = 'invoice' AND corrects_invoice_id IS NULL"),
              postgresql_where=text("kind = 'invoice' AND corrects_invoice_id IS NULL")),
        Index("ix_invoices_month_total", "billing_month", "total"),
    )


class InvoiceLineRow(Base):
    """A line of an issued invoice, as in its document (never changed; trigger, revision 0008)."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[LineKind] = mapped_column(EnumCode(LineKind, 20))
    customer_code: Mapped[str] = mapped_column(String(20), default="")
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True, default=None)
    description: Mapped[str] = mapped_column(String(300))
    period_from: Mapped[dt.date | None] = mapped_column(Date, default=None)
    period_to: Mapped[dt.date | None] = mapped_column(Date, default=None)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[int | None] = mapped_column(Integer, default=None)
    amount: Mapped[int] = mapped_column(Integer)
    tax_category: Mapped[TaxCategory] = mapped_column(EnumCode(TaxCategory, 20))
    source: Mapped[str] = mapped_column(String(30), default="")
    source_id: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (UniqueConstraint("invoice_id", "position"),)


class UsageImport(Base):
    """A providers' usage file imported for a month (call charges)."""

    __tablename__ = "usage_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    billing_month: Mapped[dt.date] = mapped_column(Date, index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_dropped: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class UsageRecord(Base):
    """One call: its contract and number, when, where to, how long, what it cost (yen before
    tax). ``row_key``: a hash of what identifies the call, so importing the same file (or the
    same call twice) adds nothing. ``invoice_id``: set when billed."""

    __tablename__ = "usage_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    usage_import_id: Mapped[int] = mapped_column(ForeignKey("usage_imports.id"), index=True)
    billing_month: Mapped[dt.date] = mapped_column(Date)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    phone_number: Mapped[str] = mapped_column(String(20))
    called_at: Mapped[dt.datetime] = mapped_column(DateTime)
    destination: Mapped[str] = mapped_column(String(30))
    seconds: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(Integer)
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    invoice_id: Mapped[int | None] = mapped_column(Integer, default=None)

    __table_args__ = (
        Index("ix_usage_records_month_contract", "billing_month", "contract_id"),
        CheckConstraint("seconds >= 0 AND amount >= 0", name="non_negative"),
    )

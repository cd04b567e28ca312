"""The office's own tables: staff, what this database is, company details, transfer accounts,
closure days, terms profiles, plans and options, the audit log and the counters of numbers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.staff import Role


class StaffUser(Base):
    """Someone who works in the office. Roles: ``clerk`` (事務) and ``manager`` (管理者)."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[Role] = mapped_column(EnumCode(Role, 20))
    # hashlib.scrypt, salted (services/auth.py). None: cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The demo database's accounts, whose passwords are public (README): shown as such.
    demo_account: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Set when a manager resets the password: the next log-in must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Failed log-ins in a row and when the last one was (UTC): the log-in waits, growing.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    # Counts what a manager or the owner changes (role, active, password); the log-in's own
    # bookkeeping (failed_logins, last_failed_login_at, a rehash) is written without it
    # (services.auth), so that a failed log-in does not make the 担当者 tab stale.
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (CheckConstraint("role IN ('clerk', 'manager')", name="role"),)


class DatabaseInfo(Base):
    """What this database is, written with its first write. One row, id 1. ``demo``: a demo
    database, whose accounts have public passwords (README); only such a database takes demo
    data, and a demo account logs into no other."""

    __tablename__ = "database_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CompanySettings(Base):
    """The office's own details, printed on every invoice and notice. One row, id 1."""

    __tablename__ = "company_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(8), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    fax: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    representative: Mapped[str] = mapped_column(String(100), default="")
    # 適格請求書発行事業者登録番号: "T" + 13 digits.
    registration_number: Mapped[str] = mapped_column(String(14), default="")
    # The tax category of the early-termination fee 契約解除料 (SH §18). Decision (terms-rules.md
    # §4): 不課税, as compensation for ending early; an accountant who decides otherwise sets it here.
    early_termination_tax: Mapped[TaxCategory] = mapped_column(EnumCode(TaxCategory, 20),
                                                               default=TaxCategory.OUTSIDE)
    # Billing (SC §10.1–2): the direct-debit collection day (25–31) and the invoice's issue day
    # of M+1 (None: the first company business day; never after the 15th).
    collection_day: Mapped[int] = mapped_column(Integer, default=27)
    invoice_issue_day: Mapped[int | None] = mapped_column(Integer, default=None)
    # Days after a contract ends by which lent units are to be back (SH §13.4; domain.equipment).
    equipment_return_days: Mapped[int] = mapped_column(Integer, default=14)
    # Direct debit (issue 12, domain.zengin_debit): the 委託者コード and name the collecting bank
    # gave the office, and the office's account there (the request file's header).
    debit_consignor_code: Mapped[str] = mapped_column(String(10), default="")
    debit_consignor_name: Mapped[str] = mapped_column(String(40), default="")   # half-width kana
    debit_bank_code: Mapped[str] = mapped_column(String(4), default="")
    debit_bank_name: Mapped[str] = mapped_column(String(15), default="")        # half-width kana
    debit_branch_code: Mapped[str] = mapped_column(String(3), default="")
    debit_branch_name: Mapped[str] = mapped_column(String(15), default="")
    debit_account_type: Mapped[int] = mapped_column(Integer, default=1)          # 1 普通, 2 当座
    debit_account_number: Mapped[str] = mapped_column(String(7), default="")
    # Days after a failed debit's result by which the customer is asked to pay by transfer
    # (口座振替不能のお知らせ; decision, docs/decisions.md).
    failed_debit_pay_days: Mapped[int] = mapped_column(Integer, default=14)
    # Late interest (SC §14, SH §30): assessed when a late invoice is paid, and also the part
    # accrued at each month end when this is set.
    interest_at_month_end: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class BankAccount(Base):
    """An account of the office that customers pay into by transfer (振込先)."""

    __tablename__ = "bank_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_code: Mapped[str] = mapped_column(String(4))
    bank_name: Mapped[str] = mapped_column(String(50))
    branch_code: Mapped[str] = mapped_column(String(3))
    branch_name: Mapped[str] = mapped_column(String(50))
    account_type: Mapped[str] = mapped_column(String(10))  # 普通 / 当座
    account_number: Mapped[str] = mapped_column(String(7))
    holder_kana: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    # Saved as a whole against the (id, version) of every account shown: an id never comes back
    # (AUTOINCREMENT on SQLite; PostgreSQL's sequences never reuse one).
    __table_args__ = {"sqlite_autoincrement": True}


class CompanyClosure(Base):
    """A day the office is closed although it is not a weekend or national holiday
    (年末年始, お盆 …). Feeds the company business calendar (SC §23, SH §20, §37)."""

    __tablename__ = "company_closures"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    note: Mapped[str] = mapped_column(String(100), default="")


class TermsProfileRecord(Base):
    """A terms profile (key + version) that plans and contracts of this database refer to.
    The rules themselves live in ``resources/terms/<key>.toml``."""

    __tablename__ = "terms_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    version: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(100))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("key", "version"),)


class Plan(Base):
    """A plan of one service (terms profile): its monthly fee, initial fee, minimum term and
    early-termination fee (SH §18)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    monthly_fee: Mapped[int] = mapped_column(Integer, default=0)
    initial_fee: Mapped[int] = mapped_column(Integer, default=0)
    minimum_term_months: Mapped[int] = mapped_column(Integer, default=1)
    early_termination_fee: Mapped[int] = mapped_column(Integer, default=0)
    # SC §6.4: some plans are sold only face to face with photo ID.
    requires_face_to_face: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    row_version: Mapped[int] = version_counter()

    terms_profile: Mapped[TermsProfileRecord] = relationship()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        UniqueConstraint("terms_profile_id", "code"),
        CheckConstraint(
            "monthly_fee >= 0 AND initial_fee >= 0 AND early_termination_fee >= 0 "
            "AND minimum_term_months >= 0",
            name="non_negative",
        ),
    )


class PlanOption(Base):
    """An option of one service; it exists only on a base contract (SH §6.2–3)."""

    __tablename__ = "plan_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    monthly_fee: Mapped[int] = mapped_column(Integer, default=0)
    initial_fee: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")

    row_version: Mapped[int] = version_counter()

    terms_profile: Mapped[TermsProfileRecord] = relationship()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        UniqueConstraint("terms_profile_id", "code"),
        CheckConstraint("monthly_fee >= 0 AND initial_fee >= 0", name="non_negative"),
    )


class AuditEntry(Base):
    """Who changed what, when, with the values before and after (JSON text)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[str | None] = mapped_column(Text, default=None)
    after: Mapped[str | None] = mapped_column(Text, default=None)
    # What the change concerns, for the manager's filters (by customer, by application).
    customer_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class Counter(Base):
    """Numbers that are issued once and never reused (カスタマID, 申込番号, 文書番号)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)

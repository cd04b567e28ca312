"""The tables of Reseller Desk (SQLAlchemy 2.x typed ORM).

Money is always an ``int`` column of yen. Every table that a clerk changes carries who changed
it and when; the full before/after is in ``audit_log``. Later issues add their tables by a new
Alembic revision under ``db/migrations/versions``; never edit an applied revision.
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
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so that migrations can alter them on SQLite (batch mode) and on
# PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timestamps are stored as naive UTC; the UI shows them in Japan time."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class StaffUser(Base):
    """Someone who works in the office. Roles: ``clerk`` (事務) and ``manager`` (管理者)."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    # Salted slow hash; set by the login feature (issue 3). None: cannot log in with a password.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    __table_args__ = (CheckConstraint("role IN ('clerk', 'manager')", name="role"),)


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
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


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

    __table_args__ = (UniqueConstraint("key", "version", name="key_version"),)


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

    terms_profile: Mapped[TermsProfileRecord] = relationship()

    __table_args__ = (
        UniqueConstraint("terms_profile_id", "code", name="profile_code"),
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

    terms_profile: Mapped[TermsProfileRecord] = relationship()

    __table_args__ = (
        UniqueConstraint("terms_profile_id", "code", name="profile_code"),
        CheckConstraint("monthly_fee >= 0 AND initial_fee >= 0", name="non_negative"),
    )


class Customer(Base):
    """A customer of the office, 法人 or 個人."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100))
    representative_title: Mapped[str] = mapped_column(String(50), default="")
    representative_name: Mapped[str] = mapped_column(String(50), default="")
    contact_title: Mapped[str] = mapped_column(String(50), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    postal_code: Mapped[str] = mapped_column(String(8), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    corporate_number: Mapped[str] = mapped_column(String(13), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Derived, for search and duplicate checks (reseller_desk.domain.customer).
    search_key: Mapped[str] = mapped_column(Text, default="")
    name_phone_key: Mapped[str] = mapped_column(String(150), default="")
    name_address_key: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    # Optimistic locking: two clerks saving the same customer cannot overwrite each other.
    row_version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (
        CheckConstraint("kind IN ('corporate', 'individual')", name="kind"),
        # The customer list orders all ids by one of these (index-only scans, ~30 ms for
        # 100,000 rows) and filters with the covering index on search_key.
        Index("ix_customers_kind_id", "kind", "id"),
        Index("ix_customers_name_id", "name", "id"),
        Index("ix_customers_name_kana_id", "name_kana", "id"),
        Index("ix_customers_phone_id", "phone", "id"),
        Index("ix_customers_email_id", "email", "id"),
        Index("ix_customers_corporate_number_id", "corporate_number", "id"),
        Index("ix_customers_address_id", "address", "id"),
        Index("ix_customers_search_key", "search_key"),
        Index("ix_customers_name_phone_key", "name_phone_key"),
        Index("ix_customers_name_address_key", "name_address_key"),
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

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

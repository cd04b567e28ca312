"""The tables of Reseller Desk (SQLAlchemy 2.x typed ORM).

Money is always an ``int`` column of yen. Every table that a clerk changes carries who changed
it and when; the full before/after is in ``audit_log``. Every table the office edits in place
carries a ``row_version`` (:func:`version_counter`): a save whose form showed an older version
is refused (services.versions), so nothing is overwritten silently. Later issues add their
tables by a new Alembic revision under ``db/migrations/versions``; never edit an applied
revision.
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
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from reseller_desk import clock
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, IncidentKind, ScreeningAnswer
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.intake import Channel, DocumentKind, IdentityKind, PaymentMethod
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.staff import Role

# Stable constraint names, so that migrations can alter them on SQLite (batch mode) and on
# PostgreSQL alike. Let the convention name unique constraints: PostgreSQL wants every
# constraint's index name unique in the schema, so two tables may not both say name="x".
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Timestamps are stored as naive UTC (from the app's one clock); the UI shows them in
    Japan time."""
    return clock.utcnow()


def version_counter() -> Mapped[int]:
    """The version counter of a row the office edits in place (``version_id_col``): 1 when
    inserted, one more with every UPDATE the ORM flushes, which also checks the version read."""
    return mapped_column(Integer, default=1, nullable=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


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


class Customer(Base):
    """A customer of the office, 法人 or 個人."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CustomerKind] = mapped_column(EnumCode(CustomerKind, 20))
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
    row_version: Mapped[int] = version_counter()

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
    # What the change concerns, for the manager's filters (by customer, by application).
    customer_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    application_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class Counter(Base):
    """Numbers that are issued once and never reused (カスタマID, 申込番号, 文書番号)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_value: Mapped[int] = mapped_column(Integer, default=1)


class CustomerIncident(Base):
    """A record on a customer that later screening must see: 資格取消, 強制解約, 規約違反,
    未払い (SC §8(1), (8); SH §14.2(1), (3))."""

    __tablename__ = "customer_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[IncidentKind] = mapped_column(EnumCode(IncidentKind, 30))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # yen, for 未払い
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (CheckConstraint("amount >= 0", name="non_negative"),)


class DebitAccountColumns:
    """The 口座振替 account of an application or a contract (empty for 振込)."""

    debit_bank_code: Mapped[str] = mapped_column(String(4), default="")
    debit_bank_name: Mapped[str] = mapped_column(String(50), default="")
    debit_branch_code: Mapped[str] = mapped_column(String(3), default="")
    debit_branch_name: Mapped[str] = mapped_column(String(50), default="")
    debit_account_type: Mapped[str] = mapped_column(String(10), default="")
    debit_account_number: Mapped[str] = mapped_column(String(7), default="")
    debit_holder_kana: Mapped[str] = mapped_column(String(100), default="")

    def debit_account(self) -> BankAccountDetails:
        return BankAccountDetails(self.debit_bank_code, self.debit_bank_name, self.debit_branch_code,
                                  self.debit_branch_name, self.debit_account_type, self.debit_account_number,
                                  self.debit_holder_kana)

    def set_debit_account(self, account: BankAccountDetails | None) -> None:
        account = account or BankAccountDetails(account_type="")
        self.debit_bank_code, self.debit_bank_name = account.bank_code, account.bank_name
        self.debit_branch_code, self.debit_branch_name = account.branch_code, account.branch_name
        self.debit_account_type, self.debit_account_number = account.account_type, account.account_number
        self.debit_holder_kana = account.holder_kana


class Application(DebitAccountColumns, Base):
    """An application (申込), from receipt to decision."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # 申込番号 A-2026-000001
    status: Mapped[ApplicationStatus] = mapped_column(EnumCode(ApplicationStatus, 30), index=True)
    channel: Mapped[Channel] = mapped_column(EnumCode(Channel, 20))
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    # An existing customer, or (new applicant) the form's customer fields as JSON until 承諾.
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), default=None, index=True)
    applicant_json: Mapped[str] = mapped_column(Text, default="")
    applicant_name: Mapped[str] = mapped_column(String(100), default="")
    applicant_kana: Mapped[str] = mapped_column(String(100), default="")
    # The applicant's identity keys (domain.customer.identity_keys) as given on this application,
    # so that screening finds earlier refusals of the same applicant with an indexed lookup.
    applicant_corporate_number: Mapped[str] = mapped_column(String(13), default="", index=True)
    applicant_name_phone_key: Mapped[str] = mapped_column(String(150), default="", index=True)
    applicant_name_address_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    terms_profile_id: Mapped[int] = mapped_column(ForeignKey("terms_profiles.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    lines: Mapped[int] = mapped_column(Integer, default=1)
    payment_method: Mapped[PaymentMethod] = mapped_column(EnumCode(PaymentMethod, 20))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    screening_started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    # Internal only: never printed on anything sent to the applicant (SH §14.2).
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # Before revision 0003 the status "cancelled" needed this to tell a withdrawal from a
    # revocation; the status says it now, and this keeps the code it was written with.
    cancel_kind: Mapped[str] = mapped_column(String(30), default="")
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # SH §15.2: the applicant cannot withdraw; a request to is recorded here instead.
    withdrawal_requested_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    # SH §14.2(7): the identity letter sent by post.
    identity_letter_status: Mapped[IdentityLetterResult] = mapped_column(
        EnumCode(IdentityLetterResult, 20), default=IdentityLetterResult.NOT_SENT)
    identity_letter_sent_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    identity_letter_result_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (CheckConstraint("lines >= 1", name="lines"),)


class ApplicationOption(Base):
    __tablename__ = "application_options"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[int] = mapped_column(ForeignKey("plan_options.id"), primary_key=True)


class ApplicationDocument(Base):
    """A paper received with an application. Of an identity document only its kind and the
    last four characters of its number are kept — never a 個人番号."""

    __tablename__ = "application_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(EnumCode(DocumentKind, 30))
    received_on: Mapped[dt.date] = mapped_column(Date)
    identity_kind: Mapped[IdentityKind | None] = mapped_column(EnumCode(IdentityKind, 30, blank_is_none=True),
                                                             default=None, nullable=False)
    number_last_digits: Mapped[str] = mapped_column(String(4), default="")
    note: Mapped[str] = mapped_column(String(200), default="")


class ScreeningItem(Base):
    """One line of an application's screening checklist: one refusal ground of its profile."""

    __tablename__ = "screening_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    ground_code: Mapped[str] = mapped_column(String(10))
    ground_text: Mapped[str] = mapped_column(Text)
    clause: Mapped[str] = mapped_column(String(50))
    answer: Mapped[ScreeningAnswer] = mapped_column(EnumCode(ScreeningAnswer, 20), default=ScreeningAnswer.UNCHECKED)
    note: Mapped[str] = mapped_column(Text, default="")
    # JSON list of the records a pre-filled answer came from.
    evidence: Mapped[str] = mapped_column(Text, default="[]")
    prefilled: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (UniqueConstraint("application_id", "ground_code"),)


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

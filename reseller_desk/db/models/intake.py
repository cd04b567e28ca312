"""Applications from receipt to decision: papers, screening checklist lines, the debit account
columns applications and contracts share.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, ScreeningAnswer
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.domain.intake import Channel, DocumentKind, IdentityKind, PaymentMethod


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

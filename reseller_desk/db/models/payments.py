"""Money in (issue 12): payments and where they were applied, write-offs, the payer names the
bank prints, imported bank statements, and direct-debit requests and their results.

Entries, not states: a payment and its applications are never edited (a mistake is a reversing
entry); an invoice's paid / short / open state and a customer's balance and credit are sums over
these rows (domain.receivables), stored nowhere else.
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
)
from sqlalchemy.orm import Mapped, mapped_column

from reseller_desk.db.models.base import Base, utcnow, version_counter
from reseller_desk.db.types import EnumCode
from reseller_desk.domain.payments import (
    PaymentKind,
    ReceiptMethod,
    StatementLineStatus,
    WriteOffAccount,
)


class Payment(Base):
    """An entry of money in (``receipt``, amount > 0) or out (``reversal`` of a receipt, or a
    ``refund`` of the customer's credit; amount < 0). What a receipt leaves unapplied is the
    customer's credit (過入金): ``amount`` − Σ its applications."""

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[PaymentKind] = mapped_column(EnumCode(PaymentKind, 10))
    method: Mapped[ReceiptMethod] = mapped_column(EnumCode(ReceiptMethod, 10))
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(Integer)
    payer_name: Mapped[str] = mapped_column(String(100), default="")   # as the bank printed it
    note: Mapped[str] = mapped_column(Text, default="")
    # A reversal: the receipt it undoes (at most one reversal per receipt).
    reverses_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), unique=True, default=None)
    # Where it came from: a statement line, a debit request's result, a deposit.
    statement_line_id: Mapped[int | None] = mapped_column(ForeignKey("statement_lines.id"), index=True,
                                                          default=None)
    debit_request_id: Mapped[int | None] = mapped_column(ForeignKey("debit_requests.id"), index=True,
                                                         default=None)
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposits.id"), index=True, default=None)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (
        CheckConstraint("(kind = 'receipt' AND amount > 0) OR (kind <> 'receipt' AND amount < 0)",
                        name="signed_amount"),
        CheckConstraint("(kind = 'reversal') = (reverses_payment_id IS NOT NULL)", name="reversal_refers"),
    )


class PaymentApplication(Base):
    """Part of a payment applied to an invoice (消込). A reversal applies the negative of what the
    receipt it undoes had applied, to the same invoices; credit applied later to a new invoice
    is a new application of the same receipt, on the day it was applied."""

    __tablename__ = "payment_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (CheckConstraint("amount <> 0", name="not_zero"),)


class WriteOff(Base):
    """What the manager wrote off an invoice (a shortfall, SC §13, or a bad debt), with a note:
    its own journal entry, never a changed invoice."""

    __tablename__ = "write_offs"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[int] = mapped_column(Integer)
    account: Mapped[WriteOffAccount] = mapped_column(EnumCode(WriteOffAccount, 20))
    written_on: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)


class PayerName(Base):
    """A name a customer's transfers arrive under, as the bank prints it (ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ …), with
    the keys domain.payer_match computes once (payer_key, loose_key). Registered by a clerk or
    learned when a clerk confirms a match."""

    __tablename__ = "payer_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100), index=True)
    loose_key: Mapped[str] = mapped_column(String(100), index=True)
    learned: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)

    __table_args__ = (UniqueConstraint("customer_id", "key"),)


class BankCsvMapping(Base):
    """How one bank's CSV statement reads (the columns, counted from 1), saved per bank."""

    __tablename__ = "bank_csv_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_name: Mapped[str] = mapped_column(String(50), unique=True)
    header_rows: Mapped[int] = mapped_column(Integer, default=1)
    date_column: Mapped[int] = mapped_column(Integer)
    date_format: Mapped[str] = mapped_column(String(20), default="%Y/%m/%d")
    amount_column: Mapped[int] = mapped_column(Integer)
    payer_column: Mapped[int] = mapped_column(Integer)
    reference_column: Mapped[int | None] = mapped_column(Integer, default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}


class StatementImport(Base):
    """A bank statement of incoming transfers imported (全銀協 01/03 or a bank's CSV)."""

    __tablename__ = "statement_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))            # zengin / csv
    bank_name: Mapped[str] = mapped_column(String(50), default="")
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class StatementLine(Base):
    """An incoming transfer of a statement. ``row_key`` (a hash of the account, the date, the
    bank's reference, the amount and the payer, and the occurrence) makes re-importing the same
    statement add nothing. ``status`` moves open → applied (a payment was recorded from it) or
    ignored, and back to open when that payment is reversed."""

    __tablename__ = "statement_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_import_id: Mapped[int] = mapped_column(ForeignKey("statement_imports.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)                # line in the file
    account: Mapped[str] = mapped_column(String(30), default="")  # bank-branch-account received on
    value_date: Mapped[dt.date] = mapped_column(Date, index=True)
    amount: Mapped[int] = mapped_column(Integer)
    payer_name: Mapped[str] = mapped_column(String(100))
    payer_key: Mapped[str] = mapped_column(String(100), default="")
    reference: Mapped[str] = mapped_column(String(30), default="")
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[StatementLineStatus] = mapped_column(EnumCode(StatementLineStatus, 10),
                                                        default=StatementLineStatus.OPEN, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = version_counter()

    __mapper_args__ = {"version_id_col": row_version}
    __table_args__ = (CheckConstraint("amount > 0", name="positive"),)


class DebitBatch(Base):
    """A 預金口座振替依頼データ written for one collection day, and its 振替結果 once imported."""

    __tablename__ = "debit_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_date: Mapped[dt.date] = mapped_column(Date, index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)
    result_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    result_imported_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    result_imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), default=None)


class DebitRequest(Base):
    """One invoice asked of the customer's bank in a batch (the account copied as written), and
    its result: code 0 振替済 settles the invoice (a payment); any other leaves it open, due by
    transfer by ``transfer_due`` with a 口座振替不能のお知らせ (``notice_id``)."""

    __tablename__ = "debit_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    debit_batch_id: Mapped[int] = mapped_column(ForeignKey("debit_batches.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), default=None)
    record_no: Mapped[int] = mapped_column(Integer)              # the data record's place in the file
    customer_number: Mapped[str] = mapped_column(String(20))     # 顧客番号 in the file
    bank_code: Mapped[str] = mapped_column(String(4))
    branch_code: Mapped[str] = mapped_column(String(3))
    account_type: Mapped[int] = mapped_column(Integer)
    account_number: Mapped[str] = mapped_column(String(7))
    holder_name: Mapped[str] = mapped_column(String(30))         # as written (half-width kana)
    amount: Mapped[int] = mapped_column(Integer)
    result_code: Mapped[int | None] = mapped_column(Integer, default=None)
    result_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    transfer_due: Mapped[dt.date | None] = mapped_column(Date, default=None)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), default=None)

    __table_args__ = (
        UniqueConstraint("debit_batch_id", "invoice_id", name="uq_debit_requests_batch_invoice"),
        UniqueConstraint("debit_batch_id", "customer_number", name="uq_debit_requests_batch_customer_number"),
        Index("ix_debit_requests_invoice_result", "invoice_id", "result_code"),
        CheckConstraint("amount > 0", name="positive"),
    )

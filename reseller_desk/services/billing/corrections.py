"""Correcting an issued invoice: a credit invoice (適格返還請求書) that returns it whole, and,
where needed, a replacement invoice with the right lines.

An issued invoice is never edited (db.frozen, the triggers of revision 0008). A correction
issues, in one transaction through the one writer (services.billing.issuing), from the same
gapless number series:

- the credit invoice (kind CREDIT), dated today with no due date: the original's lines reversed
  (domain.billing.reversed_lines) and its totals negated (Totals.negated, never recomputed, so
  it returns exactly what was charged, tax included), the original's customer as frozen on it,
  the issuer as it is now, and the number and issue date of the invoice it corrects;
- the replacement (kind INVOICE), when lines are given: the same usage month and customer, the
  lines settled under the account's profile (domain.billing.settle: tax once per rate), dated
  today, referring to the original. Its due date: domain.billing.replacement_due_date (the
  original's when that is at least ten days away, else the next due date that is).

Only a manager corrects (it changes what a customer owes). The reason is required and kept on
both documents (``extra["correction_reason"]``) and in the audit record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import BankAccount, CompanySettings, Invoice
from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind, Settlement, Totals
from reseller_desk.domain.bounds import closure_date_problem, is_record_id
from reseller_desk.domain.calendar import BusinessCalendar, japanese_date
from reseller_desk.domain.invoice_document import DocumentParty, InvoiceDocument, InvoiceKind, TransferAccount
from reseller_desk.domain.terms import TermsProfile, load_profile
from reseller_desk.domain.text import clean_line, length_problem, text_type_problem
from reseller_desk.services import audit
from reseller_desk.services.billing import issuing
from reseller_desk.services.billing.correction_lines import MAX_AMOUNT, line_problems
from reseller_desk.services.contracts.acting import profile_by_id
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["Correction", "CorrectionTarget", "InvoiceRef", "REASON_MAX_LENGTH", "correction_lines",
           "correction_target", "issue_correction", "preview_settlement"]

REASON_MAX_LENGTH = 200
ACTION = "請求書の訂正"
#: The collection day when the company details were never saved (company_settings' default).
DEFAULT_COLLECTION_DAY = 27


@dataclass(frozen=True)
class InvoiceRef:
    invoice_id: int
    number: str
    kind: InvoiceKind
    total: int


@dataclass(frozen=True)
class Correction:
    credit: InvoiceRef
    replacement: InvoiceRef | None

    @property
    def message(self) -> str:
        text = f"返還請求書 {self.credit.number} を発行しました"
        if self.replacement is not None:
            text += f"。再発行の請求書は {self.replacement.number} です"
        return text + "。"


@dataclass(frozen=True)
class CorrectionTarget:
    """What the correction dialog shows of the invoice to correct. ``refusal``: why it cannot
    be corrected (a credit invoice, or corrected already), "" when it can."""

    invoice_id: int
    number: str
    kind: InvoiceKind
    customer_name: str
    customer_codes: tuple[str, ...]
    billing_month: dt.date
    issue_date: dt.date
    due_date: dt.date | None
    profile_key: str
    totals: Totals
    lines: tuple[BillLine, ...]
    refusal: str


# -- reading ---------------------------------------------------------------------------------------
def _load(session: Session, invoice_id: object) -> Invoice:
    invoice = session.get(Invoice, invoice_id) if is_record_id(invoice_id) else None
    if invoice is None:
        raise NotFound("指定された請求書は見つかりません。一覧を読み込み直してください。")
    return invoice


def _profile(session: Session, invoice: Invoice) -> TermsProfile:
    return profile_by_id(session, invoice.terms_profile_id, f"請求書 {invoice.number}")


def _refusal(session: Session, invoice: Invoice) -> str:
    if invoice.kind is InvoiceKind.CREDIT:
        return (f"{invoice.number} は返還請求書のため訂正できません。"
                "訂正が必要なら、元の請求書の再発行分を訂正してください。")
    credit = session.scalar(select(Invoice.number).where(Invoice.kind == InvoiceKind.CREDIT,
                                                         Invoice.corrects_invoice_id == invoice.id).limit(1))
    if credit is not None:
        return (f"請求書 {invoice.number} は返還請求書 {credit} で訂正済みです。"
                "さらに直すときは、その再発行分の請求書を訂正してください。")
    return ""


def _editable(lines: Sequence[BillLine]) -> tuple[BillLine, ...]:
    """The lines a replacement starts from: the 次回へ繰越 line is the settlement's own."""
    return tuple(line for line in lines if line.kind is not LineKind.CARRIED_OUT)


def correction_target(db: Database, invoice_id: int) -> CorrectionTarget:
    with db.transaction() as session:
        invoice = _load(session, invoice_id)
        document = InvoiceDocument.from_json(invoice.document_json)
        return CorrectionTarget(invoice.id, invoice.number, invoice.kind, document.customer.name,
                                document.customer_codes, document.billing_month, document.issue_date,
                                document.due_date, _profile(session, invoice).key, document.totals,
                                _editable(document.lines), _refusal(session, invoice))


def correction_lines(db: Database, invoice_id: int) -> tuple[BillLine, ...]:
    """The original's lines, for the dialog to edit (without the 次回へ繰越 line, which the
    replacement's settlement adds again when it is needed)."""
    return correction_target(db, invoice_id).lines


def preview_settlement(profile_key: str, billing_month: dt.date, lines: Sequence[BillLine]) -> Settlement:
    """The totals a replacement with ``lines`` would have (what the dialog shows as it is edited):
    domain.billing.settle under the profile, as :func:`issue_correction` settles them."""
    return billing.settle(load_profile(profile_key), billing_month, list(lines))


# -- the documents ---------------------------------------------------------------------------------
def _issuer_now(session: Session, frozen: DocumentParty) -> DocumentParty:
    """The issuer as the company details say now (the frozen one before they were ever saved)."""
    company = session.get(CompanySettings, 1)
    if company is None or not company.name:
        return frozen
    return DocumentParty(company.name, company.postal_code, company.address, phone=company.phone,
                         registration_number=company.registration_number)


def _transfer_accounts_now(session: Session, frozen: tuple[TransferAccount, ...]) -> tuple[TransferAccount, ...]:
    rows = session.scalars(select(BankAccount).order_by(BankAccount.sort_order, BankAccount.id)).all()
    if not rows:
        return frozen
    return tuple(TransferAccount(r.bank_name, r.branch_name, r.account_type, r.account_number, r.holder_kana)
                 for r in rows)


def _credit(original: InvoiceDocument, issuer: DocumentParty, profile: TermsProfile, today: dt.date,
            reason: str) -> InvoiceDocument:
    return InvoiceDocument(
        number="", kind=InvoiceKind.CREDIT, billing_month=original.billing_month, issue_date=today, due_date=None,
        payment_method=original.payment_method, customer=original.customer, issuer=issuer,
        service_name=original.service_name, lines=billing.reversed_lines(original.lines),
        totals=original.totals.negated(), carried_forward=-original.carried_forward,
        notes=profile.billing.invoice_notes, corrects_number=original.number,
        corrects_issue_date=original.issue_date, extra={"correction_reason": reason})


def _replacement(session: Session, original: InvoiceDocument, issuer: DocumentParty, profile: TermsProfile,
                 lines: Sequence[BillLine], today: dt.date, reason: str) -> InvoiceDocument:
    settled = billing.settle(profile, original.billing_month, list(lines))
    if any(abs(v) > MAX_AMOUNT for v in dataclasses.astuple(settled.totals)) or abs(settled.totals.total) > MAX_AMOUNT:
        raise ValidationFailed({"replacement": f"再発行する請求書の合計は±{MAX_AMOUNT:,}円以内にしてください。"})
    company = session.get(CompanySettings, 1)
    collection_day = company.collection_day if company is not None else DEFAULT_COLLECTION_DAY
    transfer = _transfer_accounts_now(session, original.transfer_accounts) if original.transfer_accounts else ()
    return dataclasses.replace(
        original, number="", kind=InvoiceKind.INVOICE, issue_date=today,
        due_date=billing.replacement_due_date(profile, BusinessCalendar.bank(), original.payment_method,
                                               original.due_date, today, collection_day), issuer=issuer,
        lines=settled.lines, totals=settled.totals, carried_forward=settled.carried_forward,
        transfer_accounts=transfer, notes=profile.billing.invoice_notes, corrects_number=original.number,
        corrects_issue_date=original.issue_date, extra={"correction_reason": reason})


# -- checks ----------------------------------------------------------------------------------------
def _reason(reason: object) -> str:
    if problem := text_type_problem(reason, "訂正の理由"):
        raise ValidationFailed({"reason": problem})
    text = clean_line(reason)
    if not text:
        raise ValidationFailed({"reason": "訂正の理由を入力してください（お客様への説明にも使います）。"})
    if problem := length_problem(text, REASON_MAX_LENGTH, "訂正の理由"):
        raise ValidationFailed({"reason": problem})
    return text


def _today(today: object) -> dt.date:
    """The issue date of the correction: today, or the day given (tests, a CLI run for a day),
    within the window of dates the office records (domain.bounds.closure_window)."""
    day = clock.today() if today is None else today
    if problem := closure_date_problem(day, clock.today(), "訂正の発行日"):
        raise ValidationFailed({"today": problem})
    assert isinstance(day, dt.date)
    return day


def _replacement_lines(replacement: object, original: InvoiceDocument) -> tuple[BillLine, ...] | None:
    if replacement is None:
        return None
    if isinstance(replacement, (str, bytes)) or not isinstance(replacement, Sequence):
        raise ValidationFailed({"replacement": "再発行する請求書の明細を指定してください。"})
    problems, lines = line_problems(replacement, original.lines)
    if problems:
        raise ValidationFailed(problems)
    return lines


# -- the use case ----------------------------------------------------------------------------------
def _ref(issued: issuing.Issued) -> InvoiceRef:
    return InvoiceRef(issued.invoice_id, issued.number, issued.document.kind, issued.document.totals.total)


@retried
def issue_correction(db: Database, actor: Actor, invoice_id: int, *, reason: str,
                     replacement: Sequence[BillLine] | None, today: dt.date | None = None) -> Correction:
    """Correct the issued invoice ``invoice_id``: its credit invoice and, with ``replacement``
    lines, the invoice that replaces it (see the module's docstring). Refused, with nothing
    written: a credit invoice, an invoice corrected already (naming the credit), an unknown id,
    a line whose amount is not its quantity × its unit price, no lines at all."""
    require_role(actor, Role.MANAGER, action=ACTION)
    text = _reason(reason)
    day = _today(today)
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)  # before issued_by_id names them
        invoice = _load(session, invoice_id)
        if refusal := _refusal(session, invoice):
            raise ServiceError(refusal)
        original = InvoiceDocument.from_json(invoice.document_json)
        if day < original.issue_date:
            raise ValidationFailed({"today": f"訂正の発行日は元の請求書の発行日（{japanese_date(original.issue_date)}）"
                                             "以降にしてください。"})
        lines = _replacement_lines(replacement, original)
        profile = _profile(session, invoice)
        issuer = _issuer_now(session, original.issuer)
        drafts = [issuing.Draft(_credit(original, issuer, profile, day, text), invoice.customer_id,
                                invoice.terms_profile_id, corrects_invoice_id=invoice.id)]
        if lines is not None:
            drafts.append(issuing.Draft(_replacement(session, original, issuer, profile, lines, day, text),
                                        invoice.customer_id, invoice.terms_profile_id, corrects_invoice_id=invoice.id))
        issued = issuing.issue(session, drafts, issued_by_id=actor.user_id)
        credit = _ref(issued[0])
        replaced = _ref(issued[1]) if len(issued) > 1 else None
        audit.record(session, actor, "invoice.correct", "invoice", invoice.id,
                     before={"number": invoice.number, "total": invoice.total},
                     after={"credit": {"number": credit.number, "total": credit.total},
                            "replacement": None if replaced is None else {"number": replaced.number,
                                                                          "total": replaced.total},
                            "reason": text},
                     summary=f"請求書訂正 {invoice.number} → 返還 {credit.number}"
                             + (f"・再発行 {replaced.number}" if replaced else ""),
                     customer_id=invoice.customer_id)
    return Correction(credit, replaced)

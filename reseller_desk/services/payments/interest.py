"""遅延損害金 (late interest; SC §14: 年14.6%, the day after the due date to the day before
payment; SH §30: 年14.5%, the day after the due date until paid, payment day included), per
invoice on the unpaid tax-inclusive principal (terms-rules.md §6 decision: floor, 365 days).

- Assessed when a late invoice is paid (:func:`payment_received`, an after-receipt hook of every
  receipt: services.payments.hooks) on the part the receipt settles, and, when the company setting
  ``interest_at_month_end`` is on, for the part accrued at each month end (:func:`assess_month_end`)
  on what every late invoice still owes.
- The month-end accruals of an invoice cover every day up to their latest ``period_to`` for all
  it owed then, so a later payment is charged only for the days after it; a part paid before an
  accrual is run is not in it (the accrual's principal is what is owed when it is run).
- Each assessment is a LateInterest row and a 不課税 one-time charge (ChargeKind.LATE_INTEREST,
  source ``late_interest``) billed on the billing account's next invoice (the month of the
  payment or month end, or the one after the last invoiced: services.equipment.charging).
- Decision: an invoice whose direct debit failed keeps its own due date for interest (the
  口座振替不能のお知らせ asks for the money by a later day, but the invoice was due on its day).
- A manager may waive an assessment with a reason (:func:`waive_interest`): a charge not yet
  billed is withdrawn, a billed one is credited on the next invoice.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings, Contract, Invoice, LateInterest, OneTimeCharge, Payment
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_record_id, recorded_date_problem
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.payments import PaymentKind
from reseller_desk.domain.receivables import PaymentApplied
from reseller_desk.domain.terms import InterestFirstDay, InterestLastDay, TermsProfile
from reseller_desk.domain.text import clean_note
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import note_problem, profile_by_id
from reseller_desk.services.equipment.charging import charge_month
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.payments.balances import InvoiceBalance, balances
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried
from reseller_desk.services.settings import COMPANY_ROW_ID

__all__ = ["SOURCE", "WAIVER_SOURCE", "InterestInfo", "MonthEndResult", "assess_month_end", "interest_of",
           "payment_received", "waive_interest"]

#: The one-time charges this module records (source) and the credits of a waiver.
SOURCE = "late_interest"
WAIVER_SOURCE = "late_interest_waiver"


@dataclass(frozen=True)
class _Period:
    first: dt.date
    last: dt.date
    days: int
    amount: int


def _period(profile: TermsProfile, principal: int, due: dt.date, accrued_to: dt.date | None,
            paid: dt.date) -> _Period | None:
    """The days and interest the profile counts for ``principal`` late since ``due`` and paid on
    ``paid`` (rules.late_interest), after the days a month-end accrual already charged."""
    terms = profile.late_interest
    anchor = due
    if accrued_to is not None and accrued_to >= due:
        # Counting resumes the day after the accrual: rules count from the day after ``anchor``
        # (or from it, for a profile counting the due date itself).
        anchor = accrued_to if terms.first_day is InterestFirstDay.DAY_AFTER_DUE else accrued_to + dt.timedelta(days=1)
    days = rules.late_interest_days(profile, anchor, paid)
    if days == 0:
        return None
    amount = rules.late_interest(profile, principal, anchor, paid)
    last = paid - dt.timedelta(days=1) if terms.last_day is InterestLastDay.DAY_BEFORE_PAYMENT else paid
    return _Period(last - dt.timedelta(days=days - 1), last, days, amount) if amount > 0 else None


def _paid_for_accrual(profile: TermsProfile, month_end: dt.date) -> dt.date:
    """The 'payment day' that makes the profile count every day up to ``month_end`` inclusive."""
    if profile.late_interest.last_day is InterestLastDay.DAY_BEFORE_PAYMENT:
        return month_end + dt.timedelta(days=1)
    return month_end


def _accrued_to(session: Session, invoice_id: int) -> dt.date | None:
    """The last day a month-end accrual of the invoice covers (None: none yet)."""
    return session.scalar(select(func.max(LateInterest.period_to)).where(
        LateInterest.invoice_id == invoice_id, LateInterest.payment_id.is_(None)))


def _charge(session: Session, actor: Actor, balance: InvoiceBalance, day: dt.date, kind: ChargeKind,
            description: str, amount: int, source: str, source_id: int) -> OneTimeCharge:
    """A charge on the next invoice of the invoice's billing account (customer + terms), billed
    in the month of ``day`` or the one after the last invoiced (charging.charge_month)."""
    account = Contract(customer_id=balance.customer_id, terms_profile_id=balance.terms_profile_id)  # not added
    charge = OneTimeCharge(customer_id=balance.customer_id, terms_profile_id=balance.terms_profile_id,
                           contract_id=None, billing_month=charge_month(session, account, day), kind=kind,
                           description=description, quantity=1, unit_amount=amount, amount=amount,
                           tax_category=TaxCategory.OUTSIDE, source=source, source_id=source_id,
                           recorded_by_id=actor.user_id)
    session.add(charge)
    session.flush()
    return charge


def _description(balance: InvoiceBalance, period: _Period, rate: Decimal) -> str:
    return (f"遅延損害金（請求書 {balance.number}、{period.first:%Y/%m/%d}〜{period.last:%Y/%m/%d} "
            f"{period.days}日、年{rate * 100:g}%）")


def _assess(session: Session, actor: Actor, balance: InvoiceBalance, principal: int, paid: dt.date, day: dt.date,
            today: dt.date, payment_id: int | None) -> LateInterest | None:
    """One assessment (a LateInterest row and its charge), or None when it comes to 0 yen."""
    if balance.due_date is None or principal <= 0:
        return None
    profile = profile_by_id(session, balance.terms_profile_id, f"請求書 {balance.number}")
    period = _period(profile, principal, balance.due_date, _accrued_to(session, balance.invoice_id), paid)
    if period is None:
        return None
    rate = profile.late_interest.annual_rate
    same = session.scalar(select(LateInterest).where(LateInterest.invoice_id == balance.invoice_id,
                                                     LateInterest.period_to == period.last))
    if same is not None:
        # Two parts of one invoice charged to the same day (two transfers of one day, or a
        # payment and the month-end accrual): one row, the charges added.
        if same.waived_on is not None:
            return None
        same.principal += principal
        same.amount += period.amount
        if payment_id is None:
            same.payment_id = None  # now an accrual: later interest counts from the day after
        row = same
    else:
        row = LateInterest(invoice_id=balance.invoice_id, customer_id=balance.customer_id, payment_id=payment_id,
                           principal=principal, period_from=period.first, period_to=period.last, days=period.days,
                           annual_rate=rate, amount=period.amount, assessed_on=today, recorded_by_id=actor.user_id)
        session.add(row)
        session.flush()
    charge = session.get(OneTimeCharge, row.charge_id) if row.charge_id is not None else None
    if charge is not None and charge.invoice_id is None:
        charge.unit_amount += period.amount
        charge.amount += period.amount
    else:
        charge = _charge(session, actor, balance, day, ChargeKind.LATE_INTEREST, _description(balance, period, rate),
                         period.amount, SOURCE, row.id)
        if row.charge_id is None:
            row.charge_id = charge.id
    session.flush()
    audit.record(session, actor, "late_interest.assess", "invoice", balance.invoice_id,
                 customer_id=balance.customer_id,
                 after={"late_interest_id": row.id, "principal": principal, "from": period.first.isoformat(),
                        "to": period.last.isoformat(), "days": period.days, "amount": period.amount},
                 summary=f"遅延損害金 {balance.number} {period.amount:,}円（{period.days}日）")
    return row


def payment_received(session: Session, actor: Actor, payment: Payment, applied: Sequence[PaymentApplied]) -> None:
    """The after-receipt hook: interest on each part of a late invoice the receipt settled."""
    if payment.kind is not PaymentKind.RECEIPT:
        return
    parts = [a for a in applied if a.amount > 0]
    if not parts:
        return
    settled = balances(session, invoice_ids=[a.invoice_id for a in parts])
    today = clock.today()
    for part in parts:
        balance = settled[part.invoice_id]
        if balance.due_date is not None and payment.received_on > balance.due_date:
            _assess(session, actor, balance, part.amount, payment.received_on, payment.received_on,
                    max(today, payment.received_on), payment.id)


@dataclass(frozen=True)
class MonthEndResult:
    month_end: dt.date
    assessed: int        # rows written
    amount: int          # yen


def _month_end_problem(month_end: object, today: dt.date) -> str | None:
    problem = recorded_date_problem(month_end, today, "計上する月末")
    if problem:
        return problem
    assert isinstance(month_end, dt.date)
    if month_end.day != calendar.monthrange(month_end.year, month_end.month)[1]:
        return "計上日は月末日を指定してください。"
    return None


@retried
def assess_month_end(db: Database, actor: Actor, month_end: dt.date, *, today: dt.date | None = None) -> MonthEndResult:
    """遅延損害金の月末計上: the interest accrued to ``month_end`` on what every late invoice still
    owes, from the day after its previous accrual (when the setting is on). Run again for the same
    month, it adds nothing."""
    require_role(actor, Role.MANAGER, Role.CLERK, action="遅延損害金の月末計上")
    today = today or clock.today()
    problem = _month_end_problem(month_end, today)
    if problem:
        raise ValidationFailed({"month_end": problem})
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        settings = session.get(CompanySettings, COMPANY_ROW_ID)
        if settings is None or not settings.interest_at_month_end:
            raise ServiceError("遅延損害金の月末計上は設定で無効になっています（設定 → 請求 で有効にしてください）。")
        late = session.scalars(select(Invoice.id).where(Invoice.kind == InvoiceKind.INVOICE,
                                                        Invoice.due_date < month_end))
        count = total = 0
        for balance in balances(session, invoice_ids=list(late)).values():
            if balance.owed == 0:
                continue
            row = _assess(session, actor, balance, balance.owed, _paid_for_accrual(
                profile_by_id(session, balance.terms_profile_id, balance.number), month_end), month_end, today, None)
            if row is not None:
                count += 1
                total = total + row.amount
        return MonthEndResult(month_end, count, total)


@retried
def waive_interest(db: Database, actor: Actor, late_interest_id: int, reason: str, *,
                   today: dt.date | None = None) -> None:
    """遅延損害金の免除 (manager only, with a reason): a charge not yet billed is withdrawn; one
    already billed is credited (a negative charge) on the next invoice."""
    require_role(actor, Role.MANAGER, action="遅延損害金の免除")
    today = today or clock.today()
    problem = note_problem(reason, "免除の理由", required=True)
    if problem:
        raise ValidationFailed({"reason": problem})
    with db.transaction(write=True) as session:
        confirm_actor(session, actor)
        row = session.get(LateInterest, late_interest_id) if is_record_id(late_interest_id) else None
        if row is None:
            raise NotFound("指定された遅延損害金は見つかりません。")
        if row.waived_on is not None:
            raise ServiceError("この遅延損害金はすでに免除されています。")
        balance = balances(session, invoice_ids=[row.invoice_id])[row.invoice_id]
        charges = session.scalars(select(OneTimeCharge).where(OneTimeCharge.source == SOURCE,
                                                              OneTimeCharge.source_id == row.id)).all()
        withdrawn = credited = 0
        row.charge_id = None
        session.flush()
        for charge in charges:
            if charge.invoice_id is None:
                withdrawn += charge.amount
                session.delete(charge)
            else:
                credited += charge.amount
        if credited:
            _charge(session, actor, balance, today, ChargeKind.CREDIT,
                    f"遅延損害金の免除（請求書 {balance.number}）", -credited, WAIVER_SOURCE, row.id)
        row.waived_on, row.waived_by_id, row.waive_reason = today, actor.user_id, clean_note(reason)
        session.flush()
        audit.record(session, actor, "late_interest.waive", "invoice", row.invoice_id, customer_id=row.customer_id,
                     before={"amount": row.amount}, after={"withdrawn": withdrawn, "credited": credited,
                                                           "reason": row.waive_reason},
                     summary=f"遅延損害金の免除 {balance.number} {row.amount:,}円")


@dataclass(frozen=True)
class InterestInfo:
    id: int
    invoice_id: int
    invoice_number: str
    principal: int
    period_from: dt.date
    period_to: dt.date
    days: int
    annual_rate: Decimal
    amount: int
    assessed_on: dt.date
    billed: bool                 # its charge is on an issued invoice
    waived_on: dt.date | None
    waive_reason: str


def interest_of(db: Database, customer_id: int) -> list[InterestInfo]:
    """The customer's late interest assessments, oldest first."""
    with db.transaction() as session:
        rows = session.execute(select(LateInterest, Invoice.number).join(Invoice, Invoice.id == LateInterest.invoice_id)
                               .where(LateInterest.customer_id == customer_id)
                               .order_by(LateInterest.period_to, LateInterest.id)).all()
        billed = set(session.scalars(select(OneTimeCharge.source_id).where(
            OneTimeCharge.source == SOURCE, OneTimeCharge.invoice_id.is_not(None),
            OneTimeCharge.source_id.in_([r.id for r, _ in rows]))))
        return [InterestInfo(r.id, r.invoice_id, number, r.principal, r.period_from, r.period_to, r.days,
                             r.annual_rate, r.amount, r.assessed_on, r.id in billed, r.waived_on, r.waive_reason)
                for r, number in rows]

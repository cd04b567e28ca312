"""A month of money for the journal tests: invoices issued in December 2026 (for November's
usage) with 不課税 late interest and damages, payments (one over, one short), a write-off of the
shortfall and a deposit received. Write-offs and deposits are written as rows here: their
services are other parts of issue 12."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from reseller_desk.db.models import Contract, Deposit, DepositEntry, Invoice, OneTimeCharge, WriteOff
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.payments import DepositEntryKind, WriteOffAccount
from reseller_desk.services import settings
from reseller_desk.services.payments import ledger

from .builders import MIRAI
from .invoice_builders import MONTH, a_customer, document, issue_documents, recurring
from .payment_builders import an_invoice

__all__ = ["DECEMBER", "Month", "a_month_of_money", "an_invoice_with_extras"]

DECEMBER = dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 28)


@dataclass(frozen=True)
class Month:
    invoice_totals: dict[int, int]     # invoice id → total
    first: int                          # the invoice with the 不課税 lines
    second: int


def _charge(session, customer_id: int, kind: ChargeKind, amount: int) -> int:
    charge = OneTimeCharge(customer_id=customer_id, terms_profile_id=settings.profile_record(session, "simpleconnect").id,
                           billing_month=MONTH, kind=kind, description=kind.label, unit_amount=amount, amount=amount,
                           tax_category=TaxCategory.OUTSIDE)
    session.add(charge)
    session.flush()
    return charge.id


def an_invoice_with_extras(db, customer_id: int, *, interest: int = 300, damages: int = 700,
                           tamper: int = 0) -> tuple[int, int]:
    """November's invoice: ベーシック 2 × 2,980 (課税10%) and 不課税 late interest and damages
    (one-time charges). ``tamper`` adds a 不課税 line its totals leave out (a broken invoice)."""
    with db.transaction(write=True) as session:
        interest_id = _charge(session, customer_id, ChargeKind.LATE_INTEREST, interest)
        damages_id = _charge(session, customer_id, ChargeKind.DAMAGES, damages)
    lines = [recurring("C0000001", "ベーシック 月額", 2, 2980),
             BillLine(LineKind.FIXED, "遅延損害金", 1, interest, interest, TaxCategory.OUTSIDE, source="one_time_charge",
                      source_id=interest_id),
             BillLine(LineKind.FIXED, "損害金", 1, damages, damages, TaxCategory.OUTSIDE, source="one_time_charge",
                      source_id=damages_id)]
    doc = document(lines)
    if tamper:
        doc = dataclasses.replace(doc, lines=(*doc.lines, BillLine(LineKind.FIXED, "記載漏れ", 1, tamper, tamper,
                                                                   TaxCategory.OUTSIDE)))
    issued = issue_documents(db, customer_id, [doc])[0]
    return issued.invoice_id, issued.document.totals.total


def a_month_of_money(db, clerk, contract_id: int, *, name: str = "株式会社みらい商事") -> Month:
    """Two customers' invoices issued in December; the first paid 500 over on the 10th (前受金),
    the second paid 440 short on the 20th and the shortfall written off (雑損失) on the 21st; the
    contract's customer deposited 50,000 on the 15th."""
    first_customer = a_customer(db, clerk, dataclasses.replace(MIRAI, name=name))
    second_customer = a_customer(db, clerk, dataclasses.replace(MIRAI, name="株式会社ひかり商事",
                                                                name_kana="ヒカリショウジ", phone="03-1111-2222"))
    first, first_total = an_invoice_with_extras(db, first_customer)
    second, second_total = an_invoice(db, second_customer)
    ledger.record_payment(db, clerk, first_customer, received_on=dt.date(2026, 12, 10), amount=first_total + 500,
                          payer_name="ｶ)ﾐﾗｲｼｮｳｼﾞ", today=TODAY)
    ledger.record_payment(db, clerk, second_customer, received_on=dt.date(2026, 12, 20), amount=second_total - 440,
                          today=TODAY)
    with db.transaction(write=True) as session:
        session.add(WriteOff(invoice_id=second, customer_id=second_customer, amount=440,
                             account=WriteOffAccount.MISC_LOSS, written_on=dt.date(2026, 12, 21),
                             note="振込手数料の差引"))
        holder = session.scalar(select(Contract.customer_id).where(Contract.id == contract_id))
        deposit = Deposit(contract_id=contract_id, customer_id=holder, amount=50_000, deadline=dt.date(2026, 12, 25),
                          requested_on=dt.date(2026, 12, 1), monthly_charges=35_000)
        session.add(deposit)
        session.flush()
        session.add(DepositEntry(deposit_id=deposit.id, kind=DepositEntryKind.RECEIVED, on=dt.date(2026, 12, 15),
                                 amount=50_000))
        assert {session.get(Invoice, i).issue_date.month for i in (first, second)} == {12}
    return Month({first: first_total, second: second_total}, first, second)

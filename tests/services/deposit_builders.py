"""What the tests of deposits (利用保証金, SC §9.10–13) are built from: the office's transfer
account, a SimpleConnect or 即日発番 contract opened through the real services, an issued
invoice whose lines are that contract's (monthly charges of a chosen size), and the contract
ended through the real cancellation service."""

from __future__ import annotations

import dataclasses
import datetime as dt

from reseller_desk import clock
from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.company import BankAccountDetails
from reseller_desk.services import settings
from reseller_desk.services.billing.issuing import Draft, issue
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.acting import load, profile_of

from .builders import TODAY, sc_input, sh_input
from .contract_builders import approved, contract_now, version
from .invoice_builders import MONTH, document

__all__ = ["MONTH", "TODAY", "an_office_account", "billed", "ended", "opened_contract"]


def an_office_account(db, manager) -> None:
    """設定 → 振込先: the account the 預託のお願い tells the customer to pay into."""
    settings.save_bank_accounts(db, manager, [BankAccountDetails("0001", "", "001", "", "普通", "1234567",
                                                                 "ｶ)ﾐﾗｲﾃﾚｺﾑ")], expected_versions={})


def opened_contract(db, manager, office, *, profile: str = "simpleconnect") -> int:
    """A contract approved (and opened) on TODAY (2026-11-20), 利用中."""
    inp = sc_input(office) if profile == "simpleconnect" else sh_input(office)
    contract_id = approved(db, manager, inp, today=TODAY)
    if contract_now(db, contract_id).status == "awaiting_opening":   # SH opens later; SC is 利用中 at once
        lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY, expected_version=version(db, contract_id),
                                today=TODAY)
    return contract_id


def _lines(db, contract_id: int, month: dt.date, recurring: int, usage: int, fixed: int) -> list[BillLine]:
    code, end = contract_now(db, contract_id).customer_code, billing.last_day(month)
    lines = [BillLine(LineKind.RECURRING, "ベーシック 月額", 1, recurring, recurring, TaxCategory.TAXABLE_10, code,
                      contract_id, month, end)]
    if usage:
        lines.append(BillLine(LineKind.USAGE, "通話料（10通話）", 10, None, usage, TaxCategory.TAXABLE_10, code,
                              contract_id, month, end, "usage"))
    if fixed:
        lines.append(BillLine(LineKind.FIXED, "遅延損害金", 1, fixed, fixed, TaxCategory.OUTSIDE, code, contract_id,
                              month, end))
    return lines


def billed(db, contract_id: int, *, recurring: int, usage: int = 0, fixed: int = 0, month: dt.date = MONTH,
           due: dt.date | None = None, others: dict[int, int] | None = None,
           replacing: int | None = None) -> tuple[int, int]:
    """An issued invoice of the contract's customer for ``month``: one 月額 line of ``recurring``
    yen, a 通話料 line of ``usage`` and a 単発 (不課税) line of ``fixed`` when given (before tax);
    ``others``: more contracts of the same customer (id → 月額) on the same invoice; ``replacing``:
    the invoice it replaces (a correction's). (id, total)."""
    contract = contract_now(db, contract_id)
    lines = _lines(db, contract_id, month, recurring, usage, fixed)
    for other, amount in (others or {}).items():
        lines += _lines(db, other, month, amount, 0, 0)
    with db.transaction() as session:
        profile_key = profile_of(session, load(session, contract_id)).key
        profile_id = settings.profile_record(session, profile_key).id
    doc = document(lines, profile_key=profile_key, month=month)
    if due is not None:
        doc = dataclasses.replace(doc, due_date=due)
    with db.transaction(write=True) as session:
        issued = issue(session, [Draft(doc, contract.customer_id, profile_id, corrects_invoice_id=replacing)],
                       issued_by_id=None)[0]
    return issued.invoice_id, issued.document.totals.total


def ended(db, manager, contract_id: int, *, requested_on: dt.date = TODAY,
          desired_month: dt.date | None = dt.date(2026, 12, 1)) -> None:
    """The contract's cancellation accepted (SC §23: it ends at the end of ``desired_month``;
    pass None for SH, which ends on the day received)."""
    with clock.frozen(requested_on):
        lifecycle.accept_cancellation(db, manager, contract_id, requested_on=requested_on, desired_month=desired_month,
                                      expected_version=version(db, contract_id), today=requested_on)

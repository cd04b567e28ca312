"""How an equipment charge reaches an invoice: the one rule for the month it is billed in, and
the one writer of the equipment's one-time charges (sales, damages, penalties, replacements).

A charge is billed in the month of its event, or, when that month is already invoiced for the
contract's billing account (its customer under its terms), in the first month after the last one
invoiced: an invoice is never rewritten (issue 10), so the charge goes on the next one.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlalchemy.orm import Session

from reseller_desk.db.models import Contract, OneTimeCharge
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.services.contracts.acting import billed_through
from reseller_desk.services.permissions import Actor

__all__ = ["add_charge", "charge_month"]


def charge_month(session: Session, contract: Contract, day: dt.date) -> dt.date:
    """The usage month a charge of ``day`` is billed in (its first day): ``day``'s month, or the
    month after the last one invoiced for the contract's account, whichever is later."""
    month = first_of_month(day)
    billed = billed_through(session, contract)
    if billed is not None and billed >= month:
        month = first_of_month(billed) + relativedelta(months=1)
    return month


def add_charge(session: Session, actor: Actor, contract: Contract, day: dt.date, kind: ChargeKind, description: str,
               amount: int, tax: TaxCategory, *, source: str, source_id: int | None, note: str = "") -> OneTimeCharge:
    """A one-time charge (or, negative, a credit) of the contract, billed in
    :func:`charge_month` of ``day``. The caller audits its own use case."""
    charge = OneTimeCharge(customer_id=contract.customer_id, terms_profile_id=contract.terms_profile_id,
                           contract_id=contract.id, billing_month=charge_month(session, contract, day), kind=kind,
                           description=description, quantity=1, unit_amount=amount, amount=amount, tax_category=tax,
                           source=source, source_id=source_id, note=note, recorded_by_id=actor.user_id)
    session.add(charge)
    session.flush()
    return charge

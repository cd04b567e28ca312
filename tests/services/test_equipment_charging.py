"""An equipment charge is billed in its event's month, or after the last invoiced month: an issued
invoice is never rewritten (services.equipment.charging)."""

from __future__ import annotations

import datetime as dt

from reseller_desk.db.models import Contract
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.services.equipment.charging import add_charge, charge_month

from .billing_office import OCTOBER, customer, put_contract
from .invoice_builders import document, issue_documents


def test_a_charge_goes_on_its_own_month_until_that_month_is_invoiced_then_on_the_next(db, office, manager):
    customer_id = customer(db, manager)
    contract_id, _ = put_contract(db, customer_id, "simpleconnect", plans=[(office["sc"], 1, OCTOBER, None)],
                                  first_billable=OCTOBER)
    day = dt.date(2026, 10, 20)
    with db.transaction() as session:
        assert charge_month(session, session.get(Contract, contract_id), day) == OCTOBER
    issue_documents(db, customer_id, [document(month=OCTOBER)])
    with db.transaction(write=True) as session:
        contract = session.get(Contract, contract_id)
        assert charge_month(session, contract, day) == dt.date(2026, 11, 1)
        assert charge_month(session, contract, dt.date(2026, 12, 3)) == dt.date(2026, 12, 1)
        charge = add_charge(session, manager, contract, day, ChargeKind.DAMAGES,
                            "付属品不足 ACアダプター（SN1）", 1500, TaxCategory.OUTSIDE, source="return_request",
                            source_id=7)
        assert (charge.billing_month, charge.amount, charge.customer_id) == (dt.date(2026, 11, 1), 1500, customer_id)


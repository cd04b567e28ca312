"""The demo office's equipment (issue 11 "Demo"), read back from a demo filled once for the module
(on SQLite; tests/test_demo_contracts.py runs tests/consistency.py, equipment included, on both
engines): models of each kind with accessories and a price change, a few hundred units in every
status on the right contracts, returns open and late, rents and sales on the invoices, and a
warranty replacement under way."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    Contract,
    EquipmentAccessory,
    EquipmentModel,
    EquipmentPriceChange,
    EquipmentUnit,
    InvoiceLineRow,
    Notice,
    ReturnRequest,
    TermsProfileRecord,
    WarrantyReplacement,
)
from reseller_desk.demo import fill_demo
from reseller_desk.domain.contract import LIVE_STATUSES, ContractStatus
from reseller_desk.domain.equipment import EquipmentKind, UnitStatus
from tests.consistency import check

TODAY = clock.today()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-equipment") / "demo.sqlite3"
    db = Database.open(path, create=True)
    fill_demo(db, customers=200)
    yield path, db
    db.dispose()


def units_by_status(db) -> dict[UnitStatus, list[tuple[EquipmentUnit, Contract | None, str | None]]]:
    with db.transaction() as session:
        rows = session.execute(select(EquipmentUnit, Contract, TermsProfileRecord.key)
                               .outerjoin(Contract, Contract.id == EquipmentUnit.contract_id)
                               .outerjoin(TermsProfileRecord, TermsProfileRecord.id == Contract.terms_profile_id)).all()
        session.expunge_all()
    found: dict[UnitStatus, list] = {}
    for unit, contract, profile in rows:
        found.setdefault(unit.status, []).append((unit, contract, profile))
    return found


def test_the_demo_has_two_phones_a_router_and_an_adapter_with_accessories_and_a_price_change(demo):
    _path, db = demo
    with db.transaction() as session:
        kinds = Counter(m.kind for m in session.scalars(select(EquipmentModel)))
        accessories = Counter(a.model_id for a in session.scalars(select(EquipmentAccessory)))
        changes = list(session.scalars(select(EquipmentPriceChange)))
    assert kinds == {EquipmentKind.PHONE: 2, EquipmentKind.ROUTER: 1, EquipmentKind.ADAPTER: 1}
    assert len(accessories) == 4 and all(count >= 1 for count in accessories.values())
    assert changes and all(c.from_month <= TODAY for c in changes)


def test_a_few_hundred_units_in_every_status_held_by_the_right_contracts(demo):
    _path, db = demo
    found = units_by_status(db)
    assert set(found) == set(UnitStatus)
    assert 200 <= sum(map(len, found.values())) <= 500
    assert {profile for _u, _c, profile in found[UnitStatus.LENT]} == {"sokujitsu"}
    assert all(c is not None and c.status in LIVE_STATUSES for _u, c, _p in found[UnitStatus.LENT])
    assert {profile for _u, _c, profile in found[UnitStatus.SOLD] + found[UnitStatus.AWAITING_SHIPMENT]} == {
        "simpleconnect"}
    ending = {ContractStatus.CANCELLATION_SCHEDULED, ContractStatus.CANCELLED, ContractStatus.TERMINATED,
              ContractStatus.ENDED}
    returns = [(c, p) for _u, c, p in found[UnitStatus.AWAITING_RETURN]]
    assert all(c is not None and (c.status in ending or p == "simpleconnect") for c, p in returns)
    assert all(c is None for status in (UnitStatus.IN_STOCK, UnitStatus.IN_REPAIR, UnitStatus.DISPOSED)
               for _u, c, _p in found[status])


def test_returns_are_open_some_late_some_not_and_a_few_back(demo):
    _path, db = demo
    with db.transaction() as session:
        requests = list(session.scalars(select(ReturnRequest).where(ReturnRequest.reason == "contract_ended")))
    open_ = [r for r in requests if r.status == "open"]
    assert any(r.deadline < TODAY for r in open_) and any(r.deadline >= TODAY for r in open_)
    assert any(r.status == "returned" for r in requests)
    assert all(r.monthly_charges > 0 and r.place for r in requests)


def test_rents_and_sales_are_on_the_invoices_the_demo_issued(demo):
    _path, db = demo
    with db.transaction() as session:
        lines = [(line.description, line.tax_category.value) for line in session.scalars(select(InvoiceLineRow))]
    assert any(d.startswith("機器レンタル") and tax == "taxable_10" for d, tax in lines)
    assert any(d.startswith("機器販売") and tax == "taxable_10" for d, tax in lines)


def test_a_warranty_replacement_is_under_way_with_its_two_notices(demo):
    _path, db = demo
    with db.transaction() as session:
        [replacement] = session.scalars(select(WarrantyReplacement))
        request = session.scalars(select(ReturnRequest).where(ReturnRequest.replacement_id == replacement.id)).one()
        kinds = {n.kind.value for n in session.scalars(select(Notice).where(Notice.contract_id
                                                                             == replacement.contract_id))}
        old = session.get(EquipmentUnit, replacement.old_unit_id)
        new = session.get(EquipmentUnit, replacement.new_unit_id)
    assert replacement.received_on is not None and replacement.deadline is not None
    assert replacement.deadline == replacement.received_on + dt.timedelta(days=14) > TODAY
    assert (request.status, request.deadline) == ("open", replacement.deadline)
    assert (old.status, new.status) == (UnitStatus.AWAITING_RETURN, UnitStatus.SOLD)
    assert {"replacement_sent", "replaced_unit_return"} <= kinds


def test_the_demo_with_its_equipment_is_consistent(demo):
    path, _db = demo
    assert check(path).problems == []

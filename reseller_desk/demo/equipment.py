"""The demo office's equipment (issue 11): four models of each kind (two phones, a router, an
adapter) with their accessories and a price change, a few hundred units received over the
past year, and every status a unit can be in — 在庫; 貸出中 on live 即日発番 contracts (SH §13.2);
販売済 and 出荷待ち on SimpleConnect contracts (SC §10.4: shipped once paid); 返却待ち on ended
即日発番 contracts with their return requests open, some past their deadline (SH §13.4–5), and
a few returned; 修理中, 紛失, 廃棄 — and one warranty replacement under way (SC §21).

Units are received and moved through services.equipment.units (their history and audit are
what the office's would be); rentals, sales and return requests, whose services belong to
other parts of the issue, are written as those services store them (db/models/equipment.py);
the replacement goes through services.equipment.replacements. Called by ``fill_demo`` once the
contracts exist and before the demo bills its months, so that rents and sales are invoiced.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    CompanySettings,
    Contract,
    EquipmentAccessory,
    EquipmentModel,
    EquipmentPriceChange,
    EquipmentSale,
    EquipmentUnit,
    OneTimeCharge,
    Rental,
    ReturnRequest,
    TermsProfileRecord,
    UnitEvent,
)
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.equipment import (
    DEFAULT_RETURN_DAYS,
    EquipmentKind,
    UnitAction,
    UnitStatus,
    normalise_mac,
    return_deadline,
)
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import audit
from reseller_desk.services.contracts.acting import company_calendar
from reseller_desk.services.equipment import replacements, units
from reseller_desk.services.equipment.penalties import monthly_charges_at_end
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.equipment.replacement_notices import return_place
from reseller_desk.services.permissions import Actor
from reseller_desk.services.retry import retried

__all__ = ["DEMO_MODELS", "DemoModel", "fill_equipment"]


@dataclass(frozen=True)
class DemoModel:
    code: str
    name: str
    maker: str
    kind: EquipmentKind
    sale_price: int
    rental_fee: int
    accessories: tuple[tuple[str, int], ...]
    serial_prefix: str
    oui: str                      # the maker's MAC prefix ("" : no MAC)
    stock: int                    # units received
    new_prices: tuple[int, int] | None = None   # (sale, rent) from six months ago


DEMO_MODELS = (
    DemoModel("YEA-T54W", "SIP電話機 Yealink T54W", "Yealink", EquipmentKind.PHONE, 18000, 600,
              (("ACアダプター", 1500), ("LANケーブル", 300), ("受話器", 2500), ("スタンド", 800)), "T54W", "80:5E:C0",
              130, (19800, 650)),
    DemoModel("YEA-T31P", "SIP電話機 Yealink T31P", "Yealink", EquipmentKind.PHONE, 9800, 400,
              (("ACアダプター", 1200), ("受話器", 2000)), "T31P", "24:9A:D8", 80),
    DemoModel("YMH-RTX830", "VPNルーター YAMAHA RTX830", "ヤマハ", EquipmentKind.ROUTER, 48000, 1500,
              (("ACアダプター", 2000), ("LANケーブル", 300)), "RTX830", "AC:44:F2", 30),
    DemoModel("GS-HT812", "アナログアダプター Grandstream HT812", "Grandstream", EquipmentKind.ADAPTER, 8800, 300,
              (("ACアダプター", 1000),), "HT812", "C0:74:AD", 40),
)
#: How many units of the office go each way (the rest stay in stock).
LENT, ENDED, SOLD, AWAITING_SHIPMENT, REPAIR, LOST, DISPOSED = 70, 28, 40, 8, 6, 3, 3


def _models(session: Session, today: dt.date) -> list[tuple[EquipmentModel, DemoModel]]:
    made = []
    changed_from = first_of_month(today.replace(day=1) - dt.timedelta(days=150))
    for demo in DEMO_MODELS:
        model = EquipmentModel(code=demo.code, name=demo.name, maker=demo.maker, kind=demo.kind,
                               sale_price=demo.sale_price, rental_fee=demo.rental_fee, warranty_months=12)
        session.add(model)
        session.flush()
        session.add_all(EquipmentAccessory(model_id=model.id, name=name, replacement_price=price, sort_order=n)
                        for n, (name, price) in enumerate(demo.accessories))
        if demo.new_prices:
            session.add(EquipmentPriceChange(model_id=model.id, from_month=changed_from, sale_price=demo.new_prices[0],
                                             rental_fee=demo.new_prices[1]))
        made.append((model, demo))
    return made


def _receive(session: Session, actor: Actor, models: Sequence[tuple[EquipmentModel, DemoModel]], today: dt.date,
             rng: random.Random) -> list[EquipmentUnit]:
    """Every unit received on a day of the two years the contracts' history covers, with its
    入庫 event, as units.receive writes them but in one flush, and one audit record for the lot
    (as a bulk receipt records it)."""
    received = []
    for model, demo in models:
        for n in range(1, demo.stock + 1):
            on = today - dt.timedelta(days=rng.randint(400, 760))
            mac = f"{demo.oui}:{model.id:02X}:{n // 256:02X}:{n % 256:02X}" if demo.oui else ""
            received.append(EquipmentUnit(model_id=model.id, serial_number=f"{demo.serial_prefix}-{on:%y%m}-{n:04d}",
                                          mac_address=normalise_mac(mac), status=UnitStatus.IN_STOCK,
                                          location=units.OFFICE_STOCK, received_on=on))
    session.add_all(received)
    session.flush()
    session.add_all(UnitEvent(unit_id=unit.id, action=UnitAction.RECEIVE, from_status=None,
                              to_status=UnitStatus.IN_STOCK, on_date=unit.received_on, location=unit.location,
                              recorded_by_id=actor.user_id) for unit in received)
    audit.record(session, actor, "unit.receive", "unit", None, after={"count": len(received)},
                 summary=f"デモ機器 {len(received)}台を入庫")
    return received


def _contracts(session: Session, profile: str, statuses: Sequence[ContractStatus]) -> list[Contract]:
    return list(session.scalars(select(Contract).join(TermsProfileRecord, TermsProfileRecord.id
                                                      == Contract.terms_profile_id)
                                .where(TermsProfileRecord.key == profile, Contract.status.in_(statuses))
                                .order_by(Contract.id)))


def _start(contract: Contract) -> dt.date:
    return contract.first_billable_month or contract.formed_on


def _lend(session: Session, actor: Actor, unit: EquipmentUnit, contract: Contract, on: dt.date) -> Rental:
    on = max(on, unit.received_on + dt.timedelta(days=1))
    units.move(session, actor, unit, UnitAction.LEND, on, contract_id=contract.id,
               location=f"{contract.customer_code} 設置先", customer_id=contract.customer_id)
    rental = Rental(unit_id=unit.id, contract_id=contract.id, lent_on=on, recorded_by_id=actor.user_id)
    session.add(rental)
    return rental


def _lend_and_end(session: Session, actor: Actor, stock: list[EquipmentUnit], ended: list[Contract],
                  today: dt.date, rng: random.Random) -> None:
    """Units lent to 即日発番 contracts that ended or are to end: asked back when the ending was
    recorded (SH §13.4, services.contracts.hooks), most still out — late when the deadline has
    passed — and one in four of those ended already back in stock."""
    company = session.get(CompanySettings, 1)
    days = company.equipment_return_days if company else DEFAULT_RETURN_DAYS
    calendar, place, profile = company_calendar(session), return_place(session), load_profile("sokujitsu")
    oldest = max(unit.received_on for unit in stock) + dt.timedelta(days=2)
    with_ends = [c for c in ended if c.ends_on is not None and oldest < c.ends_on and c.ends_on > _start(c)]
    for n, contract in enumerate(with_ends[:ENDED]):
        assert contract.ends_on is not None
        unit = stock.pop()
        asked_on = min(today, contract.ends_on)
        lent_on = _start(contract) + dt.timedelta(days=rng.randint(0, 10))
        rental = _lend(session, actor, unit, contract, min(lent_on, asked_on - dt.timedelta(days=1)))
        session.flush()
        units.move(session, actor, unit, UnitAction.REQUEST_RETURN, asked_on, customer_id=contract.customer_id)
        deadline = return_deadline(profile, calendar, contract.ends_on, days)
        reminded = deadline + dt.timedelta(days=7)
        request = ReturnRequest(unit_id=unit.id, contract_id=contract.id, reason="contract_ended", rental_id=rental.id,
                                requested_on=asked_on, deadline=deadline, place=place,
                                monthly_charges=monthly_charges_at_end(session, contract, profile),
                                reminders_sent=1 if reminded <= today else 0,
                                last_reminded_on=reminded if reminded <= today else None, recorded_by_id=actor.user_id)
        session.add(request)
        if n % 4 == 3 and contract.ends_on < today:   # back, on time
            back = min(today, contract.ends_on + dt.timedelta(days=rng.randint(3, days)))
            units.move(session, actor, unit, UnitAction.RETURN, back, customer_id=contract.customer_id)
            rental.returned_on = back
            request.status, request.closed_on, request.penalty_computed, request.penalty_charged = (
                "returned", back, 0, 0)
            request.last_reminded_on, request.reminders_sent = None, 0
        session.flush()


def _sell(session: Session, actor: Actor, manager: Actor, unit: EquipmentUnit, contract: Contract, on: dt.date,
          shipped: dt.date | None) -> EquipmentSale:
    """A sale as the sales service stores it: its charge (課税10%), and once paid, shipped."""
    on = max(on, unit.received_on + dt.timedelta(days=1))
    price = model_prices_in(session, on, [unit.model_id])[unit.model_id].sale_price
    units.move(session, actor, unit, UnitAction.SELL, on, contract_id=contract.id, customer_id=contract.customer_id)
    sale = EquipmentSale(unit_id=unit.id, contract_id=contract.id, sold_on=on, price=price,
                         recorded_by_id=actor.user_id)
    session.add(sale)
    session.flush()
    charge = OneTimeCharge(customer_id=contract.customer_id, terms_profile_id=contract.terms_profile_id,
                           contract_id=contract.id, billing_month=first_of_month(on), kind=ChargeKind.EQUIPMENT_SALE,
                           description=f"機器販売（{unit.serial_number}）", quantity=1, unit_amount=price, amount=price,
                           tax_category=TaxCategory.TAXABLE_10, source="equipment_sale", source_id=sale.id,
                           recorded_by_id=actor.user_id)
    session.add(charge)
    session.flush()
    sale.charge_id = charge.id
    if shipped is not None:
        sale.paid_confirmed_at = dt.datetime.combine(shipped - dt.timedelta(days=1), dt.time(1, 0))
        sale.paid_confirmed_by_id, sale.paid_note, sale.shipped_on = manager.user_id, "振込を確認", shipped
        units.move(session, actor, unit, UnitAction.SHIP, shipped, location=f"{contract.customer_code} 設置先",
                   customer_id=contract.customer_id)
    return sale


@retried
def _fill(db: Database, manager: Actor, clerk: Actor, today: dt.date, seed: int) -> int | None:
    """Everything but the replacement, in one transaction; the sold unit the replacement is for."""
    rng = random.Random(seed)
    with db.transaction(write=True) as session:
        models = _models(session, today)
        stock = _receive(session, clerk, models, today, rng)
        rng.shuffle(stock)
        live = (ContractStatus.ACTIVE, ContractStatus.SUSPENDED)
        for contract in _contracts(session, "sokujitsu", live)[:LENT]:
            lent_on = max(_start(contract), today - dt.timedelta(days=rng.randint(20, 300)))
            _lend(session, clerk, stock.pop(), contract, min(lent_on, today))
        session.flush()
        ending = (ContractStatus.CANCELLATION_SCHEDULED, ContractStatus.CANCELLED, ContractStatus.TERMINATED,
                  ContractStatus.ENDED)
        _lend_and_end(session, clerk, stock, _contracts(session, "sokujitsu", ending), today, rng)
        phones = [u for u in stock if u.model_id == models[0][0].id]
        buyers = [c for c in _contracts(session, "simpleconnect", live) if _start(c) <= today - dt.timedelta(days=45)]
        for_replacement = None
        for n, contract in enumerate(buyers[:SOLD + AWAITING_SHIPMENT]):
            unit = phones.pop() if n == 0 and phones else stock.pop()
            if unit in stock:
                stock.remove(unit)
            if n < SOLD:
                sold_on = today - dt.timedelta(days=rng.randint(30, 200) if n else 40)
                sold_on = max(sold_on, _start(contract))
                _sell(session, clerk, manager, unit, contract, sold_on, min(today, sold_on + dt.timedelta(days=12)))
                for_replacement = for_replacement or unit.id
            else:
                _sell(session, clerk, manager, unit, contract, today - dt.timedelta(days=rng.randint(1, 20)), None)
        for unit in stock[:REPAIR + DISPOSED]:
            units.move(session, clerk, unit, UnitAction.SEND_TO_REPAIR, today - dt.timedelta(days=rng.randint(5, 60)),
                       note="初期不良の疑い（メーカー修理）")
        for unit in stock[REPAIR:REPAIR + DISPOSED]:
            units.move(session, manager, unit, UnitAction.DISPOSE, today - dt.timedelta(days=rng.randint(0, 4)),
                       note="修理不能（メーカー判定）")
        for unit in stock[REPAIR + DISPOSED:REPAIR + DISPOSED + LOST]:
            units.move(session, manager, unit, UnitAction.DECLARE_LOST, today - dt.timedelta(days=rng.randint(1, 90)),
                       note="棚卸で所在不明")
        return for_replacement


def fill_equipment(db: Database, manager: Actor, clerk: Actor, today: dt.date, seed: int = 11) -> int:
    """The demo office's equipment (see the module's docstring); the number of units."""
    sold = _fill(db, manager, clerk, today, seed)
    if sold is not None:   # 交換品 sent five days ago, received two days ago: the old unit is due back
        with db.transaction() as session:
            unit = units.load_unit(session, sold)
            spare = session.scalars(select(EquipmentUnit.id).where(
                EquipmentUnit.model_id == unit.model_id, EquipmentUnit.status == UnitStatus.IN_STOCK)
                .order_by(EquipmentUnit.id)).first()
        if spare is not None:
            done = replacements.ship_replacement(db, clerk, sold, spare, today - dt.timedelta(days=5),
                                                 "電源が入らない（保証交換）", today=today)
            replacements.record_received(db, clerk, done.replacement_id, today - dt.timedelta(days=2), today=today)
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(EquipmentUnit)) or 0

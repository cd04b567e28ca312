"""What a month bills, read in bulk, and each billing account's lines (issue 10, "What a month's
invoice holds"; terms-rules.md §4).

:func:`read_month` reads everything the run needs for usage month M in a handful of Core
selects, never one per contract: the contracts billable in M (and the 開通待ち ones formed by
M's end, listed as skipped), what they consisted of in M (plan periods, option periods, 特約),
the plans' and options' prices in force in M (domain.prices), the customers, the one-time
charges and call charges of M not yet billed, the credits earlier invoices carried forward and
no invoice has brought in yet, and the accounts already invoiced for M.

:func:`accounts_of` groups it by billing account (a customer and a terms profile, in a fixed
order, so that a resumed run issues what a clean run would have); :func:`bill_account` makes
one account's lines (domain.billing) or says why the account is skipped. Pure over the data
read: the run calls it chunk by chunk, so a month of 100,000 contracts never holds every line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, aliased

from reseller_desk.db.models import (
    Contract,
    ContractOptionPeriod,
    ContractPlanPeriod,
    Customer,
    EquipmentModel,
    EquipmentUnit,
    Invoice,
    InvoiceLineRow,
    OneTimeCharge,
    Rental,
    SpecialAgreementRow,
    TermsProfileRecord,
    UsageRecord,
)
from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind, NamedPrice
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import OptionPeriod, PlanPeriod, SpecialAgreement, composition_in
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.equipment import rental_billed_in
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.terms import TermsProfile, load_profile
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.prices import named_prices_in

__all__ = ["Account", "AccountKey", "Billed", "ContractInfo", "MonthData", "Skipped", "accounts_of", "bill_account",
           "month_text", "read_month"]

#: (customer_id, terms_profile_id): one invoice per account and month.
AccountKey = tuple[int, int]

MIXED_PAYMENT = "支払方法が契約ごとに異なります。契約の支払方法変更で揃えてから再実行してください。"


def month_text(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


@dataclass(frozen=True, slots=True)
class ContractInfo:
    id: int
    code: str                     # カスタマID
    customer_id: int
    profile_id: int
    status: ContractStatus
    first_billable: dt.date | None
    last_billable: dt.date | None
    payment_method: PaymentMethod
    debit: tuple[str, str, str, str, str, str, str]   # bank code, name, branch code, name, type, number, holder


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    kind: CustomerKind
    name: str
    postal_code: str
    address: str


@dataclass(frozen=True, slots=True)
class Charge:
    id: int
    contract_id: int | None
    kind: ChargeKind
    description: str
    quantity: int
    unit_amount: int
    amount: int
    tax_category: TaxCategory


@dataclass(frozen=True, slots=True)
class CallCharges:
    """The unbilled call charges of one number of a contract in M (``last_id``: the newest
    record read, so that the run marks exactly those it billed)."""

    phone_number: str
    calls: int
    amount: int
    last_id: int


@dataclass(frozen=True, slots=True)
class LentUnit:
    """A unit lent to a contract on some day of M (equipment: ``rentals``), with its rent in M."""

    rental_id: int
    lent_on: dt.date
    returned_on: dt.date | None
    model_name: str
    serial: str
    fee: int


@dataclass(frozen=True, slots=True)
class Carried:
    invoice_id: int
    number: str
    amount: int


@dataclass
class MonthData:
    month: dt.date
    profiles: dict[int, TermsProfile]
    contracts: dict[int, ContractInfo]
    awaiting: list[ContractInfo]                       # 開通待ち, formed by M's end: listed as skipped
    plan_periods: dict[int, list[PlanPeriod]]          # covering M
    option_periods: dict[int, list[OptionPeriod]]      # covering M
    options_first_held_in_month: set[tuple[int, int]]  # (contract, option) held for the first time in M
    agreements: dict[int, list[SpecialAgreement]]      # covering M
    plans: dict[int, NamedPrice]                       # price in force in M
    options: dict[int, NamedPrice]
    customers: dict[int, CustomerInfo]
    charges: dict[AccountKey, list[Charge]]
    usage: dict[int, list[CallCharges]]
    carried: dict[AccountKey, list[Carried]]
    already: set[AccountKey]
    seen_invoice_id: int                               # the newest invoice when this was read
    rentals: dict[int, list[LentUnit]]                 # contract id → units lent on some day of M


@dataclass(frozen=True)
class Account:
    """A billing account of the month, with its contracts in カスタマID order."""

    key: AccountKey
    contracts: tuple[ContractInfo, ...]
    awaiting: tuple[ContractInfo, ...] = ()


@dataclass(frozen=True)
class Problem:
    contract_id: int | None
    reason: str


@dataclass(frozen=True)
class Billed:
    """An account's lines (before settling), how it pays, and what the invoice bills."""

    lines: list[BillLine]
    payment_method: PaymentMethod
    debit: tuple[str, ...] | None
    charge_ids: list[int]
    usage: list[tuple[int, int]]           # (contract_id, last usage record id)
    notes: list[Problem] = field(default_factory=list)   # contracts listed, not billed (開通待ち)


@dataclass(frozen=True)
class Skipped:
    problems: list[Problem]


# -- reading ------------------------------------------------------------------------------------
def _billable_condition(month: dt.date):  # type: ignore[no-untyped-def]
    return and_(Contract.status != ContractStatus.REVOKED, Contract.first_billable_month.is_not(None),
                Contract.first_billable_month <= month,
                or_(Contract.last_billable_month.is_(None), Contract.last_billable_month >= month))


def _covering(from_col, until_col, month: dt.date):  # type: ignore[no-untyped-def]
    return and_(from_col <= month, or_(until_col.is_(None), until_col >= month))


def _contract_ids(month: dt.date) -> Select[tuple[int]]:
    """The contracts the run reads: billable in M, 開通待ち formed by M's end, or with charges of
    M not yet billed."""
    charged = select(OneTimeCharge.contract_id).where(OneTimeCharge.billing_month == month,
                                                      OneTimeCharge.invoice_id.is_(None),
                                                      OneTimeCharge.contract_id.is_not(None))
    called = select(UsageRecord.contract_id).where(UsageRecord.billing_month == month,
                                                   UsageRecord.invoice_id.is_(None))
    awaiting = and_(Contract.status == ContractStatus.AWAITING_OPENING, Contract.first_billable_month.is_(None),
                    Contract.formed_on <= billing.last_day(month))
    return select(Contract.id).where(or_(_billable_condition(month), awaiting, Contract.id.in_(charged),
                                         Contract.id.in_(called)))


T = TypeVar("T")


def _rows(conn: Connection | Session, statement: Any) -> Sequence[Any]:
    """All rows at once (one fetchall: iterating a result asks the driver for each row)."""
    return conn.execute(statement).all()


def _periods_in(conn: Connection, make: Callable[..., T], columns: Sequence[Any], ids: Select[tuple[int]],
                month: dt.date) -> dict[int, list[T]]:
    """contract id → the periods covering ``month``: ``columns`` are the contract id, what
    ``make`` takes, and last the period's first and last month."""
    contract_id, from_month, until = columns[0], columns[-2], columns[-1]
    result: dict[int, list[T]] = defaultdict(list)
    for contract, *values in _rows(conn, select(*columns).where(contract_id.in_(ids),
                                                                 _covering(from_month, until, month))):
        result[contract].append(make(*values))
    return result


def read_month(session: Session, month: dt.date) -> MonthData:
    """Everything the run of ``month`` (its first day) bills, in one read transaction. The
    selects run on the session's connection (Core rows, without the ORM's result layer: a
    month of 100,000 contracts reads half a million rows)."""
    ids = _contract_ids(month)
    conn = session.connection()
    profiles = {pid: load_profile(key) for pid, key in _rows(conn,
        select(TermsProfileRecord.id, TermsProfileRecord.key))}
    contracts: dict[int, ContractInfo] = {}
    awaiting: list[ContractInfo] = []
    for row in _rows(conn,
            select(Contract.id, Contract.customer_code, Contract.customer_id, Contract.terms_profile_id,
                   Contract.status, Contract.first_billable_month, Contract.last_billable_month,
                   Contract.payment_method, Contract.debit_bank_code, Contract.debit_bank_name,
                   Contract.debit_branch_code, Contract.debit_branch_name, Contract.debit_account_type,
                   Contract.debit_account_number, Contract.debit_holder_kana)
            .where(Contract.id.in_(ids))):
        info = ContractInfo(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], tuple(row[8:15]))
        if info.first_billable is None and info.status is ContractStatus.AWAITING_OPENING:
            awaiting.append(info)
        else:
            contracts[info.id] = info
    p, o = ContractPlanPeriod, ContractOptionPeriod
    plan_periods = _periods_in(conn, PlanPeriod, (p.contract_id, p.plan_id, p.lines, p.from_month, p.until_month),
                               ids, month)
    option_periods = _periods_in(conn, OptionPeriod, (o.contract_id, o.option_id, o.quantity, o.from_month,
                                                         o.until_month), ids, month)
    first_held = {(c, o) for c, o in _rows(conn,
        select(ContractOptionPeriod.contract_id, ContractOptionPeriod.option_id)
        .where(ContractOptionPeriod.contract_id.in_(ids), ContractOptionPeriod.from_month <= month)
        .group_by(ContractOptionPeriod.contract_id, ContractOptionPeriod.option_id)
        .having(func.min(ContractOptionPeriod.from_month) == month))}
    agreements: dict[int, list[SpecialAgreement]] = defaultdict(list)
    a = SpecialAgreementRow
    for row in _rows(conn,
            select(a.contract_id, a.subject, a.document, a.document_number, a.from_month, a.until_month,
                   a.monthly_fee, a.option_id, a.condition)
            .where(a.contract_id.in_(ids), _covering(a.from_month, a.until_month, month)).order_by(a.from_month, a.id)):
        agreements[row[0]].append(SpecialAgreement(*row[1:]))
    plans, options = named_prices_in(session, month)
    charges: dict[AccountKey, list[Charge]] = defaultdict(list)
    c = OneTimeCharge
    for row in _rows(conn,
            select(c.customer_id, c.terms_profile_id, c.id, c.contract_id, c.kind, c.description, c.quantity,
                   c.unit_amount, c.amount, c.tax_category)
            .where(c.billing_month == month, c.invoice_id.is_(None)).order_by(c.id)):
        charges[row[0], row[1]].append(Charge(*row[2:]))
    customer_ids = select(Contract.customer_id).where(Contract.id.in_(ids)).union(
        select(c.customer_id).where(c.billing_month == month, c.invoice_id.is_(None)))
    customers = {cid: CustomerInfo(kind, name, postal, address) for cid, kind, name, postal, address in _rows(conn,
        select(Customer.id, Customer.kind, Customer.name, Customer.postal_code, Customer.address)
        .where(Customer.id.in_(customer_ids)))}
    usage: dict[int, list[CallCharges]] = defaultdict(list)
    u = UsageRecord
    for contract_id, number, calls, amount, last_id in _rows(conn,
            select(u.contract_id, u.phone_number, func.count(), func.sum(u.amount), func.max(u.id))
            .where(u.billing_month == month, u.invoice_id.is_(None))
            .group_by(u.contract_id, u.phone_number).order_by(u.contract_id, u.phone_number)):
        usage[contract_id].append(CallCharges(number, calls, int(amount), last_id))
    already, seen = already_invoiced(conn, month)
    return MonthData(month, profiles, contracts, awaiting, plan_periods, option_periods, first_held, agreements,
                     plans, options, customers, charges, usage, _carried(conn, month), already, seen,
                     _rentals(session, conn, ids, month))


def _rentals(session: Session, conn: Connection, ids: Select[tuple[int]], month: dt.date) -> dict[int, list[LentUnit]]:
    """The units lent to the contracts read on some day of M, in the order lent, with the rent of
    their model in force in M (services.equipment.prices)."""
    r, unit, model = Rental, EquipmentUnit, EquipmentModel
    rows = _rows(conn, select(r.contract_id, r.id, r.lent_on, r.returned_on, model.id, model.name, unit.serial_number)
                 .join(unit, unit.id == r.unit_id).join(model, model.id == unit.model_id)
                 .where(r.contract_id.in_(ids), r.lent_on <= billing.last_day(month),
                        or_(r.returned_on.is_(None), r.returned_on >= month))
                 .order_by(r.contract_id, r.lent_on, r.id))
    if not rows:
        return {}
    prices = model_prices_in(session, month, {row[4] for row in rows})
    result: dict[int, list[LentUnit]] = defaultdict(list)
    for contract_id, rental_id, lent_on, returned_on, model_id, name, serial in rows:
        result[contract_id].append(LentUnit(rental_id, lent_on, returned_on, name, serial, prices[model_id].rental_fee))
    return result


def _carried(conn: Connection, month: dt.date) -> dict[AccountKey, list[Carried]]:
    """Credits carried forward by invoices of earlier months that no invoice has brought in yet
    (a CARRIED_IN line whose source_id is that invoice) and that no credit invoice returned."""
    brought = select(InvoiceLineRow.id).where(InvoiceLineRow.kind == LineKind.CARRIED_IN,
                                             InvoiceLineRow.source == "invoice",
                                             InvoiceLineRow.source_id == Invoice.id)
    credit = aliased(Invoice)
    returned = select(credit.id).where(credit.kind == InvoiceKind.CREDIT, credit.corrects_invoice_id == Invoice.id)
    result: dict[AccountKey, list[Carried]] = defaultdict(list)
    for customer_id, profile_id, invoice_id, number, amount in _rows(conn,
            select(Invoice.customer_id, Invoice.terms_profile_id, Invoice.id, Invoice.number, Invoice.carried_forward)
            .where(Invoice.kind == InvoiceKind.INVOICE, Invoice.carried_forward > 0, Invoice.billing_month < month,
                   ~exists(brought), ~exists(returned)).order_by(Invoice.id)):
        result[customer_id, profile_id].append(Carried(invoice_id, number, amount))
    return result


def already_invoiced(conn: Connection | Session, month: dt.date, after_id: int = 0) -> tuple[set[AccountKey], int]:
    """The accounts that have their invoice of ``month`` (one that corrects nothing) among the
    invoices with an id above ``after_id``, and the highest invoice id seen (``after_id`` if
    none): read once in full, then again for what was issued since (an indexed range)."""
    query = select(Invoice.id, Invoice.customer_id, Invoice.terms_profile_id, Invoice.kind,
                   Invoice.billing_month, Invoice.corrects_invoice_id).where(Invoice.id > after_id)
    if after_id == 0:
        query = query.where(Invoice.billing_month == month)
    keys, last = set(), after_id
    for invoice_id, customer_id, profile_id, kind, billing_month, corrects in _rows(conn, query):
        if kind is InvoiceKind.INVOICE and billing_month == month and corrects is None:
            keys.add((customer_id, profile_id))
        last = max(last, invoice_id)
    if after_id == 0:
        last = max(last, conn.scalar(select(func.max(Invoice.id))) or 0)
    return keys, last


# -- accounts --------------------------------------------------------------------------------------
def accounts_of(data: MonthData) -> list[Account]:
    """Every billing account with something to bill or a contract to list, by customer and
    profile: contracts billable in M or with call charges, one-time charges, 開通待ち contracts."""
    contracts: dict[AccountKey, list[ContractInfo]] = defaultdict(list)
    for info in data.contracts.values():
        contracts[info.customer_id, info.profile_id].append(info)
    awaiting: dict[AccountKey, list[ContractInfo]] = defaultdict(list)
    for info in data.awaiting:
        awaiting[info.customer_id, info.profile_id].append(info)
    keys = sorted(set(contracts) | set(awaiting) | set(data.charges))
    return [Account(key, tuple(sorted(contracts.get(key, ()), key=lambda c: c.code)),
                    tuple(sorted(awaiting.get(key, ()), key=lambda c: c.code))) for key in keys]


def _awaiting_reason(info: ContractInfo) -> str:
    return (f"契約 {info.code} は開通待ちのため請求していません（開通日が未登録）。"
            "開通済みなら 契約 → 開通 で開通日を記録してください。")


def bill_account(account: Account, data: MonthData) -> Billed | Skipped:
    """The account's lines for the month, or why it is skipped (its contracts differ in how they
    pay, a billable contract has no plan in M, the customer has no address)."""
    month = data.month
    profile = data.profiles[account.key[1]]
    customer = data.customers[account.key[0]]
    notes = [Problem(c.id, _awaiting_reason(c)) for c in account.awaiting]
    lines: list[BillLine] = []
    usage: list[tuple[int, int]] = []
    paying: list[ContractInfo] = []
    for info in account.contracts:
        calls = data.usage.get(info.id, ())
        if billing.billable_in(month, info.first_billable, info.last_billable):
            composition = composition_in(month, data.plan_periods.get(info.id, ()),
                                         data.option_periods.get(info.id, ()), data.agreements.get(info.id, ()))
            if composition is None:
                return Skipped([Problem(info.id, f"契約 {info.code} に{month_text(month)}のプランの記録がありません。"
                                                 "契約の履歴を確認してから再実行してください。")])
            assert info.first_billable is not None  # billable_in says so
            first_months = {o: (month if (info.id, o) in data.options_first_held_in_month else dt.date.min)
                            for o, _ in composition.options}
            lines += billing.contract_lines(
                profile, month, customer_code=info.code, contract_id=info.id, composition=composition,
                first_billable_month=info.first_billable, plan=data.plans[composition.plan_id],
                options={o: data.options[o] for o, _ in composition.options}, option_first_months=first_months)
            lines += [billing.rental_line(month, customer_code=info.code, contract_id=info.id,
                                          model_name=lent.model_name, serial=lent.serial, fee=lent.fee,
                                          rental_id=lent.rental_id)
                      for lent in data.rentals.get(info.id, ())
                      if rental_billed_in(month, lent.lent_on, lent.returned_on, info.last_billable)]
            paying.append(info)
        elif calls:
            paying.append(info)
    for info in account.contracts:
        for call in data.usage.get(info.id, ()):
            lines.append(billing.usage_line(month, customer_code=info.code, contract_id=info.id,
                                            phone_number=call.phone_number, calls=call.calls, amount=call.amount))
            usage.append((info.id, call.last_id))
    charges = data.charges.get(account.key, ())
    codes = {c.id: c.code for c in account.contracts}
    for charge in charges:
        kind = LineKind.CREDIT_ADJ if charge.kind is ChargeKind.CREDIT or charge.amount < 0 else LineKind.FIXED
        lines.append(BillLine(kind, charge.description or charge.kind.label, charge.quantity, charge.unit_amount,
                              charge.amount, charge.tax_category,
                              codes.get(charge.contract_id, "") if charge.contract_id is not None else "",
                              charge.contract_id, source="one_time_charge", source_id=charge.id))
    if not lines:   # only 開通待ち contracts: nothing to bill
        return Skipped(notes)
    for carried in data.carried.get(account.key, ()):
        lines.append(billing.carried_in_line(carried.amount, carried.number, carried.invoice_id))
    ways = {(c.payment_method, c.debit if c.payment_method is PaymentMethod.DEBIT else None) for c in paying}
    if len(ways) > 1:
        return Skipped([Problem(None, MIXED_PAYMENT), *notes])
    if not customer.address.strip():
        return Skipped([Problem(None, f"顧客「{customer.name}」の住所が未登録です。"
                                      "顧客の編集で住所を登録してから再実行してください。"), *notes])
    method, debit = next(iter(ways)) if ways else _account_way(account)
    return Billed(lines, method, debit, [c.id for c in charges], usage, notes)


def _account_way(account: Account) -> tuple[PaymentMethod, tuple[str, ...] | None]:
    """How an account with only one-time charges pays: as the first contract read pays, else
    by transfer."""
    for info in (*account.contracts, *account.awaiting):
        return info.payment_method, info.debit if info.payment_method is PaymentMethod.DEBIT else None
    return PaymentMethod.TRANSFER, None

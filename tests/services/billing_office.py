"""What the tests of the billing run are built from: customers added through the service, and
contracts with exactly the history a case needs (plan periods, option periods, 特約), put on file
directly the way the lifecycle stores them, with one-time charges, call charges and price
changes beside them. The office (company, plans, an option) is the ``office`` fixture; these
add its transfer account and an 即日発番 option."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select, update

from reseller_desk.db.models import (
    Contract,
    ContractOptionPeriod,
    ContractPlanPeriod,
    Customer,
    Invoice,
    InvoiceLineRow,
    OneTimeCharge,
    PriceChange,
    SpecialAgreementRow,
    UsageImport,
    UsageRecord,
)
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.company import BankAccountDetails, PlanDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.services import customers, numbering, settings

from .builders import MIRAI, SUZUKI, YAMADA

SEPTEMBER, APRIL, MARCH = dt.date(2026, 9, 1), dt.date(2026, 4, 1), dt.date(2026, 3, 1)

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)
TODAY = dt.date(2026, 11, 20)
TRANSFER_ACCOUNT = BankAccountDetails("0005", "三菱UFJ銀行", "331", "神田支店", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ")
DEBIT = ("0005", "三菱UFJ銀行", "021", "渋谷支店", "普通", "7654321", "ｶ)ﾐﾗｲｼｮｳｼﾞ")
SATO = CustomerDraft(kind=CustomerKind.CORPORATE, name="佐藤工業株式会社", name_kana="サトウコウギョウカブシキガイシャ",
                     postal_code="220-0012", address="神奈川県横浜市西区みなとみらい1-1-1", phone="045-111-2222")


def with_transfer_account(db, manager) -> None:
    settings.save_bank_accounts(db, manager, [TRANSFER_ACCOUNT], expected_versions={})


def sh_option(db, manager) -> int:
    return settings.save_option(db, manager, None, PlanDetails("sokujitsu", "SH-IVR", "IVR", 800, 2000),
                                expected_version=None).id


def customer(db, actor, draft: CustomerDraft = MIRAI, **changes: object) -> int:
    return customers.add_customer(db, actor, dataclasses.replace(draft, **changes)).id


def drafts() -> tuple[CustomerDraft, ...]:
    return MIRAI, YAMADA, SUZUKI, SATO


def put_contract(db, customer_id: int, profile_key: str, *, plans: Sequence[tuple[int, int, dt.date, dt.date | None]],
                 options: Sequence[tuple[int, int, dt.date, dt.date | None]] = (), first_billable: dt.date | None,
                 last_billable: dt.date | None = None, status: ContractStatus = ContractStatus.ACTIVE,
                 payment: PaymentMethod = PaymentMethod.TRANSFER, formed_on: dt.date | None = None,
                 debit: tuple[str, ...] = DEBIT) -> tuple[int, str]:
    """A contract with its plan periods (plan, lines, from, until) and option periods (option,
    quantity, from, until); returns its id and カスタマID."""
    with db.transaction(write=True) as session:
        profile = settings.profile_record(session, profile_key)
        code = numbering.customer_code(session)
        contract = Contract(customer_code=code, customer_id=customer_id, terms_profile_id=profile.id, status=status,
                            formed_on=formed_on or (first_billable or OCTOBER) - dt.timedelta(days=20),
                            first_billable_month=first_billable, last_billable_month=last_billable,
                            payment_method=payment)
        if payment is PaymentMethod.DEBIT:
            (contract.debit_bank_code, contract.debit_bank_name, contract.debit_branch_code, contract.debit_branch_name,
             contract.debit_account_type, contract.debit_account_number, contract.debit_holder_kana) = debit
        session.add(contract)
        session.flush()
        for plan_id, lines, from_month, until in plans:
            session.add(ContractPlanPeriod(contract_id=contract.id, plan_id=plan_id, lines=lines, from_month=from_month,
                                           until_month=until))
        for option_id, quantity, from_month, until in options:
            session.add(ContractOptionPeriod(contract_id=contract.id, option_id=option_id, quantity=quantity,
                                             from_month=from_month, until_month=until))
        return contract.id, code


def put_agreement(db, contract_id: int, monthly_fee: int, from_month: dt.date, until: dt.date | None = None,
                  option_id: int | None = None) -> None:
    with db.transaction(write=True) as session:
        session.add(SpecialAgreementRow(
            contract_id=contract_id, subject=AgreementSubject.OPTION_MONTHLY_FEE if option_id
            else AgreementSubject.PLAN_MONTHLY_FEE, option_id=option_id, monthly_fee=monthly_fee,
            document=AgreementDocument.QUOTE, document_number="Q-2026-031", from_month=from_month, until_month=until))


def put_price_change(db, *, plan_id: int | None = None, option_id: int | None = None, from_month: dt.date,
                     monthly_fee: int, initial_fee: int) -> None:
    with db.transaction(write=True) as session:
        session.add(PriceChange(plan_id=plan_id, option_id=option_id, from_month=from_month, monthly_fee=monthly_fee,
                                initial_fee=initial_fee))


def put_charge(db, customer_id: int, profile_key: str, amount: int, *, month: dt.date = OCTOBER,
               contract_id: int | None = None, kind: ChargeKind = ChargeKind.FIXED, description: str = "",
               tax: TaxCategory = TaxCategory.TAXABLE_10, quantity: int = 1) -> int:
    with db.transaction(write=True) as session:
        profile = settings.profile_record(session, profile_key)
        charge = OneTimeCharge(customer_id=customer_id, terms_profile_id=profile.id, contract_id=contract_id,
                               billing_month=month, kind=kind, description=description or kind.label,
                               quantity=quantity, unit_amount=amount // quantity, amount=amount, tax_category=tax)
        session.add(charge)
        session.flush()
        return charge.id


def put_calls(db, contract_id: int, number: str, amounts: Sequence[int], *, month: dt.date = OCTOBER) -> None:
    with db.transaction(write=True) as session:
        made = UsageImport(billing_month=month, file_name="usage.csv", file_sha256="0" * 64,
                           rows_imported=len(amounts), total_amount=sum(amounts))
        session.add(made)
        session.flush()
        for n, amount in enumerate(amounts):
            session.add(UsageRecord(usage_import_id=made.id, billing_month=month, contract_id=contract_id,
                                    phone_number=number, called_at=dt.datetime(month.year, month.month, 2, 9, n),
                                    destination="0312345678", seconds=60, amount=amount,
                                    row_key=f"{contract_id}-{number}-{month}-{n}"))


def clear_address(db, customer_id: int) -> None:
    with db.transaction(write=True) as session:
        session.execute(update(Customer).where(Customer.id == customer_id).values(address=""))


def build_small_office(db, office, manager):
    """Four accounts to bill, four to skip, two contracts not billed in October at all."""
    with_transfer_account(db, manager)
    ivr = sh_option(db, manager)
    sc, f2f, sh, rec = office["sc"], office["sc_f2f"], office["sh"], office["sc_rec"]
    put_price_change(db, plan_id=sh, from_month=OCTOBER, monthly_fee=2080, initial_fee=3000)
    mirai = customer(db, manager, MIRAI)
    yamada = customer(db, manager, YAMADA)
    sato = customer(db, manager, SATO)
    suzuki = customer(db, manager, SUZUKI)
    tanaka = customer(db, manager, SATO, name="田中商店", name_kana="タナカショウテン", phone="045-333-4444")
    takahashi = customer(db, manager, YAMADA, name="高橋 一郎", name_kana="タカハシ イチロウ", phone="090-5555-6666")
    ito = customer(db, manager, YAMADA, name="伊藤 次郎", name_kana="イトウ ジロウ", phone="090-7777-8888")
    # 1. みらい商事 / SC: a first month with initial fees, a 特約 month with calls, late interest.
    c1, code1 = put_contract(db, mirai, "simpleconnect", plans=[(sc, 2, OCTOBER, None)], options=[(rec, 1, OCTOBER, None)],
                             first_billable=OCTOBER)
    c2, code2 = put_contract(db, mirai, "simpleconnect", plans=[(sc, 1, APRIL, None)], first_billable=APRIL)
    put_agreement(db, c2, 2500, SEPTEMBER)
    put_calls(db, c2, "05012345678", [20, 20, 7])
    interest = put_charge(db, mirai, "simpleconnect", 123, kind=ChargeKind.LATE_INTEREST, tax=TaxCategory.OUTSIDE)
    # 2. みらい商事 / SH, by debit: the price change month, a credit, a call.
    c3, code3 = put_contract(db, mirai, "sokujitsu", plans=[(sh, 1, MARCH, None)], first_billable=MARCH,
                             payment=PaymentMethod.DEBIT)
    credit = put_charge(db, mirai, "sokujitsu", -100, kind=ChargeKind.CREDIT, description="値引き", contract_id=c3)
    put_calls(db, c3, "0312345678", [33])
    # 3. 山田 太郎 / SH: opened and cancelled in October, with two IVR.
    _, code4 = put_contract(db, yamada, "sokujitsu", plans=[(sh, 1, OCTOBER, OCTOBER)],
                            options=[(ivr, 2, OCTOBER, OCTOBER)], first_billable=OCTOBER, last_billable=OCTOBER,
                            status=ContractStatus.CANCELLED)
    # 4. 佐藤工業 / SC: suspended, a plan change to 対面プラン × 3 and 通話録音 × 2 from October.
    _, code5 = put_contract(db, sato, "simpleconnect", plans=[(sc, 1, dt.date(2026, 1, 1), SEPTEMBER), (f2f, 3, OCTOBER, None)],
                            options=[(rec, 1, dt.date(2026, 1, 1), SEPTEMBER), (rec, 2, OCTOBER, None)],
                            first_billable=dt.date(2026, 1, 1), status=ContractStatus.SUSPENDED)
    # Not billed, not listed: 鈴木's SC from November, an SH formed in November, a revoked one.
    put_contract(db, suzuki, "simpleconnect", plans=[(sc, 1, NOVEMBER, None)], first_billable=NOVEMBER)
    put_contract(db, suzuki, "sokujitsu", plans=[(sh, 1, NOVEMBER, None)], first_billable=None,
                 status=ContractStatus.AWAITING_OPENING, formed_on=dt.date(2026, 11, 5))
    put_contract(db, ito, "sokujitsu", plans=[(sh, 1, OCTOBER, None)], first_billable=OCTOBER,
                 status=ContractStatus.REVOKED)
    # Skipped: 鈴木's SH awaiting its opening since October, 田中's two ways of paying, 高橋's
    # contract without a plan in October, 伊藤 without an address.
    _, code7 = put_contract(db, suzuki, "sokujitsu", plans=[(sh, 1, OCTOBER, None)], first_billable=None,
                            status=ContractStatus.AWAITING_OPENING, formed_on=dt.date(2026, 10, 20))
    put_contract(db, tanaka, "simpleconnect", plans=[(sc, 1, APRIL, None)], first_billable=APRIL,
                 payment=PaymentMethod.DEBIT)
    put_contract(db, tanaka, "simpleconnect", plans=[(sc, 1, APRIL, None)], first_billable=APRIL)
    _, code9 = put_contract(db, takahashi, "sokujitsu", plans=[(sh, 1, dt.date(2026, 5, 1), dt.date(2026, 8, 1))],
                            first_billable=dt.date(2026, 5, 1))
    put_contract(db, ito, "simpleconnect", plans=[(sc, 1, APRIL, None)], first_billable=APRIL)
    clear_address(db, ito)
    return {"codes": (code1, code2, code3, code4, code5, code7, code9), "charges": (interest, credit), "c1": c1}


# -- reading back ---------------------------------------------------------------------------------
def invoices(db, month: dt.date | None = None) -> list[Invoice]:
    with db.transaction() as session:
        query = select(Invoice).order_by(Invoice.id)
        if month is not None:
            query = query.where(Invoice.billing_month == month)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def lines_of(db, invoice_id: int) -> list[tuple[str, str, str, int, int | None, int, str]]:
    """(kind, カスタマID, description, quantity, unit, amount, tax category) in position order."""
    with db.transaction() as session:
        return [(r.kind.value, r.customer_code, r.description, r.quantity, r.unit_amount, r.amount, r.tax_category.value)
                for r in session.scalars(select(InvoiceLineRow).where(InvoiceLineRow.invoice_id == invoice_id)
                                         .order_by(InvoiceLineRow.position))]


def count_rows(db, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def billed_to(db, model, ids: Sequence[int]) -> list[int | None]:
    with db.transaction() as session:
        return list(session.scalars(select(model.invoice_id).where(model.id.in_(ids)).order_by(model.id)))

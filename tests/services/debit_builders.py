"""The office, contracts and invoices of the 口座振替 tests, and the bank's side: the result file a
bank returns for a request file (domain.zengin_debit with_result)."""

from __future__ import annotations

import datetime as dt

from reseller_desk.db.models import BankAccount, Contract
from reseller_desk.domain.company import CompanyDetails
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.zengin_debit import DebitFile, read_file, with_result, write_file
from reseller_desk.services import numbering, settings
from reseller_desk.services.payments.debit_settings import debit_settings, save_debit_settings
from tests.versions import company_now

from .payment_builders import an_invoice

__all__ = ["COLLECTION", "OFFICE", "a_debit_contract", "a_debit_invoice", "a_debit_office", "bank_result"]

#: The collection day of the tests (a Monday, a bank business day).
COLLECTION = dt.date(2026, 12, 28)
OFFICE = {"consignor_code": "0000012345", "consignor_name": "カ)テストショウジ", "bank_code": "9999",
          "bank_name": "ﾃｽﾄｷﾞﾝｺｳ", "branch_code": "001", "branch_name": "ﾎﾝﾃﾝ", "account_type": 1,
          "account_number": "1234567", "failed_debit_pay_days": 14}


def a_debit_office(db, manager, **changes: object) -> None:
    """The company details, 設定 → 口座振替 filled in (OFFICE) and one 振込先 account."""
    settings.save_company(db, manager, CompanyDetails(
        name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
        phone="03-5289-7410", registration_number="T8700110005901"), expected_version=company_now(db))
    save_debit_settings(db, manager, {**OFFICE, **changes}, expected_version=debit_settings(db).version)
    with db.transaction(write=True) as session:
        session.add(BankAccount(bank_code="0001", bank_name="みずほ銀行", branch_code="100", branch_name="本店",
                                account_type="普通", account_number="7654321", holder_kana="ｶ)ﾃｽﾄｼﾖｳｼﾞ"))


def a_debit_contract(db, customer_id: int, *, holder: str = "ヤマダ タロウ", bank: str = "9999", branch: str = "002",
                     kind: str = "普通", number: str = "7654321", bank_name: str = "", branch_name: str = "",
                     method: PaymentMethod = PaymentMethod.DEBIT) -> tuple[int, str]:
    """A contract paying by 口座振替 from the account given: (id, カスタマID)."""
    with db.transaction(write=True) as session:
        profile = settings.profile_record(session, "simpleconnect")
        code = numbering.customer_code(session)
        contract = Contract(customer_code=code, customer_id=customer_id, terms_profile_id=profile.id,
                            formed_on=dt.date(2026, 9, 1), payment_method=method)
        if bank:
            (contract.debit_bank_code, contract.debit_branch_code, contract.debit_account_type,
             contract.debit_account_number, contract.debit_holder_kana) = bank, branch, kind, number, holder
            contract.debit_bank_name, contract.debit_branch_name = bank_name, branch_name
        session.add(contract)
        session.flush()
        return contract.id, code


def a_debit_invoice(db, customer_id: int, code: str, *, before_tax: int = 10_000,
                    due: dt.date = COLLECTION, month: dt.date | None = None) -> tuple[int, int]:
    """An issued 口座振替 invoice of contract ``code`` due on ``due`` (for the month before, unless
    ``month``: one invoice per customer and month): (id, total)."""
    month = month or (due.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return an_invoice(db, customer_id, before_tax=before_tax, due=due, method=PaymentMethod.DEBIT,
                      customer_code=code, month=month)


def bank_result(request: bytes, codes: dict[int, int] | None = None) -> bytes:
    """The 振替結果 the bank returns for ``request``: every record 振替済 except the data records
    named (1-based among the data records) with their result code."""
    debit = read_file(request, result=False)
    codes = codes or {}
    records = tuple(with_result(r, codes.get(n, 0)) for n, r in enumerate(debit.records, start=1))
    return write_file(DebitFile(debit.header, records, is_result=True))

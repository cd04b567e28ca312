"""The demo office's money in (issue 12), read back from a demo filled once for the module (on
SQLite; tests/test_demo_contracts.py runs tests/consistency.py, payments included, on both
engines): most invoices paid, some short by a transfer fee, some late, a few overpaid, some open;
payer names for the transfer customers; the consignor settings for direct debit."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings, Customer, DunningLetter, Invoice, Notice, PayerName, Payment
from reseller_desk.demo import fill_demo
from reseller_desk.demo.payments import TRANSFER_FEE, payer_name_of
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.payer_match import payer_key
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.payments.balances import account_of, balances
from tests.consistency import check

TODAY = clock.today()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo-payments") / "demo.sqlite3"
    db = Database.open(path, create=True)
    fill_demo(db, customers=300)
    yield db, path
    db.dispose()


def test_the_demo_invoices_are_mostly_paid_with_some_short_some_open_and_a_few_overpaid(demo):
    db, _ = demo
    with db.transaction() as session:
        states = Counter(b.state for b in balances(session).values() if b.due_date and b.due_date < TODAY)
        shortfalls = {b.total - b.applied for b in balances(session).values() if b.state is InvoiceState.SHORT}
        payers = set(session.scalars(select(Payment.customer_id)))
        credit = [c for c in payers if account_of(session, c).credit > 0]
    assert states[InvoiceState.PAID] > 0.7 * sum(states.values())
    assert states[InvoiceState.OPEN] > 0 and states[InvoiceState.SHORT] > 0
    assert shortfalls == {TRANSFER_FEE}
    assert credit


def test_every_transfer_customer_has_the_payer_name_the_bank_prints(demo):
    db, _ = demo
    with db.transaction() as session:
        names = session.execute(select(PayerName.name, PayerName.key, Customer.kind, Customer.name_kana)
                                .join(Customer, Customer.id == PayerName.customer_id)).all()
        company = session.scalars(select(CompanySettings)).one()
        transfer_customers = set(session.scalars(select(Invoice.customer_id).where(
            Invoice.payment_method == "transfer")))
    assert names and len(names) == len(transfer_customers)
    for name, key, kind, kana in names:
        assert name == payer_name_of(kind, kana) and key == payer_key(name)
        assert name.isascii() is False and "カ" not in name
    assert any(n.startswith("ｶ)") for n, _, k, _ in names if k is CustomerKind.CORPORATE)
    assert len(company.debit_consignor_code) == 10


def test_the_demo_with_its_payments_is_consistent(demo):
    _, path = demo
    found = check(path)
    assert found.problems == []


def test_the_oldest_months_unpaid_customers_were_sent_the_first_dunning_letter(demo):
    db, _ = demo
    with db.transaction() as session:
        letters = session.scalars(select(DunningLetter)).all()
        kinds = {session.get(Notice, letter.notice_id).kind for letter in letters}
    assert letters and kinds == {NoticeKind.DUNNING_LETTER}
    assert len({letter.issued_on for letter in letters}) == 1

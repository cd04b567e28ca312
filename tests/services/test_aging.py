"""Receivables (services.payments.aging): the aging table per customer with its totals, and the
customer's account statement with a running balance that ends where the ledger's balance is."""

from __future__ import annotations

import datetime as dt

from reseller_desk.domain.payments import WriteOffAccount
from reseller_desk.services.payments import aging, interest, ledger, write_offs
from reseller_desk.services.payments.balances import account_of

from .receivables_builders import a_customer, a_late_invoice, another_customer, pay

TODAY = dt.date(2027, 1, 15)


def test_the_aging_table_puts_each_open_amount_in_its_column_and_adds_them_up(db, office, clerk):
    mirai = a_customer(db, clerk)
    hikari = another_customer(db, clerk)
    a_late_invoice(db, mirai, due=dt.date(2026, 12, 16))                             # 30 days: 1〜30日
    a_late_invoice(db, mirai, due=dt.date(2026, 12, 15), month=dt.date(2026, 11, 1))  # 31 days: 31〜60日
    a_late_invoice(db, hikari, due=dt.date(2027, 1, 15))                             # due today: 未到来
    _, total = a_late_invoice(db, hikari, due=dt.date(2026, 10, 16), month=dt.date(2026, 9, 1))  # 91 days
    pay(db, clerk, hikari, 1_000, dt.date(2026, 10, 1), invoice_ids=None)   # before it was due: no interest
    paid_up = another_customer(db, clerk, name="株式会社完済")
    a_late_invoice(db, paid_up, due=dt.date(2026, 12, 31))
    pay(db, clerk, paid_up, 11_500, dt.date(2026, 12, 1))
    report = aging.aging_report(db, TODAY)
    assert aging.bucket_labels() == ("未到来", "1〜30日", "31〜60日", "61〜90日", "91日超")
    by_name = {r.name: r for r in report.rows}
    assert set(by_name) == {"株式会社みらい商事", "株式会社ひかり商事"}
    assert by_name["株式会社みらい商事"].buckets == (0, 11_000, 11_000, 0, 0)
    # ひかり's 1,000 went to the oldest invoice (due 10/16).
    assert by_name["株式会社ひかり商事"].buckets == (11_000, 0, 0, 0, total - 1_000)
    assert report.totals == (11_000, 11_000, 11_000, 0, 10_000) and report.total == 43_000
    assert report.credit == 0


def test_the_account_statement_runs_a_balance_from_the_opening_to_the_ledgers(db, office, clerk, manager):
    customer_id = a_customer(db, clerk)
    first, _ = a_late_invoice(db, customer_id, month=dt.date(2026, 9, 1), due=dt.date(2026, 10, 31))
    second, _ = a_late_invoice(db, customer_id, month=dt.date(2026, 10, 1), due=dt.date(2026, 11, 30))
    pay(db, clerk, customer_id, 11_000, dt.date(2026, 10, 30))               # the first, on time
    pay(db, clerk, customer_id, 12_000, dt.date(2026, 12, 10))               # the second late, 1,000 over
    ledger.refund_credit(db, clerk, customer_id, 600, on=dt.date(2026, 12, 20), note="過入金の返金",
                         today=TODAY)
    third, _ = a_late_invoice(db, customer_id, month=dt.date(2026, 11, 1), due=dt.date(2026, 12, 31))
    ledger.apply_credit(db, clerk, customer_id, on=dt.date(2026, 12, 25), today=TODAY)
    write_offs.write_off(db, manager, third, 400, account=WriteOffAccount.MISC_LOSS, note="端数", on=TODAY,
                         today=TODAY)
    statement = aging.account_statement(db, customer_id, since=dt.date(2026, 11, 1), until=TODAY)
    kinds = [(e.kind, e.charged, e.paid) for e in statement.entries if e.counts]
    assert ("入金", 0, 12_000) in kinds and ("返金", 600, 0) in kinds and ("償却", 0, 400) in kinds
    listed = [e.kind for e in statement.entries if not e.counts]
    assert listed.count("充当") == 1 and listed.count("遅延損害金") == 1
    running = statement.opening
    for entry in statement.entries:
        running += entry.charged - entry.paid
        assert entry.balance == running
    with db.transaction() as session:
        account = account_of(session, customer_id)
    assert statement.closing == account.balance == 11_000 - 400 - 400
    assert (statement.owed, statement.credit) == (account.owed, account.credit)
    # The second invoice, paid 10 days late: 12/1..12/9, floor(11,000 × 14.6 % × 9 / 365) = 39.
    assert [i.amount for i in interest.interest_of(db, customer_id)] == [39]

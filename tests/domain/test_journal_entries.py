"""The month's slips from invoices and money (domain.journal_entries): 売掛金 / 売上高 per rate,
tax-inclusive with the category or before tax with 仮受消費税, 不課税 lines by what they are,
credit invoices on the other side; receipts, credit applied later, refunds, reversals,
write-offs and deposits; every slip balances."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.charges import ChargeKind
from reseller_desk.domain.journal import JournalRefused
from reseller_desk.domain.journal_entries import (
    DEFAULTS,
    PROFILES,
    AccountName,
    AppliedFact,
    DepositFact,
    InvoiceFacts,
    Ledger,
    PaymentFact,
    Role,
    WriteOffFact,
    accounts_of,
    outside_role,
    receipts_slips,
    sales_slips,
)
from reseller_desk.domain.payments import DepositEntryKind, PaymentKind, ReceiptMethod, WriteOffAccount

DAY = dt.date(2026, 12, 1)
INVOICE = InvoiceFacts("2026-000001", DAY, "山田商事", 4278, taxable_10=2980, tax_10=298, taxable_8=0, tax_8=0,
                       exempt=0, outside_lines=((Role.INTEREST, 300), (Role.DAMAGES, 700)))


def sides(slip):
    debit = [(ln.debit_account, ln.debit_amount, ln.debit_tax, ln.debit_tax_amount) for ln in slip.lines if ln.debit_account]
    credit = [(ln.credit_account, ln.credit_amount, ln.credit_tax, ln.credit_tax_amount)
              for ln in slip.lines if ln.credit_account]
    return debit, credit


def test_a_yayoi_sales_slip_is_tax_inclusive_with_its_category_and_the_outside_lines_by_kind():
    (slip,) = sales_slips([INVOICE], DEFAULTS[Ledger.YAYOI], PROFILES[Ledger.YAYOI])
    debit, credit = sides(slip)
    assert debit == [("売掛金", 4278, "対象外", None)]
    assert credit == [("売上高", 3278, "課税売上込10%", 298), ("受取利息", 300, "対象外", None),
                      ("雑収入", 700, "対象外", None)]
    assert slip.debits == slip.credits == 4278 and slip.kind == 3
    assert slip.lines[0].memo == "請求書 2026-000001 山田商事" and slip.lines[0].debit_partner == "山田商事"


def test_the_plain_csv_sales_slip_is_before_tax_with_output_tax_per_rate():
    invoice = InvoiceFacts("2026-000002", DAY, "佐藤", 1188 + 1100, taxable_10=1000, tax_10=100, taxable_8=1100, tax_8=88)
    (slip,) = sales_slips([invoice], DEFAULTS[Ledger.CSV], PROFILES[Ledger.CSV])
    _, credit = sides(slip)
    assert [(a, n, t) for a, n, t, _ in credit] == [("売上高", 1000, "課税10%"), ("仮受消費税", 100, "不課税"),
                                                    ("売上高", 1100, "軽減8%"), ("仮受消費税", 88, "不課税")]


def test_mf_and_freee_spell_the_reduced_rate_their_own_way():
    invoice = InvoiceFacts("2026-000003", DAY, "佐藤", 1188, taxable_8=1100, tax_8=88)
    assert sides(sales_slips([invoice], DEFAULTS[Ledger.MF], PROFILES[Ledger.MF])[0])[1] == [
        ("売上高", 1188, "課税売上 (軽)8%", 88)]
    assert sides(sales_slips([invoice], DEFAULTS[Ledger.FREEE], PROFILES[Ledger.FREEE])[0])[1] == [
        ("売上高", 1188, "課税売上8%（軽）", 88)]


def test_a_credit_invoice_is_written_on_the_other_sides():
    credit = InvoiceFacts("2026-000004", DAY, "山田商事", -3278, taxable_10=-2980, tax_10=-298, credit=True)
    (slip,) = sales_slips([credit], DEFAULTS[Ledger.YAYOI], PROFILES[Ledger.YAYOI])
    assert sides(slip) == ([("売上高", 3278, "課税売上込10%", 298)], [("売掛金", 3278, "対象外", None)])
    assert slip.lines[0].memo.startswith("返還請求書")


def test_a_carried_credit_is_the_customers_receivable_and_parts_not_adding_up_are_refused():
    carried = InvoiceFacts("2026-000005", DAY, "山田", 0, taxable_10=-1000, tax_10=-100,
                           outside_lines=((Role.RECEIVABLE, 1100),))
    assert sides(sales_slips([carried], DEFAULTS[Ledger.YAYOI], PROFILES[Ledger.YAYOI])[0]) == (
        [("売上高", 1100, "課税売上込10%", 100)], [("売掛金", 1100, "対象外", None)])
    with pytest.raises(JournalRefused, match="差 -1,000円"):
        sales_slips([InvoiceFacts("X", DAY, "山田", 1000)], DEFAULTS[Ledger.YAYOI], PROFILES[Ledger.YAYOI])
    assert outside_role(ChargeKind.LATE_INTEREST, carried=False) is Role.INTEREST
    assert outside_role(ChargeKind.DAMAGES, carried=False) is outside_role(None, carried=False) is Role.DAMAGES
    assert outside_role(None, carried=True) is Role.RECEIVABLE


def test_receipts_refunds_reversals_credit_write_offs_and_deposits():
    names = accounts_of(Ledger.YAYOI, {Role.BANK: AccountName("普通預金", "みずほ銀行")})
    payments = [PaymentFact(1, PaymentKind.RECEIPT, ReceiptMethod.TRANSFER, DAY, 5000, "山田"),
                PaymentFact(2, PaymentKind.REFUND, ReceiptMethod.TRANSFER, dt.date(2026, 12, 20), -722, "山田"),
                PaymentFact(3, PaymentKind.REVERSAL, ReceiptMethod.DEBIT, dt.date(2026, 12, 5), -3278, "佐藤"),
                PaymentFact(4, PaymentKind.RECEIPT, ReceiptMethod.DEPOSIT, dt.date(2026, 12, 6), 2000, "鈴木")]
    applied = [AppliedFact(1, "A1", DAY, 3278), AppliedFact(3, "B1", dt.date(2026, 12, 5), -3278),
               AppliedFact(1, "A2", dt.date(2026, 12, 10), 1000), AppliedFact(4, "C1", dt.date(2026, 12, 6), 2000)]
    write_offs = [WriteOffFact("A3", dt.date(2026, 12, 15), 440, WriteOffAccount.MISC_LOSS, "山田")]
    deposits = [DepositFact(DepositEntryKind.RECEIVED, dt.date(2026, 12, 2), 50000, "鈴木"),
                DepositFact(DepositEntryKind.APPLIED, dt.date(2026, 12, 6), 2000, "鈴木", by_payment=True),
                DepositFact(DepositEntryKind.REFUNDED, dt.date(2026, 12, 28), 48000, "鈴木")]
    slips = receipts_slips(payments, applied, write_offs, deposits, names)
    got = [(s.on.day, sides(s)) for s in slips]
    compact = [(day, [(a, n) for a, n, _, _ in d], [(a, n) for a, n, _, _ in c]) for day, (d, c) in got]
    assert compact == [
        (1, [("普通預金", 5000)], [("売掛金", 3278), ("前受金", 1722)]),
        (2, [("普通預金", 50000)], [("預り保証金", 50000)]),
        (5, [("売掛金", 3278)], [("普通預金", 3278)]),
        (6, [("預り保証金", 2000)], [("売掛金", 2000)]),
        (10, [("前受金", 1000)], [("売掛金", 1000)]),
        (15, [("雑損失", 440)], [("売掛金", 440)]),
        (20, [("前受金", 722)], [("普通預金", 722)]),
        (28, [("預り保証金", 48000)], [("普通預金", 48000)]),
    ]
    assert slips[0].lines[0].debit_sub == "みずほ銀行"
    assert all(s.debits == s.credits for s in slips)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**6, 10**6), st.integers(-10**5, 10**5), st.integers(-10**6, 10**6),
                          st.integers(-10**6, 10**6)), min_size=1, max_size=5),
       st.sampled_from(list(Ledger)))
def test_any_invoice_whose_parts_add_up_makes_a_balanced_slip_with_no_negative_amount(parts, ledger):
    invoices = [InvoiceFacts(f"N{i}", DAY, "x", t + tax + e + o, taxable_10=t, tax_10=tax, exempt=e,
                             outside_lines=((Role.DAMAGES, o),)) for i, (t, tax, e, o) in enumerate(parts)]
    for slip in sales_slips(invoices, DEFAULTS[ledger], PROFILES[ledger]):
        assert slip.debits == slip.credits
        assert all(ln.debit_amount >= 0 and ln.credit_amount >= 0 for ln in slip.lines)

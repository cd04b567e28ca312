"""What a month's invoice holds under each profile, worked by hand (terms-rules.md §4–5; issue 10
"Done when"): the first month (SC: the month after 登録日; SH: the 開通日 month, whole), the
initial fee, options with quantities, a plan change and a price change month, a 特約 month, the
cancellation month, a suspended month, tax rounded up (SC §12) or down (SH §28.5) at .5 and at
.01, once per rate over the invoice, non-taxable lines, and a credit carried to the next month."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain import billing, rules
from reseller_desk.domain.billing import BillLine, LineKind, NamedPrice, Totals
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.contract_history import (
    AgreementDocument,
    AgreementSubject,
    OptionPeriod,
    PlanPeriod,
    SpecialAgreement,
    composition_in,
)
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.prices import Price, PriceChange, PricedItem, price_in
from reseller_desk.domain.terms import load_profile

SC, SH = load_profile("simpleconnect"), load_profile("sokujitsu")
OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
BASIC = NamedPrice("ベーシック", 2980, 5000)
REC = NamedPrice("通話録音", 500, 1000)
LIGHT = NamedPrice("ライト", 1980, 3000)
PLAN, OPTION = 1, 7


def lines_for(profile, month, plans, options=(), agreements=(), *, first, plan=BASIC, option=REC, first_held=None):
    composition = composition_in(month, plans, options, agreements)
    assert composition is not None
    return billing.contract_lines(profile, month, customer_code="C0000001", contract_id=1, composition=composition,
                                  first_billable_month=first, plan=plan, options={OPTION: option},
                                  option_first_months={OPTION: first_held or first})


def amounts(lines):
    return [(line.kind.value, line.description, line.quantity, line.unit_amount, line.amount) for line in lines]


def taxed(amount: int, category: TaxCategory = TaxCategory.TAXABLE_10, kind: LineKind = LineKind.FIXED) -> BillLine:
    return BillLine(kind, "x", 1, amount, amount, category)


# -- the first month under each profile ----------------------------------------------------------------
def test_sc_bills_from_the_month_after_registration_with_the_initial_fees_of_the_plan_and_options():
    first = rules.first_billable_month(SC, dt.date(2026, 9, 30))
    assert first == OCT                                           # SC §9.2
    assert not billing.billable_in(dt.date(2026, 9, 1), first, None)
    lines = lines_for(SC, OCT, [PlanPeriod(PLAN, 2, OCT)], [OptionPeriod(OPTION, 3, OCT)], first=first)
    assert amounts(lines) == [("recurring", "ベーシック 月額", 2, 2980, 5960), ("initial", "ベーシック 初期費用", 2, 5000, 10000),
                              ("recurring", "通話録音 月額", 3, 500, 1500), ("initial", "通話録音 初期費用", 3, 1000, 3000)]
    # 20,460 × 10% = 2,046: SC's invoice of its first month
    assert billing.settle(SC, OCT, lines).totals == Totals(taxable_10=20460, tax_10=2046)
    # the month after: no initial fee
    assert [line.kind for line in lines_for(SC, NOV, [PlanPeriod(PLAN, 2, OCT)], first=first)] == [LineKind.RECURRING]


def test_sh_bills_the_whole_opening_month_from_its_first_day():
    first = rules.first_billable_month(SH, dt.date(2026, 10, 2), opened_on=dt.date(2026, 10, 31))
    assert first == OCT                                           # SH §28.2, §28.4: the 開通日 month, whole
    lines = lines_for(SH, OCT, [PlanPeriod(PLAN, 1, OCT)], first=first, plan=LIGHT)
    assert amounts(lines) == [("recurring", "ライト 月額", 1, 1980, 1980), ("initial", "ライト 初期費用", 1, 3000, 3000)]
    assert (lines[0].period_from, lines[0].period_to) == (OCT, dt.date(2026, 10, 31))
    assert billing.settle(SH, OCT, lines).totals.total == 4980 + 498


def test_an_option_added_later_has_its_initial_fee_on_its_own_first_month():
    plans, options = [PlanPeriod(PLAN, 1, OCT)], [OptionPeriod(OPTION, 2, NOV)]
    lines = lines_for(SC, NOV, plans, options, first=OCT, first_held=NOV)
    assert amounts(lines)[1:] == [("recurring", "通話録音 月額", 2, 500, 1000), ("initial", "通話録音 初期費用", 2, 1000, 2000)]
    assert len(lines_for(SC, DEC, plans, options, first=OCT, first_held=NOV)) == 2


# -- changes: plan, price, 特約 -------------------------------------------------------------------------
def test_a_plan_change_month_bills_the_new_plan_and_lines_and_the_month_before_the_old():
    plans = [PlanPeriod(PLAN, 1, dt.date(2026, 1, 1), dt.date(2026, 10, 1)), PlanPeriod(2, 3, NOV)]
    assert composition_in(OCT, plans, ()).plan_id == PLAN
    lines = lines_for(SC, NOV, plans, first=dt.date(2026, 1, 1), plan=NamedPrice("対面プラン", 3980, 5000))
    assert amounts(lines) == [("recurring", "対面プラン 月額", 3, 3980, 11940)]


def test_a_price_change_takes_effect_from_its_month_and_never_rewrites_the_months_before():
    changes = [PriceChange(PricedItem.PLAN, PLAN, NOV, 3280, 5000), PriceChange(PricedItem.PLAN, PLAN, DEC, 3480, 0)]
    created = Price(2980, 5000)
    assert [price_in(m, created, changes).monthly_fee for m in (OCT, NOV, dt.date(2026, 11, 30), DEC)] == [
        2980, 3280, 3280, 3480]
    nov = price_in(NOV, created, changes)
    lines = lines_for(SC, NOV, [PlanPeriod(PLAN, 2, OCT)], first=OCT, plan=NamedPrice("ベーシック", nov.monthly_fee,
                                                                                     nov.initial_fee))
    assert amounts(lines) == [("recurring", "ベーシック 月額", 2, 3280, 6560)]


def test_a_special_agreement_replaces_the_plan_or_option_price_for_the_months_it_covers_only():
    agreements = [SpecialAgreement(AgreementSubject.PLAN_MONTHLY_FEE, AgreementDocument.QUOTE, "Q-1", NOV, NOV, 2500),
                  SpecialAgreement(AgreementSubject.OPTION_MONTHLY_FEE, AgreementDocument.ORDER, "O-2", NOV, None, 0,
                                   OPTION)]
    plans, options = [PlanPeriod(PLAN, 2, OCT)], [OptionPeriod(OPTION, 1, OCT)]
    assert amounts(lines_for(SC, NOV, plans, options, agreements, first=OCT)) == [
        ("recurring", "ベーシック 月額（特約 見積書 Q-1）", 2, 2500, 5000), ("recurring", "通話録音 月額（特約）", 1, 0, 0)]
    assert amounts(lines_for(SC, DEC, plans, options, agreements, first=OCT))[0] == (
        "recurring", "ベーシック 月額", 2, 2980, 5960)


# -- the last months ------------------------------------------------------------------------------------
@pytest.mark.parametrize("profile", [SC, SH], ids=["SC", "SH"])
def test_the_cancellation_month_is_billed_and_the_month_after_is_not(profile):
    last = rules.last_billable_month(dt.date(2026, 11, 30))
    assert last == NOV
    assert billing.billable_in(NOV, OCT, last) and not billing.billable_in(DEC, OCT, last)
    assert billing.billable_in(dt.date(2026, 11, 15), OCT, last)   # any day of the month names it


def test_a_suspended_month_is_billed_like_any_other_and_a_contract_not_yet_opened_is_not():
    # The contract stands during a suspension for the customer's cause (SC §24.2): billed.
    assert billing.billable_in(NOV, OCT, None)
    assert not billing.billable_in(NOV, None, None)               # 開通待ち: no first billable month


# -- tax ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("base", "category", "sc_tax", "sh_tax"), [
    (1005, TaxCategory.TAXABLE_10, 101, 100),   # 100.5: up (SC §12) / down (SH §28.5)
    (1001, TaxCategory.REDUCED_8, 81, 80),      # 80.08
    (1001, TaxCategory.TAXABLE_10, 101, 100),   # 100.1
    (1000, TaxCategory.TAXABLE_10, 100, 100),   # exact
])
def test_tax_is_rounded_in_each_profiles_direction_at_a_half_and_at_a_hundredth(base, category, sc_tax, sh_tax):
    for profile, expected in ((SC, sc_tax), (SH, sh_tax)):
        totals = billing.settle(profile, OCT, [taxed(base, category)]).totals
        rate_tax = totals.tax_10 if category is TaxCategory.TAXABLE_10 else totals.tax_8
        assert rate_tax == expected
        assert totals.total == base + expected


def test_tax_is_rounded_once_per_rate_over_the_whole_invoice_never_per_line():
    # Three lines of 105 yen: per line 10.5 → 11 each (33) under SC; over the invoice 31.5 → 32.
    lines = [taxed(105), taxed(105), taxed(105), taxed(1001, TaxCategory.REDUCED_8), taxed(1001, TaxCategory.REDUCED_8)]
    sc, sh = billing.settle(SC, OCT, lines).totals, billing.settle(SH, OCT, lines).totals
    assert (sc.taxable_10, sc.tax_10, sc.taxable_8, sc.tax_8) == (315, 32, 2002, 161)   # 31.5 → 32; 160.16 → 161
    assert (sh.tax_10, sh.tax_8) == (31, 160)


def test_non_taxable_lines_are_totalled_apart_and_carry_no_tax():
    lines = [taxed(2980), taxed(1460, TaxCategory.OUTSIDE, LineKind.FIXED), taxed(300, TaxCategory.EXEMPT)]
    totals = billing.settle(SH, OCT, lines).totals
    assert totals == Totals(taxable_10=2980, tax_10=298, exempt=300, outside=1460)
    assert totals.total == 5038


def test_a_month_before_october_2019_has_no_rate_this_app_bills():
    from reseller_desk.domain.tax import TaxRateUnknown, tax_month_problem

    assert tax_month_problem(dt.date(2019, 9, 1)) and tax_month_problem(dt.date(2019, 10, 1)) is None
    with pytest.raises(TaxRateUnknown):
        billing.settle(SC, dt.date(2019, 9, 1), [taxed(100)])


# -- credits --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("profile", "carried"), [(SC, 2222), (SH, 2221)], ids=["SC", "SH"])
def test_a_credit_larger_than_the_month_leaves_the_invoice_at_zero_and_carries_the_rest(profile, carried):
    # 2,980 − 5,000 = −2,020 taxable, tax −202: −2,222 carried (SC); SH adds a 不課税 charge of 1.
    lines = [taxed(2980, kind=LineKind.RECURRING), taxed(-5000, kind=LineKind.CREDIT_ADJ)]
    if profile is SH:
        lines.append(taxed(1, TaxCategory.OUTSIDE))
    settled = billing.settle(profile, OCT, lines)
    assert settled.totals.total == 0 and settled.carried_forward == carried
    assert settled.lines[-1].kind is LineKind.CARRIED_OUT and settled.lines[-1].amount == carried
    # The next month brings it in as a 不課税 credit, outside the tax of its own charges.
    brought = billing.carried_in_line(settled.carried_forward, "2026-000001", 1)
    november = billing.settle(profile, NOV, [taxed(2980, kind=LineKind.RECURRING), brought])
    assert november.totals.total == 2980 + 298 - carried and november.carried_forward == 0
    assert brought.description == "前回からの繰越（請求書 2026-000001）"


def test_a_credit_invoice_returns_every_line_negated():
    lines = (taxed(2980), taxed(123, TaxCategory.OUTSIDE))
    returned = billing.reversed_lines(lines)
    assert [line.amount for line in returned] == [-2980, -123]
    assert billing.totals_of(SC, OCT, returned) == billing.totals_of(SC, OCT, lines).negated()


# -- dates ---------------------------------------------------------------------------------------------
def test_the_issue_and_due_dates_of_october_2026():
    company, bank = BusinessCalendar.company(), BusinessCalendar.bank()
    assert billing.issue_date(SC, company, OCT, None) == dt.date(2026, 11, 2)    # 11/1 is a Sunday
    assert billing.issue_date(SC, company, OCT, 20) == dt.date(2026, 11, 15)     # never after the 15th (SC §10.2)
    assert billing.due_date(SC, bank, OCT, PaymentMethod.DEBIT, 28) == dt.date(2026, 11, 30)   # 11/28 is a Saturday
    assert billing.due_date(SH, bank, OCT, PaymentMethod.TRANSFER, 27) == dt.date(2026, 11, 30)
    assert billing.invoice_number(2026, 123) == "2026-000123"


def test_the_frozen_json_is_exactly_that_of_dataclasses_asdict():
    import dataclasses
    import json

    from reseller_desk.domain.invoice_document import (
        DebitInfo,
        DocumentParty,
        InvoiceDocument,
        InvoiceKind,
        TransferAccount,
        _json_default,
    )

    lines = [*lines_for(SC, OCT, [PlanPeriod(PLAN, 2, OCT)], [OptionPeriod(OPTION, 3, OCT)], first=OCT),
             billing.usage_line(OCT, customer_code="C0000001", contract_id=1, phone_number="0312345678", calls=3,
                                amount=47), taxed(-100, kind=LineKind.CREDIT_ADJ)]
    settled = billing.settle(SC, OCT, lines)
    document = InvoiceDocument(
        "2026-000001", InvoiceKind.INVOICE, OCT, dt.date(2026, 11, 2), None, PaymentMethod.DEBIT,
        DocumentParty("𠮷野家 <&>", "150-0002", "東京都渋谷区", is_corporate=False), DocumentParty("発行者", phone="03"),
        SC.name, settled.lines, settled.totals, debit=DebitInfo("銀行", "支店", "普通", "****321", "ｶﾅ"),
        transfer_accounts=(TransferAccount("b", "s", "普通", "1", "k"),), notes=("注記",), corrects_issue_date=OCT,
        extra={"nested": [1, {"day": "x"}], "n": None})
    assert document.to_json() == json.dumps(dataclasses.asdict(document), ensure_ascii=False, sort_keys=True,
                                            separators=(",", ":"), default=_json_default)
    assert InvoiceDocument.from_json(document.to_json()) == document
    assert document.numbered("2026-000009") == dataclasses.replace(document, number="2026-000009")
    assert document.number == "2026-000001"      # numbering makes a new document


def test_call_charges_are_one_line_per_number_and_name_the_number_only_when_there_is_one():
    by_number = billing.usage_line(OCT, customer_code="C0000001", contract_id=1, phone_number="0312345678",
                                   calls=1234, amount=4321)
    by_code = billing.usage_line(OCT, customer_code="C0000001", contract_id=1, phone_number="", calls=2, amount=30)
    assert by_number.description == "通話料 0312345678（1,234通話）"
    assert by_code.description == "通話料（2通話）"
    assert (by_code.kind, by_code.tax_category, by_code.unit_amount) == (LineKind.USAGE, TaxCategory.TAXABLE_10, None)

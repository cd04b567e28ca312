"""What a contract consisted of in a month has one answer: the period covering it, whatever
changes came before or after."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.contract_history import (
    AgreementDocument,
    AgreementSubject,
    ContractEventKind,
    OptionPeriod,
    PlanPeriod,
    SpecialAgreement,
    composition_in,
    month_before,
    overlaps,
    period_problem,
)

JUL, AUG, SEP, OCT, NOV = (dt.date(2026, m, 1) for m in (7, 8, 9, 10, 11))
PLANS = [PlanPeriod(plan_id=1, lines=2, from_month=JUL, until_month=AUG),
         PlanPeriod(plan_id=2, lines=2, from_month=SEP, until_month=SEP),
         PlanPeriod(plan_id=2, lines=5, from_month=OCT)]
OPTIONS = [OptionPeriod(option_id=7, quantity=1, from_month=JUL),
           OptionPeriod(option_id=3, quantity=2, from_month=AUG, until_month=SEP)]
QUOTE = SpecialAgreement(AgreementSubject.PLAN_MONTHLY_FEE, AgreementDocument.QUOTE, "Q-2025-031", AUG, SEP,
                         monthly_fee=1500)


def test_a_month_in_the_middle_of_a_period_gets_that_periods_plan_lines_options_and_agreements():
    august = composition_in(dt.date(2026, 8, 17), PLANS, OPTIONS, [QUOTE])
    assert (august.month, august.plan_id, august.lines, august.options) == (AUG, 1, 2, ((3, 2), (7, 1)))
    assert august.plan_fee_override() == 1500 and august.option_fee_override(3) is None


def test_a_plan_change_and_a_line_change_each_start_their_own_month():
    assert (composition_in(SEP, PLANS, OPTIONS).plan_id, composition_in(SEP, PLANS, OPTIONS).lines) == (2, 2)
    october = composition_in(OCT, PLANS, OPTIONS, [QUOTE])
    assert (october.plan_id, october.lines, october.options, october.agreements) == (2, 5, ((7, 1),), ())
    assert composition_in(dt.date(2031, 1, 1), PLANS, OPTIONS).lines == 5   # the running period has no end


def test_before_the_first_period_the_contract_consisted_of_nothing():
    assert composition_in(dt.date(2026, 6, 30), PLANS, OPTIONS) is None


def test_the_documents_of_an_agreement_print_as_the_office_writes_them():
    assert QUOTE.source == "見積書 Q-2025-031"
    assert AgreementDocument.from_label("注文書") is AgreementDocument.ORDER
    assert AgreementDocument.from_label("請求書") is None
    assert ContractEventKind.SUSPENDED.label == "利用停止" and ContractEventKind.IMPORTED.label == "移行"


def test_a_range_of_months_a_clerk_types_is_checked():
    assert period_problem(AUG, SEP) is None and period_problem(AUG, None) is None
    assert period_problem(dt.date(2026, 8, 2), None) == "月は月初（1日）で指定してください。"
    assert period_problem(SEP, AUG) == "終了月が開始月より前になっています。"
    assert month_before(dt.date(2026, 1, 20)) == dt.date(2025, 12, 1)


MONTHS = st.integers(0, 40).map(lambda k: dt.date(2025 + k // 12, k % 12 + 1, 1))


@given(cuts=st.lists(MONTHS, min_size=1, max_size=6, unique=True), month=MONTHS)
def test_periods_cut_at_change_months_never_overlap_and_every_month_after_the_first_has_one_answer(cuts, month):
    cuts = sorted(cuts)
    periods = [PlanPeriod(plan_id=i, lines=i + 1, from_month=start,
                          until_month=month_before(cuts[i + 1]) if i + 1 < len(cuts) else None)
               for i, start in enumerate(cuts)]
    for a in periods:
        for b in periods:
            assert a is b or not overlaps(a.from_month, a.until_month, b.from_month, b.until_month)
    found = composition_in(month, periods, [])
    covering = [p for p in periods if p.covers(month)]
    assert (found is None) == (month < cuts[0]) and len(covering) == (0 if month < cuts[0] else 1)
    if found is not None:
        assert found.plan_id == covering[0].plan_id

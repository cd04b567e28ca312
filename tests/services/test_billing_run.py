"""The billing run over a small office with contracts of both profiles (October 2026, run on
2026-11-20): exactly the invoices worked out by hand below, the accounts it skips with their
reasons, and a second run that issues nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk.db.models import AuditEntry, BillRun, Invoice, OneTimeCharge, UsageRecord
from reseller_desk.domain.charges import ChargeKind
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceDocument
from reseller_desk.services.billing import runs
from reseller_desk.services.billing.run import bill_month

from .billing_office import (
    NOVEMBER,
    OCTOBER,
    TODAY,
    billed_to,
    build_small_office,
    count_rows,
    customer,
    invoices,
    lines_of,
    put_charge,
    put_contract,
    with_transfer_account,
)
from .builders import MIRAI, YAMADA

APRIL = dt.date(2026, 4, 1)


@pytest.fixture
def small_office(db, office, manager):
    return build_small_office(db, office, manager)


def test_the_run_issues_exactly_the_invoices_worked_out_by_hand_for_both_profiles(db, clerk, small_office):
    code1, code2, code3, code4, code5, _, _ = small_office["codes"]
    summary = bill_month(db, clerk, OCTOBER, today=TODAY)
    issued = invoices(db)
    assert [(i.number, i.customer_name, i.customer_codes, i.payment_method) for i in issued] == [
        ("2026-000001", "株式会社みらい商事", f"{code1};{code2}", PaymentMethod.TRANSFER),
        ("2026-000002", "株式会社みらい商事", code3, PaymentMethod.DEBIT),
        ("2026-000003", "山田 太郎", code4, PaymentMethod.TRANSFER),
        ("2026-000004", "佐藤工業株式会社", code5, PaymentMethod.TRANSFER)]
    # 1. SC: 5,960 + 10,000 + 500 + 1,000 + 2,500 + 47 = 20,007; 10% = 2,000.7, rounded up (SC §12).
    assert lines_of(db, issued[0].id) == [
        ("recurring", code1, "ベーシック 月額", 2, 2980, 5960, "taxable_10"),
        ("initial", code1, "ベーシック 初期費用", 2, 5000, 10000, "taxable_10"),
        ("recurring", code1, "通話録音 月額", 1, 500, 500, "taxable_10"),
        ("initial", code1, "通話録音 初期費用", 1, 1000, 1000, "taxable_10"),
        ("recurring", code2, "ベーシック 月額（特約 見積書 Q-2026-031）", 1, 2500, 2500, "taxable_10"),
        ("usage", code2, "通話料 05012345678（3通話）", 3, None, 47, "taxable_10"),
        ("fixed", "", "遅延損害金", 1, 123, 123, "outside")]
    assert (issued[0].taxable_10, issued[0].tax_10, issued[0].outside, issued[0].total) == (20007, 2001, 123, 22131)
    # 2. SH, October's price 2,080: 2,080 + 33 − 100 = 2,013; 10% = 201.3, truncated (SH §28.5).
    assert lines_of(db, issued[1].id) == [
        ("recurring", code3, "ライト 月額", 1, 2080, 2080, "taxable_10"),
        ("usage", code3, "通話料 0312345678（1通話）", 1, None, 33, "taxable_10"),
        ("credit_adj", code3, "値引き", 1, -100, -100, "taxable_10")]
    assert (issued[1].taxable_10, issued[1].tax_10, issued[1].total) == (2013, 201, 2214)
    # 3. SH, the opening month billed whole and the cancellation month billed: 2,080 + 3,000 + 1,600 + 4,000.
    assert lines_of(db, issued[2].id) == [
        ("recurring", code4, "ライト 月額", 1, 2080, 2080, "taxable_10"),
        ("initial", code4, "ライト 初期費用", 1, 3000, 3000, "taxable_10"),
        ("recurring", code4, "IVR 月額", 2, 800, 1600, "taxable_10"),
        ("initial", code4, "IVR 初期費用", 2, 2000, 4000, "taxable_10")]
    assert (issued[2].taxable_10, issued[2].tax_10, issued[2].total) == (10680, 1068, 11748)
    # 4. SC, suspended and billed, the new plan and quantity, no initial fee: 11,940 + 1,000.
    assert lines_of(db, issued[3].id) == [
        ("recurring", code5, "対面プラン 月額", 3, 3980, 11940, "taxable_10"),
        ("recurring", code5, "通話録音 月額", 2, 500, 1000, "taxable_10")]
    assert (issued[3].taxable_10, issued[3].tax_10, issued[3].total) == (12940, 1294, 14234)
    # The frozen documents: dates, parties, how to pay, the SC note.
    first, debit, individual = (InvoiceDocument.from_json(issued[n].document_json) for n in (0, 1, 2))
    assert (first.issue_date, first.due_date) == (dt.date(2026, 11, 2), dt.date(2026, 11, 30))
    assert (debit.due_date, debit.debit.account_number_masked if debit.debit else "") == (dt.date(2026, 11, 27), "****321")
    assert first.issuer.registration_number == "T8700110005901" and first.customer.is_corporate
    assert not individual.customer.is_corporate and individual.customer.address == YAMADA.address
    assert [a.account_number for a in first.transfer_accounts] == ["1234567"] and not debit.transfer_accounts
    assert first.notes == ("領収書は発行いたしません（SC §9.14）。",) and debit.notes == ()
    assert billed_to(db, OneTimeCharge, small_office["charges"]) == [issued[0].id, issued[1].id]
    with db.transaction() as session:
        assert set(session.scalars(select(UsageRecord.invoice_id))) == {issued[0].id, issued[1].id}
    # The summary: totals per profile and rate, every skipped account with its reason.
    assert (summary.status, summary.accounts_total, summary.billed, summary.already, summary.skipped,
            summary.failed) == ("finished", 8, 4, 0, 4, 0)
    assert [(t.profile_key, t.invoices, t.taxable_10, t.tax_10, t.outside, t.total) for t in summary.totals] == [
        ("simpleconnect", 2, 32947, 3295, 123, 36365), ("sokujitsu", 2, 12693, 1269, 0, 13962)]
    assert summary.started_by == "事務 太郎" and summary.finished_at is not None


def test_the_summary_lists_every_skipped_account_and_contract_with_what_to_do(db, clerk, small_office):
    _, _, _, _, _, code7, code9 = small_office["codes"]
    summary = bill_month(db, clerk, OCTOBER, today=TODAY)
    assert [(p.outcome, p.customer_name, p.customer_code, p.profile_name) for p in summary.problems] == [
        ("skipped", "鈴木 花子", code7, "即日発番.com クラウドPBXサービス"),
        ("skipped", "田中商店", "", "SimpleConnect クラウドサービス"),
        ("skipped", "高橋 一郎", code9, "即日発番.com クラウドPBXサービス"),
        ("skipped", "伊藤 次郎", "", "SimpleConnect クラウドサービス")]
    reasons = [p.reason for p in summary.problems]
    assert "開通待ち" in reasons[0] and "開通日を記録" in reasons[0]
    assert reasons[1] == "支払方法が契約ごとに異なります。契約の支払方法変更で揃えてから再実行してください。"
    assert "2026年10月のプランの記録がありません" in reasons[2]
    assert "住所が未登録" in reasons[3] and "住所を登録" in reasons[3]
    assert runs.get_run(db, summary.run_id) == summary
    assert runs.list_runs(db, OCTOBER) == [summary] and runs.list_runs(db, NOVEMBER) == []


def test_running_the_month_again_issues_nothing_new(db, clerk, manager, small_office):
    first = bill_month(db, clerk, OCTOBER, today=TODAY)
    before = [(i.number, i.content_hash) for i in invoices(db)]
    second = bill_month(db, manager, OCTOBER, today=TODAY)
    assert [(i.number, i.content_hash) for i in invoices(db)] == before
    assert (second.billed, second.already, second.skipped, second.totals) == (0, 4, 4, ())
    assert [r.run_id for r in runs.list_runs(db)] == [second.run_id, first.run_id]
    with db.transaction() as session:
        audited = list(session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "invoice.issue")
                                       .order_by(AuditEntry.id)))
    assert audited == ["月次請求 2026年10月分 請求書 4件 2026-000001〜2026-000004", "月次請求 2026年10月分 請求書 0件"]


def test_a_credit_larger_than_the_month_is_carried_to_the_next_invoice_which_brings_it_in(db, clerk, office, manager):
    with_transfer_account(db, manager)
    mirai = customer(db, manager, MIRAI)
    put_contract(db, mirai, "simpleconnect", plans=[(office["sc"], 1, APRIL, None)], first_billable=APRIL)
    put_charge(db, mirai, "simpleconnect", -3000, kind=ChargeKind.CREDIT, description="お詫び値引き")
    bill_month(db, clerk, OCTOBER, today=TODAY)
    [october] = invoices(db)
    # 2,980 − 3,000 = −20, tax −2: −22 carried forward, the invoice at zero.
    assert (october.taxable_10, october.tax_10, october.outside, october.total, october.carried_forward) == (
        -20, -2, 22, 0, 22)
    assert lines_of(db, october.id)[-1] == ("carried_out", "", "次回へ繰越（クレジット残高）", 1, 22, 22, "outside")
    bill_month(db, clerk, NOVEMBER, today=dt.date(2026, 12, 3))
    november = invoices(db, NOVEMBER)[0]
    assert lines_of(db, november.id)[-1] == ("carried_in", "", f"前回からの繰越（請求書 {october.number}）", 1, -22, -22,
                                             "outside")
    assert (november.taxable_10, november.tax_10, november.total, november.carried_forward) == (2980, 298, 3256, 0)
    bill_month(db, clerk, dt.date(2026, 12, 1), today=dt.date(2027, 1, 5))
    december = invoices(db, dt.date(2026, 12, 1))[0]
    assert december.total == 3278   # brought in once only


def test_nothing_is_written_for_a_month_that_has_not_ended_or_an_office_that_cannot_issue(db, clerk, manager, office):
    from reseller_desk.services.errors import ServiceError, ValidationFailed

    mirai = customer(db, manager, MIRAI)
    put_contract(db, mirai, "simpleconnect", plans=[(office["sc"], 1, APRIL, None)], first_billable=APRIL)
    audit_before = count_rows(db, AuditEntry)
    for month in (NOVEMBER, dt.date(2026, 12, 1), dt.date(2019, 9, 1)):
        with pytest.raises(ValidationFailed) as refused:
            bill_month(db, clerk, month, today=TODAY)
        assert list(refused.value.errors) == ["month"]
    assert "2026年11月はまだ終わっていません" in str(_refusal(db, clerk, NOVEMBER).errors["month"])
    assert "2019年10月より前" in str(_refusal(db, clerk, dt.date(2019, 9, 1)).errors["month"])
    with pytest.raises(ServiceError, match="設定 → 振込先"):
        bill_month(db, clerk, OCTOBER, today=TODAY)
    with db.transaction(write=True) as session:
        from reseller_desk.db.models import CompanySettings
        session.get(CompanySettings, 1).registration_number = ""
    with pytest.raises(ServiceError, match="登録番号.*設定 → 会社情報"):
        bill_month(db, clerk, OCTOBER, today=TODAY)
    assert (count_rows(db, BillRun), count_rows(db, Invoice), count_rows(db, AuditEntry)) == (0, 0, audit_before)


def _refusal(db, clerk, month):
    from reseller_desk.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        bill_month(db, clerk, month, today=TODAY)
    return refused.value

"""Correcting an issued invoice: a credit invoice that returns exactly what was charged plus, where
needed, a replacement settled anew, both in one transaction with one audit record; the refusals
that write nothing; and an issued invoice refused a change by the ORM (db.frozen) and by the
database's trigger, on both engines."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DatabaseError

from reseller_desk.db.frozen import IssuedInvoiceFrozen
from reseller_desk.db.models import AuditEntry, Invoice, InvoiceLineRow
from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.company import CompanyDetails
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceDocument, InvoiceKind
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import settings
from reseller_desk.services.billing.correction_lines import added_line, edited_line
from reseller_desk.services.billing.corrections import (
    correction_lines,
    correction_target,
    issue_correction,
    preview_settlement,
)
from reseller_desk.services.billing.verify import verify_chain
from reseller_desk.services.errors import NotFound, PermissionDenied, ServiceError, ValidationFailed
from tests.versions import company_now

from .invoice_builders import MONTH, a_customer, document, issue_documents, recurring

#: The original's issue date is 2026-12-01 (the first business day of December); its transfer
#: due date 2026-12-30 (the 31st is a bank holiday).
CORRECTED_ON = dt.date(2026, 12, 10)
SC = load_profile("simpleconnect")


def two_lines() -> list[BillLine]:
    return [recurring("C0000001", "ベーシック 月額", 2, 2980), recurring("C0000001", "通話録音 月額", 1, 500)]


@pytest.fixture
def original(db, manager) -> int:
    customer = a_customer(db, manager)
    [issued] = issue_documents(db, customer, [document(two_lines())])
    return issued.invoice_id


def row_of(db, invoice_id: int) -> tuple[Invoice, InvoiceDocument, list[InvoiceLineRow]]:
    with db.transaction() as session:
        row = session.get(Invoice, invoice_id)
        lines = session.scalars(select(InvoiceLineRow).where(InvoiceLineRow.invoice_id == invoice_id)
                                .order_by(InvoiceLineRow.position)).all()
        session.expunge_all()
        return row, InvoiceDocument.from_json(row.document_json), list(lines)


def counts(db) -> tuple[int, int, int]:
    with db.transaction() as session:
        return (session.scalar(select(func.count()).select_from(Invoice)),
                session.scalar(select(func.count()).select_from(InvoiceLineRow)),
                session.scalar(select(func.count()).select_from(AuditEntry)))


def test_a_manager_corrects_an_invoice_with_a_credit_returning_it_and_a_replacement_settled_anew(db, manager, original):
    lines = list(correction_lines(db, original))
    fixed = [edited_line(lines[0], description=lines[0].description, quantity=3, unit_amount=2980), lines[1]]
    made = issue_correction(db, manager, original, reason="回線数の誤り（2→3回線）", replacement=fixed,
                            today=CORRECTED_ON)

    before, source, _ = row_of(db, original)
    credit_row, credit, credit_lines = row_of(db, made.credit.invoice_id)
    assert (made.credit.number, made.credit.kind) == ("2026-000002", InvoiceKind.CREDIT)
    assert credit.kind is InvoiceKind.CREDIT and credit_row.corrects_invoice_id == original
    assert (credit.issue_date, credit.due_date, credit.billing_month) == (CORRECTED_ON, None, MONTH)
    assert (credit.corrects_number, credit.corrects_issue_date) == (source.number, source.issue_date)
    assert credit.customer == source.customer
    assert credit.lines == billing.reversed_lines(source.lines)
    assert [line.amount for line in credit_lines] == [-5960, -500]
    assert credit.totals == source.totals.negated() and made.credit.total == -before.total == -(6460 + 646)
    assert credit.extra == {"correction_reason": "回線数の誤り（2→3回線）"}

    new_row, new, _ = row_of(db, made.replacement.invoice_id)
    assert (made.replacement.number, new.kind, new_row.corrects_invoice_id) == ("2026-000003", InvoiceKind.INVOICE,
                                                                               original)
    assert (new.billing_month, new.issue_date, new.corrects_number, new.customer) == (
        MONTH, CORRECTED_ON, source.number, source.customer)
    assert [(line.quantity, line.amount) for line in new.lines] == [(3, 8940), (1, 500)]
    assert new.totals == billing.totals_of(SC, MONTH, new.lines)
    assert made.replacement.total == 9440 + 944
    assert new.due_date == source.due_date == dt.date(2026, 12, 30)  # twenty days away: kept

    with db.transaction() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "invoice.correct")).all()
        assert (entry.entity, entry.entity_id, entry.user_id) == ("invoice", original, manager.user_id)
        assert entry.customer_id == before.customer_id
        assert json.loads(entry.before) == {"number": "2026-000001", "total": 7106}
        assert json.loads(entry.after) == {"credit": {"number": "2026-000002", "total": -7106},
                                           "replacement": {"number": "2026-000003", "total": 10384},
                                           "reason": "回線数の誤り（2→3回線）"}
    assert verify_chain(db).fault is None


def test_a_credit_only_correction_issues_the_credit_alone(db, manager, original):
    made = issue_correction(db, manager, original, reason="解約済みの月に誤って請求", replacement=None,
                            today=CORRECTED_ON)
    assert made.replacement is None and made.credit.total == -7106
    assert counts(db)[0] == 2
    assert correction_target(db, original).refusal.startswith("請求書 2026-000001 は返還請求書 2026-000002 で訂正済み")


def test_the_credit_returns_the_totals_as_issued_and_never_recomputes_them(db, manager):
    """An invoice whose tax was rounded otherwise than the profile rounds it now gets back the tax
    it charged, to the yen."""
    customer = a_customer(db, manager)
    issued = document([recurring("C0000001", "ベーシック 月額", 1, 2985)])
    odd = dataclasses.replace(issued, totals=dataclasses.replace(issued.totals, tax_10=298))  # SC rounds up: 299
    [invoice] = issue_documents(db, customer, [odd])
    made = issue_correction(db, manager, invoice.invoice_id, reason="税額の端数処理の誤り", replacement=None,
                            today=CORRECTED_ON)
    _row, credit, _lines = row_of(db, made.credit.invoice_id)
    assert credit.totals.tax_10 == -298 and made.credit.total == -(2985 + 298)


def test_lines_can_be_removed_and_added_with_their_tax_category(db, manager, original):
    lines = list(correction_lines(db, original))
    kept = [lines[0], added_line("端末保守（軽減税率対象外の例）", 1, 1000, TaxCategory.EXEMPT),
            added_line("お詫び値引き", 1, -300, TaxCategory.TAXABLE_10)]
    preview = preview_settlement("simpleconnect", MONTH, kept)
    made = issue_correction(db, manager, original, reason="録音オプションは未提供", replacement=kept,
                            today=CORRECTED_ON)
    _row, new, _ = row_of(db, made.replacement.invoice_id)
    assert [line.kind for line in new.lines] == [LineKind.RECURRING, LineKind.FIXED, LineKind.CREDIT_ADJ]
    assert (new.totals.taxable_10, new.totals.tax_10, new.totals.exempt) == (5660, 566, 1000)
    assert new.totals == preview.totals and made.replacement.total == 7226


def test_the_issuer_is_as_now_and_the_customer_as_frozen_on_the_original(db, manager, original):
    settings.save_company(db, manager, CompanyDetails(
        name="株式会社みらいテレコム西日本", postal_code="530-0001", address="大阪府大阪市北区梅田3-3-3",
        phone="06-1234-5678", registration_number="T8700110005901"), expected_version=company_now(db))
    made = issue_correction(db, manager, original, reason="請求先の誤り", replacement=None, today=CORRECTED_ON)
    _row, source, _ = row_of(db, original)
    _row, credit, _ = row_of(db, made.credit.invoice_id)
    assert source.issuer.name == "株式会社みらいテレコム" and credit.issuer.name == "株式会社みらいテレコム西日本"
    assert credit.issuer.address == "大阪府大阪市北区梅田3-3-3" and credit.customer == source.customer


def test_a_replacement_due_soon_is_due_on_the_next_due_date_at_least_ten_days_away(db, manager):
    customer = a_customer(db, manager)
    issued = issue_documents(db, customer, [document(), document(month=dt.date(2026, 12, 1)),
                                            document(method=PaymentMethod.DEBIT, month=dt.date(2027, 1, 1))])
    bank = BusinessCalendar.bank()

    def due_after(invoice_id: int, today: dt.date) -> dt.date:
        lines = list(correction_lines(db, invoice_id))
        made = issue_correction(db, manager, invoice_id, reason="金額の誤り", replacement=lines, today=today)
        return row_of(db, made.replacement.invoice_id)[1].due_date

    # November's invoice (due 2026-12-30), corrected on 2027-01-05: the due date of December's
    # usage month, 2027-01-29.
    assert due_after(issued[0].invoice_id, dt.date(2027, 1, 5)) == dt.date(2027, 1, 29) == billing.due_date(
        SC, bank, dt.date(2026, 12, 1), PaymentMethod.TRANSFER, 27)
    # December's invoice (due 2027-01-29), corrected on 2027-01-25: four days is too few, and the
    # month before (December, due the 29th) too; January's usage month's, 2027-02-26.
    assert due_after(issued[1].invoice_id, dt.date(2027, 1, 25)) == dt.date(2027, 2, 26)
    # January's by debit (2027-02-26 with collection day 27, a Saturday: the next bank day,
    # 2027-03-01), corrected on 2027-02-10: still sixteen days away, kept.
    _row, january, _ = row_of(db, issued[2].invoice_id)
    assert due_after(issued[2].invoice_id, dt.date(2027, 2, 10)) == january.due_date


def test_a_replacement_may_itself_be_corrected_and_the_chain_stays_whole(db, manager, original):
    first = issue_correction(db, manager, original, reason="数量の誤り", replacement=list(correction_lines(db, original)),
                             today=CORRECTED_ON)
    second = issue_correction(db, manager, first.replacement.invoice_id, reason="再発行分の単価の誤り",
                              replacement=None, today=CORRECTED_ON)
    _row, credit, _ = row_of(db, second.credit.invoice_id)
    assert credit.corrects_number == first.replacement.number
    assert verify_chain(db).checked == 4


def test_an_invoice_that_carried_a_credit_forward_is_returned_to_zero_and_the_carry_undone(db, manager):
    customer = a_customer(db, manager)
    lines = [recurring("C0000001", "ベーシック 月額", 1, 2980),
             BillLine(LineKind.CREDIT_ADJ, "障害による返金", 1, -5000, -5000, TaxCategory.TAXABLE_10, "C0000001")]
    [issued] = issue_documents(db, customer, [document(lines)])
    editable = correction_lines(db, issued.invoice_id)
    assert [line.kind for line in editable] == [LineKind.RECURRING, LineKind.CREDIT_ADJ]  # no 次回へ繰越 line
    made = issue_correction(db, manager, issued.invoice_id, reason="返金額の誤り",
                            replacement=[editable[0], dataclasses.replace(editable[1], unit_amount=-1000, amount=-1000)],
                            today=CORRECTED_ON)
    source_row, _source, _ = row_of(db, issued.invoice_id)
    credit_row, credit, _ = row_of(db, made.credit.invoice_id)
    assert source_row.total == 0 and source_row.carried_forward == 2222  # 2,980 − 5,000 = −2,020, tax −202
    assert credit_row.total == 0 and credit_row.carried_forward == -2222
    assert credit.lines[-1].kind is LineKind.CARRIED_OUT and credit.lines[-1].amount == -2222
    assert made.replacement.total == 1980 + 198


# -- refusals -------------------------------------------------------------------------------------
def refused(db, call, error_type, *, match: str) -> None:
    before = counts(db)
    with pytest.raises(error_type) as raised:
        call()
    assert match in (str(raised.value) + " ".join(getattr(raised.value, "errors", {}).values()))
    assert counts(db) == before


def test_correcting_a_credit_invoice_or_one_corrected_already_is_refused_naming_the_credit(db, manager, original):
    made = issue_correction(db, manager, original, reason="誤請求", replacement=None, today=CORRECTED_ON)
    refused(db, lambda: issue_correction(db, manager, original, reason="二度目", replacement=None, today=CORRECTED_ON),
            ServiceError, match=f"返還請求書 {made.credit.number} で訂正済み")
    refused(db, lambda: issue_correction(db, manager, made.credit.invoice_id, reason="返還の訂正", replacement=None,
                                         today=CORRECTED_ON), ServiceError, match="返還請求書のため訂正できません")


def test_an_unknown_invoice_a_clerk_or_no_reason_is_refused(db, manager, clerk, original):
    refused(db, lambda: issue_correction(db, manager, 999_999, reason="x", replacement=None), NotFound,
            match="請求書は見つかりません")
    refused(db, lambda: issue_correction(db, clerk, original, reason="x", replacement=None), PermissionDenied,
            match="管理者だけ")
    refused(db, lambda: issue_correction(db, manager, original, reason=" \u200b ", replacement=None),
            ValidationFailed, match="訂正の理由を入力")
    refused(db, lambda: issue_correction(db, manager, original, reason="長" * 201, replacement=None),
            ValidationFailed, match="200文字以内")
    refused(db, lambda: issue_correction(db, manager, original, reason="x", replacement=None,
                                         today=dt.date(2026, 11, 30)), ValidationFailed, match="元の請求書の発行日")


def test_replacement_lines_that_do_not_add_up_or_none_at_all_are_refused_beside_their_row(db, manager, original):
    lines = list(correction_lines(db, original))
    wrong = dataclasses.replace(lines[1], quantity=2)  # 2 × 500 but still 500
    with pytest.raises(ValidationFailed) as raised:
        issue_correction(db, manager, original, reason="数量", replacement=[lines[0], wrong], today=CORRECTED_ON)
    assert raised.value.errors == {"line2": "2行目: 金額（500円）が数量×単価（1,000円）と一致しません。"}
    refused(db, lambda: issue_correction(db, manager, original, reason="空", replacement=[], today=CORRECTED_ON),
            ValidationFailed, match="明細がありません")
    stranger = dataclasses.replace(lines[0], contract_id=12345)
    refused(db, lambda: issue_correction(db, manager, original, reason="x", replacement=[stranger], today=CORRECTED_ON),
            ValidationFailed, match="元の請求書にない契約")
    assert counts(db)[0] == 1


# -- immutability --------------------------------------------------------------------------------
def test_the_orm_refuses_to_change_or_delete_a_loaded_invoice_or_line_and_nothing_changes(db, original):
    changes = (lambda s: setattr(s.get(Invoice, original), "total", 1),
               lambda s: setattr(s.get(Invoice, original), "customer_name", "別人"),
               lambda s: s.delete(s.get(Invoice, original)),
               lambda s: setattr(s.scalars(select(InvoiceLineRow)).first(), "amount", 1),
               lambda s: s.delete(s.scalars(select(InvoiceLineRow)).first()))
    for change in changes:
        with pytest.raises(IssuedInvoiceFrozen, match="発行済みの請求書は変更・削除できません。訂正は返還請求書で行います。"), \
                db.transaction(write=True) as session:
            change(session)
            session.flush()
    row, _doc, lines = row_of(db, original)
    assert row.total == 7106 and row.customer_name == "株式会社みらい商事" and [x.amount for x in lines] == [5960, 500]


def test_the_database_trigger_refuses_a_core_update_or_delete_that_bypasses_the_orm(db, original):
    invoices, lines = Invoice.__table__, InvoiceLineRow.__table__
    for statement in (update(invoices).where(invoices.c.id == original).values(total=1),
                      delete(lines).where(lines.c.invoice_id == original)):
        with pytest.raises(DatabaseError, match="issued invoices are never changed"), db.engine.begin() as conn:
            conn.execute(statement)
    with db.transaction() as session:
        assert session.scalar(text("SELECT total FROM invoices")) == 7106
        assert session.scalar(text("SELECT count(*) FROM invoice_lines")) == 2


def test_loading_an_invoice_and_flushing_without_a_change_is_no_refusal(db, original):
    with db.transaction(write=True) as session:
        invoice = session.get(Invoice, original)
        invoice.total = invoice.total  # the same value: no change
        session.flush()

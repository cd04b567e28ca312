"""The correction dialog on the real services: it shows the original and its lines, the totals
follow every edit (settled by the service's preview), a credit and a replacement are issued
through it, a refusal is shown beside the reason or the line at fault, and an invoice corrected
already opens with the reason it cannot be corrected again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from reseller_desk.db.models import Invoice
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.invoice_document import InvoiceDocument, InvoiceKind
from reseller_desk.services.billing.corrections import issue_correction
from reseller_desk.ui.invoice.correction import CorrectionDialog
from tests.services.invoice_builders import a_customer, document, issue_documents, recurring

from .helpers import type_text


@pytest.fixture
def original(db, manager) -> int:
    customer = a_customer(db, manager)
    lines = [recurring("C0000001", "ベーシック 月額", 2, 2980), recurring("C0000001", "通話録音 月額", 1, 500)]
    return issue_documents(db, customer, [document(lines)])[0].invoice_id


def opened(ctx, qtbot, invoice_id: int) -> CorrectionDialog:
    dialog = CorrectionDialog(ctx, invoice_id)
    qtbot.addWidget(dialog)
    dialog.resize(900, 640)
    dialog.show()
    return dialog


def invoices(db) -> list[InvoiceDocument]:
    with db.transaction() as session:
        return [InvoiceDocument.from_json(t) for t in session.scalars(select(Invoice.document_json).order_by(Invoice.id))]


def test_a_credit_and_a_replacement_are_issued_through_the_dialog(ctx, qtbot, db, original, artifacts, shown):
    dialog = opened(ctx, qtbot, original)
    assert "2026-000001" in dialog.heading.text() and "株式会社みらい商事" in dialog.heading.text()
    assert dialog.table.rowCount() == 2 and dialog.reissue.isChecked()
    assert dialog.total.text() == "¥7,106" and dialog.credit_total.text() == "-¥7,106"

    dialog.rows[0].quantity.setValue(3)                         # 3 × 2,980
    assert dialog.rows[0].amount_label.text() == "¥8,940"
    assert dialog.totals["tax_10"].text() == "¥944" and dialog.total.text() == "¥10,384"
    dialog.table.selectRow(1)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 1 and dialog.total.text() == "¥9,834"
    dialog.new_description.setText("初期設定作業")
    dialog.new_tax.setCurrentIndex(list(TaxCategory).index(TaxCategory.EXEMPT))
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.rows[1].unit.setValue(1000)
    assert dialog.totals["exempt"].text() == "¥1,000" and dialog.total.text() == "¥10,834"
    type_text(qtbot, dialog.reason, "回線数の誤り（2→3回線）、録音は未提供")
    assert dialog.grab().save(str(artifacts / "invoice_correction.png"))

    with qtbot.waitSignal(dialog.done_with) as done:
        qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert done.args == ["返還請求書 2026-000002 を発行しました。再発行の請求書は 2026-000003 です。"]
    assert dialog.result() == dialog.DialogCode.Accepted and not shown.unexpected
    source, credit, replacement = invoices(db)
    assert credit.kind is InvoiceKind.CREDIT and credit.totals.total == -7106 and credit.corrects_number == source.number
    assert [(line.description, line.amount, line.tax_category) for line in replacement.lines] == [
        ("ベーシック 月額", 8940, TaxCategory.TAXABLE_10), ("初期設定作業", 1000, TaxCategory.EXEMPT)]
    assert replacement.totals.total == 10834


def test_credit_only_issues_the_credit_alone(ctx, qtbot, db, original):
    dialog = opened(ctx, qtbot, original)
    dialog.credit_only.setChecked(True)
    assert not dialog.table.isEnabled() and dialog.total.text() == "—"
    dialog.reason.setText("解約月の翌月に誤って請求")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert [d.kind for d in invoices(db)] == [InvoiceKind.INVOICE, InvoiceKind.CREDIT]


def test_a_missing_reason_and_an_empty_description_are_shown_beside_them_and_nothing_is_issued(ctx, qtbot, db,
                                                                                              original):
    dialog = opened(ctx, qtbot, original)
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "訂正の理由を入力してください" in dialog.error_text("reason")
    dialog.reason.setText("内容の誤り")
    dialog.rows[1].description.clear()
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("lines") == "2行目: 内容を入力してください。"
    assert dialog.rows[1].description.property("invalid") is True and dialog.isVisible()
    assert len(invoices(db)) == 1


def test_an_invoice_corrected_already_opens_with_the_reason_and_cannot_be_confirmed(ctx, qtbot, db, manager, original):
    issue_correction(db, manager, original, reason="誤請求", replacement=None)
    dialog = opened(ctx, qtbot, original)
    assert "返還請求書 2026-000002 で訂正済み" in dialog.summary.text() and dialog.summary.isVisible()
    assert not dialog.confirm_button.isEnabled()


def test_a_clerk_is_told_that_only_a_manager_corrects(clerk_ctx, qtbot, db, original):
    dialog = opened(clerk_ctx, qtbot, original)
    dialog.reason.setText("誤り")
    qtbot.mouseClick(dialog.confirm_button, Qt.MouseButton.LeftButton)
    assert "管理者だけ" in dialog.summary.text() and len(invoices(db)) == 1

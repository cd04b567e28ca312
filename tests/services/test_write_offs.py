"""Write-offs (services.payments.write_offs): the manager writes off a shortfall (SC §13) with a
note; the invoice is never changed and reads 償却済."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk.db.models import AuditEntry, Invoice
from reseller_desk.domain.payments import WriteOffAccount
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.errors import NotFound, PermissionDenied, ValidationFailed
from reseller_desk.services.payments import write_offs
from reseller_desk.services.payments.balances import balances

from .receivables_builders import a_customer, a_late_invoice, pay

ON = dt.date(2026, 12, 20)


def balance(db, invoice_id):
    with db.transaction() as session:
        return balances(session, invoice_ids=[invoice_id])[invoice_id]


def test_a_deducted_transfer_fee_is_written_off_by_a_manager_and_the_invoice_is_untouched(db, office, clerk, manager):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id, due=dt.date(2026, 12, 31))
    pay(db, clerk, customer_id, total - 440, ON)
    assert balance(db, invoice).state is InvoiceState.SHORT
    write_offs.write_off(db, manager, invoice, 440, account=WriteOffAccount.MISC_LOSS, note="振込手数料の差引",
                         on=ON, today=ON)
    after = balance(db, invoice)
    assert (after.state, after.owed, after.written_off, after.total) == (InvoiceState.WRITTEN_OFF, 0, 440, total)
    with db.transaction() as session:
        assert session.scalar(select(Invoice.total).where(Invoice.id == invoice)) == total
        assert session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "payment.write_off")) \
            .endswith("440円（雑損失）")
    [row] = write_offs.write_offs_of(db, customer_id)
    assert (row.amount, row.account, row.note, row.written_on) == (440, WriteOffAccount.MISC_LOSS, "振込手数料の差引", ON)


def test_only_a_manager_writes_off_at_most_what_is_owed_and_always_with_a_note(db, office, clerk, manager):
    customer_id = a_customer(db, clerk)
    invoice, total = a_late_invoice(db, customer_id)
    with pytest.raises(PermissionDenied):
        write_offs.write_off(db, clerk, invoice, 100, account=WriteOffAccount.MISC_LOSS, note="x", on=ON, today=ON)
    for amount, note, field in ((total + 1, "多すぎ", "amount"), (0, "ゼロ", "amount"), (100, " ", "note")):
        with pytest.raises(ValidationFailed) as refused:
            write_offs.write_off(db, manager, invoice, amount, account=WriteOffAccount.BAD_DEBT, note=note,
                                 on=ON, today=ON)
        assert field in refused.value.errors
    with pytest.raises(NotFound):
        write_offs.write_off(db, manager, 999_999, 1, account=WriteOffAccount.BAD_DEBT, note="x", on=ON, today=ON)
    write_offs.write_off(db, manager, invoice, total, account=WriteOffAccount.BAD_DEBT, note="倒産", on=ON, today=ON)
    with pytest.raises(ValidationFailed) as refused:
        write_offs.write_off(db, manager, invoice, 1, account=WriteOffAccount.BAD_DEBT, note="再度", on=ON, today=ON)
    assert "残高はありません" in refused.value.errors["amount"]

"""Matching statement lines (services.payments.matching): proposals in three groups over the
customers' payer names and kana names, applied only as the clerk confirms, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from reseller_desk.db.models import PayerName, Payment, StatementLine
from reseller_desk.domain.payer_match import MatchGroup
from reseller_desk.domain.payments import ReceiptMethod, StatementLineStatus
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.errors import ConcurrentEdit, ServiceError, ValidationFailed
from reseller_desk.services.payments import ledger, matching, statements
from reseller_desk.services.payments.balances import balances, customers_owing
from reseller_desk.services.payments.matching import Confirmation

from .payment_builders import a_customer, an_invoice, another_customer
from .statement_builders import SBI, Row, a_mapping, sbi_csv, zengin01

DAY = dt.date(2026, 12, 25)
NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


def states(db, *invoice_ids):
    with db.transaction() as session:
        found = balances(session, invoice_ids=invoice_ids)
        return [found[i].state for i in invoice_ids]


def confirm_all(db, actor, found):
    return matching.confirm_matches(db, actor, [Confirmation(p.line_id, p.customer_id, p.invoice_ids, p.line_version)
                                                for p in found])


def test_a_zengin_transfer_is_matched_by_the_customers_kana_name_and_settles_its_invoice(db, office, clerk):
    mirai = a_customer(db, clerk)
    invoice, total = an_invoice(db, mirai)
    statements.import_statement(db, clerk, zengin01([Row(DAY, total, "ｶ)ﾐﾗｲｼﾖｳｼﾞ")]), "a.dat")
    [proposal] = matching.proposals(db)
    assert (proposal.group, proposal.customer_id, proposal.invoice_ids, proposal.difference) == (
        MatchGroup.MATCHED, mirai, (invoice,), 0)
    assert proposal.customer_name == "株式会社みらい商事" and proposal.invoice_numbers[0]
    done = confirm_all(db, clerk, [proposal])
    assert (done.confirmed, done.applied, done.credit, done.names_learned) == (1, total, 0, 1)
    assert states(db, invoice) == [InvoiceState.PAID]
    with db.transaction() as session:
        payment = session.get(Payment, done.payment_ids[0])
        assert (payment.method, payment.payer_name, payment.received_on) == (ReceiptMethod.TRANSFER, "ｶ)ﾐﾗｲｼﾖｳｼﾞ", DAY)
        assert session.get(StatementLine, payment.statement_line_id).status is StatementLineStatus.APPLIED
    assert matching.proposals(db) == []      # the applied line is no longer open


def test_a_csv_transfer_settles_the_right_customers_invoice(db, office, clerk):
    mirai = a_customer(db, clerk)
    hikari = another_customer(db, clerk)
    mine, total = an_invoice(db, mirai)
    theirs, _ = an_invoice(db, hikari)
    a_mapping(db, clerk, SBI)
    statements.import_statement(db, clerk, sbi_csv([Row(DAY, total, "ヒカリシヨウジ")]), "sbi.csv", bank="住信SBI")
    [proposal] = matching.proposals(db)
    assert (proposal.group, proposal.customer_id, proposal.invoice_ids) == (MatchGroup.MATCHED, hikari, (theirs,))
    confirm_all(db, clerk, [proposal])
    assert states(db, mine, theirs) == [InvoiceState.OPEN, InvoiceState.PAID]


def test_one_transfer_paying_two_invoices_is_proposed_as_their_sum(db, office, clerk):
    mirai = a_customer(db, clerk)
    older, older_total = an_invoice(db, mirai, month=NOV, due=dt.date(2026, 11, 30))
    newer, newer_total = an_invoice(db, mirai, month=DEC, due=dt.date(2026, 12, 31))
    statements.import_statement(db, clerk, zengin01([Row(DAY, older_total + newer_total, "ﾐﾗｲｼﾖｳｼﾞ(ｶ")]), "a.dat")
    [proposal] = matching.proposals(db)
    assert (proposal.group, set(proposal.invoice_ids)) == (MatchGroup.MATCHED, {older, newer})
    confirm_all(db, clerk, [proposal])
    assert states(db, older, newer) == [InvoiceState.PAID, InvoiceState.PAID]


def test_a_transfer_short_by_the_fee_is_to_check_and_leaves_the_invoice_short(db, office, clerk):
    mirai = a_customer(db, clerk)
    invoice, total = an_invoice(db, mirai)
    statements.import_statement(db, clerk, zengin01([Row(DAY, total - 440, "ｶ)ﾐﾗｲｼﾖｳｼﾞ")]), "a.dat")
    [proposal] = matching.proposals(db)
    assert (proposal.group, proposal.customer_id, proposal.invoice_ids, proposal.difference) == (
        MatchGroup.CHECK, mirai, (invoice,), -440)
    assert "過小入金" in proposal.reason
    confirm_all(db, clerk, [proposal])
    with db.transaction() as session:
        balance = balances(session, invoice_ids=[invoice])[invoice]
    assert (balance.state, balance.owed) == (InvoiceState.SHORT, 440)


def test_a_learned_payer_name_makes_next_months_transfer_a_match(db, office, clerk):
    mirai = a_customer(db, clerk)
    november, total = an_invoice(db, mirai, month=NOV, due=dt.date(2026, 11, 30))
    statements.import_statement(db, clerk, zengin01([Row(dt.date(2026, 11, 27), total, "ｻﾄｳ ﾊﾅｺ")]), "nov.dat")
    [unknown] = matching.proposals(db)
    assert (unknown.group, unknown.candidates) == (MatchGroup.UNKNOWN, ())
    done = matching.confirm_matches(db, clerk, [Confirmation(unknown.line_id, mirai, None, unknown.line_version)])
    assert done.names_learned == 1
    assert [(n.name, n.learned) for n in matching.payer_names_of(db, mirai)] == [("ｻﾄｳ ﾊﾅｺ", True)]
    december, _ = an_invoice(db, mirai, month=DEC, due=dt.date(2026, 12, 31))
    statements.import_statement(db, clerk, zengin01([Row(DAY, total, "ｻﾄｳﾊﾅｺ")]), "dec.dat")
    [proposal] = matching.proposals(db)
    assert (proposal.group, proposal.customer_id, proposal.invoice_ids) == (MatchGroup.MATCHED, mirai, (december,))
    assert states(db, november) == [InvoiceState.PAID]


def test_one_bad_confirmation_refuses_them_all_naming_its_row(db, office, clerk):
    mirai = a_customer(db, clerk)
    invoice, total = an_invoice(db, mirai)
    statements.import_statement(db, clerk, zengin01([Row(DAY, total, "ﾐﾗｲｼﾖｳｼﾞ"), Row(DAY, 500, "ﾐﾗｲｼﾖｳｼﾞ")]),
                                "a.dat")
    first, second = matching.proposals(db)
    good = Confirmation(first.line_id, mirai, first.invoice_ids, first.line_version)
    with pytest.raises(ConcurrentEdit) as stale:
        matching.confirm_matches(db, clerk, [good, Confirmation(second.line_id, mirai, None, second.line_version + 1)])
    assert "明細の3行目" in str(stale.value)
    with pytest.raises(ValidationFailed) as invalid:
        matching.confirm_matches(db, clerk, [good, Confirmation(second.line_id, mirai, (invoice + 999,),
                                                                second.line_version)])
    assert "明細の3行目" in str(invalid.value)
    with db.transaction() as session:
        assert session.scalars(select(Payment)).all() == []
    assert states(db, invoice) == [InvoiceState.OPEN]
    assert len(matching.proposals(db)) == 2


def test_a_line_already_applied_is_not_applied_twice(db, office, clerk):
    mirai = a_customer(db, clerk)
    _, total = an_invoice(db, mirai)
    statements.import_statement(db, clerk, zengin01([Row(DAY, total, "ﾐﾗｲｼﾖｳｼﾞ")]), "a.dat")
    [proposal] = matching.proposals(db)
    confirm_all(db, clerk, [proposal])
    with db.transaction() as session:
        version = session.get(StatementLine, proposal.line_id).row_version
    with pytest.raises(ServiceError, match="消込済"):
        matching.confirm_matches(db, clerk, [Confirmation(proposal.line_id, mirai, None, version)])


def test_a_reversed_payment_opens_its_line_again(db, office, clerk):
    mirai = a_customer(db, clerk)
    _, total = an_invoice(db, mirai)
    statements.import_statement(db, clerk, zengin01([Row(DAY, total, "ﾐﾗｲｼﾖｳｼﾞ")]), "a.dat")
    done = confirm_all(db, clerk, matching.proposals(db))
    ledger.reverse_payment(db, clerk, done.payment_ids[0], reason="誤って消込", today=DAY)
    assert [p.group for p in matching.proposals(db)] == [MatchGroup.MATCHED]


def test_a_line_set_aside_needs_a_note_and_can_be_reopened(db, office, clerk):
    statements.import_statement(db, clerk, zengin01([Row(DAY, 12, "ﾘｿｸ")]), "a.dat")
    [line] = matching.proposals(db)
    assert line.group is MatchGroup.UNKNOWN
    with pytest.raises(ValidationFailed):
        matching.ignore_lines(db, clerk, [line.line_id], " ")
    assert matching.ignore_lines(db, clerk, [line.line_id], "預金利息") == 1
    assert matching.proposals(db) == []
    with pytest.raises(ServiceError):
        matching.ignore_lines(db, clerk, [line.line_id], "もう一度")
    matching.reopen_line(db, clerk, line.line_id)
    assert [p.line_id for p in matching.proposals(db)] == [line.line_id]
    with pytest.raises(ServiceError):
        matching.reopen_line(db, clerk, line.line_id)


def test_two_customers_answering_to_one_name_are_to_check_with_both_candidates(db, office, clerk):
    mirai = a_customer(db, clerk)
    hikari = another_customer(db, clerk)
    _, total = an_invoice(db, mirai)
    matching.add_payer_name(db, clerk, hikari, "ミライショウジ")
    statements.import_statement(db, clerk, zengin01([Row(DAY, total + 1, "ﾐﾗｲｼﾖｳｼﾞ")]), "a.dat")
    [proposal] = matching.proposals(db)
    assert proposal.group is MatchGroup.CHECK and {c for c, _ in proposal.candidates} == {mirai, hikari}
    assert dict(proposal.candidates)[hikari] == "株式会社ひかり商事"


def test_a_payer_name_is_registered_in_bank_kana_once_and_can_be_removed(db, office, clerk):
    mirai = a_customer(db, clerk)
    added = matching.add_payer_name(db, clerk, mirai, "さとう　はなこ")
    assert (added.name, added.learned) == ("ｻﾄｳ ﾊﾅｺ", False)
    with pytest.raises(ValidationFailed):
        matching.add_payer_name(db, clerk, mirai, "ｻﾄｳﾊﾅｺ")        # the same key
    with pytest.raises(ValidationFailed):
        matching.add_payer_name(db, clerk, mirai, "佐藤花子")       # kanji: not as a bank prints it
    matching.remove_payer_name(db, clerk, added.id)
    with db.transaction() as session:
        assert session.scalars(select(PayerName)).all() == []


def test_the_customers_who_owe_are_those_with_an_invoice_not_settled(db, office, clerk):
    owing = a_customer(db, clerk)
    paid_up = another_customer(db, clerk)
    an_invoice(db, owing, due=dt.date(2026, 11, 30))
    _, settled_total = an_invoice(db, paid_up, due=dt.date(2026, 11, 30))
    ledger.record_payment(db, clerk, paid_up, received_on=dt.date(2026, 11, 30), amount=settled_total,
                          today=dt.date(2026, 12, 1))
    with db.transaction() as session:
        assert customers_owing(session) == {owing}

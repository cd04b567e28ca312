"""督促's services driven with bad values (tests.services.test_bad_input_properties): each call
records what is in bounds or refuses in Japanese and writes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.domain.payments import DunningAction, HoldKind
from reseller_desk.services.payments import dunning

from .billing_office import with_transfer_account
from .payment_builders import an_invoice
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    BAD_DATE,
    BAD_NUMBER,
    BAD_TEXT,
    PROPERTY,
    TODAY,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
)


@pytest.fixture(scope="module")
def dunning_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own, with its customer's invoice 10 days late."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-dunning") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            with_transfer_account(db, office.manager)
            office.invoice_id, _ = an_invoice(db, office.customer_id, month=dt.date(2026, 9, 1),
                                              due=dt.date(2026, 11, 10))
            yield office
        finally:
            db.dispose()


DRAFTS = st.builds(dunning.StageDraft, name=mostly("督促状", BAD_TEXT), days_after_due=mostly(3, BAD_NUMBER),
                   action=mostly(DunningAction.LETTER, ANY_BAD), suspension_days=mostly(None, BAD_NUMBER),
                   active=mostly(True, ANY_BAD), id=mostly(None))


@drives("payments.dunning_stages.save_dunning_stages")
@PROPERTY
@given(actor=ACTORS, stages=mostly("current", st.one_of(ANY_BAD, st.lists(DRAFTS, max_size=4))),
       shown=mostly("current", ANY_BAD))
def test_saving_the_stages_with_bad_values_saves_them_or_refuses(dunning_office, actor, stages, shown):
    office = dunning_office
    now = dunning.dunning_stages(office.db)
    drafts = [s.draft() for s in now] if stages == "current" else stages
    versions = dunning.stage_versions(now) if shown == "current" else shown
    attempt(office, lambda: dunning.save_dunning_stages(office.db, actor_of(office, actor), drafts,
                                                        expected_versions=versions))


@drives("payments.dunning_issue.issue_stage")
@PROPERTY
@given(actor=ACTORS, stage=mostly("first"), customers=mostly("mine", st.one_of(ANY_BAD, st.lists(ANY_BAD, max_size=3))))
def test_issuing_a_stage_with_bad_values_issues_it_or_refuses(dunning_office, actor, stage, customers):
    office = dunning_office
    stage_id = dunning.dunning_stages(office.db)[0].id if stage == "first" else stage
    targets = [office.customer_id] if customers == "mine" else customers
    attempt(office, lambda: dunning.issue_stage(office.db, actor_of(office, actor), stage_id, targets, today=TODAY))


@drives("payments.dunning_holds.hold_dunning")
@PROPERTY
@given(actor=ACTORS, customer=mostly("mine"), invoice=mostly(None, st.one_of(st.just("mine"), ANY_BAD)),
       kind=mostly(HoldKind.PROMISE, ANY_BAD), reason=mostly("支払予定の連絡あり", BAD_TEXT),
       until=mostly(TODAY + dt.timedelta(days=7), BAD_DATE))
def test_holding_dunning_with_bad_values_holds_it_or_refuses(dunning_office, actor, customer, invoice, kind, reason,
                                                             until):
    office = dunning_office
    target = office.customer_id if customer == "mine" else customer
    invoice_id = office.invoice_id if invoice == "mine" else invoice
    attempt(office, lambda: dunning.hold_dunning(office.db, actor_of(office, actor), target, invoice_id=invoice_id,
                                                 kind=kind, reason=reason, until=until, today=TODAY))


def a_hold(office: Office) -> int:
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        return dunning.hold_dunning(office.db, office.clerk, office.customer_id, kind=HoldKind.OTHER, reason="確認中",
                                    until=TODAY, today=TODAY).id


@drives("payments.dunning_holds.release_hold")
@PROPERTY
@given(actor=ACTORS, hold=mostly("mine"))
def test_releasing_a_hold_with_bad_values_releases_it_or_refuses(dunning_office, actor, hold):
    office = dunning_office
    target = a_hold(office) if hold == "mine" else hold
    attempt(office, lambda: dunning.release_hold(office.db, actor_of(office, actor), target, today=TODAY))

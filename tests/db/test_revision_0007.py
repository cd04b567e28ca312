"""Revision 0007 moves each contract's plan, lines and options into periods from the month it was
formed, starts its timeline, and makes an accepted-but-unopened SH contract 開通待ち: a database
at 0006 with such contracts upgrades in place on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from reseller_desk.db.database import Database
from reseller_desk.db.migrate import alembic_config
from reseller_desk.db.models import Contract, ContractEvent, ContractNumber
from reseller_desk.db.revisions import head_revision
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.services.contracts import history
from tests.db.test_revision_0006 import insert


@pytest.fixture
def upgraded(new_database):
    """At 0006: an SC contract with two options, an SH contract accepted but not opened, and a
    revoked one; then upgraded to the head."""
    db = Database.open(new_database, create=True, upgrade=False)
    command.upgrade(alembic_config(db.engine), "0006_row_versions")
    with db.engine.begin() as conn:
        manager = insert(conn, "staff_users", login="kanri", display_name="管理 花子", role="manager", active=True)
        sc = insert(conn, "terms_profiles", key="simpleconnect", version="2025-04-01", name="SC", provider="p")
        sh = insert(conn, "terms_profiles", key="sokujitsu", version="2025-04-01", name="SH", provider="p")
        sc_plan = insert(conn, "plans", terms_profile_id=sc, code="SC-BASIC", name="ベーシック", monthly_fee=2980,
                         active=True)
        sh_plan = insert(conn, "plans", terms_profile_id=sh, code="SH-STD", name="標準", monthly_fee=1980, active=True)
        rec = insert(conn, "plan_options", terms_profile_id=sc, code="SC-REC", name="通話録音", monthly_fee=500,
                     active=True)
        ivr = insert(conn, "plan_options", terms_profile_id=sc, code="SC-IVR", name="IVR", monthly_fee=800, active=True)
        customer = insert(conn, "customers", kind="corporate", name="株式会社みらい商事", name_kana="ミライショウジ")
        ids = []
        for number, profile, plan, lines, formed, billable, status in (
                ("C0000001", sc, sc_plan, 3, dt.date(2026, 7, 14), dt.date(2026, 8, 1), "active"),
                ("C0000002", sh, sh_plan, 1, dt.date(2026, 11, 20), None, "active"),
                ("C0000003", sh, sh_plan, 2, dt.date(2026, 10, 2), dt.date(2026, 10, 1), "revoked")):
            application = insert(conn, "applications", number=f"A-{number}", status="approved", channel="post",
                                 customer_id=customer, terms_profile_id=profile, plan_id=plan,
                                 payment_method="transfer", identity_letter_status="not_sent")
            ids.append(insert(conn, "contracts", customer_code=number, customer_id=customer,
                              application_id=application, terms_profile_id=profile, plan_id=plan, lines=lines,
                              status=status, formed_on=formed, first_billable_month=billable,
                              revoked_on=dt.date(2026, 10, 30) if status == "revoked" else None,
                              payment_method="transfer", created_by_id=manager))
        for option in (rec, ivr):
            conn.execute(text(
                "INSERT INTO contract_options (contract_id, option_id) VALUES (:c, :o)"), {"c": ids[0], "o": option})
    db.ensure_schema()
    yield db, ids, (sc_plan, sh_plan), (rec, ivr)
    db.dispose()


def test_each_contract_consists_from_its_formation_month_of_what_it_had(upgraded):
    db, (sc_contract, sh_contract, _), (sc_plan, sh_plan), (rec, ivr) = upgraded
    assert db.current_revision() == head_revision()
    with db.transaction() as session:
        july = history.composition_of(session, sc_contract, dt.date(2026, 7, 1))
        assert (july.plan_id, july.lines, july.options) == (sc_plan, 3, tuple(sorted(((rec, 1), (ivr, 1)))))
        assert history.composition_of(session, sc_contract, dt.date(2026, 6, 1)) is None  # before it was formed
        later = history.composition_of(session, sh_contract, dt.date(2027, 3, 1))
        assert (later.plan_id, later.lines, later.options) == (sh_plan, 1, ())


def test_an_unopened_sh_contract_becomes_awaiting_opening_and_every_timeline_starts_with_its_formation(upgraded):
    db, ids, _, _ = upgraded
    with db.transaction() as session:
        statuses = [session.get(Contract, i).status for i in ids]
        assert statuses == [ContractStatus.ACTIVE, ContractStatus.AWAITING_OPENING, ContractStatus.REVOKED]
        events = session.execute(select(ContractEvent.contract_id, ContractEvent.kind, ContractEvent.to_status,
                                        ContractEvent.effective_on).order_by(ContractEvent.id)).all()
    assert [(c, k, s) for c, k, s, _ in events] == [
        (ids[0], ContractEventKind.FORMED, ContractStatus.ACTIVE),
        (ids[1], ContractEventKind.FORMED, ContractStatus.AWAITING_OPENING),
        (ids[2], ContractEventKind.FORMED, ContractStatus.ACTIVE),
        (ids[2], ContractEventKind.REVOKED, ContractStatus.REVOKED)]
    assert events[3][3] == dt.date(2026, 10, 30)


def test_a_number_is_held_by_one_live_contract_at_a_time_on_either_engine(upgraded):
    db, (first, second, _), _, _ = upgraded
    with db.transaction(write=True) as session:
        session.add(ContractNumber(contract_id=first, number="0312345678", assigned_on=dt.date(2026, 8, 1),
                                   released_on=dt.date(2026, 9, 30)))
        session.add(ContractNumber(contract_id=second, number="0312345678", assigned_on=dt.date(2026, 11, 20)))
    with pytest.raises(IntegrityError), db.transaction(write=True) as session:
        session.add(ContractNumber(contract_id=first, number="0312345678", assigned_on=dt.date(2026, 12, 1)))


def test_the_revision_goes_back_to_one_plan_and_lines_per_contract(upgraded):
    db, ids, (sc_plan, _), _ = upgraded
    command.downgrade(alembic_config(db.engine), "0006_row_versions")
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT plan_id, lines FROM contracts ORDER BY id")).all()
        options = conn.execute(text("SELECT count(*) FROM contract_options")).scalar()
    assert rows[0] == (sc_plan, 3) and options == 2

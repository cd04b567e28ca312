"""The audit log: a record in the same transaction as each change (so a change without its
record cannot exist), who and what, the values before and after, and the manager's filters."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from reseller_desk.domain.company import CompanyDetails
from reseller_desk.services import audit, customers
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import PermissionDenied
from tests.versions import customer_now

from .builders import MIRAI, YAMADA


def test_a_record_names_who_did_what_with_the_values_before_and_after(db, manager):
    with db.transaction() as session:
        audit.record(session, manager, "company.update", "company", 1, before=CompanyDetails(name="旧"),
                     after={"name": "新", "on": dt.date(2026, 11, 20)}, summary="会社情報の変更")
    [entry] = list_audit(db, manager)
    assert (entry.user_name, entry.action, entry.entity, entry.entity_id, entry.summary) == (
        "管理 花子", "company.update", "company", 1, "会社情報の変更")
    assert entry.before == dataclasses.asdict(CompanyDetails(name="旧"))
    assert entry.after == {"name": "新", "on": "2026-11-20"}
    assert entry.at.tzinfo is None  # stored as naive UTC


def test_a_record_is_written_only_with_its_change(db, manager):
    with pytest.raises(RuntimeError, match="boom"), db.transaction() as session:
        audit.record(session, manager, "x.y", "x", None, summary="消える")
        raise RuntimeError("boom")
    assert list_audit(db, manager) == []


def test_a_change_to_a_customer_concerns_that_customer(db, clerk, manager):
    first = customers.add_customer(db, clerk, MIRAI)
    second = customers.add_customer(db, clerk, YAMADA)
    customers.update_customer(db, clerk, first.id, dataclasses.replace(first.draft, notes="メモ"),
                              expected_version=customer_now(db, first.id))
    by_first = list_audit(db, manager, customer_id=first.id)
    assert [e.action for e in by_first] == ["customer.update", "customer.add"]  # newest first
    assert [e.customer_id for e in list_audit(db, manager, customer_id=second.id)] == [second.id]


def test_the_log_is_filtered_by_entity_and_limited(db, clerk, manager):
    for n in range(3):
        customers.add_customer(db, clerk, dataclasses.replace(YAMADA, phone=f"090-1111-000{n}"))
    assert len(list_audit(db, manager, entity="customer")) == 3
    assert len(list_audit(db, manager, entity="customer", limit=2)) == 2
    assert list_audit(db, manager, entity="plan") == []


def test_only_a_manager_reads_the_log(db, clerk):
    with pytest.raises(PermissionDenied, match="「操作履歴の閲覧」は管理者だけが行えます"):
        list_audit(db, clerk)

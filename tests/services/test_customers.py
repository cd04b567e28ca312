"""The customer book's use cases, against a real (temporary) SQLite database."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import AuditEntry, Customer
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.services import customers
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ValidationFailed

TESTSHOJI = CustomerDraft(kind="corporate", name="株式会社テスト商事", name_kana="かぶしきがいしゃてすとしょうじ",
                          phone="0312345678", postal_code="1000005", address="東京都千代田区丸の内1-1-1",
                          email="info@example.co.jp", corporate_number="8700110005901")
YAMADA = CustomerDraft(kind="individual", name="山田 太郎", name_kana="ヤマダ タロウ", phone="090-1111-2222",
                       email="taro@example.ne.jp")


def count(db) -> int:
    return customers.count_customers(db)


def test_a_customer_is_stored_cleaned_and_its_creation_audited(db, clerk):
    record = customers.add_customer(db, clerk, TESTSHOJI)
    assert record.draft.name_kana == "カブシキガイシャテストショウジ"
    assert record.draft.phone == "03-1234-5678"
    assert record.draft.postal_code == "100-0005"
    with db.transaction() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "customer")).one()
        assert (entry.user_id, entry.action, entry.entity_id) == (clerk.user_id, "customer.add", record.id)
        assert "株式会社テスト商事" in entry.after


def test_invalid_input_saves_nothing_and_names_every_bad_field(db, clerk):
    bad = dataclasses.replace(TESTSHOJI, phone="123", corporate_number="5700110005901")
    with pytest.raises(ValidationFailed) as error:
        customers.add_customer(db, clerk, bad)
    assert set(error.value.errors) == {"phone", "corporate_number"}
    assert count(db) == 0
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_search_finds_a_customer_by_half_width_katakana_hiragana_or_phone_digits(db, clerk):
    shoji = customers.add_customer(db, clerk, TESTSHOJI).id
    yamada = customers.add_customer(db, clerk, YAMADA).id
    assert customers.customer_ids(db, "ﾃｽﾄｼｮｳｼﾞ") == [shoji]
    assert customers.customer_ids(db, "やまだ") == [yamada]
    assert customers.customer_ids(db, "09011112222") == [yamada]
    assert customers.customer_ids(db, "8700110005901") == [shoji]
    assert customers.customer_ids(db, "EXAMPLE.NE.JP") == [yamada]
    assert customers.customer_ids(db, "山田 タロウ") == [yamada]  # every term must match
    assert customers.customer_ids(db, "山田 商事") == []
    assert customers.customer_ids(db, "100%") == []  # LIKE wildcards are matched literally


def test_the_list_sorts_by_any_column_both_ways(db, clerk):
    a = customers.add_customer(db, clerk, TESTSHOJI).id
    b = customers.add_customer(db, clerk, YAMADA).id
    assert customers.customer_ids(db, sort="name_kana") == [a, b]  # カ < ヤ
    assert customers.customer_ids(db, sort="name_kana", descending=True) == [b, a]
    assert customers.customer_ids(db, sort="kind") == [a, b]  # corporate < individual
    for column in customers.SORT_COLUMNS:
        assert sorted(customers.customer_ids(db, sort=column)) == [a, b]
    with pytest.raises(ValueError, match="unknown sort column"):
        customers.customer_ids(db, sort="notes; DROP TABLE customers")


def test_rows_come_back_in_the_order_asked(db, clerk):
    a = customers.add_customer(db, clerk, TESTSHOJI).id
    b = customers.add_customer(db, clerk, YAMADA).id
    assert [r.id for r in customers.customer_rows(db, [b, a])] == [b, a]
    assert customers.customer_rows(db, []) == []


@pytest.mark.parametrize("changes, reason", [
    ({}, "法人番号が同じ"),
    ({"corporate_number": "", "name": "株式会社 テスト商事", "address": ""}, "名称と電話番号が同じ"),
    ({"corporate_number": "", "phone": "03-9999-0000", "address": "東京都千代田区丸の内1-1-1"}, "名称と住所が同じ"),
])
def test_a_possible_duplicate_is_pointed_out_with_its_reason(db, clerk, changes, reason):
    existing = customers.add_customer(db, clerk, TESTSHOJI).id
    hits = customers.find_possible_duplicates(db, dataclasses.replace(TESTSHOJI, **changes))
    assert [h.id for h in hits] == [existing]
    assert reason in hits[0].reasons


def test_a_customer_is_not_its_own_duplicate(db, clerk):
    existing = customers.add_customer(db, clerk, TESTSHOJI).id
    assert customers.find_possible_duplicates(db, TESTSHOJI, exclude_id=existing) == []
    assert customers.find_possible_duplicates(db, YAMADA) == []


def test_an_edit_records_only_what_changed(db, clerk, manager):
    record = customers.add_customer(db, clerk, TESTSHOJI)
    changed = dataclasses.replace(record.draft, contact_name="鈴木 一郎", contact_title="総務部長")
    updated = customers.update_customer(db, clerk, record.id, changed, expected_version=record.row_version)
    assert updated.draft.contact_name == "鈴木 一郎"
    assert updated.row_version == record.row_version + 1
    latest = list_audit(db, manager, entity="customer", entity_id=record.id)[0]
    assert latest.action == "customer.update" and latest.user_name == "事務 太郎"
    assert latest.before == {"contact_name": "", "contact_title": ""}
    assert latest.after == {"contact_name": "鈴木 一郎", "contact_title": "総務部長"}
    assert customers.customer_ids(db, "ｽｽﾞｷ") == []  # contact names are not searched


def test_a_stale_form_cannot_overwrite_another_clerks_save(db, clerk):
    record = customers.add_customer(db, clerk, TESTSHOJI)
    customers.update_customer(db, clerk, record.id, dataclasses.replace(record.draft, notes="先に保存"),
                              expected_version=record.row_version)
    with pytest.raises(ConcurrentEdit):
        customers.update_customer(db, clerk, record.id, dataclasses.replace(record.draft, notes="後から保存"),
                                  expected_version=record.row_version)
    assert customers.get_customer(db, record.id).draft.notes == "先に保存"


def test_a_clerk_cannot_read_the_audit_log(db, clerk):
    with pytest.raises(PermissionDenied) as error:
        list_audit(db, clerk)
    assert "管理者" in str(error.value)


def test_search_keys_are_refreshed_when_a_name_changes(db, clerk):
    record = customers.add_customer(db, clerk, TESTSHOJI)
    customers.update_customer(db, clerk, record.id, dataclasses.replace(
        record.draft, name="株式会社みらい商会", name_kana="カブシキガイシャミライショウカイ"), expected_version=record.row_version)
    assert customers.customer_ids(db, "ﾐﾗｲ") == [record.id]
    assert customers.customer_ids(db, "テスト") == []
    with db.transaction() as session:
        assert session.get(Customer, record.id).name_phone_key.startswith("株式会社ミライ商会|")

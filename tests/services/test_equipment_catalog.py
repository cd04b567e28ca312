"""設定 → 機器: models with their accessories, validation per field, the prices from a month (a
month already invoiced is never repriced), permissions, and bad input."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.domain.equipment import EquipmentKind, EquipmentPrice
from reseller_desk.services.audit import list_audit
from reseller_desk.services.equipment import catalog
from reseller_desk.services.equipment.catalog import AccessoryDetails, ModelDetails
from reseller_desk.services.errors import ConcurrentEdit, PermissionDenied, ValidationFailed

from .equipment_stock_builders import HANDSET, PHONE, ROUTER, TODAY, a_model
from .invoice_builders import a_customer, document, issue_documents
from .test_bad_input_properties import (
    ACTORS,
    BAD_DATE,
    BAD_ID,
    BAD_NUMBER,
    PROPERTY,
    VERSION,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    spoiled,
    version,
)

OCTOBER, DECEMBER, JANUARY = dt.date(2026, 10, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)


def test_a_model_is_saved_with_its_accessories_in_order_and_listed_with_its_prices_now(db, manager):
    model_id = a_model(db, manager)
    [record] = catalog.list_models(db, today=TODAY)
    assert record.id == model_id
    assert (record.details.code, record.details.kind, record.details.maker) == ("KX-HDV130", EquipmentKind.PHONE,
                                                                               "パナソニック")
    assert [(a.name, a.replacement_price) for a in record.accessories] == [("受話器", 2000), ("ACアダプター", 1500)]
    assert record.price_now == EquipmentPrice(19800, 500)


def test_every_field_of_a_model_is_refused_beside_it_in_japanese(db, manager):
    bad = ModelDetails("KX 130!", " ", "fax", "", -1, 10**9, 121, True, "")
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_model(db, manager, None, bad, [AccessoryDetails("", 100), AccessoryDetails("LANケーブル", -5)],
                           expected_version=None)
    assert set(refused.value.errors) == {"code", "name", "kind", "sale_price", "rental_fee", "warranty_months",
                                         "accessories.0.name", "accessories.1.replacement_price"}
    assert "保証期間" in refused.value.errors["warranty_months"]
    assert catalog.list_models(db) == []


def test_a_code_already_used_by_another_model_is_refused(db, manager):
    a_model(db, manager)
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_model(db, manager, None, dataclasses.replace(ROUTER, code="KX-HDV130"), [], expected_version=None)
    assert "使われています" in refused.value.errors["code"]


def test_changing_a_model_keeps_accessory_ids_removes_the_one_left_out_and_adds_the_new(db, manager):
    model_id = a_model(db, manager)
    record = catalog.get_model(db, model_id)
    handset, _adapter = record.accessories
    saved = catalog.save_model(db, manager, model_id, dataclasses.replace(record.details, name="新しい名前"),
                               [dataclasses.replace(handset, replacement_price=2500), AccessoryDetails("LANケーブル", 300)],
                               expected_version=record.row_version)
    assert saved.details.name == "新しい名前"
    assert [(a.name, a.replacement_price) for a in saved.accessories] == [("受話器", 2500), ("LANケーブル", 300)]
    assert saved.accessories[0].accessory_id == handset.accessory_id


def test_a_stale_save_of_a_model_is_refused(db, manager):
    model_id = a_model(db, manager)
    shown = catalog.get_model(db, model_id)
    catalog.save_model(db, manager, model_id, dataclasses.replace(shown.details, maker="A"), list(shown.accessories),
                       expected_version=shown.row_version)
    with pytest.raises(ConcurrentEdit):
        catalog.save_model(db, manager, model_id, dataclasses.replace(shown.details, maker="B"),
                           list(shown.accessories), expected_version=shown.row_version)


def test_only_a_manager_changes_models_and_their_prices(db, manager, clerk):
    with pytest.raises(PermissionDenied):
        catalog.save_model(db, clerk, None, PHONE, [], expected_version=None)
    model_id = a_model(db, manager)
    with pytest.raises(PermissionDenied):
        catalog.add_price_change(db, clerk, model_id, from_month=DECEMBER, sale_price=1, rental_fee=1, today=TODAY)


def test_a_price_change_from_a_month_takes_effect_then_and_shows_as_next(db, manager):
    model_id = a_model(db, manager)
    history = catalog.add_price_change(db, manager, model_id, from_month=JANUARY, sale_price=21800, rental_fee=600,
                                       today=TODAY)
    assert [(h.from_month, h.sale_price, h.rental_fee) for h in history] == [(None, 19800, 500),
                                                                              (JANUARY, 21800, 600)]
    assert catalog.model_price_in(db, model_id, DECEMBER) == EquipmentPrice(19800, 500)
    assert catalog.model_price_in(db, model_id, dt.date(2027, 1, 31)) == EquipmentPrice(21800, 600)
    [record] = catalog.list_models(db, today=TODAY)
    assert (record.next_from, record.next_price) == (JANUARY, EquipmentPrice(21800, 600))
    assert catalog.remove_price_change(db, manager, history[-1].change_id)[-1].from_month is None


def test_an_invoiced_month_is_never_repriced_nor_the_price_it_was_created_with_rewritten(db, manager):
    model_id = a_model(db, manager)
    issue_documents(db, a_customer(db, manager), [document(month=OCTOBER)])
    with pytest.raises(ValidationFailed) as refused:
        catalog.add_price_change(db, manager, model_id, from_month=OCTOBER, sale_price=1, rental_fee=1, today=TODAY)
    assert "請求済み" in refused.value.errors["from_month"]
    record = catalog.get_model(db, model_id)
    with pytest.raises(ValidationFailed) as refused:
        catalog.save_model(db, manager, model_id, dataclasses.replace(record.details, rental_fee=900),
                           list(record.accessories), expected_version=record.row_version)
    assert "価格改定" in refused.value.errors["rental_fee"]
    history = catalog.add_price_change(db, manager, model_id, from_month=DECEMBER, sale_price=1, rental_fee=1,
                                       today=TODAY)
    assert history[-1].billed is False and history[0].billed is True


def test_saving_a_model_and_a_price_change_are_in_the_audit_log(db, manager):
    model_id = a_model(db, manager)
    catalog.add_price_change(db, manager, model_id, from_month=DECEMBER, sale_price=1, rental_fee=1, today=TODAY)
    actions = [r.action for r in list_audit(db, manager)]
    assert "equipment_model.add" in actions and "equipment_model.price_change" in actions


# -- bad input ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bad_office(tmp_path_factory) -> Iterator[Office]:
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-catalog") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            office.plans["model"] = a_model(db, office.manager)
            yield office
        finally:
            db.dispose()


ACCESSORIES = st.one_of(st.just(list(HANDSET)), st.lists(st.builds(AccessoryDetails, st.one_of(st.text(max_size=60),
                                                                                               BAD_ID), BAD_NUMBER),
                                                          max_size=3), BAD_ID)


@drives("equipment.catalog.save_model")
@PROPERTY
@given(actor=ACTORS, details=st.one_of(spoiled(ROUTER), st.just(ROUTER)), accessories=ACCESSORIES,
       which=mostly("new"), shown=VERSION)
def test_a_model_with_bad_values_is_saved_cleaned_or_refused(bad_office, actor, details, accessories, which, shown):
    model_id = bad_office.plans["model"] if which == "new" else which
    expected = version(shown, lambda: catalog.get_model(bad_office.db, bad_office.plans["model"]).row_version)
    attempt(bad_office, lambda: catalog.save_model(bad_office.db, actor_of(bad_office, actor), model_id, details,
                                                   accessories, expected_version=expected))


@drives("equipment.catalog.add_price_change")
@PROPERTY
@given(actor=ACTORS, which=mostly("model"), month=st.one_of(st.just(JANUARY), BAD_DATE),
       sale=mostly(21800, BAD_NUMBER), rent=mostly(600, BAD_NUMBER))
def test_a_model_price_change_with_bad_values_is_added_or_refused(bad_office, actor, which, month, sale, rent):
    model_id = bad_office.plans["model"] if which == "model" else which
    attempt(bad_office, lambda: catalog.add_price_change(bad_office.db, actor_of(bad_office, actor), model_id,
                                                         from_month=month, sale_price=sale, rental_fee=rent))


@drives("equipment.catalog.remove_price_change")
@PROPERTY
@given(actor=ACTORS, change_id=mostly("latest", BAD_ID))
def test_removing_a_model_price_change_with_bad_values_removes_it_or_refuses(bad_office, actor, change_id):
    if change_id == "latest":
        history = catalog.model_price_history(bad_office.db, bad_office.plans["model"])
        if len(history) == 1:
            with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
                history = catalog.add_price_change(bad_office.db, bad_office.manager, bad_office.plans["model"],
                                                   from_month=DECEMBER, sale_price=1, rental_fee=1)
        change_id = history[-1].change_id
    attempt(bad_office, lambda: catalog.remove_price_change(bad_office.db, actor_of(bad_office, actor), change_id))

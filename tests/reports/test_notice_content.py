"""What a notice states, as plain data (domain/notices.py): the amounts, the minimum term, the
citations, and the stored JSON, which every later version must still read."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from reseller_desk.domain.notices import (
    SCHEMA_VERSION,
    NoticeKind,
    binding_minimum_term,
    from_json,
    initial_fee_total,
    monthly_charges,
    printed_clause,
    to_json,
)
from reseller_desk.domain.terms import available_profiles, load_profile
from reseller_desk.reports.notices import render_notice
from tests.reports.test_notices import approval_doc, refusal_doc, revocation_doc

STORED_F5138D8 = Path(__file__).resolve().parent / "stored_f5138d8"


def test_the_plan_fee_counts_per_line_and_each_option_once():
    charges = monthly_charges(1980, 3, [1000, 2500])
    assert (charges.plan_subtotal, charges.total) == (5940, 9440)
    assert monthly_charges(2980, 99, []) == monthly_charges(2980 * 99, 1, [])
    assert monthly_charges(500, 1, ()).total == 500


def test_the_initial_fee_is_the_plans_per_line_and_each_options():
    assert initial_fee_total(5000, 1, [1000, 0, 300]) == 6300
    assert initial_fee_total(3000, 4, []) == 12000


def test_a_minimum_term_of_one_month_binds_to_nothing_and_is_not_printed():
    assert [binding_minimum_term(m) for m in (0, 1, 2, 12, 24)] == [0, 0, 2, 12, 24]


def test_citations_of_every_profile_read_as_the_terms_number_them():
    for key in available_profiles():
        cite = load_profile(key).cite_as
        assert printed_clause(f"{cite} §14.2(7)") == "第14条第2項第7号"
        assert printed_clause(f"（{cite} §9.2, §9.3）") == "（第9条第2項, 第9条第3項）"
    assert printed_clause("§20") == "第20条"
    assert printed_clause("XX §5") == "XX 第5条"      # not a profile's name: only the § part is read


def test_the_kind_label_does_not_shadow_str_title():
    assert NoticeKind.APPROVAL.label == "申込承諾通知書（ご利用開始のご案内）"
    assert NoticeKind.REFUSAL.title() == "Refusal"   # str.title stays str.title


@pytest.mark.parametrize("doc", [approval_doc(), refusal_doc(), revocation_doc()], ids=["approval", "refusal", "revocation"])
def test_a_document_survives_its_json_with_the_schema_version(doc):
    text = to_json(doc)
    assert json.loads(text)["schema_version"] == SCHEMA_VERSION == 3
    assert from_json(text) == doc


@pytest.mark.parametrize("kind", ["approval", "refusal", "revocation"])
def test_a_notice_stored_at_f5138d8_still_reads_and_renders(kind):
    text = (STORED_F5138D8 / f"{kind}.json").read_text(encoding="utf-8")
    assert "schema_version" not in json.loads(text)
    doc = from_json(text)
    assert doc.kind == NoticeKind(kind)
    assert doc.issuer.name == "株式会社みらいテレコム" and doc.addressee.contact_title == ""
    if doc.approval is not None:
        assert doc.approval.monthly_total is None and doc.approval.plan_monthly_subtotal is None
        assert doc.approval.initial_fee == 6000 and doc.approval.first_billable_month == dt.date(2026, 12, 1)
    assert render_notice(doc).startswith(b"%PDF-")


def test_keys_of_another_version_are_ignored_and_missing_newer_fields_take_their_defaults():
    data = json.loads(to_json(approval_doc()))
    data["schema_version"] = 99
    data["watermark"] = "COPY"
    data["addressee"]["building"] = "青葉ビル"
    data["approval"]["options"][0]["quantity"] = 2
    for key in ("revoked_on", "revocation_clause", "revoked_contract_code"):
        del data[key]
    del data["addressee"]["contact_title"]
    del data["approval"]["monthly_total"]
    doc = from_json(json.dumps(data, ensure_ascii=False))
    assert doc.revoked_on is None and doc.revocation_clause == "" and doc.addressee.contact_title == ""
    assert doc.approval is not None and doc.approval.monthly_total is None
    assert doc.approval.options[0].name == "通話録音オプション"
    assert dataclasses.replace(doc, addressee=approval_doc().addressee,
                               approval=dataclasses.replace(doc.approval, monthly_total=9440)) == approval_doc()

"""The customer form's rules: cleaning, the Japanese messages, and duplicate keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.customer import (
    REQUIRED_FIELDS,
    CustomerDraft,
    CustomerKind,
    clean,
    format_postal_code,
    identity_keys,
    postal_code_problem,
    validate,
)
from reseller_desk.domain.search import normalize, search_key, search_terms

VALID_CORPORATE_NUMBER = "8700110005901"  # check digit 8 over 700110005901 (python-stdnum)


def corporate(**changes) -> CustomerDraft:
    base = dict(kind="corporate", name="株式会社テスト商事", name_kana="カブシキガイシャテストショウジ",
                phone="03-1234-5678", postal_code="100-0005", address="東京都千代田区丸の内1丁目1番1号",
                email="info@example.co.jp", corporate_number=VALID_CORPORATE_NUMBER)
    base.update(changes)
    return CustomerDraft(**base)


def test_a_complete_corporate_customer_has_no_errors():
    assert validate(clean(corporate())) == {}


@pytest.mark.parametrize("typed, message_part", [
    ("03-1234-567", "桁数が合いません（9桁）"),      # the area code is there: a digit is missing
    ("12-3456-7890", "市外局番（0から始まる番号）"),
    ("010-1234-5678", "使われていない番号"),   # 010 is the international prefix
])
def test_a_wrong_phone_number_is_told_what_is_wrong_with_it(typed, message_part):
    assert message_part in validate(clean(corporate(phone=typed)))["phone"]


@pytest.mark.parametrize("field", sorted(REQUIRED_FIELDS - {"kind"}))
def test_every_field_the_form_marks_required_is_refused_when_empty(field):
    assert field in validate(clean(corporate(**{field: ""})))


@pytest.mark.parametrize("typed, stored", [
    ("1000005", "100-0005"), ("100-0005", "100-0005"), ("〒１００－０００５", "100-0005"), ("100 0005", "100-0005"),
])
def test_a_postal_code_is_stored_as_three_digits_hyphen_four(typed, stored):
    assert format_postal_code(typed) == stored
    assert validate(clean(corporate(postal_code=typed))) == {}


@pytest.mark.parametrize("field, value, message_part", [
    ("name", "", "法人名を入力"),
    ("name_kana", "", "フリガナを入力"),
    ("name_kana", "Test Shoji", "カタカナで入力"),
    ("name_kana", "株式会社", "カタカナで入力"),
    ("postal_code", "12-34", "7桁"),
    ("phone", "", "電話番号を入力"),
    ("phone", "123", "電話番号が正しくありません"),
    ("email", "info@@example", "メールアドレスの形式"),
    ("corporate_number", "5700110005901", "チェックデジット"),
    ("corporate_number", "12345", "13桁"),
    ("kind", "company", "法人」か「個人"),
], ids=lambda v: str(v))
def test_each_bad_field_gets_its_own_japanese_message(field, value, message_part):
    errors = validate(clean(corporate(**{field: value})))
    assert message_part in errors[field]


def test_an_individual_cannot_carry_a_corporate_number():
    errors = validate(clean(corporate(kind="individual", name="山田 太郎", name_kana="ヤマダ タロウ")))
    assert "個人のお客様には法人番号" in errors["corporate_number"]


def test_an_individual_needs_a_name_not_a_company_name():
    errors = validate(clean(corporate(kind="individual", name="", corporate_number="")))
    assert errors["name"] == "氏名を入力してください。"


def test_hiragana_and_half_width_kana_become_full_width_katakana():
    assert clean(corporate(name_kana="かぶしきがいしゃ　てすと")).name_kana == "カブシキガイシャ テスト"
    assert clean(corporate(name_kana="ｶﾌﾞｼｷｶﾞｲｼｬﾃｽﾄ")).name_kana == "カブシキガイシャテスト"


def test_a_phone_number_is_stored_in_its_usual_national_form():
    assert clean(corporate(phone="0312345678")).phone == "03-1234-5678"
    assert clean(corporate(phone="０９０１２３４５６７８")).phone == "090-1234-5678"
    assert clean(corporate(phone="+81 3 1234 5678")).phone == "03-1234-5678"


def test_a_corporate_number_typed_with_spaces_or_full_width_digits_is_cleaned():
    assert clean(corporate(corporate_number="８７００ １１０ ００５９０１")).corporate_number == VALID_CORPORATE_NUMBER


@pytest.mark.parametrize("typed", ["ﾃｽﾄｼｮｳｼﾞ", "てすとしょうじ", "テストショウジ", "ﾃｽﾄ ｼｮｳｼﾞ"])
def test_a_search_matches_the_furigana_whatever_the_width_or_kana(typed):
    key = search_key("株式会社テスト商事", "カブシキガイシャテストショウジ")
    assert all(term in key for term in search_terms(typed))


def test_a_search_for_a_phone_ignores_hyphens_and_width():
    key = search_key("03-1234-5678")
    for typed in ("0312345678", "03-1234-5678", "０３－１２３４－５６７８", "1234ｰ5678"):
        assert all(term in key for term in search_terms(typed)), typed


def test_duplicate_keys_ignore_spacing_and_width():
    a = identity_keys(clean(corporate(name="株式会社 テスト商事", phone="0312345678")))
    b = identity_keys(clean(corporate(name="株式会社テスト商事", phone="03-1234-5678")))
    assert a.name_phone == b.name_phone != ""


@given(st.text())
def test_normalize_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def test_a_kind_given_by_its_code_becomes_the_kind():
    assert corporate(kind="individual").kind is CustomerKind.INDIVIDUAL
    assert CustomerDraft().kind is CustomerKind.CORPORATE
    assert clean(corporate(kind=" corporate ")).kind is CustomerKind.CORPORATE


def test_an_unknown_kind_code_is_kept_and_refused_beside_its_field():
    draft = clean(corporate(kind="admin"))
    assert draft.kind == "admin"
    assert validate(draft) == {"kind": "区分は「法人」か「個人」を選んでください。"}


def test_an_empty_kind_is_a_corporation_as_the_form_defaults_to():
    assert clean(corporate(kind="")).kind is CustomerKind.CORPORATE


@pytest.mark.parametrize("code, problem", [
    ("", None), ("100-0005", None), ("1000005", "郵便番号は7桁の数字で入力してください（例: 100-0001）。"),
    ("100-005", "郵便番号は7桁の数字で入力してください（例: 100-0001）。"),
])
def test_a_stored_postal_code_is_empty_or_three_digits_hyphen_four(code, problem):
    assert postal_code_problem(code) == problem


def test_control_bidi_and_zero_width_characters_are_cleaned_out_of_every_field():
    cleaned = clean(corporate(name="株式会社\u202eテスト\x00商事\u200b", address="東京都\r\n千代田区\x1b[31m丸の内",
                              notes="一行目\r\n二行目\x07"))
    assert (cleaned.name, cleaned.address, cleaned.notes) == ("株式会社テスト商事", "東京都 千代田区[31m丸の内", "一行目\n二行目")
    assert validate(cleaned) == {}


def test_a_name_of_invisible_characters_only_is_refused_as_empty():
    errors = validate(clean(corporate(name="\u200b\u200d\u2060\u202e", name_kana="\u3000\u200b")))
    assert errors == {"name": "法人名を入力してください。", "name_kana": "フリガナを入力してください。"}


def test_a_field_given_as_something_other_than_text_is_refused_not_stored_as_its_repr():
    errors = validate(clean(corporate(name=b"\xe5\xb1\xb1", notes=123)))
    assert errors == {"name": "名称・氏名は文字で入力してください。", "notes": "備考は文字で入力してください。"}


@pytest.mark.parametrize("field, limit", [("name", 60), ("address", 100), ("contact_title", 30), ("contact_name", 30),
                                          ("notes", 2000)])
def test_a_printed_or_noted_field_is_refused_beyond_its_limit(field, limit):
    assert validate(clean(corporate(**{field: "國" * limit}))).get(field) is None
    label = {"name": "名称・氏名", "address": "住所", "contact_title": "担当者役職", "contact_name": "担当者名",
             "notes": "備考"}[field]
    assert validate(clean(corporate(**{field: "國" * (limit + 1)})))[field] == (
        f"{label}は{limit}文字以内で入力してください（{limit + 1}文字）。")


def test_a_search_query_with_a_lone_surrogate_or_a_control_character_is_cleaned():
    assert search_terms("山田\udcff\x00 太郎") == ["山田", "太郎"]

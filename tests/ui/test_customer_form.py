"""The customer form: errors next to their fields, nothing saved, duplicates pointed out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reseller_desk.services import customers as customer_service
from reseller_desk.services.errors import moment_text
from reseller_desk.ui.customer_form import CustomerForm

from .helpers import SAMPLE_CUSTOMERS, corporate_number, type_text


@pytest.fixture
def form(ctx, qtbot):
    form = CustomerForm(ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    return form


def type_into(qtbot, form: CustomerForm, **values: str) -> None:
    for name, text in values.items():
        edit = form.fields.edits[name]
        edit.clear()
        type_text(qtbot, edit, text)


def fill_valid(qtbot, form: CustomerForm, **overrides: str) -> None:
    values = dict(name="株式会社みらい通信", name_kana="カブシキガイシャミライツウシン", phone="03-5555-1234",
                  postal_code="1500001", address="東京都渋谷区神宮前1-2-3")
    values.update(overrides)
    type_into(qtbot, form, **values)


def assert_next_to_field(form: CustomerForm, name: str) -> str:
    """The red label of ``name`` is shown, in the same cell as the field and just under it."""
    label, field = form.fields.errors.label(name), form.fields.edits[name]
    assert label.isVisible(), f"no message shown for {name}"
    assert label.parentWidget() is field.parentWidget()
    top_of_label = label.mapTo(form, label.rect().topLeft()).y()
    bottom_of_field = field.mapTo(form, field.rect().bottomLeft()).y()
    assert 0 <= top_of_label - bottom_of_field <= 12
    assert field.property("invalid") is True
    return label.text()


def test_required_fields_are_marked(form):
    labels = {form.fields.form_layout.labelForField(w.parentWidget()).text()
              for w in (form.fields.edits["name"], form.fields.edits["name_kana"], form.fields.edits["phone"])}
    assert labels == {"名称・氏名 ※", "フリガナ ※", "電話番号 ※"}


def test_invalid_input_is_shown_next_to_each_field_and_nothing_is_saved(db, form, qtbot, artifacts):
    before = customer_service.count_customers(db)
    fill_valid(qtbot, form, name_kana="Kabushiki", phone="123", postal_code="12-34",
               corporate_number="1234567890123")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert "カタカナ" in assert_next_to_field(form, "name_kana")
    assert "電話番号が正しくありません" in assert_next_to_field(form, "phone")
    assert "郵便番号は7桁" in assert_next_to_field(form, "postal_code")
    assert "チェックデジット" in assert_next_to_field(form, "corporate_number")
    assert form.error_text("name") == ""
    assert not form.fields.errors.label("name").isVisible()
    assert form.summary.isVisible() and "赤字の項目" in form.summary.text()
    assert customer_service.count_customers(db) == before
    assert form.isVisible()
    # Focus goes to the first bad field, in form order.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.fields.edits["name_kana"], timeout=1000)
    form.grab().save(str(artifacts / "customer_form_errors.png"))

    # Correcting the fields clears their messages and saves.
    type_into(qtbot, form, name_kana="かぶしきがいしゃみらいつうしん", phone="0355551234", postal_code="1500001",
              corporate_number=corporate_number("765432109876"))
    form.save()
    assert customer_service.count_customers(db) == before + 1
    saved = customer_service.get_customer(db, form.record.id).draft
    assert saved.name_kana == "カブシキガイシャミライツウシン"  # hiragana is accepted and stored as katakana
    assert saved.phone == "03-5555-1234"
    assert saved.postal_code == "150-0001"
    assert form.result() == CustomerForm.DialogCode.Accepted


def test_hiragana_furigana_is_fine_latin_is_not(db, form, qtbot):
    fill_valid(qtbot, form, name_kana="abc")
    form.save()
    assert form.error_text("name_kana") == "フリガナはカタカナで入力してください（漢字・英数字は使えません）。"
    assert customer_service.count_customers(db) == 0

    type_into(qtbot, form, name_kana="みらいつうしん")
    form.save()
    assert form.error_text("name_kana") == ""
    assert customer_service.count_customers(db) == 1


def test_empty_form_names_what_is_missing(db, form):
    form.save()
    assert form.error_text("name") == "法人名を入力してください。"
    assert form.error_text("name_kana") == "フリガナを入力してください。"
    assert form.error_text("phone") == "電話番号を入力してください。"
    assert customer_service.count_customers(db) == 0


def test_individual_hides_corporate_fields_and_does_not_send_them(db, form, qtbot):
    type_into(qtbot, form, corporate_number="123", representative_name="代表 一郎")
    assert form.fields.edits["representative_name"].text() == "代表 一郎"
    qtbot.mouseClick(form.fields.individual_radio, Qt.MouseButton.LeftButton)
    assert not form.fields.edits["corporate_number"].isVisible()
    assert not form.fields.edits["representative_name"].isVisible()
    qtbot.mouseClick(form.fields.corporate_radio, Qt.MouseButton.LeftButton)
    assert form.fields.edits["corporate_number"].isVisible()
    assert form.fields.edits["corporate_number"].text() == "123"  # kept while hidden
    qtbot.mouseClick(form.fields.individual_radio, Qt.MouseButton.LeftButton)
    fill_valid(qtbot, form, name="鈴木 一郎", name_kana="スズキ イチロウ", phone="090-2222-3333")
    form.save()
    assert customer_service.count_customers(db) == 1
    saved = customer_service.get_customer(db, form.record.id).draft
    assert saved.kind == "individual" and saved.corporate_number == "" and saved.representative_name == ""


def test_postal_code_and_furigana_are_tidied_as_typed(form, qtbot):
    qtbot.keyClicks(form.fields.edits["postal_code"], "1000001")
    assert form.fields.edits["postal_code"].text() == "100-0001"


def test_a_postal_code_cannot_be_typed_past_its_seven_digits(form, qtbot):
    qtbot.keyClicks(form.fields.edits["postal_code"], "123-45678")
    assert form.fields.edits["postal_code"].text() == "123-4567"
    type_text(qtbot, form.fields.edits["name_kana"], "ﾃｽﾄ")
    form.fields.edits["name_kana"].editingFinished.emit()
    assert form.fields.edits["name_kana"].text() == "テスト"


def test_same_corporate_number_is_pointed_out_before_saving(db, manager, form, qtbot, sample_customers):
    existing = SAMPLE_CUSTOMERS[0]
    before = customer_service.count_customers(db)
    fill_valid(qtbot, form, name="テスト商事株式会社", corporate_number=existing.corporate_number)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert form.duplicate_panel.isVisible()
    assert customer_service.count_customers(db) == before  # nothing saved yet
    text = form.duplicate_list.text()
    assert "株式会社テスト商事" in text and "法人番号が同じ" in text and "03-1234-5678" in text
    assert [hit.id for hit in form.duplicates] == [sample_customers[0]]
    assert not form.save_button.isEnabled()

    qtbot.mouseClick(form.back_button, Qt.MouseButton.LeftButton)  # 戻る: nothing saved, keep editing
    assert not form.duplicate_panel.isVisible()
    assert form.save_button.isEnabled()
    assert customer_service.count_customers(db) == before

    form.save()
    assert form.duplicate_panel.isVisible()
    qtbot.mouseClick(form.save_anyway_button, Qt.MouseButton.LeftButton)  # それでも保存
    assert customer_service.count_customers(db) == before + 1
    assert form.result() == CustomerForm.DialogCode.Accepted


def test_a_stale_edit_names_who_saved_first_and_reloading_shows_their_values(db, manager, ctx, qtbot, shown,
                                                                              sample_customers):
    record = customer_service.get_customer(db, sample_customers[0])
    form = CustomerForm(ctx, record)
    qtbot.addWidget(form)
    assert form.windowTitle() == f"顧客情報の編集（ID {record.id}）"
    assert form.fields.edits["name"].text() == "株式会社テスト商事"
    # Someone else saves first.
    import dataclasses
    customer_service.update_customer(db, manager, record.id, dataclasses.replace(record.draft, notes="先に保存"),
                                     expected_version=record.row_version)
    type_into(qtbot, form, address="東京都千代田区丸の内9-9")
    form.save()
    [(refusal, _reload)] = shown.stale_edits
    assert refusal.changed_by == "管理 花子" and refusal.changed_at is not None
    assert str(refusal) == (f"この顧客は {moment_text(refusal.changed_at)} に 管理 花子 さんが変更しています。"
                            "画面を読み込み直してから、もう一度保存してください（何も保存していません）。")
    assert customer_service.get_customer(db, record.id).draft.address == "東京都千代田区千代田1-1"
    assert form.fields.text("address") == "東京都千代田区丸の内9-9"  # kept until the clerk chooses to reload
    shown.reload_latest()  # 「最新の内容を読み込む」
    assert form.fields.text("address") == "東京都千代田区千代田1-1" and form.fields.text("notes") == "先に保存"
    assert form.record.row_version == record.row_version + 1
    type_into(qtbot, form, address="東京都千代田区丸の内9-9")
    form.save()  # on the version just read: saved
    assert customer_service.get_customer(db, record.id).draft.address == "東京都千代田区丸の内9-9"
    assert customer_service.get_customer(db, record.id).draft.notes == "先に保存"


def test_service_validation_errors_land_next_to_fields(ctx, qtbot, monkeypatch):
    from reseller_desk.services.errors import ValidationFailed

    def refuse(db, actor, draft):
        raise ValidationFailed({"email": "このメールアドレスは使えません。"})

    monkeypatch.setattr(customer_service, "add_customer", refuse)
    form = CustomerForm(ctx)
    qtbot.addWidget(form)
    form.show()
    fill_valid(qtbot, form, email="a@example.jp")
    form.save()
    assert form.error_text("email") == "このメールアドレスは使えません。"
    assert form.isVisible()


def test_a_fixed_field_loses_its_message_at_once_and_the_summary_goes_with_the_last(form, qtbot):
    fill_valid(qtbot, form, phone="123", postal_code="12-34")
    form.save()
    assert form.error_text("phone") and form.error_text("postal_code") and form.summary.isVisible()
    type_into(qtbot, form, phone="0355551234")
    assert form.error_text("phone") == "" and form.fields.edits["phone"].property("invalid") is False
    assert form.error_text("postal_code") and form.summary.isVisible()  # still wrong: still said
    type_into(qtbot, form, postal_code="1500001")
    assert form.error_text("postal_code") == "" and not form.summary.isVisible()


def test_a_character_no_bundled_font_has_is_pointed_out_beside_the_name_and_address(form, qtbot):
    warnings = form.fields.glyph_warnings
    assert set(warnings) >= {"name", "address", "representative_name", "contact_name"}
    type_text(qtbot, form.fields.edits["name"], "株式会社😀商事")
    assert not warnings["name"].isHidden()
    assert warnings["name"].text().startswith("「😀」(U+1F600)は印刷用のフォントにない文字です。")
    below = warnings["name"].mapTo(form, warnings["name"].rect().topLeft()).y()
    assert below > form.fields.edits["name"].mapTo(form, form.fields.edits["name"].rect().bottomLeft()).y()
    type_text(qtbot, form.fields.edits["address"], "東京都千代田区1-1")
    assert warnings["address"].isHidden()  # everything there prints
    form.fields.edits["name"].clear()
    assert warnings["name"].isHidden()

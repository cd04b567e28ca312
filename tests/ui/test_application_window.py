"""The application window keeps itself current and says nothing stale: it loads its choices off
the UI thread, follows changes made elsewhere (settings, the application, customer records),
takes down messages that no longer hold, warns about characters no font prints, and fits a
1366×768 laptop."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry
from reseller_desk.services import applications as apps
from reseller_desk.services import settings as settings_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui.application import window as window_module
from reseller_desk.ui.application.screening_panel import INCIDENTS_HINT
from reseller_desk.ui.application.window import CHANGED_ELSEWHERE, DEFAULT_SIZE
from reseller_desk.ui.operations import Changes, Operations
from tests.versions import application_now

from .helpers import SAMPLE_CUSTOMERS, set_up_office, type_text
from .helpers import open_application_dialog as open_dialog

NO_FONT_HAS_IT = "😀"  # U+1F600: neither IPAex font (nor any bundled one) has it


@pytest.fixture
def office(db, manager):
    return set_up_office(db, manager)


def corporate_input(office, *papers: str) -> ApplicationInput:
    today = clock.today()
    documents = tuple(DocumentEntry(kind, today, "passport" if kind == "identity" else "",
                                    "1234" if kind == "identity" else "") for kind in papers)
    draft = ApplicationDraft("post", today, "simpleconnect", office["sc"], documents=documents)
    return ApplicationInput(draft, applicant=SAMPLE_CUSTOMERS[0])


def test_the_choices_are_loaded_off_the_ui_thread(db, manager, office, qtbot, monkeypatch, shown):
    threads = []
    real = window_module.load_catalog
    monkeypatch.setattr(window_module, "load_catalog",
                        lambda db_: threads.append(threading.current_thread()) or real(db_))
    ops = Operations(show_message=shown.message, error_handler=shown.unexpected.append)  # a real worker thread
    from reseller_desk.ui.context import AppContext

    dialog = open_dialog(AppContext(db, manager, ops), qtbot)
    qtbot.waitUntil(ops.is_idle, timeout=3000)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.intake.profile_combo.count() == 2 and dialog.save_button.isEnabled()
    ops.wait_idle()


def test_the_plan_dropdown_shows_the_fees_of_each_plan(ctx, office, qtbot):
    dialog = open_dialog(ctx, qtbot)
    dialog.intake.profile_combo.setCurrentIndex(dialog.intake.profile_combo.findData("simpleconnect"))
    assert dialog.intake.plan_combo.itemText(1) == "ベーシック　月額 ¥2,980・初期費用 ¥5,000"
    assert dialog.intake.option_item("通話録音").text() == "通話録音　月額 ¥500"


def test_a_plan_added_in_settings_is_offered_at_once_and_the_selection_stays(db, ctx, manager, office, qtbot):
    dialog = open_dialog(ctx, qtbot)
    form = dialog.intake
    form.profile_combo.setCurrentIndex(form.profile_combo.findData("simpleconnect"))
    form.plan_combo.setCurrentIndex(form.plan_combo.findData(office["sc"]))
    new = settings_service.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-PRO", "プロ", 4980, 5000),
                                     expected_version=None)
    ctx.changes.changed.emit(Changes.SETTINGS)
    assert form.plan_combo.findData(new.id) > 0
    assert form.plan_combo.currentData() == office["sc"]


def test_a_change_made_elsewhere_refreshes_an_untouched_window(db, ctx, clerk, office, qtbot):
    detail = apps.create_application(db, clerk, corporate_input(office, "application_form", "identity"))
    dialog = open_dialog(ctx, qtbot, detail)
    assert dialog.status_label.text() == "書類待ち"
    inp = corporate_input(office, "application_form", "identity", "registry")
    apps.update_application(db, clerk, detail.id, dataclasses.replace(inp, draft=dataclasses.replace(
        inp.draft, notes="別の担当者が追記")), expected_version=application_now(db, detail.id))
    ctx.changes.changed.emit(Changes.APPLICATIONS)
    assert dialog.status_label.text() == "受付"
    assert dialog.intake.notes_edit.toPlainText() == "別の担当者が追記"
    assert not dialog.banner.isVisible()


def test_a_change_made_elsewhere_keeps_what_the_clerk_is_typing_and_says_so(db, ctx, clerk, office, qtbot, shown):
    detail = apps.create_application(db, clerk, corporate_input(office, "application_form", "identity"))
    dialog = open_dialog(ctx, qtbot, detail)
    type_text(qtbot, dialog.intake.notes_edit, "入力中のメモ")
    apps.update_application(db, clerk, detail.id, corporate_input(office, "application_form", "identity", "registry"),
                            expected_version=application_now(db, detail.id))
    ctx.changes.changed.emit(Changes.APPLICATIONS)
    assert dialog.status_label.text() == "受付"  # the read-only parts follow
    assert dialog.intake.notes_edit.toPlainText() == "入力中のメモ"  # the typing is kept
    assert dialog.banner.isVisible() and dialog.banner_label.text() == CHANGED_ELSEWHERE
    dialog.save()  # saving would overwrite the other change: the service refuses it, naming who
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal).startswith("この申込は ") and "に 事務 太郎 さんが変更しています。" in str(refusal)
    assert apps.get_application(db, detail.id).input.draft.notes == ""
    assert dialog.intake.notes_edit.toPlainText() == "入力中のメモ"  # until the clerk chooses to reload
    assert shown.messages == []
    shown.reload_latest()  # 「最新の内容を読み込む」
    assert dialog.intake.notes_edit.toPlainText() == "" and not dialog.intake.is_dirty()
    assert not dialog.banner.isVisible()
    type_text(qtbot, dialog.intake.notes_edit, "読み込み直して入力")
    dialog.save()  # on the version just read: saved
    assert apps.get_application(db, detail.id).input.draft.notes == "読み込み直して入力"


def test_a_customer_record_added_elsewhere_points_to_screening_again(db, ctx, clerk, office, qtbot):
    detail = apps.create_application(db, clerk, corporate_input(office, "application_form", "identity", "registry"))
    dialog = open_dialog(ctx, qtbot, apps.start_screening(db, clerk, detail.id, expected_version=application_now(db, detail.id)))
    assert dialog.screening.incidents_hint.isHidden()
    ctx.changes.changed.emit(Changes.INCIDENTS)
    assert not dialog.screening.incidents_hint.isHidden()
    assert dialog.screening.incidents_hint_label.text() == INCIDENTS_HINT
    qtbot.mouseClick(dialog.screening.screen_button, Qt.MouseButton.LeftButton)
    assert dialog.screening.incidents_hint.isHidden()


def test_the_saved_banner_follows_the_status_once_the_papers_are_complete(db, ctx, office, qtbot):
    dialog = open_dialog(ctx, qtbot)
    dialog.intake.set_catalog(dialog.intake.catalog)
    dialog.intake.fill(corporate_input(office, "application_form", "identity"), "", read_only=False)
    dialog.save()
    assert dialog.status_label.text() == "書類待ち"
    assert "不足書類: 登記事項証明書" in dialog.banner_label.text()
    row = dialog.intake.documents.add_row()
    assert row.kind.currentData() == "registry"  # the paper not listed yet
    dialog.save()
    assert dialog.status_label.text() == "受付"
    assert dialog.banner_label.text() == f"申込 {dialog.detail.number} の変更を保存しました（状態: 受付）。"


def test_a_field_message_goes_as_soon_as_the_field_is_edited(db, ctx, office, qtbot):
    dialog = open_dialog(ctx, qtbot)
    fields = dialog.intake.applicant.fields
    dialog.save()
    assert dialog.error_text("applicant.name") != "" and dialog.summary.isVisible()
    type_text(qtbot, fields.edits["name"], "株式会社みらい")
    assert dialog.error_text("applicant.name") == ""
    assert fields.edits["name"].property("invalid") is False
    assert dialog.error_text("applicant.phone") != ""  # the others stay until they are fixed


def test_a_character_no_font_prints_is_pointed_out_as_the_applicant_is_typed(ctx, office, qtbot):
    dialog = open_dialog(ctx, qtbot)
    fields = dialog.intake.applicant.fields
    warning = fields.glyph_warnings["name"]
    type_text(qtbot, fields.edits["name"], "株式会社")
    assert warning.isHidden()
    type_text(qtbot, fields.edits["name"], NO_FONT_HAS_IT)
    assert warning.isVisibleTo(dialog) and "「😀」(U+1F600)" in warning.text()
    fields.edits["name"].setText("株式会社スマイル")
    assert warning.isHidden()


def test_the_window_opens_at_a_size_that_fits_a_1366x768_laptop_with_its_taskbar(ctx, office, qtbot):
    width, height = DEFAULT_SIZE
    assert width <= 1366 - 16 and height <= 768 - 48 - 40  # a taskbar and the title bar
    dialog = open_dialog(ctx, qtbot)
    screen = dialog.screen().availableGeometry()
    assert dialog.width() == min(width, screen.width() - 16) and dialog.height() == min(height, screen.height() - 40)
    bottom = dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomLeft()).y()
    assert dialog.save_button.isVisible() and bottom <= dialog.height()

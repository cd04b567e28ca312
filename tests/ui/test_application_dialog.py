"""The application window: errors next to their fields (My Number, bank codes …), a clerk who
cannot decide, withdrawal under each terms, the postal identity check, customer records feeding
the screening."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.domain.intake import MY_NUMBER_REFUSAL, ApplicationDraft, DocumentEntry
from reseller_desk.services import applications as apps
from reseller_desk.services import customers as customer_service
from reseller_desk.services import incidents as incident_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui.application.checklist import SYSTEM_CHECK
from reseller_desk.ui.application.decision_dialogs import ApproveDialog
from reseller_desk.ui.application.decision_panel import CLERK_DECISION_HINT
from reseller_desk.ui.application.window import REVOCATION_CONFIRM, ApplicationDialog
from reseller_desk.ui.customer_form import CustomerForm
from reseller_desk.ui.widgets import format_date_long
from tests.versions import application_now

from .helpers import SAMPLE_CUSTOMERS, set_up_office, type_text
from .helpers import open_application_dialog as open_dialog

YAMADA = CustomerDraft(kind="individual", name="山田 太郎", name_kana="ヤマダ タロウ", postal_code="530-0001",
                       address="大阪府大阪市北区梅田1-1-1", phone="090-1111-2222")


@pytest.fixture
def office(db, manager):
    return set_up_office(db, manager)


def sh_input(office, **changes) -> ApplicationInput:
    today = clock.today()
    papers = (DocumentEntry("application_form", today), DocumentEntry("identity", today, "drivers_license", "5678"))
    draft = ApplicationDraft(channel="post", received_on=today, profile_key="sokujitsu", plan_id=office["sh"],
                             documents=papers)
    return ApplicationInput(dataclasses.replace(draft, **changes), applicant=YAMADA)


def sc_input(office) -> ApplicationInput:
    return dataclasses.replace(sh_input(office), draft=dataclasses.replace(
        sh_input(office).draft, profile_key="simpleconnect", plan_id=office["sc"]))


def screened_clear(db, actor, inp: ApplicationInput):
    """An application taken in and screened, every line 問題なし."""
    application_id = apps.create_application(db, actor, inp).id
    detail = apps.start_screening(db, actor, application_id, expected_version=application_now(db, application_id))
    for item in detail.checklist:
        detail = apps.answer_screening_item(db, actor, application_id, item.code, "clear",
                                            expected_version=application_now(db, application_id))
    return detail


def fill_individual(qtbot, dialog: ApplicationDialog, profile: str, plan_id: int) -> None:
    fields = dialog.intake.applicant.fields
    qtbot.mouseClick(fields.individual_radio, Qt.MouseButton.LeftButton)
    type_text(qtbot, fields.edits["name"], "山田 太郎")
    type_text(qtbot, fields.edits["name_kana"], "やまだ たろう")
    qtbot.keyClicks(fields.edits["phone"], "09011112222")
    dialog.intake.channel_combo.setCurrentIndex(dialog.intake.channel_combo.findData("post"))
    dialog.intake.profile_combo.setCurrentIndex(dialog.intake.profile_combo.findData(profile))
    dialog.intake.plan_combo.setCurrentIndex(dialog.intake.plan_combo.findData(plan_id))


def test_a_my_number_shows_the_refusal_next_to_the_field_and_nothing_is_saved(db, clerk_ctx, office, qtbot, shown):
    dialog = open_dialog(clerk_ctx, qtbot)
    fill_individual(qtbot, dialog, "sokujitsu", office["sh"])
    qtbot.mouseClick(dialog.intake.documents.add_button, Qt.MouseButton.LeftButton)
    row = dialog.intake.documents.rows[0]
    row.kind.setCurrentIndex(row.kind.findData("identity"))
    row.identity_kind.setCurrentIndex(row.identity_kind.findData("my_number_card"))
    qtbot.keyClicks(row.number, "123456789012")
    # As it is typed: the refusal right under the paper's fields, the number field in red.
    assert row.error.isVisible() and row.error.text() == MY_NUMBER_REFUSAL
    assert row.number.property("invalid") is True
    below = (row.error.mapTo(dialog, row.error.rect().topLeft()).y()
             - row.number.mapTo(dialog, row.number.rect().bottomLeft()).y())
    assert 0 <= below <= 12

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text("documents.0.number_last_digits") == MY_NUMBER_REFUSAL  # the service refused it too
    assert dialog.summary.isVisible() and "赤字の項目" in dialog.summary.text()
    assert dialog.detail is None and apps.list_applications(db) == []
    assert shown.messages == []

    # A driving licence's last four digits are fine; the application is saved.
    row.identity_kind.setCurrentIndex(row.identity_kind.findData("drivers_license"))
    assert row.error.text() == "番号は下4桁だけを入力してください（全桁は記録しません）。"
    row.number.clear()
    qtbot.keyClicks(row.number, "9012")
    assert not row.error.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.detail is not None and dialog.detail.status_label == "書類待ち"  # no 申込書 yet
    assert "申込書" in dialog.info_label.text()
    assert dialog.error_text("documents.0.number_last_digits") == ""


def test_bad_fields_are_shown_where_they_are_and_bank_names_appear_as_typed(db, clerk_ctx, office, qtbot):
    dialog = open_dialog(clerk_ctx, qtbot)
    fill_individual(qtbot, dialog, "simpleconnect", office["sc"])
    dialog.intake.applicant.fields.edits["phone"].clear()
    qtbot.keyClicks(dialog.intake.applicant.fields.edits["phone"], "123")
    qtbot.mouseClick(dialog.intake.debit_radio, Qt.MouseButton.LeftButton)
    assert dialog.intake.debit.isVisible()
    qtbot.keyClicks(dialog.intake.debit.bank_code, "0005")
    assert dialog.intake.debit.bank_name_label.text() == "三菱ＵＦＪ"
    qtbot.keyClicks(dialog.intake.debit.branch_code, "021")
    assert dialog.intake.debit.branch_name_label.text() == "寺田町"
    dialog.intake.debit.branch_code.clear()
    qtbot.keyClicks(dialog.intake.debit.branch_code, "999")
    assert "この支店はありません" in dialog.intake.debit.branch_name_label.text()
    qtbot.keyClicks(dialog.intake.debit.account_number, "1234567")
    type_text(qtbot, dialog.intake.debit.holder_kana, "ヤマダ タロウ")

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "電話番号" in dialog.error_text("applicant.phone")
    assert dialog.intake.applicant.fields.edits["phone"].property("invalid") is True
    assert "999" in dialog.error_text("debit.branch_code")
    assert dialog.error_text("debit.holder_kana") == ""  # full-width kana is converted by the service
    assert apps.list_applications(db) == []

    dialog.intake.applicant.fields.edits["phone"].clear()
    qtbot.keyClicks(dialog.intake.applicant.fields.edits["phone"], "09011112222")
    dialog.intake.debit.branch_code.clear()
    qtbot.keyClicks(dialog.intake.debit.branch_code, "021")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.detail is not None, dialog.summary.text()
    account = dialog.detail.input.draft.debit_account
    assert (account.bank_name, account.branch_name, account.holder_kana) == ("三菱ＵＦＪ", "寺田町", "ﾔﾏﾀﾞ ﾀﾛｳ")
    assert dialog.intake.debit.holder_kana.text() == "ﾔﾏﾀﾞ ﾀﾛｳ"  # the saved value is shown
    assert not dialog.summary.isVisible()


def test_a_clerk_sees_approve_and_refuse_disabled_with_the_reason(db, clerk_ctx, office, qtbot, shown):
    detail = screened_clear(db, clerk_ctx.actor, sc_input(office))
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    dialog.tabs.setCurrentWidget(dialog.decision_tab)
    assert not dialog.decision.approve_button.isEnabled() and not dialog.decision.refuse_button.isEnabled()
    assert dialog.decision.approve_button.toolTip() == CLERK_DECISION_HINT
    assert CLERK_DECISION_HINT in dialog.decision.role_hint.text() and dialog.decision.role_hint.isVisible()
    assert dialog.decision.withdraw_button.isEnabled()
    assert shown.messages == []


def test_the_service_refusing_an_approval_is_said_once_inside_the_approve_dialog(db, clerk_ctx, office, qtbot, shown):
    """Should the window ask anyway (a clerk, here), the refusal is in the dialog, not also in a box."""
    detail = screened_clear(db, clerk_ctx.actor, sc_input(office))
    application_id = detail.id
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    with qtbot.waitSignal(dialog.dialog_opened) as opened:
        dialog.approve()
    approve: ApproveDialog = opened.args[0]
    qtbot.mouseClick(approve.approve_button, Qt.MouseButton.LeftButton)
    assert "管理者だけ" in approve.summary.text() and approve.isVisible()
    assert shown.messages == []
    approve.reject()
    assert apps.get_application(db, application_id).status_label == "審査中"
    assert dialog.status_label.text() == "審査中"


def test_approve_is_disabled_until_screening_has_started_with_the_blockers_as_tooltip(db, ctx, office, qtbot):
    detail = apps.create_application(db, ctx.actor, sc_input(office))
    dialog = open_dialog(ctx, qtbot, detail)
    assert not dialog.decision.approve_button.isEnabled()
    assert dialog.decision.approve_button.toolTip() == "\n".join(detail.approval_blockers)
    assert "審査が始まっていません" in dialog.decision.approve_button.toolTip()
    assert not dialog.decision.refuse_button.isEnabled()
    assert "該当" in dialog.decision.refuse_button.toolTip()


def test_an_sh_withdrawal_is_only_recorded_and_the_application_stays(db, clerk_ctx, office, qtbot, shown):
    detail = apps.create_application(db, clerk_ctx.actor, sh_input(office))
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    asked = []
    dialog.confirm = lambda title, text: asked.append(text) or True
    dialog.tabs.setCurrentWidget(dialog.decision_tab)
    qtbot.mouseClick(dialog.decision.withdraw_button, Qt.MouseButton.LeftButton)
    assert "審査は続きます" in asked[0]
    assert dialog.banner.isVisible() and "取り下げられません" in dialog.banner_label.text()
    assert dialog.status_label.text() == "受付"
    assert apps.get_application(db, detail.id).status_label == "受付"
    assert "取下げの申し出" in dialog.info_label.text()
    assert "申し出あり" in dialog.decision.result_rows["withdrawal_requested"].text()
    assert dialog.decision.withdraw_button.isEnabled()  # still open
    assert "取消" not in dialog.banner_label.text()  # a withdrawal never reads like a revocation
    assert shown.messages == []


def test_an_sc_withdrawal_withdraws_the_application(db, clerk_ctx, office, qtbot):
    detail = apps.create_application(db, clerk_ctx.actor, sc_input(office))
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    dialog.confirm = lambda title, text: False
    dialog.withdraw()
    assert apps.get_application(db, detail.id).status_label == "受付"  # not confirmed: nothing happened
    dialog.confirm = lambda title, text: True
    dialog.withdraw()
    assert dialog.status_label.text() == "取下げ" and "取り下げました" in dialog.banner_label.text()
    assert dialog.decision.result_rows["withdrawn_on"].text().startswith(format_date_long(clock.today()))
    assert dialog.decision.result_rows["revoked_on"].isHidden()
    assert not dialog.save_button.isVisible() and dialog.intake.applicant.fields.edits["name"].isReadOnly()
    assert "変更できません" in dialog.footer_note.text()


def test_a_confirmed_identity_can_no_longer_be_recorded_as_undeliverable(db, clerk_ctx, manager, office, qtbot):
    clerk = clerk_ctx.actor
    application_id = apps.create_application(db, clerk, sh_input(office)).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=clock.today())
    apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id),
                                on=clock.today())
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    dialog = open_dialog(clerk_ctx, qtbot, apps.approve_application(db, manager, application_id,
                                                                    expected_version=application_now(db, application_id)))
    dialog.tabs.setCurrentWidget(dialog.decision_tab)
    assert "本人確認済" in dialog.letter.letter_status.text()
    for button in (dialog.letter.sent_button, dialog.letter.confirmed_button, dialog.letter.failed_button):
        assert not button.isEnabled() and "確認済みの結果は変更できません" in button.toolTip()
    assert not dialog.letter.letter_date.isEnabled()


def test_a_failed_identity_letter_after_approval_revokes_after_confirmation(db, clerk_ctx, manager, office, qtbot):
    clerk = clerk_ctx.actor
    application_id = apps.create_application(db, clerk, sh_input(office)).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=clock.today())
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    detail = apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id))
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    dialog.tabs.setCurrentWidget(dialog.decision_tab)
    assert dialog.letter.isVisible() and "発送済" in dialog.letter.letter_status.text()
    asked = []
    dialog.confirm = lambda title, text: asked.append(text) or False
    qtbot.mouseClick(dialog.letter.failed_button, Qt.MouseButton.LeftButton)
    assert asked == [REVOCATION_CONFIRM]
    assert apps.get_application(db, application_id).status_label == "承諾"  # not confirmed
    dialog.confirm = lambda title, text: True
    qtbot.mouseClick(dialog.letter.failed_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "承諾取消"
    assert "承諾を取り消しました" in dialog.banner_label.text() and "取-" in dialog.banner_label.text()
    assert dialog.decision.result_rows["contract_status"].text().startswith("取消")
    assert dialog.decision.result_rows["revoked_on"].text().startswith(format_date_long(clock.today()))
    assert dialog.decision.result_rows["withdrawn_on"].isHidden()
    assert [n.kind for n in dialog.detail.notices] == ["approval", "revocation"]
    assert dialog.notices.model.rowCount() == 2


def test_customer_records_added_in_the_window_prefill_the_screening(db, clerk_ctx, office, qtbot, sample_customers):
    customer_id = sample_customers[0]  # 株式会社テスト商事
    form = CustomerForm(clerk_ctx, customer_service.get_customer(db, customer_id))
    qtbot.addWidget(form)
    form.show()
    assert form.incidents_button.isVisible()
    incidents = form.open_incidents()
    qtbot.addWidget(incidents)
    incidents.kind.setCurrentIndex(incidents.kind.findData("unpaid"))
    incidents.occurred_on.setDate(incidents.occurred_on.date().addDays(-30))
    incidents.amount.setValue(12_800)
    type_text(qtbot, incidents.note, "2025年2月分")
    qtbot.mouseClick(incidents.add_button, Qt.MouseButton.LeftButton)
    assert incidents.model.rowCount() == 1
    assert incidents.model.index(0, 2).data() == "¥12,800"
    assert incidents.model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert [i.kind_label for i in incident_service.list_incidents(db, customer_id)] == ["未払い"]
    incidents.accept()
    form.reject()

    # An application by that customer, chosen with the search box.
    dialog = open_dialog(clerk_ctx, qtbot)
    qtbot.mouseClick(dialog.intake.applicant.existing_radio, Qt.MouseButton.LeftButton)
    assert dialog.intake.applicant.existing_box.isVisible() and not dialog.intake.applicant.fields.isVisible()
    type_text(qtbot, dialog.intake.applicant.customer_search, "ﾃｽﾄｼｮｳｼﾞ")
    qtbot.waitUntil(lambda: dialog.intake.applicant.customer_results.count() > 0 and
                    dialog.intake.applicant.customer_results.item(0).data(Qt.ItemDataRole.UserRole) is not None,
                    timeout=2000)
    item = dialog.intake.applicant.customer_results.item(0)
    rect = dialog.intake.applicant.customer_results.visualItemRect(item)
    qtbot.mouseClick(dialog.intake.applicant.customer_results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.intake.applicant.customer_id == customer_id
    assert "株式会社テスト商事" in dialog.intake.applicant.chosen_label.text()
    dialog.intake.profile_combo.setCurrentIndex(dialog.intake.profile_combo.findData("simpleconnect"))
    dialog.intake.plan_combo.setCurrentIndex(dialog.intake.plan_combo.findData(office["sc"]))
    for kind in ("application_form", "registry"):
        row = dialog.intake.documents.add_row()
        row.kind.setCurrentIndex(row.kind.findData(kind))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.detail is not None and dialog.detail.input.customer_id == customer_id
    assert dialog.detail.status_label == "書類待ち" and "本人確認書類" in dialog.info_label.text()

    dialog.tabs.setCurrentWidget(dialog.screening_tab)
    qtbot.mouseClick(dialog.screening.screen_button, Qt.MouseButton.LeftButton)
    lines = {i.code: i for i in dialog.detail.checklist}
    assert lines["8"].answer == "hit" and "¥12,800" in lines["8"].evidence[0]
    row = [i.code for i in dialog.detail.checklist].index("8")
    model = dialog.screening.model
    assert model.index(row, 3).data() == "該当"
    assert "¥12,800" in model.index(row, 1).data()  # the evidence under the line
    assert model.index(row, 4).data() == SYSTEM_CHECK
    dialog.screening.select_row(row)
    evidence = dialog.screening.evidence_label.text()
    assert "¥12,800" in evidence and "照合の記録" in evidence
    assert any("審査項目(8)が「該当」" in text for text in dialog.screening.blocker_texts())

    # A note typed into the checklist is the clerk's answer to that line.
    model.setData(model.index(row, 6), "分割で完済予定と申告")
    line8 = next(i for i in dialog.detail.checklist if i.code == "8")
    assert line8.note == "分割で完済予定と申告" and not line8.prefilled and line8.checked_by_name == "事務 太郎"
    assert SAMPLE_CUSTOMERS[0].name == "株式会社テスト商事"


def test_a_pdf_that_cannot_be_written_is_said_so(db, clerk_ctx, manager, office, qtbot, shown, tmp_path):
    application_id = apps.create_application(db, clerk_ctx.actor, sh_input(office)).id
    apps.start_screening(db, clerk_ctx.actor, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk_ctx.actor, application_id, "3", "hit", expected_version=application_now(db, application_id))
    detail = apps.refuse_application(db, manager, application_id, "規約違反の前歴", expected_version=application_now(db, application_id))
    dialog = open_dialog(clerk_ctx, qtbot, detail)
    dialog.notices.ask_save_path = lambda parent, caption, suggested: str(tmp_path / "no-such-folder" / "x.pdf")
    dialog.notices.save_notice_pdf()
    assert dialog.summary.isVisible() and "PDFを保存できませんでした" in dialog.summary.text()
    assert shown.messages == []  # said once, in the window
    dialog.summary.clear()
    dialog.notices.ask_save_path = lambda parent, caption, suggested: ""  # cancelled: nothing happens
    dialog.notices.save_notice_pdf()
    assert dialog.summary.text() == ""

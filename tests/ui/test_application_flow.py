"""The acceptance test of issue 3, entirely in the window (real background operations), one
step per test: a clerk takes in an SC application and an SH one for new applicants with their
papers and screens them; the manager logs in through the log-in dialog, approves the first and
refuses the second with an internal note; the notices are saved as PDF through the (injected)
file dialog; the list and the audit log show what happened. Screenshots go to tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from reseller_desk import clock
from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry
from reseller_desk.services import applications as apps
from reseller_desk.services import audit as audit_service
from reseller_desk.services import customers as customer_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui.app import create_main_window
from reseller_desk.ui.application.decision_dialogs import ApproveDialog, RefuseDialog
from reseller_desk.ui.application.screening_panel import NO_BLOCKERS
from reseller_desk.ui.application.window import ApplicationDialog
from reseller_desk.ui.application_model import COL_DAYS, COL_NUMBER, COL_STATUS
from reseller_desk.ui.login import LoginDialog
from reseller_desk.ui.widgets import format_date_long, month_text

from .helpers import SAMPLE_CUSTOMERS, set_password, set_up_office, type_text


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


class Desk:
    """The window and how the staff log in to it: through the real log-in dialog, typed into."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.credentials: tuple[str, str] = ("", "")
        self.window = None
        self.plans: dict[str, int] = {}
        self.waiting: list[str] = []

    def login(self, db, parent):
        dialog = LoginDialog(db, parent)
        dialog.show()
        self.qtbot.waitExposed(dialog)
        login_id, password = self.credentials
        self.qtbot.keyClicks(dialog.login_edit, login_id)
        self.qtbot.keyClicks(dialog.password_edit, password)
        assert dialog.password_edit.text() == password
        assert dialog.password_edit.displayText() != password
        self.qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
        assert not dialog.message.isVisible(), dialog.message.text()
        return dialog.actor

    def settle(self, timeout: int = 5000) -> None:
        self.qtbot.waitUntil(self.window.ctx.ops.is_idle, timeout=timeout)
        self.qtbot.wait(5)  # queued paints and the checklist's row heights
        self.qtbot.waitUntil(self.window.ctx.ops.is_idle, timeout=timeout)

    def activate(self) -> None:
        self.window.activateWindow()
        self.qtbot.waitUntil(lambda: QApplication.activeWindow() is self.window, timeout=1000)


@pytest.fixture
def desk(db, clerk, manager, shown, qtbot):
    plans = set_up_office(db, manager)  # company details and plans, set up by the manager beforehand
    waiting = []  # two applications taken in earlier days, still open
    today = clock.today()
    for days, channel, profile, plan, applicant in ((6, "online", "simpleconnect", plans["sc"], SAMPLE_CUSTOMERS[1]),
                                                    (3, "fax", "sokujitsu", plans["sh"], SAMPLE_CUSTOMERS[3])):
        received = today - dt.timedelta(days=days)
        papers = (DocumentEntry("identity", received, "passport", "77"),)
        if channel == "fax":
            papers += (DocumentEntry("application_form", received),)  # complete; the other lacks its 登記事項証明書
        draft = ApplicationDraft(channel, received, profile, plan, documents=papers)
        waiting.append(apps.create_application(db, clerk, ApplicationInput(draft, applicant=applicant)).number)
    set_password(db, manager.user_id, "kanri-pass-1")
    set_password(db, clerk.user_id, "jimu-pass-1")
    desk = Desk(qtbot)
    desk.plans = plans
    desk.waiting = waiting
    desk.window = create_main_window(db, clerk, show_message=shown.message, login=desk.login)
    qtbot.addWidget(desk.window)
    desk.window.show()
    qtbot.waitExposed(desk.window)
    desk.activate()
    yield desk
    desk.window.ctx.ops.wait_idle()


# -- the clerk -------------------------------------------------------------------------------------
def new_application(desk: Desk) -> ApplicationDialog:
    qtbot = desk.qtbot
    desk.activate()
    qtbot.keyClick(desk.window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # 申込
    page = desk.window.application_page
    assert desk.window.current_section() == "applications"
    with qtbot.waitSignal(page.dialog_opened, timeout=3000) as opened:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitExposed(dialog)
    desk.settle()  # the plans and staff to choose from
    assert dialog.windowTitle() == "申込の新規受付"
    assert dialog.intake.applicant.new_radio.isChecked()
    return dialog


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def add_paper(qtbot, dialog: ApplicationDialog, kind: str, identity: str = "", digits: str = "") -> None:
    qtbot.mouseClick(dialog.intake.documents.add_button, Qt.MouseButton.LeftButton)
    row = dialog.intake.documents.rows[-1]
    choose(row.kind, kind)
    if identity:
        choose(row.identity_kind, identity)
        qtbot.keyClicks(row.number, digits)
        assert not row.error.isVisible()


def type_fields(qtbot, dialog: ApplicationDialog, **values: str) -> None:
    for name, text in values.items():
        type_text(qtbot, dialog.intake.applicant.fields.edits[name], text)


def take_in_sc(desk: Desk) -> ApplicationDialog:
    """A company by post: SimpleConnect ベーシック with 通話録音, 2 lines, 口座振替, all papers."""
    qtbot, form = desk.qtbot, None
    dialog = new_application(desk)
    form = dialog.intake
    qtbot.mouseClick(form.applicant.fields.corporate_radio, Qt.MouseButton.LeftButton)
    type_fields(qtbot, dialog, name="株式会社みらい商事", name_kana="かぶしきがいしゃみらいしょうじ",
                contact_title="総務部", contact_name="佐藤 花子", postal_code="1500002",
                address="東京都渋谷区渋谷2丁目1番1号", phone="0334001234", email="info@mirai.example.co.jp",
                corporate_number="8700110005901")
    choose(form.channel_combo, "post")
    choose(form.profile_combo, "simpleconnect")
    choose(form.plan_combo, desk.plans["sc"])
    form.option_item("通話録音").setCheckState(Qt.CheckState.Checked)
    form.lines_spin.setValue(2)
    qtbot.mouseClick(form.debit_radio, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.debit.bank_code, "0005")
    qtbot.keyClicks(form.debit.branch_code, "021")
    assert (form.debit.bank_name_label.text(), form.debit.branch_name_label.text()) == ("三菱ＵＦＪ", "寺田町")
    qtbot.keyClicks(form.debit.account_number, "1234567")
    type_text(qtbot, form.debit.holder_kana, "カ)ミライショウジ")
    add_paper(qtbot, dialog, "application_form")
    add_paper(qtbot, dialog, "identity", "drivers_license", "1234")
    add_paper(qtbot, dialog, "registry")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.detail is not None, dialog.summary.text()
    return dialog


def take_in_sh(desk: Desk) -> ApplicationDialog:
    """A person by post: 即日発番 ライト, 振込, 申込書 and a passport."""
    qtbot = desk.qtbot
    dialog = new_application(desk)
    form = dialog.intake
    qtbot.mouseClick(form.applicant.fields.individual_radio, Qt.MouseButton.LeftButton)
    type_fields(qtbot, dialog, name="山田 太郎", name_kana="ヤマダ タロウ", postal_code="5300001",
                address="大阪府大阪市北区梅田1-1-1", phone="09011112222")
    choose(form.channel_combo, "post")
    choose(form.profile_combo, "sokujitsu")
    choose(form.plan_combo, desk.plans["sh"])
    assert form.transfer_radio.isChecked() and not form.debit.isVisible()
    add_paper(qtbot, dialog, "application_form")
    add_paper(qtbot, dialog, "identity", "passport", "0042")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.detail is not None, dialog.summary.text()
    return dialog


def screen(desk: Desk, dialog: ApplicationDialog, hit: tuple[str, str] | None = None) -> None:
    """審査開始, then every line 問題なし — or 該当 with a note on the line ``hit`` (code, note),
    each answered through the checklist's cells as the delegate would."""
    qtbot, model = desk.qtbot, dialog.screening.model
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.tabs.tabBar().tabRect(dialog.tabs.indexOf(dialog.screening_tab)).center())
    assert dialog.tabs.currentWidget() is dialog.screening_tab
    assert dialog.screening.screen_button.text() == "審査開始"
    qtbot.mouseClick(dialog.screening.screen_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.status_label.text() == "審査中"
    codes = [item.code for item in dialog.detail.checklist]
    assert model.rowCount() == len(codes) > 0
    for row, code in enumerate(codes):
        wanted = "hit" if hit and code == hit[0] else "clear"
        if model.index(row, 3).data(Qt.ItemDataRole.EditRole) != wanted:
            model.setData(model.index(row, 3), wanted)
            desk.settle()
        if hit and code == hit[0]:
            model.setData(model.index(row, 6), hit[1])  # the メモ cell, as typed in the table
            desk.settle()
    answers = {item.code: item.answer for item in dialog.detail.checklist}
    assert answers == {code: ("hit" if hit and code == hit[0] else "clear") for code in codes}
    assert [model.index(r, 3).data() for r in range(len(codes))] == [
        "該当" if hit and c == hit[0] else "問題なし" for c in codes]


# -- the manager -----------------------------------------------------------------------------------
def switch_to_manager(desk: Desk, manager) -> None:
    desk.credentials = ("kanri", "kanri-pass-1")
    desk.window.switch_staff_action.trigger()
    assert desk.window.ctx.actor == manager
    assert desk.window.actor_label.text() == "担当: 管理 花子（管理者）"
    desk.settle()


def open_from_list(desk: Desk, number: str) -> ApplicationDialog:
    qtbot = desk.qtbot
    page = desk.window.show_section("applications")
    desk.settle()
    numbers = [page.model.index(r, COL_NUMBER).data() for r in range(page.model.rowCount())]
    row = numbers.index(number)
    rect = page.table.visualRect(page.model.index(row, COL_NUMBER))
    with qtbot.waitSignal(page.dialog_opened, timeout=3000) as opened:
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = opened.args[0]
    qtbot.waitExposed(dialog)
    desk.settle()
    assert dialog.detail.number == number
    return dialog


def save_first_notice(desk: Desk, dialog: ApplicationDialog, path) -> bytes:
    dialog.tabs.setCurrentWidget(dialog.notices_tab)
    asked = []
    dialog.notices.ask_save_path = lambda parent, caption, suggested: asked.append(suggested) or str(path)
    desk.qtbot.mouseClick(dialog.notices.save_pdf_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert len(asked) == 1 and asked[0].endswith(".pdf")
    assert dialog.detail.notices[0].number in asked[0]
    return path.read_bytes()


def screened_sc_for_the_manager(desk: Desk, manager) -> str:
    """The SC application taken in and screened clear by the clerk; the manager logged in."""
    sc = take_in_sc(desk)
    screen(desk, sc)
    number = sc.detail.number
    switch_to_manager(desk, manager)
    return number


def approve_in_window(desk: Desk, number: str) -> ApplicationDialog:
    sc = open_from_list(desk, number)
    sc.tabs.setCurrentWidget(sc.decision_tab)
    with desk.qtbot.waitSignal(sc.dialog_opened, timeout=3000) as opened:
        desk.qtbot.mouseClick(sc.decision.approve_button, Qt.MouseButton.LeftButton)
    approve: ApproveDialog = opened.args[0]
    desk.qtbot.waitExposed(approve)
    desk.qtbot.mouseClick(approve.approve_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert approve not in sc.sub_dialogs  # accepted and closed
    return sc


# -- the steps ---------------------------------------------------------------------------------------
def test_a_clerk_takes_in_an_sc_application_by_post_with_every_paper(desk, artifacts):
    sc = take_in_sc(desk)
    assert sc.detail.number.startswith(f"A-{clock.today().year}-") and sc.number_label.text() == sc.detail.number
    assert sc.status_label.text() == "受付" and "不足書類" not in sc.info_label.text()
    assert sc.banner_label.text() == f"申込 {sc.detail.number} を受け付けました（状態: 受付）。"
    assert sc.intake.debit.holder_kana.text() == "ｶ)ﾐﾗｲｼｮｳｼﾞ"  # converted to half-width by the service
    assert list(sc.detail.input.draft.option_ids) == [desk.plans["sc_rec"]]
    sc.grab().save(str(artifacts / "application_intake.png"))


def test_screening_every_line_clear_leaves_nothing_blocking_approval_but_a_clerk_cannot_decide(desk, shown):
    sc = take_in_sc(desk)
    screen(desk, sc)
    assert sc.screening.blocker_texts() == [NO_BLOCKERS]
    sc.screening.select_row(0)
    assert "照合の記録" in sc.screening.evidence_label.text()
    sc.tabs.setCurrentWidget(sc.decision_tab)
    assert not sc.decision.approve_button.isEnabled()  # a clerk does not decide
    assert "管理者だけ" in sc.decision.approve_button.toolTip()
    assert shown.messages == []


def test_a_hit_line_with_its_note_is_listed_among_the_approval_blockers(desk, shown):
    sh = take_in_sh(desk)
    assert sh.status_label.text() == "受付" and sh.detail.postal_identity_check
    screen(desk, sh, hit=("1", "他社での料金滞納を本人が申告"))
    assert any("審査項目(1)が「該当」" in text for text in sh.screening.blocker_texts())
    model = sh.screening.model
    model.setData(model.index(model.row_of("1"), 6), "他社での料金滞納を本人が申告（書面で確認）")
    desk.settle()
    assert sh.screening.current_code() == "1"  # answering a line made it the current one
    assert "書面で確認" in sh.screening.evidence_label.text()  # and the evidence pane follows it
    assert shown.messages == []


def test_switching_to_the_manager_closes_the_clerks_application_windows(desk, manager, qtbot):
    take_in_sc(desk)
    assert len(desk.window.findChildren(ApplicationDialog)) == 1
    switch_to_manager(desk, manager)
    qtbot.waitUntil(lambda: desk.window.findChildren(ApplicationDialog) == [], timeout=3000)  # closed and deleted


def test_the_manager_approves_and_sees_the_customer_id_contract_dates_and_the_notice(desk, db, manager, tmp_path,
                                                                                     artifacts):
    number = screened_sc_for_the_manager(desk, manager)
    sc = open_from_list(desk, number)
    sc.tabs.setCurrentWidget(sc.decision_tab)
    assert sc.decision.approve_button.isEnabled() and sc.decision.refuse_button.isEnabled() is False
    assert "該当" in sc.decision.refuse_button.toolTip()  # no line is 該当: nothing to refuse on
    with desk.qtbot.waitSignal(sc.dialog_opened, timeout=3000) as opened:
        desk.qtbot.mouseClick(sc.decision.approve_button, Qt.MouseButton.LeftButton)
    approve: ApproveDialog = opened.args[0]
    desk.qtbot.waitExposed(approve)
    today = clock.today()
    assert approve.preview.uses_registration_date and not approve.preview.uses_opening_date
    assert approve.registered_on.date() == approve.decided_on.date()  # 登録日 = 承諾日 by default
    assert approve.formed_value.text() == format_date_long(today)
    assert approve.billable_value.text() == month_text(next_month(today))  # SC §9.2: the month after
    assert "登録日" in approve.formed_title.text()
    desk.qtbot.mouseClick(approve.approve_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert approve not in sc.sub_dialogs
    assert sc.status_label.text() == "承諾" and sc.detail.status_label == "承諾"
    rows = sc.decision.result_rows
    assert rows["customer_code"].text() == "C0000001"
    assert f"<b>{month_text(next_month(today))}</b>" in rows["first_billable_month"].text()
    assert f"<b>{format_date_long(today)}</b>" in rows["formed_on"].text()
    assert "登録日の翌月1日" in rows["first_billable_month"].text()
    assert "C0000001" in sc.banner_label.text()
    assert not sc.decision.approve_button.isVisible() and not sc.save_button.isVisible()
    sc.grab().save(str(artifacts / "application_approved.png"))
    assert save_first_notice(desk, sc, tmp_path / "approval.pdf").startswith(b"%PDF")
    assert sc.notices.model.index(0, 0).data().startswith("承-") and sc.tabs.tabText(3) == "通知書（1）"
    opened_urls: list[QUrl] = []
    sc.notices.open_url = lambda url: opened_urls.append(url) or True
    desk.qtbot.mouseClick(sc.notices.open_pdf_button, Qt.MouseButton.LeftButton)
    desk.settle()
    with open(opened_urls[0].toLocalFile(), "rb") as opened_pdf:
        assert opened_pdf.read(4) == b"%PDF"
    assert customer_service.count_customers(db) == 1  # the applicant became a customer


def test_the_manager_refuses_only_with_an_internal_note_said_once_in_the_dialog(desk, db, manager, shown, tmp_path):
    sh = take_in_sh(desk)
    screen(desk, sh, hit=("1", "他社での料金滞納を本人が申告"))
    number = sh.detail.number
    switch_to_manager(desk, manager)
    sh = open_from_list(desk, number)
    sh.tabs.setCurrentWidget(sh.decision_tab)
    assert not sh.decision.approve_button.isEnabled()
    assert "審査項目(1)が「該当」" in sh.decision.approve_button.toolTip()  # the blockers are the reason
    assert sh.decision.refuse_button.isEnabled()
    with desk.qtbot.waitSignal(sh.dialog_opened, timeout=3000) as opened:
        desk.qtbot.mouseClick(sh.decision.refuse_button, Qt.MouseButton.LeftButton)
    refuse: RefuseDialog = opened.args[0]
    desk.qtbot.waitExposed(refuse)
    desk.qtbot.mouseClick(refuse.refuse_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert refuse.isVisible() and "社内メモ" in refuse.summary.text()
    assert shown.messages == []  # once, in the dialog: no message box on top
    assert apps.get_application(db, sh.detail.id).status_label == "審査中"
    type_text(desk.qtbot, refuse.note, "料金滞納の申告あり（SH §14.2(1)）")
    assert not refuse.summary.isVisible()  # the missing note is being written
    desk.qtbot.mouseClick(refuse.refuse_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert refuse not in sh.sub_dialogs
    assert sh.status_label.text() == "不承諾"
    assert sh.decision.result_rows["decision_note"].text() == "料金滞納の申告あり（SH §14.2(1)）"
    assert sh.decision.result_rows["customer_code"].text() == ""
    assert save_first_notice(desk, sh, tmp_path / "refusal.pdf").startswith(b"%PDF")
    assert sh.notices.model.index(0, 1).data() == "申込不承諾通知書"
    assert customer_service.count_customers(db) == 0  # a refused applicant does not become a customer
    assert shown.messages == []


def test_the_list_shows_open_applications_first_then_the_decided_ones_newest_first(desk, manager, artifacts):
    number = screened_sc_for_the_manager(desk, manager)
    approve_in_window(desk, number).close()
    page = desk.window.show_section("applications")
    desk.settle()
    rows = range(page.model.rowCount())
    assert [page.model.index(r, COL_NUMBER).data() for r in rows] == [*desk.waiting, number]
    assert [page.model.index(r, COL_STATUS).data() for r in rows] == ["書類待ち", "受付", "承諾"]
    assert [page.model.index(r, COL_DAYS).data() for r in rows] == ["6日", "3日", ""]
    assert page.model.index(0, COL_DAYS).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.count_label.text() == "3件"
    page.table.clearSelection()
    desk.window.grab().save(str(artifacts / "applications_list.png"))
    page.status_filter.setCurrentIndex(page.status_filter.findText("承諾"))
    desk.settle()
    assert [page.model.index(r, COL_NUMBER).data() for r in range(page.model.rowCount())] == [number]


def test_the_audit_log_shows_the_approval_in_japan_time_with_readable_values(desk, db, manager, qtbot):
    number = screened_sc_for_the_manager(desk, manager)
    sc = approve_in_window(desk, number)
    application_id = sc.detail.id
    sc.close()
    desk.activate()
    qtbot.keyClick(desk.window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    audit = desk.window.audit_page
    desk.settle()
    audit.set_application(application_id)
    desk.settle()
    records = audit.model.records
    assert {"application.add", "application.screening", "application.approve", "notice.issue"} <= {
        r.action for r in records}
    assert {r.user_name for r in records} == {"事務 太郎", "管理 花子"}
    assert {r.application_id for r in records} == {application_id}
    newest = records[0]
    expected = (newest.at + dt.timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
    assert audit.model.index(0, 0).data() == expected  # Japan time
    row = next(i for i, r in enumerate(records) if r.action == "application.approve")
    assert audit.model.index(row, 2).data().startswith("申込の承諾")
    assert "C0000001" in audit.model.index(row, 5).data()
    assert audit.model.index(row, 3).data() == f"申込 {number}"
    audit.table.selectRow(row)
    assert "カスタマID: C0000001" in audit.details.toPlainText()
    assert "customer_code" not in audit.details.toPlainText()
    # The same log, filtered by the customer the approval created.
    customer_id = customer_service.customer_ids(db)[0]
    audit.set_application(None)
    type_text(qtbot, audit.customer_query, "ﾐﾗｲｼｮｳｼﾞ")
    qtbot.mouseClick(audit.customer_search_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert audit.customer_combo.currentData() == customer_id
    assert {r.customer_id for r in audit.model.records} == {customer_id}
    assert audit_service.list_audit(db, manager, customer_id=customer_id) == audit.model.records

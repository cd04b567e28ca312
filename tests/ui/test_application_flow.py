"""The acceptance test of issue 3, entirely in the window (real background operations): a
clerk takes in an SC application and an SH one for new applicants with their papers and
screens them; the manager logs in through the log-in dialog, approves the first and refuses the
second with an internal note; the notices are saved as PDF through the (injected) file dialog.
Screenshots go to the test's tmp_path."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QApplication

from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry
from reseller_desk.services import applications as apps
from reseller_desk.services import audit as audit_service
from reseller_desk.services import auth
from reseller_desk.services import customers as customer_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui.app import create_main_window
from reseller_desk.ui.application_dialog import (
    ApplicationDialog,
    ApproveDialog,
    RefuseDialog,
    month_text,
)
from reseller_desk.ui.application_model import COL_DAYS, COL_NUMBER, COL_STATUS
from reseller_desk.ui.login import LoginDialog
from reseller_desk.ui.widgets import format_date_long

from .helpers import SAMPLE_CUSTOMERS, set_up_office, type_text

TODAY = dt.date.today()


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
        assert dialog.password_edit.text() == password and dialog.password_edit.displayText() != password
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
    for days, channel, profile, plan, applicant in ((6, "online", "simpleconnect", plans["sc"], SAMPLE_CUSTOMERS[1]),
                                                    (3, "fax", "sokujitsu", plans["sh"], SAMPLE_CUSTOMERS[3])):
        received = TODAY - dt.timedelta(days=days)
        papers = (DocumentEntry("identity", received, "passport", "77"),)
        if channel == "fax":
            papers += (DocumentEntry("application_form", received),)  # complete; the other lacks its 登記事項証明書
        draft = ApplicationDraft(channel, received, profile, plan, documents=papers)
        waiting.append(apps.create_application(db, clerk, ApplicationInput(draft, applicant=applicant)).number)
    auth.set_password(db, manager, manager.user_id, "kanri-pass-1")
    auth.set_password(db, manager, clerk.user_id, "jimu-pass-1")
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
    qtbot.keyClick(desk.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # 申込
    page = desk.window.application_page
    assert desk.window.current_section() == "applications"
    with qtbot.waitSignal(page.dialog_opened, timeout=3000) as opened:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "申込の新規受付" and dialog.new_radio.isChecked()
    return dialog


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def add_paper(qtbot, dialog: ApplicationDialog, kind: str, identity: str = "", digits: str = "") -> None:
    qtbot.mouseClick(dialog.documents.add_button, Qt.MouseButton.LeftButton)
    row = dialog.documents.rows[-1]
    choose(row.kind, kind)
    if identity:
        choose(row.identity_kind, identity)
        qtbot.keyClicks(row.number, digits)
        assert not row.error.isVisible()


def type_fields(qtbot, dialog: ApplicationDialog, **values: str) -> None:
    for name, text in values.items():
        type_text(qtbot, dialog.applicant_fields.edits[name], text)


def take_in_sc(desk: Desk, office_plans) -> ApplicationDialog:
    """A company by post: SimpleConnect ベーシック with 通話録音, 2 lines, 口座振替, all papers."""
    qtbot = desk.qtbot
    dialog = new_application(desk)
    qtbot.mouseClick(dialog.applicant_fields.corporate_radio, Qt.MouseButton.LeftButton)
    type_fields(qtbot, dialog, name="株式会社みらい商事", name_kana="かぶしきがいしゃみらいしょうじ",
                contact_title="総務部", contact_name="佐藤 花子", postal_code="1500002",
                address="東京都渋谷区渋谷2丁目1番1号", phone="0334001234", email="info@mirai.example.co.jp",
                corporate_number="8700110005901")
    choose(dialog.channel_combo, "post")
    choose(dialog.profile_combo, "simpleconnect")
    choose(dialog.plan_combo, office_plans["sc"])
    option = next(dialog.options_list.item(i) for i in range(dialog.options_list.count())
                  if dialog.options_list.item(i).text() == "通話録音")
    option.setCheckState(Qt.CheckState.Checked)
    dialog.lines_spin.setValue(2)
    qtbot.mouseClick(dialog.debit_radio, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.bank_code, "0005")
    qtbot.keyClicks(dialog.branch_code, "021")
    assert (dialog.bank_name_label.text(), dialog.branch_name_label.text()) == ("三菱ＵＦＪ", "寺田町")
    qtbot.keyClicks(dialog.account_number, "1234567")
    type_text(qtbot, dialog.holder_kana, "カ)ミライショウジ")
    add_paper(qtbot, dialog, "application_form")
    add_paper(qtbot, dialog, "identity", "drivers_license", "1234")
    add_paper(qtbot, dialog, "registry")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.detail is not None, dialog.summary.text()
    return dialog


def take_in_sh(desk: Desk, office_plans) -> ApplicationDialog:
    """A person by post: 即日発番 ライト, 振込, 申込書 and a passport."""
    qtbot = desk.qtbot
    dialog = new_application(desk)
    qtbot.mouseClick(dialog.applicant_fields.individual_radio, Qt.MouseButton.LeftButton)
    type_fields(qtbot, dialog, name="山田 太郎", name_kana="ヤマダ タロウ", postal_code="5300001",
                address="大阪府大阪市北区梅田1-1-1", phone="09011112222")
    choose(dialog.channel_combo, "post")
    choose(dialog.profile_combo, "sokujitsu")
    choose(dialog.plan_combo, office_plans["sh"])
    assert dialog.transfer_radio.isChecked() and not dialog.debit_box.isVisible()
    add_paper(qtbot, dialog, "application_form")
    add_paper(qtbot, dialog, "identity", "passport", "0042")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.detail is not None, dialog.summary.text()
    return dialog


def screen(desk: Desk, dialog: ApplicationDialog, hit: tuple[str, str] | None = None) -> None:
    """審査開始, then every line 問題なし — or 該当 with a note on the line ``hit`` (code, note)."""
    qtbot = desk.qtbot
    qtbot.mouseClick(dialog.tabs.tabBar(), Qt.MouseButton.LeftButton,
                     pos=dialog.tabs.tabBar().tabRect(dialog.tabs.indexOf(dialog.screening_tab)).center())
    assert dialog.tabs.currentWidget() is dialog.screening_tab
    assert dialog.screen_button.text() == "審査開始"
    qtbot.mouseClick(dialog.screen_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert dialog.status_label.text() == "審査中"
    codes = [item.code for item in dialog.detail.checklist]
    assert dialog.checklist.rowCount() == len(codes) > 0
    for code in codes:
        wanted = "hit" if hit and code == hit[0] else "clear"
        box = dialog.answer_combos[code]  # rebuilt after every answer
        if box.currentData() != wanted:
            box.setCurrentIndex(box.findData(wanted))
            desk.settle()
        if hit and code == hit[0]:
            row = codes.index(code)
            dialog.checklist.item(row, 6).setText(hit[1])  # the メモ cell, as typed in the table
            desk.settle()
    answers = {item.code: item.answer for item in dialog.detail.checklist}
    assert answers == {code: ("hit" if hit and code == hit[0] else "clear") for code in codes}
    assert all(dialog.answer_combos[c].currentText() == ("該当" if hit and c == hit[0] else "問題なし") for c in codes)


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
    assert dialog.detail.number == number
    return dialog


def save_first_notice(desk: Desk, dialog: ApplicationDialog, path) -> bytes:
    dialog.tabs.setCurrentWidget(dialog.notices_tab)
    asked = []
    dialog.ask_save_path = lambda parent, caption, suggested: asked.append(suggested) or str(path)
    desk.qtbot.mouseClick(dialog.save_pdf_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert asked and asked[0].endswith(".pdf") and dialog.detail.notices[0].number in asked[0]
    return path.read_bytes()


def test_one_application_to_approval_and_another_to_refusal_in_the_window(desk, db, clerk, manager, shown, qtbot,
                                                                          artifacts, tmp_path):
    window = desk.window
    office_plans = desk.plans

    # == the clerk: intake and screening ==========================================================
    sc = take_in_sc(desk, office_plans)
    number_sc = sc.detail.number
    assert number_sc.startswith(f"A-{TODAY.year}-") and sc.number_label.text() == number_sc
    assert sc.status_label.text() == "受付" and "不足書類" not in sc.info_label.text()
    assert "受け付けました" in sc.banner_label.text()
    assert sc.holder_kana.text() == "ｶ)ﾐﾗｲｼｮｳｼﾞ"  # converted to half-width by the service
    screen(desk, sc)
    blockers = [sc.blockers.item(i).text() for i in range(sc.blockers.count())]
    assert blockers == ["承諾できない理由はありません（すべての審査項目が「問題なし」、書類もそろっています）。"]
    sc.checklist.setCurrentCell(0, 1)
    assert "照合の記録" in sc.evidence_label.text()
    sc.grab().save(str(artifacts / "application_screening.png"))
    sc.tabs.setCurrentWidget(sc.decision_tab)
    assert not sc.approve_button.isEnabled()  # a clerk does not decide

    sh = take_in_sh(desk, office_plans)
    number_sh = sh.detail.number
    assert sh.status_label.text() == "受付" and sh.detail.postal_identity_check
    screen(desk, sh, hit=("1", "他社での料金滞納を本人が申告"))
    assert any("審査項目(1)が「該当」" in sh.blockers.item(i).text() for i in range(sh.blockers.count()))
    assert shown.messages == []

    # == the manager logs in (ファイル > 担当者の切替) ==================================================
    switch_to_manager(desk, manager)
    assert sc not in window.findChildren(ApplicationDialog) or not sc.isVisible()

    # 承諾 of the SC application.
    sc = open_from_list(desk, number_sc)
    sc.tabs.setCurrentWidget(sc.decision_tab)
    assert sc.approve_button.isEnabled() and sc.refuse_button.isEnabled()
    with qtbot.waitSignal(sc.dialog_opened, timeout=3000) as opened:
        qtbot.mouseClick(sc.approve_button, Qt.MouseButton.LeftButton)
    approve: ApproveDialog = opened.args[0]
    qtbot.waitExposed(approve)
    assert approve.preview.uses_registration_date and not approve.preview.uses_opening_date
    assert approve.registered_on.date() == approve.decided_on.date()  # 登録日 = 承諾日 by default
    assert approve.formed_value.text() == format_date_long(TODAY)
    assert approve.billable_value.text() == month_text(next_month(TODAY))  # SC §9.2: the month after
    assert "登録日" in approve.formed_title.text()
    qtbot.mouseClick(approve.approve_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert approve not in sc.sub_dialogs  # accepted and closed
    assert sc.status_label.text() == "承諾" and sc.detail.status_label == "承諾"
    assert sc.result_rows["customer_code"].text() == "C0000001"
    assert f"<b>{month_text(next_month(TODAY))}</b>" in sc.result_rows["first_billable_month"].text()
    assert f"<b>{format_date_long(TODAY)}</b>" in sc.result_rows["formed_on"].text()
    assert "登録日の翌月1日" in sc.result_rows["first_billable_month"].text()
    assert "C0000001" in sc.banner_label.text()
    assert not sc.approve_button.isVisible() and not sc.save_button.isVisible()
    sc.grab().save(str(artifacts / "application_approved.png"))
    pdf = save_first_notice(desk, sc, tmp_path / "approval.pdf")
    assert pdf.startswith(b"%PDF")
    assert sc.notice_table.item(0, 0).text().startswith("承-") and sc.tabs.tabText(3) == "通知書（1）"
    opened_urls: list[QUrl] = []
    sc.open_url = lambda url: opened_urls.append(url) or True
    qtbot.mouseClick(sc.open_pdf_button, Qt.MouseButton.LeftButton)
    desk.settle()
    with open(opened_urls[0].toLocalFile(), "rb") as opened_pdf:
        assert opened_pdf.read(4) == b"%PDF"
    assert customer_service.count_customers(db) == 1  # the applicant became a customer

    # 不承諾 of the SH application: the internal note is required and never printed.
    sh = open_from_list(desk, number_sh)
    sh.tabs.setCurrentWidget(sh.decision_tab)
    with qtbot.waitSignal(sh.dialog_opened, timeout=3000) as opened:
        qtbot.mouseClick(sh.refuse_button, Qt.MouseButton.LeftButton)
    refuse: RefuseDialog = opened.args[0]
    qtbot.waitExposed(refuse)
    qtbot.mouseClick(refuse.refuse_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert refuse.isVisible() and "社内メモ" in refuse.summary.text()
    assert apps.get_application(db, sh.detail.id).status_label == "審査中"
    shown.messages.clear()
    type_text(qtbot, refuse.note, "料金滞納の申告あり（SH §14.2(1)）")
    qtbot.mouseClick(refuse.refuse_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert refuse not in sh.sub_dialogs
    assert sh.status_label.text() == "不承諾"
    assert sh.result_rows["decision_note"].text() == "料金滞納の申告あり（SH §14.2(1)）"
    assert sh.result_rows["customer_code"].text() == ""
    pdf = save_first_notice(desk, sh, tmp_path / "refusal.pdf")
    assert pdf.startswith(b"%PDF") and sh.notice_table.item(0, 1).text() == "申込不承諾通知書"
    assert customer_service.count_customers(db) == 1  # a refused applicant does not become a customer
    assert shown.messages == []

    # == the list: open ones first, the longest waiting at the top; then the decided, newest first ======
    sc.close()
    sh.close()
    page = window.show_section("applications")
    desk.settle()
    rows = range(page.model.rowCount())
    assert [page.model.index(r, COL_NUMBER).data() for r in rows] == [*desk.waiting, number_sh, number_sc]
    assert [page.model.index(r, COL_STATUS).data() for r in rows] == ["書類待ち", "受付", "不承諾", "承諾"]
    assert [page.model.index(r, COL_DAYS).data() for r in rows] == ["6日", "3日", "", ""]
    assert page.model.index(0, COL_DAYS).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.count_label.text() == "4件"
    page.table.clearSelection()
    window.grab().save(str(artifacts / "applications_list.png"))
    page.status_filter.setCurrentIndex(page.status_filter.findText("承諾"))
    desk.settle()
    assert [page.model.index(r, COL_NUMBER).data() for r in range(page.model.rowCount())] == [number_sc]
    page.status_filter.setCurrentIndex(0)
    desk.settle()

    # == 操作履歴 (Ctrl+4, a manager's section) =========================================================
    desk.activate()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    audit = window.audit_page
    desk.settle()
    audit.set_application(sc.detail.id)
    desk.settle()
    records = audit.model.records
    actions = {r.action for r in records}
    assert {"application.add", "application.screening", "application.approve", "notice.issue"} <= actions
    assert {r.user_name for r in records} == {"事務 太郎", "管理 花子"}
    assert all(r.application_id == sc.detail.id for r in records)
    newest = records[0]
    expected = (newest.at + dt.timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
    assert audit.model.index(0, 0).data() == expected  # Japan time
    row = next(i for i, r in enumerate(records) if r.action == "application.approve")
    assert "C0000001" in audit.model.index(row, 5).data()
    assert audit.model.index(row, 3).data() == f"申込 {number_sc}"
    audit.table.selectRow(row)
    assert "customer_code" in audit.details.toPlainText()
    window.grab().save(str(artifacts / "audit.png"))
    # The same log, filtered by the customer the approval created.
    customer_id = customer_service.customer_ids(db)[0]
    audit.set_application(None)
    type_text(qtbot, audit.customer_query, "ﾐﾗｲｼｮｳｼﾞ")
    qtbot.mouseClick(audit.customer_search_button, Qt.MouseButton.LeftButton)
    desk.settle()
    assert audit.customer_combo.currentData() == customer_id
    assert {r.customer_id for r in audit.model.records} == {customer_id}
    assert audit_service.list_audit(db, manager, customer_id=customer_id) == audit.model.records

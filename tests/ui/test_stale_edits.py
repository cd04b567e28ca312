"""A stale save in the window: every form that saves shows the service's refusal, naming the
other member of staff, with 「最新の内容を読み込む」 and 「閉じる」 (ui.stale_edit, through the
operations runner); reloading shows what they saved, and only then is the typing gone.

The forms run with the ``shown`` fake, which records each stale save and its reload, except
the test of :class:`StaleEditBox` itself (its buttons, and a screenshot to look at)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.db.models import StaffUser
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails
from reseller_desk.services import applications as apps
from reseller_desk.services import auth, settings, staff
from reseller_desk.services.errors import ConcurrentEdit
from reseller_desk.ui.application.decision_dialogs import ApproveDialog
from reseller_desk.ui.stale_edit import CLOSE_TEXT, RELOAD_TEXT, StaleEditBox

from .helpers import open_application_dialog, set_up_office, shown_settings_page, type_text
from .test_application_dialog import sc_input, screened_clear

RELOAD = "画面を読み込み直してから、もう一度保存してください（何も保存していません）。"
#: When the other member of staff saved: 12月1日 14:05, Japan time.
CHANGED_AT = dt.datetime(2026, 12, 1, 14, 5)
ACCOUNT = BankAccountDetails("0005", "", "331", "", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ")


@pytest.fixture
def boss(db):
    """A second manager, 社長 一郎, who saves first."""
    with db.transaction() as session:
        user = StaffUser(login="boss", display_name="社長 一郎", role="manager")
        session.add(user)
        session.flush()
        return auth.actor_of(user)


@pytest.fixture
def office(db, manager):
    return set_up_office(db, manager)


def named(what: str, who: str) -> str:
    return f"{what}は 12月1日 14:05 に {who} さんが変更しています。{RELOAD}"


# -- the dialog itself -------------------------------------------------------------------------------
def test_the_dialog_names_who_changed_it_and_reloads_only_when_asked(qapp, qtbot, artifacts):
    reloads: list[str] = []
    with clock.frozen(CHANGED_AT):  # this year: the date is said without one
        error = ConcurrentEdit(what="この顧客", changed_by="事務 太郎", changed_at=CHANGED_AT.replace(tzinfo=clock.JST))
    box = StaleEditBox(error, lambda: reloads.append("reload"))
    qtbot.addWidget(box)
    assert box.text().replace("\n", "") == named("この顧客", "事務 太郎") == str(error)
    assert (box.reload_button.text(), box.close_button.text()) == (RELOAD_TEXT, CLOSE_TEXT)
    assert box.defaultButton() is box.close_button and box.escapeButton() is box.close_button
    box.show()
    qtbot.waitExposed(box)
    box.grab().save(str(artifacts / "stale-edit-dialog.png"))
    box.grab().save("/tmp/rowver-dialog.png")
    qtbot.mouseClick(box.close_button, Qt.MouseButton.LeftButton)
    assert reloads == []  # 閉じる: the form is left as it is

    again = StaleEditBox(error, lambda: reloads.append("reload"))
    qtbot.addWidget(again)
    again.show()
    qtbot.mouseClick(again.reload_button, Qt.MouseButton.LeftButton)
    assert reloads == ["reload"]


def test_the_runner_offers_the_reload_of_the_form_that_saved(ops, shown):
    reloads: list[str] = []
    failures: list[str] = []

    def stale() -> None:
        raise ConcurrentEdit(what="この顧客")

    ops.run(stale, failure=lambda e: failures.append(str(e)), reload=lambda: reloads.append("reloaded"))
    [(error, reload)] = shown.stale_edits
    assert failures == [] and shown.messages == []  # one way of saying it
    reload()
    assert reloads == ["reloaded"]
    ops.run(stale, failure=lambda e: failures.append(str(e)))  # a caller that cannot reload: its failure
    assert failures == [str(error)] and len(shown.stale_edits) == 1


# -- 設定 --------------------------------------------------------------------------------------------------
def test_company_details_saved_over_another_managers_save_are_refused_and_reloaded(db, ctx, boss, qtbot, shown):
    page = shown_settings_page(ctx, qtbot)
    tab = page.company_tab
    with clock.frozen(CHANGED_AT):
        settings.save_company(db, boss, CompanyDetails(name="株式会社みらいテレコム", address="東京都港区芝公園1-1-1"),
                              expected_version=settings.get_company_record(db).row_version)
    type_text(qtbot, tab.edits["name"], "株式会社リセラー")
    type_text(qtbot, tab.edits["address"], "東京都千代田区丸の内1-1")
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        tab.save()
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("会社情報", "社長 一郎")
    assert tab.edits["name"].text() == "株式会社リセラー"  # 閉じる keeps the typing
    assert settings.get_company(db).address == "東京都港区芝公園1-1-1"
    shown.reload_latest()
    assert tab.edits["name"].text() == "株式会社みらいテレコム" and tab.edits["address"].text() == "東京都港区芝公園1-1-1"
    assert not tab.dirty
    tab.edits["address"].setText("東京都千代田区丸の内1-1")
    tab.save()  # on the version just read
    assert settings.get_company(db).address == "東京都千代田区丸の内1-1"


def test_transfer_accounts_saved_over_another_managers_list_are_refused_and_reloaded(db, ctx, boss, qtbot, shown):
    page = shown_settings_page(ctx, qtbot)
    tab = page.bank_tab
    with clock.frozen(CHANGED_AT):
        settings.save_bank_accounts(db, boss, [ACCOUNT], expected_versions={})
    tab.add_row()
    number = tab.model.column_of("account_number")
    for field, value in dataclasses.asdict(dataclasses.replace(ACCOUNT, account_number="7654321")).items():
        tab.model.setData(tab.model.index(0, tab.model.column_of(field)), value)
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        tab.save()
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("振込先口座", "社長 一郎")
    assert tab.model.index(0, number).data() == "7654321"
    shown.reload_latest()
    assert [r.account_number for r in tab.model.records] == ["1234567"] and not tab.dirty


def test_a_plan_changed_in_between_is_refused_in_its_dialog_and_reloaded(db, ctx, boss, office, qtbot, shown):
    page = shown_settings_page(ctx, qtbot)
    tab = page.plans_tab
    page.tabs.setCurrentWidget(tab)
    tab.profile_combo.setCurrentIndex(tab.profile_combo.findData("simpleconnect"))
    row = next(r for r, p in enumerate(tab.plan_model.records) if p.id == office["sc"])
    dialog = tab.edit(False, row)
    with clock.frozen(CHANGED_AT):
        current = settings.get_plan(db, office["sc"])
        settings.save_plan(db, boss, office["sc"], dataclasses.replace(current.details, monthly_fee=3280),
                           expected_version=current.row_version)
    dialog.name.setText("ベーシック（改定）")
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        dialog.save()
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("このプラン", "社長 一郎")
    assert dialog.isVisible() and dialog.name.text() == "ベーシック（改定）"
    shown.reload_latest()
    assert dialog.name.text() == "ベーシック" and dialog.monthly_fee.value() == 3280
    assert tab.plan_model.records[row].details.monthly_fee == 3280  # the list behind follows


def test_an_account_changed_in_between_is_refused_in_the_staff_tab_and_reloaded(db, ctx, boss, clerk, qtbot, shown):
    page = shown_settings_page(ctx, qtbot, 640)
    tab = page.staff_tab
    page.tabs.setCurrentWidget(tab)
    tab.confirm = lambda _title, _text: True
    tab.select("jimu")
    with clock.frozen(CHANGED_AT):
        jimu = next(s for s in staff.list_staff(db) if s.login == "jimu")
        staff.reset_password(db, boss, jimu.id, expected_version=jimu.row_version)
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        tab.role_button.click()  # 管理者にする, on the list read before the reset
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("この担当者", "社長 一郎")
    assert next(s for s in staff.list_staff(db) if s.login == "jimu").role == "clerk"
    shown.reload_latest()
    assert tab.selected().login == "jimu" and tab.selected().must_change_password
    tab.role_button.click()
    assert next(s for s in staff.list_staff(db) if s.login == "jimu").role == "manager"


# -- the application window ------------------------------------------------------------------------------
def test_a_screening_answer_on_a_stale_checklist_is_refused_and_reloading_shows_the_other_answer(
        db, clerk_ctx, manager, office, qtbot, shown):
    detail = screened_clear(db, clerk_ctx.actor, sc_input(office))
    dialog = open_application_dialog(clerk_ctx, qtbot, detail)
    with clock.frozen(CHANGED_AT):
        apps.answer_screening_item(db, manager, detail.id, "3", "hit", "管理者が確認", expected_version=detail.row_version)
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        dialog.answer("2", "hit", "古い画面から")
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("この申込", "管理 花子")
    assert dialog.screening.model.item("3").answer == "clear"  # still the screen as it was
    shown.reload_latest()
    assert dialog.screening.model.item("3").answer == "hit" and dialog.screening.model.item("2").answer == "clear"
    assert dialog.detail.row_version == apps.get_application(db, detail.id).row_version


def test_approving_on_a_stale_screen_is_refused_and_reloading_closes_the_dialog(db, ctx, clerk, office, qtbot, shown):
    detail = screened_clear(db, clerk, sc_input(office))
    window = open_application_dialog(ctx, qtbot, detail)
    opened: list[ApproveDialog] = []
    window.dialog_opened.connect(opened.append)
    window.approve()
    [approve] = opened
    with clock.frozen(CHANGED_AT):
        apps.answer_screening_item(db, clerk, detail.id, "1", "hit", "後から判明", expected_version=detail.row_version)
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=3)):
        approve.approve()
    [(refusal, _reload)] = shown.stale_edits
    assert str(refusal) == named("この申込", "事務 太郎")
    assert apps.get_application(db, detail.id).status == "screening"  # nothing decided
    assert approve.isVisible()  # 閉じる would keep the dialog
    shown.reload_latest()
    assert not approve.isVisible()
    assert window.screening.model.item("1").answer == "hit"  # the manager now sees the hit

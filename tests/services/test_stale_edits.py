"""A stale edit is refused, naming who changed the record and when, and writes nothing (probe
finding P1.8: ``update_customer(expected_version=None)`` lost updates).

Every update service takes the version its screen showed as a required keyword: a save with
an older one is a ConcurrentEdit whose message names the last change in the audit log (who,
and when in Japan time), every table is row for row as it was, and a call without the
version is a TypeError. Two sessions that read the same version and both save: one wins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Base, StaffUser
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.services import applications as apps
from reseller_desk.services import auth, customers, settings, staff
from reseller_desk.services.auth import AuthenticationFailed
from reseller_desk.services.errors import ConcurrentEdit
from reseller_desk.services.permissions import Actor

from ..processes import race
from .builders import MIRAI, YAMADA, sc_input, screened_clear, sh_input

#: 12月1日 14:05, Japan time: when the other member of staff saved (the clock is frozen there).
CHANGED_AT = dt.datetime(2026, 12, 1, 14, 5)
RELOAD = "画面を読み込み直してから、もう一度保存してください（何も保存していません）。"
ACCOUNT = BankAccountDetails("0005", "", "331", "", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ")
PLAN = PlanDetails("simpleconnect", "SC-BASIC", "ベーシック", 2980, 5000)
OPTION = PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 1000)


def snapshot(db: Database) -> dict[str, list[Any]]:
    """Every row of every table, in primary-key order (both engines)."""
    with db.engine.connect() as conn:
        return {t.name: conn.execute(select(t).order_by(*t.primary_key.columns)).all()
                for t in Base.metadata.sorted_tables}


@dataclass
class Office:
    db: Database
    manager: Actor  # 管理 花子
    clerk: Actor    # 事務 太郎
    boss: Actor     # 社長 一郎, a second manager
    plans: dict[str, int]


@pytest.fixture
def office(db, manager, clerk) -> Office:
    with db.transaction() as session:
        user = StaffUser(login="boss", display_name="社長 一郎", role="manager")
        session.add(user)
        session.flush()
        boss = auth.actor_of(user)
    settings.save_company(db, manager, CompanyDetails(name="株式会社みらいテレコム", address="東京都千代田区内神田2丁目5番3号"),
                          expected_version=settings.NO_COMPANY_ROW)
    plans = {"sc": settings.save_plan(db, manager, None, PLAN, expected_version=None).id,
             "sh": settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12),
                                      expected_version=None).id,
             "sc_rec": settings.save_option(db, manager, None, OPTION, expected_version=None).id}
    return Office(db, manager, clerk, boss, plans)


@dataclass(frozen=True)
class Case:
    """One update service: ``shown`` makes the record and returns what the screen shows (with
    its version); ``other`` is the change another member of staff saves meanwhile (their name
    is ``by``); ``stale`` saves from the screen, given the version it showed."""

    what: str
    by: str
    shown: Callable[[Office], Any]
    other: Callable[[Office, Any], object]
    stale: Callable[[Office, Any, object], object]


def _app(office: Office, *, sh: bool = False) -> apps.ApplicationDetail:
    inp = sh_input(office.plans) if sh else sc_input(office.plans)
    return apps.create_application(office.db, office.clerk, inp)


def _screened(office: Office) -> apps.ApplicationDetail:
    return screened_clear(office.db, office.clerk, _app(office).id)


def _with_a_hit(office: Office) -> apps.ApplicationDetail:
    shown = _screened(office)
    return apps.answer_screening_item(office.db, office.clerk, shown.id, "1", "hit", "前歴",
                                      expected_version=shown.row_version)


def _manager_edits(office: Office, shown: apps.ApplicationDetail) -> object:
    """The manager changes the application's notes meanwhile."""
    return apps.update_application(office.db, office.manager, shown.id, sc_input(office.plans, notes="管理者が追記"),
                                   expected_version=shown.row_version)


def _clerk_answers(office: Office, shown: apps.ApplicationDetail) -> object:
    """The clerk answers a line again meanwhile (after the manager's screen was read)."""
    return apps.answer_screening_item(office.db, office.clerk, shown.id, "2", "clear", "再確認",
                                      expected_version=shown.row_version)


def _clerk(office: Office) -> staff.StaffInfo:
    return next(s for s in staff.list_staff(office.db) if s.login == "jimu")


CASES = {
    "update_customer": Case(
        "この顧客", "管理 花子",
        lambda o: customers.add_customer(o.db, o.clerk, YAMADA),
        lambda o, shown: customers.update_customer(o.db, o.manager, shown.id, dataclasses.replace(
            shown.draft, notes="管理者が追記"), expected_version=shown.row_version),
        lambda o, shown, version: customers.update_customer(o.db, o.clerk, shown.id, dataclasses.replace(
            shown.draft, phone="090-9999-8888"), expected_version=version)),
    "update_application": Case(
        "この申込", "管理 花子", _app, _manager_edits,
        lambda o, shown, version: apps.update_application(o.db, o.clerk, shown.id, sc_input(o.plans, lines=3),
                                                          expected_version=version)),
    "start_screening": Case(
        "この申込", "管理 花子", _app, _manager_edits,
        lambda o, shown, version: apps.start_screening(o.db, o.clerk, shown.id, expected_version=version)),
    "answer_screening_item": Case(
        "この申込", "管理 花子", _screened,
        lambda o, shown: apps.answer_screening_item(o.db, o.manager, shown.id, "3", "hit", "管理者の判断",
                                                    expected_version=shown.row_version),
        lambda o, shown, version: apps.answer_screening_item(o.db, o.clerk, shown.id, "3", "clear", "古い画面",
                                                             expected_version=version)),
    "approve_application": Case(
        "この申込", "事務 太郎", _screened, _clerk_answers,
        lambda o, shown, version: apps.approve_application(o.db, o.manager, shown.id, expected_version=version)),
    "refuse_application": Case(
        "この申込", "事務 太郎", _with_a_hit, _clerk_answers,
        lambda o, shown, version: apps.refuse_application(o.db, o.manager, shown.id, "前歴あり",
                                                          expected_version=version)),
    "withdraw_application": Case(
        "この申込", "管理 花子", _app, _manager_edits,
        lambda o, shown, version: apps.withdraw_application(o.db, o.clerk, shown.id, expected_version=version)),
    "record_identity_letter": Case(
        "この申込", "管理 花子", lambda o: _app(o, sh=True),
        lambda o, shown: apps.update_application(o.db, o.manager, shown.id, sh_input(o.plans, notes="管理者が追記"),
                                                 expected_version=shown.row_version),
        lambda o, shown, version: apps.record_identity_letter(o.db, o.clerk, shown.id, "sent",
                                                              expected_version=version)),
    "save_company": Case(
        "会社情報", "社長 一郎", lambda o: settings.get_company_record(o.db),
        lambda o, shown: settings.save_company(o.db, o.boss, dataclasses.replace(shown.details, phone="03-5289-7410"),
                                               expected_version=shown.row_version),
        lambda o, shown, version: settings.save_company(o.db, o.manager, dataclasses.replace(
            shown.details, name="株式会社みらいテレコム東京"), expected_version=version)),
    "save_bank_accounts": Case(
        "振込先口座", "社長 一郎",
        lambda o: settings.save_bank_accounts(o.db, o.manager, [ACCOUNT], expected_versions={}),
        lambda o, shown: settings.save_bank_accounts(o.db, o.boss, [dataclasses.replace(ACCOUNT, account_number="7654321")],
                                                     expected_versions=settings.account_versions(shown)),
        lambda o, shown, versions: settings.save_bank_accounts(o.db, o.manager, [ACCOUNT, dataclasses.replace(
            ACCOUNT, account_number="1111111")], expected_versions=versions)),
    "save_plan": Case(
        "このプラン", "社長 一郎", lambda o: settings.get_plan(o.db, o.plans["sc"]),
        lambda o, shown: settings.save_plan(o.db, o.boss, shown.id, dataclasses.replace(PLAN, monthly_fee=3280),
                                            expected_version=shown.row_version),
        lambda o, shown, version: settings.save_plan(o.db, o.manager, shown.id, dataclasses.replace(PLAN, name="基本"),
                                                     expected_version=version)),
    "save_option": Case(
        "このオプション", "社長 一郎", lambda o: settings.get_option(o.db, o.plans["sc_rec"]),
        lambda o, shown: settings.save_option(o.db, o.boss, shown.id, dataclasses.replace(OPTION, monthly_fee=600),
                                              expected_version=shown.row_version),
        lambda o, shown, version: settings.save_option(o.db, o.manager, shown.id, dataclasses.replace(
            OPTION, active=False), expected_version=version)),
    "change_role": Case(
        "この担当者", "社長 一郎", _clerk,
        lambda o, shown: staff.reset_password(o.db, o.boss, shown.id, expected_version=shown.row_version),
        lambda o, shown, version: staff.change_role(o.db, o.manager, shown.id, "manager", expected_version=version)),
    "set_active": Case(
        "この担当者", "社長 一郎", _clerk,
        lambda o, shown: staff.change_role(o.db, o.boss, shown.id, "manager", expected_version=shown.row_version),
        lambda o, shown, version: staff.set_active(o.db, o.manager, shown.id, False, expected_version=version)),
    "reset_password": Case(
        "この担当者", "社長 一郎", _clerk,
        lambda o, shown: staff.set_active(o.db, o.boss, shown.id, False, expected_version=shown.row_version),
        lambda o, shown, version: staff.reset_password(o.db, o.manager, shown.id, expected_version=version)),
}


def version_shown(shown: Any) -> object:
    """The version a screen keeps of what it shows: a record's row_version, or for the transfer
    accounts (one list) the version of every account."""
    if isinstance(shown, list):
        return settings.account_versions(shown)
    return shown.row_version


@pytest.mark.parametrize("service", sorted(CASES))
def test_a_save_from_a_stale_screen_names_who_changed_it_and_when_and_writes_nothing(office, service):
    case = CASES[service]
    with clock.frozen(CHANGED_AT - dt.timedelta(hours=1)):
        shown = case.shown(office)
    with clock.frozen(CHANGED_AT):
        case.other(office, shown)
    before = snapshot(office.db)
    with clock.frozen(CHANGED_AT + dt.timedelta(minutes=20)), pytest.raises(ConcurrentEdit) as refused:
        case.stale(office, shown, version_shown(shown))
    assert str(refused.value) == f"{case.what}は 12月1日 14:05 に {case.by} さんが変更しています。{RELOAD}"
    assert refused.value.changed_by == case.by
    assert refused.value.changed_at == clock.to_japan_time(CHANGED_AT.replace(tzinfo=clock.JST))
    assert snapshot(office.db) == before


@pytest.mark.parametrize("service", sorted(CASES))
def test_the_version_the_screen_showed_is_a_required_argument(office, service):
    """Leaving the version out is a programming error, caught before anything is read."""
    case = CASES[service]
    shown = case.shown(office)
    before = snapshot(office.db)

    def without_version(*args: object, **kwargs: object) -> object:
        kwargs.pop("expected_version", None)
        kwargs.pop("expected_versions", None)
        return original(*args, **kwargs)

    module = {"update_customer": customers, "save_company": settings, "save_bank_accounts": settings,
              "save_plan": settings, "save_option": settings, "change_role": staff, "set_active": staff,
              "reset_password": staff}.get(service, apps)
    original = getattr(module, service)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, service, without_version)
        with pytest.raises(TypeError, match="expected_version"):
            case.stale(office, shown, version_shown(shown))
    assert snapshot(office.db) == before


def test_a_save_with_the_version_shown_is_taken_and_moves_the_version_on(office):
    shown = customers.add_customer(office.db, office.clerk, MIRAI)
    saved = customers.update_customer(office.db, office.clerk, shown.id, dataclasses.replace(shown.draft, notes="追記"),
                                      expected_version=shown.row_version)
    assert saved.row_version == shown.row_version + 1 and saved.draft.notes == "追記"


@pytest.mark.parametrize("version", [None, True, "1", 1.0, -1, 0])
def test_a_value_that_is_no_version_of_the_row_matches_none(office, version):
    shown = customers.add_customer(office.db, office.clerk, MIRAI)
    before = snapshot(office.db)
    with pytest.raises(ConcurrentEdit, match="この顧客は .* に 事務 太郎 さんが変更しています"):
        customers.update_customer(office.db, office.clerk, shown.id, dataclasses.replace(shown.draft, notes="追記"),
                                  expected_version=version)  # type: ignore[arg-type]
    assert snapshot(office.db) == before


def test_without_an_audit_record_the_refusal_still_says_what_to_do(office):
    with office.db.transaction() as session:
        from reseller_desk.db.models import AuditEntry

        session.query(AuditEntry).delete()  # a record the log says nothing about
    shown = settings.get_plan(office.db, office.plans["sc"])
    with pytest.raises(ConcurrentEdit) as refused:
        settings.save_plan(office.db, office.manager, shown.id, PLAN, expected_version=shown.row_version + 1)
    assert str(refused.value) == f"このプランは、画面を開いた後にほかの担当者が変更しています。{RELOAD}"
    assert refused.value.changed_by is None and refused.value.changed_at is None


def test_a_failed_log_in_does_not_make_the_staff_tab_stale(office):
    """The log-in's own bookkeeping (failures in a row) is no change of the account."""
    member = staff.add_staff(office.db, office.manager, "suzuki", "鈴木 花子", "clerk", "correct-horse")
    with pytest.raises(AuthenticationFailed):
        auth.login(office.db, "suzuki", "wrong-horse")
    auth.login(office.db, "suzuki", "correct-horse")
    changed = staff.change_role(office.db, office.manager, member.id, "manager", expected_version=member.row_version)
    assert changed.role == "manager" and changed.row_version == member.row_version + 1


def test_a_removed_and_re_added_transfer_account_is_a_change_of_the_list(office):
    first = settings.save_bank_accounts(office.db, office.manager, [ACCOUNT], expected_versions={})
    shown = settings.account_versions(first)
    settings.save_bank_accounts(office.db, office.boss, [], expected_versions=shown)
    again = settings.save_bank_accounts(office.db, office.boss, [ACCOUNT], expected_versions={})
    assert again[0].details == first[0].details and again[0].id != first[0].id
    with pytest.raises(ConcurrentEdit, match="振込先口座は .* に 社長 一郎 さんが変更しています"):
        settings.save_bank_accounts(office.db, office.manager, [dataclasses.replace(ACCOUNT, account_number="7777777")],
                                    expected_versions=shown)


# -- P1.8: two sessions, one version ------------------------------------------------------------------
def _save_with_the_version_read(url: str, worker: int, barrier, results) -> None:
    """Read the customer, wait for the other session to have read it too, then save with the
    version read; report whether the save was taken."""
    from reseller_desk.services.errors import ConcurrentEdit

    db = Database.open(url)
    try:
        with db.transaction() as session:
            actor = auth.actor_of(session.scalars(select(StaffUser).where(StaffUser.login == "jimu")).one())
        record = customers.get_customer(db, 1)
        barrier.wait(timeout=120)
        try:
            customers.update_customer(db, actor, 1, dataclasses.replace(record.draft, notes=f"session {worker}"),
                                      expected_version=record.row_version)
            results.put(("saved", worker))
        except ConcurrentEdit as refused:
            results.put(("refused", str(refused)))
    finally:
        db.dispose()


def test_two_sessions_saving_the_version_they_both_read_one_wins_and_nothing_is_lost(db, clerk):
    customer = customers.add_customer(db, clerk, YAMADA)
    assert customer.id == 1
    outcomes = sorted(race(_save_with_the_version_read, lambda n: (db.url, n), 2))
    [(refused, message), (saved, winner)] = outcomes
    assert (refused, saved) == ("refused", "saved")
    assert message.startswith("この顧客は ") and "に 事務 太郎 さんが変更しています。" in message
    stored = customers.get_customer(db, 1)
    assert stored.draft.notes == f"session {winner}" and stored.row_version == customer.row_version + 1

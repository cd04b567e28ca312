"""Changing an application that has moved on: a screen showing an older version, another
clerk's save landing between this one's read and write, and every use case refused on an
application already decided (承諾, 不承諾, 取下げ, 承諾取消). Nothing is written when refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from reseller_desk.db.models import Application, AuditEntry, Contract, Customer
from reseller_desk.domain.application import ApplicationStatus, ScreeningAnswer
from reseller_desk.services import applications as apps
from reseller_desk.services.errors import ConcurrentEdit, ServiceError
from tests.versions import application_now

from .builders import TODAY, sc_input, screened_clear, sh_input

#: A stale change is refused naming who changed the application and when (services.versions).
STALE_SCREEN = ("この申込は [0-9]+月[0-9]+日 [0-9:]+ に 事務 太郎 さんが変更しています。"
                "画面を読み込み直してから、もう一度保存してください（何も保存していません）。")
#: A save that lands between the read and the write: SQLAlchemy's own check, without a name.
CONCURRENT_EDIT = ("この申込は、画面を開いた後にほかの担当者が変更しています。"
                   "画面を読み込み直してから、もう一度保存してください（何も保存していません）。")


def audit_count(db) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@contextmanager
def another_clerk_saves_first(db, application_id: int) -> Iterator[None]:
    """Another clerk's save of the same application commits after the use case has read it
    and before it writes: its row_version moves on under it. (On PostgreSQL's READ COMMITTED
    this is what two offices see; SQLite serialises writers, so the test stands in for the
    other clerk by bumping the version on the use case's own connection, once, just before
    its first flush that changes the application.)"""
    done = False

    def before_flush(session: Session, _context, _instances) -> None:
        nonlocal done
        if not done and any(isinstance(o, Application) and o.id == application_id for o in session.dirty):
            done = True
            session.execute(text("UPDATE applications SET row_version = row_version + 1 WHERE id = :id"),
                            {"id": application_id})

    event.listen(Session, "before_flush", before_flush)
    try:
        yield
    finally:
        event.remove(Session, "before_flush", before_flush)
    assert done, "the use case never changed the application"


# -- a stale screen ----------------------------------------------------------------------------------
def test_a_stale_form_cannot_overwrite_another_clerks_save_of_the_application(db, clerk, office):
    opened = apps.create_application(db, clerk, sc_input(office), today=TODAY)
    apps.update_application(db, clerk, opened.id, sc_input(office, notes="先に保存"), today=TODAY,
                            expected_version=opened.row_version)
    with pytest.raises(ConcurrentEdit, match=STALE_SCREEN):
        apps.update_application(db, clerk, opened.id, sc_input(office, notes="後から保存"), today=TODAY,
                                expected_version=opened.row_version)
    assert apps.get_application(db, opened.id).input.draft.notes == "先に保存"


def test_a_checklist_answered_from_a_stale_screen_is_refused(db, clerk, office):
    taken_in = apps.create_application(db, clerk, sc_input(office), today=TODAY)
    shown = apps.start_screening(db, clerk, taken_in.id, expected_version=taken_in.row_version)
    apps.answer_screening_item(db, clerk, shown.id, "3", "clear", expected_version=shown.row_version)
    before = audit_count(db)
    with pytest.raises(ConcurrentEdit, match=STALE_SCREEN):
        apps.answer_screening_item(db, clerk, shown.id, "3", "hit", "古い画面から", expected_version=shown.row_version)
    line = next(i for i in apps.get_application(db, shown.id).checklist if i.code == "3")
    assert (line.answer, line.note) == (ScreeningAnswer.CLEAR, "")
    assert audit_count(db) == before


def test_an_answer_with_the_current_version_is_saved(db, clerk, office):
    taken_in = apps.create_application(db, clerk, sc_input(office), today=TODAY)
    shown = apps.start_screening(db, clerk, taken_in.id, expected_version=taken_in.row_version)
    answered = apps.answer_screening_item(db, clerk, shown.id, "3", "hit", "確認", expected_version=shown.row_version)
    assert next(i for i in answered.checklist if i.code == "3").answer is ScreeningAnswer.HIT
    assert answered.row_version == shown.row_version + 1


# -- a save landing in between -------------------------------------------------------------------------
def _open_sc(db, clerk, manager, office) -> int:
    return apps.create_application(db, clerk, sc_input(office), today=TODAY).id


def _screened_sc(db, clerk, manager, office) -> int:
    application_id = _open_sc(db, clerk, manager, office)
    screened_clear(db, clerk, application_id)
    return application_id


def _with_a_hit(db, clerk, manager, office) -> int:
    application_id = _open_sc(db, clerk, manager, office)
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk, application_id, "1", "hit", "資格取消の前歴",
                               expected_version=application_now(db, application_id))
    return application_id


def _sh(db, clerk, manager, office) -> int:
    return apps.create_application(db, clerk, sh_input(office), today=TODAY).id


#: Every use case that changes an application, called as a clerk (a manager decides).
CALLS: dict[str, Callable[..., object]] = {
    "update": lambda db, clerk, manager, office, i: apps.update_application(
        db, clerk, i, sc_input(office, lines=5), expected_version=application_now(db, i), today=TODAY),
    "start_screening": lambda db, clerk, manager, office, i: apps.start_screening(db, clerk, i,
                                                                                  expected_version=application_now(db, i)),
    "answer": lambda db, clerk, manager, office, i: apps.answer_screening_item(db, clerk, i, "3", "hit", "後から",
                                                                               expected_version=application_now(db, i)),
    "approve": lambda db, clerk, manager, office, i: apps.approve_application(db, manager, i,
                                                                              expected_version=application_now(db, i), today=TODAY),
    "refuse": lambda db, clerk, manager, office, i: apps.refuse_application(
        db, manager, i, "資格取消の前歴", expected_version=application_now(db, i), today=TODAY),
    "withdraw": lambda db, clerk, manager, office, i: apps.withdraw_application(db, clerk, i,
                                                                                expected_version=application_now(db, i), today=TODAY),
    "identity_letter": lambda db, clerk, manager, office, i: apps.record_identity_letter(
        db, clerk, i, "sent", expected_version=application_now(db, i), on=TODAY, today=TODAY),
}

#: What each use case needs before it can run.
PREPARED: dict[str, Callable[..., int]] = {
    "update": _open_sc, "start_screening": _open_sc, "answer": _screened_sc, "approve": _screened_sc,
    "refuse": _with_a_hit, "withdraw": _open_sc, "identity_letter": _sh,
}


@pytest.mark.parametrize("use_case", list(CALLS))
def test_a_save_landing_between_read_and_write_is_a_concurrent_edit_and_nothing_is_written(
        db, clerk, manager, office, use_case):
    application_id = PREPARED[use_case](db, clerk, manager, office)
    before = apps.get_application(db, application_id)
    audits = audit_count(db)
    with another_clerk_saves_first(db, application_id), pytest.raises(ConcurrentEdit, match=CONCURRENT_EDIT):
        CALLS[use_case](db, clerk, manager, office, application_id)
    after = apps.get_application(db, application_id)
    assert dataclass_without_version(after) == dataclass_without_version(before)
    assert audit_count(db) == audits
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Contract)) == 0
        assert session.scalar(select(func.count()).select_from(Customer)) == 0


def dataclass_without_version(detail: apps.ApplicationDetail) -> tuple:
    return (detail.status, detail.input, detail.checklist, detail.decided_on, detail.cancelled_on,
            detail.identity_letter_status, detail.contract, detail.notices)


# -- decided applications --------------------------------------------------------------------------------
def _approved(db, clerk, manager, office) -> int:
    application_id = _screened_sc(db, clerk, manager, office)
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    return application_id


def _refused(db, clerk, manager, office) -> int:
    application_id = _with_a_hit(db, clerk, manager, office)
    apps.refuse_application(db, manager, application_id, "資格取消の前歴", expected_version=application_now(db, application_id),
                            today=TODAY)
    return application_id


def _withdrawn(db, clerk, manager, office) -> int:
    application_id = _open_sc(db, clerk, manager, office)
    apps.withdraw_application(db, clerk, application_id, expected_version=application_now(db, application_id),
                              today=TODAY)
    return application_id


def _revoked(db, clerk, manager, office) -> int:
    application_id = _sh(db, clerk, manager, office)
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id),
                                on=dt.date(2026, 11, 17), today=TODAY)
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id), on=TODAY,
                                today=TODAY)
    return application_id


DECIDED = {ApplicationStatus.APPROVED: _approved, ApplicationStatus.REFUSED: _refused,
           ApplicationStatus.WITHDRAWN: _withdrawn, ApplicationStatus.REVOKED: _revoked}

#: How the refusal on a decided application names each use case.
ACTIONS = {"update": "変更", "start_screening": "審査", "answer": "審査項目を記入", "withdraw": "取り下げ",
           "approve": "承諾", "refuse": "不承諾に"}


@pytest.mark.parametrize("status", list(DECIDED))
@pytest.mark.parametrize("use_case", list(ACTIONS))
def test_nothing_happens_to_an_application_once_decided(db, clerk, manager, office, status, use_case):
    application_id = DECIDED[status](db, clerk, manager, office)
    before = apps.get_application(db, application_id)
    assert before.status is status
    audits = audit_count(db)
    with pytest.raises(ServiceError) as error:
        CALLS[use_case](db, clerk, manager, office, application_id)
    assert str(error.value) == f"申込 {before.number} は「{status.label}」のため、{ACTIONS[use_case]}できません。"
    assert apps.get_application(db, application_id) == before
    assert audit_count(db) == audits

"""The 申込 list model without a window: the service's order, the filters, the waiting days."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt

from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry
from reseller_desk.services import applications as apps
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.ui.application_model import (
    APPLICATION_ID_ROLE,
    CHANNEL_FILTERS,
    COL_APPLICANT,
    COL_CHANNEL,
    COL_DAYS,
    COL_HANDLER,
    COL_NUMBER,
    COL_PLAN,
    COL_PROFILE,
    COL_RECEIVED,
    COL_STATUS,
    COLUMNS,
    STATUS_FILTERS,
    ApplicationTableModel,
)
from tests.versions import application_now

from .helpers import SAMPLE_CUSTOMERS, set_up_office

TODAY = dt.date(2026, 11, 20)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@pytest.fixture
def book(db, clerk, manager):
    """Four applications: received 10, 6, 3 and 1 days ago; the oldest is refused."""
    office = set_up_office(db, manager)
    ids = {}
    for name, days, channel, applicant in (("refused", 10, "fax", SAMPLE_CUSTOMERS[2]),
                                           ("old", 6, "post", SAMPLE_CUSTOMERS[0]),
                                           ("middle", 3, "online", SAMPLE_CUSTOMERS[3]),
                                           ("new", 1, "post", SAMPLE_CUSTOMERS[1])):
        received = TODAY - dt.timedelta(days=days)
        papers = (DocumentEntry("application_form", received), DocumentEntry("identity", received, "passport", "12"))
        if applicant.kind == "corporate" and name != "new":  # the new one still lacks its 登記事項証明書
            papers += (DocumentEntry("registry", received),)
        draft = ApplicationDraft(channel, received, "sokujitsu" if name == "refused" else "simpleconnect",
                                 office["sh"] if name == "refused" else office["sc"], documents=papers)
        ids[name] = apps.create_application(db, clerk, ApplicationInput(draft, applicant=applicant), today=TODAY).id
    apps.start_screening(db, clerk, ids["refused"], expected_version=application_now(db, ids["refused"]))
    apps.answer_screening_item(db, clerk, ids["refused"], "1", "hit", "滞納の申告", expected_version=application_now(db, ids["refused"]))
    apps.refuse_application(db, manager, ids["refused"], "滞納の申告あり", expected_version=application_now(db, ids["refused"]),
                            decided_on=TODAY, today=TODAY)
    return ids


def model_for(db) -> ApplicationTableModel:
    return ApplicationTableModel(fetch=lambda statuses, channels: apps.list_applications(
        db, statuses=statuses or None, channels=channels or None, today=TODAY))


def column(model: ApplicationTableModel, col: int) -> list[str]:
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_open_applications_first_the_longest_waiting_at_the_top(db, book):
    model = model_for(db)
    assert model.rowCount() == 4 and model.columnCount() == len(COLUMNS)
    assert [model.index(r, 0).data(APPLICATION_ID_ROLE) for r in range(4)] == [book["old"], book["middle"], book["new"],
                                                                              book["refused"]]
    assert column(model, COL_DAYS) == ["6日", "3日", "1日", ""]  # nothing for a decided one
    assert column(model, COL_STATUS) == ["受付", "受付", "書類待ち", "不承諾"]
    assert column(model, COL_CHANNEL) == ["郵送", "オンライン", "郵送", "FAX"]
    assert column(model, COL_RECEIVED)[0] == "2026-11-14"
    assert column(model, COL_APPLICANT)[0] == "株式会社テスト商事"
    assert column(model, COL_PROFILE)[0] == apps.get_application(db, book["old"]).profile_name
    assert column(model, COL_PLAN) == ["ベーシック", "ベーシック", "ベーシック", "ライト"]
    assert column(model, COL_HANDLER) == ["事務 太郎"] * 4
    assert column(model, COL_NUMBER)[0].startswith("A-2026-")


def test_days_waiting_are_right_aligned(db, book):
    model = model_for(db)
    assert model.index(0, COL_DAYS).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.headerData(COL_DAYS, Qt.Orientation.Horizontal, Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.headerData(COL_DAYS, Qt.Orientation.Horizontal) == "待ち日数"
    assert model.index(0, COL_APPLICANT).data(Qt.ItemDataRole.TextAlignmentRole) != RIGHT


def test_filters_by_status_and_channel(db, book):
    model = model_for(db)
    filters = dict(STATUS_FILTERS)
    channels = dict(CHANNEL_FILTERS)
    assert filters["すべて"] == () and channels["すべて"] == ()
    model.set_filters(filters["未決定（受付・書類待ち・審査中）"])
    assert model.total() == 3 and "不承諾" not in column(model, COL_STATUS)
    model.set_filters(filters["不承諾"])
    assert [r.id for r in model.rows()] == [book["refused"]]
    model.set_filters((), channels["郵送"])
    assert [r.id for r in model.rows()] == [book["old"], book["new"]]
    model.set_filters(filters["書類待ち"], channels["郵送"])
    assert [r.id for r in model.rows()] == [book["new"]]
    model.set_filters(filters["承諾"], channels["郵送"])
    assert model.rowCount() == 0
    model.set_filters()
    assert model.total() == 4


def test_a_refresh_shows_new_applications_and_the_count_follows(db, clerk, book, qtbot):
    model = model_for(db)
    totals = []
    model.total_changed.connect(totals.append)
    detail = apps.get_application(db, book["new"])
    inp = dataclasses.replace(detail.input, draft=dataclasses.replace(detail.input.draft, received_on=TODAY))
    apps.create_application(db, clerk, inp, today=TODAY)
    model.refresh()
    assert totals == [5] and model.row_of(book["refused"]) == 4
    assert model.application_id(99) is None and model.application_row(-1) is None

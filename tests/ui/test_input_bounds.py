"""The window offers only what the services accept (domain.bounds): a date field runs from
2000-01-01 to today (a closure day to two years ahead), so 9999-12-31 can no longer be chosen
(probe P3.3); a spin box stops at the amount, count or term the services take."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.services import customers
from reseller_desk.services import settings as settings_service
from reseller_desk.ui.application.documents import DocumentRow
from reseller_desk.ui.application.intake_form import IntakeForm
from reseller_desk.ui.incidents import IncidentsDialog
from reseller_desk.ui.settings.closures_tab import ClosuresTab
from reseller_desk.ui.settings.plan_dialog import PlanDialog
from reseller_desk.ui.widgets import date_edit, to_date, yen_spin_box

from .helpers import SAMPLE_CUSTOMERS

TODAY = dt.date(2026, 11, 20)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


@pytest.fixture(autouse=True)
def _frozen_today():
    with clock.frozen(TODAY):
        yield


def test_a_date_field_runs_from_2000_to_today_and_cannot_reach_9999(qtbot):
    edit = date_edit()
    qtbot.addWidget(edit)
    assert (edit.minimumDate(), edit.maximumDate()) == (qdate(bounds.EARLIEST_DATE), qdate(TODAY))
    edit.setDate(QDate(9999, 12, 31))
    assert to_date(edit) == TODAY
    edit.setDate(QDate(1900, 1, 1))
    assert to_date(edit) == bounds.EARLIEST_DATE
    assert bounds.recorded_date_problem(to_date(edit), TODAY, "受付日") is None


def test_a_date_field_of_a_schedule_runs_to_its_horizon(qtbot):
    edit = date_edit(window=bounds.closure_window(TODAY))
    qtbot.addWidget(edit)
    assert edit.maximumDate() == qdate(dt.date(2028, 11, 20))
    edit.setDate(QDate(9999, 12, 31))
    assert bounds.closure_date_problem(to_date(edit), TODAY) is None


def test_the_date_fields_of_the_forms_offer_only_days_that_happened(ctx, qtbot, db, manager):
    customer = customers.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    form, row, incidents = IntakeForm(ctx), DocumentRow(), IncidentsDialog(ctx, customer.id, customer.draft.name)
    for widget in (form, row, incidents):
        qtbot.addWidget(widget)
    for edit in (form.received_on, row.received_on, incidents.occurred_on):
        assert (edit.minimumDate(), edit.maximumDate()) == (qdate(bounds.EARLIEST_DATE), qdate(TODAY))


def test_the_closure_day_field_and_the_year_end_year_offer_only_what_the_service_takes(ctx, qtbot):
    tab = ClosuresTab(ctx, today=TODAY)
    qtbot.addWidget(tab)
    _earliest, horizon = bounds.closure_window(TODAY)
    assert tab.date_edit.maximumDate() == qdate(horizon)
    assert (tab.year_spin.minimum(), tab.year_spin.maximum()) == (2000, 2027)
    for year in (tab.year_spin.minimum(), tab.year_spin.maximum()):
        assert all(bounds.closure_date_problem(day, TODAY) is None for day in year_end_closure_days(year))
    assert any(bounds.closure_date_problem(day, TODAY) for day in year_end_closure_days(tab.year_spin.maximum() + 1))


def test_money_count_and_term_spin_boxes_stop_where_the_services_do(ctx, qtbot):
    box = yen_spin_box()
    qtbot.addWidget(box)
    box.setValue(100_000_000)
    assert box.value() == bounds.MAX_FEE
    dialog = PlanDialog(ctx, settings_service.list_profiles()[0])
    qtbot.addWidget(dialog)
    for spin in (dialog.monthly_fee, dialog.initial_fee, dialog.early_termination_fee):
        assert spin.maximum() == bounds.MAX_FEE
    assert (dialog.minimum_term.minimum(), dialog.minimum_term.maximum()) == (0, bounds.MAX_MINIMUM_TERM_MONTHS)
    form = IntakeForm(ctx)
    qtbot.addWidget(form)
    assert (form.lines_spin.minimum(), form.lines_spin.maximum()) == (bounds.MIN_LINES, bounds.MAX_LINES)


def test_an_incident_amount_stops_at_its_bound(ctx, qtbot, db, manager):
    customer = customers.add_customer(db, manager, SAMPLE_CUSTOMERS[0])
    dialog = IncidentsDialog(ctx, customer.id)
    qtbot.addWidget(dialog)
    assert dialog.amount.maximum() == bounds.MAX_INCIDENT_AMOUNT

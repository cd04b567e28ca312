"""請求の設定: the direct-debit collection day (SC §10.1), the invoice's issue day (SC §10.2) and
the tax category of the 契約解除料 (terms-rules.md §4 decision), kept on the company settings
row beside the 会社情報, and the dates they give for a month (the 請求 tab's preview line).

Their bounds come from the terms profiles shipped (domain.terms ScheduleTerms): a collection
day every profile allows (SC: the 25th to the last day of M+1, 31 meaning the last day) and an
issue day no later than every profile's deadline (SC §10.2: by the 15th). The row's version is
the company row's (services.settings.save_company): a save of either tab makes the other's
screen stale, and each refusal names the latest audited change of the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings
from reseller_desk.domain import billing
from reseller_desk.domain.bounds import is_date, whole_number
from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.contract_history import first_of_month
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.terms import TermsProfile, available_profiles, load_profile
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried
from reseller_desk.services.settings import COMPANY_ROW_ID, NO_COMPANY_ROW, company_calendar

__all__ = [
    "BillingDates", "BillingSettings", "DEFAULTS", "billing_dates", "billing_settings", "collection_day_range",
    "invoice_issue_day_max", "next_collection_date", "save_billing_settings",
]

#: A stale save of this tab: the audit records of the company row (either tab's) name who.
BILLING = versions.Versioned("請求の設定", "company")


@dataclass(frozen=True)
class BillingSettings:
    """``invoice_issue_day`` None: the first company business day of M+1. ``version``: the
    company row's (:data:`~reseller_desk.services.settings.NO_COMPANY_ROW` before any save)."""

    collection_day: int
    invoice_issue_day: int | None
    early_termination_tax: TaxCategory
    version: int
    #: 遅延損害金を月末にも計上する (SC §14, SH §30; services.payments.interest.assess_month_end).
    interest_at_month_end: bool = False


#: Before anything is saved: the columns' defaults (collection day 27, the first business day,
#: 契約解除料 不課税).
DEFAULTS = BillingSettings(27, None, TaxCategory.OUTSIDE, NO_COMPANY_ROW)


def _profiles() -> list[TermsProfile]:
    return [load_profile(key) for key in available_profiles()]


def collection_day_range() -> tuple[int, int]:
    """The collection days every profile allows (SC §10.1: 25 to 31, 31 the month's last day)."""
    schedules = [p.schedule for p in _profiles()]
    return max(s.debit_day_min for s in schedules), min(s.debit_day_max for s in schedules)


def invoice_issue_day_max() -> int:
    """The latest issue day every profile allows (SC §10.2: by the 15th of M+1)."""
    return min(p.schedule.invoice_issue_day for p in _profiles())


def _of(row: CompanySettings | None) -> BillingSettings:
    if row is None:
        return DEFAULTS
    return BillingSettings(row.collection_day, row.invoice_issue_day, row.early_termination_tax, row.row_version,
                           bool(row.interest_at_month_end))


def billing_settings(db: Database) -> BillingSettings:
    with db.transaction() as session:
        return _of(session.get(CompanySettings, COMPANY_ROW_ID))


def _problems(collection_day: object, invoice_issue_day: object, early_termination_tax: object) -> dict[str, str]:
    errors = {}
    low, high = collection_day_range()
    day = whole_number(collection_day)
    if day is None or not low <= day <= high:
        errors["collection_day"] = (f"口座振替日は{low}日〜{high}日から選んでください"
                                    f"（{high}日は月末日。休業日は翌営業日になります）。")
    latest = invoice_issue_day_max()
    issue = whole_number(invoice_issue_day)
    if invoice_issue_day is not None and (issue is None or not 1 <= issue <= latest):
        errors["invoice_issue_day"] = (f"請求書発行日は「初日の営業日」か、毎月1日〜{latest}日から選んでください"
                                       f"（請求書は翌月{latest}日までに発行します）。")
    if not (isinstance(early_termination_tax, str) and early_termination_tax in set(TaxCategory)):
        errors["early_termination_tax"] = "契約解除料の税区分を選んでください。"
    return errors


@retried
def save_billing_settings(db: Database, actor: Actor, *, collection_day: int, invoice_issue_day: int | None,
                          early_termination_tax: TaxCategory, expected_version: int,
                          interest_at_month_end: bool | None = None) -> BillingSettings:
    """Save the three settings (manager only); returns them with the row's new version.
    ``expected_version``: the version the tab showed; the row changed since (by this tab or the
    会社情報 tab) is a ConcurrentEdit naming who, and nothing is saved. Unchanged values write
    nothing. ``interest_at_month_end`` None: left as it is."""
    require_role(actor, Role.MANAGER, action="請求の設定の変更")
    errors = _problems(collection_day, invoice_issue_day, early_termination_tax)
    if interest_at_month_end is not None and not isinstance(interest_at_month_end, bool):
        errors["interest_at_month_end"] = "遅延損害金の月末計上は、する・しないのどちらかを選んでください。"
    if errors:
        raise ValidationFailed(errors)
    tax = TaxCategory(early_termination_tax)
    day = whole_number(collection_day)
    issue = None if invoice_issue_day is None else whole_number(invoice_issue_day)
    assert day is not None
    after = {"collection_day": day, "invoice_issue_day": issue, "early_termination_tax": tax.value}
    with versions.refusing_lost_updates(BILLING), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        current = _of(row)
        versions.check(session, BILLING, COMPANY_ROW_ID, current.version, expected_version)
        before = {"collection_day": current.collection_day, "invoice_issue_day": current.invoice_issue_day,
                  "early_termination_tax": current.early_termination_tax.value,
                  "interest_at_month_end": current.interest_at_month_end}
        after["interest_at_month_end"] = (current.interest_at_month_end if interest_at_month_end is None
                                          else interest_at_month_end)
        if before == after and row is not None:
            return current
        if row is None:
            row = CompanySettings(id=COMPANY_ROW_ID)
            session.add(row)
        row.collection_day = day
        row.invoice_issue_day = issue
        row.early_termination_tax = tax
        row.interest_at_month_end = bool(after["interest_at_month_end"])
        row.updated_by_id = actor.user_id
        session.flush()
        audit.record(session, actor, "billing_settings.update", "company", COMPANY_ROW_ID, before=before,
                     after=after, summary="請求の設定の変更")
        return _of(row)


@dataclass(frozen=True)
class BillingDates:
    """What the settings give for one service and usage month: the invoice's issue date and
    the due date of each payment method."""

    profile_name: str
    month: dt.date
    issue_date: dt.date
    debit_date: dt.date
    transfer_due_date: dt.date


def billing_dates(db: Database, *, collection_day: int, invoice_issue_day: int | None,
                  month: dt.date | None = None, today: dt.date | None = None) -> list[BillingDates]:
    """The dates these settings (saved or not) give for usage ``month`` (default: last month),
    per service, through domain.billing.issue_date / due_date with the office's calendar.
    Settings out of bounds are refused as the save refuses them."""
    errors = _problems(collection_day, invoice_issue_day, TaxCategory.OUTSIDE)
    if errors:
        raise ValidationFailed(errors)
    if month is None or not is_date(month):
        month = first_of_month(today if today is not None and is_date(today) else clock.today()) \
            - relativedelta(months=1)
    month = first_of_month(month)
    day = whole_number(collection_day)
    issue = None if invoice_issue_day is None else whole_number(invoice_issue_day)
    assert day is not None
    company, bank = company_calendar(db), BusinessCalendar.bank()
    return [BillingDates(p.name, month, billing.issue_date(p, company, month, issue),
                         billing.due_date(p, bank, month, PaymentMethod.DEBIT, day),
                         billing.due_date(p, bank, month, PaymentMethod.TRANSFER, day)) for p in _profiles()]


def next_collection_date(db: Database, today: dt.date | None = None) -> dt.date:
    """The next 口座振替 day on or after ``today`` (default: Japan's today) with the saved
    collection day: the earliest of the profiles' (domain.billing.next_debit_date, the bank
    calendar), the day the 口座振替 screen opens on."""
    day = today if today is not None and is_date(today) else clock.today()
    collection_day = billing_settings(db).collection_day
    bank = BusinessCalendar.bank()
    return min(billing.next_debit_date(p, bank, day, collection_day) for p in _profiles())

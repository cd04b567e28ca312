"""The bounds every value typed or imported must lie within, each a named constant with why,
and the checks that apply them: dates, whole numbers and amounts, and text lengths (probe M2,
M4, L3; docs/decisions.md, "Bounded input").

One rule per kind of value, so that the domain's checks, the services and the window's
widgets (date edits, spin boxes) use the same numbers. Messages are the Japanese a clerk reads
beside the field. Nothing here reads a clock: a check that compares with today is given it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reseller_desk.domain.calendar import japanese_date

# -- dates ------------------------------------------------------------------------------------
#: The earliest date any event may carry. The office's records begin long after it; the SC
#: profile's ``effective_from`` sentinel is this day; a 受付日 of 1900 opened a number series
#: A-1900-… (probe P3.3). An older date is a typo, not history.
EARLIEST_DATE = dt.date(2000, 1, 1)

#: How far ahead a closure day (休業日) may be entered: next year's 年末年始 and 夏季休業 are
#: planned a year or so ahead; a day in 9999 is a slip of the calendar (and crashed the date
#: widget at 9999-12-31, probe P3.3).
CLOSURE_HORIZON_YEARS = 2


def years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def recorded_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days an event that happened may carry (受付, 受領, 決定, 登録日, 開通日, 取下げ,
    本人確認郵便, 顧客の記録): from :data:`EARLIEST_DATE` to today."""
    return EARLIEST_DATE, today


def closure_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a closure day may be: from :data:`EARLIEST_DATE` (past closures still count in
    the business-day rules) to :data:`CLOSURE_HORIZON_YEARS` years from today."""
    return EARLIEST_DATE, years_after(today, CLOSURE_HORIZON_YEARS)


def is_date(value: object) -> bool:
    """A calendar date (a ``datetime`` is not one: it cannot be compared with a date)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def date_type_problem(value: object, label: str) -> str | None:
    if value is None:
        return f"{label}を入力してください。"
    if not is_date(value):
        return f"{label}は日付で入力してください（例: 2026-11-20）。"
    return None


def _window_problem(value: object, label: str, window: tuple[dt.date, dt.date], too_late: str) -> str | None:
    problem = date_type_problem(value, label)
    if problem:
        return problem
    assert isinstance(value, dt.date)
    earliest, latest = window
    if value < earliest:
        return f"{label}は{japanese_date(earliest)}以降の日付にしてください。"
    return too_late if value > latest else None


def recorded_date_problem(value: object, today: dt.date, label: str) -> str | None:
    """The one rule for the date of something that happened: a date, not before
    :data:`EARLIEST_DATE` and not after today (a notice dated next year must never be issued)."""
    return _window_problem(value, label, recorded_window(today),
                           f"{label}が未来の日付です（本日は{today.month}月{today.day}日）。")


def closure_date_problem(value: object, today: dt.date, label: str = "休業日") -> str | None:
    """The rule for a closure day: a date in :func:`closure_window`."""
    window = closure_window(today)
    return _window_problem(value, label, window,
                           f"{label}は{CLOSURE_HORIZON_YEARS}年先（{japanese_date(window[1])}）までの日付にしてください。")


# -- numbers ----------------------------------------------------------------------------------
#: The largest fee of a plan or option (月額料金, 初期費用, 契約解除料): below ¥10,000,000. The
#: office sells phone lines at a few thousand yen; seven figures still leave room for a large
#: account, and 999 lines × this fee stays far within what an invoice total (int yen) holds.
MAX_FEE = 9_999_999
#: 回線数 of one application: 1 to 999 (three digits on every form and notice).
MIN_LINES, MAX_LINES = 1, 999
#: 最低利用期間: 0 (none) to 120 months; the terms' longest period (SH §18) is 12 months, and
#: ten years is beyond any term the office sells.
MAX_MINIMUM_TERM_MONTHS = 120
#: Options on one application: each is a row of the acceptance notice's 記 table. Each service
#: sells a handful (three in the demo), so ten is generous, and ten options with names at
#: their longest keep the notice to two pages.
MAX_OPTIONS = 10
#: The amount of a customer record (未払い): below ¥1,000,000,000, so that it fits the INTEGER
#: column of every engine (PostgreSQL's is 32-bit) with room to add.
MAX_INCIDENT_AMOUNT = 999_999_999
#: The office's transfer accounts (振込先), each printed on every invoice: an office keeps two
#: or three.
MAX_TRANSFER_ACCOUNTS = 10
#: The largest id a row can have: SQLite's INTEGER is 64-bit. A larger one names nothing, and
#: SQLite cannot even bind it (OverflowError).
MAX_RECORD_ID = 2**63 - 1


def whole_number(value: object) -> int | None:
    """``value`` as an int when it is a whole number given as one (an int, or a Decimal
    without a fraction); None for a bool, a float, a fraction, a numeric string or anything
    else: money is int yen and a count is an int, never guessed from text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def number_problem(value: object, label: str, minimum: int, maximum: int, unit: str = "") -> str | None:
    """None when ``value`` is a whole number from ``minimum`` to ``maximum``, else why not."""
    number = whole_number(value)
    if number is None or not minimum <= number <= maximum:
        return f"{label}は{minimum:,}〜{maximum:,}{unit}の整数で入力してください。"
    return None


def yen_problem(value: object, label: str, maximum: int = MAX_FEE) -> str | None:
    """None when ``value`` is whole yen from 0 to ``maximum``, else why not."""
    return number_problem(value, label, 0, maximum, "円")


def is_record_id(value: object) -> bool:
    """Whether ``value`` can be the id of a row: a positive int no larger than
    :data:`MAX_RECORD_ID` (a bool is not an id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_RECORD_ID


# -- text -------------------------------------------------------------------------------------
# Lengths count code points, as VARCHAR(n) does. Each is at most its column; a field printed
# on a notice is shorter still, so that a notice with every field at its limit is laid out
# without fail (tests/services/test_printable_at_limits.py): the refusal and revocation
# notices on one page, the acceptance notice (one page in the ordinary case) on at most two.

#: Free text of several lines that is kept and never printed: 備考 of a customer, plan or
#: application, 社内メモ of a refusal, a checklist line's note, a customer record's note.
#: Two thousand characters is a full page of notes; the probe stored 10 MB (L3).
NOTE_MAX_LENGTH = 2000

#: The customer (and a new applicant). 名称, 住所 and the contact (担当者役職, 担当者名) are
#: printed in every notice's address block (92 mm wide, 10–12.5 pt: 名称 three lines at most,
#: 住所 four); 60 characters hold the longest 法人名 in use, 100 an address with its building
#: and floor. The other fields are not printed and keep their column's length.
CUSTOMER_MAX_LENGTHS: dict[str, int] = {
    "name": 60,
    "name_kana": 100,
    "representative_title": 50,
    "representative_name": 50,
    "contact_title": 30,
    "contact_name": 30,
    "address": 100,
    "email": 254,
    "notes": NOTE_MAX_LENGTH,
}

#: The office's own details, printed in the sender block of every notice (72 mm wide at
#: 9.5–11 pt, beside the address block) and on invoices: 会社名 three lines at most, 住所 four
#: or five, the representative two. The columns are longer (100, 200, 100, 254): at those
#: lengths an 800-character name made an issued notice unprintable (probe P5.2). Phone, fax,
#: postal code and 登録番号 are checked for their format, which bounds them.
COMPANY_MAX_LENGTHS: dict[str, int] = {
    "name": 50,
    "address": 80,
    "representative": 30,
    "email": 64,
}

#: A plan's or option's code (its column; the form of a code is checked too).
PLAN_CODE_MAX_LENGTH = 30
#: A plan's or option's name, printed in the 記 table of the acceptance notice: at most two
#: lines of its value column (the column holds 100).
PLAN_NAME_MAX_LENGTH = 50

#: A closure day's note (年末年始休業, 夏季休業 …), its column.
CLOSURE_NOTE_MAX_LENGTH = 100

#: A bank's or branch's name (filled in from zengin-code, whose longest names are far
#: shorter), its column.
BANK_NAME_MAX_LENGTH = 50
#: 口座名義 (half-width kana): the 受取人名 / 預金者名 field of a 全銀 record is 30 characters,
#: and a longer name cannot reach the bank.
HOLDER_KANA_MAX_LENGTH = 30

#: The note on a paper received with an application, its column.
DOCUMENT_NOTE_MAX_LENGTH = 200

"""返却督促: one letter per contract for the late returns chosen, numbered and frozen, each request's
reminders counted; saved as one PDF each and one combined file to print."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reseller_desk.db.models import Notice
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.return_notices import from_json
from reseller_desk.services import notices
from reseller_desk.services.equipment import return_notices, returns
from reseller_desk.services.errors import PermissionDenied, ServiceError, ValidationFailed

from .billing_office import SATO, customer, put_contract
from .contract_builders import pdf_text
from .equipment_return_builders import cancel, lent_unit, phone_model, requests_of

LENT, ENDS, LATE = dt.date(2026, 11, 20), dt.date(2026, 12, 10), dt.date(2027, 1, 25)


@pytest.fixture
def late_returns(db, manager, office, sh_open):
    """山田's contract with two phones out, and 佐藤工業's with one, all past their deadline."""
    phone = phone_model(db)
    lent_unit(db, manager, phone["model"], sh_open, "SN-A", LENT)
    lent_unit(db, manager, phone["model"], sh_open, "SN-B", LENT)
    sato = customer(db, manager, SATO)
    other, _ = put_contract(db, sato, "sokujitsu", plans=[(office["sh"], 1, dt.date(2026, 10, 1), None)],
                            first_billable=dt.date(2026, 10, 1))
    lent_unit(db, manager, phone["model"], other, "SN-C", dt.date(2026, 10, 1))
    cancel(db, manager, sh_open, ENDS)
    cancel(db, manager, other, ENDS)
    return sh_open, other


def test_one_reminder_is_issued_per_contract_for_the_returns_chosen(db, clerk, late_returns):
    first, other = late_returns
    ids = [row.request_id for row in returns.open_returns(db, today=LATE)]
    letters = return_notices.send_reminders(db, clerk, ids, today=LATE)
    assert [(letter.number, letter.customer_name) for letter in letters] == [
        ("督-2027-000001", "山田 太郎"), ("督-2027-000002", "佐藤工業株式会社")]
    with db.transaction() as session:
        row = session.get(Notice, letters[0].notice_id)
        document = from_json(row.document_json)
        assert (row.kind, row.contract_id, bytes(row.pdf)) == (NoticeKind.RETURN_REMINDER, first, letters[0].pdf)
    assert [u.serial for u in document.details.units] == ["SN-A", "SN-B"]
    assert (document.details.days_late, document.details.months_late, document.details.penalty_so_far) == (
        32, 2, 2 * 2 * (1980 + 2 * 500))
    assert [(r.reminders_sent, r.last_reminded_on) for r in requests_of(db, first)] == [(1, LATE), (1, LATE)]
    text = pdf_text(db, letters[0].notice_id)
    assert "機器返却のお願い（再送）" in text and "SN-B" in text and "¥11,920" in text
    assert notices.notice_pdf(db, letters[1].notice_id) == letters[1].pdf


def test_a_second_reminder_counts_again(db, clerk, late_returns):
    first, _ = late_returns
    ids = [r.id for r in requests_of(db, first)][:1]
    return_notices.send_reminders(db, clerk, ids, today=LATE)
    return_notices.send_reminders(db, clerk, ids, today=LATE + dt.timedelta(days=7))
    assert [r.reminders_sent for r in requests_of(db, first)] == [2, 0]
    assert returns.open_returns(db, today=LATE)[0].reminders_sent == 2


def test_reminders_need_a_choice_a_staff_member_and_open_returns(db, manager, late_returns):
    first, _ = late_returns
    with pytest.raises(ValidationFailed):
        return_notices.send_reminders(db, manager, [], today=LATE)
    with pytest.raises(PermissionDenied):
        return_notices.send_reminders(db, None, [1], today=LATE)
    [request, _] = requests_of(db, first)
    returns.declare_lost(db, manager, request.id, LATE, today=LATE)
    with pytest.raises(ServiceError, match="処理済み"):
        return_notices.send_reminders(db, manager, [request.id], today=LATE)
    with db.transaction() as session:
        assert session.scalars(select(Notice).where(Notice.kind == NoticeKind.RETURN_REMINDER)).all() == []


def test_the_letters_are_saved_one_file_each_and_one_combined_file_to_print(db, clerk, late_returns, tmp_path):
    ids = [row.request_id for row in returns.open_returns(db, today=LATE)]
    letters = return_notices.send_reminders(db, clerk, ids, today=LATE)
    seen = []
    saved = return_notices.save_letters(letters, tmp_path, progress=lambda done, total: seen.append((done, total)))
    assert sorted(p.name for p in saved.files) == ["督-2027-000001_山田 太郎.pdf", "督-2027-000002_佐藤工業株式会社.pdf"]
    assert saved.files[0].read_bytes() == letters[0].pdf
    assert saved.combined is not None and len(PdfReader(io.BytesIO(saved.combined.read_bytes())).pages) == 2
    assert seen[-1] == (3, 3)


def test_a_cancel_stops_after_the_file_in_hand(db, clerk, late_returns, tmp_path):
    ids = [row.request_id for row in returns.open_returns(db, today=LATE)]
    letters = return_notices.send_reminders(db, clerk, ids, today=LATE)
    calls = iter([False, True])
    saved = return_notices.save_letters(letters, tmp_path, cancelled=lambda: next(calls))
    assert (len(saved.files), saved.combined, saved.cancelled) == (1, None, True)

"""Returns when a contract ends (SH §13.4–6): the request made by the real ending service, the
unit received with or without its accessories and damaged, loss, and the charges they leave for
the next invoice (不課税)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from reseller_desk.db.models import Contract, Notice
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.return_notices import from_json
from reseller_desk.services.contracts.acting import load
from reseller_desk.services.equipment import returns
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed

from .contract_builders import notice_kinds, pdf_text
from .equipment_return_builders import (
    AC_PRICE,
    HANDSET_PRICE,
    PHONE_PRICE,
    cancel,
    charges_of,
    lent_unit,
    phone_model,
    rental_returned_on,
    requests_of,
    unit_state,
)

LENT = dt.date(2026, 11, 20)
ENDS = dt.date(2026, 12, 10)          # a Thursday: SH cancels on the day received (§26.1)
DEADLINE = dt.date(2026, 12, 24)      # 14 days on, a business day
BASE = 1980 + 500                     # ライト × 1 line + the phone's rent in December


@pytest.fixture
def phone(db):
    return phone_model(db)


@pytest.fixture
def lent(db, manager, sh_open, phone):
    return lent_unit(db, manager, phone["model"], sh_open, "SN-0001", LENT)


def test_cancelling_a_contract_asks_each_lent_unit_back_with_the_deadline_place_and_base(db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    [request] = requests_of(db, sh_open)
    assert (request.reason, request.status, request.deadline, request.monthly_charges, request.requested_on) == (
        "contract_ended", "open", DEADLINE, BASE, ENDS)
    assert "東京都千代田区内神田2丁目5番3号" in request.place and "株式会社みらいテレコム" in request.place
    assert unit_state(db, lent) == ("awaiting_return", sh_open, ["receive", "lend", "request_return"])
    assert {NoticeKind.CANCELLATION.value, NoticeKind.RETURN_REQUEST.value} <= set(notice_kinds(db, sh_open))


def test_the_return_request_letter_lists_the_unit_its_accessories_and_what_a_late_return_costs(
        db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    with db.transaction() as session:
        notice = session.scalars(select(Notice).where(Notice.kind == NoticeKind.RETURN_REQUEST)).one()
        document = from_json(notice.document_json)
    assert notice.number.startswith("返-2026-")
    assert [(u.serial, u.accessories) for u in document.details.units] == [("SN-0001", ("ACアダプター", "受話器"))]
    text = pdf_text(db, notice.id)
    for expected in ("機器返却のお願い", "SN-0001", "ACアダプター", "2026年12月24日", "2,480円", "4,960円",
                     "1カ月未満は1カ月とします", "第13条第5項", "株式会社みらいテレコム"):
        assert expected in text


def test_an_ending_recorded_again_moves_the_open_requests_deadline_instead_of_adding_one(db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    with db.transaction(write=True) as session:
        contract = load(session, sh_open)
        returns.contract_ended(session, manager, contract, SimpleNamespace(effective_on=dt.date(2026, 12, 11)))
    [request] = requests_of(db, sh_open)
    assert request.deadline == dt.date(2026, 12, 25)
    assert notice_kinds(db, sh_open).count(NoticeKind.RETURN_REQUEST.value) == 2
    assert unit_state(db, lent)[2] == ["receive", "lend", "request_return"]


def test_a_contract_with_nothing_lent_ends_without_a_return_request(db, manager, sh_open):
    cancel(db, manager, sh_open, ENDS)
    assert requests_of(db, sh_open) == []
    assert NoticeKind.RETURN_REQUEST.value not in notice_kinds(db, sh_open)


def test_a_unit_back_on_time_with_everything_charges_nothing_and_goes_back_to_stock(db, manager, sh_open, lent, phone):
    cancel(db, manager, sh_open, ENDS)
    back = dt.date(2026, 12, 20)
    result = returns.receive_return(db, manager, "sn-0001", back, {phone["ac"], phone["handset"]}, today=back)
    assert (result.status, result.charges, result.penalty) == ("returned", (), 0)
    assert unit_state(db, lent)[:2] == ("in_stock", None)
    assert rental_returned_on(db, lent) == back
    [request] = requests_of(db, sh_open)
    assert (request.status, request.closed_on, request.penalty_computed) == ("returned", back, 0)
    assert charges_of(db, sh_open) == []


def test_a_missing_accessory_and_a_repair_cost_are_charged_as_damages_outside_tax(db, manager, sh_open, lent, phone):
    cancel(db, manager, sh_open, ENDS)
    back = dt.date(2026, 12, 22)
    returns.receive_return(db, manager, "SN-0001", back, {phone["ac"]}, damage_note="液晶割れ", repair_cost=3000,
                           today=back)
    assert charges_of(db, sh_open) == [
        ("damages", "付属品不足 受話器（SN-0001）", HANDSET_PRICE, "outside", dt.date(2026, 12, 1)),
        ("damages", "機器の修理代 Yealink T58W（SN-0001）", 3000, "outside", dt.date(2026, 12, 1)),
    ]
    assert unit_state(db, lent)[:2] == ("in_repair", None)
    assert requests_of(db, sh_open)[0].damage_note == "液晶割れ"


def test_a_repair_cost_without_a_note_and_a_foreign_accessory_are_refused(db, manager, sh_open, lent, phone):
    cancel(db, manager, sh_open, ENDS)
    back = dt.date(2026, 12, 22)
    with pytest.raises(ValidationFailed) as refused:
        returns.receive_return(db, manager, "SN-0001", back, set(), repair_cost=3000, today=back)
    assert "破損の内容" in refused.value.errors["damage_note"]
    with pytest.raises(ValidationFailed):
        returns.receive_return(db, manager, "SN-0001", back, {phone["ac"] + 100}, today=back)
    with pytest.raises(ValidationFailed):
        returns.receive_return(db, manager, "SN-0001", dt.date(2026, 11, 1), set(), today=back)
    assert unit_state(db, lent)[0] == "awaiting_return"


def test_a_serial_not_awaiting_return_is_refused_by_name(db, manager, sh_open, lent):
    with pytest.raises(NotFound, match="返却待ちではありません"):
        returns.receive_return(db, manager, "SN-0001", ENDS, set(), today=ENDS)
    with pytest.raises(NotFound, match="登録されていません"):
        returns.receive_return(db, manager, "SN-9999", ENDS, set(), today=ENDS)


def test_a_unit_received_twice_is_refused_the_second_time(db, manager, sh_open, lent, phone):
    cancel(db, manager, sh_open, ENDS)
    [request] = requests_of(db, sh_open)
    returns.receive_return(db, manager, request.id, DEADLINE, {phone["ac"], phone["handset"]}, today=DEADLINE)
    with pytest.raises(ServiceError, match="処理済み"):
        returns.receive_return(db, manager, request.id, DEADLINE, set(), today=DEADLINE)


def test_a_lost_unit_is_charged_at_the_models_sale_price_with_the_late_penalty_and_leaves_stock(
        db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    [request] = requests_of(db, sh_open)
    on = dt.date(2027, 1, 8)
    result = returns.declare_lost(db, manager, request.id, on, today=on)
    assert result.penalty == 2 * BASE
    assert charges_of(db, sh_open) == [
        ("replacement", "代替機代金 Yealink T58W（SN-0001）", PHONE_PRICE, "outside", dt.date(2027, 1, 1)),
        ("late_return_penalty", f"機器返却遅延損害金（{request_code(db, sh_open)}、1カ月）", 2 * BASE, "outside",
         dt.date(2027, 1, 1)),
    ]
    assert unit_state(db, lent)[:2] == ("lost", sh_open)
    assert rental_returned_on(db, lent) == on
    assert requests_of(db, sh_open)[0].status == "lost"


def test_a_lost_unit_at_another_amount_needs_a_reason(db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    [request] = requests_of(db, sh_open)
    with pytest.raises(ValidationFailed) as refused:
        returns.declare_lost(db, manager, request.id, DEADLINE, amount=9000, today=DEADLINE)
    assert "理由" in refused.value.errors["reason"]
    returns.declare_lost(db, manager, request.id, DEADLINE, amount=9000, reason="中古相当額で合意", today=DEADLINE)
    assert [c[2] for c in charges_of(db, sh_open)] == [9000]


def test_the_penalty_of_two_units_is_charged_once_when_the_last_comes_back(db, manager, sh_open, phone):
    first = lent_unit(db, manager, phone["model"], sh_open, "SN-A", LENT)
    lent_unit(db, manager, phone["model"], sh_open, "SN-B", LENT)
    cancel(db, manager, sh_open, ENDS)
    base = 1980 + 2 * 500
    assert [r.monthly_charges for r in requests_of(db, sh_open)] == [base, base]
    early, late = dt.date(2027, 1, 5), dt.date(2027, 2, 3)
    everything = {phone["ac"], phone["handset"]}
    assert returns.receive_return(db, manager, "SN-A", early, everything, today=early).penalty is None
    assert charges_of(db, sh_open) == []
    assert unit_state(db, first)[0] == "in_stock"
    assert returns.receive_return(db, manager, "SN-B", late, everything, today=late).penalty == 2 * 2 * base
    assert [(c[0], c[2]) for c in charges_of(db, sh_open)] == [("late_return_penalty", 2 * 2 * base)]


def test_open_returns_are_listed_oldest_deadline_first_with_how_late_and_the_penalty_so_far(
        db, manager, sh_open, lent):
    cancel(db, manager, sh_open, ENDS)
    [row] = returns.open_returns(db, today=dt.date(2027, 1, 25))
    assert (row.serial, row.model_name, row.customer_name, row.deadline, row.days_late, row.months_late,
            row.penalty_so_far, row.reminders_sent, row.late) == (
        "SN-0001", "Yealink T58W", "山田 太郎", DEADLINE, 32, 2, 2 * 2 * BASE, 0, True)
    assert returns.open_returns(db, today=DEADLINE)[0].penalty_so_far == 0


def test_the_lookup_of_a_scanned_serial_shows_the_accessories_to_tick(db, manager, sh_open, lent, phone):
    cancel(db, manager, sh_open, ENDS)
    found = returns.find_return(db, "ｓｎ－０００１", today=DEADLINE)
    assert (found.serial, found.sale_price, [(a.name, a.replacement_price) for a in found.accessories]) == (
        "SN-0001", PHONE_PRICE, [("ACアダプター", AC_PRICE), ("受話器", HANDSET_PRICE)])


def request_code(db, contract_id: int) -> str:
    with db.transaction() as session:
        return session.get(Contract, contract_id).customer_code

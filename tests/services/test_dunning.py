"""督促 (services.payments.dunning): the stage each overdue invoice has reached by its days late,
each stage issued once per invoice, a payment that stops it at once, holds skipped until their
end date, the 催告書's suspension date, the combined PDF to print, and the stages in 設定."""

from __future__ import annotations

import datetime as dt
import io

import pypdfium2
import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import AuditEntry, DunningLetter, DunningLetterItem, Notice
from reseller_desk.domain.dunning_notices import from_json
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.payments import DunningAction, HoldKind
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.payments import dunning, ledger

from .contract_builders import contract_now, version
from .dunning_builders import DUE, a_customer, another_customer, dunning_office, overdue, row_of, stage_named


@pytest.fixture
def desk(db, office, manager):
    dunning_office(db, manager)
    return db


def pages(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_an_invoice_reaches_the_highest_active_stage_its_days_late_have_come_to(desk, clerk):
    customer = a_customer(desk, clerk)
    _, total = overdue(desk, customer)
    letter, final = stage_named(desk, "督促状"), stage_named(desk, "催告書")
    assert row_of(desk, customer, DUE) is None                      # not overdue on its due date
    early = row_of(desk, customer, DUE + dt.timedelta(days=2))
    assert early is not None and early.stage is None and early.owed == total
    assert row_of(desk, customer, DUE + dt.timedelta(days=3)).stage == letter
    at_final = row_of(desk, customer, DUE + dt.timedelta(days=14))
    assert at_final.stage == final and at_final.due_stage_ids == (final.id,)
    assert at_final.oldest_due == DUE and at_final.customer_name == "株式会社みらい商事"


def test_no_customer_gets_the_same_stage_twice_and_a_second_issue_is_refused_by_name(desk, clerk):
    customer = a_customer(desk, clerk)
    invoice, total = overdue(desk, customer)
    today = DUE + dt.timedelta(days=3)
    letter = stage_named(desk, "督促状")
    issued = dunning.issue_stage(desk, clerk, letter.id, [customer], today=today)
    assert issued.kind is NoticeKind.DUNNING_LETTER and len(issued.letters) == 1
    assert issued.letters[0].number.startswith("促-2026-")
    row = row_of(desk, customer, today)
    assert row.stage is None and row.last_letter.stage_name == "督促状" and row.last_letter.issued_on == today
    with pytest.raises(ServiceError, match="株式会社みらい商事: 「督促状」は発行済みです"):
        dunning.issue_stage(desk, clerk, letter.id, [customer], today=today + dt.timedelta(days=1))
    with desk.transaction() as session:
        assert session.scalar(select(func.count()).select_from(DunningLetter)) == 1
        item = session.scalars(select(DunningLetterItem)).one()
        assert (item.invoice_id, item.owed, item.stage_id) == (invoice, total, letter.id)
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "dunning.issue", AuditEntry.customer_id == customer)) == 1


def test_a_customer_refused_stops_the_whole_issue_and_nothing_is_issued(desk, clerk):
    late, early = a_customer(desk, clerk), another_customer(desk, clerk)
    overdue(desk, late)
    overdue(desk, early, due=DUE + dt.timedelta(days=2))
    with pytest.raises(ServiceError, match="株式会社ひかり商事: 「督促状」の段階ではありません"):
        dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [late, early], today=DUE + dt.timedelta(days=3))
    with desk.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 0


def test_a_payment_stops_the_customers_dunning_at_once(desk, clerk):
    customer = a_customer(desk, clerk)
    _, total = overdue(desk, customer)
    today = DUE + dt.timedelta(days=5)
    ledger.record_payment(desk, clerk, customer, received_on=today, amount=total - 660, today=today)
    short = row_of(desk, customer, today)
    assert short.owed == 660 and short.stage == stage_named(desk, "督促状")   # a deducted fee is still owed
    ledger.record_payment(desk, clerk, customer, received_on=today, amount=660, today=today)
    assert row_of(desk, customer, today) is None
    with pytest.raises(ServiceError, match="期日を過ぎた未入金の請求書がありません"):
        dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [customer], today=today)


def test_a_hold_skips_the_customer_until_its_end_date_and_a_release_ends_it(desk, clerk):
    customer = a_customer(desk, clerk)
    overdue(desk, customer)
    today = DUE + dt.timedelta(days=4)
    hold = dunning.hold_dunning(desk, clerk, customer, kind=HoldKind.PROMISE, reason="12/10に振込の連絡あり",
                                until=DUE + dt.timedelta(days=10), today=today)
    held = row_of(desk, customer, today)
    assert held.on_hold and held.stage is None and held.holds[0].reason == "12/10に振込の連絡あり"
    with pytest.raises(ServiceError, match="督促保留中です"):
        dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [customer], today=today)
    assert row_of(desk, customer, DUE + dt.timedelta(days=10)).on_hold               # the end date included
    after = row_of(desk, customer, DUE + dt.timedelta(days=11))
    assert not after.on_hold and after.stage == stage_named(desk, "督促状")
    dunning.release_hold(desk, clerk, hold.id, today=today)
    assert row_of(desk, customer, today).stage == stage_named(desk, "督促状")
    assert [h.released_on for h in dunning.holds_of(desk, customer)] == [today]


def test_a_hold_on_one_invoice_skips_only_that_invoice(desk, clerk):
    customer = a_customer(desk, clerk)
    disputed, _ = overdue(desk, customer)
    other, other_total = overdue(desk, customer, month=dt.date(2026, 9, 1))
    today = DUE + dt.timedelta(days=4)
    dunning.hold_dunning(desk, clerk, customer, invoice_id=disputed, kind=HoldKind.DISPUTE, reason="通話料を確認中",
                         until=today + dt.timedelta(days=30), today=today)
    issued = dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [customer], today=today)
    document = from_json(_json(desk, issued.letters[0].notice_id))
    assert [line.owed for line in document.details.invoices] == [other_total]
    with desk.transaction() as session:
        assert session.scalars(select(DunningLetterItem.invoice_id)).all() == [other]


def test_a_bad_hold_is_refused_in_japanese(desk, clerk):
    customer = a_customer(desk, clerk)
    today = DUE
    with pytest.raises(ValidationFailed) as refused:
        dunning.hold_dunning(desk, clerk, customer, kind=HoldKind.OTHER, reason=" ", until=today - dt.timedelta(days=1),
                             today=today)
    assert set(refused.value.errors) == {"reason", "until"}


def _json(db, notice_id: int) -> str:
    with db.transaction() as session:
        return session.get(Notice, notice_id).document_json


def test_the_final_demand_names_the_suspension_date_moved_to_a_business_day(desk, clerk):
    customer = a_customer(desk, clerk)
    _, total = overdue(desk, customer)
    today = dt.date(2026, 12, 14)           # Monday: 10 days on is Thursday 12/24
    issued = dunning.issue_stage(desk, clerk, stage_named(desk, "催告書").id, [customer], today=today)
    details = from_json(_json(desk, issued.letters[0].notice_id)).details
    assert (details.pay_by, details.suspension_on) == (dt.date(2026, 12, 23), dt.date(2026, 12, 24))
    assert details.clause == "第24条第1項第8号" and details.total == total
    [text] = pages(issued.letters[0].pdf)
    assert "2026年12月24日" in text and "催告書" in text and f"{total:,}" in text
    with desk.transaction() as session:
        assert session.scalars(select(DunningLetter.suspension_date)).one() == dt.date(2026, 12, 24)


def test_a_customer_past_the_suspension_date_is_handed_to_the_lifecycle_with_its_notice(desk, clerk, sh_open):
    customer = contract_now(desk, sh_open).customer_id
    overdue(desk, customer, profile_key="sokujitsu")
    today = dt.date(2026, 12, 14)
    issued = dunning.issue_stage(desk, clerk, stage_named(desk, "催告書").id, [customer], today=today)
    details = from_json(_json(desk, issued.letters[0].notice_id)).details
    assert details.clause == "第23条第1項第1号" and details.notice_clause == "第23条"
    assert dunning.suspension_candidates(desk, dt.date(2026, 12, 23)) == []
    [candidate] = dunning.suspension_candidates(desk, dt.date(2026, 12, 24))
    assert candidate.customer_id == customer and candidate.suspension_on == dt.date(2026, 12, 24)
    assert [c.contract_id for c in candidate.contracts] == [sh_open]
    result = lifecycle.suspend_contract(desk, clerk, sh_open, reason_code="unpaid", starts_on=dt.date(2026, 12, 25),
                                        expected_version=version(desk, sh_open), today=dt.date(2026, 12, 24))
    assert result.notice_id is not None                        # SH §23.2: 利用停止予告通知書
    [again] = dunning.suspension_candidates(desk, dt.date(2026, 12, 24))
    assert again.contracts[0].scheduled


def test_issuing_for_several_customers_gives_one_pdf_each_and_a_combined_file_page_for_page(desk, clerk, tmp_path):
    first, second = a_customer(desk, clerk), another_customer(desk, clerk)
    overdue(desk, first)
    overdue(desk, second, month=dt.date(2026, 9, 1))
    overdue(desk, second)
    issued = dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [first, second],
                                 today=DUE + dt.timedelta(days=3))
    assert [len(pages(letter.pdf)) for letter in issued.letters] == [1, 1]
    combined = pages(issued.combined_pdf)
    assert len(combined) == 2 and "株式会社みらい商事" in combined[0] and "株式会社ひかり商事" in combined[1]
    saved = dunning.save_combined(issued, tmp_path / dunning.COMBINED_NAME)
    assert saved.read_bytes() == issued.combined_pdf


class _Cancelling:
    def __init__(self) -> None:
        self.reports: list[int] = []

    @property
    def cancelled(self) -> bool:
        return len(self.reports) >= 1

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        self.reports.append(done)


def test_a_cancelled_issue_issues_nothing(desk, clerk):
    first, second = a_customer(desk, clerk), another_customer(desk, clerk)
    overdue(desk, first)
    overdue(desk, second)
    with pytest.raises(dunning.DunningCancelled):
        dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [first, second],
                            today=DUE + dt.timedelta(days=3), progress=_Cancelling())
    with desk.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Notice)) == 0
        assert session.scalar(select(func.count()).select_from(DunningLetter)) == 0


# -- the stages in 設定 ---------------------------------------------------------------------------
def _drafts(db) -> list[dunning.StageDraft]:
    return [s.draft() for s in dunning.dunning_stages(db)]


def test_the_stages_are_saved_in_order_and_audited(desk, manager):
    shown = dunning.dunning_stages(desk)
    drafts = _drafts(desk)
    drafts.insert(1, dunning.StageDraft("再督促", 7, DunningAction.LETTER))
    saved = dunning.save_dunning_stages(desk, manager, drafts, expected_versions=dunning.stage_versions(shown))
    assert [(s.position, s.name, s.days_after_due) for s in saved] == [
        (1, "督促状", 3), (2, "再督促", 7), (3, "催告書", 14), (4, "利用停止候補", 24)]
    assert saved[0].id == shown[0].id
    with desk.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)
                              .where(AuditEntry.action == "dunning_stages.save")) == 1


def test_stages_out_of_order_or_with_two_final_demands_are_refused(desk, manager):
    shown = dunning.dunning_stages(desk)
    versions = dunning.stage_versions(shown)
    drafts = _drafts(desk)
    drafts[1] = dunning.StageDraft("催告書", 3, DunningAction.FINAL_DEMAND, 10, id=drafts[1].id)
    with pytest.raises(ValidationFailed) as refused:
        dunning.save_dunning_stages(desk, manager, drafts, expected_versions=versions)
    assert "1.days_after_due" in refused.value.errors
    two = [*_drafts(desk), dunning.StageDraft("最終催告", 30, DunningAction.FINAL_DEMAND, 5)]
    with pytest.raises(ValidationFailed) as refused:
        dunning.save_dunning_stages(desk, manager, two, expected_versions=versions)
    assert refused.value.errors == {"3.action": "催告書の段階は一つだけにしてください。"}
    no_days = _drafts(desk)
    no_days[1] = dunning.StageDraft("催告書", 14, DunningAction.FINAL_DEMAND, 0, id=no_days[1].id)
    with pytest.raises(ValidationFailed) as refused:
        dunning.save_dunning_stages(desk, manager, no_days, expected_versions=versions)
    assert set(refused.value.errors) == {"1.suspension_days"}


def test_a_stage_letters_were_issued_at_cannot_be_removed_only_made_inactive(desk, manager, clerk):
    customer = a_customer(desk, clerk)
    overdue(desk, customer)
    dunning.issue_stage(desk, clerk, stage_named(desk, "督促状").id, [customer], today=DUE + dt.timedelta(days=3))
    shown = dunning.dunning_stages(desk)
    with pytest.raises(ValidationFailed, match="入力内容"):
        dunning.save_dunning_stages(desk, manager, _drafts(desk)[1:], expected_versions=dunning.stage_versions(shown))
    drafts = _drafts(desk)
    drafts[0] = dunning.StageDraft("督促状", 3, DunningAction.LETTER, active=False, id=drafts[0].id)
    saved = dunning.save_dunning_stages(desk, manager, drafts, expected_versions=dunning.stage_versions(shown))
    assert not saved[0].active and saved[0].letters_issued == 1


def test_only_a_manager_changes_the_stages(desk, clerk):
    shown = dunning.dunning_stages(desk)
    with pytest.raises(ServiceError, match="管理者だけ"):
        dunning.save_dunning_stages(desk, clerk, _drafts(desk), expected_versions=dunning.stage_versions(shown))

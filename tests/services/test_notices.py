"""Issued notices stay as issued: the PDF is rendered once, at issue, in the same transaction,
and printing again returns exactly those bytes; what they state (amounts, contact, clause) is
frozen in the document; revision 0004 gives the notices of older versions their PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from reseller_desk.db.database import Database
from reseller_desk.db.models import Application, Notice
from reseller_desk.db.revisions import head_revision
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.domain.intake import ApplicationDraft, DocumentEntry
from reseller_desk.reports import notices as renderers
from reseller_desk.services import applications as apps
from reseller_desk.services import notices, settings
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.services.errors import ServiceError
from tests.versions import application_now, company_now

DAY = dt.date(2026, 11, 25)
RECEIVED = dt.date(2026, 11, 18)
STORED_F5138D8 = Path(__file__).resolve().parents[1] / "reports" / "stored_f5138d8"

AOBA = CustomerDraft(kind="corporate", name="株式会社青葉物産", name_kana="カブシキガイシャアオバブッサン",
                     contact_title="総務部", contact_name="山﨑 花子", postal_code="980-0811",
                     address="宮城県仙台市青葉区一番町3丁目7番1号 青葉ビル7F", phone="022-222-3333",
                     corporate_number="4010001008772")
HAYASHI = CustomerDraft(kind="individual", name="林 𠮷男", name_kana="ハヤシ ヨシオ", postal_code="060-0001",
                        address="北海道札幌市中央区北一条西2丁目1番地", phone="011-222-3333")


@pytest.fixture
def office(db, manager):
    settings.save_company(db, manager, CompanyDetails(
        name="株式会社あおばテレコム", postal_code="980-0021", address="宮城県仙台市青葉区中央1丁目2番3号 仙台ビル4F",
        phone="022-111-2222", registration_number="T8700110005901"), expected_version=company_now(db))
    return {
        "sc": settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "SC-5CH", "ビジネス 5ch", 1980, 5000),
                                 expected_version=None).id,
        "sh": settings.save_plan(db, manager, None, PlanDetails("sokujitsu", "SH-STD", "スタンダード", 2480, 3000, 12,
                                                                10000), expected_version=None).id,
        "rec": settings.save_option(db, manager, None, PlanDetails("simpleconnect", "SC-REC", "通話録音", 1000, 500),
                                    expected_version=None).id,
        "ivr": settings.save_option(db, manager, None, PlanDetails("simpleconnect", "SC-IVR", "IVR", 2500, 1000),
                                    expected_version=None).id,
    }


def approved(db, clerk, manager, office) -> int:
    """An SC application of 3 lines with two options, approved: the id of its application."""
    draft = ApplicationDraft(
        channel="post", received_on=RECEIVED, profile_key="simpleconnect", plan_id=office["sc"],
        option_ids=(office["rec"], office["ivr"]), lines=3, payment_method="debit",
        debit_account=BankAccountDetails("0005", "", "021", "", "普通", "7654321", "ｶ)ｱｵﾊﾞﾌﾞｯｻﾝ"),
        documents=(DocumentEntry("application_form", RECEIVED), DocumentEntry("registry", RECEIVED),
                   DocumentEntry("identity", RECEIVED, "drivers_license", "4321")))
    application_id = apps.create_application(db, clerk, ApplicationInput(draft, applicant=AOBA), today=DAY).id
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", "確認済",
                                   expected_version=application_now(db, application_id))
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=DAY)
    return application_id


def revoked(db, clerk, manager, office) -> int:
    """An SH application approved, then revoked by a failed postal identity check."""
    draft = ApplicationDraft(channel="post", received_on=RECEIVED, profile_key="sokujitsu", plan_id=office["sh"],
                             documents=(DocumentEntry("application_form", RECEIVED),
                                        DocumentEntry("identity", RECEIVED, "drivers_license", "9876")))
    application_id = apps.create_application(db, clerk, ApplicationInput(draft, applicant=HAYASHI), today=DAY).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=RECEIVED)
    for item in apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id)).checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             decided_on=DAY, opened_on=DAY, today=DAY)
    apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id), on=DAY,
                                today=DAY)
    return application_id


def stored_rows(db) -> list[tuple[int, str, bytes | None]]:
    with db.transaction() as session:
        return [(n.id, n.number, n.pdf) for n in session.scalars(select(Notice).order_by(Notice.id))]


def pdf_text(pdf: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_notice_is_stored_with_the_pdf_it_was_issued_as(db, clerk, manager, office):
    approved(db, clerk, manager, office)
    [(notice_id, number, pdf)] = stored_rows(db)
    assert pdf is not None and pdf.startswith(b"%PDF-")
    assert notices.notice_pdf(db, notice_id) == pdf
    assert number in pdf_text(pdf)


def test_printing_again_gives_the_issued_bytes_even_after_the_renderer_changes(db, clerk, manager, office, monkeypatch):
    revoked(db, clerk, manager, office)
    issued = {notice_id: pdf for notice_id, _, pdf in stored_rows(db)}
    assert len(issued) == 2                                  # the approval and the revocation

    def new_renderer(document):
        return b"%PDF-1.4 a later version's layout"

    monkeypatch.setattr(renderers, "render_notice", new_renderer)
    for notice_id, pdf in issued.items():
        assert notices.notice_pdf(db, notice_id) == pdf


def test_a_notice_without_stored_bytes_is_rendered_from_its_content(db, clerk, manager, office):
    approved(db, clerk, manager, office)
    [(notice_id, number, pdf)] = stored_rows(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE notices SET pdf = NULL"))
    again = notices.notice_pdf(db, notice_id)
    assert again.startswith(b"%PDF-") and pdf_text(again) == pdf_text(pdf)


def test_the_approval_states_the_monthly_total_for_its_lines_and_the_contact_with_her_department(
        db, clerk, manager, office):
    application_id = approved(db, clerk, manager, office)
    [(notice_id, _, pdf)] = stored_rows(db)
    document = notices.notice_document(db, notice_id)
    details = document.approval
    assert details is not None
    assert (details.plan_monthly_fee, details.lines, details.plan_monthly_subtotal) == (1980, 3, 5940)
    assert details.monthly_total == 5940 + 1000 + 2500
    assert details.initial_fee == 5000 * 3 + 500 + 1000       # the plan's initial fee per line
    assert details.minimum_term_months == 0                  # one month binds to nothing: not printed
    assert document.addressee.contact_title == "総務部"
    t = pdf_text(pdf)
    assert "ご担当総務部山﨑花子様" in t
    assert "¥1,980×3回線" in t and "月額合計月額¥9,440" in t
    assert t.count("税抜") == 1 and t.count("日割り計算") == 1
    assert "最低利用期間" not in t
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert apps.get_application(db, application_id).notices[0].title == "申込承諾通知書（ご利用開始のご案内）"


def test_the_revocation_cites_the_clause_without_the_staffs_annotation(db, clerk, manager, office):
    revoked(db, clerk, manager, office)
    revocation_id = stored_rows(db)[-1][0]
    document = notices.notice_document(db, revocation_id)
    assert document.revocation_clause == "即日発番.com クラウドPBXサービス 利用規約 第14条第2項第7号"
    t = pdf_text(notices.notice_pdf(db, revocation_id))
    assert "申込み承諾後" not in t and "(" not in t and "§" not in t
    assert "林𠮷男様" in t                                      # the fallback font prints 𠮷


def test_a_notice_that_cannot_be_printed_is_not_issued(db, clerk, manager, office, monkeypatch):
    def unprintable(document):
        raise renderers.UnprintableNotice("A4 に収まらない項目があります: 宛名")

    monkeypatch.setattr(renderers, "render_notice", unprintable)
    with pytest.raises(ServiceError, match="印刷できる形にできません") as error:
        approved(db, clerk, manager, office)
    assert "宛名" in str(error.value)
    assert stored_rows(db) == []
    with db.transaction() as session:
        [app] = session.scalars(select(Application))
        assert app.customer_id is None                        # no customer, no contract half-made


def test_revision_0004_stores_the_pdf_of_every_notice_issued_before(db, clerk, manager, office):
    """A database at 0003 holding notices without PDFs (one of them in the JSON shape of
    f5138d8, one whose content cannot be read): the upgrade renders and stores the readable
    ones, leaves the unreadable one alone, and the database opens."""
    revoked(db, clerk, manager, office)
    old_shape = (STORED_F5138D8 / "refusal.json").read_text(encoding="utf-8").strip()
    from alembic import command

    from reseller_desk.db.migrate import alembic_config

    command.downgrade(alembic_config(db.engine), "0004_issued_notice_pdfs")  # 0004 itself is data only
    with db.engine.begin() as conn:
        first = conn.execute(text("SELECT min(id) FROM notices")).scalar()
        conn.execute(text("UPDATE notices SET pdf = NULL"))
        conn.execute(text("UPDATE notices SET document_json = :j WHERE id = :i"), {"j": old_shape, "i": first})
        conn.execute(text("INSERT INTO notices (number, kind, application_id, issued_on, document_json, created_at) "
                          "VALUES ('否-2026-999999', 'refusal', 1, '2026-11-25', '{\"kind\": \"refusal\"}', "
                          "'2026-11-25 00:00:00')"))
        conn.execute(text("UPDATE alembic_version SET version_num = '0003_solid_ground'"))
    db.dispose()

    again = Database.open(db.url)                              # upgrades to the head
    try:
        assert again.current_revision() == head_revision()
        rows = stored_rows(again)
        assert [pdf is None for _, _, pdf in rows] == [False, False, True]
        old = pdf_text(rows[0][2])
        assert "否-2026-000001" in old and "山田太郎様" in old      # the notice stored by f5138d8
        assert rows[1][1] in pdf_text(rows[1][2])
        assert notices.notice_pdf(again, rows[1][0]) == rows[1][2]
    finally:
        again.dispose()

"""Intake and screening at the service layer: permissions, audit, the checklist per profile,
pre-fill from records, decisions, withdrawal, the postal identity check and the notices."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from reseller_desk.db.models import ContractEvent
from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, ScreeningAnswer
from reseller_desk.domain.company import BankAccountDetails, PlanDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_history import ContractEventKind
from reseller_desk.domain.intake import MY_NUMBER_REFUSAL, ApplicationDraft, DocumentEntry
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import applications as apps
from reseller_desk.services import customers, incidents, settings
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.services.audit import list_audit
from reseller_desk.services.contracts import history
from reseller_desk.services.errors import Blocked, PermissionDenied, ServiceError, ValidationFailed
from reseller_desk.services.notices import notice_document, notice_pdf
from tests.versions import application_now

from .builders import MIRAI, PAPERS_CORPORATE, RECEIVED, TODAY, YAMADA, sc_input, screened_clear, sh_input


def test_the_checklist_has_one_line_per_ground_of_each_profile(db, clerk, office):
    for inp, profile in ((sc_input(office), "simpleconnect"), (sh_input(office), "sokujitsu")):
        taken_in = apps.create_application(db, clerk, inp, today=TODAY)
        detail = apps.start_screening(db, clerk, taken_in.id, expected_version=taken_in.row_version)
        grounds = load_profile(profile).screening.grounds
        assert [(i.code, i.text, i.clause) for i in detail.checklist] == [(g.code, g.text, g.clause) for g in grounds]
    assert len(load_profile("simpleconnect").screening.grounds) == 10
    assert len(load_profile("sokujitsu").screening.grounds) == 7


def test_an_application_is_received_with_bank_names_from_their_codes(db, clerk, office):
    detail = apps.create_application(db, clerk, sc_input(office), today=TODAY)
    assert detail.number == "A-2026-000001" and detail.status_label == "受付"
    account = detail.input.draft.debit_account
    assert (account.bank_name, account.branch_name) == ("三菱ＵＦＪ", "寺田町")
    assert apps.list_applications(db, today=TODAY)[0].days_waiting == 4


def test_missing_papers_make_it_awaiting_documents(db, clerk, office):
    detail = apps.create_application(db, clerk, sc_input(office, documents=()), today=TODAY)
    assert detail.status_label == "書類待ち"
    assert set(detail.missing_documents) == {"申込書", "本人確認書類", "登記事項証明書"}


@pytest.mark.parametrize("changes, field", [
    ({"debit_account": BankAccountDetails("9999", "", "021", "", "普通", "1234567", "ﾐﾗｲ")}, "debit.bank_code"),
    ({"debit_account": BankAccountDetails("0005", "", "999", "", "普通", "1234567", "ﾐﾗｲ")}, "debit.branch_code"),
    ({"debit_account": BankAccountDetails("0005", "", "021", "", "普通", "1234567", "Mirai 商事")}, "debit.holder_kana"),
    ({"received_on": dt.date(2026, 12, 1)}, "received_on"),
    ({"plan_id": None}, "plan_id"),
])
def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(db, clerk, office, changes, field):
    with pytest.raises(ValidationFailed) as error:
        apps.create_application(db, clerk, sc_input(office, **changes), today=TODAY)
    assert field in error.value.errors
    assert apps.list_applications(db, today=TODAY) == []


def test_a_my_number_is_never_recorded(db, clerk, office):
    papers = (DocumentEntry("identity", RECEIVED, "my_number_card", "123456789012"),)
    with pytest.raises(ValidationFailed) as error:
        apps.create_application(db, clerk, sh_input(office, documents=papers), today=TODAY)
    assert error.value.errors["documents.0.number_last_digits"] == MY_NUMBER_REFUSAL


def test_a_clerk_cannot_approve_even_by_calling_the_service(db, clerk, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    with pytest.raises(PermissionDenied, match="「申込の承諾」は管理者だけが行えます"):
        apps.approve_application(db, clerk, application_id, expected_version=application_now(db, application_id),
                                 today=TODAY)
    with pytest.raises(PermissionDenied, match="「申込の不承諾」は管理者だけが行えます"):
        apps.refuse_application(db, clerk, application_id, "理由", expected_version=application_now(db, application_id),
                                today=TODAY)
    assert apps.get_application(db, application_id).status is ApplicationStatus.SCREENING


def test_approval_creates_the_customer_the_contract_and_the_notice(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    detail = apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id), today=TODAY)
    assert detail.status_label == "承諾"
    contract = detail.contract
    assert contract.customer_code == "C0000001"
    assert contract.formed_on == TODAY                               # SC §7: 登録日 = decision date
    assert contract.first_billable_month == dt.date(2026, 12, 1)     # SC §9.2: the month after
    assert customers.count_customers(db) == 1
    assert detail.customer_id is not None
    assert customers.customer_ids(db, "ﾐﾗｲｼｮｳｼﾞ") == [detail.customer_id]  # the new customer is found at once
    assert customers.get_customer(db, detail.customer_id).draft.name == "株式会社みらい商事"
    [notice] = detail.notices
    document = notice_document(db, notice.id)
    assert document.approval.customer_code == "C0000001"
    assert document.addressee.name == "株式会社みらい商事" and document.addressee.contact_name == "佐藤 花子"
    assert document.issuer.registration_number == "T8700110005901"
    assert document.approval.initial_fee == 11000  # plan 5,000 × 2 lines + option 1,000
    assert "三菱ＵＦＪ" in document.approval.payment_method and "****567" in document.approval.payment_method
    assert document.approval.support_hours == "平日 10:00–18:00（第20条第1項）"
    assert contract.status == ContractStatus.ACTIVE                  # SC: in use from the 登録日
    with db.transaction() as session:
        december = history.composition_of(session, contract.id, dt.date(2026, 12, 1))
        [formed] = session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id))
    assert (december.plan_id, december.lines, december.options) == (office["sc"], 2, ((office["sc_rec"], 1),))
    assert (formed.kind, formed.to_status, formed.effective_on) == (ContractEventKind.FORMED, ContractStatus.ACTIVE,
                                                                     TODAY)


def test_sc_registration_date_is_editable_within_reason(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    with pytest.raises(ValidationFailed) as error:
        apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                 registered_on=dt.date(2026, 11, 1), today=TODAY)
    assert "申込受付日より前" in error.value.errors["registered_on"]
    detail = apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                      decided_on=TODAY, registered_on=dt.date(2026, 12, 1),
                                      today=dt.date(2026, 12, 2))  # approved on the 20th, recorded after the 登録日
    assert detail.contract.formed_on == dt.date(2026, 12, 1)
    assert detail.contract.first_billable_month == dt.date(2027, 1, 1)


def test_sh_contract_forms_on_the_notice_date_and_bills_from_the_opening_month(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    screened = apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    line7 = next(i for i in screened.checklist if i.code == "7")
    assert line7.answer == "unchecked" and line7.note == "本人確認の結果待ち"
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id),
                                on=dt.date(2026, 11, 17), today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "confirmed", expected_version=application_now(db, application_id),
                                on=dt.date(2026, 11, 19), today=TODAY)
    screened_clear(db, clerk, application_id)
    detail = apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id), today=TODAY)
    assert detail.contract.formed_on == TODAY and detail.contract.first_billable_month is None
    assert detail.contract.status == ContractStatus.AWAITING_OPENING   # SH §17: until its line is opened
    other = apps.create_application(db, clerk, sh_input(office, lines=3), today=TODAY).id
    apps.record_identity_letter(db, clerk, other, "sent", expected_version=application_now(db, other), on=TODAY,
                                today=TODAY)
    apps.record_identity_letter(db, clerk, other, "confirmed", expected_version=application_now(db, other), on=TODAY,
                                today=TODAY)
    screened_clear(db, clerk, other)
    opened = apps.approve_application(db, manager, other, expected_version=application_now(db, other),
                                      decided_on=TODAY, opened_on=dt.date(2026, 12, 3),
                                      today=dt.date(2026, 12, 5))  # approved on the 20th, recorded after the opening
    assert opened.contract.first_billable_month == dt.date(2026, 12, 1)  # SH §28.2: the month of 開通日
    assert opened.contract.status == ContractStatus.ACTIVE


def test_approval_needs_every_line_clear(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    with pytest.raises(Blocked) as error:
        apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                 today=TODAY)
    assert error.value.action == "承諾"
    unanswered = [g for g in load_profile("simpleconnect").screening.grounds if not g.checks]
    assert error.value.reasons == tuple(f"審査項目({g.code})が「未確認」です: {g.text}" for g in unanswered)


def test_a_face_to_face_plan_needs_a_counter_sale_with_photo_id(db, clerk, manager, office):
    inp = sc_input(office, plan_id=office["sc_f2f"], option_ids=(),
                   documents=PAPERS_CORPORATE[:1] + (DocumentEntry("identity", RECEIVED, "health_insurance",
                                                                   "9"),) + PAPERS_CORPORATE[2:])
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    screened_clear(db, clerk, application_id)
    with pytest.raises(Blocked) as error:
        apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                 today=TODAY)
    assert error.value.reasons == (
        "このプランは対面販売だけで契約できます（SC §6.4）。受付経路が「対面」ではありません。",
        "このプランは顔写真付きの身分証明書の提出が必要です（SC §6.4）。")
    apps.update_application(db, clerk, application_id, sc_input(office, plan_id=office["sc_f2f"], option_ids=(),
                                                               channel="counter"),
                            expected_version=application_now(db, application_id), today=TODAY)
    assert apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                    today=TODAY).status == "approved"


def test_refusal_needs_a_hit_and_a_note_and_the_notice_gives_no_reason(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    with pytest.raises(Blocked) as error:
        apps.refuse_application(db, manager, application_id, "滞納歴あり", expected_version=application_now(db, application_id),
                                today=TODAY)
    assert error.value.reasons == ("不承諾には「該当」の審査項目が少なくとも一つ必要です。",)
    apps.answer_screening_item(db, clerk, application_id, "1", "hit", "他社で滞納の申告",
                               expected_version=application_now(db, application_id))
    with pytest.raises(Blocked) as error:
        apps.refuse_application(db, manager, application_id, "  ", expected_version=application_now(db, application_id), today=TODAY)
    assert error.value.reasons == ("不承諾の理由を社内メモに記入してください（申込者には通知しません）。",)
    detail = apps.refuse_application(db, manager, application_id, "滞納歴あり（本人申告）",
                                     expected_version=application_now(db, application_id), today=TODAY)
    assert detail.status_label == "不承諾" and detail.decision_note == "滞納歴あり（本人申告）"
    assert customers.count_customers(db) == 0  # a refused applicant does not become a customer
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(notice_pdf(db, detail.notices[0].id))).pages)
    assert "申込不承諾通知書" in text and "滞納" not in text


def test_records_of_matching_customers_prefill_their_lines_with_the_records(db, clerk, manager, office):
    old = customers.add_customer(db, clerk, dataclasses.replace(MIRAI, email="")).id
    incidents.add_incident(db, clerk, old, "unpaid", dt.date(2025, 3, 31), amount=12_800, note="2025年2月分", today=TODAY)
    incidents.add_incident(db, clerk, old, "disqualified", dt.date(2025, 6, 1), today=TODAY)
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    lines = {i.code: i for i in apps.start_screening(db, clerk, application_id,
                                                     expected_version=application_now(db, application_id)).checklist}
    assert lines["1"].answer == "hit" and "資格取消" in lines["1"].evidence[0]
    assert lines["8"].answer == "hit" and "¥12,800" in lines["8"].evidence[0]
    assert lines["2"].answer == "clear" and lines["2"].prefilled  # the form is complete
    assert lines["3"].answer == "unchecked" and not lines["3"].prefilled  # the records cannot answer it


def test_an_earlier_refusal_and_an_incomplete_form_are_prefilled(db, clerk, manager, office):
    first = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.start_screening(db, clerk, first, expected_version=application_now(db, first))
    apps.answer_screening_item(db, clerk, first, "3", "hit", expected_version=application_now(db, first))
    apps.refuse_application(db, manager, first, "規約違反の前歴", expected_version=application_now(db, first), today=TODAY)
    again = apps.create_application(db, clerk, sh_input(office, documents=()), today=TODAY).id
    lines = {i.code: i for i in apps.start_screening(db, clerk, again, expected_version=application_now(db, again)).checklist}
    assert lines["6"].answer == "hit" and "A-2026-000001" in lines["6"].evidence[0]
    assert lines["4"].answer == "hit" and "申込書が未提出" in lines["4"].evidence


def test_a_persons_answer_is_not_overwritten_by_the_prefill(db, clerk, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    apps.answer_screening_item(db, clerk, application_id, "2", "hit", "住所の番地が登記と違う",
                               expected_version=application_now(db, application_id))
    detail = apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    line = next(i for i in detail.checklist if i.code == "2")
    assert (line.answer, line.note, line.checked_by_name) == ("hit", "住所の番地が登記と違う", "事務 太郎")


def test_sc_applicants_may_withdraw_but_sh_applicants_only_ask(db, clerk, office):
    sc = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    result = apps.withdraw_application(db, clerk, sc, expected_version=application_now(db, sc), today=TODAY)
    assert result.withdrawn and result.detail.status_label == "取下げ"
    sh = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    result = apps.withdraw_application(db, clerk, sh, expected_version=application_now(db, sh), today=TODAY)
    assert not result.withdrawn and "取り下げられません" in result.message
    assert result.detail.status_label == "受付" and result.detail.withdrawal_requested_on == TODAY


def test_a_failed_postal_check_after_acceptance_revokes_the_contract_with_a_notice(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id),
                                on=dt.date(2026, 11, 17), today=TODAY)
    detail = apps.start_screening(db, clerk, application_id, expected_version=application_now(db, application_id))
    letter_line = next(i for i in detail.checklist if i.code == "7")
    assert (letter_line.answer, letter_line.note) == (ScreeningAnswer.UNCHECKED, "本人確認の結果待ち")
    for item in detail.checklist:
        apps.answer_screening_item(db, clerk, application_id, item.code, "clear", expected_version=application_now(db, application_id))
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    revoked = apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id),
                                          on=dt.date(2026, 11, 27),
                                          today=dt.date(2026, 11, 30))
    assert revoked.status_label == "承諾取消" and revoked.contract.status is ContractStatus.REVOKED
    assert [n.kind for n in revoked.notices] == ["approval", "revocation"]
    document = notice_document(db, revoked.notices[-1].id)
    assert document.revoked_contract_code == revoked.contract.customer_code
    assert "第14条第2項第7号" in document.revocation_clause
    with db.transaction() as session:
        events = session.scalars(select(ContractEvent).where(ContractEvent.contract_id == revoked.contract.id)
                                 .order_by(ContractEvent.id)).all()
    assert [(e.kind, e.to_status) for e in events] == [
        (ContractEventKind.FORMED, ContractStatus.AWAITING_OPENING), (ContractEventKind.REVOKED, ContractStatus.REVOKED)]
    assert events[-1].effective_on == dt.date(2026, 11, 27) and events[-1].notice_id == revoked.notices[-1].id


def test_the_postal_check_exists_only_where_the_terms_have_it(db, clerk, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    with pytest.raises(ServiceError, match="SimpleConnect クラウドサービスの約款には郵送による本人確認の定めがありません。"):
        apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), today=TODAY)
    assert apps.get_application(db, application_id).identity_letter_status is IdentityLetterResult.NOT_SENT


def test_every_change_is_audited_and_a_manager_filters_by_customer_or_application(db, clerk, manager, office):
    application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    screened_clear(db, clerk, application_id)
    detail = apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id), today=TODAY)
    by_application = list_audit(db, manager, application_id=application_id)
    actions = [r.action for r in reversed(by_application)]
    assert actions[0] == "application.add" and "application.approve" in actions and "notice.issue" in actions
    assert {r.user_name for r in by_application} == {"事務 太郎", "管理 花子"}
    customer_id = detail.customer_id
    by_customer = {r.action for r in list_audit(db, manager, customer_id=customer_id)}
    assert {"customer.add", "contract.add", "application.approve", "notice.issue"} <= by_customer


def test_customer_codes_are_never_reused(db, clerk, manager, office):
    codes = []
    for _ in range(3):
        application_id = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
        screened_clear(db, clerk, application_id)
        codes.append(apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                              today=TODAY).contract.customer_code)
    assert codes == ["C0000001", "C0000002", "C0000003"]


def test_notices_need_the_company_details(db, clerk, manager):
    plan = settings.save_plan(db, manager, None, PlanDetails("simpleconnect", "P", "P", 1000), expected_version=None).id
    inp = ApplicationInput(ApplicationDraft("online", RECEIVED, "simpleconnect", plan,
                                            documents=(DocumentEntry("identity", RECEIVED, "passport", "12"),)),
                           applicant=YAMADA)
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    screened_clear(db, clerk, application_id)
    with pytest.raises(ServiceError, match="通知書に印刷する会社情報（会社名・住所）が未設定です。"):
        apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                                 today=TODAY)
    assert apps.get_application(db, application_id).status == "screening"  # nothing half-done
    assert customers.count_customers(db) == 0


def test_the_manager_sees_the_contract_dates_before_approving(db, clerk, office):
    sc = apps.create_application(db, clerk, sc_input(office), today=TODAY).id
    preview = apps.preview_contract(db, sc, decided_on=TODAY, registered_on=dt.date(2026, 11, 30))
    assert (preview.formed_on, preview.first_billable_month) == (dt.date(2026, 11, 30), dt.date(2026, 12, 1))
    assert preview.uses_registration_date and not preview.uses_opening_date
    sh = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    preview = apps.preview_contract(db, sh, decided_on=TODAY, registered_on=dt.date(2026, 12, 5))
    assert preview.formed_on == TODAY and preview.first_billable_month is None  # 開通日 not known
    preview = apps.preview_contract(db, sh, decided_on=TODAY, opened_on=dt.date(2027, 1, 10))
    assert preview.first_billable_month == dt.date(2027, 1, 1) and preview.uses_opening_date


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_printed_notices_of_the_workflow_carry_their_facts(db, clerk, manager, office):
    sh = apps.create_application(db, clerk, sh_input(office), today=TODAY).id
    apps.record_identity_letter(db, clerk, sh, "sent", expected_version=application_now(db, sh), on=dt.date(2026, 11,
                                                                                                            17), today=TODAY)
    for item in apps.start_screening(db, clerk, sh, expected_version=application_now(db, sh)).checklist:
        apps.answer_screening_item(db, clerk, sh, item.code, "clear", expected_version=application_now(db, sh))
    approved = apps.approve_application(db, manager, sh, expected_version=application_now(db, sh), decided_on=TODAY,
                                        opened_on=dt.date(2026, 12, 2),
                                        today=dt.date(2026, 12, 2))
    revoked = apps.record_identity_letter(db, clerk, sh, "failed", expected_version=application_now(db, sh),
                                          on=dt.date(2026, 11, 27), today=dt.date(2026, 12, 2))
    approval, revocation = (notice_pdf(db, n.id) for n in revoked.notices)
    for pdf, notice in zip((approval, revocation), revoked.notices, strict=True):
        text = _pdf_text(pdf)
        for fact in ("株式会社みらいテレコム", "東京都千代田区内神田2丁目5番3号", "T8700110005901", notice.number,
                     "山田 太郎", "様", approved.number):
            assert fact in text, (notice.kind, fact)
    text = _pdf_text(approval)
    assert "§" not in text and "第28条第2項" in text
    assert "申込承諾通知書" in text and approved.contract.customer_code in text
    assert "2026年11月20日" in text and "2026年12月" in text and "ライト" in text and "¥1,980" in text
    text = _pdf_text(revocation)
    assert "契約取消通知書" in text and "2026年11月27日" in text and "第14条第2項第7号" in text
    assert "§" not in text  # staff shorthand never reaches a customer
    assert notice_pdf(db, revoked.notices[0].id) == approval  # rendered again from the stored notice: identical

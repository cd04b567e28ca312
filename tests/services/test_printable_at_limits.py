"""Nothing that is accepted can fail to print (probe M2, P5.2): the office's details, the
customer, the plan and its options with every printed field at its longest (domain.bounds),
in full-width characters, the widest there are, go through the services and come out as
issued notices; each is laid out (no LayoutError), the short letters on one page and the
acceptance notice on at most two; every field is printed in full; and no character of the
footer overprints another or the page number, or leaves the page's margins."""

from __future__ import annotations

import dataclasses
import io

import pypdfium2
import pytest
from pypdf import PdfReader

from reseller_desk.domain import bounds
from reseller_desk.domain.company import CompanyDetails, PlanDetails
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.reports.letter import NoticeRenderer
from reseller_desk.services import applications as apps
from reseller_desk.services import notices
from reseller_desk.services import settings as settings_service
from tests.versions import application_now, company_now

from .builders import DEBIT, PAPERS_CORPORATE, TODAY, sc_input, screened_clear, sh_input

COMPANY_LONGEST = bounds.COMPANY_MAX_LENGTHS
CUSTOMER_LONGEST = bounds.CUSTOMER_MAX_LENGTHS


def run(character: str, length: int) -> str:
    """A field at its longest, in one full-width character (one per field, so that each can be
    found in the printed text)."""
    return character * length


OFFICE = CompanyDetails(
    name=run("會", COMPANY_LONGEST["name"]), postal_code="101-0047", address=run("區", COMPANY_LONGEST["address"]),
    phone="03-5289-7410", fax="03-5289-7411",
    email=run("箱", COMPANY_LONGEST["email"] - len("@example.co.jp")) + "@example.co.jp",
    representative=run("長", COMPANY_LONGEST["representative"]), registration_number="T8700110005901")
APPLICANT = CustomerDraft(
    kind=CustomerKind.CORPORATE, name=run("顧", CUSTOMER_LONGEST["name"]),
    name_kana=run("カ", CUSTOMER_LONGEST["name_kana"]), contact_title=run("課", CUSTOMER_LONGEST["contact_title"]),
    contact_name=run("擔", CUSTOMER_LONGEST["contact_name"]), postal_code="150-0002",
    address=run("町", CUSTOMER_LONGEST["address"]), phone="03-3400-1234", corporate_number="8700110005901")
PRINTED = {"会社名": OFFICE.name, "会社の住所": OFFICE.address, "代表者": OFFICE.representative,
           "メールアドレス": OFFICE.email, "宛名": APPLICANT.name, "宛先の住所": APPLICANT.address,
           "担当者": APPLICANT.contact_name, "担当者の役職": APPLICANT.contact_title}


def longest_plan(profile: str, code: str, character: str) -> PlanDetails:
    return PlanDetails(profile, code, run(character, bounds.PLAN_NAME_MAX_LENGTH), bounds.MAX_FEE, bounds.MAX_FEE,
                       bounds.MAX_MINIMUM_TERM_MONTHS, bounds.MAX_FEE)


@pytest.fixture
def longest(db, manager) -> dict[str, object]:
    """The office with every printed field at its limit, its plans at the largest fees, and as
    many options as an application may take."""
    settings_service.save_company(db, manager, OFFICE, expected_version=company_now(db))
    options = [settings_service.save_option(db, manager, None, longest_plan("simpleconnect", f"OPT-{i:02}", "錄"),
                                            expected_version=None).id
               for i in range(bounds.MAX_OPTIONS)]
    return {"sc": settings_service.save_plan(db, manager, None, longest_plan("simpleconnect", "SC-MAX", "網"),
                                             expected_version=None).id,
            "sh": settings_service.save_plan(db, manager, None, longest_plan("sokujitsu", "SH-MAX", "網"),
                                             expected_version=None).id,
            "options": options}


def issued(db, application_id: int, kind: NoticeKind) -> bytes:
    [notice] = [n for n in apps.get_application(db, application_id).notices if n.kind == kind]
    return notices.notice_pdf(db, notice.id)


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return "".join(text.split())


def assert_a_one_page_letter_in_full(pdf: bytes) -> None:
    """One page, every field at its limit printed whole, and the footer clear."""
    [page] = pages(pdf)
    for what, value in PRINTED.items():
        assert flat(value) in flat(page), f"{what} is not printed in full"
    assert_the_footer_is_clear(pdf)


def assert_the_footer_is_clear(pdf: bytes) -> None:
    """On every page: no character crosses the footer's rule, every character stays within the
    margins, and no two characters of the footer line (issuer name, page/total) overlap."""
    layout = NoticeRenderer
    rule = layout.margin_bottom + layout.footer_size + 2 * 72 / 25.4
    document = pypdfium2.PdfDocument(pdf)
    for index in range(len(document)):
        page = document[index]
        width, _height = page.get_size()
        text = page.get_textpage()
        footer = []
        for i in range(text.count_chars()):
            if text.get_text_range(i, 1).isspace():
                continue
            left, bottom, right, top = text.get_charbox(i)
            assert layout.margin_left - 1 <= left and right <= width - layout.margin_right + 1, \
                f"page {index + 1}: {text.get_text_range(i, 1)!r} leaves the margins"
            assert top <= rule or bottom >= rule, f"page {index + 1}: {text.get_text_range(i, 1)!r} crosses the footer"
            if top <= rule:
                footer.append((left, right))
        footer.sort()
        assert footer, f"page {index + 1} has no footer"
        for (_left, right), (next_left, _right) in zip(footer, footer[1:], strict=False):
            assert right <= next_left + 0.5, f"page {index + 1}: the footer overprints itself"


def test_every_text_limit_is_within_its_column():
    from reseller_desk.db.models import (
        ApplicationDocument,
        BankAccount,
        CompanyClosure,
        CompanySettings,
        Customer,
        Plan,
        PlanOption,
    )

    limits = [(limit, Customer, name) for name, limit in CUSTOMER_LONGEST.items()]
    limits += [(limit, CompanySettings, name) for name, limit in COMPANY_LONGEST.items()]
    limits += [(bounds.PLAN_NAME_MAX_LENGTH, model, "name") for model in (Plan, PlanOption)]
    limits += [(bounds.PLAN_CODE_MAX_LENGTH, model, "code") for model in (Plan, PlanOption)]
    limits += [(bounds.BANK_NAME_MAX_LENGTH, BankAccount, name) for name in ("bank_name", "branch_name")]
    limits += [(bounds.HOLDER_KANA_MAX_LENGTH, BankAccount, "holder_kana"),
               (bounds.CLOSURE_NOTE_MAX_LENGTH, CompanyClosure, "note"),
               (bounds.DOCUMENT_NOTE_MAX_LENGTH, ApplicationDocument, "note")]
    for limit, model, name in limits:
        column = model.__table__.c[name].type  # type: ignore[attr-defined]
        assert getattr(column, "length", None) is None or column.length >= limit, f"{model.__name__}.{name}"


def test_an_acceptance_with_every_field_at_its_limit_prints_in_full_on_at_most_two_pages(db, clerk, manager, longest):
    inp = sc_input({"sc": longest["sc"], "sc_rec": longest["options"][0]}, lines=bounds.MAX_LINES)
    inp = dataclasses.replace(inp, applicant=APPLICANT,
                              draft=dataclasses.replace(inp.draft, option_ids=tuple(longest["options"])))
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    screened_clear(db, clerk, application_id)
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    pdf = issued(db, application_id, NoticeKind.APPROVAL)
    text = pages(pdf)
    assert len(text) <= 2
    whole = flat("".join(text))
    for what, value in {**PRINTED, "プラン名": run("網", bounds.PLAN_NAME_MAX_LENGTH)}.items():
        assert flat(value) in whole, f"{what} is not printed in full"
    assert whole.count(flat(run("錄", bounds.PLAN_NAME_MAX_LENGTH))) == bounds.MAX_OPTIONS
    assert "¥9,989,999,001" in whole   # 999 lines × ¥9,999,999: the widest amount fits its column
    lines = [line.replace(" ", "") for page in text for line in page.splitlines()]
    assert "月額¥10,089,998,991" in lines  # the largest monthly total, on one line of its own cell
    assert_the_footer_is_clear(pdf)


def test_a_refusal_with_every_field_at_its_limit_prints_in_full_on_one_page(db, clerk, manager, longest):
    inp = dataclasses.replace(sc_input({"sc": longest["sc"], "sc_rec": longest["options"][0]}), applicant=APPLICANT)
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    detail = screened_clear(db, clerk, application_id)
    apps.answer_screening_item(db, clerk, application_id, detail.checklist[0].code, "hit", "前歴",
                               expected_version=application_now(db, application_id))
    apps.refuse_application(db, manager, application_id, "前歴あり", expected_version=application_now(db, application_id),
                            today=TODAY)
    assert_a_one_page_letter_in_full(issued(db, application_id, NoticeKind.REFUSAL))


def test_a_revocation_with_every_field_at_its_limit_prints_in_full_on_one_page(db, clerk, manager, longest):
    inp = sh_input({"sh": longest["sh"]}, applicant=APPLICANT, documents=PAPERS_CORPORATE, payment_method="debit",
                   debit_account=DEBIT)
    application_id = apps.create_application(db, clerk, inp, today=TODAY).id
    screened = screened_clear(db, clerk, application_id)
    assert not screened.approval_blockers
    apps.approve_application(db, manager, application_id, expected_version=application_now(db, application_id),
                             today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "sent", expected_version=application_now(db, application_id), on=TODAY,
                                today=TODAY)
    apps.record_identity_letter(db, clerk, application_id, "failed", expected_version=application_now(db, application_id), on=TODAY,
                                today=TODAY)
    assert_a_one_page_letter_in_full(issued(db, application_id, NoticeKind.REVOCATION))


def test_an_over_long_company_name_is_refused_before_any_notice_can_be_issued(db, manager):
    from reseller_desk.services.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        settings_service.save_company(db, manager, dataclasses.replace(OFFICE, name="會" * 800),
                                      expected_version=company_now(db))
    assert error.value.errors == {"name": f"会社名は{COMPANY_LONGEST['name']}文字以内で入力してください（800文字）。"}
    assert settings_service.get_company(db) == CompanyDetails()

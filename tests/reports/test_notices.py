"""The three printed notices: render each kind, read the text back with pypdf and check the
facts to the yen and to the day; each note is printed once; an ordinary notice fits one page;
a refusal carries no reason; long lists flow onto a second page; a character IPAex lacks prints
from the embedded IPAmj subset; page 1 rendered to pixels shows what a reader sees."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pypdfium2
import pytest
from pypdf import PdfReader

from reseller_desk.domain.notices import (
    Addressee,
    ApprovalDetails,
    Issuer,
    NoticeDocument,
    NoticeKind,
    OptionLine,
)
from reseller_desk.reports.fonts import FALLBACK, GOTHIC, MINCHO, missing_glyphs, register_fonts
from reseller_desk.reports.format import jp_date, jp_month, yen
from reseller_desk.reports.notices import (
    ApprovalNoticeRenderer,
    NoticeRenderer,
    RefusalNoticeRenderer,
    RevocationNoticeRenderer,
    UnprintableNotice,
    render_notice,
    renderer_for,
)

OFFICE = Issuer(
    name="株式会社みらいテレコム",
    postal_code="101-0047",
    address="東京都千代田区内神田2丁目5番3号 神田スクエアビル4F",
    phone="03-5289-7410",
    registration_number="T8700110005901",
    email="support@mirai-telecom.example.jp",
)

CORPORATE = Addressee(
    name="株式会社青葉物産",
    postal_code="980-0811",
    address="宮城県仙台市青葉区一番町3丁目7番1号 青葉ビル5階",
    contact_name="佐藤 美咲",
    is_corporate=True,
    contact_title="総務部",
)

PRIVATE = Addressee(
    name="高橋 健一",
    postal_code="154-0004",
    address="東京都世田谷区太子堂4丁目1番1号",
    is_corporate=False,
)

BILLING_NOTE = ("利用料金は登録日の翌月1日から発生します（日割り計算はありません）。"
                "初期費用は最初の月の利用料金と合わせてご請求します（第6条第5項, 第9条第2項, 第9条第3項）。")


def approval_doc(**changes) -> NoticeDocument:
    details = ApprovalDetails(
        customer_code="C-000123",
        service_name="SimpleConnect クラウドサービス",
        provider_name="シンプルコネクト株式会社",
        plan_name="ビジネスプラン 5ch",
        plan_monthly_fee=1980,
        initial_fee=13200,
        options=(
            OptionLine("通話録音オプション", 1000),
            OptionLine("IVR（自動音声応答）", 2500),
        ),
        lines=3,
        contract_formed_on=dt.date(2026, 11, 20),
        registration_date_label="登録日",
        first_billable_month=dt.date(2026, 12, 1),
        first_billable_note=BILLING_NOTE,
        payment_method="口座振替（三菱ＵＦＪ銀行 神田支店 普通 ****567）",
        support_hours="平日 10:00–18:00（SimpleConnect 利用規約 第20条）",
        minimum_term_months=12,
        early_termination_fee=10000,
        plan_monthly_subtotal=5940,
        monthly_total=9440,
    )
    details = replace(details, **changes.pop("approval", {}))
    doc = NoticeDocument(
        kind=NoticeKind.APPROVAL,
        number="承-2026-000001",
        issued_on=dt.date(2026, 11, 22),
        issuer=OFFICE,
        addressee=CORPORATE,
        application_number="A-2026-000012",
        application_received_on=dt.date(2026, 11, 10),
        service_name="SimpleConnect クラウドサービス",
        approval=details,
    )
    return replace(doc, **changes)


def refusal_doc(**changes) -> NoticeDocument:
    doc = NoticeDocument(
        kind=NoticeKind.REFUSAL,
        number="否-2026-000004",
        issued_on=dt.date(2026, 11, 22),
        issuer=OFFICE,
        addressee=PRIVATE,
        application_number="A-2026-000015",
        application_received_on=dt.date(2026, 11, 12),
        service_name="即日発番.com",
    )
    return replace(doc, **changes)


def revocation_doc(**changes) -> NoticeDocument:
    doc = NoticeDocument(
        kind=NoticeKind.REVOCATION,
        number="取-2026-000002",
        issued_on=dt.date(2026, 11, 22),
        issuer=OFFICE,
        addressee=replace(CORPORATE, name="合同会社はやて企画", contact_name="山本 大輔", contact_title=""),
        application_number="A-2026-000009",
        application_received_on=dt.date(2026, 10, 28),
        service_name="即日発番.com",
        revoked_contract_code="C-000118",
        revoked_on=dt.date(2026, 11, 21),
        revocation_clause="即日発番.com 利用規約 第14条第2項第7号",
    )
    return replace(doc, **changes)


def pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """The text without any whitespace (extraction puts spaces and line breaks where it likes)."""
    return re.sub(r"\s+", "", text)


def assert_common(text: str, doc: NoticeDocument) -> None:
    t = flat(text)
    assert "株式会社みらいテレコム" in t
    assert "〒101-0047" in t
    assert "東京都千代田区内神田2丁目5番3号神田スクエアビル4F" in t
    assert "TEL03-5289-7410" in t
    assert "登録番号T8700110005901" in t
    assert "2026年11月22日" in t
    assert flat(f"文書番号 {doc.number}") in t
    assert flat(doc.kind.label) in t
    assert "拝啓" in t and "敬具" in t and "記" in t and "以上" in t
    assert flat(doc.addressee.address) in t
    assert f"〒{doc.addressee.postal_code}" in t


# --- formatting helpers ------------------------------------------------------------------


def test_yen_has_the_sign_and_thousands_separators():
    assert yen(1980) == "¥1,980"
    assert yen(0) == "¥0"
    assert yen(1234567) == "¥1,234,567"
    assert yen(-500) == "-¥500"
    for bad in (1980.0, True, "1980"):
        with pytest.raises(TypeError):
            yen(bad)


def test_japanese_dates_and_months():
    assert jp_date(dt.date(2026, 11, 22)) == "2026年11月22日"
    assert jp_date(dt.date(2027, 1, 5)) == "2027年1月5日"
    assert jp_month(dt.date(2026, 12, 1)) == "2026年12月"
    assert jp_month(dt.date(2026, 12, 31)) == "2026年12月"
    with pytest.raises(TypeError):
        jp_date("2026-11-22")


def test_fonts_register_once_and_cover_the_notices_text():
    assert register_fonts() == (MINCHO, GOTHIC)
    assert register_fonts() == (MINCHO, GOTHIC)
    for doc in (approval_doc(), refusal_doc(), revocation_doc()):
        assert flat(doc.kind.label) and missing_glyphs(doc.kind.label) == ""
    sample = "¥1,980 〒101-0047 拝啓 敬具 記 以上 御中 様 ご担当 ※ 「」（）– 〜 髙"
    assert missing_glyphs(sample, MINCHO) == ""
    assert missing_glyphs(sample, GOTHIC) == ""


# --- the notices -------------------------------------------------------------------------


def test_render_notice_picks_the_renderer_by_kind():
    assert type(renderer_for(approval_doc())) is ApprovalNoticeRenderer
    assert type(renderer_for(refusal_doc())) is RefusalNoticeRenderer
    assert type(renderer_for(revocation_doc())) is RevocationNoticeRenderer
    assert all(issubclass(c, NoticeRenderer) for c in
               (ApprovalNoticeRenderer, RefusalNoticeRenderer, RevocationNoticeRenderer))
    with pytest.raises(ValueError):
        render_notice(replace(approval_doc(), approval=None))
    with pytest.raises(ValueError):
        render_notice(revocation_doc(revoked_on=None))


def test_approval_prints_every_fact_to_the_yen_and_to_the_day():
    doc = approval_doc()
    pdf = render_notice(doc)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)           # A4 portrait
    text = reader.pages[0].extract_text()
    t = flat(text)
    assert_common(text, doc)
    assert "株式会社青葉物産" in t and "ご担当総務部佐藤美咲様" in t
    assert "御中" not in t
    assert "C-000123" in t
    assert "ビジネスプラン5ch" in t
    assert "¥1,980×3回線" in t and "月額¥5,940" in t      # plan fee × lines
    assert "月額合計月額¥9,440" in t
    assert "通話録音オプション" in t and "月額¥1,000" in t
    assert "IVR（自動音声応答）" in t and "月額¥2,500" in t
    assert "初期費用¥13,200" in t
    assert "回線数3回線" in t
    assert "登録日2026年11月20日" in t
    assert "課金開始月2026年12月分から" in t
    assert "口座振替（三菱ＵＦＪ銀行神田支店普通****567）" in t
    assert "平日10:00–18:00" in t
    assert "最低利用期間12か月" in t
    assert "契約解除料¥10,000" in t
    assert "シンプルコネクト株式会社" in t
    assert re.search(r"(^|\s)1/1(\s|$)", text)
    # no stray yen amounts beyond the ones in the data
    assert sorted(re.findall(r"¥[\d,]+", t)) == sorted(
        ["¥1,980", "¥5,940", "¥1,000", "¥2,500", "¥9,440", "¥13,200", "¥10,000"]
    )


def test_the_approval_notice_prints_each_note_once():
    t = flat(pages_text(render_notice(approval_doc()))[0])
    assert t.count("税抜") == 1
    assert t.count(flat("※ 金額はいずれも税抜です。消費税は請求時に加算します。")) == 1
    assert t.count(flat(BILLING_NOTE)) == 1
    assert t.count("日割り計算") == 1


def test_a_notice_stored_before_the_monthly_totals_prints_the_plan_fee_alone():
    doc = approval_doc(approval=dict(plan_monthly_subtotal=None, monthly_total=None))
    t = flat(pages_text(render_notice(doc))[0])
    assert "ビジネスプラン5ch月額¥1,980" in t
    assert "月額合計" not in t and "×" not in t


RARE = Addressee(name="株式会社髙橋𠮷野家", postal_code="106-6108",
                 address="東京都港区六本木6丁目10番1号六本木ヒルズ森タワー47F",
                 contact_name="髙橋 𠮷男", contact_title="代表取締役", is_corporate=True)


@pytest.mark.parametrize("doc", [
    approval_doc(),
    approval_doc(addressee=RARE),
    approval_doc(addressee=PRIVATE, approval=dict(options=(), minimum_term_months=0, early_termination_fee=0)),
    refusal_doc(),
    revocation_doc(),
], ids=["approval", "approval-rare-characters-long-address", "approval-private", "refusal", "revocation"])
def test_each_ordinary_notice_fits_one_a4_page(doc):
    reader = PdfReader(io.BytesIO(render_notice(doc)))
    assert len(reader.pages) == 1
    assert re.search(r"(^|\s)1/1(\s|$)", reader.pages[0].extract_text())


def test_a_building_and_its_floor_stay_together_on_one_line():
    lines = [line.strip() for line in pages_text(render_notice(approval_doc(addressee=RARE)))[0].splitlines()]
    assert "東京都港区六本木6丁目10番1号" in lines and "六本木ヒルズ森タワー47F" in lines   # addressee
    assert "東京都千代田区内神田2丁目5番3号" in lines and "神田スクエアビル4F" in lines      # issuer
    assert not any(re.fullmatch(r"\d+[FＦ階]", line) for line in lines)


def test_an_address_is_cut_where_the_building_begins_only_when_it_is_too_long():
    from reseller_desk.reports.format import address_lines

    def short(line: str) -> bool:
        return len(line) <= 16

    assert address_lines("東京都渋谷区渋谷2丁目1番1号", lambda line: True) == ["東京都渋谷区渋谷2丁目1番1号"]
    assert address_lines("東京都千代田区内神田2丁目5番3号神田ビル4F", short) == ["東京都千代田区内神田2丁目5番3号", "神田ビル4F"]
    assert address_lines("大阪府大阪市北区梅田1-1-1 梅田ビル7F", short) == ["大阪府大阪市北区梅田1-1-1", "梅田ビル7F"]
    assert address_lines("大阪府大阪市北区梅田1-1-1梅田ビル7F", short) == ["大阪府大阪市北区梅田1-1-1", "梅田ビル7F"]
    assert address_lines("北海道札幌市中央区北一条西", short) == ["北海道札幌市中央区北一条西"]


def test_a_character_ipaex_lacks_prints_from_the_embedded_ipamj_subset():
    reader = PdfReader(io.BytesIO(render_notice(approval_doc(addressee=RARE))))
    page = reader.pages[0]
    t = flat(page.extract_text())
    assert "株式会社髙橋𠮷野家" in t and "ご担当代表取締役髙橋𠮷男様" in t
    runs: list[tuple[str, str]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append(
        (str(font["/BaseFont"]) if font else "", text)))
    fonts_of = {name.split("+", 1)[1] for name, text in runs if "𠮷" in text}
    assert fonts_of == {FALLBACK}
    assert {name.split("+", 1)[1] for name, text in runs if "髙" in text} == {MINCHO}  # IPAex has 髙
    embedded = {str(f.get_object()["/BaseFont"]).split("+", 1)[1]: f.get_object()
                for f in page["/Resources"]["/Font"].values()}
    assert "/FontFile2" in embedded[FALLBACK]["/FontDescriptor"].get_object()


def test_the_fallback_font_is_embedded_only_when_a_character_needs_it():
    reader = PdfReader(io.BytesIO(render_notice(approval_doc())))
    names = {str(f.get_object()["/BaseFont"]).split("+", 1)[1] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert FALLBACK not in names


def test_a_notice_that_cannot_be_laid_out_raises_unprintable_notice():
    with pytest.raises(UnprintableNotice, match="A4"):
        render_notice(refusal_doc(issuer=replace(OFFICE, name="株式会社" + "長" * 4000)))


def test_approval_without_billing_month_minimum_term_or_support_hours():
    doc = approval_doc(
        approval=dict(
            first_billable_month=None,
            registration_date_label="契約成立日（承諾通知日）",
            first_billable_note="開通日の月から（即日発番.com 利用規約 第28条第2項）",
            minimum_term_months=0,
            early_termination_fee=0,
            support_hours="",
            options=(),
        ),
        addressee=PRIVATE,
    )
    t = flat(pages_text(render_notice(doc))[0])
    assert "高橋健一様" in t and "御中" not in t and "ご担当" not in t
    assert "開通日が決まり次第（開通日の月から）" in t
    assert "契約成立日（承諾通知日）2026年11月20日" in t
    assert "オプションなし" in t
    assert "最低利用期間" not in t and "契約解除料" not in t and "サポート受付時間" not in t


def test_refusal_is_polite_and_gives_no_reason():
    doc = refusal_doc()
    texts = pages_text(render_notice(doc))
    assert len(texts) == 1
    text = texts[0]
    t = flat(text)
    assert_common(text, doc)
    assert "高橋健一様" in t and "御中" not in t
    assert "誠に恐縮ではございますが、今回はお申込みをお受けできないこととなりました。" in t
    assert "申込番号A-2026-000015" in t
    assert "申込受付日2026年11月12日" in t
    assert "サービス即日発番.com" in t
    for word in ("理由", "事由", "滞納", "反社会的", "与信", "違反", "虚偽", "信用", "該当", "第14条", "§"):
        assert word not in t, word
    # the record holds exactly these three fields, no place for a reason
    record = t[t.index("記", t.index("敬具")) + 1 : t.index("以上")]
    assert record == "申込番号A-2026-000015申込受付日2026年11月12日サービス即日発番.com"
    assert re.search(r"(^|\s)1/1(\s|$)", text)


def test_refusal_prints_nothing_of_an_approval_attached_by_mistake():
    doc = refusal_doc(approval=approval_doc().approval)
    t = flat(pages_text(render_notice(doc))[0])
    for fact in ("C-000123", "ビジネスプラン", "¥", "カスタマID", "口座振替", "課金開始"):
        assert fact not in t, fact


def test_a_renderer_refuses_another_kind():
    with pytest.raises(ValueError):
        ApprovalNoticeRenderer(refusal_doc())


def test_missing_optional_lines_are_left_out():
    doc = refusal_doc(
        addressee=Addressee(name="田中 一郎", is_corporate=False),
        issuer=replace(OFFICE, registration_number="", email=""),
    )
    text = pages_text(render_notice(doc))[0]
    t = flat(text)
    assert "田中一郎様" in t
    assert "登録番号" not in t and "E-mail" not in t and "〒101-0047" in t
    assert t.count("〒") == 1                      # only the issuer's
    assert re.search(r"(^|\s)1/1(\s|$)", text)


def test_refusal_to_a_company_with_a_contact_person():
    doc = refusal_doc(addressee=CORPORATE)
    t = flat(pages_text(render_notice(doc))[0])
    assert "株式会社青葉物産" in t and "ご担当総務部佐藤美咲様" in t


def test_revocation_names_the_contract_the_date_and_the_clause():
    doc = revocation_doc()
    text = pages_text(render_notice(doc))[0]
    t = flat(text)
    assert_common(text, doc)
    assert "合同会社はやて企画" in t and "ご担当山本大輔様" in t
    assert "カスタマIDC-000118" in t
    assert "2026年11月21日付をもちまして本契約を取り消しました" in t
    assert "取消日2026年11月21日" in t
    assert "根拠条項即日発番.com利用規約第14条第2項第7号" in t
    assert "郵送による本人確認" in t and "完了" in t
    assert "ご不明な点は下記までお問い合わせください。" in t
    assert "お問い合わせ先" in t
    assert re.search(r"(^|\s)1/1(\s|$)", text)


def test_a_company_addressee_without_contact_gets_onchu_on_the_name_line():
    doc = revocation_doc(addressee=replace(CORPORATE, contact_name=""))
    t = flat(pages_text(render_notice(doc))[0])
    assert "株式会社青葉物産御中" in t and "ご担当" not in t


def test_markup_characters_in_data_print_as_typed():
    doc = refusal_doc(addressee=replace(CORPORATE, name="A&B <テック> 株式会社", contact_name=""))
    t = flat(pages_text(render_notice(doc))[0])
    assert "A&B<テック>株式会社御中" in t


def test_a_long_options_list_flows_onto_a_second_page():
    options = tuple(OptionLine(f"追加番号オプション {n:02d}", 300 + 10 * n) for n in range(1, 21))
    doc = approval_doc(approval=dict(options=options))
    texts = pages_text(render_notice(doc))
    assert len(texts) == 2
    assert re.search(r"(^|\s)1/2(\s|$)", texts[0])
    assert re.search(r"(^|\s)2/2(\s|$)", texts[1])
    both = flat("".join(texts))
    for n in range(1, 21):
        assert f"追加番号オプション{n:02d}" in both
        assert f"月額{yen(300 + 10 * n)}" in both
    # the footer on every page, and page 2 addresses the customer in the words of page 1
    for page in texts:
        assert "株式会社みらいテレコム" in flat(page)
    assert "文書番号承-2026-000001" in flat(texts[1]) and "（続き）" in texts[1]
    assert "株式会社青葉物産ご担当総務部佐藤美咲様" in flat(texts[1])
    assert "御中" not in flat("".join(texts))
    assert "以上" in flat(texts[1])


def test_same_input_same_bytes():
    assert render_notice(approval_doc()) == render_notice(approval_doc())
    assert render_notice(refusal_doc()) == render_notice(refusal_doc())


def test_only_the_shipped_fonts_are_used_and_all_are_embedded():
    """Embedded TrueType subsets of IPAex, no CID font (HeiseiMin …) and no unembedded base font
    that would depend on the reader's machine."""
    reader = PdfReader(io.BytesIO(render_notice(approval_doc())))
    names = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
            assert font["/Subtype"] == "/TrueType", font["/BaseFont"]
            assert "/FontFile2" in font["/FontDescriptor"].get_object()  # the program is in the PDF
            assert "/ToUnicode" in font                                   # text can be copied
    assert {n.split("+", 1)[1] for n in names} == {"IPAexMincho", "IPAexGothic"}


def _ink(image, box: tuple[float, float, float, float]) -> float:
    """The share of dark pixels in ``box`` (left, top, right, bottom as fractions of the page)."""
    gray = image.convert("L")
    w, h = gray.size
    region = gray.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    histogram = region.histogram()
    return sum(histogram[:128]) / sum(histogram)


@pytest.mark.parametrize("doc", [approval_doc(), refusal_doc(), revocation_doc()], ids=["approval", "refusal", "revocation"])
def test_page_one_shows_the_sender_the_title_and_the_record_to_a_reader(doc, tmp_path):
    """Rendered to pixels as a reader's screen shows it: ink in the issuer block (top right)
    and in the title line, a blank right margin, and one page."""
    pdf_path = tmp_path / f"{doc.kind.value}.pdf"
    pdf_path.write_bytes(render_notice(doc))
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        assert len(pdf) == 1
        image = pdf[0].render(scale=100 / 72).to_pil()
    finally:
        pdf.close()
    png = tmp_path / f"{doc.kind.value}.png"
    image.save(png)
    assert image.size == (827, 1170)                               # A4 at 100 dpi
    assert 0.01 < _ink(image, (0, 0, 1, 1)) < 0.2                  # text, not blank, not black
    assert _ink(image, (0.55, 0.09, 0.92, 0.22)) > 0.03            # issuer block, top right
    assert _ink(image, (0.25, 0.23, 0.75, 0.26)) > 0.05            # the title, centred
    assert _ink(image, (0.25, 0.23, 0.75, 0.26)) > _ink(image, (0.0, 0.23, 0.09, 0.26))
    assert _ink(image, (0.92, 0, 1, 1)) == 0                       # nothing runs into the right margin

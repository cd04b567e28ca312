"""The invoice PDF read back with pypdf: every item a qualified invoice (適格請求書) must show,
and the sums to the yen, for a one-line SC transfer invoice, an SH debit invoice, a forty-line
invoice over two pages, a credit invoice, an invoice of every tax category with a carried-in
credit, one whose credit is carried forward, and a customer named with markup characters and
rare kanji."""

from __future__ import annotations

import io
from dataclasses import replace

from pypdf import PdfReader

from reseller_desk.domain.invoice_document import InvoiceDocument
from reseller_desk.reports.fonts import FALLBACK, GOTHIC
from reseller_desk.reports.format import jp_date
from reseller_desk.reports.invoice import InvoiceRenderer, file_marker, render_invoice

from .invoice_samples import (
    credit_of,
    flat,
    forty_lines,
    mixed_with_carried_in,
    one_line,
    over_credited,
    pages_text,
    rare_names,
    sh_debit,
)

TABLE_HEADER = "カスタマID内容期間数量単価金額税区分"


def text_of(doc: InvoiceDocument) -> str:
    return flat("".join(pages_text(render_invoice(doc))))


def assert_qualified_invoice_items(t: str, doc: InvoiceDocument) -> None:
    """The issuer with its registration number, the number and date, the customer, the month."""
    assert "株式会社みらいテレコム" in t and "〒101-0047" in t and "東京都千代田区内神田2丁目5番3号" in t
    assert "TEL03-5289-7410" in t
    assert "登録番号T8700110005901" in t
    assert f"請求書番号{doc.number}" in t
    assert f"発行日{jp_date(doc.issue_date)}" in t
    assert f"〒{doc.customer.postal_code}" in t and flat(doc.customer.address) in t
    assert flat(doc.customer.name) + ("御中" if doc.customer.is_corporate else "様") in t
    assert "ご利用月2026年11月分" in t and f"サービス{flat(doc.service_name)}" in t
    assert TABLE_HEADER in t
    assert "税区分：※軽減税率（8%）対象非非課税不不課税記号なし課税10%" in t


def test_a_one_line_sc_transfer_invoice_shows_every_required_item_and_the_sums():
    doc = one_line()
    t = text_of(doc)
    assert t.startswith("請求書")
    assert_qualified_invoice_items(t, doc)
    assert "C0000001ベーシックプラン月額11/1〜11/302¥2,980¥5,960" in t      # 2 × 2,980, 課税10% (no mark)
    assert "10%対象¥5,960消費税¥596" in t
    assert "8%対象（軽減）¥0消費税¥0" in t and "非課税¥0" in t and "不課税¥0" in t
    assert "合計（税込）¥6,556" in t
    assert "ご請求金額¥6,556（税込）" in t
    assert "お支払期限2026年12月30日" in t         # last day of M+1, 31st is a bank holiday
    assert "お支払方法：銀行振込（お振込先）みずほ銀行神田支店普通1234567ｶ)ﾐﾗｲﾃﾚｺﾑ" in t
    assert "振込手数料はお客様のご負担となります。" in t
    assert "領収書は発行いたしません（SC§9.14）。" in t
    assert "1/1" in t


def test_an_sh_debit_invoice_shows_the_debit_date_and_the_masked_account_and_no_transfer_fee():
    doc = sh_debit()
    t = text_of(doc)
    assert_qualified_invoice_items(t, doc)
    assert "佐藤一郎様" in t
    assert "C0000011スタンダード月額11/1〜11/303¥1,650¥4,950" in t
    assert "C0000012スタンダード初期費用11/1〜11/301¥3,300¥3,300" in t
    assert "10%対象¥10,890消費税¥1,089" in t and "合計（税込）¥11,979" in t
    assert "ご請求金額¥11,979（税込）" in t
    assert "お支払期限2026年12月28日（口座振替）" in t      # the 27th is a Sunday
    assert "お支払方法：口座振替口座振替日2026年12月28日振替口座みずほ銀行渋谷支店普通****321ｶ)ﾐﾗｲｼｮｳｼﾞ" in t
    assert "7654321" not in t
    assert "振込" not in t.replace("口座振替", "")     # no transfer account and no transfer fee
    assert "領収書" not in t                           # SH has no such note


def test_forty_lines_break_across_pages_with_the_header_on_every_page_and_each_line_once():
    doc = forty_lines()
    pdf = render_invoice(doc)
    pages = [flat(p) for p in pages_text(pdf)]
    assert len(pages) == len(InvoiceRenderer(doc).paginate()) == 2
    for number, page in enumerate(pages, start=1):
        assert f"請求書番号{doc.number}" in page
        assert "株式会社みらい商事御中" in page
        assert TABLE_HEADER in page
        assert page.endswith(f"{number}/{len(pages)}")
    assert pages[1].startswith("請求書（続き）")
    t = "".join(pages)
    for line in doc.lines:
        assert t.count(flat(line.description)) == 1, line.description   # long ones wrapped, none cut
    total_10 = sum(line.amount for line in doc.lines)
    assert total_10 == doc.totals.taxable_10 == 231_000
    assert t.count(f"10%対象¥{total_10:,}消費税¥23,100") == 1
    assert t.count("合計（税込）¥254,100") == 1 and t.count("ご請求金額¥254,100（税込）") == 1
    assert "合計" not in pages[0]                                        # totals after the last line
    assert t.count("振込手数料はお客様のご負担となります。") == 1


def test_a_hundred_lines_make_three_pages_or_more_each_numbered_of_the_total():
    doc = forty_lines()
    doc = replace(doc, lines=doc.lines * 3, number="2026-000199")
    pages = [flat(p) for p in pages_text(render_invoice(doc))]
    assert len(pages) >= 3
    assert [p[-len(f"{i}/{len(pages)}"):] for i, p in enumerate(pages, start=1)] == [
        f"{i}/{len(pages)}" for i in range(1, len(pages) + 1)]
    assert all(TABLE_HEADER in p and "請求書番号2026-000199" in p for p in pages)


def test_a_credit_invoice_names_the_invoice_it_corrects_and_the_amount_returned():
    original = one_line()
    doc = credit_of(original)
    t = text_of(doc)
    assert t.startswith("返還請求書（適格返還請求書）")
    assert_qualified_invoice_items(t, doc)
    assert "下記請求書の訂正です:請求書番号2026-000101（2026年12月1日発行）" in t
    assert "C0000001ベーシックプラン月額11/1〜11/302-¥2,980-¥5,960" in t
    assert "10%対象-¥5,960消費税-¥596" in t and "合計（税込）-¥6,556" in t
    assert "返還金額¥6,556（税込）" in t
    assert "お支払期限" not in t and "お振込先" not in t and "ご請求金額" not in t


def test_every_tax_category_is_marked_and_totalled_with_the_credit_carried_in():
    doc = mixed_with_carried_in()
    t = text_of(doc)
    assert_qualified_invoice_items(t, doc)
    assert "C0000001ベーシックプラン月額11/1〜11/301¥2,980¥2,980C0000001" in t   # 課税10%: no mark
    assert "ミネラルウォーター（軽減税率対象）11/181¥1,080¥1,080※" in t
    assert "収入印紙代11/181¥200¥200非" in t
    assert "遅延損害金（請求書2026-000050）11/181¥123¥123不" in t
    assert "前回からの繰越（請求書2026-000077）1-¥500-¥500不" in t
    assert "10%対象¥2,980消費税¥298" in t
    assert "8%対象（軽減）¥1,080消費税¥87" in t        # 86.4 rounded up (SC §12)
    assert "非課税¥200" in t and "不課税-¥377" in t     # 123 − 500
    assert "合計（税込）¥4,268" in t and "ご請求金額¥4,268（税込）" in t
    assert 2980 + 298 + 1080 + 87 + 200 - 377 == doc.totals.total == 4268
    assert "クレジット残高" not in t


def test_a_credit_larger_than_the_charges_is_carried_forward_and_nothing_is_to_pay():
    doc = over_credited()
    assert doc.carried_forward == 2222
    t = text_of(doc)
    assert "障害に伴う返金（11/3〜11/5）11/181-¥5,000-¥5,000" in t
    assert "次回へ繰越（クレジット残高）1¥2,222¥2,222不" in t
    assert "10%対象-¥2,020消費税-¥202" in t and "不課税¥2,222" in t and "合計（税込）¥0" in t
    assert "ご請求金額¥0（税込）" in t and "今回お支払いいただく金額はありません" in t
    assert "クレジット残高¥2,222は次回のご請求から差し引きます" in t
    assert "お支払期限" not in t and "お振込先" not in t


def test_markup_characters_and_rare_kanji_print_literally():
    doc = rare_names()
    pdf = render_invoice(doc)
    t = text_of(doc)
    assert "<株式会社&髙𠮷﨑>御中" in t
    assert "東京都千代田区千代田1番1号<A&B>ビル" in t
    assert "ベーシック<特別>&割引月額" in t
    assert "&amp;" not in t and "&lt;" not in t
    runs: list[tuple[str, str]] = []
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append(
        (str(font["/BaseFont"]).split("+", 1)[-1] if font else "", text)))
    assert {font for font, text in runs if "𠮷" in text} == {FALLBACK}     # IPAex lacks it
    assert {font for font, text in runs if "髙" in text or "﨑" in text} == {GOTHIC}


def test_one_font_is_embedded_and_the_file_says_which_invoice_it_is():
    pdf = render_invoice(one_line())
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(ref.get_object()["/BaseFont"]).split("+", 1)[1] for ref in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {GOTHIC}
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        assert "/FontFile2" in ref.get_object()["/FontDescriptor"].get_object()
    assert reader.metadata.title == "請求書 2026-000101"
    assert reader.metadata["/Keywords"] == file_marker(one_line())
    assert reader.metadata.author == "株式会社みらいテレコム"


def test_the_same_invoice_gives_the_same_bytes_and_another_number_other_bytes():
    assert render_invoice(one_line()) == render_invoice(one_line())
    assert render_invoice(credit_of(one_line())) == render_invoice(credit_of(one_line()))
    other = replace(one_line(), number="2026-000999")
    assert render_invoice(other) != render_invoice(one_line())
    assert file_marker(other) != file_marker(one_line())

"""Invoice documents for the PDF tests and the benchmark, made the way the billing run makes
them (tests/services/invoice_builders.document: settled lines, dates from the rules)."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

from pypdf import PdfReader

from reseller_desk.domain import billing
from reseller_desk.domain.billing import BillLine, LineKind
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import DocumentParty, InvoiceDocument, InvoiceKind
from tests.services.invoice_builders import MONTH, document, recurring

__all__ = ["credit_of", "fixed", "flat", "forty_lines", "mixed_with_carried_in", "numbered", "one_line",
           "over_credited", "pages_text", "rare_names", "sh_debit"]

LONG = "（特約 2026-08 値引き後の価格、請求先の指定による社内コード記載あり: 営業部 東日本第二課 予算区分 B-17）"


def numbered(doc: InvoiceDocument, number: str) -> InvoiceDocument:
    return replace(doc, number=number)


def fixed(text: str, amount: int, tax: TaxCategory, *, kind: LineKind = LineKind.FIXED, code: str = "C0000001",
          day: dt.date = dt.date(2026, 11, 18)) -> BillLine:
    return BillLine(kind, text, 1, amount, amount, tax, code, None, day, day, "one_time_charge")


def one_line() -> InvoiceDocument:
    """SC, bank transfer, one plan line."""
    return numbered(document([recurring("C0000001", "ベーシックプラン 月額", 2, 2980)]), "2026-000101")


def sh_debit() -> InvoiceDocument:
    """即日発番.com (SH: tax truncated), direct debit, two contracts."""
    lines = [recurring("C0000011", "スタンダード 月額", 3, 1650), recurring("C0000011", "通話録音 月額", 3, 330),
             recurring("C0000012", "スタンダード 月額", 1, 1650),
             BillLine(LineKind.INITIAL, "スタンダード 初期費用", 1, 3300, 3300, TaxCategory.TAXABLE_10, "C0000012", None,
                      MONTH, billing.last_day(MONTH))]
    customer = DocumentParty("佐藤 一郎", "530-0001", "大阪府大阪市北区梅田1丁目1番1号 梅田タワー12F", is_corporate=False)
    return numbered(document(lines, profile_key="sokujitsu", method=PaymentMethod.DEBIT, customer=customer),
                    "2026-000102")


def forty_lines() -> InvoiceDocument:
    """Forty lines over four contracts, every seventh with a description that wraps."""
    lines = [recurring(f"C{1000 + i // 10:07d}", f"明細{i + 1:02d} オプション 月額" + (LONG if i % 7 == 3 else ""),
                       i % 4 + 1, 110 * (i + 1)) for i in range(40)]
    return numbered(document(lines), "2026-000103")


def credit_of(original: InvoiceDocument, number: str = "2026-000110") -> InvoiceDocument:
    """適格返還請求書 returning the whole of ``original``."""
    return replace(original, number=number, kind=InvoiceKind.CREDIT, lines=billing.reversed_lines(original.lines),
                   totals=original.totals.negated(), due_date=None, carried_forward=0,
                   corrects_number=original.number, corrects_issue_date=original.issue_date,
                   issue_date=dt.date(2026, 12, 10))


def mixed_with_carried_in() -> InvoiceDocument:
    """10%, 8% (軽減), 非課税 and 不課税 lines and the credit an earlier invoice carried forward."""
    lines = [recurring("C0000001", "ベーシックプラン 月額", 1, 2980),
             fixed("ミネラルウォーター（軽減税率対象）", 1080, TaxCategory.REDUCED_8),
             fixed("収入印紙代", 200, TaxCategory.EXEMPT),
             fixed("遅延損害金（請求書 2026-000050）", 123, TaxCategory.OUTSIDE),
             billing.carried_in_line(500, "2026-000077", None)]
    return numbered(document(lines), "2026-000104")


def over_credited() -> InvoiceDocument:
    """A goodwill credit larger than the month's charges: the rest is carried to next month."""
    lines = [recurring("C0000001", "ベーシックプラン 月額", 1, 2980),
             fixed("障害に伴う返金（11/3〜11/5）", -5000, TaxCategory.TAXABLE_10, kind=LineKind.CREDIT_ADJ)]
    return numbered(document(lines), "2026-000105")


def rare_names() -> InvoiceDocument:
    customer = DocumentParty("<株式会社&髙𠮷﨑>", "100-0001", "東京都千代田区千代田1番1号 <A&B>ビル", is_corporate=True)
    lines = [recurring("C0000021", "ベーシック <特別> & 割引 月額", 1, 2980)]
    return numbered(document(lines, customer=customer), "2026-000106")


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """The text without whitespace (extraction puts spaces and line breaks where it likes)."""
    return re.sub(r"\s+", "", text)

"""The invoice as PDF: 請求書（適格請求書） and 返還請求書（適格返還請求書）, A4 portrait.

Drawn from the frozen ``InvoiceDocument`` alone, straight on the ReportLab canvas: the layout
is measured first (every block's height, the lines table cut into pages), then drawn knowing
the page count, so "1/3" needs no second pass. A month prints a thousand of these, so the
page is laid out by this module's own arithmetic rather than Platypus (whose paragraphs cost
more than the page itself); the text is cut to its column by ``reports.text_layout`` and
drawn through ``reports.fonts.draw_string``, so a character IPAex lacks (𠮷) prints in the
fallback font and ``<``, ``&`` print as typed. One font, IPAexGothic (the usual face of
business forms), embedded and subset: one subset per file is the cost of each file.

What the page shows (インボイス制度, 消費税法第57条の4): the issuer's name, address and 登録番号; the
invoice number and issue date; the customer; the usage month; every line with its tax mark
(legend under the table); per rate the taxable total and the tax, the 非課税 and 不課税 totals;
the amount due and when; how to pay; the profile's notes (SC §9.14). A credit invoice names
the invoice it corrects. Later pages repeat the title, the number, the customer's name and the
table's header.

The same document gives the same bytes (``invariant=1``); the file carries a marker of the
invoice in its keywords (:func:`file_marker`) so that a saved file can be recognised.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from reseller_desk.domain.billing import TRANSFER_FEE_NOTE, BillLine
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.invoice_document import InvoiceDocument, InvoiceKind
from reseller_desk.domain.notices import Addressee
from reseller_desk.reports.fonts import GOTHIC, register_fonts, string_width
from reseller_desk.reports.format import IDEOGRAPHIC_SPACE, address_lines, jp_date, jp_month, postal, salutation, yen
from reseller_desk.reports.page_flow import Block, Placed, TooTall, draw_text, fitted, lines_block, paginate
from reseller_desk.reports.text_layout import fit_size, wrap

__all__ = ["InvoiceRenderer", "UnprintableInvoice", "combined_marker", "file_marker", "render_invoice",
           "render_invoices", "tax_mark", "TAX_LEGEND"]

SP = IDEOGRAPHIC_SPACE
MARKER_PREFIX = "reseller-desk:invoice:"
COMBINED_MARKER_PREFIX = "reseller-desk:invoices:"

_MARKS = {TaxCategory.TAXABLE_10: "", TaxCategory.REDUCED_8: "※", TaxCategory.EXEMPT: "非",
          TaxCategory.OUTSIDE: "不"}
#: Under the table, one mark a line (税区分).
TAX_LEGEND = ("税区分：※ 軽減税率（8%）対象", "非 非課税", "不 不課税", "記号なし 課税10%")


class UnprintableInvoice(ValueError):
    """The invoice cannot be laid out on A4 (a line or a name taller than a page)."""


def tax_mark(category: TaxCategory) -> str:
    return _MARKS[category]


def file_marker(document: InvoiceDocument) -> str:
    """``reseller-desk:invoice:<number>:<digest of the frozen content>``, written into the
    PDF's keywords: the same invoice gives the same marker, whatever the layout's version."""
    digest = hashlib.sha256(document.to_json().encode()).hexdigest()[:32]
    return f"{MARKER_PREFIX}{document.number}:{digest}"


def combined_marker(documents: Iterable[InvoiceDocument]) -> str:
    """``reseller-desk:invoices:<months>``, the keywords of a combined print file."""
    months = dict.fromkeys(f"{d.billing_month:%Y-%m}" for d in documents)
    return f"{COMBINED_MARKER_PREFIX}{','.join(months)}"


def _period(line: BillLine, year: int) -> str:
    """11/1〜11/30 (the year only when it is not the billing month's), 11/5 for one day."""
    start, end = line.period_from, line.period_to
    if start is None or end is None:
        return ""
    same_year = start.year == end.year == year

    def day(d: dt.date) -> str:
        return f"{d.month}/{d.day}" if same_year else f"{d.year}/{d.month}/{d.day}"

    return day(start) if start == end else f"{day(start)}〜{day(end)}"


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: str          # "left" | "right" | "center"
    figure: bool = False  # one line, shrunk to fit rather than wrapped


class InvoiceRenderer:
    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 15 * mm
    margin_right: ClassVar[float] = 15 * mm
    margin_top: ClassVar[float] = 14 * mm
    margin_bottom: ClassVar[float] = 11 * mm      # baseline of the footer line
    footer_room: ClassVar[float] = 10 * mm        # the footer and the gap above it
    font: ClassVar[str] = GOTHIC
    title_size: ClassVar[float] = 18
    size: ClassVar[float] = 9                     # body text
    leading: ClassVar[float] = 13
    name_size: ClassVar[float] = 13               # the customer's name
    issuer_name_size: ClassVar[float] = 10.5
    amount_size: ClassVar[float] = 17             # ご請求金額
    table_size: ClassVar[float] = 8.5
    table_leading: ClassVar[float] = 11
    pad: ClassVar[float] = 1.6 * mm               # cell padding
    small: ClassVar[float] = 7.5
    issuer_width: ClassVar[float] = 72 * mm
    totals_width: ClassVar[float] = 98 * mm
    rule: ClassVar[colors.Color] = colors.HexColor("#808080")
    shade: ClassVar[colors.Color] = colors.HexColor("#EEEEEE")
    grey: ClassVar[colors.Color] = colors.HexColor("#404040")
    continued: ClassVar[str] = "（続き）"

    def __init__(self, document: InvoiceDocument) -> None:
        register_fonts()
        self.doc = document
        self.credit = document.kind is InvoiceKind.CREDIT
        self.width, self.height = self.pagesize
        self.left = self.margin_left
        self.right = self.width - self.margin_right
        self.content_width = self.right - self.left
        fixed = [Column("カスタマID", 21 * mm, "left"), Column("期間", 23 * mm, "center"),
                 Column("数量", 12 * mm, "right", True), Column("単価", 22 * mm, "right", True),
                 Column("金額", 24 * mm, "right", True), Column("税区分", 13 * mm, "center")]
        text_width = self.content_width - sum(c.width for c in fixed)
        self.columns = [fixed[0], Column("内容", text_width, "left"), *fixed[1:]]

    # --- words ------------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return "返還請求書（適格返還請求書）" if self.credit else "請求書"

    @property
    def number_label(self) -> str:
        return f"請求書番号{SP}{self.doc.number}"

    def addressee(self) -> Addressee:
        c = self.doc.customer
        return Addressee(c.name, c.postal_code, c.address, is_corporate=c.is_corporate)

    # --- drawing helpers --------------------------------------------------------------------
    def text(self, c: Canvas, x: float, y: float, text: str, size: float, anchor: str = "left") -> None:
        draw_text(c, x, y, text, self.font, size, anchor)

    def lines_block(self, lines: list[tuple[str, float]], x: float, width: float, gap: float = 0) -> Block:
        return lines_block(lines, x, width, self.font, gap=gap)

    # --- page 1 -----------------------------------------------------------------------------
    def header_blocks(self) -> list[Block]:
        return [self.title_block(), self.parties_block(), *self.reference_blocks(), self.summary_block()]

    def title_block(self) -> Block:
        size = self.title_size if not self.credit else self.title_size - 2

        def draw(c: Canvas, top: float) -> None:
            self.text(c, self.width / 2, top - size, self.title, size, "center")
            c.setStrokeColor(colors.black)
            c.setLineWidth(0.8)
            half = string_width(self.title, self.font, size) / 2 + 4 * mm
            c.line(self.width / 2 - half, top - size - 2.2 * mm, self.width / 2 + half, top - size - 2.2 * mm)

        return Block(size + 7 * mm, draw)

    def customer_lines(self, width: float) -> list[tuple[str, float]]:
        c = self.doc.customer
        out: list[tuple[str, float]] = []
        if c.postal_code:
            out.append((postal(c.postal_code), 10))
        if c.address:
            out += [(line, 10) for line in address_lines(
                c.address, lambda line: string_width(line, self.font, 10) <= width)]
        return out

    def issuer_lines(self) -> list[tuple[str, float]]:
        i = self.doc.issuer
        out = [(self.number_label, self.size), (f"発行日{SP}{jp_date(self.doc.issue_date)}", self.size), ("", 3),
               (i.name, self.issuer_name_size)]
        if i.postal_code:
            out.append((postal(i.postal_code), self.size))
        if i.address:
            out += [(line, self.size) for line in address_lines(
                i.address, lambda line: string_width(line, self.font, self.size) <= self.issuer_width)]
        if i.phone:
            out.append((f"TEL{SP}{i.phone}", self.size))
        if i.registration_number:
            out.append((f"登録番号{SP}{i.registration_number}", self.size))
        return out

    def parties_block(self) -> Block:
        left_width = self.content_width - self.issuer_width - 8 * mm
        address = self.lines_block(self.customer_lines(left_width), self.left, left_width, gap=2 * mm)
        name_lines = wrap(salutation(self.addressee()), left_width, self.font, self.name_size)
        name_height = len(name_lines) * self.name_size * 1.4 + 2 * mm
        code = self.doc.customer.code
        code_block = self.lines_block([(f"お客様番号{SP}{code}", self.size)] if code else [], self.left, left_width)
        issuer = self.lines_block(self.issuer_lines(), self.right - self.issuer_width, self.issuer_width)
        left_height = address.height + name_height + code_block.height
        height = max(left_height, issuer.height) + 4 * mm

        def draw(c: Canvas, top: float) -> None:
            address.draw(c, top)
            y = top - address.height
            for line in name_lines:
                y -= self.name_size * 1.4
                self.text(c, self.left, y + self.name_size * 0.3, line, self.name_size)
            c.setStrokeColor(colors.black)
            c.setLineWidth(0.6)
            c.line(self.left, y, self.left + left_width, y)
            code_block.draw(c, y - 2 * mm)
            issuer.draw(c, top)

        return Block(height, draw)

    def reference_blocks(self) -> list[Block]:
        d = self.doc
        lines: list[tuple[str, float]] = []
        if d.corrects_number:
            when = f"（{jp_date(d.corrects_issue_date)}発行）" if d.corrects_issue_date else ""
            lines.append((f"下記請求書の訂正です: 請求書番号 {d.corrects_number}{when}", 10))
        lines.append(("下記のとおり返還いたします。" if self.credit else "下記のとおりご請求申し上げます。", self.size))
        return [self.lines_block(lines, self.left, self.content_width, gap=1.5 * mm)]

    def amount_text(self) -> tuple[str, str]:
        total = self.doc.totals.total
        if self.credit:
            return "返還金額", f"{yen(-total if total <= 0 else total)}（税込）"
        return "ご請求金額", f"{yen(total)}（税込）"

    def due_text(self) -> str:
        d = self.doc
        if self.credit or d.due_date is None:
            return ""
        if d.totals.total <= 0:
            return "今回お支払いいただく金額はありません"
        method = "（口座振替）" if d.payment_method is PaymentMethod.DEBIT else ""
        return f"お支払期限{SP}{jp_date(d.due_date)}{method}"

    def summary_block(self) -> Block:
        """ご利用月 and the service, then the amount due, large, and the due date, in a box."""
        d = self.doc
        usage = f"ご利用月{SP}{jp_month(d.billing_month)}分{SP}{SP}サービス{SP}{d.service_name}"
        usage_lines = wrap(usage, self.content_width - 2 * self.pad, self.font, self.size)
        label, amount = self.amount_text()
        row = self.amount_size * 1.5
        height = len(usage_lines) * self.leading + row + 2 * self.pad + 2 * mm

        def draw(c: Canvas, top: float) -> None:
            box_top = top - 1 * mm
            box_height = height - 3 * mm
            c.setStrokeColor(self.rule)
            c.setLineWidth(0.6)
            c.setFillColor(self.shade)
            c.rect(self.left, box_top - box_height, self.content_width, box_height, stroke=1, fill=1)
            c.setFillColor(colors.black)
            y = box_top - self.pad
            for line in usage_lines:
                y -= self.leading
                self.text(c, self.left + self.pad, y + 3, line, self.size)
            base = y - row + self.amount_size * 0.35
            self.text(c, self.left + self.pad, base, label, 11)
            self.text(c, self.left + self.pad + 22 * mm, base, amount, self.amount_size)
            due = self.due_text()
            if due:
                self.text(c, self.right - self.pad, base, due, 10.5, "right")

        return Block(height, draw)

    # --- the lines table --------------------------------------------------------------------
    def cells(self, line: BillLine) -> list[str]:
        return [line.customer_code, line.description, _period(line, self.doc.billing_month.year),
                f"{line.quantity:,}", "" if line.unit_amount is None else yen(line.unit_amount), yen(line.amount),
                tax_mark(line.tax_category)]

    def row_block(self, texts: list[str], *, header: bool = False) -> Block:
        size, leading = self.table_size, self.table_leading
        laid: list[tuple[list[str], float]] = []
        for column, text in zip(self.columns, texts, strict=True):
            room = column.width - 2 * self.pad
            if column.figure:
                laid.append(([text], fit_size(text, room, self.font, size)))
            else:
                laid.append((wrap(text, room, self.font, size), size))
        height = max(len(parts) for parts, _ in laid) * leading + 2 * self.pad - 2

        def draw(c: Canvas, top: float) -> None:
            if header:
                c.setFillColor(self.shade)
                c.rect(self.left, top - height, self.content_width, height, stroke=0, fill=1)
                c.setFillColor(colors.black)
            x = self.left
            for column, (parts, cell_size) in zip(self.columns, laid, strict=True):
                y = top - self.pad - leading + 2.5
                for part in parts:
                    if header or column.align == "center":
                        self.text(c, x + column.width / 2, y, part, cell_size, "center")
                    elif column.align == "right":
                        self.text(c, x + column.width - self.pad, y, part, cell_size, "right")
                    else:
                        self.text(c, x + self.pad, y, part, cell_size)
                    y -= leading
                x += column.width
            c.setStrokeColor(self.rule)
            c.setLineWidth(0.4)
            c.line(self.left, top - height, self.right, top - height)
            if header:
                c.line(self.left, top, self.right, top)
            x = self.left
            for column in self.columns:
                c.line(x, top, x, top - height)
                x += column.width
            c.line(self.right, top, self.right, top - height)

        return Block(height, draw, row=not header)

    def table_header(self) -> Block:
        return self.row_block([column.title for column in self.columns], header=True)

    # --- after the table --------------------------------------------------------------------
    def totals_block(self) -> Block:
        t = self.doc.totals
        rows = [("10%対象", t.taxable_10, "消費税", t.tax_10), ("8%対象（軽減）", t.taxable_8, "消費税", t.tax_8),
                ("非課税", t.exempt, "", None), ("不課税", t.outside, "", None)]
        legend_width = self.content_width - self.totals_width - 6 * mm
        legend = self.lines_block([(text, self.small) for text in TAX_LEGEND], self.left, legend_width)
        row_height = self.leading + 1
        carried = self.doc.carried_forward
        carry = (self.lines_block([(f"クレジット残高 {yen(carried)} は次回のご請求から差し引きます", self.size)],
                                  self.right - self.totals_width, self.totals_width) if carried > 0 else None)
        table_height = row_height * (len(rows) + 1) + 3
        height = 2 * mm + max(legend.height, table_height + (carry.height + 1.5 * mm if carry else 0)) + 3 * mm

        def draw(c: Canvas, top: float) -> None:
            top -= 2 * mm
            legend.draw(c, top)
            x0 = self.right - self.totals_width
            c.setStrokeColor(self.rule)
            c.setLineWidth(0.4)
            y = top
            for label, amount, tax_label, tax in rows:
                base = y - row_height + 3.5
                self.text(c, x0 + self.pad, base, label, self.size)
                self.text(c, x0 + 0.55 * self.totals_width - self.pad, base, yen(amount), self.size, "right")
                if tax is not None:
                    self.text(c, x0 + 0.58 * self.totals_width, base, tax_label, self.size)
                    self.text(c, self.right - self.pad, base, yen(tax), self.size, "right")
                y -= row_height
                c.line(x0, y, self.right, y)
            c.setLineWidth(0.9)
            c.line(x0, y - 1, self.right, y - 1)
            base = y - row_height + 2
            self.text(c, x0 + self.pad, base, "合計（税込）", 10)
            self.text(c, self.right - self.pad, base, yen(t.total), 10.5, "right")
            if carry is not None:
                carry.draw(c, y - row_height - 3 - 1.5 * mm)

        return Block(height, draw)

    def payment_lines(self) -> list[tuple[str, float]]:
        d = self.doc
        if self.credit or d.totals.total <= 0:
            return []
        if d.payment_method is PaymentMethod.DEBIT:
            out: list[tuple[str, float]] = [("お支払方法：口座振替", 10)]
            if d.due_date is not None:
                out.append((f"口座振替日{SP}{jp_date(d.due_date)}", self.size))
            if d.debit is not None:
                a = d.debit
                out.append((f"振替口座{SP}{a.bank_name}{SP}{a.branch_name}{SP}{a.account_type}{SP}"
                            f"{a.account_number_masked}{SP}{a.holder_kana}", self.size))
            return out
        out = [("お支払方法：銀行振込（お振込先）", 10.0)]
        out += [(f"{a.bank_name}{SP}{a.branch_name}{SP}{a.account_type}{SP}{a.account_number}{SP}{a.holder_kana}",
                 self.size) for a in d.transfer_accounts]
        out.append((TRANSFER_FEE_NOTE, self.size))
        return out

    def closing_blocks(self) -> list[Block]:
        blocks = [self.totals_block()]
        payment = self.payment_lines()
        if payment:
            blocks.append(self.lines_block(payment, self.left, self.content_width, gap=2 * mm))
        if self.doc.notes:
            blocks.append(self.lines_block([(f"・{note}", self.size) for note in self.doc.notes],
                                           self.left, self.content_width))
        return blocks

    # --- pages ------------------------------------------------------------------------------
    def later_header_height(self) -> float:
        return float(2 * self.size * 1.5 + 4 * mm)

    def paginate(self) -> list[Placed]:
        """Every block placed on a page at its top ``y``: the header on page 1, then the table
        (its header repeated on each page it continues on), then the totals and notes, each
        kept whole."""
        table_header = self.table_header()
        flow = [*self.header_blocks(), table_header, *(self.row_block(self.cells(line)) for line in self.doc.lines),
                *self.closing_blocks()]
        try:
            return paginate(flow, first_top=self.height - self.margin_top,
                            later_top=self.height - self.margin_top - self.later_header_height(),
                            bottom=self.margin_bottom + self.footer_room, table_header=table_header)
        except TooTall as error:
            raise UnprintableInvoice(f"請求書 {self.doc.number}: A4 の1ページに収まらない項目があります") from error

    def draw_later_header(self, c: Canvas) -> None:
        y = self.height - self.margin_top - self.size
        right = f"{self.number_label}{SP}発行日{SP}{jp_date(self.doc.issue_date)}"
        room = self.content_width - string_width(right, self.font, self.size) - 5 * mm
        c.setFillColor(self.grey)
        self.text(c, self.left, y, fitted(f"{self.title}{self.continued}", self.font, self.size, room), self.size)
        self.text(c, self.right, y, right, self.size, "right")
        self.text(c, self.left, y - self.size * 1.5,
                  fitted(salutation(self.addressee()), self.font, self.size, self.content_width), self.size)
        c.setFillColor(colors.black)

    def draw_footer(self, c: Canvas, page: int, total: int) -> None:
        y = self.margin_bottom + self.small + 2 * mm
        c.setStrokeColor(self.rule)
        c.setLineWidth(0.4)
        c.line(self.left, y, self.right, y)
        c.setFillColor(self.grey)
        number = f"{page}/{total}"
        room = self.content_width - string_width(number, self.font, self.small) - 30 * mm
        self.text(c, self.left, self.margin_bottom, fitted(self.doc.issuer.name, self.font, self.small, room),
                  self.small)
        self.text(c, self.width / 2, self.margin_bottom, self.number_label, self.small, "center")
        self.text(c, self.right, self.margin_bottom, number, self.small, "right")
        c.setFillColor(colors.black)

    def draw(self, c: Canvas) -> int:
        """Draw every page of the invoice on ``c`` (``showPage`` after each); returns the count."""
        pages = self.paginate()
        for number, placed in enumerate(pages, start=1):
            if number > 1:
                self.draw_later_header(c)
            for top, block in placed:
                block.draw(c, top)
            self.draw_footer(c, number, len(pages))
            c.showPage()
        return len(pages)


def _canvas(buffer: io.BytesIO, title: str, author: str, keywords: str) -> Canvas:
    register_fonts()        # before the canvas names its initial font
    canvas = Canvas(buffer, pagesize=InvoiceRenderer.pagesize, invariant=1, initialFontName=InvoiceRenderer.font,
                    initialFontSize=InvoiceRenderer.size, lang="ja-JP")
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(title)
    canvas.setCreator("Reseller Desk")
    canvas.setProducer("Reseller Desk")
    canvas.setKeywords(keywords)
    return canvas


def render_invoice(document: InvoiceDocument) -> bytes:
    """The invoice's PDF; the same document gives the same bytes."""
    renderer = InvoiceRenderer(document)
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"{renderer.title} {document.number}", document.issuer.name, file_marker(document))
    renderer.draw(canvas)
    canvas.save()
    return buffer.getvalue()


def render_invoices(documents: Iterable[InvoiceDocument]) -> bytes:
    """One PDF of many invoices for printing: each starts on a new page, keeps its own "1/N",
    and has a bookmark (its number and customer)."""
    buffer = io.BytesIO()
    canvas: Canvas | None = None
    printed: list[InvoiceDocument] = []
    for index, document in enumerate(documents):
        if canvas is None:
            canvas = _canvas(buffer, "請求書（印刷用）", document.issuer.name, "")
        key = f"invoice-{index}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{document.number} {document.customer.name}", key)
        InvoiceRenderer(document).draw(canvas)
        printed.append(document)
    if canvas is None:
        raise ValueError("no invoices to print")
    canvas.setKeywords(combined_marker(printed))
    canvas.save()
    return buffer.getvalue()

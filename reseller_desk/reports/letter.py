"""The Japanese business letter every notice is: the layout and the parts all kinds share.

Built the way pretix builds its invoices: a renderer class with the layout as class attributes
(page size, margins, fonts, sizes, column widths) and the parts every letter has (文書番号・日付,
宛先, 発信者, 表題, 拝啓 … 敬具, 記 … 以上, a footer with ``page/total``); each kind
(``reports.notices``) supplies its wording and the rows of the 記 table. The sizes are chosen
so that an ordinary notice fits one A4 page at legible sizes (body 10.5 pt, table 10 pt, small
print 8 pt); a long table flows onto a second page under a running header.

Every piece of data goes through ``reports.fonts`` (``markup`` / ``draw_string``), so a
character IPAex lacks prints in the fallback font instead of as a box.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.fonts import GOTHIC, MINCHO, draw_string, markup, register_fonts, string_width
from reseller_desk.reports.format import IDEOGRAPHIC_SPACE, address_lines, contact_line, jp_date, postal, salutation

SP = IDEOGRAPHIC_SPACE


class UnprintableNotice(ValueError):
    """The notice cannot be laid out on A4 (e.g. a name of hundreds of characters)."""


@dataclass(frozen=True)
class Row:
    """One row of the 記 table: a label, its value, an optional amount printed right-aligned in
    the money column, and an optional small note under the value. ``text`` and ``note`` are
    plain text (escaped when drawn); a newline in ``text`` starts a new line."""

    label: str
    text: str = ""
    amount: str = ""
    note: str = ""


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type hints
    """Holds every page back until the end, then lets the renderer draw ``page/total`` on each
    (pretix's NumberedCanvas)."""

    def __init__(self, *args: Any, renderer: NoticeRenderer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._renderer = renderer
        self._saved_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._renderer.draw_page_number(self, self._pageNumber, total)
            super().showPage()
        super().save()


class NoticeRenderer:
    """The common parts of every notice. Subclasses set ``kind`` and supply
    ``body_paragraphs()`` and ``record_rows()`` (and may add ``record_notes()``)."""

    kind: ClassVar[NoticeKind | None] = None

    # --- page -------------------------------------------------------------------------------
    pagesize: ClassVar[tuple[float, float]] = A4
    margin_left: ClassVar[float] = 20 * mm
    margin_right: ClassVar[float] = 20 * mm
    margin_top: ClassVar[float] = 15 * mm
    margin_bottom: ClassVar[float] = 11 * mm       # baseline of the footer line
    footer_gap: ClassVar[float] = 4 * mm           # between the text frame and the footer
    later_header_height: ClassVar[float] = 14 * mm  # running header on pages 2, 3, …

    # --- fonts ------------------------------------------------------------------------------
    body_font: ClassVar[str] = MINCHO
    heading_font: ClassVar[str] = GOTHIC
    small_font: ClassVar[str] = GOTHIC
    body_size: ClassVar[float] = 10.5
    body_leading: ClassVar[float] = 15.5
    header_size: ClassVar[float] = 9.5              # 文書番号, date, issuer block
    header_leading: ClassVar[float] = 13.5
    issuer_name_size: ClassVar[float] = 11
    addressee_size: ClassVar[float] = 10
    addressee_name_size: ClassVar[float] = 12.5
    title_size: ClassVar[float] = 15
    table_size: ClassVar[float] = 10
    table_leading: ClassVar[float] = 13
    note_size: ClassVar[float] = 8
    footer_size: ClassVar[float] = 7.5

    # --- columns ----------------------------------------------------------------------------
    issuer_column_width: ClassVar[float] = 72 * mm   # top right block
    issuer_drop: ClassVar[float] = 6 * mm           # the sender starts lower than the addressee
    label_column_width: ClassVar[float] = 38 * mm    # 記 table: labels
    amount_column_width: ClassVar[float] = 40 * mm   # 記 table: money, right-aligned (月額 ¥10,089,998,991)
    table_padding: ClassVar[float] = 2
    rule_color: ClassVar[colors.Color] = colors.HexColor("#808080")
    label_background: ClassVar[colors.Color] = colors.HexColor("#EFEFEF")
    note_color: ClassVar[colors.Color] = colors.HexColor("#404040")

    # --- wording shared by all kinds --------------------------------------------------------
    opening_greeting: ClassVar[str] = (
        "拝啓" + IDEOGRAPHIC_SPACE + "時下ますますご清栄のこととお慶び申し上げます。"
        "平素は格別のご高配を賜り、厚く御礼申し上げます。"
    )
    closing_word: ClassVar[str] = "敬具"
    record_word: ClassVar[str] = "記"
    end_word: ClassVar[str] = "以上"
    continued: ClassVar[str] = "（続き）"

    def __init__(self, doc: NoticeDocument) -> None:
        if self.kind is not None and doc.kind != self.kind:
            raise ValueError(f"{type(self).__name__} renders {self.kind.value}, not {doc.kind.value}")
        self.doc = doc
        register_fonts()
        self.content_width = self.pagesize[0] - self.margin_left - self.margin_right
        self._styles = self._make_styles()

    # --- styles -----------------------------------------------------------------------------
    def _make_styles(self) -> dict[str, ParagraphStyle]:
        base = ParagraphStyle(
            "body",
            fontName=self.body_font,
            fontSize=self.body_size,
            leading=self.body_leading,
            wordWrap="CJK",          # Japanese wraps between any two characters
            alignment=TA_LEFT,
        )

        def style(name: str, **kw: Any) -> ParagraphStyle:
            return ParagraphStyle(name, parent=base, **kw)

        return {
            "body": base,
            "indented": style("indented", firstLineIndent=self.body_size),
            "right": style("right", alignment=TA_RIGHT),
            "center": style("center", alignment=TA_CENTER),
            "header_right": style(
                "header_right", fontSize=self.header_size, leading=self.header_leading,
                alignment=TA_RIGHT,
            ),
            "header": style("header", fontSize=self.header_size, leading=self.header_leading),
            "issuer_name": style(
                "issuer_name", fontName=self.heading_font, fontSize=self.issuer_name_size,
                leading=self.issuer_name_size * 1.45,
            ),
            "addressee": style("addressee", fontSize=self.addressee_size, leading=self.addressee_size * 1.45),
            "addressee_name": style(
                "addressee_name", fontSize=self.addressee_name_size,
                leading=self.addressee_name_size * 1.4, spaceBefore=1.5 * mm,
            ),
            "contact": style(
                "contact", fontSize=self.addressee_name_size, leading=self.addressee_name_size * 1.4,
            ),
            "title": style(
                "title", fontName=self.heading_font, fontSize=self.title_size,
                leading=self.title_size * 1.35, alignment=TA_CENTER,
                spaceBefore=4.5 * mm, spaceAfter=3.5 * mm,
            ),
            "label": style(
                "label", fontName=self.heading_font, fontSize=self.table_size,
                leading=self.table_leading,
            ),
            "cell": style("cell", fontSize=self.table_size, leading=self.table_leading),
            "amount": style(
                "amount", fontSize=self.table_size, leading=self.table_leading, alignment=TA_RIGHT,
            ),
            "cell_note": style(
                "cell_note", fontName=self.small_font, fontSize=self.note_size,
                leading=self.note_size * 1.4, textColor=self.note_color, spaceBefore=1,
            ),
            "note": style(
                "note", fontName=self.small_font, fontSize=self.note_size,
                leading=self.note_size * 1.5, textColor=self.note_color,
            ),
        }

    def m(self, text: str, style: str = "body") -> str:
        """Data as markup for a paragraph of ``style`` (escaped; fallback-font runs)."""
        return markup(text, self._styles[style].fontName)

    def para(self, text: str, style: str) -> Paragraph:
        """A paragraph of data (plain text) in ``style``."""
        return Paragraph(self.m(text, style), self._styles[style])

    # --- the letter, top to bottom ----------------------------------------------------------
    def story(self) -> list[Flowable]:
        return [
            *self.header(),
            self.title(),
            *self.opening(),
            *self.record_section(),
        ]

    def header(self) -> list[Flowable]:
        """文書番号 and date at the top right, then 宛先 (left) beside 発信者 (right)."""
        number_and_date = [
            self.para(f"文書番号{SP}{self.doc.number}", "header_right"),
            self.para(jp_date(self.doc.issued_on), "header_right"),
        ]
        left_width = self.content_width - self.issuer_column_width
        table = Table(
            [[self.addressee_block(left_width - 6 * mm), self.issuer_block(self.issuer_column_width)]],
            colWidths=[left_width, self.issuer_column_width],
            style=TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), self.body_font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (0, 0), 3 * mm),
                # the sender sits lower than the addressee, as on a Japanese letter
                ("TOPPADDING", (1, 0), (1, 0), self.issuer_drop),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]),
            hAlign="LEFT",
        )
        return [*number_and_date, table]

    def _address(self, address: str, style: str, width: float) -> list[Flowable]:
        s = self._styles[style]
        lines = address_lines(address, lambda line: string_width(line, s.fontName, s.fontSize) <= width)
        return [self.para(line, style) for line in lines]

    def addressee_block(self, width: float) -> list[Flowable]:
        a = self.doc.addressee
        lines: list[Flowable] = []
        if a.postal_code:
            lines.append(self.para(postal(a.postal_code), "addressee"))
        if a.address:
            lines += self._address(a.address, "addressee", width)
        if a.is_corporate and a.contact_name:
            lines.append(self.para(a.name, "addressee_name"))
            lines.append(self.para(contact_line(a), "contact"))
        else:
            lines.append(self.para(salutation(a), "addressee_name"))
        return lines

    def issuer_block(self, width: float) -> list[Flowable]:
        i = self.doc.issuer
        lines: list[Flowable] = [self.para(i.name, "issuer_name")]
        if i.representative:
            lines.append(self.para(i.representative, "header"))
        if i.postal_code:
            lines.append(self.para(postal(i.postal_code), "header"))
        if i.address:
            lines += self._address(i.address, "header", width)
        for label, value in (("TEL", i.phone), ("FAX", i.fax), ("E-mail", i.email),
                             ("登録番号", i.registration_number)):
            if value:
                lines.append(self.para(f"{label}{SP}{value}", "header"))
        return lines

    def title(self) -> Flowable:
        return self.para(self.doc.kind.label, "title")

    def opening(self) -> list[Flowable]:
        """拝啓 …, the kind's paragraphs, 敬具 (right)."""
        s = self._styles
        parts: list[Flowable] = [Paragraph(self.opening_greeting, s["body"])]
        parts += [Paragraph(text, s["indented"]) for text in self.body_paragraphs()]
        parts.append(Paragraph(self.closing_word, s["right"]))
        return parts

    def body_paragraphs(self) -> list[str]:
        """The letter's own paragraphs, as Paragraph markup (data through ``self.m``)."""
        raise NotImplementedError

    def record_rows(self) -> list[Row]:
        raise NotImplementedError

    def record_notes(self) -> list[str]:
        """Small print right under the 記 table (plain text)."""
        return []

    def record_section(self) -> list[Flowable]:
        """記 (centered), the table, its notes, 以上 (right)."""
        s = self._styles
        notes = [self.para(n, "note") for n in self.record_notes()]
        # the notes on the left and 以上 on the right of one line: 以上 never stands alone on
        # a page, and the table's small print costs no extra line
        end = Table(
            [[notes, Paragraph(self.end_word, s["right"])]],
            colWidths=[self.content_width - 15 * mm, 15 * mm],
            style=TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), self.body_font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.2 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]),
            hAlign="LEFT",
        )
        return [
            Spacer(0, 1.5 * mm),
            Paragraph(self.record_word, s["center"]),
            Spacer(0, 1.5 * mm),
            self.record_table(self.record_rows()),
            end,
        ]

    def record_table(self, rows: list[Row]) -> Table:
        value_width = self.content_width - self.label_column_width - self.amount_column_width
        data: list[list[object]] = []
        commands: list[tuple[Any, ...]] = [
            ("FONTNAME", (0, 0), (-1, -1), self.body_font),   # not Helvetica for empty cells
            ("GRID", (0, 0), (-1, -1), 0.5, self.rule_color),
            ("BACKGROUND", (0, 0), (0, -1), self.label_background),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), self.table_padding + 1),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.table_padding + 1),
            ("TOPPADDING", (0, 0), (-1, -1), self.table_padding),
            ("BOTTOMPADDING", (0, 0), (-1, -1), self.table_padding + 1),
        ]
        for index, row in enumerate(rows):
            font = self._styles["cell"].fontName
            value: list[Flowable] = [
                Paragraph("<br/>".join(markup(line, font) for line in row.text.split("\n")), self._styles["cell"])
            ]
            if row.note:
                value.append(self.para(row.note, "cell_note"))
            label = self.para(row.label, "label")
            if row.amount:
                data.append([label, value, self.para(row.amount, "amount")])
            else:
                data.append([label, value, ""])
                commands.append(("SPAN", (1, index), (2, index)))
        return Table(
            data,
            colWidths=[self.label_column_width, value_width, self.amount_column_width],
            style=TableStyle(commands),
            hAlign="LEFT",
            splitByRow=1,
        )

    # --- pages ------------------------------------------------------------------------------
    def footer_height(self) -> float:
        """The rule and the last line (issuer name, page/total)."""
        return float(2 * mm + self.footer_size)

    def page_templates(self) -> list[PageTemplate]:
        width, height = self.pagesize
        bottom = self.margin_bottom + self.footer_height() + self.footer_gap
        first = Frame(
            self.margin_left, bottom, self.content_width, height - self.margin_top - bottom,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="first",
        )
        later_top = height - self.margin_top - self.later_header_height
        later = Frame(
            self.margin_left, bottom, self.content_width, later_top - bottom,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="later",
        )
        return [
            PageTemplate(id="First", frames=[first], onPage=self.draw_footer),
            PageTemplate(id="Later", frames=[later], onPage=self.draw_later_page),
        ]

    def _fitted(self, text: str, size: float, room: float) -> str:
        """``text`` cut with "…" to ``room`` points (a name of hundreds of characters must not
        overprint the rest of the line; it is printed in full on page 1)."""
        while len(text) > 1 and string_width(text, self.small_font, size) > room:
            text = text[:-2] + "…"
        return text

    def draw_later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Pages 2, 3, …: a small running header (title and 文書番号, then the addressee in the
        words of page 1) and the footer."""
        width, height = self.pagesize
        y = height - self.margin_top - self.footer_size
        size = self.footer_size + 0.5
        right = f"文書番号{SP}{self.doc.number}"
        room = self.content_width - string_width(right, self.small_font, size) - 5 * mm
        canvas.saveState()
        canvas.setFillColor(self.note_color)
        draw_string(canvas, self.margin_left, y, self._fitted(f"{self.doc.kind.label}{self.continued}", size, room),
                    self.small_font, size)
        draw_string(canvas, width - self.margin_right, y, right, self.small_font, size, anchor="right")
        draw_string(canvas, self.margin_left, y - size * 1.5,
                    self._fitted(salutation(self.doc.addressee), size, self.content_width), self.small_font, size)
        canvas.setStrokeColor(self.rule_color)
        canvas.setLineWidth(0.4)
        rule = y - size * 1.5 - 2 * mm
        canvas.line(self.margin_left, rule, width - self.margin_right, rule)
        canvas.restoreState()
        self.draw_footer(canvas, doc)

    def draw_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """A rule and the issuer's name; page/total comes at the end. A name too long for the
        line is cut with "…" (it is printed in full in the issuer block)."""
        width, _ = self.pagesize
        canvas.saveState()
        y = self.margin_bottom + self.footer_size + 2 * mm   # the rule
        canvas.setStrokeColor(self.rule_color)
        canvas.setLineWidth(0.4)
        canvas.line(self.margin_left, y, width - self.margin_right, y)
        canvas.setFillColor(self.note_color)
        name = self._fitted(self.doc.issuer.name, self.footer_size, self.content_width - 20 * mm)
        draw_string(canvas, self.margin_left, self.margin_bottom, name, self.small_font, self.footer_size)
        canvas.restoreState()

    def draw_page_number(self, canvas: Canvas, page: int, total: int) -> None:
        width, _ = self.pagesize
        canvas.saveState()
        canvas.setFont(self.small_font, self.footer_size + 0.5)
        canvas.setFillColor(self.note_color)
        canvas.drawRightString(width - self.margin_right, self.margin_bottom, f"{page}/{total}")
        canvas.restoreState()

    # --- output -----------------------------------------------------------------------------
    def render(self) -> bytes:
        buffer = io.BytesIO()
        template = BaseDocTemplate(
            buffer,
            pagesize=self.pagesize,
            leftMargin=self.margin_left,
            rightMargin=self.margin_right,
            topMargin=self.margin_top,
            bottomMargin=self.margin_bottom,
            title=self.doc.kind.label,
            author=self.doc.issuer.name,
            subject=f"{self.doc.kind.label} {self.doc.number}",
            creator="Reseller Desk",
            producer="Reseller Desk",
            lang="ja-JP",
            invariant=1,
            initialFontName=self.body_font,   # no stray unembedded Helvetica in the PDF
            initialFontSize=self.body_size,
            pageTemplates=self.page_templates(),
        )
        story = [NextPageTemplate("Later"), *self.story()]
        try:
            template.build(story, canvasmaker=partial(_NumberedCanvas, renderer=self))
        except LayoutError as error:
            raise UnprintableNotice(f"A4 に収まらない項目があります: {error}") from error
        return buffer.getvalue()

    # --- helpers for subclasses -------------------------------------------------------------
    def service(self) -> str:
        return f"「{self.m(self.doc.service_name)}」"

    def application_rows(self) -> list[Row]:
        if self.doc.application_received_on is None:   # a contract brought in without one
            return []
        return [
            Row("申込番号", self.doc.application_number),
            Row("申込受付日", jp_date(self.doc.application_received_on)),
        ]

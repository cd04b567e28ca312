"""The three printed notices of the intake workflow, as PDF: 申込承諾通知書（ご利用開始のご案内）,
申込不承諾通知書 and 契約取消通知書.

Built the way pretix builds its invoices: one renderer class per layout, the layout as class
attributes (page size, margins, fonts, sizes, column widths), a base class with the parts every
Japanese business letter shares (文書番号・日付, 宛先, 発信者, 表題, 拝啓 … 敬具, 記 … 以上, footer
with ``page/total``) and one subclass per kind that supplies the wording and the rows of the 記
table. ``render_notice(doc)`` picks the renderer by ``doc.kind`` and returns the PDF bytes; the
same input gives the same bytes (ReportLab ``invariant=1``).

The renderers print only what the ``NoticeDocument`` holds, nothing is computed here but the
formatting of yen and dates (``reports.format``). A refusal prints no reason, and has no place
for one (SH §14.2).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from typing import ClassVar
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
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

from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.fonts import GOTHIC, MINCHO, register_fonts
from reseller_desk.reports.format import jp_date, jp_month, yen

__all__ = [
    "ApprovalNoticeRenderer",
    "NoticeRenderer",
    "RefusalNoticeRenderer",
    "RevocationNoticeRenderer",
    "Row",
    "renderer_for",
    "render_notice",
]

IDEOGRAPHIC_SPACE = "\u3000"


def _x(text: str) -> str:
    """Data as Paragraph markup: escape &, <, > (names like "A&B商事" must print as typed)."""
    return escape(text)


@dataclass(frozen=True)
class Row:
    """One row of the 記 table: a label, its value, an optional amount printed right-aligned in
    the money column, and an optional small note under the value. ``text`` and ``note`` are
    plain text (escaped when drawn); a newline in ``text`` starts a new line."""

    label: str
    text: str = ""
    amount: str = ""
    note: str = ""


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, then lets the renderer draw ``page/total`` on each
    (pretix's NumberedCanvas)."""

    def __init__(self, *args, renderer: NoticeRenderer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._renderer = renderer
        self._saved_pages: list[dict] = []

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
    margin_top: ClassVar[float] = 20 * mm
    margin_bottom: ClassVar[float] = 14 * mm       # baseline of the last footer line
    footer_gap: ClassVar[float] = 5 * mm           # between the text frame and the footer
    later_header_height: ClassVar[float] = 10 * mm  # running header on pages 2, 3, …

    # --- fonts ------------------------------------------------------------------------------
    body_font: ClassVar[str] = MINCHO
    heading_font: ClassVar[str] = GOTHIC
    small_font: ClassVar[str] = GOTHIC
    body_size: ClassVar[float] = 10.5
    body_leading: ClassVar[float] = 16
    header_size: ClassVar[float] = 9.5              # 文書番号, date, issuer block
    header_leading: ClassVar[float] = 14
    issuer_name_size: ClassVar[float] = 11
    addressee_size: ClassVar[float] = 10
    addressee_name_size: ClassVar[float] = 13
    title_size: ClassVar[float] = 16
    table_size: ClassVar[float] = 10
    table_leading: ClassVar[float] = 13
    note_size: ClassVar[float] = 8
    footer_size: ClassVar[float] = 7.5
    footer_leading: ClassVar[float] = 10.5

    # --- columns ----------------------------------------------------------------------------
    issuer_column_width: ClassVar[float] = 72 * mm   # top right block
    issuer_drop: ClassVar[float] = 7 * mm           # the sender starts lower than the addressee
    label_column_width: ClassVar[float] = 40 * mm    # 記 table: labels
    amount_column_width: ClassVar[float] = 36 * mm   # 記 table: money, right-aligned
    table_padding: ClassVar[float] = 2.5
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

    def __init__(self, doc: NoticeDocument) -> None:
        if self.kind is not None and doc.kind != self.kind:
            raise ValueError(f"{type(self).__name__} renders {self.kind.value}, not {doc.kind.value}")
        self.doc = doc
        register_fonts()
        self.content_width = self.pagesize[0] - self.margin_left - self.margin_right
        self._styles = self._make_styles()
        self._footer_notes = [
            Paragraph(_x(note), self._styles["footer"]) for note in doc.footer_notes if note.strip()
        ]
        self._footer_notes_height = sum(
            p.wrap(self.content_width, self.pagesize[1])[1] for p in self._footer_notes
        )

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

        def style(name: str, **kw) -> ParagraphStyle:
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
                leading=self.issuer_name_size * 1.5,
            ),
            "addressee": style("addressee", fontSize=self.addressee_size, leading=self.addressee_size * 1.5),
            "addressee_name": style(
                "addressee_name", fontSize=self.addressee_name_size,
                leading=self.addressee_name_size * 1.45, spaceBefore=2 * mm,
            ),
            "title": style(
                "title", fontName=self.heading_font, fontSize=self.title_size,
                leading=self.title_size * 1.4, alignment=TA_CENTER,
                spaceBefore=6 * mm, spaceAfter=4.5 * mm,
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
                leading=self.note_size * 1.45, textColor=self.note_color, spaceBefore=1,
            ),
            "note": style(
                "note", fontName=self.small_font, fontSize=self.note_size,
                leading=self.note_size * 1.6, textColor=self.note_color,
            ),
            "footer": style(
                "footer", fontName=self.small_font, fontSize=self.footer_size,
                leading=self.footer_leading, textColor=self.note_color,
            ),
        }

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
        s = self._styles
        number_and_date = [
            Paragraph(f"文書番号{IDEOGRAPHIC_SPACE}{_x(self.doc.number)}", s["header_right"]),
            Paragraph(jp_date(self.doc.issued_on), s["header_right"]),
        ]
        left_width = self.content_width - self.issuer_column_width
        table = Table(
            [[self.addressee_block(), self.issuer_block()]],
            colWidths=[left_width, self.issuer_column_width],
            style=TableStyle([
                ("FONTNAME", (0, 0), (-1, -1), self.body_font),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 6 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (0, 0), 5 * mm),
                # the sender sits lower than the addressee, as on a Japanese letter
                ("TOPPADDING", (1, 0), (1, 0), self.issuer_drop),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]),
            hAlign="LEFT",
        )
        return [*number_and_date, table]

    def addressee_block(self) -> list[Flowable]:
        a = self.doc.addressee
        s = self._styles
        lines: list[Flowable] = []
        if a.postal_code:
            lines.append(Paragraph(_x(_postal(a.postal_code)), s["addressee"]))
        if a.address:
            lines.append(Paragraph(_x(a.address), s["addressee"]))
        honorific = "御中" if a.is_corporate else "様"
        if a.is_corporate and a.contact_name:
            lines.append(Paragraph(_x(a.name), s["addressee_name"]))
            lines.append(
                Paragraph(
                    f"ご担当{IDEOGRAPHIC_SPACE}{_x(a.contact_name)}{IDEOGRAPHIC_SPACE}様",
                    s["addressee_name"].clone("contact", spaceBefore=0),
                )
            )
        else:
            lines.append(
                Paragraph(f"{_x(a.name)}{IDEOGRAPHIC_SPACE}{honorific}", s["addressee_name"])
            )
        return lines

    def issuer_block(self) -> list[Flowable]:
        i = self.doc.issuer
        s = self._styles
        lines: list[Flowable] = [Paragraph(_x(i.name), s["issuer_name"])]
        if i.representative:
            lines.append(Paragraph(_x(i.representative), s["header"]))
        if i.postal_code:
            lines.append(Paragraph(_x(_postal(i.postal_code)), s["header"]))
        if i.address:
            lines.append(Paragraph(_x(i.address), s["header"]))
        if i.phone:
            lines.append(Paragraph(f"TEL{IDEOGRAPHIC_SPACE}{_x(i.phone)}", s["header"]))
        if i.fax:
            lines.append(Paragraph(f"FAX{IDEOGRAPHIC_SPACE}{_x(i.fax)}", s["header"]))
        if i.email:
            lines.append(Paragraph(f"E-mail{IDEOGRAPHIC_SPACE}{_x(i.email)}", s["header"]))
        if i.registration_number:
            lines.append(
                Paragraph(f"登録番号{IDEOGRAPHIC_SPACE}{_x(i.registration_number)}", s["header"])
            )
        return lines

    def title(self) -> Flowable:
        return Paragraph(_x(self.doc.kind.title), self._styles["title"])

    def opening(self) -> list[Flowable]:
        """拝啓 …, the kind's paragraphs, 敬具 (right)."""
        s = self._styles
        parts: list[Flowable] = [Paragraph(_x(self.opening_greeting), s["body"])]
        parts += [Paragraph(text, s["indented"]) for text in self.body_paragraphs()]
        parts.append(Paragraph(self.closing_word, s["right"]))
        return parts

    def body_paragraphs(self) -> list[str]:
        """The letter's own paragraphs, as Paragraph markup (data escaped with ``_x``)."""
        raise NotImplementedError

    def record_rows(self) -> list[Row]:
        raise NotImplementedError

    def record_notes(self) -> list[str]:
        """Small print right under the 記 table (plain text)."""
        return []

    def record_section(self) -> list[Flowable]:
        """記 (centered), the table, its notes, 以上 (right)."""
        s = self._styles
        notes = [Paragraph(_x(n), s["note"]) for n in self.record_notes()]
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
                ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]),
            hAlign="LEFT",
        )
        return [
            Spacer(0, 2 * mm),
            Paragraph(self.record_word, s["center"]),
            Spacer(0, 2 * mm),
            self.record_table(self.record_rows()),
            end,
        ]

    def record_table(self, rows: list[Row]) -> Table:
        s = self._styles
        value_width = self.content_width - self.label_column_width - self.amount_column_width
        data: list[list[object]] = []
        commands: list[tuple] = [
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
            value: list[Flowable] = [Paragraph(_lines(row.text), s["cell"])]
            if row.note:
                value.append(Paragraph(_x(row.note), s["cell_note"]))
            if row.amount:
                amount = Paragraph(_x(row.amount), s["amount"])
                data.append([Paragraph(_x(row.label), s["label"]), value, amount])
            else:
                data.append([Paragraph(_x(row.label), s["label"]), value, ""])
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
        """Footer notes + the rule + the last line (issuer name, page/total)."""
        notes = self._footer_notes_height + (1.5 * mm if self._footer_notes else 0)
        return notes + 2 * mm + self.footer_size

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

    def draw_later_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Pages 2, 3, …: a small running header (title, 文書番号, addressee) and the footer."""
        width, height = self.pagesize
        y = height - self.margin_top - self.footer_size
        size = self.footer_size + 0.5
        a = self.doc.addressee
        left = f"{self.doc.kind.title}（続き）"
        with_name = f"{left}{IDEOGRAPHIC_SPACE}{a.name}{IDEOGRAPHIC_SPACE}{'御中' if a.is_corporate else '様'}"
        right = f"文書番号{IDEOGRAPHIC_SPACE}{self.doc.number}"
        room = self.content_width - stringWidth(right, self.small_font, size) - 5 * mm
        if stringWidth(with_name, self.small_font, size) <= room:
            left = with_name            # a very long name is left out rather than overprinted
        canvas.saveState()
        canvas.setFont(self.small_font, size)
        canvas.setFillColor(self.note_color)
        canvas.drawString(self.margin_left, y, left)
        canvas.drawRightString(width - self.margin_right, y, right)
        canvas.setStrokeColor(self.rule_color)
        canvas.setLineWidth(0.4)
        canvas.line(self.margin_left, y - 2 * mm, width - self.margin_right, y - 2 * mm)
        canvas.restoreState()
        self.draw_footer(canvas, doc)

    def draw_footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Footer notes (small print), a rule, the issuer's name; page/total comes at the end."""
        width, _ = self.pagesize
        canvas.saveState()
        y = self.margin_bottom + self.footer_size + 2 * mm   # the rule
        canvas.setStrokeColor(self.rule_color)
        canvas.setLineWidth(0.4)
        top = y
        if self._footer_notes:
            top = y + 1.5 * mm + self._footer_notes_height
            cursor = top
            for note in self._footer_notes:
                _, h = note.wrap(self.content_width, self.pagesize[1])
                note.drawOn(canvas, self.margin_left, cursor - h)
                cursor -= h
        canvas.line(self.margin_left, y, width - self.margin_right, y)
        canvas.setFont(self.small_font, self.footer_size)
        canvas.setFillColor(self.note_color)
        canvas.drawString(self.margin_left, self.margin_bottom, self.doc.issuer.name)
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
            title=self.doc.kind.title,
            author=self.doc.issuer.name,
            subject=f"{self.doc.kind.title} {self.doc.number}",
            creator="Reseller Desk",
            producer="Reseller Desk",
            lang="ja-JP",
            invariant=1,
            initialFontName=self.body_font,   # no stray unembedded Helvetica in the PDF
            initialFontSize=self.body_size,
            pageTemplates=self.page_templates(),
        )
        story = [NextPageTemplate("Later"), *self.story()]
        template.build(story, canvasmaker=partial(_NumberedCanvas, renderer=self))
        return buffer.getvalue()

    # --- helpers for subclasses -------------------------------------------------------------
    def service(self) -> str:
        return f"「{_x(self.doc.service_name)}」"

    def application_rows(self) -> list[Row]:
        return [
            Row("申込番号", self.doc.application_number),
            Row("申込受付日", jp_date(self.doc.application_received_on)),
        ]


class ApprovalNoticeRenderer(NoticeRenderer):
    """申込承諾通知書（ご利用開始のご案内）: thanks, the acceptance, and the contract's facts."""

    kind = NoticeKind.APPROVAL
    no_options_text: ClassVar[str] = "なし"
    billable_pending_text: ClassVar[str] = "開通日が決まり次第（開通日の月から）"
    tax_note: ClassVar[str] = "※ 金額はいずれも税抜です。"

    def __init__(self, doc: NoticeDocument) -> None:
        if doc.approval is None:
            raise ValueError("申込承諾通知書には承諾の内容（approval）が必要です")
        super().__init__(doc)

    def body_paragraphs(self) -> list[str]:
        return [
            f"さて、このたびは{self.service()}をお申込みいただき、誠にありがとうございます。"
            "お申込みの内容を確認いたしました結果、下記のとおりお申込みを承諾いたしましたので、"
            "ご通知申し上げます。あわせて、ご利用開始にあたってのご契約内容をご案内いたします。",
            "今後とも変わらぬお引き立てを賜りますよう、よろしくお願い申し上げます。",
        ]

    def record_rows(self) -> list[Row]:
        a = self.doc.approval
        assert a is not None
        rows = [
            *self.application_rows(),
            Row("カスタマID", a.customer_code),
            Row("サービス", a.service_name),
            Row("提供事業者", a.provider_name),
            Row("プラン", a.plan_name, amount=f"月額 {yen(a.plan_monthly_fee)}"),
        ]
        if a.options:
            rows += [
                Row("オプション", o.name, amount=f"月額 {yen(o.monthly_fee)}") for o in a.options
            ]
        else:
            rows.append(Row("オプション", self.no_options_text))
        rows += [
            Row("回線数", f"{a.lines}回線"),
            Row("初期費用", "", amount=yen(a.initial_fee)),
            Row(a.registration_date_label, jp_date(a.contract_formed_on)),
            Row(
                "課金開始月",
                f"{jp_month(a.first_billable_month)}分から"
                if a.first_billable_month is not None
                else self.billable_pending_text,
                note=a.first_billable_note,
            ),
            Row("お支払い方法", a.payment_method),
        ]
        if a.minimum_term_months > 0:
            rows.append(Row("最低利用期間", f"{a.minimum_term_months}か月"))
        if a.early_termination_fee > 0:
            rows.append(Row("契約解除料", "", amount=yen(a.early_termination_fee)))
        if a.support_hours:
            rows.append(Row("サポート受付時間", a.support_hours))
        return rows

    def record_notes(self) -> list[str]:
        return [self.tax_note]


class RefusalNoticeRenderer(NoticeRenderer):
    """申込不承諾通知書: polite, and without any reason (SH §14.2). The table has no field for
    one, and nothing of the screening is printed."""

    kind = NoticeKind.REFUSAL

    def body_paragraphs(self) -> list[str]:
        return [
            f"さて、このたびは{self.service()}をお申込みいただき、誠にありがとうございました。"
            "お申込みの内容を慎重に検討いたしました結果、"
            "誠に恐縮ではございますが、今回はお申込みをお受けできないこととなりました。",
            "ご期待に沿えず誠に申し訳ございませんが、何卒ご理解賜りますようお願い申し上げます。"
            "なお、審査の内容についてはお答えいたしかねますので、あらかじめご了承ください。",
        ]

    def record_rows(self) -> list[Row]:
        return [*self.application_rows(), Row("サービス", self.doc.service_name)]


class RevocationNoticeRenderer(NoticeRenderer):
    """契約取消通知書: the contract is revoked as of ``revoked_on`` because the identity check by
    post could not be completed, citing ``revocation_clause``."""

    kind = NoticeKind.REVOCATION
    reason_text: ClassVar[str] = "郵送による本人確認を完了できなかったため"

    def __init__(self, doc: NoticeDocument) -> None:
        missing = [
            name
            for name, value in (
                ("revoked_contract_code", doc.revoked_contract_code),
                ("revoked_on", doc.revoked_on),
                ("revocation_clause", doc.revocation_clause),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"契約取消通知書に必要な項目がありません: {', '.join(missing)}")
        super().__init__(doc)

    def body_paragraphs(self) -> list[str]:
        d = self.doc
        assert d.revoked_on is not None
        return [
            f"さて、{self.service()}のご契約（カスタマID{IDEOGRAPHIC_SPACE}{_x(d.revoked_contract_code)}）"
            "につきましては、郵送による本人確認をお願いしておりましたが、"
            "本人確認を完了することができませんでした。",
            f"つきましては、{_x(d.revocation_clause)}に基づき、{jp_date(d.revoked_on)}付をもちまして"
            "本契約を取り消しましたので、ここにご通知申し上げます。",
            "ご不明な点は下記までお問い合わせください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.doc
        assert d.revoked_on is not None
        i = d.issuer
        contact = "\n".join(
            part for part in (i.name, f"TEL{IDEOGRAPHIC_SPACE}{i.phone}" if i.phone else "",
                              f"E-mail{IDEOGRAPHIC_SPACE}{i.email}" if i.email else "") if part
        )
        return [
            Row("カスタマID", d.revoked_contract_code),
            Row("サービス", d.service_name),
            *self.application_rows(),
            Row("取消日", jp_date(d.revoked_on)),
            Row("取消の事由", self.reason_text),
            Row("根拠条項", d.revocation_clause),
            Row("お問い合わせ先", contact),
        ]


RENDERERS: dict[NoticeKind, type[NoticeRenderer]] = {
    NoticeKind.APPROVAL: ApprovalNoticeRenderer,
    NoticeKind.REFUSAL: RefusalNoticeRenderer,
    NoticeKind.REVOCATION: RevocationNoticeRenderer,
}


def renderer_for(doc: NoticeDocument) -> NoticeRenderer:
    """The renderer of ``doc.kind``, ready to ``render()``."""
    try:
        cls = RENDERERS[NoticeKind(doc.kind)]
    except (KeyError, ValueError):
        raise ValueError(f"unknown notice kind: {doc.kind!r}") from None
    return cls(doc)


def render_notice(doc: NoticeDocument) -> bytes:
    """The notice as PDF bytes (A4 portrait, IPAex fonts embedded); same input, same bytes."""
    return renderer_for(doc).render()


def _lines(text: str) -> str:
    return "<br/>".join(_x(line) for line in text.split("\n"))


def _postal(code: str) -> str:
    code = code.strip()
    return code if code.startswith("〒") else f"〒{code}"

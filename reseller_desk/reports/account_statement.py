"""取引明細書 (a customer's account statement) as a PDF: the customer and the office at the top,
the period and the opening balance, then a table of every entry (日付, 区分, 請求書番号, 摘要,
ご請求額, ご入金等, 残高) that flows over as many pages as it needs with its header repeated,
numbers right-aligned, and the closing balance, what is owed and the credit under it.

Not a frozen notice: a statement is printed on demand from the entries as they are, so it is
neither numbered nor stored (services.payments.aging.account_statement is its data). Fonts are
the letters' (reports.fonts: IPAex embedded, a fallback for what it lacks).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reseller_desk.domain.account_statement import AccountStatement
from reseller_desk.domain.company import CompanyDetails
from reseller_desk.reports.fonts import GOTHIC, MINCHO, draw_string, markup, register_fonts
from reseller_desk.reports.format import jp_date, postal, yen

__all__ = ["render_account_statement"]

MARGIN = 15 * mm
#: 日付, 区分, 番号, 摘要, ご請求額, ご入金等, 残高 (摘要 takes what is left of A4's width).
WIDTHS = (21 * mm, 17 * mm, 25 * mm, None, 24 * mm, 24 * mm, 25 * mm)
HEADER = ("日付", "区分", "請求書番号", "摘要", "ご請求額", "ご入金等", "残高")
RULE = colors.HexColor("#808080")
SHADE = colors.HexColor("#EFEFEF")
LISTED = colors.HexColor("#555555")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=MINCHO, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=GOTHIC, fontSize=15, leading=20, alignment=TA_CENTER,
                                spaceAfter=4 * mm),
        "name": ParagraphStyle("name", parent=base, fontSize=12, leading=16),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=GOTHIC, fontSize=8.5, leading=11, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "listed": ParagraphStyle("listed", parent=base, fontSize=8, leading=10.5, textColor=LISTED),
        "num": ParagraphStyle("num", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text, style.fontName).replace("\n", "<br/>"), style)


def _amount(value: int) -> str:
    return yen(value) if value else ""


def _heading(statement: AccountStatement, issuer: CompanyDetails, printed_on: dt.date,
             s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    customer = [_p(postal(statement.postal_code) if statement.postal_code else "", s["body"]),
                _p(statement.address, s["body"]), _p(f"{statement.customer_name}　御中", s["name"])]
    office = [_p(f"{jp_date(printed_on)} 発行", s["right"]), _p(issuer.name, s["right"]),
              _p(f"{postal(issuer.postal_code)} {issuer.address}" if issuer.postal_code else issuer.address,
                 s["right"]),
              _p(f"TEL {issuer.phone}" if issuer.phone else "", s["right"])]
    top = Table([[customer, office]], colWidths=[width * 0.55, width * 0.45])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    period = f"期間　{jp_date(statement.since)} 〜 {jp_date(statement.until)}"
    return [top, Spacer(0, 6 * mm), _p("取引明細書", s["title"]), _p(period, s["body"]),
            _p(f"前期繰越残高　{yen(statement.opening)}", s["body"]), Spacer(0, 3 * mm)]


def _table(statement: AccountStatement, s: dict[str, ParagraphStyle], width: float) -> LongTable:
    fixed = sum(w for w in WIDTHS if w is not None)
    widths = [w if w is not None else width - fixed for w in WIDTHS]
    rows: list[list[Any]] = [[_p(h, s["head"]) for h in HEADER]]
    for e in statement.entries:
        text = s["cell"] if e.counts else s["listed"]
        rows.append([_p(f"{e.on:%Y/%m/%d}", text), _p(e.kind, text), _p(e.reference, text), _p(e.description, text),
                     _p(_amount(e.charged), s["num"]), _p(_amount(e.paid), s["num"]),
                     _p(yen(e.balance) if e.counts else "", s["num"])])
    if not statement.entries:
        rows.append(["", "", "", _p("この期間の取引はありません。", s["cell"]), "", "", ""])
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2), ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _totals(statement: AccountStatement, s: dict[str, ParagraphStyle], width: float) -> Table:
    rows = [[_p("期末残高", s["cell"]), _p(yen(statement.closing), s["num"])],
            [_p("うち未入金の請求額（本日現在）", s["cell"]), _p(yen(statement.owed), s["num"])],
            [_p("お預かりしている過入金（本日現在）", s["cell"]), _p(yen(statement.credit), s["num"])]]
    table = Table(rows, colWidths=[70 * mm, 35 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return table


def render_account_statement(statement: AccountStatement, issuer: CompanyDetails, *, printed_on: dt.date) -> bytes:
    """The statement as PDF bytes (A4, as many pages as its entries need)."""
    register_fonts()
    s = _styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=f"取引明細書 {statement.customer_name}",
                            author=issuer.name)
    width = A4[0] - 2 * MARGIN
    note = _p("灰色の行（充当・遅延損害金）は内訳の記載で、残高は変わりません。"
              "遅延損害金は次回以降のご請求書に計上します。",
              s["listed"])
    story = [*_heading(statement, issuer, printed_on, s, width), _table(statement, s, width), Spacer(0, 4 * mm),
             _totals(statement, s, width), Spacer(0, 3 * mm), note]

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        draw_string(canvas, A4[0] - MARGIN, MARGIN - 2 * mm, f"{statement.customer_name}　取引明細書　{document.page}",
                    GOTHIC, 7.5, anchor="right")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()

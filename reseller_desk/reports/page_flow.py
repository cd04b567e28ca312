"""A page flow drawn straight on the ReportLab canvas, for documents printed by the thousand
(the invoice): blocks of known height placed top to bottom, page after page, then drawn.

Measuring first and drawing after means the page count is known when the first page is drawn
(no second pass for "1/3"). A table's header is repeated on every page its rows continue on
and never ends a page alone; every block is kept whole (a block taller than a page is refused).
Text goes through ``reports.fonts.draw_string`` (the fallback font for what IPAex lacks) and is
cut to its width by ``reports.text_layout``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from reseller_desk.reports.fonts import draw_string, string_width
from reseller_desk.reports.text_layout import wrap

__all__ = ["Block", "Placed", "draw_text", "fitted", "lines_block", "paginate"]


@dataclass(frozen=True)
class Block:
    """A piece of the flow: its height and how to draw it with its top at ``y``."""

    height: float
    draw: Callable[[Canvas, float], None]
    row: bool = False   # a row of a table: a page break before it repeats the table's header


Placed = list[tuple[float, Block]]   # the blocks of one page, each with its top


def draw_text(c: Canvas, x: float, y: float, text: str, font: str, size: float, anchor: str = "left") -> None:
    """``draw_string`` with ``anchor`` "left", "right" or "center" (at ``x``)."""
    if anchor == "center":
        x -= string_width(text, font, size) / 2
        anchor = "left"
    draw_string(c, x, y, text, font, size, anchor="right" if anchor == "right" else "left")


def lines_block(lines: Sequence[tuple[str, float]], x: float, width: float, font: str, *, gap: float = 0,
                spacing: float = 1.45) -> Block:
    """Plain lines ``(text, size)``, each wrapped to ``width``, drawn left from ``x``."""
    wrapped = [(part, size) for text, size in lines for part in wrap(text, width, font, size)]
    height = sum(size * spacing for _, size in wrapped) + gap

    def draw(c: Canvas, top: float) -> None:
        y = top
        for part, size in wrapped:
            y -= size * spacing
            draw_text(c, x, y + size * 0.3, part, font, size)

    return Block(height, draw)


def fitted(text: str, font: str, size: float, room: float) -> str:
    """``text`` cut with "…" to ``room`` points, for a running header or a footer (the whole text
    is printed elsewhere)."""
    while len(text) > 1 and string_width(text, font, size) > room:
        text = text[:-2] + "…"
    return text


class TooTall(ValueError):
    """A block taller than the room of an empty page."""


def paginate(flow: Sequence[Block], *, first_top: float, later_top: float, bottom: float,
             table_header: Block) -> list[Placed]:
    """Every block of ``flow`` placed on a page at its top: from ``first_top`` on page 1 and
    ``later_top`` after, down to ``bottom``. ``table_header`` (itself in the flow) is kept with
    the row after it and repeated at the top of a page that starts with a row."""
    pages: list[Placed] = [[]]
    y = first_top
    for index, block in enumerate(flow):
        need = block.height
        if block is table_header and index + 1 < len(flow):
            need += flow[index + 1].height      # the table's header never ends a page alone
        if y - need < bottom and pages[-1]:
            pages.append([])
            y = later_top
            if block.row:
                pages[-1].append((y, table_header))
                y -= table_header.height
        if y - block.height < bottom:
            raise TooTall(f"a block of {block.height:.0f} pt does not fit a page")
        pages[-1].append((y, block))
        y -= block.height
    return pages

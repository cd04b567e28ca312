"""The fonts shipped in ``resources/fonts``, registered with ReportLab as embedded TrueType
fonts (subset into every PDF), so that Japanese prints the same on any reader — and so that
every character of a customer's name prints, not a box.

IPAexMincho/IPAexGothic draw the text. They lack about 3,100 characters of JIS X 0213 (𠮷 of
𠮷野家 among them), so each run of characters IPAex lacks is drawn in IPAmjMincho (IPAmj明朝,
ISO/IEC 10646, about 60,000 glyphs), the fallback: ``markup`` writes such runs as Paragraph
``<font name=…>`` runs and ``draw_string`` draws them on a canvas. IPAmj's file is 45 MB, so it
is read only when a character needs it. ``missing_glyphs`` names what no shipped font draws,
for a warning as the clerk types.

ReportLab's CID fonts (``HeiseiMin-W3`` …) are deliberately not used: they are not embedded
and depend on fonts installed on the reader's machine.

Bold and italic do not exist in IPAex; the families are registered so that ``<b>`` in a
Paragraph does not fail: bold Mincho prints in Gothic (the usual Japanese typesetting habit),
italic prints upright.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import cache
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from reseller_desk.resources import resource_path

MINCHO = "IPAexMincho"     # 明朝: body text of letters
GOTHIC = "IPAexGothic"     # ゴシック: titles, labels, small print
FALLBACK = "IPAmjMincho"   # IPAmj明朝: only the characters IPAex lacks
FONT_FILES = {MINCHO: "ipaexm.ttf", GOTHIC: "ipaexg.ttf", FALLBACK: "ipamjm.ttf"}

_lock = threading.Lock()
_registered = False


def _load(name: str) -> None:
    """Register one shipped font with ReportLab (idempotent; the caller holds ``_lock``)."""
    if name in pdfmetrics.getRegisteredFontNames():
        return
    path = resource_path("fonts", FONT_FILES[name])
    if not path.is_file():
        raise FileNotFoundError(f"フォントファイルが見つかりません: {path}")
    font = TTFont(name, str(path))
    _alias_wide_forms(font)
    pdfmetrics.registerFont(font)


def _alias_wide_forms(font: TTFont) -> None:
    """Draw a character the font lacks with the glyph of its full-width form, when the font
    has that form and the character is exactly its <wide> decomposition. JIS X 0213 1-2-54/55
    decode to ⦅ ⦆ (U+2985/2986), which no IPA font maps, while every IPA font maps the
    full-width U+FF5F/FF60 — the same characters, in the width Japanese text uses. The PDF's
    text (ToUnicode) keeps the character as typed; the font file is not changed."""
    to_glyph = font.face.charToGlyph
    widths = font.face.charWidths
    for wide in range(0xFF01, 0xFFEF):
        parts = unicodedata.decomposition(chr(wide)).split()
        if len(parts) == 2 and parts[0] == "<wide>" and wide in to_glyph:
            narrow = int(parts[1], 16)
            if narrow not in to_glyph:
                to_glyph[narrow] = to_glyph[wide]
                widths[narrow] = widths.get(wide, font.face.defaultWidth)


_reportlab_to_unicode_cmap = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with the characters beyond the BMP (𠮷 U+20BB7, most of
    IPAmj's extra kanji) written as UTF-16BE surrogate pairs, as the PDF reference requires:
    ReportLab 5.1 writes ``<20BB7>``, which readers reject, so copied or searched text would
    lose the character. Characters of the BMP are written exactly as ReportLab does."""
    cmap = str(_reportlab_to_unicode_cmap(fontname, subset))
    for index, code in enumerate(subset):
        if code > 0xFFFF:
            utf16 = chr(code).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{utf16}>", 1)
    return cmap


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


def register_fonts() -> tuple[str, str]:
    """Register IPAexMincho and IPAexGothic once per process; returns ``(MINCHO, GOTHIC)``.
    Raises if a font file is missing: a notice must never print with the wrong glyphs. The
    fallback font is registered by ``fallback_font`` when a character first needs it."""
    global _registered
    if _registered:
        return MINCHO, GOTHIC
    with _lock:
        if not _registered:
            for name in (MINCHO, GOTHIC):
                _load(name)
            pdfmetrics.registerFontFamily(
                MINCHO, normal=MINCHO, bold=GOTHIC, italic=MINCHO, boldItalic=GOTHIC
            )
            pdfmetrics.registerFontFamily(
                GOTHIC, normal=GOTHIC, bold=GOTHIC, italic=GOTHIC, boldItalic=GOTHIC
            )
            _registered = True
    return MINCHO, GOTHIC


def fallback_font() -> str:
    """Register IPAmjMincho (once; reading its 45 MB takes about a tenth of a second) and
    return its name."""
    register_fonts()
    with _lock:
        _load(FALLBACK)
    return FALLBACK


@cache
def coverage(font_name: str) -> frozenset[int]:
    """The code points ``font_name`` draws (read from its cmap once, then cached)."""
    if font_name == FALLBACK:
        fallback_font()
    else:
        register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def _drawn_by(ch: str, known: frozenset[int]) -> bool:
    return ch.isspace() or ord(ch) in known


def missing_glyphs(text: str, font_name: str = MINCHO) -> str:
    """The distinct characters of ``text`` that no shipped font can draw — neither
    ``font_name`` nor the fallback IPAmjMincho (they would print as boxes) — in order of first
    appearance; "" when everything prints. Only text with a character outside IPAex reads the
    fallback's coverage."""
    known = coverage(font_name)
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in seen and not _drawn_by(ch, known):
            seen[ch] = None
    if not seen:
        return ""
    fallback = coverage(FALLBACK)
    return "".join(ch for ch in seen if ord(ch) not in fallback)


def font_runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """``text`` cut into ``(font, run)`` pairs: runs ``font_name`` draws, and runs of characters
    it lacks drawn by the fallback. A character no font has stays with ``font_name`` (it prints
    as that font's box; ``missing_glyphs`` warns of it before)."""
    known = coverage(font_name)
    if all(_drawn_by(ch, known) for ch in text):
        return [(font_name, text)] if text else []
    fallback = coverage(FALLBACK)
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = FALLBACK if not _drawn_by(ch, known) and ord(ch) in fallback else font_name
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def markup(text: str, font_name: str) -> str:
    """Data as Paragraph markup for a paragraph in ``font_name``: &, <, > escaped (names like
    "A&B商事" print as typed), and the characters ``font_name`` lacks wrapped in
    ``<font name="IPAmjMincho">`` runs."""
    return "".join(
        escape(run) if font == font_name else f"<font name={quoteattr(font)}>{escape(run)}</font>"
        for font, run in font_runs(text, font_name)
    )


def string_width(text: str, font_name: str, size: float) -> float:
    """The width of ``text`` drawn with ``draw_string``, fallback runs included."""
    return sum(float(pdfmetrics.stringWidth(run, font, size)) for font, run in font_runs(text, font_name))


def draw_string(canvas: Canvas, x: float, y: float, text: str, font_name: str, size: float,
                anchor: Literal["left", "right"] = "left") -> None:
    """``canvas.drawString`` / ``drawRightString`` with the fallback font for the characters
    ``font_name`` lacks; leaves the canvas on ``font_name``."""
    if anchor == "right":
        x -= string_width(text, font_name, size)
    for font, run in font_runs(text, font_name):
        canvas.setFont(font, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, font, size)
    canvas.setFont(font_name, size)

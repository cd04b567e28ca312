"""The IPAex fonts shipped in ``resources/fonts``, registered with ReportLab as embedded
TrueType fonts (subset into every PDF), so that Japanese prints the same on any reader.

ReportLab's CID fonts (``HeiseiMin-W3`` …) are deliberately not used: they are not embedded
and depend on fonts installed on the reader's machine.

Bold and italic do not exist in IPAex; the families are registered so that ``<b>`` in a
Paragraph does not fail: bold Mincho prints in Gothic (the usual Japanese typesetting habit),
italic prints upright.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reseller_desk.resources import resource_path

MINCHO = "IPAexMincho"     # 明朝: body text of letters
GOTHIC = "IPAexGothic"     # ゴシック: titles, labels, small print
FONT_FILES = {MINCHO: "ipaexm.ttf", GOTHIC: "ipaexg.ttf"}

_lock = threading.Lock()
_registered = False


def register_fonts() -> tuple[str, str]:
    """Register IPAexMincho and IPAexGothic once per process; returns ``(MINCHO, GOTHIC)``.
    Raises if a font file is missing: a notice must never print with the wrong glyphs."""
    global _registered
    if _registered:
        return MINCHO, GOTHIC
    with _lock:
        if not _registered:
            for name, file_name in FONT_FILES.items():
                if name not in pdfmetrics.getRegisteredFontNames():
                    path = resource_path("fonts", file_name)
                    if not path.is_file():
                        raise FileNotFoundError(f"フォントファイルが見つかりません: {path}")
                    pdfmetrics.registerFont(TTFont(name, str(path)))
            pdfmetrics.registerFontFamily(
                MINCHO, normal=MINCHO, bold=GOTHIC, italic=MINCHO, boldItalic=GOTHIC
            )
            pdfmetrics.registerFontFamily(
                GOTHIC, normal=GOTHIC, bold=GOTHIC, italic=GOTHIC, boldItalic=GOTHIC
            )
            _registered = True
    return MINCHO, GOTHIC


@lru_cache(maxsize=None)
def _char_to_glyph(font_name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def missing_glyphs(text: str, font_name: str = MINCHO) -> str:
    """The distinct characters of ``text`` that ``font_name`` cannot draw (they would print as
    blanks or boxes), in order of first appearance; "" when everything prints."""
    known = _char_to_glyph(font_name)
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in seen and not ch.isspace() and ord(ch) not in known:
            seen[ch] = None
    return "".join(seen)

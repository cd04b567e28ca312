"""Japanese renders on a machine without Japanese fonts: the shipped IPAex fonts are registered
and IPAexGothic is the application font; a character IPAex lacks (𠮷) is drawn from the shipped
IPAmj明朝, the application font's fallback, instead of a box."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics, QImage, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from reseller_desk.ui.fonts import FALLBACK_FAMILY, GOTHIC_FAMILY, MINCHO_FAMILY, install_fonts, register_fonts

YOSHI = 0x20BB7                    # 𠮷 (つちよし), not in IPAex
NO_FONT_HAS_IT = 0x10FFFD          # a private-use code point: no font draws it


def test_ipaex_fonts_are_registered_and_gothic_is_the_application_font(qapp):
    families = register_fonts()
    assert families == {"ipaexg.ttf": [GOTHIC_FAMILY], "ipaexm.ttf": [MINCHO_FAMILY],
                        "ipamjm.ttf": [FALLBACK_FAMILY]}
    assert {GOTHIC_FAMILY, MINCHO_FAMILY, FALLBACK_FAMILY} <= set(QFontDatabase.families())
    font = install_fonts(qapp)
    assert QApplication.font().family() == GOTHIC_FAMILY
    assert QApplication.font().families()[:2] == [GOTHIC_FAMILY, FALLBACK_FAMILY]
    assert QFontInfo(font).family() == GOTHIC_FAMILY  # really resolved, not a fallback
    metrics = QFontMetrics(font)
    for text in ("顧客設定", "カブシキガイシャ", "ｶﾌﾞｼｷｶﾞｲｼｬ", "ひらがな", "¥1,980", "※"):
        assert all(metrics.inFontUcs4(ord(ch)) for ch in text), text


def test_the_shipped_fallback_font_has_the_glyphs_ipaex_lacks(qapp):
    register_fonts()
    fallback = QRawFont.fromFont(QFont(FALLBACK_FAMILY))
    assert fallback.familyName() == FALLBACK_FAMILY
    assert fallback.supportsCharacter(YOSHI)
    assert not QRawFont.fromFont(QFont(GOTHIC_FAMILY)).supportsCharacter(YOSHI)


def _grab(text: str) -> QImage:
    label = QLabel(text)
    label.setStyleSheet("background: white; color: black")
    label.resize(80, 40)
    return label.grab().toImage()


def test_a_label_with_yoshi_draws_a_glyph_not_a_box(qapp):
    install_fonts(qapp)
    yoshi, box, blank = _grab(chr(YOSHI)), _grab(chr(NO_FONT_HAS_IT)), _grab(" ")
    assert yoshi != blank                      # something is drawn …
    assert yoshi != box                        # … and it is not the missing-glyph box
    assert _grab("𠮷野家") != _grab(chr(NO_FONT_HAS_IT) + "野家")


def test_qt_draws_yoshi_from_ipamj_and_the_rest_of_the_name_from_ipaex(qapp):
    from PySide6.QtGui import QTextLayout

    font = install_fonts(qapp)
    layout = QTextLayout("𠮷野家", font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = {run.rawFont().familyName(): len(run.glyphIndexes()) for run in layout.glyphRuns()}
    assert runs == {FALLBACK_FAMILY: 1, GOTHIC_FAMILY: 2}

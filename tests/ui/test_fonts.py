"""Japanese renders on a machine without Japanese fonts: the shipped IPAex fonts are registered
and IPAexGothic is the application font."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

from reseller_desk.ui.fonts import GOTHIC_FAMILY, MINCHO_FAMILY, install_fonts, register_fonts


def test_ipaex_fonts_are_registered_and_gothic_is_the_application_font(qapp):
    families = register_fonts()
    assert families == {"ipaexg.ttf": [GOTHIC_FAMILY], "ipaexm.ttf": [MINCHO_FAMILY]}
    assert {GOTHIC_FAMILY, MINCHO_FAMILY} <= set(QFontDatabase.families())
    font = install_fonts(qapp)
    assert QApplication.font().family() == GOTHIC_FAMILY
    assert QFontInfo(font).family() == GOTHIC_FAMILY  # really resolved, not a fallback
    metrics = QFontMetrics(font)
    for text in ("顧客設定", "カブシキガイシャ", "ｶﾌﾞｼｷｶﾞｲｼｬ", "ひらがな", "¥1,980", "※"):
        assert all(metrics.inFontUcs4(ord(ch)) for ch in text), text

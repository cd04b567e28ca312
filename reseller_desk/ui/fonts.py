"""The IPAex fonts shipped in ``resources/fonts``: registered with Qt at start-up so that
Japanese renders on a machine without Japanese fonts, and IPAexGothic made the application
font."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from reseller_desk.resources import resource_path

log = logging.getLogger(__name__)

GOTHIC_FILE = "ipaexg.ttf"
MINCHO_FILE = "ipaexm.ttf"
GOTHIC_FAMILY = "IPAexGothic"
MINCHO_FAMILY = "IPAexMincho"
DEFAULT_POINT_SIZE = 10.0

_registered: dict[str, list[str]] = {}


def register_fonts() -> dict[str, list[str]]:
    """Register the shipped font files once; file name -> the families Qt found in it.
    A missing or unreadable file is logged, not fatal (Qt then falls back to system fonts)."""
    for file_name in (GOTHIC_FILE, MINCHO_FILE):
        if file_name in _registered:
            continue
        path = resource_path("fonts", file_name)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("フォントを読み込めませんでした: %s", path)
            _registered[file_name] = []
        else:
            _registered[file_name] = list(QFontDatabase.applicationFontFamilies(font_id))
    return dict(_registered)


def gothic_family() -> str:
    families = register_fonts().get(GOTHIC_FILE) or []
    return families[0] if families else GOTHIC_FAMILY


def install_fonts(app: QApplication, point_size: float = DEFAULT_POINT_SIZE) -> QFont:
    """Register the fonts and make IPAexGothic the application font; returns that font."""
    font = QFont(gothic_family())
    font.setPointSizeF(point_size)
    # Japanese glyphs first, then whatever the system offers for anything IPAex lacks.
    font.setFamilies([gothic_family(), "Sans Serif"])
    app.setFont(font)
    return font


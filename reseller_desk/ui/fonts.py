"""The fonts shipped in ``resources/fonts``: registered with Qt at start-up so that Japanese
renders on a machine without Japanese fonts, IPAexGothic made the application font, and
IPAmj明朝 put right after it in the application font's families, so that Qt draws each
character IPAex lacks (𠮷 of 𠮷野家, about 3,100 of JIS X 0213) from it instead of a box.
Registering IPAmj costs about a millisecond: Qt reads its 45 MB only when a character needs it.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from reseller_desk.resources import resource_path

log = logging.getLogger(__name__)

GOTHIC_FILE = "ipaexg.ttf"
MINCHO_FILE = "ipaexm.ttf"
FALLBACK_FILE = "ipamjm.ttf"
GOTHIC_FAMILY = "IPAexGothic"
MINCHO_FAMILY = "IPAexMincho"
FALLBACK_FAMILY = "IPAmjMincho"
DEFAULT_POINT_SIZE = 10.0

_registered: dict[str, list[str]] = {}


def register_fonts() -> dict[str, list[str]]:
    """Register the shipped font files once; file name -> the families Qt found in it.
    A missing or unreadable file is logged, not fatal (Qt then falls back to system fonts)."""
    for file_name in (GOTHIC_FILE, MINCHO_FILE, FALLBACK_FILE):
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


def _family(file_name: str, default: str) -> str:
    families = register_fonts().get(file_name) or []
    return families[0] if families else default


def gothic_family() -> str:
    return _family(GOTHIC_FILE, GOTHIC_FAMILY)


def fallback_family() -> str:
    return _family(FALLBACK_FILE, FALLBACK_FAMILY)


def install_fonts(app: QApplication, point_size: float = DEFAULT_POINT_SIZE) -> QFont:
    """Register the fonts and make IPAexGothic the application font, IPAmj明朝 its fallback;
    returns that font."""
    font = QFont(gothic_family())
    font.setPointSizeF(point_size)
    # IPAex first; IPAmj for the characters IPAex lacks; then whatever the system offers
    # (emoji, …) for what neither has.
    font.setFamilies([gothic_family(), fallback_family(), "Sans Serif"])
    app.setFont(font)
    return font


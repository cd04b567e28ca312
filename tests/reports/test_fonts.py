"""Every character a Japanese office may type prints: IPAex draws the text, IPAmj明朝 the
characters IPAex lacks, and ``missing_glyphs`` names only what no shipped font can draw."""

from __future__ import annotations

import time

from reseller_desk.reports.fonts import (
    FALLBACK,
    GOTHIC,
    MINCHO,
    coverage,
    font_runs,
    markup,
    missing_glyphs,
)
from reseller_desk.resources import resource_path


def jis_x_0213() -> set[str]:
    """Every character of JIS X 0213 (both planes) and JIS X 0201 kana, decoded by Python's
    euc_jis_2004 codec: plane 1 as two bytes 0xA1–0xFE, plane 2 behind 0x8F, kana behind 0x8E.
    A few codes decode to two code points (か゚ = か + U+309A); each code point counts."""
    chars: set[str] = set()
    candidates = [bytes([0x8E, b]) for b in range(0xA1, 0xE0)]
    for first in range(0xA1, 0xFF):
        for second in range(0xA1, 0xFF):
            candidates += [bytes([first, second]), bytes([0x8F, first, second])]
    for raw in candidates:
        try:
            chars.update(raw.decode("euc_jis_2004"))
        except UnicodeDecodeError:
            continue
    return chars


def test_every_character_of_jis_x_0213_is_drawn_by_a_shipped_font():
    chars = jis_x_0213()
    assert len(chars) > 11_000                      # the set really was built
    lacking_in_ipaex = [ch for ch in chars if ord(ch) not in coverage(MINCHO)]
    assert len(lacking_in_ipaex) > 3000             # why the fallback is needed
    missing = missing_glyphs("".join(sorted(chars)))
    assert missing == "", f"{len(missing)} not drawn, first: {[f'U+{ord(c):04X} {c}' for c in missing[:20]]}"
    assert missing_glyphs("".join(sorted(chars)), GOTHIC) == ""


def test_missing_glyphs_names_only_what_no_shipped_font_draws():
    assert missing_glyphs("株式会社髙橋𠮷野家 髙橋 𠮷男") == ""
    assert missing_glyphs("⦅注⦆") == ""            # JIS X 0213 1-2-54/55, drawn with the full-width glyph
    assert missing_glyphs("𠮷田😀商店🚀😀") == "😀🚀"   # in order of first appearance, once each
    assert missing_glyphs("") == ""


def test_missing_glyphs_is_fast_enough_to_run_on_every_keystroke():
    missing_glyphs("𠮷")                            # the coverage of both fonts is read once
    text = "株式会社髙橋𠮷野家 東京都港区六本木6丁目10番1号 " * 4
    started = time.perf_counter()
    for _ in range(1000):
        missing_glyphs(text)
    assert (time.perf_counter() - started) / 1000 < 0.001


def test_runs_of_characters_ipaex_lacks_go_to_the_fallback_font():
    assert font_runs("髙橋 𠮷男", MINCHO) == [(MINCHO, "髙橋 "), (FALLBACK, "𠮷"), (MINCHO, "男")]
    assert font_runs("山田 太郎", GOTHIC) == [(GOTHIC, "山田 太郎")]
    assert font_runs("", MINCHO) == []
    assert markup("A&B<𠮷>", MINCHO) == 'A&amp;B&lt;<font name="IPAmjMincho">𠮷</font>&gt;'


def test_the_fallback_font_is_the_unmodified_ipamj_mincho_with_its_licence():
    import hashlib

    font = resource_path("fonts", "ipamjm.ttf")
    digest = hashlib.sha256(font.read_bytes()).hexdigest()
    assert digest == "75268aa9ac2d92080048196af08adee37f1c286cf4b7777ed5ac3722a8737f5f"  # IPAmj明朝 Ver.005.01
    licence = resource_path("fonts", "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")
    assert "IPA Font License Agreement v1.0" in licence
    assert "ipamjm.ttf" in resource_path("fonts", "README.md").read_text(encoding="utf-8")

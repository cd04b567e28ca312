"""Text cut to a width for pages drawn straight on the canvas (the invoice): Japanese breaks
between any two characters, a run of ASCII (a number, a code, a word) stays whole unless it is
wider than the line by itself, and a closing mark (、。）」…) never starts a line (行頭禁則:
the character before it moves down with it). Nothing is ever cut: a word wider than the line
breaks between its characters.

Widths are those ``reports.fonts.draw_string`` draws, fallback-font runs included.
"""

from __future__ import annotations

import re

from reseller_desk.reports.fonts import string_width

__all__ = ["fit_size", "wrap"]

#: Characters that may not start a line (JIS X 4051 行頭禁則, the common subset).
NO_LINE_START = frozenset("、。，．,.)）」』】〕〉》］｝ー々ゝゞヽヾ・：；？！:;?!%％"
                          "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")

_TOKENS = re.compile(r"[!-~]+|\s+|.", re.DOTALL)


def wrap(text: str, width: float, font: str, size: float) -> list[str]:
    """``text`` as the lines that fit ``width`` points in ``font`` at ``size``; a newline in
    ``text`` starts a new line. Always at least one line (``[""]`` for empty text)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width, font, size)
    return lines


def _wrap_paragraph(text: str, width: float, font: str, size: float) -> list[str]:
    if string_width(text, font, size) <= width:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0.0

    def measure(piece: str) -> float:
        return string_width(piece, font, size)

    def flush() -> None:
        nonlocal line, used
        lines.append("".join(line).rstrip())
        line, used = [], 0.0

    for token in _TOKENS.findall(text):
        wide = measure(token)
        if token.isspace() and not line:
            continue                                  # no space at the start of a line
        if used + wide <= width:
            line.append(token)
            used += wide
            continue
        if wide > width:                              # a word wider than the line: by characters
            for ch in token:
                w = measure(ch)
                if line and used + w > width:
                    flush()
                line.append(ch)
                used += w
            continue
        if token.isspace():                           # the break itself
            flush()
            continue
        carried: list[str] = []
        if token[0] in NO_LINE_START and len(line) > 1 and measure(line[-1]) + wide <= width:
            carried = [line.pop()]                    # 行頭禁則: the character before moves down
        flush()
        line = [*carried, token]
        used = sum(measure(piece) for piece in line)
    if line or not lines:
        flush()
    return lines


def fit_size(text: str, width: float, font: str, size: float, smallest: float = 5.0) -> float:
    """The size at which ``text`` fits ``width`` on one line: ``size`` when it fits, else as
    much smaller as needed (never below ``smallest``). For figures, which must not wrap."""
    wide = string_width(text, font, size)
    if wide <= width:
        return size
    return max(smallest, size * width / wide * 0.999)

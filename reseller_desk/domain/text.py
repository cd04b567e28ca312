"""Cleaning what is typed or imported, before it is checked and stored.

Text reaches the database from forms, the CLI and imports. Characters that no one means to
type, and that break searching, printing or a terminal, are removed at cleaning (probe L4,
L5): C0 and C1 control characters (a note keeps its tabs and line breaks), the bidirectional
overrides, embeddings and isolates, zero-width characters and the byte-order mark, and lone
surrogates (which cannot even be encoded), and the other invisible format characters (soft
hyphen, the deprecated format controls, interlinear annotation) and the noncharacters
U+FFFE/U+FFFF. Variation selectors stay: an 異体字 such as 葛󠄀 is typed with one. A name made of
removed characters only is therefore empty.

A value that is not text at all (a number, bytes, a list) is not turned into text here: the
checks refuse it with :func:`text_type_problem`, so that nothing is stored as ``"b'…'"``.
"""

from __future__ import annotations

import re
import unicodedata

#: Bidi controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI, LRM RLM ALM) and zero-width
#: characters (ZWSP ZWNJ ZWJ, WORD JOINER, BOM); U+2061–2064 are invisible operators; then the
#: soft hyphen, the Mongolian vowel separator (once a zero-width space), the deprecated format
#: controls U+206A–206F, the interlinear annotation marks and the noncharacters U+FFFE/FFFF.
_INVISIBLE = ("\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
              "\u00ad\u180e\u206a-\u206f\ufff9-\ufffb\ufffe\uffff")
_LINE_UNWANTED = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")
_NOTE_UNWANTED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}\ud800-\udfff]")


def clean_line(value: object) -> str:
    """One line of text (a name, an address, a code): unwanted characters removed, stripped.
    Line breaks and tabs inside become one space each, so a pasted address stays readable."""
    text = "" if value is None else str(value)
    text = re.sub(r"[\t\r\n\u2028\u2029\x85]+", " ", text)
    return _LINE_UNWANTED.sub("", text).strip()


def clean_note(value: object) -> str:
    """Free text of several lines (a note): tabs and line breaks kept (CR LF and CR become LF),
    the other unwanted characters removed, trailing blanks stripped."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NOTE_UNWANTED.sub("", text).strip()


def length_problem(text: str, limit: int, label: str) -> str | None:
    """The message for a ``text`` longer than ``limit`` characters, or None. Counted in code
    points as the database's VARCHAR(limit) counts them."""
    if len(text) > limit:
        return f"{label}は{limit}文字以内で入力してください（{len(text)}文字）。"
    return None


def is_visible(text: str) -> bool:
    """Whether ``text`` has any character that shows (not only spaces and format characters)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Mn") for ch in text)


def is_text(value: object) -> bool:
    """Whether ``value`` can be cleaned as text: a str, or None (nothing typed)."""
    return value is None or isinstance(value, str)


def text_type_problem(value: object, label: str) -> str | None:
    """The message for a value given for a text field that is not text (None is empty text)."""
    if is_text(value):
        return None
    return f"{label}は文字で入力してください。"

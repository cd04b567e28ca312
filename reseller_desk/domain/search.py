"""How the customer book matches what a clerk types.

A clerk may type 全角 or 半角, ひらがな or カタカナ, with or without hyphens: "ｶﾌﾞｼｷｶﾞｲｼｬ",
"かぶしきがいしゃ" and "カブシキガイシャ" must all find 株式会社… by its furigana, and "0312345678"
must find "03-1234-5678". Both the stored key and the query go through :func:`normalize`.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

from reseller_desk.domain.text import clean_line

# Hyphen-like characters people type between digits or in names. NFKC already maps the
# full-width hyphen-minus (－) to "-". The long-vowel mark ー is a letter of katakana words and
# is kept; but a half-width "ｰ" between digits, as some FAX forms print, also becomes ー, so the
# key keeps digits contiguous by removing ー only when it sits between two digits.
_HYPHENS = re.compile(r"[\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE63\u30FB\u00B7]")
_DIGIT_BAR_DIGIT = re.compile(r"(?<=\d)ー(?=\d)")
_SPACES = re.compile(r"\s+")

#: Separates the fields of a search key, so that one search term never spans two fields.
FIELD_SEPARATOR = "\x1f"


def normalize(text: str) -> str:
    """Width-, kana- and case-folded text without hyphens or spaces.

    NFKC turns full-width ASCII into half-width and half-width katakana (with their voiced
    marks) into full-width katakana; jaconv turns hiragana into katakana.
    """
    if not text:
        return ""
    folded = _fold_once(text)
    # Removing a space can leave a combining mark next to a letter ("A ́" -> "Á"), which NFKC
    # composes on the next pass; fold until nothing changes so the key is stable.
    for _ in range(3):
        again = _fold_once(folded)
        if again == folded:
            break
        folded = again
    return folded


def _fold_once(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = jaconv.hira2kata(folded).casefold()
    folded = _DIGIT_BAR_DIGIT.sub("", folded)
    folded = _HYPHENS.sub("", folded)
    return _SPACES.sub("", folded)


def search_terms(query: str) -> list[str]:
    """The normalised terms of a query; every term must match (AND). Empty terms are dropped.
    The query is cleaned as typed text is (domain.text.clean_line): a control character or a
    lone surrogate pasted into the search box matches nothing rather than failing."""
    text = clean_line(query) if isinstance(query, str) else ""
    return [t for t in (normalize(part) for part in _SPACES.split(text)) if t]


def search_key(*fields: str) -> str:
    """The one string stored per customer that every search term is matched against."""
    return FIELD_SEPARATOR.join(normalize(f) for f in fields if f)

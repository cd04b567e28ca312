"""The canonical JSON of an issued invoice is the standard library's text, whoever writes it
(domain.invoice_document.canonical_json writes it with orjson, five times faster): a stored
invoice's hash must not depend on the writer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.invoice_document import _json_default, canonical_json


def standard(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)


@dataclasses.dataclass(frozen=True)
class Party:
    name: str
    since: dt.date
    aliases: tuple[str, ...] = ()


#: Any text SQLite can hold (no lone surrogates): control characters, quotes, 𠮷, U+2028.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
SCALARS = (st.none() | st.booleans() | st.integers(-(2 ** 63), 2 ** 63 - 1) | TEXT | st.dates()
           | st.builds(Party, TEXT, st.dates(), st.tuples(TEXT)))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                      max_leaves=20)


@given(VALUES)
def test_the_canonical_text_is_that_of_the_standard_library(value):
    assert canonical_json(value) == standard(value)


def test_keys_are_sorted_by_code_point_beyond_the_basic_plane():
    value = {"ｶﾅ": 1, "𠮷": 2, "\uffff": 3, "a": 4, "": 5, "é": 6}
    assert canonical_json(value) == standard(value)

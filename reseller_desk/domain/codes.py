"""Codes read from outside the program — a row of the database, a stored JSON document, a file,
the command line — as members of the domain's enums.

The values carry enums (``CustomerKind``, ``Channel``, ``DocumentKind`` …); a dataclass that
may be built from a plain code turns it into its member here, once, and leaves a code it does
not know as given so that the field's check can say what is wrong with it.
"""

from __future__ import annotations

from enum import StrEnum


def as_member(kind: type[StrEnum], value: object) -> object:
    """``value`` as a member of ``kind`` when it names one, else as given."""
    if isinstance(value, kind) or not isinstance(value, str):
        return value
    try:
        return kind(value)
    except ValueError:
        return value


def coerce_fields(instance: object, **kinds: type[StrEnum]) -> None:
    """In a frozen dataclass's ``__post_init__``: each named field as a member of its enum."""
    for name, kind in kinds.items():
        object.__setattr__(instance, name, as_member(kind, getattr(instance, name)))

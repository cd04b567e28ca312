"""The schema revisions this version ships, read from the migration files themselves (no
Alembic import), so that opening a database at the current revision stays fast. A leaf module:
``database`` and ``migrate`` both read it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


@cache
def known_revisions() -> dict[str, str | None]:
    """revision -> down_revision of every migration this version ships, read from the files
    themselves so that opening a database does not import Alembic."""
    revisions: dict[str, str | None] = {}
    for file in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        source = file.read_text(encoding="utf-8")
        rev = re.search(r"^revision(?:: str)? = ['\"]([^'\"]+)['\"]", source, re.M)
        down = re.search(r"^down_revision(?:: [^=]+)? = (?:['\"]([^'\"]+)['\"]|None)", source, re.M)
        if rev and down:
            revisions[rev.group(1)] = down.group(1)
    return revisions


def head_revision() -> str:
    revisions = known_revisions()
    parents = {down for down in revisions.values() if down}
    heads = [rev for rev in revisions if rev not in parents]
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]

"""The layers keep to themselves: the domain imports neither Qt nor SQL nor the layers above
it; services, the database layer and the reports import no Qt and nothing of the window.
Read from the source (every import, function-local ones included), so nothing has to run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "reseller_desk"
QT = {"PySide6", "PyQt5", "PyQt6", "shiboken6"}


def modules(folder: str) -> list[Path]:
    return sorted(p for p in (PACKAGE / folder).rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, as written (``reseller_desk.ui.widgets``, ``PySide6.QtCore``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def roots(names: set[str]) -> set[str]:
    return {name.split(".")[0] for name in names}


def test_every_layer_is_found():
    for folder in ("domain", "services", "db", "reports"):
        assert len(modules(folder)) >= 3, folder


@pytest.mark.parametrize("path", modules("domain"), ids=lambda p: p.name)
def test_a_domain_module_imports_neither_qt_nor_sql_nor_a_layer_above(path):
    names = imported(path)
    assert not roots(names) & (QT | {"sqlalchemy", "alembic"})
    assert not {n for n in names if n.startswith(("reseller_desk.services", "reseller_desk.db", "reseller_desk.ui",
                                                  "reseller_desk.reports"))}


@pytest.mark.parametrize("path", modules("services") + modules("db") + modules("reports"),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_services_the_database_layer_and_reports_import_no_qt_and_nothing_of_the_window(path):
    names = imported(path)
    assert not roots(names) & QT
    assert not {n for n in names if n.startswith("reseller_desk.ui")}

"""One place that finds the files under ``resources/``, in a source checkout, an editable
install, or a PyInstaller bundle (which unpacks them under ``sys._MEIPASS/resources``)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """``resource_path("terms", "simpleconnect.toml")`` -> absolute path of that resource."""
    return resources_dir().joinpath(*parts)

"""Where reseller_desk.resources finds resources/ in a source checkout and under PyInstaller.
The wheel case is tests/test_packaging.py."""

from __future__ import annotations

import sys
from pathlib import Path

from reseller_desk import resources

REPO = Path(__file__).resolve().parent.parent


def test_a_source_checkout_reads_the_top_level_resources_folder():
    assert resources.resources_dir() == REPO / "resources"
    assert resources.resource_path("terms", "sokujitsu.toml").is_file()
    assert resources.resource_path("fonts", "ipaexg.ttf").is_file()


def test_a_pyinstaller_bundle_reads_resources_under_meipass(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("fonts", "ipaexm.ttf") == tmp_path / "resources" / "fonts" / "ipaexm.ttf"

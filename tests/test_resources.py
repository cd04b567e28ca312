"""Where reseller_desk.resources finds resources/ in a source checkout and under PyInstaller,
and that a broken install (no profile folder, or an empty one) fails loudly instead of
offering no terms at all. The wheel case is tests/test_packaging.py."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from reseller_desk import resources
from reseller_desk.domain.terms import ProfileError, available_profiles, load_profile

REPO = Path(__file__).resolve().parent.parent


def test_a_source_checkout_reads_the_top_level_resources_folder():
    assert resources.resources_dir() == REPO / "resources"
    assert resources.resource_path("terms", "sokujitsu.toml").is_file()
    assert resources.resource_path("fonts", "ipaexg.ttf").is_file()


def test_a_pyinstaller_bundle_reads_resources_under_meipass(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"
    assert resources.resource_path("fonts", "ipaexm.ttf") == tmp_path / "resources" / "fonts" / "ipaexm.ttf"


def test_a_missing_profile_folder_raises_a_profile_error_naming_it(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    missing = tmp_path / "resources" / "terms"
    with pytest.raises(ProfileError, match=f"規約プロファイルのフォルダがありません: {re.escape(str(missing))}"):
        available_profiles()
    with pytest.raises(ProfileError, match="インストールが壊れています"):
        load_profile.__wrapped__("simpleconnect")


def test_a_profile_folder_without_a_profile_raises_a_profile_error_naming_it(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    folder = tmp_path / "resources" / "terms"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text("no profile here\n", encoding="utf-8")
    (folder / "old.toml").mkdir()  # a folder named like a profile is not one
    with pytest.raises(ProfileError, match=f"\\*\\.toml がありません: {re.escape(str(folder))}"):
        available_profiles()

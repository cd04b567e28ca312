"""Where the files of ``resources/`` (terms profiles, fonts) are, as real file paths.

The repository keeps them in the top-level ``resources/`` folder. pyproject.toml maps that
folder into the package as ``reseller_desk/_resources`` (package data), so that a wheel
carries every file of it. ReportLab and Qt open fonts by file name, so callers get a
:class:`pathlib.Path`, looked for in this order:

1. A PyInstaller bundle: ``sys._MEIPASS/resources`` (``pyinstaller.spec`` puts it there).
2. An installed package: ``importlib.resources.files("reseller_desk") / "_resources"``. An
   ordinary install from the wheel unpacks it to a folder on disk, used as it is. From a
   zipped install (the package imported from a zip or a wheel on ``sys.path``) it is not on
   disk: the folder is then copied once per process into a temporary folder that is deleted
   at exit (``importlib.resources.as_file`` would do that for one file only, on Python 3.11).
3. A source checkout or an editable install (``pip install -e .``, what ``make`` does): the
   package folder has no ``_resources/`` there, and the top-level ``resources/`` beside it is
   used.

Nothing here checks that a file exists: the callers say what is missing (the terms profiles
and the notice fonts refuse to go on without theirs).
"""

from __future__ import annotations

import atexit
import functools
import shutil
import sys
import tempfile
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "reseller_desk"
PACKAGED_DIR = "_resources"  # pyproject.toml: [tool.setuptools.package-dir]
BUNDLED_DIR = "resources"    # pyinstaller.spec: the destination of resources/ in `datas`


def resources_dir() -> Path:
    """The folder that holds ``terms/`` and ``fonts/`` (see the module docstring for where)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / BUNDLED_DIR
    packaged = _packaged()
    if packaged.is_dir():
        return packaged if isinstance(packaged, Path) else _copied_out_of_the_zip()
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """``resource_path("terms", "simpleconnect.toml")`` -> absolute path of that resource."""
    return resources_dir().joinpath(*parts)


def _packaged() -> Traversable:
    return files(PACKAGE) / PACKAGED_DIR


@functools.cache
def _copied_out_of_the_zip() -> Path:
    target = Path(tempfile.mkdtemp(prefix="reseller-desk-resources-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    _copy_tree(_packaged(), target)
    return target


def _copy_tree(source: Traversable, target: Path) -> None:
    for entry in source.iterdir():
        if entry.is_dir():
            (target / entry.name).mkdir()
            _copy_tree(entry, target / entry.name)
        else:
            (target / entry.name).write_bytes(entry.read_bytes())

"""Installable anywhere: the wheel carries every module and every file of resources/, a wheel
installed in a fresh virtual environment (or imported zipped) loads both terms profiles and
prints a notice in the embedded IPAex fonts, the PyInstaller spec bundles resources/ where
reseller_desk.resources looks for it, and no file of the repository names a folder of one
machine.

Offline and inside tmp_path: the checkout is copied there and built with
``pip wheel --no-build-isolation`` (setuptools comes with the ``test`` extra); the fresh venv
sees the dependencies through a ``.pth`` line naming this venv's site-packages, whose own
``.pth`` files (the editable install's finder among them) Python does not process, so the
source checkout stays out of reach and the package can only come from the wheel.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from reseller_desk import resources

REPO = Path(__file__).resolve().parent.parent
PROFILES = ["simpleconnect", "sokujitsu"]

# What the fresh interpreter runs: where the package and resources/ come from, both profiles,
# and the fonts of a refusal notice rendered there, as JSON on stdout.
CHECK_SCRIPT = '''
import datetime as dt, io, json
import reseller_desk
from pypdf import PdfReader
from reseller_desk.domain.notices import Addressee, Issuer, NoticeDocument, NoticeKind
from reseller_desk.domain.terms import available_profiles, load_profile
from reseller_desk.reports.notices import render_notice
from reseller_desk.resources import resources_dir

keys = available_profiles()
profiles = {key: load_profile(key) for key in ("simpleconnect", "sokujitsu")}
doc = NoticeDocument(
    kind=NoticeKind.REFUSAL, number="否-2026-000001", issued_on=dt.date(2026, 11, 22),
    issuer=Issuer(name="株式会社みらいテレコム", postal_code="101-0047",
                  address="東京都千代田区内神田2丁目5番3号", phone="03-5289-7410",
                  registration_number="T8700110005901", email="support@mirai-telecom.example.jp"),
    addressee=Addressee(name="高橋 健一", postal_code="154-0004",
                        address="東京都世田谷区太子堂4丁目1番1号", is_corporate=False),
    application_number="A-2026-000015", application_received_on=dt.date(2026, 11, 12),
    service_name=profiles["sokujitsu"].name,
)
reader = PdfReader(io.BytesIO(render_notice(doc)))
fonts = {}
for page in reader.pages:
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descriptor = font["/FontDescriptor"].get_object()
        fonts[str(font["/BaseFont"]).split("+")[-1]] = "/FontFile2" in descriptor
print(json.dumps({
    "package": reseller_desk.__file__,
    "resources": str(resources_dir()),
    "available": keys,
    "profiles": {key: [p.key, p.cite_as] for key, p in profiles.items()},
    "fonts": fonts,
    "text": "".join(page.extract_text() for page in reader.pages),
}))
'''


def _git_files(*options: str) -> list[str]:
    """Paths (relative to the repository) that git lists with ``options``, and that exist."""
    listing = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", *options],
        check=True, capture_output=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (REPO / name).is_file()]


def _checkout_files() -> list[str]:
    """The files of this checkout that git does not ignore: what a clean clone builds from."""
    return _git_files("--cached", "--others", "--exclude-standard")


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment minus Python's and pip's settings (no machine config, no index), with
    temporary files and any home folder under ``tmp``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
    (tmp / "home").mkdir(exist_ok=True)
    (tmp / "tmp").mkdir(exist_ok=True)
    env.update(PIP_CONFIG_FILE=os.devnull, HOME=str(tmp / "home"), TMPDIR=str(tmp / "tmp"))
    return env


def _run(args: list, tmp: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=tmp, env=env or _clean_env(tmp),
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> SimpleNamespace:
    """A copy of the checkout under tmp_path, and the wheel built from it."""
    tmp = tmp_path_factory.mktemp("packaging")
    source = tmp / "source"
    for name in _checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--no-cache-dir", "--disable-pip-version-check", "--quiet", "-w", tmp / "dist", source],
        tmp,
    )
    (wheel,) = (tmp / "dist").glob("reseller_desk-*.whl")
    return SimpleNamespace(tmp=tmp, source=source, wheel=wheel)


@pytest.fixture(scope="module")
def fresh_venv(build) -> SimpleNamespace:
    """A new venv holding only the wheel; the dependencies are this venv's, by a .pth line."""
    venv = build.tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], build.tmp)
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "--no-cache-dir", "--disable-pip-version-check", "--quiet", build.wheel],
        build.tmp,
    )
    site_packages = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              build.tmp).stdout.strip())
    ours = dict.fromkeys(sysconfig.get_paths()[kind] for kind in ("purelib", "platlib"))
    (site_packages / "project-dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    script = build.tmp / "check_install.py"
    script.write_text(CHECK_SCRIPT, encoding="utf-8")
    return SimpleNamespace(python=python, site_packages=site_packages, script=script)


def _check(python: Path, script: Path, tmp: Path, **env: str) -> dict:
    environment = _clean_env(tmp) | env
    return json.loads(_run([python, script], tmp, env=environment).stdout)


def test_the_wheel_carries_every_module_and_every_file_of_resources(build):
    in_wheel = set(zipfile.ZipFile(build.wheel).namelist())
    checkout = _checkout_files()
    modules = {name for name in checkout if name.startswith("reseller_desk/") and name.endswith(".py")}
    shipped = {
        f"reseller_desk/{resources.PACKAGED_DIR}/" + name.removeprefix("resources/")
        for name in checkout if name.startswith("resources/")
    }
    assert {"reseller_desk/_resources/terms/simpleconnect.toml",
            "reseller_desk/_resources/fonts/ipaexg.ttf"} <= shipped
    assert not modules - in_wheel, "add the new subpackage to [tool.setuptools] packages in pyproject.toml"
    assert not shipped - in_wheel
    assert "reseller_desk/db/migrations/script.py.mako" in in_wheel
    assert not any(name.startswith(("resources/", "tests/")) for name in in_wheel)


def test_a_wheel_installed_in_a_fresh_venv_loads_both_profiles_and_prints_in_the_embedded_font(
    build, fresh_venv
):
    result = _check(fresh_venv.python, fresh_venv.script, build.tmp)
    package = Path(result["package"])
    assert package == fresh_venv.site_packages / "reseller_desk" / "__init__.py"
    assert not package.is_relative_to(REPO)
    assert Path(result["resources"]) == fresh_venv.site_packages / "reseller_desk" / "_resources"
    assert result["available"] == PROFILES
    assert result["profiles"] == {"simpleconnect": ["simpleconnect", "SC"], "sokujitsu": ["sokujitsu", "SH"]}
    assert result["fonts"] == {"IPAexGothic": True, "IPAexMincho": True}  # both embedded (FontFile2)
    assert "申込不承諾通知書" in result["text"] and "即日発番" in result["text"]


def test_a_zipped_install_copies_resources_out_once_and_removes_them_at_exit(build, fresh_venv):
    # The wheel itself on PYTHONPATH: zipimport, so resources/ is not a folder on disk.
    result = _check(fresh_venv.python, fresh_venv.script, build.tmp, PYTHONPATH=str(build.wheel))
    assert Path(result["package"]).is_relative_to(build.wheel)
    copied = Path(result["resources"])
    assert copied.is_relative_to(build.tmp / "tmp") and copied.name.startswith("reseller-desk-resources-")
    assert not copied.exists()  # deleted when the process ended
    assert result["available"] == PROFILES
    assert result["fonts"] == {"IPAexGothic": True, "IPAexMincho": True}


def test_the_pyinstaller_spec_bundles_resources_where_resources_py_looks_for_them(monkeypatch, tmp_path):
    seen: dict = {}

    def analysis(scripts, **options):
        seen.update(options, scripts=scripts)
        return SimpleNamespace(pure=[], scripts=[], binaries=[], datas=[])

    def ignore(*args, **kwargs):
        return None

    spec = REPO / "pyinstaller.spec"
    namespace = {"SPECPATH": str(REPO), "Analysis": analysis, "PYZ": ignore, "EXE": ignore, "COLLECT": ignore}
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    datas = {Path(source): destination for source, destination in seen["datas"]}
    assert all(Path(script).is_file() for script in seen["scripts"])
    assert all(source.is_dir() for source in datas)
    destination = datas[REPO / "resources"]
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / destination
    # What is imported by name at run time is bundled: every section's page and every hook.
    from reseller_desk.services.contracts import hooks as contract_hooks
    from reseller_desk.services.payments import hooks as payment_hooks
    from reseller_desk.ui.main_window import SECTIONS

    named = {s.page.partition(":")[0] for s in SECTIONS} | {
        h.partition(":")[0]
        for h in (*contract_hooks.BUILT_IN, *payment_hooks.BUILT_IN, *payment_hooks.BUILT_IN_REVERSAL)}
    assert named <= set(seen["hiddenimports"])


# A folder of one machine (work, root, home or Users at the root of the file system) or the
# project's shared folder beside the repository: either is missing on the next machine. The
# pattern is written so as not to match this file.
MACHINE_PATH = re.compile(rb"(?<![\w.-])/(?:work|root|home|Users)/|\.\./shared/")


def test_no_tracked_text_file_names_a_folder_outside_the_repository():
    found = []
    for name in _git_files():
        data = (REPO / name).read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (fonts)
        for number, line in enumerate(data.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{name}:{number}: {line.decode(errors='replace').strip()}")
    assert found == []

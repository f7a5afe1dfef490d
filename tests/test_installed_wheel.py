"""evalkit works installed from its wheel, outside the checkout (issue 20 item 6).

The test builds the wheel from a copy of the source tree, installs it into a
fresh virtual environment in a temporary folder, and, from a working folder
outside the checkout, runs ``evalkit new``, ``evalkit example``, ``evalkit
validate`` and ``evalkit run`` (the teaching county, English, no PDF).

The fresh environment gets evalkit from the wheel only. Its dependencies are
the ones already installed from ``requirements.lock`` in the environment
running the test: their site-packages are linked in through a ``.pth`` file
written *after* the wheel is installed (so pip cannot mistake the checkout's
editable evalkit for an installed one), their data files (``share/jupyter``:
nbconvert's templates) through a symbolic link. Installing the locked
dependencies afresh would copy about 150 packages on every test run; the test
checks instead that every requirement the wheel declares is met there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from evalkit import paths

pytestmark = pytest.mark.slow

SKIPPED = {".git", ".venv", "reports", "tests", "benchmarks", "build", "dist", "node_modules", "__pycache__"}


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIPPED or n.startswith(".evalkit") or n.endswith((".egg-info", ".pyc"))}


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    )
    return done


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Build evalkit's wheel from a copy of the source tree (nothing is written into the checkout)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(paths.PROJECT_ROOT, source, ignore=_ignored)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(work / "dist"),
            ".",
        ],
        cwd=source,
        env=dict(os.environ),
    )
    (built,) = (work / "dist").glob("evalkit-*.whl")
    return built


def test_the_wheel_carries_notebooks_studies_templates_and_codebook(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"evalkit/_shipped/notebooks/{p.name}" for p in paths.NOTEBOOKS_DIR.glob("*.py")}
    for study in ("vastmanland-2019", "ovningslan-2025"):
        folder = paths.DATA_DIR / study
        expected |= {
            f"evalkit/_shipped/data/{study}/{p.relative_to(folder).as_posix()}"
            for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
        }
    expected |= {"evalkit/templates/codebook/indicators.csv", "evalkit/schema/manifest.schema.json"}
    assert expected - names == set()
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "data/")) or "__pycache__" in n]


def test_installed_wheel_creates_validates_and_runs_a_study_outside_the_checkout(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp_path, env=dict(os.environ))
    python = venv / "bin" / "python"
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        cwd=tmp_path,
        env=dict(os.environ),
    )
    inner_site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    linked = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (inner_site / "_evalkit_test_dependencies.pth").write_text("\n".join(linked) + "\n", encoding="utf-8")
    # The dependencies' data files too: nbconvert's templates are in <prefix>/share/jupyter, not in site-packages.
    (venv / "share").mkdir(exist_ok=True)
    (venv / "share" / "jupyter").symlink_to(Path(sys.prefix) / "share" / "jupyter", target_is_directory=True)

    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"EVALKIT_CACHE_DIR", "PYTHONPATH", "VIRTUAL_ENV"}}
    env["XDG_CACHE_HOME"] = str(tmp_path / "user-cache")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    evalkit = [str(venv / "bin" / "evalkit")]

    # evalkit comes from the wheel, runs in its installed layout, and the wheel's requirements are met.
    probe = _run(
        [
            str(python),
            "-c",
            "import evalkit, evalkit.paths as p\n"
            "from importlib import metadata\n"
            "from packaging.requirements import Requirement\n"
            "print(evalkit.__file__); print(p.CHECKOUT); print(p.cache_dir()); print(p.DEFAULT_STUDY_DIR)\n"
            "for r in map(Requirement, metadata.requires('evalkit')):\n"
            "    if r.marker is None:\n"
            "        assert r.specifier.contains(metadata.version(r.name), prereleases=True), r\n",
        ],
        cwd=work,
        env=env,
    )
    module_file, checkout, cache_dir, default_study = probe.stdout.splitlines()
    assert Path(module_file).is_relative_to(inner_site) and checkout == "False"
    assert Path(cache_dir) == tmp_path / "user-cache" / "evalkit"
    assert Path(default_study).is_relative_to(inner_site) and (Path(default_study) / "datapackage.json").is_file()
    shipped_before = _tree_digest(inner_site / "evalkit" / "_shipped")

    _run([*evalkit, "new", "norrlandia-2026", "--county", "Norrlandia län", "--year", "2026"], cwd=work, env=env)
    assert (work / "norrlandia-2026" / "codebook" / "indicators.csv").is_file()
    listing = _run([*evalkit, "example"], cwd=work, env=env).stdout
    assert "ovningslan-2025" in listing and "vastmanland-2019 (default study)" in listing
    _run([*evalkit, "example", "ovningslan-2025", "ovning"], cwd=work, env=env)
    _run([*evalkit, "validate", "ovning"], cwd=work, env=env)
    _run([*evalkit, "run", "ovning", "--language", "en", "--no-pdf", "--jobs", "1"], cwd=work, env=env, timeout=900)

    report = work / "reports" / "ovning"
    assert (report / "manifest.json").is_file()
    assert list(report.rglob("*.html")), "the run wrote no HTML"
    assert (tmp_path / "user-cache" / "evalkit").is_dir(), "the caches belong in the per-user cache folder"
    assert _tree_digest(inner_site / "evalkit" / "_shipped") == shipped_before, (
        "the run wrote into the installed package"
    )

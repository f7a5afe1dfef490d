"""Build step that puts the chapter notebooks and the shipped studies into the wheel.

All metadata is in ``pyproject.toml``; this file only extends ``build_py``.
In a checkout evalkit reads ``notebooks/`` and ``data/`` where they are
(:mod:`evalkit.paths`); a wheel has no checkout around it, so the build copies
the chapter sources (``notebooks/<id>.py``) and the shipped studies
(``data/<study>/``) into the package as ``evalkit/_shipped/notebooks`` and
``evalkit/_shipped/data``. An editable install (``pip install -e .``) copies
nothing: it reads the checkout. See docs/decisions.md, "A package that works
installed".
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = "_shipped"  # evalkit.paths.SHIPPED_DIR


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n.startswith(".") or n == "__pycache__" or n.endswith((".pyc", "~"))}


class BuildWithShippedFiles(build_py):
    """``build_py`` that also copies ``notebooks/*.py`` and ``data/*/`` into ``evalkit/_shipped/``."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "evalkit" / SHIPPED
        if target.exists():
            shutil.rmtree(target)  # a stale copy from an earlier build must not ship
        (target / "notebooks").mkdir(parents=True)
        for script in sorted((ROOT / "notebooks").glob("*.py")):
            shutil.copy2(script, target / "notebooks" / script.name)
        for study in sorted((ROOT / "data").iterdir()):
            if (study / "datapackage.json").is_file():
                shutil.copytree(study, target / "data" / study.name, ignore=_ignored)


setup(cmdclass={"build_py": BuildWithShippedFiles})

"""The one place for paths used by evalkit.

Every other module asks this module where things are. evalkit is used from a
checkout (``pip install -e .``): paths are resolved relative to the project
root, the folder holding ``pyproject.toml``, where the default study, the
notebooks and ``reports/`` live. The cache folder can be moved with the
environment variable ``EVALKIT_CACHE_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
SCHEMA_DIR = PACKAGE_DIR / "schema"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

DATA_DIR = PROJECT_ROOT / "data"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"
DEFAULT_STUDY_NAME = "vastmanland-2019"
DEFAULT_STUDY_DIR = DATA_DIR / DEFAULT_STUDY_NAME
CACHE_DIR = Path(os.environ.get("EVALKIT_CACHE_DIR") or PROJECT_ROOT / ".evalkit-cache")

STUDY_DESCRIPTOR = "datapackage.json"
CODEBOOK_DIRNAME = "codebook"


def display_path(path: Path | str) -> str:
    """Return ``path`` relative to the current directory when that is shorter (for messages)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
    return relative if len(relative) <= len(str(path)) else str(path)


def report_dir_for(study_dir: Path, reports_root: Path | None = None) -> Path:
    """Return the report folder for a study: ``reports/<study folder name>``."""
    return (reports_root or REPORTS_DIR) / Path(study_dir).resolve().name

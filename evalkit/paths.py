"""The one place for paths used by evalkit.

Every other module asks this module where things are. Paths are resolved
relative to the project root (the folder holding ``pyproject.toml``) when
evalkit runs from a checkout, and relative to the installed package
otherwise.
"""

from __future__ import annotations

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
CACHE_DIR = PROJECT_ROOT / ".evalkit-cache"

STUDY_DESCRIPTOR = "datapackage.json"
CODEBOOK_DIRNAME = "codebook"


def report_dir_for(study_dir: Path, reports_root: Path | None = None) -> Path:
    """Return the report folder for a study: ``reports/<study folder name>``."""
    return (reports_root or REPORTS_DIR) / Path(study_dir).resolve().name

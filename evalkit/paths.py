"""The one place for paths used by evalkit.

Every other module asks this module where things are. evalkit is used from a
checkout (``pip install -e .``): paths are resolved relative to the project
root, the folder holding ``pyproject.toml``, where the default study, the
notebooks and ``reports/`` live.

Every cache path comes from :func:`cache_dir` (the folder can be moved with the
environment variable ``EVALKIT_CACHE_DIR``, read at each call), and the
per-user secret that signs cache entries from :func:`cache_secret_file`
(outside the cache folder; see :mod:`evalkit.cache`).
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
#: Environment variable that moves the cache folder (default: ``.evalkit-cache/`` in the project).
CACHE_ENV = "EVALKIT_CACHE_DIR"
#: Environment variable that moves the per-user configuration folder (the cache secret lives there).
CONFIG_ENV = "EVALKIT_CONFIG_DIR"
DEFAULT_CACHE_DIR = PROJECT_ROOT / ".evalkit-cache"
CACHE_SECRET_NAME = "cache-secret"

STUDY_DESCRIPTOR = "datapackage.json"
CODEBOOK_DIRNAME = "codebook"


def cache_dir(kind: str | None = None) -> Path:
    """Return the cache folder (``$EVALKIT_CACHE_DIR`` or ``.evalkit-cache/``), or its part for ``kind``.

    The one function every cache path comes from: the content store
    (:mod:`evalkit.cache`) and everything that uses it ask here. The variable
    is read at each call, so a process can point its kernels elsewhere.
    """
    root = Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)
    return root / kind if kind else root


def config_dir() -> Path:
    """Return the per-user configuration folder (``$EVALKIT_CONFIG_DIR`` or the platform's, e.g. ``~/.config/evalkit``)."""
    configured = os.environ.get(CONFIG_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_config_path

    return user_config_path("evalkit", appauthor=False)


def cache_secret_file() -> Path:
    """Return the file of the per-user secret that signs cache entries (never inside the cache folder)."""
    return config_dir() / CACHE_SECRET_NAME


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

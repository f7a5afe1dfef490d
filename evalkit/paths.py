"""The one place for paths used by evalkit.

Every other module asks this module where things are. evalkit runs in one of
two layouts:

* **from a checkout** (``pip install -e .``): paths resolve from the project
  root, the folder holding ``pyproject.toml``, where the default study
  (``data/``), the chapter notebooks (``notebooks/``), ``reports/`` and the
  cache ``.evalkit-cache/`` live;
* **from an installed wheel**: the build (``setup.py``) copied the chapter
  notebooks and the shipped studies into the package as ``evalkit/_shipped/``
  (:data:`SHIPPED_DIR`), which is read, never written; reports go to
  ``reports/`` in the current folder and caches to the per-user cache folder
  (``platformdirs.user_cache_path("evalkit")``, e.g. ``~/.cache/evalkit`` on
  Linux).

In both layouts the environment variable ``EVALKIT_CACHE_DIR`` moves the cache.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = PACKAGE_DIR / "schema"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: The chapter notebooks and shipped studies inside an installed wheel (absent in a checkout).
SHIPPED_DIR = PACKAGE_DIR / "_shipped"
#: True when evalkit runs from a source checkout, False when from an installed wheel.
CHECKOUT = not SHIPPED_DIR.is_dir()
#: The checkout (the folder holding ``pyproject.toml``); in a wheel, the folder the package is installed in.
PROJECT_ROOT = PACKAGE_DIR.parent
CACHE_ENV = "EVALKIT_CACHE_DIR"

if CHECKOUT:
    DATA_DIR = PROJECT_ROOT / "data"
    NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
    REPORTS_DIR = PROJECT_ROOT / "reports"
    _DEFAULT_CACHE_DIR = PROJECT_ROOT / ".evalkit-cache"
else:
    from platformdirs import user_cache_path

    DATA_DIR = SHIPPED_DIR / "data"
    NOTEBOOKS_DIR = SHIPPED_DIR / "notebooks"
    REPORTS_DIR = Path.cwd() / "reports"
    _DEFAULT_CACHE_DIR = user_cache_path("evalkit", appauthor=False)

DEFAULT_STUDY_NAME = "vastmanland-2019"
DEFAULT_STUDY_DIR = DATA_DIR / DEFAULT_STUDY_NAME
#: Environment variable that moves the per-user configuration folder (the cache secret lives there).
CONFIG_ENV = "EVALKIT_CONFIG_DIR"
DEFAULT_CACHE_DIR = _DEFAULT_CACHE_DIR
CACHE_SECRET_NAME = "cache-secret"

STUDY_DESCRIPTOR = "datapackage.json"
CODEBOOK_DIRNAME = "codebook"


def cache_dir(kind: str | None = None) -> Path:
    """Return the cache folder (``$EVALKIT_CACHE_DIR``, else ``.evalkit-cache/`` in a checkout or the per-user cache folder of a wheel), or its part for ``kind``.

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

"""Serve an unchanged re-run from the finished report or from ``.evalkit-cache``.

A run is identified by its *run key*: one SHA-256 over the study's input
hashes, the chapter notebooks' hashes, the chapter list, the parameters,
evalkit's own source digest, the Python and package versions and the output
options. The key is stored in ``manifest.json``. A report folder whose
manifest has the same key and whose recorded outputs still have their
recorded hashes is up to date. Finished reports are also copied to
``.evalkit-cache/<study>/<key>/`` so switching back to an earlier parameter
set restores the report without executing anything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from evalkit.report.manifest import MANIFEST_NAME, ManifestError, read_manifest, sha256_file

KEEP_PER_STUDY = 4


def report_is_current(report_dir: Path, key: str, pdfs: tuple[str, ...] = ()) -> bool:
    """Return whether ``report_dir`` holds an intact, complete report made with run key ``key``.

    ``pdfs`` are the PDFs the run must have made (``("sv/report.pdf", …)``):
    a report whose PDF failed is not complete and is never served.
    """
    try:
        manifest = read_manifest(report_dir)
        if manifest.get("run_key") != key or not set(pdfs) <= set(manifest.get("pdf", [])):
            return False
        for relpath, digest in manifest.get("outputs", {}).items():
            path = Path(report_dir) / relpath
            if not path.is_file() or sha256_file(path) != digest:
                return False
    except (FileNotFoundError, ManifestError, AttributeError, TypeError, OSError):
        return False
    return all((Path(report_dir) / relpath).is_file() for relpath in manifest.get("pdf", []))


def cached_copy(cache_dir: Path, study_name: str, key: str, pdfs: tuple[str, ...] = ()) -> Path | None:
    """Return the cached report folder for ``key`` if it is intact and complete, else ``None``."""
    folder = Path(cache_dir) / study_name / key
    return folder if report_is_current(folder, key, pdfs) else None


def store(report_dir: Path, cache_dir: Path, study_name: str, key: str) -> None:
    """Copy a finished report into the cache (atomically) and keep the newest few entries."""
    base = Path(cache_dir) / study_name
    target = base / key
    if report_is_current(target, key):
        return
    base.mkdir(parents=True, exist_ok=True)
    temporary = base / f".{key}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    shutil.copytree(report_dir, temporary, ignore=shutil.ignore_patterns("failed", ".*"))
    shutil.rmtree(target, ignore_errors=True)
    os.replace(temporary, target)
    prune(base)


def prune(base: Path, keep: int = KEEP_PER_STUDY) -> None:
    """Remove all but the ``keep`` most recently stored entries under ``base``."""
    entries = sorted(
        (p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for stale in entries[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


def clear(cache_dir: Path, study_name: str | None = None) -> None:
    """Delete the cache of one study (or the whole cache folder)."""
    target = Path(cache_dir) / study_name if study_name else Path(cache_dir)
    shutil.rmtree(target, ignore_errors=True)


__all__ = ["MANIFEST_NAME", "report_is_current", "cached_copy", "store", "prune", "clear"]

"""Serve an unchanged re-run from the finished report or from ``.evalkit-cache``; cache each chapter.

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
KEEP_CHAPTERS = 120
CHAPTERS_DIRNAME = "chapters"
REPORTS_DIRNAME = "reports"
ENTRY_NAME = "entry.json"


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
    folder = Path(cache_dir) / REPORTS_DIRNAME / study_name / key
    return folder if report_is_current(folder, key, pdfs) else None


def store(report_dir: Path, cache_dir: Path, study_name: str, key: str) -> None:
    """Copy a finished report into the cache (atomically) and keep the newest few entries."""
    base = Path(cache_dir) / REPORTS_DIRNAME / study_name
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


# --------------------------------------------------------------------------- one chapter in one language


def chapter_files(entry: Path) -> dict[str, str] | None:
    """Return ``{relative path: sha256}`` of an intact chapter entry, or ``None``."""
    import json

    try:
        files = json.loads((entry / ENTRY_NAME).read_text(encoding="utf-8"))["files"]
        for relpath, digest in files.items():
            if sha256_file(entry / relpath) != digest:
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return files


def chapter_entry(cache_dir: Path, key: str) -> Path | None:
    """Return the cached outputs of one chapter run (run key ``key``) if they are intact, else ``None``.

    A chapter's outputs are its executed notebook, its HTML page and the
    tables and figures it wrote, relative to the language folder.
    """
    entry = Path(cache_dir) / CHAPTERS_DIRNAME / key
    return entry if chapter_files(entry) is not None else None


def restore_chapter(entry: Path, target: Path) -> list[str]:
    """Copy a chapter entry's files into the language folder ``target``; return their relative paths."""
    files = chapter_files(entry) or {}
    for relpath in files:
        destination = Path(target) / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry / relpath, destination)
    return sorted(files)


def store_chapter(cache_dir: Path, key: str, source: Path, relpaths: list[str]) -> None:
    """Store the files ``relpaths`` of ``source`` as the chapter entry ``key`` (atomically)."""
    from evalkit.report.manifest import write_json_atomic

    base = Path(cache_dir) / CHAPTERS_DIRNAME
    base.mkdir(parents=True, exist_ok=True)
    temporary = base / f".{key}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    files = {}
    for relpath in relpaths:
        destination = temporary / relpath
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(source) / relpath, destination)
        files[relpath] = sha256_file(destination)
    write_json_atomic(temporary / ENTRY_NAME, {"files": files})
    shutil.rmtree(base / key, ignore_errors=True)
    os.replace(temporary, base / key)
    prune(base, KEEP_CHAPTERS)


def clear(cache_dir: Path, study_name: str | None = None) -> None:
    """Delete the cache of one study (or the whole cache folder)."""
    target = Path(cache_dir) / REPORTS_DIRNAME / study_name if study_name else Path(cache_dir)
    shutil.rmtree(target, ignore_errors=True)


__all__ = [
    "MANIFEST_NAME",
    "report_is_current",
    "cached_copy",
    "store",
    "prune",
    "clear",
    "chapter_entry",
    "restore_chapter",
    "store_chapter",
]

"""Serve an unchanged run, and each unchanged chapter, from the content store (:mod:`evalkit.cache`).

A run is identified by its *run key* (:func:`evalkit.report.plan.make_plan`):
one key over the study's input hashes, the chapter notebooks, the chapter
list, the parameters, evalkit's source and the whole installed environment.
A finished report is stored under that key as a signed record of its output
files (and its manifest, without the git state). A report is *current*, and
an unchanged re-run is served from it, only if

* its manifest names the run key and the same input hashes as the study now has;
* the content store holds a record for that key signed with this user's secret;
* every output in the report folder (or in the store) has the SHA-256 that
  signed record names, and its manifest is the recorded one.

So a report folder or a cache entry whose files *and* manifest were edited
together is not served (issue 19 item 4, review probe N30): its files no
longer equal a record the cache cannot rewrite on its own. Each chapter's
outputs are stored the same way under its chapter key, so a change that
touches one chapter executes only that chapter.
"""

from __future__ import annotations

from pathlib import Path

from evalkit.cache import ContentStore, Entry
from evalkit.report.manifest import MANIFEST_NAME, ManifestError, hash_tree, read_manifest, write_json_atomic

REPORTS = "reports"
CHAPTERS = "chapters"
#: Manifest fields that may change without the report changing (refreshed when a report is served).
VOLATILE_MANIFEST_FIELDS = ("git",)


def _stable(manifest: dict) -> dict:
    return {name: value for name, value in manifest.items() if name not in VOLATILE_MANIFEST_FIELDS}


def report_record(store: ContentStore, run_key: str) -> Entry | None:
    """Return the signed record of the report made under ``run_key``, or None."""
    return store.entry(REPORTS, run_key)


def _outputs(folder: Path) -> dict[str, str]:
    """``{relative path: sha256}`` of a report folder's outputs (not the manifest, not ``failed/``)."""
    return {
        relpath: digest
        for relpath, digest in hash_tree(folder).items()
        if relpath != MANIFEST_NAME and not relpath.startswith("failed/")
    }


def report_is_current(
    report_dir: Path, run_key: str, inputs: dict, store: ContentStore, pdfs: tuple[str, ...] = ()
) -> bool:
    """Return whether ``report_dir`` holds the complete report of ``run_key`` for these ``inputs``, as signed.

    Parameters
    ----------
    report_dir : pathlib.Path
        The report folder.
    run_key : str
        The run key of the plan.
    inputs : dict
        ``{relative path: sha256}`` of the study's files now.
    store : ContentStore
        Where the signed record of the run key is.
    pdfs : tuple of str
        The PDFs a complete report holds (a report whose PDF failed is never served).
    """
    try:
        manifest = read_manifest(report_dir)
    except (FileNotFoundError, ManifestError, OSError):
        return False
    study = manifest.get("study") if isinstance(manifest.get("study"), dict) else {}
    if manifest.get("run_key") != run_key or study.get("files") != inputs:
        return False
    if not set(pdfs) <= set(manifest.get("pdf") or []):
        return False
    record = report_record(store, run_key)
    if record is None or record.extra.get("manifest") != _stable(manifest):
        return False
    try:
        return _outputs(Path(report_dir)) == dict(record.files)
    except OSError:
        return False


def restore_report(store: ContentStore, run_key: str, inputs: dict, target: Path, pdfs: tuple[str, ...] = ()) -> bool:
    """Write the stored report of ``run_key`` into the empty folder ``target``; return whether it was complete.

    Every file is verified against the signed record before it is written; a
    damaged entry is discarded (with a note in ``store.notes``) and False returned.
    """
    record = report_record(store, run_key)
    manifest = record.extra.get("manifest") if record is not None else None
    if not isinstance(manifest, dict):
        return False
    study = manifest.get("study") if isinstance(manifest.get("study"), dict) else {}
    if manifest.get("run_key") != run_key or study.get("files") != inputs:
        return False
    if not set(pdfs) <= set(manifest.get("pdf") or []):
        return False
    if store.restore(record, target) is None:
        return False
    write_json_atomic(Path(target) / MANIFEST_NAME, manifest)
    return True


def store_report(store: ContentStore, run_key: str, report_dir: Path, warnings: list[str] | None = None) -> None:
    """Record a finished report folder under ``run_key`` (its outputs, its manifest and its warnings, signed).

    The warnings (e.g. low coder agreement) are printed again when the report
    is served, without reading the tables they came from.
    """
    manifest = read_manifest(report_dir)
    outputs = _outputs(Path(report_dir))
    extra = {"manifest": _stable(manifest), "warnings": list(warnings or [])}
    store.put_files(REPORTS, run_key, Path(report_dir), outputs, extra=extra)


# --------------------------------------------------------------------------- one chapter in one language


def chapter_entry(store: ContentStore, chapter_key: str) -> Entry | None:
    """Return the signed, intact outputs of one chapter run (chapter key ``chapter_key``), or None."""
    entry = store.entry(CHAPTERS, chapter_key)
    return entry if entry is not None and store.intact(entry) else None


def restore_chapter(store: ContentStore, entry: Entry, target: Path) -> list[str] | None:
    """Write a chapter entry's files into the language folder ``target``; return their paths (None if damaged)."""
    return store.restore(entry, target)


def store_chapter(store: ContentStore, chapter_key: str, source: Path, relpaths: list[str], extra=None) -> None:
    """Store the files ``relpaths`` of ``source`` as the outputs of chapter key ``chapter_key``."""
    store.put_files(CHAPTERS, chapter_key, source, relpaths, extra=extra)


__all__ = [
    "CHAPTERS",
    "REPORTS",
    "chapter_entry",
    "report_is_current",
    "report_record",
    "restore_chapter",
    "restore_report",
    "store_chapter",
    "store_report",
]

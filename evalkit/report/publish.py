"""Publishing a report folder: the lock, the atomic swap, kept failures.

Everything of a run is written to a hidden sibling ``reports/.<study>.partial``
and swapped into place with two renames only when every chapter succeeded, so
a failed or killed run never destroys the previous complete report. An
interrupted swap (killed between the two renames) is undone by the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from evalkit.paths import display_path
from evalkit.report.plan import RunError

PARTIAL_SUFFIX = ".partial"
PREVIOUS_SUFFIX = ".previous"
LOCK_SUFFIX = ".lock"
FAILED_DIRNAME = "failed"


def sibling(report_dir: Path, suffix: str) -> Path:
    """Return ``<reports root>/.<study><suffix>``, a hidden sibling of the report folder."""
    return report_dir.parent / f".{report_dir.name}{suffix}"


@contextlib.contextmanager
def report_lock(report_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``report_dir`` so two runs never write the same partial folder."""
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = sibling(report_dir, LOCK_SUFFIX)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(f"another evalkit run or audit is writing {display_path(report_dir)}; wait for it") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def recover_interrupted_swap(report_dir: Path) -> None:
    """Put back the previous report if an earlier run stopped between the two renames of a swap."""
    previous = sibling(report_dir, PREVIOUS_SUFFIX)
    if previous.exists():
        if report_dir.exists():
            shutil.rmtree(previous)
        else:
            os.replace(previous, report_dir)


def fresh_partial(report_dir: Path) -> Path:
    """Return an empty ``.<study>.partial`` folder (left-overs of a killed run removed)."""
    work_dir = sibling(report_dir, PARTIAL_SUFFIX)
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    return work_dir


def swap_into_place(new_dir: Path, report_dir: Path) -> None:
    """Replace ``report_dir`` by ``new_dir`` with renames; the old report is removed last.

    If the new report cannot be renamed into place, the old one is put back
    before the error is raised, so the report folder is never left missing.
    """
    previous = sibling(report_dir, PREVIOUS_SUFFIX)
    shutil.rmtree(previous, ignore_errors=True)
    if report_dir.exists():
        os.replace(report_dir, previous)
    try:
        os.replace(new_dir, report_dir)
    except OSError:
        if previous.exists() and not report_dir.exists():
            os.replace(previous, report_dir)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def keep_failed(report_dir: Path, failures: list[dict]) -> None:
    """Move partial notebooks to ``report_dir/failed/<language>/`` (replacing older failures).

    Each failure's ``partial`` entry is updated to the kept path (or ``None``).
    """
    target = report_dir / FAILED_DIRNAME
    staging = sibling(report_dir, ".failed-staging")
    shutil.rmtree(staging, ignore_errors=True)
    for failure in failures:
        partial = failure.get("partial")
        if partial and Path(partial).exists():
            destination = staging / failure["language"] / f"{failure['chapter']}.ipynb"
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(partial, destination)
            failure["partial"] = str(target / failure["language"] / destination.name)
        else:
            failure["partial"] = None
    report_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    if staging.exists():
        os.replace(staging, target)


def clear_failed(report_dir: Path) -> None:
    """Remove the ``failed/`` folder of an earlier run."""
    shutil.rmtree(report_dir / FAILED_DIRNAME, ignore_errors=True)

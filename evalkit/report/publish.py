"""Publishing a report folder: the lock, the atomic swap, kept failures.

Everything of a run is written to a hidden sibling ``reports/.<study>.partial``
and swapped into place with two renames only when every chapter succeeded, so
a failed or killed run never destroys the previous complete report. An
interrupted swap (killed between the two renames) is undone by the next run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
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
    """Hold an exclusive lock for ``report_dir`` so two runs never write the same partial folder.

    A :class:`filelock.FileLock` (fcntl on POSIX, msvcrt on Windows) on the
    hidden sibling ``.<study>.lock``; a second run is refused at once.
    """
    from filelock import FileLock, Timeout

    report_dir.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(sibling(report_dir, LOCK_SUFFIX)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"another evalkit run or audit is writing {display_path(report_dir)}; wait for it") from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def deferred_interrupt() -> Iterator[None]:
    """Finish the block before a Ctrl-C takes effect (the swap of a report is never left half done).

    In the main thread, a SIGINT during the block is remembered and raised as
    ``KeyboardInterrupt`` right after it; elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGINT"):
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda *_: received.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


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


def keep_failed(report_dir: Path, failures: list) -> list:
    """Move partial notebooks to ``report_dir/failed/<language>/`` (replacing older failures).

    ``failures`` are :class:`~evalkit.report.tasks.ChapterFailure` s; returns
    them with each result's ``partial`` set to the kept path (or None).
    """
    from dataclasses import replace

    target = report_dir / FAILED_DIRNAME
    staging = sibling(report_dir, ".failed-staging")
    shutil.rmtree(staging, ignore_errors=True)
    kept = []
    for failure in failures:
        result = failure.result
        partial = None
        if result.partial and Path(result.partial).exists():
            destination = staging / result.language / f"{result.chapter}.ipynb"
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(result.partial, destination)
            partial = str(target / result.language / destination.name)
        kept.append(replace(failure, result=replace(result, partial=partial)))
    report_dir.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    if staging.exists():
        os.replace(staging, target)
    return kept


def clear_failed(report_dir: Path) -> None:
    """Remove the ``failed/`` folder of an earlier run."""
    shutil.rmtree(report_dir / FAILED_DIRNAME, ignore_errors=True)

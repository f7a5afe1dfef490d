"""One rendered report per study for a whole test session, shared by the tests that only read it.

``evalkit run`` of the default study or the teaching county (both languages,
the PDFs, the publication) takes a minute or more of two cores; the
accessibility, table-fit, PDF/UA and teaching-county tests all read the same
report, so it is made once. Under pytest-xdist the workers share it: the
first worker to ask runs the study (the others wait on a file lock) into a
folder beside the workers' own temporary folders, and each later request is
served from that folder. A test that changes a report or a study must make
its own (``tests/test_end_to_end.py`` does).

The report is made from a copy of the study, at ``<root>/data/<study>``, with
its report at ``<root>/reports/<study>`` – the layout of a checkout, so the
notebooks' relative study path is the usual one.
"""

from __future__ import annotations

import fcntl
import io
import os
import shutil
from pathlib import Path

from rich.console import Console

from evalkit import paths

LANGUAGES = "sv,en"
_MADE: dict[str, Path] = {}


def shared_root(tmp_path_factory) -> Path:
    """The folder every worker of this session sees (its own temporary root without xdist)."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "rendered-reports"
    root.mkdir(parents=True, exist_ok=True)
    return root


def rendered_report(tmp_path_factory, study: str) -> Path:
    """The report folder of ``data/<study>`` run once this session (sv and en, PDFs, the publication).

    Raises AssertionError (failing the test that asked) when the run does not finish.
    """
    if study in _MADE:
        return _MADE[study]
    from evalkit.report.pipeline import run_study

    root = shared_root(tmp_path_factory) / study
    root.mkdir(exist_ok=True)
    report = root / "reports" / study
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be making it: wait, then use it
        done = root / ".done"
        if not done.is_file():
            shutil.rmtree(root / "data", ignore_errors=True)
            shutil.rmtree(root / "reports", ignore_errors=True)
            shutil.copytree(paths.DATA_DIR / study, root / "data" / study)
            messages = io.StringIO()
            result = run_study(
                root / "data" / study,
                languages=LANGUAGES,
                reports_root=root / "reports",
                cache_dir=root / "cache",
                console=Console(file=messages, width=200),
            )
            assert result.status == "ran", "\n".join(result.messages) + messages.getvalue()
            done.write_text("ok", encoding="utf-8")
    _MADE[study] = report
    return report

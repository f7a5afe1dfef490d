"""Execute one chapter notebook with papermill and normalise the result.

This module runs inside the worker processes of ``evalkit run`` (and of
``evalkit audit``). :func:`prepare_kernel_home` writes a private ``python3``
kernelspec that launches *this* interpreter, so a fresh virtual environment
works whatever kernels the user has registered elsewhere, and isolates the
kernel from the user's IPython profile; given the socket of a kernel zygote,
the kernelspec has the kernels forked from it (:mod:`evalkit.report.kernels`).
:func:`normalise_notebook` removes everything that differs between two runs of
the same notebook: timing metadata, absolute paths and random cell ids.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from evalkit.report.tasks import FAILED, ChapterTask, TaskResult
from evalkit.safeio import write_text_atomic

KERNEL_NAME = "python3"
INJECTED_TAG = "injected-parameters"
ERROR_TAG = "papermill-error-cell-tag"
START_TIMEOUT = 120

_events = None  # multiprocessing queue set by worker_init


def kernelspec(executable: str | None = None, zygote: str | None = None) -> dict:
    """Return the ``kernel.json`` content for a kernel running ``executable`` (forked from ``zygote`` if given)."""
    from evalkit.report.kernels import provisioner_metadata

    return {
        "argv": [
            executable or sys.executable,
            "-m",
            "evalkit.report.kernel_launcher",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
        ],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False, **provisioner_metadata(zygote)},
    }


def check_ipykernel() -> None:
    """Raise ``RuntimeError`` with an install hint when ipykernel is missing."""
    if importlib.util.find_spec("ipykernel") is None:
        raise RuntimeError(
            f"ipykernel is not installed for {sys.executable}; install it with "
            f"`{sys.executable} -m pip install ipykernel`"
        )


def prepare_kernel_home(home: Path, zygote: str | None = None) -> dict[str, str]:
    """Write a private kernelspec under ``home`` and return the environment that selects it.

    Parameters
    ----------
    home : pathlib.Path
        A private folder (created if needed), e.g. a temporary directory.
    zygote : str, optional
        The socket of a kernel zygote (:func:`evalkit.report.kernels.start_zygote`):
        kernels are then forked from it instead of started afresh.

    Returns
    -------
    dict
        Variables to put into ``os.environ`` of the process that starts
        kernels: ``JUPYTER_PATH`` (our kernelspec first), ``IPYTHONDIR`` (an
        empty profile, so no user start-up files run) and ``PYTHONHASHSEED``.
    """
    check_ipykernel()
    home = Path(home)
    spec_dir = home / "jupyter" / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    write_text_atomic(spec_dir / "kernel.json", json.dumps(kernelspec(zygote=zygote), indent=1))
    (home / "ipython").mkdir(exist_ok=True)
    (home / "runtime").mkdir(exist_ok=True)
    jupyter_path = os.pathsep.join(p for p in (str(home / "jupyter"), os.environ.get("JUPYTER_PATH", "")) if p)
    return {
        "JUPYTER_PATH": jupyter_path,
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def kernel_config():
    """Return the traitlets config for one kernel: IPC sockets with a unique path.

    Unix-domain sockets avoid TCP port races between kernels started in
    parallel and keep the traffic off the network.
    """
    import uuid

    from traitlets.config import Config

    runtime = os.environ.get("JUPYTER_RUNTIME_DIR") or tempfile.gettempdir()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(runtime, f"k-{uuid.uuid4().hex[:12]}")}})


def worker_init(events, kernel_environment: dict) -> None:
    """Initialise a worker process: remember the event queue, select the private kernel.

    ``kernel_environment`` (from :func:`prepare_kernel_home` and the run) is
    added to ``os.environ``, so kernels started from here inherit it.
    """
    import logging

    from evalkit.report.kernels import register_provisioner
    from evalkit.report.lifetime import die_with_parent, ignore_interrupts

    global _events
    die_with_parent()  # the worker dies with the fork server (or the run, without one)
    ignore_interrupts()  # Ctrl-C is the run's to handle
    _events = events
    # papermill warns about parameter comments it cannot parse; the values are injected anyway
    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.update(kernel_environment)
    register_provisioner()


#: Seconds between two saves of a notebook while it runs (papermill saves before and after every cell).
SAVE_INTERVAL = 2.0


def throttle_saves() -> None:
    """Let papermill save a running notebook at most every :data:`SAVE_INTERVAL` seconds.

    papermill writes (and validates) the whole notebook before and after every
    cell: about fifty writes per chapter, two thirds of a worker's CPU time.
    The last save is never skipped (papermill's final save at the end,
    also when the kernel died), so a failed chapter still leaves the partial
    notebook naming the cell that was running and the cells that finished.
    """
    from papermill.engines import NotebookExecutionManager

    original = NotebookExecutionManager.save
    if getattr(original, "evalkit_throttled", False):
        return

    def save(self, **kwargs):
        now = time.monotonic()
        last = getattr(self, "_evalkit_last_save", None)
        if self.end_time is None and last is not None and now - last < SAVE_INTERVAL:
            return
        self._evalkit_last_save = now
        original(self, **kwargs)

    save.evalkit_throttled = True
    NotebookExecutionManager.save = save


def emit(kind: str, key: str, **data) -> None:
    """Send a progress event to the parent process (no-op outside a worker)."""
    if _events is not None:
        _events.put({"kind": kind, "key": key, **data})


# --------------------------------------------------------------------------- normalisation


def _source_ids(source_nb) -> set[str]:
    return {cell.get("id") for cell in source_nb.cells if cell.get("id")}


def normalise_notebook(nb, source_nb=None):
    """Remove run-dependent content from an executed notebook, in place, and return it.

    Removes papermill's and nbclient's timing metadata, absolute input and
    output paths, papermill's error banner cells and, for any cell whose id is
    not in ``source_nb`` (the injected parameters cell, cells of a notebook
    written without ids), replaces the random id by a stable one.
    """
    keep_ids = _source_ids(source_nb) if source_nb is not None else set()
    nb.cells = [cell for cell in nb.cells if ERROR_TAG not in cell.get("metadata", {}).get("tags", [])]
    papermill = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {
        key: papermill[key] for key in ("parameters", "default_parameters", "version") if key in papermill
    }
    nb.metadata.pop("widgets", None)
    for index, cell in enumerate(nb.cells):
        metadata = cell.setdefault("metadata", {})
        for key in ("papermill", "execution", "ExecuteTime", "collapsed", "scrolled"):
            metadata.pop(key, None)
        if INJECTED_TAG in metadata.get("tags", []):
            cell["id"] = INJECTED_TAG
        elif cell.get("id") not in keep_ids:
            cell["id"] = f"cell-{index:03d}"
    return nb


def source_cell_number(nb, index: int) -> int:
    """Return the 1-based position in the *source* notebook of executed cell ``index``.

    The cell papermill injects (tag ``injected-parameters``) is not counted,
    so the number matches what an author sees when opening the notebook.
    """
    skipped = sum(1 for cell in nb.cells[:index] if INJECTED_TAG in cell.get("metadata", {}).get("tags", []))
    return index + 1 - skipped


def write_notebook_atomic(nb, path: Path) -> None:
    """Write ``nb`` to ``path`` atomically (:func:`evalkit.safeio.write_text_atomic`)."""
    import nbformat

    text = nbformat.writes(nb)
    write_text_atomic(path, text if text.endswith("\n") else text + "\n")


def materialise_notebook(source: Path, target_dir: Path) -> Path:
    """Return an ``.ipynb`` for ``source``; a jupytext ``.py`` script is converted into ``target_dir``.

    Converted cells get stable ids (``cell-000``, …) so executed copies are
    byte-reproducible.
    """
    source = Path(source)
    if source.suffix == ".ipynb":
        return source
    import jupytext

    nb = jupytext.read(source)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    target = Path(target_dir) / f"{source.stem}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_notebook_atomic(nb, target)
    return target


# --------------------------------------------------------------------------- execution


def _failure(nb, error) -> dict:
    """Describe a failed cell: source cell number, execution count, error name and value."""
    return {
        "status": FAILED,
        "cell": source_cell_number(nb, error.cell_index) if nb is not None else None,
        "execution_count": error.exec_count,
        "error": f"{error.ename}: {error.evalue}".rstrip(": "),
    }


def execute_notebook(task: ChapterTask) -> TaskResult:
    """Execute one chapter notebook; return its result (never raises).

    The normalised executed notebook is written to ``task.output`` and, with
    ``task.page``, the chapter's HTML page next to it. A failure leaves the
    partial notebook (hidden, beside the output) and names the cell.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    throttle_saves()
    emit("start", task.key)
    started = time.perf_counter()
    output = Path(task.output)
    raw = output.with_name(f".{output.stem}.raw.ipynb")
    outcome: dict = {}
    source_nb = None
    try:
        source_nb = nbformat.read(task.notebook, as_version=4)
        papermill.execute_notebook(
            task.notebook,
            str(raw),
            parameters=dict(task.parameters),
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            # saved as cells run (throttle_saves) and at the end, so a kernel that dies leaves the cells that ran
            request_save_on_cell_execute=True,
            cwd=task.cwd,
            start_timeout=START_TIMEOUT,
            execution_timeout=task.timeout,
            record_timing=True,  # start times name the cell a dying kernel was running (removed afterwards)
            config=kernel_config(),
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as error:
        outcome.update(_failure(_read_partial(raw), error))
    except Exception as error:  # kernel died, timeout, disk full: report, never crash the run
        outcome.update(_crash(_read_partial(raw), error))
    result = TaskResult(task.key, task.chapter, task.language, **outcome)
    try:
        partial = _write_outputs(task, result, raw, output, source_nb if result.ok or raw.exists() else None)
        result = replace(result, partial=partial)
    except Exception as error:  # e.g. no space left on device
        result = replace(result, status=FAILED, error=f"{type(error).__name__}: {error}".strip(), partial=None)
    finally:
        raw.unlink(missing_ok=True)
    result = replace(result, seconds=round(time.perf_counter() - started, 2))
    emit("done" if result.ok else "failed", task.key, seconds=result.seconds)
    return result


def _read_partial(raw: Path):
    """Return the notebook papermill saved so far, or ``None`` if there is none (or it is unreadable)."""
    import nbformat

    try:
        return nbformat.read(raw, as_version=4) if raw.exists() else None
    except Exception:  # a half-written file after a crash
        return None


def _crash(nb, error: BaseException) -> dict:
    """Describe a failure outside a cell's own code (dead kernel, timeout, I/O error).

    When papermill saved the notebook, the cell that was running is named (the
    last code cell papermill started: it has a start time), and the message
    gives the last cell that finished before it.
    """
    message = f"{type(error).__name__}: {error}".strip()
    started = [
        index
        for index, cell in enumerate(nb.cells if nb is not None else [])
        if cell.get("cell_type") == "code" and cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    cell = source_cell_number(nb, started[-1]) if started else None
    if len(started) > 1:
        message += f" (the last cell that finished was cell {source_cell_number(nb, started[-2])})"
    elif nb is not None:
        message += " (no cell finished)"
    return {"status": FAILED, "cell": cell, "execution_count": None, "error": message}


def _write_outputs(task: ChapterTask, result: TaskResult, raw: Path, output: Path, source_nb) -> str | None:
    """Write the normalised executed notebook (or the partial one of a failure) and the chapter page.

    Returns the path of the partial notebook of a failure (None otherwise).
    """
    import nbformat

    if source_nb is None or not raw.exists():
        return None
    nb = normalise_notebook(nbformat.read(raw, as_version=4), source_nb)
    if not result.ok:
        target = output.with_name(f".{output.stem}.partial.ipynb")
        write_notebook_atomic(nb, target)
        return str(target)
    write_notebook_atomic(nb, output)
    if task.page is not None:
        from evalkit.report.html import chapter_page

        write_text_atomic(output.with_suffix(".html"), chapter_page(nb, **task.page))
    return None

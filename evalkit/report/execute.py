"""Execute one chapter notebook with papermill and normalise the result.

This module runs inside the worker processes of ``evalkit run`` (and of
``evalkit audit``). :func:`prepare_kernel_home` writes a private ``python3``
kernelspec that launches *this* interpreter, so a fresh virtual environment
works whatever kernels the user has registered elsewhere, and isolates the
kernel from the user's IPython profile. :func:`normalise_notebook` removes
everything that differs between two runs of the same notebook: timing
metadata, absolute paths and random cell ids.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

KERNEL_NAME = "python3"
INJECTED_TAG = "injected-parameters"
ERROR_TAG = "papermill-error-cell-tag"
START_TIMEOUT = 120

_events = None  # multiprocessing queue set by worker_init


def kernelspec(executable: str | None = None) -> dict:
    """Return the ``kernel.json`` content for a kernel running ``executable``."""
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
        "metadata": {"debugger": False},
    }


def check_ipykernel() -> None:
    """Raise ``RuntimeError`` with an install hint when ipykernel is missing."""
    if importlib.util.find_spec("ipykernel") is None:
        raise RuntimeError(
            f"ipykernel is not installed for {sys.executable}; install it with "
            f"`{sys.executable} -m pip install ipykernel`"
        )


def prepare_kernel_home(home: Path) -> dict[str, str]:
    """Write a private kernelspec under ``home`` and return the environment that selects it.

    Parameters
    ----------
    home : pathlib.Path
        A private folder (created if needed), e.g. a temporary directory.

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
    (spec_dir / "kernel.json").write_text(json.dumps(kernelspec(), indent=1), encoding="utf-8")
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


def worker_init(events, kernel_home: str, environment: dict | None = None) -> None:
    """Initialise a worker process: remember the event queue, select the private kernel.

    ``environment`` is added to ``os.environ`` (so kernels started from here inherit it).
    """
    import logging

    from evalkit.report.lifetime import die_with_parent

    global _events
    die_with_parent()  # the worker dies with the fork server (or the run, without one)
    _events = events
    # papermill warns about parameter comments it cannot parse; the values are injected anyway
    logging.getLogger("papermill").setLevel(logging.ERROR)
    os.environ.update(prepare_kernel_home(Path(kernel_home)))
    os.environ.update(environment or {})


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
    """Write ``nb`` to ``path`` through a temporary sibling file."""
    import nbformat

    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        nbformat.write(nb, handle)
    os.replace(temporary, path)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` through a temporary sibling file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    os.replace(temporary, path)


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


def _failure(task: dict, nb, error) -> dict:
    """Describe a failed cell: source cell number, execution count, error name and value."""
    return {
        "status": "failed",
        "cell": source_cell_number(nb, error.cell_index) if nb is not None else None,
        "execution_count": error.exec_count,
        "error": f"{error.ename}: {error.evalue}".rstrip(": "),
    }


def execute_notebook(task: dict) -> dict:
    """Execute one chapter notebook; return a result dict (never raises).

    Parameters
    ----------
    task : dict
        ``key`` (display key), ``notebook`` (source path), ``output`` (final
        executed notebook path), ``cwd`` (kernel working directory),
        ``parameters`` and ``timeout`` (seconds per cell or None). With
        ``html`` (a dict of :func:`evalkit.report.html.chapter_page` keyword
        arguments) the HTML page is written next to the output notebook.

    Returns
    -------
    dict
        ``status`` ("ok" or "failed"), ``seconds``, and for failures ``cell``,
        ``execution_count``, ``error`` and ``partial`` (path of the partial
        executed notebook, if one was written).
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    key = task["key"]
    emit("start", key)
    started = time.perf_counter()
    output = Path(task["output"])
    raw = output.with_name(f".{output.stem}.raw.ipynb")
    result: dict = {"key": key, "status": "ok"}
    source_nb = None
    try:
        source_nb = nbformat.read(task["notebook"], as_version=4)
        papermill.execute_notebook(
            task["notebook"],
            str(raw),
            parameters=task["parameters"],
            kernel_name=KERNEL_NAME,
            progress_bar=False,
            # saved after every cell, so a kernel that dies leaves the cells that ran
            request_save_on_cell_execute=True,
            cwd=task["cwd"],
            start_timeout=START_TIMEOUT,
            execution_timeout=task.get("timeout"),
            record_timing=True,  # start times name the cell a dying kernel was running (removed afterwards)
            config=kernel_config(),
            shutdown_kernel="immediate",
        )
    except PapermillExecutionError as error:
        result.update(_failure(task, _read_partial(raw), error))
    except Exception as error:  # kernel died, timeout, disk full: report, never crash the run
        result.update(_crash(_read_partial(raw), error))
    try:
        _write_outputs(task, result, raw, output, source_nb if result["status"] == "ok" or raw.exists() else None)
    except Exception as error:  # e.g. no space left on device
        result.update(status="failed", error=f"{type(error).__name__}: {error}".strip(), partial=None)
    finally:
        raw.unlink(missing_ok=True)
    result["seconds"] = round(time.perf_counter() - started, 2)
    emit("done" if result["status"] == "ok" else "failed", key, seconds=result["seconds"])
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
    return {"status": "failed", "cell": cell, "execution_count": None, "error": message}


def _write_outputs(task: dict, result: dict, raw: Path, output: Path, source_nb) -> None:
    """Write the normalised executed notebook (or the partial one of a failure) and the chapter page."""
    import nbformat

    if source_nb is None or not raw.exists():
        return
    nb = normalise_notebook(nbformat.read(raw, as_version=4), source_nb)
    if result["status"] != "ok":
        target = output.with_name(f".{output.stem}.partial.ipynb")
        write_notebook_atomic(nb, target)
        result["partial"] = str(target)
        return
    write_notebook_atomic(nb, output)
    if task.get("html"):
        from evalkit.report.html import chapter_page

        write_text_atomic(output.with_suffix(".html"), chapter_page(nb, **task["html"]))


def combine_language(task: dict) -> dict:
    """Write one language's combined report (and its PDF); return a result dict (never raises).

    Parameters
    ----------
    task : dict
        ``key``, ``language``, ``study_name``, ``output`` (report.html path),
        ``parts`` (list of [chapter_id, title, executed notebook path]),
        ``languages`` (the report's languages, linked from the header) and
        ``pdf`` (bool: also print ``report.pdf`` with Chromium).

    Returns
    -------
    dict
        ``status``, ``seconds``, ``pdf`` (path or None) and ``pdf_message``.
    """
    import nbformat

    from evalkit.report import pdf as pdf_module
    from evalkit.report.html import combined_report

    key = task["key"]
    emit("start", key)
    started = time.perf_counter()
    result: dict = {"key": key, "status": "ok", "pdf": None, "pdf_message": None}
    try:
        parts = [(cid, title, nbformat.read(path, as_version=4)) for cid, title, path in task["parts"]]
        output = Path(task["output"])
        write_text_atomic(
            output,
            combined_report(
                parts,
                task["language"],
                task["study_name"],
                task.get("report_title"),
                task.get("languages", ()),
                date=task.get("date"),
            ),
        )
        if task.get("pdf"):
            try:
                result["pdf"] = str(pdf_module.print_pdf(output, output.with_suffix(".pdf"), task.get("chromium")))
            except (FileNotFoundError, pdf_module.ChromiumError, OSError, subprocess.SubprocessError) as error:
                result["pdf_message"] = str(error)
            except Exception as error:  # pikepdf could not read Chromium's file
                result["pdf_message"] = f"{type(error).__name__}: {error}"
    except Exception as error:
        result.update(
            status="failed", error=f"{type(error).__name__}: {error}", traceback=traceback.format_exc(limit=5)
        )
    result["seconds"] = round(time.perf_counter() - started, 2)
    emit("done" if result["status"] == "ok" else "failed", key, seconds=result["seconds"])
    return result

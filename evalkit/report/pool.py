"""The worker pool that executes notebook tasks, with progress events.

``--jobs`` worker processes each run one kernel at a time. Workers are forked
from a fork server that has the heavy modules (papermill, nbconvert, nbformat)
imported once (:data:`WORKER_PRELOAD`), so a worker starts with them loaded.
A task is a dict for :func:`evalkit.report.execute.execute_notebook`, or for
:func:`~evalkit.report.execute.combine_language` when it has ``"combine": True``;
a task function never raises, it returns a result dict with ``status``.
"""

from __future__ import annotations

import queue as queue_module
import shutil
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from evalkit.report.progress import Display

WORKER_PRELOAD = (
    "evalkit.report.worker_preload",
    "evalkit.report.execute",
    "evalkit.report.html",
    "papermill",
    "nbconvert",
    "nbformat",
)


def _drain(events, display: Display) -> None:
    """Show the "started" events the workers sent (completions are shown from the results)."""
    while True:
        try:
            event = events.get_nowait()
        except queue_module.Empty:
            return
        if event["kind"] == "start" and display.is_queued(event["key"]):
            display.event(event)


def start_pool(jobs: int, kernel_home: str, environment: dict | None = None):
    """Start worker processes (forkserver: safe with the display thread running) and their event queue.

    ``environment`` is added to each worker's ``os.environ`` (and so to its kernels').
    """
    import multiprocessing

    from evalkit.report.execute import worker_init

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Import the heavy modules once in the fork server; every worker forks with them loaded.
        context.set_forkserver_preload(list(WORKER_PRELOAD))
    events = context.Queue()
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=worker_init,
        initargs=(events, kernel_home, dict(environment or {})),
    )
    return pool, events


def _crashed(task: dict, error: BaseException) -> dict:
    """The result of a task whose worker process failed (it died, or the task raised)."""
    return {"key": task["key"], "status": "failed", "cell": None, "error": f"{type(error).__name__}: {error}"}


def run_tasks(
    tasks: Sequence[dict],
    jobs: int,
    console,
    follow_up: Callable[[dict], Sequence[dict]] | None = None,
    environment: dict | None = None,
) -> list[dict]:
    """Execute notebook tasks in ``jobs`` worker processes with a progress display.

    Parameters
    ----------
    tasks : sequence of dict
        Tasks for :func:`evalkit.report.execute.execute_notebook`, or for
        :func:`~evalkit.report.execute.combine_language` when a task has
        ``"combine": True``.
    jobs : int
        Number of worker processes (each runs one kernel at a time).
    console : rich.console.Console
        Where progress goes.
    follow_up : callable, optional
        Called with each finished result; returns further tasks to submit
        (used to build a language's combined report as soon as its chapters are done).
    environment : dict, optional
        Extra environment variables for the workers and their kernels.

    Returns
    -------
    list of dict
        The results, in completion order.
    """
    from evalkit.report import execute

    kernel_home = tempfile.mkdtemp(prefix="evalkit-kernel-")
    pool, events = start_pool(max(1, jobs), kernel_home, environment)
    results: list[dict] = []
    try:
        with Display(console, [task["key"] for task in tasks]) as display:
            pending: dict[Future, dict] = {}

            def submit(task: dict) -> None:
                display.add(task["key"])
                function = execute.combine_language if task.get("combine") else execute.execute_notebook
                pending[pool.submit(function, task)] = task

            for task in tasks:
                submit(task)
            while pending:
                finished, _ = wait(list(pending), timeout=0.1, return_when=FIRST_COMPLETED)
                _drain(events, display)
                for future in finished:
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as error:  # a worker died or a task raised: a failure, never a traceback
                        result = _crashed(task, error)
                    results.append(result)
                    display.event(
                        {
                            "kind": "done" if result["status"] == "ok" else "failed",
                            "key": result["key"],
                            "seconds": result.get("seconds"),
                        }
                    )
                    for more in follow_up(result) if follow_up else ():
                        submit(more)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        events.close()
        shutil.rmtree(kernel_home, ignore_errors=True)
    return results

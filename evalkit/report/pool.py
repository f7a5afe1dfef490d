"""The worker processes that execute chapter notebooks, and the kernel zygote they fork kernels from.

:class:`NotebookPool` is started at the very beginning of a run, before the
pre-run checks, so that its start-up overlaps them:

* a fork server imports the heavy modules of a worker once
  (:data:`WORKER_PRELOAD`: papermill, nbconvert, nbformat) and ``--jobs``
  workers are forked from it, each executing one notebook at a time
  (:func:`evalkit.report.execute.execute_notebook`);
* a kernel zygote (:mod:`evalkit.report.kernels`) imports what a chapter's
  kernel imports, once; each kernel is forked from it.

Every process here ignores Ctrl-C and dies with ``evalkit run``
(:mod:`evalkit.report.lifetime`); :meth:`NotebookPool.kill` stops them all at
once when the run is interrupted or refused. Workers report when a notebook
starts through an event queue (:meth:`NotebookPool.started`); results come
back as futures of :class:`~evalkit.report.tasks.TaskResult`.
"""

from __future__ import annotations

import contextlib
import os
import queue as queue_module
import shutil
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from evalkit.report import kernels
from evalkit.report.tasks import ChapterTask

WORKER_PRELOAD = (
    "evalkit.report.worker_preload",
    "evalkit.report.execute",
    "evalkit.report.html",
    "papermill",
    "nbconvert",
    "nbformat",
    "jupyter_client.provisioning.local_provisioner",
)


class NotebookPool:
    """``jobs`` worker processes executing :class:`~evalkit.report.tasks.ChapterTask` s, kernels forked from a zygote.

    Parameters
    ----------
    jobs : int
        Notebooks executed at the same time.
    environment : dict, optional
        Extra environment variables for the workers and their kernels
        (the cache folders, read tracing).
    zygote : bool
        Fork kernels from a zygote where the system allows it (default True).

    Notes
    -----
    Start it from the main thread: on Linux a child is killed when the
    *thread* that started it ends (``PR_SET_PDEATHSIG``).
    """

    def __init__(self, jobs: int, environment: dict | None = None, zygote: bool = True):
        import multiprocessing

        from evalkit.report.execute import prepare_kernel_home, worker_init

        self.home = Path(tempfile.mkdtemp(prefix="evalkit-kernel-"))
        base = {**os.environ, **(environment or {})}
        kernel_environment = {**(environment or {}), **prepare_kernel_home(self.home / "spec")}
        self.zygote = kernels.start_zygote(self.home, {**base, **kernel_environment}) if zygote else None
        if self.zygote is not None:
            kernel_environment.update(prepare_kernel_home(self.home / "spec", zygote=self.zygote.socket_path))
            kernel_environment[kernels.ZYGOTE_ENV] = self.zygote.socket_path
        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            # Import the heavy modules once in the fork server; every worker forks with them loaded.
            # Started now (it imports in its own process while the checks run); the workers are
            # forked from it when the first notebooks are submitted.
            from multiprocessing import forkserver

            context.set_forkserver_preload(list(WORKER_PRELOAD))
            forkserver.ensure_running()
        self.events = context.Queue()
        self.executor = ProcessPoolExecutor(
            max_workers=max(1, jobs),
            mp_context=context,
            initializer=worker_init,
            initargs=(self.events, kernel_environment),
        )
        self.jobs = max(1, jobs)
        self._zygote_checked = False
        self.killed = False

    def submit(self, task: ChapterTask) -> Future:
        """Execute ``task`` in a worker; the future's result is a :class:`~evalkit.report.tasks.TaskResult`."""
        from evalkit.report.execute import execute_notebook

        if not self._zygote_checked and self.zygote is not None:
            self._zygote_checked = True
            if not self.zygote.ready():  # kernels are then started the usual way (same outputs)
                self.zygote.stop()
        return self.executor.submit(execute_notebook, task)

    def started(self) -> list[str]:
        """The keys of the notebooks that started since the last call."""
        keys: list[str] = []
        while True:
            try:
                event = self.events.get_nowait()
            except (queue_module.Empty, OSError, ValueError):
                return keys
            if event.get("kind") == "start":
                keys.append(event["key"])

    def kill(self) -> None:
        """Stop every worker, the zygote and their kernels now (an interrupted or refused run)."""
        self.killed = True
        processes = dict(getattr(self.executor, "_processes", None) or {})
        for process in processes.values():
            with contextlib.suppress(OSError, AttributeError):
                process.kill()
        if self.zygote is not None:
            self.zygote.stop()
        self.close(wait=False)

    def close(self, wait: bool = True) -> None:
        """Shut the pool down (after the last result) and remove its private kernel folder."""
        with contextlib.suppress(Exception):
            self.executor.shutdown(wait=wait, cancel_futures=True)
        if self.zygote is not None:
            self.zygote.stop()
        with contextlib.suppress(Exception):
            self.events.close()
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> NotebookPool:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:  # refused, interrupted, failed: stop everything now
            self.kill()
        else:
            self.close()

"""No orphans: every process a run starts dies with the process that started it.

``evalkit run`` starts a fork server, worker processes, one kernel per
notebook and Chromium. If ``evalkit run`` is killed (even with ``kill -9``,
which cannot be caught), each of them must stop too. On Linux,
:func:`die_with_parent` asks the kernel (``prctl(PR_SET_PDEATHSIG, SIGKILL)``)
to kill the calling process as soon as its parent exits; it is called in the
fork server, in each worker, in each kernel (through
:mod:`evalkit.report.kernel_launcher`) and in Chromium's process before it
execs. The chain fork server → workers → kernels then unwinds from the top.
On other systems it does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int | None = None) -> bool:
    """Have this process killed (SIGKILL) when its parent exits; return whether that is in force.

    Parameters
    ----------
    parent_pid : int, optional
        The parent this process expects; if it already exited before the
        request took effect (a race at start-up), the process exits at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        # the running program's own symbols (libc's among them): no ldconfig subprocess, safe in a preexec_fn
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):  # pragma: no cover - no libc / no prctl
        return False
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)
    return True


def ignore_interrupts() -> None:
    """Ignore Ctrl-C (SIGINT) in a helper process: ``evalkit run`` handles it and stops its helpers itself.

    Called in the fork server and therefore in every worker forked from it.
    Kernels start their own session (as jupyter_client starts them), so a
    Ctrl-C in the terminal reaches only ``evalkit run``, which then ends the
    run with one line instead of every process printing a traceback.
    """
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)

"""Pre-imported kernels: each chapter's kernel is forked from a process that imported everything once.

A chapter's kernel spends more time starting (Python, ipykernel, pandas,
matplotlib, seaborn, SciPy, evalkit: about 5 s of CPU) than the chapter
spends on its own work (issue 16 item 5). ``evalkit run`` therefore starts one
*kernel zygote* per run, ``python -m evalkit.report.kernels SOCKET``, which
imports those modules once (:data:`PRELOAD`) and then waits. Each kernel is a
``fork()`` of it: a fresh process whose memory is the zygote's, so it starts
with the modules loaded and nothing else: no notebook has run in it, no
variable, figure, option or random state is inherited from another chapter.
Every chapter therefore still runs in a kernel of its own, exactly as in a
fresh ``python -m ipykernel`` (a test compares the executed notebooks byte
for byte with fresh kernels, and the stored nbval references are made with
fresh kernels); it only skips the imports.

How the pieces fit: the worker processes start kernels through papermill
and jupyter_client as before, with the private kernelspec of
:func:`evalkit.report.execute.prepare_kernel_home`; that kernelspec names the
kernel provisioner :class:`ForkedKernelProvisioner` (registered in the worker
by :func:`register_provisioner`). Instead of ``Popen``, the provisioner asks
the zygote over a Unix socket to fork a kernel with the command line,
working directory and environment jupyter_client prepared, and manages the
child through a Linux *pidfd*, so signals and "is it alive?" reach exactly
that process. The child starts its own session (as jupyter_client's
``Popen`` does) and dies with the zygote, which dies with ``evalkit run``
(:mod:`evalkit.report.lifetime`).

Where ``fork`` or pidfds are missing (not Linux), or the zygote cannot start,
kernels are started the usual way; the outputs are the same.

Two things a fork could change are kept out of the zygote: a module that
registers itself with the running IPython when it is imported
(``matplotlib_inline.backend_inline``) is never preloaded, and the zygote
inherits the kernel's environment (``PYTHONHASHSEED=0``, ``MPLBACKEND``, the
cache folders) before it imports anything.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from evalkit.report.lifetime import die_with_parent

PROVISIONER_NAME = "evalkit-forked"
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"
ZYGOTE_ENV = "EVALKIT_KERNEL_ZYGOTE"
#: What a chapter kernel imports; imported once in the zygote.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.display",
    "numpy",
    "pandas",
    "scipy.stats",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "babel.numbers",
    "evalkit.notebook",
    "evalkit.analysis.study_overview",
    "evalkit.analysis.organisation",
    "evalkit.analysis.quality_areas",
    "evalkit.analysis.comparison",
    "evalkit.analysis.case_statistics",
    "evalkit.analysis.success_factors",
    "evalkit.analysis.findings",
    "evalkit.analysis.robustness",
    "evalkit.present.narrative",
    "evalkit.present.figures",
    "evalkit.present.agreement",
    "evalkit.report.store",
)
#: Modules that act on the IPython shell when imported: never imported before the kernel exists.
NEVER_PRELOAD = ("matplotlib_inline.backend_inline", "matplotlib_inline")
START_TIMEOUT = 120.0


def supported() -> bool:
    """Whether kernels can be forked here (Linux: ``fork`` and pidfds)."""
    return sys.platform.startswith("linux") and hasattr(os, "pidfd_open") and hasattr(signal, "pidfd_send_signal")


# --------------------------------------------------------------------------- the zygote process


def _preload() -> list[str]:
    """Import :data:`PRELOAD`; return the ones that failed (their kernels import them themselves)."""
    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module a kernel cannot import fails there, with its message
            failed.append(name)
    for name in NEVER_PRELOAD:  # imported by a dependency after all: the kernel imports it afresh
        sys.modules.pop(name, None)
    return failed


def _child(request: dict) -> None:
    """In the forked child: become the kernel jupyter_client asked for (never returns)."""
    code = 1
    try:
        os.setsid()  # its own session, as jupyter_client starts a kernel: Ctrl-C in the terminal is the run's
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(number, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # as Python sets it at start-up
        die_with_parent()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = list(request["argv"])
        sys.argv = [str(Path(__file__).with_name("kernel_launcher.py")), *argv]
        if sys.path:
            sys.path[0] = request["cwd"]  # as `python -m` started in that folder would have it
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:  # noqa: BLE001 - the kernel's own log has it; the run sees a dead kernel
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(socket_path: str) -> None:
    """The zygote's main loop: import everything, then fork one kernel per request on ``socket_path``."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by evalkit run, which stops us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    failed = _preload()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    os.chmod(socket_path, 0o600)
    server.listen(16)
    sys.stdout.write(json.dumps({"ready": True, "failed": failed}) + "\n")
    sys.stdout.flush()
    while True:
        connection, _ = server.accept()
        with connection:
            request = json.loads(_read_line(connection))
            pid = os.fork()
            if pid == 0:
                server.close()
                connection.close()
                _child(request)
            connection.sendall((json.dumps({"pid": pid}) + "\n").encode())


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


# --------------------------------------------------------------------------- the run's side


class Zygote:
    """The kernel zygote of one run (started by :func:`start_zygote`)."""

    def __init__(self, process: subprocess.Popen, socket_path: str):
        self.process, self.socket_path = process, socket_path
        self._ready: bool | None = None

    def ready(self, timeout: float = START_TIMEOUT) -> bool:
        """Wait until it has imported everything; return whether it serves."""
        if self._ready is None:
            self._ready = False
            readable, _, _ = select.select([self.process.stdout], [], [], timeout)
            if readable:
                line = self.process.stdout.readline()
                with contextlib.suppress(ValueError, AttributeError):
                    self._ready = bool(json.loads(line).get("ready"))
        return self._ready and self.process.poll() is None

    def stop(self) -> None:
        """Stop the zygote (kernels it forked die with it)."""
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        with contextlib.suppress(OSError):
            os.unlink(self.socket_path)


def start_zygote(folder: Path, environment: dict) -> Zygote | None:
    """Start the kernel zygote with the kernels' ``environment``; None where kernels cannot be forked.

    It imports in the background; :meth:`Zygote.ready` waits for it.
    """
    if not supported():
        return None
    socket_path = str(Path(folder) / "zygote.sock")
    parent = os.getpid()

    def preexec() -> None:  # in the child before exec: die with this process (imported already: fork-safe)
        die_with_parent(parent)

    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "evalkit.report.kernels", socket_path],
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=open(Path(folder) / "zygote.log", "ab"),  # noqa: SIM115 - the child keeps it
            cwd=str(folder),
            preexec_fn=preexec,
        )
    except OSError:
        return None
    return Zygote(process, socket_path)


def request_kernel(socket_path: str, argv: list[str], cwd: str, env: dict) -> int:
    """Ask the zygote for a kernel; return its process id."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(START_TIMEOUT)
        connection.connect(socket_path)
        connection.sendall((json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n").encode())
        answer = json.loads(_read_line(connection))
    return int(answer["pid"])


class ForkedProcess:
    """What jupyter_client's provisioner needs of a ``Popen``, for a kernel forked by the zygote (via a pidfd)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._fd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            readable, _, _ = select.select([self._fd], [], [], 0)
            if readable:
                self.returncode = -signal.SIGKILL  # it ended; its status belongs to the zygote
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            select.select([self._fd], [], [], 0.1 if deadline is None else max(0.0, deadline - time.monotonic()))
        return self.returncode

    def send_signal(self, number: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, number)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _provisioner_class():
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner
    from traitlets import Unicode

    class ForkedKernelProvisioner(LocalProvisioner):
        """A :class:`~jupyter_client.provisioning.LocalProvisioner` whose kernels are forked by the zygote."""

        zygote = Unicode("", config=True, help="socket of the kernel zygote (empty: start kernels with Popen)")

        async def launch_kernel(self, cmd, **kwargs):
            socket_path = self.zygote or os.environ.get(ZYGOTE_ENV, "")
            if not socket_path or not os.path.exists(socket_path):
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())
            cwd = str(kwargs.get("cwd") or os.getcwd())
            launcher = "evalkit.report.kernel_launcher"
            arguments = list(cmd[cmd.index(launcher) + 1 :]) if launcher in cmd else list(cmd[3:])
            pid = request_kernel(socket_path, arguments, cwd, env)
            self.process = ForkedProcess(pid)
            self.pid = pid
            self.pgid = pid  # the child leads its own session, as a Popen'd kernel does
            self.cwd = cwd
            return self.connection_info

    return ForkedKernelProvisioner


ForkedKernelProvisioner = None  # the class, once register_provisioner has run (jupyter_client is heavy)


def register_provisioner() -> None:
    """Make :class:`ForkedKernelProvisioner` known to jupyter_client in this process (no install needed)."""
    global ForkedKernelProvisioner
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    if ForkedKernelProvisioner is None:
        ForkedKernelProvisioner = _provisioner_class()
    KernelProvisionerFactory.instance().provisioners[PROVISIONER_NAME] = EntryPoint(
        PROVISIONER_NAME, f"{__name__}:ForkedKernelProvisioner", PROVISIONER_GROUP
    )


def provisioner_metadata(socket_path: str | None) -> dict:
    """The kernelspec metadata that selects the forked provisioner for ``socket_path`` ({} for none)."""
    if not socket_path:
        return {}
    return {"kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {"zygote": socket_path}}}


if __name__ == "__main__":
    serve(sys.argv[1])

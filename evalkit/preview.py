"""``evalkit preview [STUDY]``: the report in a browser, rebuilt as the study changes.

The edit loop of an evaluator (issue 17 item 6): correct one value in the
workbook or a CSV file, save, and see the page change. ``evalkit preview``

1. builds the report of one language (``--language``, default Swedish) into a
   folder beside the published report, ``reports/.<study>.preview/`` (the
   published report is never changed), with the chapter cache that
   ``evalkit run`` uses, so chapters already made are not executed again;
2. serves it on ``http://127.0.0.1:<port>/`` (this computer only) and prints
   the address;
3. watches the study folder (and the chapter notebooks) and, after a change,
   rebuilds what the change touches: only the chapters that read a changed
   table are executed (:mod:`evalkit.study.tracing`), in workers and kernels
   kept warm between builds (:class:`evalkit.report.pool.NotebookPool`);
4. reloads the open page in the browser as soon as its chapter is rebuilt
   (server-sent events; a small script is added to every page it serves, not
   to the files), and shows a banner while a build runs or when one fails
   (the last good pages stay);
5. stops cleanly on Ctrl-C.

No PDF is printed unless ``--pdf``; the checks of ``evalkit run`` apply
(``--allow-…`` as there). :func:`preview_study` is the function; the command
only parses arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import json
import os
import queue
import shutil
import socketserver
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit import paths
from evalkit.paths import display_path
from evalkit.terminal import safe_text

if TYPE_CHECKING:
    from evalkit.report.pool import NotebookPool

DEFAULT_PORT = 8765
POLL_SECONDS = 0.3
#: Quiet time after the last change before a rebuild starts (an editor saves in several steps).
SETTLE_SECONDS = 0.4
EVENTS_PATH = "/__evalkit__/events"
PREVIEW_SUFFIX = ".preview"
RELOAD_SCRIPT = """<script>/* evalkit preview: reload when this page is rebuilt */(function(){
var page=decodeURIComponent(location.pathname.replace(/^\\//,""));
var bar=document.createElement("div");bar.setAttribute("role","status");
bar.style.cssText="position:fixed;left:0;right:0;bottom:0;padding:.4em 1em;font:14px sans-serif;"+
"background:#1d3557;color:#fff;z-index:99999;display:none";document.body.appendChild(bar);
var source=new EventSource("EVENTS_PATH");
source.addEventListener("changed",function(e){if(e.data===page||e.data==="*"){location.reload();}});
source.addEventListener("status",function(e){var s=JSON.parse(e.data);
bar.textContent=s.text;bar.style.display=s.text?"block":"none";
bar.style.background=s.failed?"#9b1c1c":"#1d3557";});})();</script>""".replace("EVENTS_PATH", EVENTS_PATH)


# --------------------------------------------------------------------------- what the browser sees


class Events:
    """Server-sent events for every open page: which file changed, and the build's status."""

    def __init__(self):
        self._clients: list[queue.Queue] = []
        self._lock = threading.Lock()
        self.status = {"text": "", "failed": False}

    def subscribe(self) -> queue.Queue:
        client: queue.Queue = queue.Queue()
        with self._lock:
            self._clients.append(client)
        client.put(("status", json.dumps(self.status)))
        return client

    def unsubscribe(self, client: queue.Queue) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._clients.remove(client)

    def send(self, kind: str, data: str) -> None:
        with self._lock:
            for client in self._clients:
                client.put((kind, data))

    def changed(self, relpath: str) -> None:
        self.send("changed", relpath)

    def set_status(self, text: str, failed: bool = False) -> None:
        self.status = {"text": text, "failed": failed}
        self.send("status", json.dumps(self.status))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the preview folder; adds the reload script to pages; streams :class:`Events`."""

    events: Events
    language: str

    def log_message(self, format, *args) -> None:  # noqa: A002 - the name http.server uses
        return  # the terminal shows the builds, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the name http.server uses
        path = self.path.split("?", 1)[0]
        if path == EVENTS_PATH:
            return self._events()
        if path in ("", "/"):
            self.send_response(302)
            self.send_header("Location", f"/{self.language}/report.html")
            self.end_headers()
            return None
        target = Path(self.translate_path(path))
        if target.suffix == ".html" and target.is_file():
            return self._page(target)
        return super().do_GET()

    def _page(self, target: Path) -> None:
        text = target.read_text(encoding="utf-8")
        marker = text.rfind("</body>")
        text = text[:marker] + RELOAD_SCRIPT + text[marker:] if marker >= 0 else text + RELOAD_SCRIPT
        data = text.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        client = self.events.subscribe()
        try:
            while True:
                try:
                    kind, data = client.get(timeout=15)
                    self.wfile.write(f"event: {kind}\ndata: {data}\n\n".encode())
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")  # keeps the connection open through proxies
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.events.unsubscribe(client)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve(folder: Path, events: Events, language: str, port: int) -> Server:
    """Start serving ``folder`` on 127.0.0.1 (``port``, or a free one if it is taken) in a thread."""
    handler = type("PreviewHandler", (Handler,), {"events": events, "language": language})
    factory = partial(handler, directory=str(folder))
    try:
        server = Server(("127.0.0.1", port), factory)
    except OSError:
        server = Server(("127.0.0.1", 0), factory)
    threading.Thread(target=server.serve_forever, name="evalkit-preview-server", daemon=True).start()
    return server


# --------------------------------------------------------------------------- watching and building


def signature(*folders: Path) -> tuple:
    """What a change to the watched folders changes: every visible file's path, size and modification time."""
    entries = []
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if name.startswith(".") or name.startswith("~$"):  # hidden files, Excel's lock file
                    continue
                with contextlib.suppress(OSError):
                    info = os.stat(Path(root) / name)
                    entries.append((str(Path(root) / name), info.st_size, info.st_mtime_ns))
    return tuple(entries)


class Preview:
    """One preview session: the plan's options, the warm pool, the live folder, the browser's events."""

    def __init__(self, study_dir: Path, language: str, console, options: dict, jobs: int, pdf: bool, on_built=None):
        self.study_dir = Path(study_dir).resolve()
        self.language = language
        self.console = console
        self.options = options
        self.jobs = jobs
        self.pdf = pdf
        self.events = Events()
        self.pool: NotebookPool | None = None
        published = paths.report_dir_for(self.study_dir, options.get("reports_root"))
        self.live = published.parent / f".{published.name}{PREVIEW_SUFFIX}"
        self.builds = 0
        self.on_built = on_built

    def say(self, text: str, style: str | None = None) -> None:
        self.console.print(safe_text(text), style=style, highlight=False, markup=False, soft_wrap=True)

    def build(self, on_page: Callable[[str], None] | None = None) -> bool:
        """Build the preview once (only what changed executes); return whether it succeeded."""
        from evalkit.cache import ContentStore
        from evalkit.report import publish
        from evalkit.report.checks import PRE_RUN_CHECKS
        from evalkit.report.pipeline import RunError, analysis_store, build_manifest, execute_run
        from evalkit.report.plan import RunContext, make_plan
        from evalkit.report.pool import NotebookPool
        from evalkit.report.progress import Progress, Timings
        from evalkit.safeio import write_bytes_atomic
        from evalkit.study.tracing import READS_ENV

        started = time.perf_counter()
        self.builds += 1
        self.events.set_status("Updating the preview …")
        try:
            plan = make_plan(
                self.study_dir,
                (self.language,),
                self.options.get("reports_root"),
                self.options["chapters"],
                self.options.get("notebooks_dir"),
                self.options.get("reveal_names", False),
                self.pdf,
                tuple(self.options["artefacts"]),
                products=self.options["products"],
                report_dir=self.live,
            )
        except RunError as error:
            return self._failed(str(error))
        store = ContentStore(self.options.get("cache_dir") or paths.cache_dir())
        context = RunContext(plan, frozenset(self.options.get("overrides", ())), analysis_store(store.root), store)
        if self.pool is None or self.pool.killed:
            self.pool = NotebookPool(self.jobs, {READS_ENV: "1", paths.CACHE_ENV: str(store.root)})
        work_dir = publish.fresh_partial(plan.report_dir)

        def shown(task, relpaths, language_dir: Path) -> None:  # a chapter is there: show it at once
            target = self.live / task.language
            if not target.is_dir():
                return  # the first build: the whole folder comes at the end
            changed = False
            for relpath in relpaths:
                source, destination = language_dir / relpath, target / relpath
                if destination.is_file() and destination.read_bytes() == source.read_bytes():
                    continue
                destination.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomic(destination, source.read_bytes())
                changed = True
            if changed:
                page = f"{task.language}/{task.chapter}.html"
                self.events.changed(page)
                if on_page is not None:
                    on_page(page)

        try:
            with Progress(
                self.console, Timings(store, f"{plan.study_dir.name}-preview"), "evalkit preview"
            ) as progress:
                execution = execute_run(
                    plan,
                    context,
                    work_dir,
                    jobs=self.jobs,
                    timeout=None,
                    progress=progress,
                    checks=PRE_RUN_CHECKS if self.options.get("checks") is None else self.options["checks"],
                    warn=lambda text: self.say(text, "yellow"),
                    pool=self.pool,
                    on_chapter=shown,
                )
        except RunError as error:
            shutil.rmtree(work_dir, ignore_errors=True)
            return self._failed(str(error))
        except BaseException:
            shutil.rmtree(work_dir, ignore_errors=True)
            raise
        for note in store.notes:
            self.say(note, "yellow")
        if not execution.ok:
            shutil.rmtree(work_dir, ignore_errors=True)
            lines = [f"{f.key} failed in cell {f.result.cell}: {f.result.error}" for f in execution.failures]
            return self._failed("; ".join([*lines, *execution.product_errors, *execution.artefact_errors]))
        from evalkit.report import manifest as manifest_module

        manifest_module.write_json_atomic(
            work_dir / manifest_module.MANIFEST_NAME, build_manifest(plan, work_dir, execution.checks)
        )
        publish.swap_into_place(work_dir, self.live)
        executed = len(execution.executed)
        self.say(
            f"Preview updated in {time.perf_counter() - started:.1f} s: {executed} chapter(s) executed, "
            f"{len(execution.cached)} unchanged"
        )
        self.events.set_status("")
        self.events.changed("*")
        if self.on_built is not None:
            self.on_built(True, execution.executed, execution.cached)
        return True

    def _failed(self, message: str) -> bool:
        if self.on_built is not None:
            self.on_built(False, (), ())
        self.say(f"The preview was not updated: {message}", "red")
        first = message.splitlines()[0] if message else "failed"
        self.events.set_status(f"Not updated: {first} (see the terminal; the pages are the last good ones)", True)
        return False

    def close(self) -> None:
        if self.pool is not None:
            self.pool.kill()


def preview_study(
    study_dir: Path | str = paths.DEFAULT_STUDY_DIR,
    *,
    language: str = "sv",
    port: int = DEFAULT_PORT,
    jobs: int = 2,
    pdf: bool = False,
    console=None,
    stop: threading.Event | None = None,
    on_page: Callable[[str], None] | None = None,
    on_ready: Callable[[str], None] | None = None,
    on_built: Callable[[bool, tuple, tuple], None] | None = None,
    **options,
) -> int:
    """Serve a study's report and rebuild it on every change until Ctrl-C (or ``stop`` is set).

    Parameters
    ----------
    study_dir : path
        The study folder (only read).
    language : str
        The language of the preview.
    port : int
        Port on 127.0.0.1 (a free one is taken if it is busy).
    options
        ``chapters``, ``notebooks_dir``, ``reports_root``, ``cache_dir``, ``checks``,
        ``overrides``, ``artefacts``, ``reveal_names`` as for :func:`evalkit.report.pipeline.run_study`.
    on_page, on_ready, on_built : callable, optional
        Called with a page's path when it was rebuilt, with the address once it is served, and
        after each build with (succeeded, chapters executed, chapters from the cache); the
        benchmark measures the edit loop with them.

    Returns
    -------
    int
        0 after Ctrl-C or ``stop``.
    """
    from rich.console import Console

    from evalkit.chapters import CHAPTERS
    from evalkit.report.artefacts import REPORT_ARTEFACTS
    from evalkit.report.products import LANGUAGE_PRODUCTS

    console = console or Console(highlight=False)
    options.setdefault("chapters", CHAPTERS)
    options.setdefault("artefacts", REPORT_ARTEFACTS)
    options.setdefault("products", LANGUAGE_PRODUCTS)
    session = Preview(Path(study_dir), language, console, options, jobs, pdf, on_built)
    notebooks = Path(options.get("notebooks_dir") or paths.NOTEBOOKS_DIR)
    server = None
    try:
        session.say(f"Preview of {display_path(session.study_dir)} ({language}): building …")
        seen = signature(session.study_dir, notebooks)
        session.live.mkdir(parents=True, exist_ok=True)
        server = serve(session.live, session.events, language, port)
        address = f"http://127.0.0.1:{server.server_address[1]}/"
        session.build(on_page)
        session.say(
            f"Serving the preview at {address} (this computer only); watching {display_path(session.study_dir)}"
        )
        session.say("Change the study and save: the open page updates. Ctrl-C stops the preview.")
        if on_ready is not None:
            on_ready(address)
        changed_at = None
        while stop is None or not stop.is_set():
            time.sleep(POLL_SECONDS)
            now = signature(session.study_dir, notebooks)
            if now != seen:
                seen, changed_at = now, time.perf_counter()
                continue
            if changed_at is not None and time.perf_counter() - changed_at >= SETTLE_SECONDS:
                changed_at = None
                session.say("Change seen: updating …")
                session.build(on_page)
    except KeyboardInterrupt:
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
        console.print("evalkit preview: stopped (Ctrl-C)", highlight=False, markup=False)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        session.close()
    return 0


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit preview``."""
    from evalkit.chapters import LANGUAGES
    from evalkit.report.checks import PRE_RUN_CHECKS

    parser.add_argument(
        "study",
        nargs="?",
        type=Path,
        default=paths.DEFAULT_STUDY_DIR,
        help=f"study folder (default: {display_path(paths.DEFAULT_STUDY_DIR)})",
    )
    parser.add_argument("--language", default=LANGUAGES[0], choices=LANGUAGES, help="language of the preview")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})")
    parser.add_argument("--jobs", "-j", type=int, default=2, metavar="N", help="notebooks executed in parallel")
    parser.add_argument("--pdf", action="store_true", help="also print the PDF on every update (slower)")
    parser.add_argument("--reports-root", type=Path, default=None, metavar="DIR", help="where report folders go")
    parser.add_argument("--reveal-names", action="store_true", help="show municipality names instead of codes")
    for check in PRE_RUN_CHECKS:
        if check.override:
            parser.add_argument(check.override, dest=check.dest, action="store_true", help=check.override_help)


def cli_preview(args: argparse.Namespace) -> int:
    """Run ``evalkit preview``; 0 when stopped with Ctrl-C, 2 on unusable arguments."""
    from rich.console import Console

    from evalkit.runner import overrides

    errors = Console(highlight=False, stderr=True)
    if args.jobs < 1 or not 0 <= args.port < 65536:
        errors.print("evalkit preview: --jobs must be at least 1 and --port a port number", style="red")
        return 2
    if not Path(args.study).is_dir():
        errors.print(safe_text(f"evalkit preview: study folder not found: {display_path(args.study)}"), style="red")
        return 2
    return preview_study(
        args.study,
        language=args.language,
        port=args.port,
        jobs=args.jobs,
        pdf=args.pdf,
        reports_root=args.reports_root,
        reveal_names=args.reveal_names,
        overrides=overrides(args),
    )

"""``evalkit run``: execute every chapter notebook for a study into ``reports/<study>/``.

Layout of a finished report (``reports/<study>/``)::

    manifest.json            inputs, notebooks, parameters, versions, output hashes
    findings.csv             the findings table (when evalkit.analysis.findings exists)
    <language>/<chapter>.ipynb   executed notebook (normalised, byte-reproducible)
    <language>/<chapter>.html    one self-contained page per chapter
    <language>/report.html       all chapters with a table of contents
    <language>/report.pdf        the combined report printed by headless Chromium
    failed/<language>/<chapter>.ipynb   only after a failed run: partial notebooks

Everything is written to a sibling folder ``reports/.<study>.partial`` and
swapped into place only when every chapter succeeded, so a failed run never
destroys the previous complete report. The study folder is only read.

The kernel's working directory is the language folder, so the notebook
parameters are relative paths (``study="../../../data/<study>"``,
``output_dir="."``) and the executed notebooks do not depend on where the
project is checked out.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import queue as queue_module
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, LANGUAGES, Chapter, notebook_parameters
from evalkit.report import cache
from evalkit.report import manifest as manifest_module

DEFAULT_JOBS = 2
PARTIAL_SUFFIX = ".partial"
PREVIOUS_SUFFIX = ".previous"
FAILED_DIRNAME = "failed"
FINDINGS_NAME = "findings.csv"
REPORT_NAME = "report.html"
CACHE_MESSAGE = "unchanged: served from cache"
WORKER_PRELOAD = (
    "evalkit.report.worker_preload",
    "evalkit.report.execute",
    "evalkit.report.html",
    "papermill",
    "nbconvert",
    "nbformat",
)

FindingsProvider = Callable[[Path], "object"]
_DEFAULT = object()


class RunError(RuntimeError):
    """The run could not start (missing study, notebook or kernel); the message says why."""


@dataclass
class RunResult:
    """What :func:`run_study` did.

    Attributes
    ----------
    status : str
        ``"ran"``, ``"cached"`` or ``"failed"``.
    report_dir : pathlib.Path
        ``reports/<study>``.
    failures : list of dict
        One entry per failed notebook: ``key``, ``chapter``, ``language``,
        ``notebook``, ``cell``, ``execution_count``, ``error``, ``partial``.
    messages : list of str
        Everything printed, in order.
    """

    status: str
    report_dir: Path
    failures: list = field(default_factory=list)
    messages: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ran", "cached")


# --------------------------------------------------------------------------- small helpers


def sibling(report_dir: Path, suffix: str) -> Path:
    """Return ``<reports root>/.<study><suffix>``, a hidden sibling of the report folder."""
    return report_dir.parent / f".{report_dir.name}{suffix}"


def display_path(path: Path) -> str:
    """Return ``path`` relative to the current directory when that is shorter."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


@contextlib.contextmanager
def report_lock(report_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``report_dir`` so two runs never write the same partial folder."""
    report_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = sibling(report_dir, ".lock")
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


def swap_into_place(new_dir: Path, report_dir: Path) -> None:
    """Replace ``report_dir`` by ``new_dir`` with renames; the old report is removed last."""
    previous = sibling(report_dir, PREVIOUS_SUFFIX)
    shutil.rmtree(previous, ignore_errors=True)
    if report_dir.exists():
        os.replace(report_dir, previous)
    os.replace(new_dir, report_dir)
    shutil.rmtree(previous, ignore_errors=True)


def check_inputs(study_dir: Path, chapters: Sequence[Chapter], notebooks_dir: Path, report_dir: Path) -> None:
    """Raise :class:`RunError` when the study, a notebook or the report location is unusable."""
    if not study_dir.is_dir():
        raise RunError(f"study folder not found: {display_path(study_dir)}")
    missing = [c.notebook for c in chapters if not c.notebook_path(notebooks_dir).is_file()]
    if missing:
        raise RunError(f"chapter notebook(s) missing in {display_path(notebooks_dir)}: {', '.join(missing)}")
    if not chapters:
        raise RunError("no chapters to run")
    resolved_report = report_dir.resolve()
    resolved_study = study_dir.resolve()
    if resolved_report == resolved_study or resolved_study in resolved_report.parents:
        raise RunError(
            f"the report folder {display_path(report_dir)} would be inside the study folder; choose another --reports-root"
        )


def check_study_is_valid(study_dir: Path, shown: int = 20) -> None:
    """Raise :class:`RunError` listing the study's problems, so no notebook runs on invalid data."""
    from evalkit.study import validate_study

    if not study_dir.is_dir():
        return  # check_inputs reports a missing folder
    problems = validate_study(study_dir)
    if problems:
        lines = [str(problem) for problem in problems[:shown]]
        if len(problems) > shown:
            lines.append(f"... and {len(problems) - shown} more")
        raise RunError(
            f"the study {display_path(study_dir)} is not valid ({len(problems)} problem"
            f"{'s' if len(problems) != 1 else ''}); nothing was run and no report was changed.\n"
            + "\n".join(lines)
            + f"\nFix the files, then check with: evalkit validate {display_path(study_dir)}"
        )


def parse_languages(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Parse ``"sv,en"`` (or a sequence) into a tuple of known languages, order kept."""
    if text is None:
        return LANGUAGES
    items = text.split(",") if isinstance(text, str) else list(text)
    languages = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    unknown = [language for language in languages if language not in LANGUAGES]
    if unknown or not languages:
        raise RunError(
            f"unknown language(s) {', '.join(unknown) or '(none)'}; use a comma-separated subset of {','.join(LANGUAGES)}"
        )
    return languages


# --------------------------------------------------------------------------- findings


def default_findings_provider() -> FindingsProvider | None:
    """Return ``study_dir -> findings DataFrame`` from :mod:`evalkit.analysis.findings`, or ``None``.

    ``None`` means the module does not exist yet; an existing module that
    fails to import raises, so real errors are never hidden.
    """
    import importlib.util

    if importlib.util.find_spec("evalkit.analysis.findings") is None:
        return None
    from evalkit.analysis.findings import findings_table
    from evalkit.study import load_study

    def provider(study_dir: Path):
        return findings_table(load_study(study_dir))

    provider.__qualname__ = "evalkit.analysis.findings.findings_table"
    return provider


def provider_name(provider: FindingsProvider | None) -> str | None:
    """Return a stable name for the findings provider (part of the run key)."""
    if provider is None:
        return None
    return f"{getattr(provider, '__module__', '?')}:{getattr(provider, '__qualname__', repr(provider))}"


def write_findings(study_dir: Path, target: Path, provider: FindingsProvider) -> int:
    """Write the findings table of ``study_dir`` as CSV to ``target``; return the row count."""
    frame = provider(study_dir)
    temporary = target.with_name(f".{target.name}.tmp")
    frame.to_csv(temporary, index=False, lineterminator="\n", encoding="utf-8")
    os.replace(temporary, target)
    return len(frame)


# --------------------------------------------------------------------------- progress display


class Display:
    """Progress of the notebooks of a run: a live table on a terminal, plain lines otherwise."""

    SYMBOLS = {"queued": "·", "running": "…", "done": "✓", "failed": "✗"}

    def __init__(self, console, keys: Sequence[str]):
        self.console = console
        self.state = {key: ["queued", None] for key in keys}
        self.live = None

    def __enter__(self) -> Display:
        if self.console.is_terminal:
            from rich.live import Live

            self.live = Live(self._table(), console=self.console, refresh_per_second=8, transient=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.update(self._table())
            self.live.__exit__(*exc)

    def add(self, key: str) -> None:
        self.state.setdefault(key, ["queued", None])
        self._refresh()

    def event(self, event: dict) -> None:
        kind, key = event["kind"], event["key"]
        status = {"start": "running", "done": "done", "failed": "failed"}[kind]
        self.state[key] = [status, event.get("seconds")]
        if self.live is None:
            seconds = f" ({event['seconds']:.1f} s)" if event.get("seconds") is not None else ""
            verb = {"running": "running ", "done": "finished", "failed": "FAILED  "}[status]
            self.console.print(f"  {verb} {key}{seconds}", highlight=False, markup=False)
        self._refresh()

    def _refresh(self) -> None:
        if self.live is not None:
            self.live.update(self._table())

    def _table(self):
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("")
        table.add_column("notebook")
        table.add_column("status")
        table.add_column("time", justify="right")
        for key, (status, seconds) in self.state.items():
            style = {"done": "green", "failed": "red", "running": "yellow"}.get(status, "dim")
            table.add_row(
                self.SYMBOLS[status],
                escape(key),
                f"[{style}]{status}[/]",
                "" if seconds is None else f"{seconds:.1f} s",
            )
        return table


# --------------------------------------------------------------------------- execution pool


def _drain(events, display: Display) -> None:
    """Show the "started" events the workers sent (completions are shown from the results)."""
    while True:
        try:
            event = events.get_nowait()
        except queue_module.Empty:
            return
        if event["kind"] == "start" and display.state.get(event["key"], ["queued"])[0] == "queued":
            display.event(event)


def _start_pool(jobs: int, kernel_home: str):
    """Start worker processes (forkserver: safe with the display thread running) and their event queue."""
    import multiprocessing

    from evalkit.report.execute import worker_init

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        # Import the heavy modules once in the fork server; every worker forks with them loaded.
        context.set_forkserver_preload(list(WORKER_PRELOAD))
    events = context.Queue()
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=worker_init, initargs=(events, kernel_home)
    )
    return pool, events


def run_tasks(
    tasks: Sequence[dict],
    jobs: int,
    console,
    follow_up: Callable[[dict], Sequence[dict]] | None = None,
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

    Returns
    -------
    list of dict
        The results, in completion order.
    """
    from evalkit.report import execute

    kernel_home = tempfile.mkdtemp(prefix="evalkit-kernel-")
    pool, events = _start_pool(max(1, jobs), kernel_home)
    results: list[dict] = []
    try:
        with Display(console, [task["key"] for task in tasks]) as display:
            pending: set[Future] = set()

            def submit(task: dict) -> None:
                display.add(task["key"])
                function = execute.combine_language if task.get("combine") else execute.execute_notebook
                pending.add(pool.submit(function, task))

            for task in tasks:
                submit(task)
            while pending:
                finished, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                _drain(events, display)
                for future in finished:
                    result = future.result()
                    results.append(result)
                    display.event(
                        {
                            "kind": "done" if result["status"] == "ok" else "failed",
                            "key": result["key"],
                            "seconds": result.get("seconds"),
                        }
                    )
                    for task in follow_up(result) if follow_up else ():
                        submit(task)
    finally:
        pool.shutdown(wait=True)
        events.close()
        shutil.rmtree(kernel_home, ignore_errors=True)
    return results


# --------------------------------------------------------------------------- planning


@dataclass
class Plan:
    """Everything a run needs, computed before anything is executed."""

    study_dir: Path
    report_dir: Path
    languages: tuple
    chapters: tuple
    notebooks_dir: Path
    reveal_names: bool
    pdf: bool
    findings: FindingsProvider | None
    parameters: dict
    inputs: dict
    notebooks: dict
    environment: dict
    run_key: str = ""


def language_parameters(study_dir: Path, report_dir: Path, language: str, reveal_names: bool) -> dict:
    """Return the notebook parameters for ``language``; paths relative to the kernel's working directory."""
    working_dir = report_dir / language
    return notebook_parameters(
        study=manifest_module.relative(study_dir, working_dir),
        language=language,
        output_dir=".",
        reveal_names=reveal_names,
    )


def make_plan(study_dir, languages, reports_root, chapters, notebooks_dir, reveal_names, pdf, findings) -> Plan:
    """Hash inputs, notebooks and environment and derive the run key."""
    from evalkit.report.pdf import find_chromium

    study_dir = Path(study_dir).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    report_dir = paths.report_dir_for(study_dir, Path(reports_root).resolve() if reports_root else None)
    check_inputs(study_dir, chapters, notebooks_dir, report_dir)
    plan = Plan(
        study_dir=study_dir,
        report_dir=report_dir,
        languages=tuple(languages),
        chapters=tuple(chapters),
        notebooks_dir=notebooks_dir,
        reveal_names=bool(reveal_names),
        pdf=bool(pdf) and find_chromium() is not None,
        findings=findings,
        parameters={lang: language_parameters(study_dir, report_dir, lang, reveal_names) for lang in languages},
        inputs=manifest_module.hash_tree(study_dir),
        notebooks={c.id: manifest_module.sha256_file(c.notebook_path(notebooks_dir)) for c in chapters},
        environment=manifest_module.environment(),
    )
    plan.run_key = manifest_module.digest_of(key_material(plan))
    return plan


def key_material(plan: Plan) -> dict:
    """Return what the run key is a digest of (everything that can change an output)."""
    return {
        "inputs": plan.inputs,
        "notebooks": plan.notebooks,
        "chapters": [[c.id, c.title_sv, c.title_en] for c in plan.chapters],
        "languages": list(plan.languages),
        "parameters": plan.parameters,
        "environment": plan.environment,
        "pdf": plan.pdf,
        "findings": provider_name(plan.findings),
    }


def build_manifest(plan: Plan, output_dir: Path) -> dict:
    """Return the manifest of a finished run whose files are in ``output_dir``."""
    report_dir = plan.report_dir
    outputs = {
        relpath: digest
        for relpath, digest in manifest_module.hash_tree(output_dir).items()
        if not relpath.endswith(".pdf") and relpath != manifest_module.MANIFEST_NAME
    }
    return {
        "format": manifest_module.MANIFEST_FORMAT,
        "run_key": plan.run_key,
        "study": {
            "name": plan.study_dir.name,
            "path": manifest_module.relative(plan.study_dir, report_dir),
            "files": plan.inputs,
        },
        "chapters": [
            {
                "id": c.id,
                "title_sv": c.title_sv,
                "title_en": c.title_en,
                "notebook": manifest_module.relative(c.notebook_path(plan.notebooks_dir), report_dir),
                "sha256": plan.notebooks[c.id],
            }
            for c in plan.chapters
        ],
        "languages": list(plan.languages),
        "parameters": plan.parameters,
        "findings": provider_name(plan.findings),
        **plan.environment,
        "git": manifest_module.git_state(),
        "outputs": outputs,
        "pdf": sorted(path.relative_to(output_dir).as_posix() for path in output_dir.glob("*/*.pdf")),
    }


def chapter_tasks(
    plan: Plan, work_dir: Path, sources_dir: Path, html: bool = True, timeout: float | None = None
) -> list[dict]:
    """Return one execution task per (language, chapter), language by language.

    Chapters kept as jupytext scripts are converted to notebooks in ``sources_dir``.
    """
    from evalkit.report.execute import materialise_notebook

    notebooks = {c.id: materialise_notebook(c.notebook_path(plan.notebooks_dir), sources_dir) for c in plan.chapters}
    tasks = []
    for language in plan.languages:
        for chapter in plan.chapters:
            task = {
                "key": f"{chapter.id} [{language}]",
                "chapter": chapter.id,
                "language": language,
                "source": str(chapter.notebook_path(plan.notebooks_dir)),
                "notebook": str(notebooks[chapter.id]),
                "output": str(work_dir / language / chapter.notebook),
                "cwd": str(work_dir / language),
                "parameters": plan.parameters[language],
                "timeout": timeout,
            }
            if html:
                task["html"] = {
                    "chapter_id": chapter.id,
                    "title": chapter.title(language),
                    "language": language,
                    "study_name": plan.study_dir.name,
                    "report_title": study_title(plan.study_dir),
                }
            tasks.append(task)
    return tasks


def study_title(study_dir: Path) -> str | None:
    """Return the study's title from its descriptor, or None if it has none."""
    import json

    try:
        with open(Path(study_dir) / paths.STUDY_DESCRIPTOR, encoding="utf-8") as handle:
            title = json.load(handle).get("title")
    except (OSError, ValueError):
        return None
    return str(title) if title else None


def combine_task(plan: Plan, work_dir: Path, language: str) -> dict:
    """Return the task that builds ``language``'s combined report (and PDF)."""
    return {
        "key": f"report [{language}]",
        "combine": True,
        "language": language,
        "study_name": plan.study_dir.name,
        "report_title": study_title(plan.study_dir),
        "output": str(work_dir / language / REPORT_NAME),
        "parts": [[c.id, c.title(language), str(work_dir / language / c.notebook)] for c in plan.chapters],
        "pdf": plan.pdf,
    }


# --------------------------------------------------------------------------- the run


def _say(result: RunResult, console, text: str, style: str | None = None) -> None:
    result.messages.append(text)
    console.print(text, style=style, highlight=False, markup=False, soft_wrap=True)


def failure_message(failure: dict) -> str:
    """Return the multi-line message for one failed notebook."""
    where = f"cell {failure['cell']}" if failure.get("cell") else "before any cell finished"
    if failure.get("execution_count"):
        where += f" (In [{failure['execution_count']}])"
    lines = [
        f"{failure['key']} failed in {where}: {failure['error']}",
        f"  notebook: {display_path(Path(failure['notebook']))}",
    ]
    if failure.get("partial"):
        lines.append(f"  partial executed notebook: {display_path(Path(failure['partial']))}")
    return "\n".join(lines)


def keep_failed(report_dir: Path, failures: list[dict]) -> None:
    """Move partial notebooks to ``report_dir/failed/<language>/`` (replacing older failures)."""
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


def serve_from_cache(plan: Plan, cache_dir: Path, result: RunResult, console) -> bool:
    """Serve an unchanged run from the report folder or the cache; return whether it was served."""
    if cache.report_is_current(plan.report_dir, plan.run_key):
        refresh_git_state(plan.report_dir)
        shutil.rmtree(plan.report_dir / FAILED_DIRNAME, ignore_errors=True)
        _say(result, console, f"{CACHE_MESSAGE} ({display_path(plan.report_dir)})")
        return True
    stored = cache.cached_copy(cache_dir, plan.study_dir.name, plan.run_key)
    if stored is None:
        return False
    staging = sibling(plan.report_dir, PARTIAL_SUFFIX)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(stored, staging)
    swap_into_place(staging, plan.report_dir)
    refresh_git_state(plan.report_dir)
    _say(result, console, f"{CACHE_MESSAGE} (restored {display_path(plan.report_dir)} from {display_path(stored)})")
    return True


def refresh_git_state(report_dir: Path) -> None:
    """Update the manifest's git commit/dirty flag if they changed since the report was made."""
    manifest = manifest_module.read_manifest(report_dir)
    git = manifest_module.git_state()
    if manifest.get("git") != git:
        manifest["git"] = git
        manifest_module.write_json_atomic(report_dir / manifest_module.MANIFEST_NAME, manifest)


def run_study(
    study_dir: Path | str = paths.DEFAULT_STUDY_DIR,
    *,
    languages: Sequence[str] | str | None = None,
    jobs: int = DEFAULT_JOBS,
    force: bool = False,
    reports_root: Path | str | None = None,
    pdf: bool = True,
    reveal_names: bool = False,
    chapters: Sequence[Chapter] = CHAPTERS,
    notebooks_dir: Path | str | None = None,
    cache_dir: Path | str | None = None,
    findings: FindingsProvider | None | object = _DEFAULT,
    timeout: float | None = None,
    console=None,
    validate: bool = True,
) -> RunResult:
    """Execute every chapter for every language and publish the report atomically.

    Parameters
    ----------
    study_dir : path, optional
        The study folder (default ``data/vastmanland-2019``). Only read.
    languages : str or sequence of str, optional
        ``"sv,en"`` or a subset; default both.
    jobs : int, optional
        Notebooks executed at the same time (default 2).
    force : bool, optional
        Execute even when an identical run is cached.
    reports_root : path, optional
        Parent of the report folder (default ``reports/``).
    pdf : bool, optional
        Print ``report.pdf`` per language with headless Chromium (skipped with a message if absent).
    reveal_names : bool, optional
        Passed to the notebooks.
    chapters : sequence of Chapter, optional
        The chapter list (tests pass fixture chapters).
    notebooks_dir : path, optional
        Where the chapter notebooks are (default ``notebooks/``).
    cache_dir : path, optional
        Cache folder (default ``$EVALKIT_CACHE_DIR`` or ``.evalkit-cache/``).
    findings : callable or None, optional
        ``study_dir -> DataFrame`` for ``findings.csv``; default
        :func:`default_findings_provider`; ``None`` skips the table.
    timeout : float, optional
        Seconds a single cell may take (default: no limit).
    console : rich.console.Console, optional
        Where messages go (default: a console on stdout).

    validate : bool, optional
        Validate the study before executing anything (default True); an
        invalid study raises :class:`RunError` listing its problems. Only the
        runner's own tests, on fixture folders that are not studies, turn it off.

    Returns
    -------
    RunResult

    Raises
    ------
    RunError
        The run could not start (study or notebook missing, bad languages, locked).
    """
    from rich.console import Console

    console = console or Console(highlight=False)
    provider = default_findings_provider() if findings is _DEFAULT else findings
    plan = make_plan(
        study_dir, parse_languages(languages), reports_root, tuple(chapters), notebooks_dir, reveal_names, pdf, provider
    )
    cache_dir = Path(cache_dir or paths.CACHE_DIR)
    result = RunResult("ran", plan.report_dir)
    with report_lock(plan.report_dir):
        recover_interrupted_swap(plan.report_dir)
        if not force and serve_from_cache(plan, cache_dir, result, console):
            result.status = "cached"
            return result
        if validate:  # after the cache: unchanged inputs were valid when the cached report was made
            check_study_is_valid(plan.study_dir)
        execute_plan(plan, jobs, timeout, result, console)
        if result.ok:
            cache.store(plan.report_dir, cache_dir, plan.study_dir.name, plan.run_key)
    return result


def execute_plan(plan: Plan, jobs: int, timeout: float | None, result: RunResult, console) -> None:
    """Execute all chapters into the partial folder; swap it into place if all succeeded."""
    work_dir = sibling(plan.report_dir, PARTIAL_SUFFIX)
    shutil.rmtree(work_dir, ignore_errors=True)
    for language in plan.languages:
        (work_dir / language).mkdir(parents=True)
    sources_dir = Path(tempfile.mkdtemp(prefix="evalkit-sources-"))
    try:
        tasks = chapter_tasks(plan, work_dir, sources_dir, timeout=timeout)
        _execute_tasks(plan, work_dir, tasks, jobs, result, console)
    finally:
        shutil.rmtree(sources_dir, ignore_errors=True)


def _execute_tasks(plan: Plan, work_dir: Path, tasks: list, jobs: int, result: RunResult, console) -> None:
    """Run the chapter tasks (then each language's combined report); publish or report failure."""
    _say(
        result,
        console,
        f"Running {len(plan.chapters)} chapter(s) × {', '.join(plan.languages)} "
        f"({len(tasks)} notebooks, {jobs} at a time) for {plan.study_dir.name}",
    )
    started = time.perf_counter()
    remaining = {language: len(plan.chapters) for language in plan.languages}
    failed_languages: set[str] = set()

    def follow_up(done: dict) -> list[dict]:
        language = done.get("language")
        if done.get("combine") or language is None:
            return []
        remaining[language] -= 1
        if done["status"] != "ok":
            failed_languages.add(language)
        if remaining[language] == 0 and language not in failed_languages:
            return [combine_task(plan, work_dir, language)]
        return []

    findings_thread = _start_findings(plan, work_dir)
    task_by_key = {task["key"]: task for task in tasks}
    results = run_tasks(tasks, jobs, console, follow_up=_tag_results(task_by_key, follow_up))
    findings_outcome = findings_thread.join_result()
    failures = [_failure_record(r, task_by_key) for r in results if r["status"] != "ok"]
    if failures or findings_outcome.get("error"):
        report_failure(plan, work_dir, failures, findings_outcome, result, console)
        return
    for outcome in results:
        if outcome.get("pdf_message"):
            _say(result, console, f"{outcome['key']}: {outcome['pdf_message']}")
    if not plan.pdf:
        _say(result, console, "PDF: not made (--no-pdf or Chromium not found at /usr/bin/chromium)")
    _say(result, console, findings_outcome["message"])
    manifest_module.write_json_atomic(work_dir / manifest_module.MANIFEST_NAME, build_manifest(plan, work_dir))
    swap_into_place(work_dir, plan.report_dir)
    _say(result, console, f"Report written to {display_path(plan.report_dir)} in {time.perf_counter() - started:.1f} s")


def _tag_results(task_by_key: dict, follow_up: Callable[[dict], list]) -> Callable[[dict], list]:
    """Attach each task's chapter/language to its result before ``follow_up`` sees it."""

    def tagged(done: dict) -> list:
        task = task_by_key.get(done["key"], {})
        done.setdefault("language", task.get("language"))
        done.setdefault("chapter", task.get("chapter"))
        done["combine"] = done["key"].startswith("report [")
        return follow_up(done)

    return tagged


def _failure_record(done: dict, task_by_key: dict) -> dict:
    task = task_by_key.get(done["key"], {})
    return {**done, "notebook": task.get("source", done["key"])}


def report_failure(
    plan: Plan, work_dir: Path, failures: list, findings_outcome: dict, result: RunResult, console
) -> None:
    """Print what failed, keep partial notebooks in ``failed/``, drop the partial folder."""
    result.status = "failed"
    keep_failed(plan.report_dir, [f for f in failures if not f.get("combine")])
    for failure in failures:
        _say(
            result,
            console,
            failure_message(failure)
            if not failure.get("combine")
            else f"{failure['key']} failed: {failure.get('error')}",
            style="red",
        )
    if findings_outcome.get("error"):
        _say(result, console, f"findings table failed: {findings_outcome['error']}", style="red")
    result.failures = failures
    shutil.rmtree(work_dir, ignore_errors=True)
    has_previous = (plan.report_dir / manifest_module.MANIFEST_NAME).exists()
    _say(
        result,
        console,
        f"The previous report in {display_path(plan.report_dir)} was left unchanged."
        if has_previous
        else "No report was written.",
    )


class _FindingsThread:
    """Compute the findings table in a thread while the notebooks run."""

    def __init__(self, plan: Plan, work_dir: Path):
        import threading

        self.plan, self.work_dir, self.outcome = plan, work_dir, {}
        self.thread = threading.Thread(target=self._run, name="evalkit-findings", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        if self.plan.findings is None:
            self.outcome = {"message": "findings table: skipped (evalkit.analysis.findings is not available yet)"}
            return
        try:
            rows = write_findings(self.plan.study_dir, self.work_dir / FINDINGS_NAME, self.plan.findings)
            self.outcome = {"message": f"findings table: {rows} rows in {FINDINGS_NAME}"}
        except Exception as error:  # reported as a failed run, with the cause
            self.outcome = {"error": f"{type(error).__name__}: {error}"}

    def join_result(self) -> dict:
        self.thread.join()
        return self.outcome


def _start_findings(plan: Plan, work_dir: Path) -> _FindingsThread:
    return _FindingsThread(plan, work_dir)


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit run``."""
    parser.add_argument(
        "study",
        nargs="?",
        type=Path,
        default=paths.DEFAULT_STUDY_DIR,
        help=f"study folder (default: {display_path(paths.DEFAULT_STUDY_DIR)})",
    )
    parser.add_argument(
        "--language",
        default=",".join(LANGUAGES),
        metavar="sv,en",
        help="comma-separated report languages (default: sv,en)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"notebooks executed in parallel (default: {DEFAULT_JOBS})",
    )
    parser.add_argument("--force", action="store_true", help="execute even if an identical run is cached")
    parser.add_argument(
        "--reports-root",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where report folders go (default: {display_path(paths.REPORTS_DIR)})",
    )
    parser.add_argument("--no-pdf", action="store_true", help="do not print the combined report to PDF")
    parser.add_argument("--reveal-names", action="store_true", help="show municipality names instead of codes")
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="fail a cell that runs longer than this (default: no limit)",
    )


def cli_run(args: argparse.Namespace) -> int:
    """Run ``evalkit run``; return 0 on success, 1 when a chapter failed, 2 on unusable input."""
    from rich.console import Console

    console = Console(highlight=False)
    if args.jobs < 1:
        console.print("--jobs must be at least 1", style="red")
        return 2
    try:
        result = run_study(
            args.study,
            languages=args.language,
            jobs=args.jobs,
            force=args.force,
            reports_root=args.reports_root,
            pdf=not args.no_pdf,
            reveal_names=args.reveal_names,
            timeout=args.timeout,
            console=console,
        )
    except RunError as error:
        console.print(f"evalkit run: {error}", style="red", markup=False, soft_wrap=True)
        return 2
    return 0 if result.ok else 1

"""The build pipeline of ``evalkit run``: plan → check → execute → publish.

One function, :func:`run_study`, owns a run from start to end::

    plan      make_plan: resolve folders, hash inputs/notebooks/software, derive the run key
    lock      one run or audit per report folder at a time (publish.report_lock)
    cache     an unchanged run is served from the report folder or the content store (cache)
    start     the worker pool and the kernel zygote start (pool), while ...
    check     ... the pre-run checks run (checks.PRE_RUN_CHECKS); validation and the
              personal-data scan pass before any notebook starts, the others alongside
    execute   chapter notebooks in the pool; a chapter whose inputs are unchanged comes
              from the chapter cache; the report artefacts (artefacts.REPORT_ARTEFACTS)
              and the shared analyses in a thread; each language's products
              (products.LANGUAGE_PRODUCTS) in the parent: the publication from the shared
              analyses right after the checks, the combined report and PDF as soon as
              that language's chapters are done
    publish   manifest, then the partial folder swapped into place (publish)

Extension points (see their modules):

1. **Pre-run checks** (:mod:`evalkit.report.checks`): run before (or, when
   they allow it, alongside) the notebooks; each can refuse the run with a
   message and an exit code, or be overridden by its command-line flag.
2. **Report artefacts** (:mod:`evalkit.report.artefacts`): tables computed
   once per run in the parent process, written atomically into the report
   folder and hashed in the manifest.
3. **Language products** (:mod:`evalkit.report.products`): files made once
   per language in the parent process, from the executed chapters or from the
   shared analyses (the combined report and PDF; the publication in HTML,
   PDF and Word).

Layout of a finished report (``reports/<study>/``)::

    manifest.json            inputs, notebooks, parameters, software, checks, output hashes
    findings.csv             (and every other report artefact)
    <language>/<chapter>.ipynb   executed notebook (normalised, byte-reproducible)
    <language>/<chapter>.html    one self-contained page per chapter
    <language>/report.html       all chapters with a table of contents
    <language>/report.pdf        the combined report printed by headless Chromium
    publication/<language>/publication.html   the publication: the report a county publishes
    publication/<language>/publication.pdf    (evalkit.publication.product), a language product
    publication/<language>/publication.docx   built in the parent from the shared analyses
    README.txt                   which files are the publication and which the analysis
    failed/<language>/<chapter>.ipynb   only after a failed run: partial notebooks

The study folder is only read. A Ctrl-C ends a run with one line; nothing is
published and the previous report stays as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from evalkit import paths
from evalkit.cache import ContentStore, key
from evalkit.chapters import CHAPTERS, Chapter
from evalkit.paths import display_path
from evalkit.report import cache, publish
from evalkit.report import manifest as manifest_module
from evalkit.report import products as products_module
from evalkit.report.artefacts import (
    REPORT_ARTEFACTS,
    ReportArtefact,
    precomputed_analyses,
    published_warnings,
    write_artefact,
)
from evalkit.report.checks import PRE_RUN_CHECKS, PreRunCheck, overrides_still_given, run_checks
from evalkit.report.plan import Plan, RunContext, RunError, chapter_tasks, make_plan, parse_languages
from evalkit.report.progress import Progress, Timings
from evalkit.report.tasks import ChapterFailure, ChapterTask, TaskResult
from evalkit.terminal import safe_text

DEFAULT_JOBS = 2
CACHE_MESSAGE = "unchanged: served from cache"
INTERRUPTED = "interrupted"

__all__ = ["CACHE_MESSAGE", "DEFAULT_JOBS", "RunError", "RunResult", "run_study"]


@dataclass
class RunResult:
    """What :func:`run_study` did (filled in while the run goes on).

    Attributes
    ----------
    status : str
        ``"ran"``, ``"cached"`` or ``"failed"``.
    report_dir : pathlib.Path
        ``reports/<study>``.
    failures : list of ChapterFailure
        One per failed notebook.
    messages : list of str
        Everything printed, in order.
    executed, cached : list of str
        The chapter notebooks executed, and those taken from the chapter cache (``"01_organisation [sv]"``).
    """

    status: str
    report_dir: Path
    failures: list = field(default_factory=list)
    messages: list = field(default_factory=list)
    executed: list = field(default_factory=list)
    cached: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("ran", "cached")


class _Output:
    """Where a run's messages go: progress to ``console``, problems to ``error_console``; all kept in the result."""

    def __init__(self, result: RunResult, console, error_console=None):
        self.result, self.console = result, console
        self.error_console = error_console or console

    def say(self, text: str, style: str | None = None) -> None:
        self.result.messages.append(text)
        self.console.print(safe_text(text), style=style, highlight=False, markup=False, soft_wrap=True)

    def problem(self, text: str) -> None:
        self.result.messages.append(text)
        self.error_console.print(safe_text(text), style="red", highlight=False, markup=False, soft_wrap=True)


# --------------------------------------------------------------------------- the run


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
    checks: Sequence[PreRunCheck] | None = None,
    overrides: Sequence[str] = (),
    artefacts: Sequence[ReportArtefact] | None = None,
    products: Sequence[products_module.LanguageProduct] | None = None,
    parameters: dict | None = None,
    scratch: bool = False,
    timeout: float | None = None,
    zygote: bool = True,
    docx_template: Path | str | None = None,
    console=None,
    error_console=None,
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
        Execute every chapter even when an identical run or chapter is cached.
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
        The content store's folder (default :func:`evalkit.paths.cache_dir`).
    checks : sequence of PreRunCheck, optional
        Pre-run checks (default :data:`evalkit.report.checks.PRE_RUN_CHECKS`);
        ``()`` runs none (the runner's tests, on fixture folders that are not studies).
    overrides : sequence of str, optional
        Names of the checks whose refusal is overridden (``evalkit run --allow-...``).
    artefacts : sequence of ReportArtefact, optional
        Report artefacts (default :data:`evalkit.report.artefacts.REPORT_ARTEFACTS`).
    products : sequence of LanguageProduct, optional
        Per-language products (default :data:`evalkit.report.products.LANGUAGE_PRODUCTS`).
    parameters : dict, optional
        Chapter notebook parameters (``evalkit run -p NAME VALUE``): each name must be a
        parameter of a selected notebook; text is converted to the type of its default
        and checked against its declared range. Implies ``scratch``.
    scratch : bool, optional
        Write to ``reports/.scratch/<study>-<digest>/`` instead of the published report
        folder (``evalkit run --chapter`` / ``-p``); the published report is never touched.
    timeout : float, optional
        Seconds a single cell may take (default: no limit).
    zygote : bool, optional
        Fork the kernels from a pre-imported zygote (:mod:`evalkit.report.kernels`); default True.
    docx_template : path, optional
        The county's Word template (.docx/.dotx) for the publication's Word file
        (default: the study's ``evalkit:docx_template``, else Word's default styles).
    console : rich.console.Console, optional
        Where progress and messages go (default: a console on stdout).
    error_console : rich.console.Console, optional
        Where failures and warnings go (default: ``console``; ``evalkit run`` passes stderr).

    Returns
    -------
    RunResult

    Raises
    ------
    RunError
        The run could not start or a pre-run check refused it (the message says
        why; ``exit_code`` is what ``evalkit run`` exits with).
    KeyboardInterrupt
        Ctrl-C: every process of the run has been stopped and nothing was published.
    """
    from rich.console import Console

    console = console or Console(highlight=False)
    plan = make_plan(
        study_dir,
        parse_languages(languages),
        reports_root,
        tuple(chapters),
        notebooks_dir,
        reveal_names,
        pdf,
        tuple(REPORT_ARTEFACTS if artefacts is None else artefacts),
        parameters,
        scratch,
        products_module.LANGUAGE_PRODUCTS if products is None else products,
        docx_template=docx_template,
    )
    store = ContentStore(cache_dir if cache_dir is not None else paths.cache_dir())
    logged = store.log_position()
    context = RunContext(plan, frozenset(overrides), store=analysis_store(store.root), cache=store)
    result = RunResult("ran", plan.report_dir)
    output = _Output(result, console, error_console)
    with publish.report_lock(plan.report_dir):
        publish.recover_interrupted_swap(plan.report_dir)
        if plan.scratch:
            output.say(f"Scratch report (the published report is not changed): {display_path(plan.report_dir)}")
        if not force and serve_from_cache(plan, context, output):
            result.status = "cached"
            say_notes(store, output, logged)
            return result
        complete = execute_and_publish(
            plan,
            context,
            PRE_RUN_CHECKS if checks is None else checks,
            jobs,
            timeout,
            output,
            reuse=not force,
            zygote=zygote,
        )
        if complete:
            with publish.deferred_interrupt():
                cache.store_report(store, plan.run_key, plan.report_dir, result.warnings)
        store.prune()
        say_notes(store, output, logged)
    return result


def analysis_store(cache_dir: Path) -> Path:
    """The run's analysis store: ``$EVALKIT_ANALYSIS_STORE`` if set, else the content store's folder."""
    from evalkit.report import store

    return Path(os.environ.get(store.STORE_ENV) or cache_dir)


def say_notes(store: ContentStore, output: _Output, logged: int = 0) -> None:
    """Print what the content store discarded or refused during the run, here or in a kernel (once each)."""
    for note in dict.fromkeys([*store.notes, *store.logged_since(logged)]):
        output.problem(note)
    store.notes.clear()


def serve_from_cache(plan: Plan, context: RunContext, output: _Output) -> bool:
    """Serve an unchanged run from the report folder or the content store; return whether it was served."""
    store = context.cache
    if cache.report_is_current(plan.report_dir, plan.run_key, plan.inputs, store, plan.expected_pdfs):
        if not overrides_still_given(manifest_module.read_manifest(plan.report_dir).get("checks"), context.overrides):
            return False
        refresh_git_state(plan.report_dir)
        publish.clear_failed(plan.report_dir)
        output.say(f"{CACHE_MESSAGE} ({display_path(plan.report_dir)})")
        say_published_warnings(context, plan.report_dir, output, cache.report_record(store, plan.run_key))
        return True
    record = cache.report_record(store, plan.run_key)
    manifest = record.extra.get("manifest") if record is not None else None
    if not isinstance(manifest, dict) or not overrides_still_given(manifest.get("checks"), context.overrides):
        return False
    staging = publish.fresh_partial(plan.report_dir)
    try:
        if not cache.restore_report(store, plan.run_key, plan.inputs, staging, plan.expected_pdfs):
            shutil.rmtree(staging, ignore_errors=True)
            return False
        with publish.deferred_interrupt():
            publish.swap_into_place(staging, plan.report_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    refresh_git_state(plan.report_dir)
    output.say(f"{CACHE_MESSAGE} (restored {display_path(plan.report_dir)} from the cache)")
    say_published_warnings(context, plan.report_dir, output, record)
    return True


def say_published_warnings(context: RunContext, report_dir: Path, output: _Output, record=None) -> None:
    """Print again the warnings the served report's artefacts gave (e.g. low coder agreement).

    They are kept in the report's signed record; a record without them has them read back
    from the report's tables.
    """
    recorded = record.extra.get("warnings") if record is not None else None
    warnings = recorded if isinstance(recorded, list) else published_warnings(context, report_dir)
    for warning in warnings:
        output.say(warning)


def refresh_git_state(report_dir: Path) -> None:
    """Update the manifest's git commit/dirty flag if they changed since the report was made."""
    manifest = manifest_module.read_manifest(report_dir)
    git = manifest_module.git_state()
    if manifest.get("git") != git:
        manifest["git"] = git
        manifest_module.write_json_atomic(report_dir / manifest_module.MANIFEST_NAME, manifest)


# --------------------------------------------------------------------------- execute


@dataclass(frozen=True)
class Execution:
    """What the execute stage produced in a work folder.

    Attributes
    ----------
    results : tuple of TaskResult
        One per executed chapter notebook, in completion order.
    failures : tuple of ChapterFailure
        The failed ones, with the chapter's source notebook.
    products : tuple of ProductResult
        The language products built (or failed).
    artefact_messages, artefact_errors : tuple of str
        One line per written (or failed) report artefact.
    cached, executed : tuple of str
        The chapters (``"<id> [<language>]"``) taken from the chapter cache, and those executed.
    checks : dict
        ``{check name: "passed" | "overridden"}``.
    stopped : bool
        The run was stopped early on request (an audit that has its verdict).
    """

    results: tuple = ()
    failures: tuple = ()
    products: tuple = ()
    artefact_messages: tuple = ()
    artefact_errors: tuple = ()
    cached: tuple = ()
    executed: tuple = ()
    checks: dict = field(default_factory=dict)
    stopped: bool = False

    @property
    def product_errors(self) -> tuple:
        return tuple(f"{p.key} failed: {p.error}" for p in self.products if not p.ok)

    @property
    def missing(self) -> tuple:
        """Expected files a product could not make (``"sv/report.pdf"``)."""
        return tuple(name for p in self.products if p.ok for name in p.outcome.missing)

    @property
    def notes(self) -> tuple:
        return tuple(note for p in self.products if p.ok for note in p.outcome.notes)

    @property
    def product_messages(self) -> tuple:
        """What the products made, one line each (the publication's files and time)."""
        return tuple(message for p in self.products if p.ok for message in p.outcome.messages)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.artefact_errors and not self.product_errors and not self.stopped


class ReadDigests:
    """Digests of what a chapter read (:mod:`evalkit.study.tracing`), from the study as the parent loaded it.

    A chapter that gave no account of its reads (a notebook that does not open
    a chapter session) depends on every input file: ``inputs``.
    """

    INPUTS = "inputs"

    def __init__(self, context: RunContext):
        self.context = context

    def digest(self, name: str) -> str | None:
        from evalkit.study import tracing

        if name == self.INPUTS:
            return key("inputs", self.context.plan.inputs)
        try:
            return tracing.read_digest(self.context.study, name)
        except Exception:  # noqa: BLE001 - a study that does not load: nothing it read can be vouched for
            return None

    def of(self, names) -> dict[str, str | None]:
        return {name: self.digest(name) for name in sorted(names)}

    def unchanged(self, recorded) -> bool:
        return (
            isinstance(recorded, dict)
            and bool(recorded)
            and all(self.digest(name) == digest for name, digest in recorded.items())
        )


def find_cached_chapter(store: ContentStore, task: ChapterTask, digests: ReadDigests):
    """Return the chapter cache entry of ``task`` whose recorded reads are unchanged, or None."""
    for entry in store.variants(cache.CHAPTERS, task.cache_key):
        if digests.unchanged(entry.extra.get("reads")) and store.intact(entry):
            return entry
    return None


def warm_up(context: RunContext, progress: Progress) -> threading.Thread:
    """Compute the shared analyses (:func:`evalkit.report.artefacts.precomputed_analyses`) in a thread, now.

    Started as soon as the study has passed the checks that must pass before any
    notebook: the robustness analysis, the largest single computation, is then
    under way while the kernel zygote finishes its imports, and done (or nearly)
    when the chapters that show it ask the store for it. Whoever needs an analysis
    first computes it and everyone else waits for it (the store's lock) instead of
    computing it again. A failing analysis is not an error here: the notebook that
    needs it reports the error itself.
    """

    def run() -> None:
        progress.start("analyses", "shared analyses")
        for function in reversed(precomputed_analyses()):  # the largest first
            try:
                context.shared(function)
            except Exception:  # noqa: S112 - the notebook that needs it reports the error
                continue
        progress.finish("analyses")

    thread = threading.Thread(target=run, name="evalkit-analyses", daemon=True)
    thread.start()
    return thread


class ArtefactThread:
    """Compute the report artefacts in a thread while the notebooks run.

    Artefacts that show a shared analysis take it from the run's analysis store
    (:func:`warm_up` has started it), so each is computed once per run.
    """

    def __init__(self, artefacts: Sequence[ReportArtefact], context: RunContext, folder: Path, progress: Progress):
        self.artefacts, self.context, self.folder, self.progress = tuple(artefacts), context, folder, progress
        self.messages: list[str] = []
        self.errors: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="evalkit-artefacts", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.progress.start("artefacts", "report tables")
        for artefact in self.artefacts:
            if self.stop.is_set():
                return
            try:
                self.messages.append(write_artefact(artefact, self.context, self.folder))
            except Exception as error:  # reported as a failed run, with the cause
                self.errors.append(f"{artefact.filename} failed: {type(error).__name__}: {error}")
        self.progress.finish("artefacts", ok=not self.errors)

    def join(self) -> None:
        self.thread.join()


class _ExecutionState:
    """Book-keeping of :func:`execute_run` while it runs (its result is the frozen :class:`Execution`)."""

    def __init__(self, plan: Plan, work_dir: Path, chapters_dir: Path):
        self.plan, self.work_dir, self.chapters_dir = plan, work_dir, chapters_dir
        self.results: list[TaskResult] = []
        self.failures: list[ChapterFailure] = []
        self.products: list = []
        self.cached: list[str] = []
        self.executed: list[str] = []
        self.remaining = {language: len(plan.chapters) for language in plan.languages}
        self.failed_languages: set[str] = set()
        self.artefacts: ArtefactThread | None = None
        self.start_artefacts: Callable[[], ArtefactThread] | None = None

    def artefacts_now(self) -> ArtefactThread | None:
        """Start the report artefacts (once): when a language's chapters are done, or nothing is left to run.

        Not at the start: the parent's thread computes the shared analyses first
        (:func:`warm_up`), which the chapters wait for; the artefacts can wait.
        """
        if self.artefacts is None and self.start_artefacts is not None:
            self.artefacts = self.start_artefacts()
        return self.artefacts


def execute_run(
    plan: Plan,
    context: RunContext,
    work_dir: Path,
    *,
    jobs: int,
    timeout: float | None,
    progress: Progress,
    checks: Sequence[PreRunCheck] = (),
    warn: Callable[[str], None] | None = None,
    environment: dict | None = None,
    reuse: bool = True,
    store_chapters: bool = True,
    zygote: bool = True,
    stop_when: Callable[[TaskResult, Path], bool] | None = None,
    on_chapter: Callable[[ChapterTask, list, Path], None] | None = None,
    pool=None,
) -> Execution:
    """Execute every chapter of ``plan`` into ``work_dir`` (plus artefacts and language products).

    Used by ``evalkit run`` (into the partial folder), ``evalkit audit`` (into
    a scratch sibling) and ``evalkit preview``; nothing is published here.

    Parameters
    ----------
    checks : sequence of PreRunCheck
        Run here, while the pool starts: those with ``before_execution`` before
        any notebook, the others alongside the first notebooks.
    reuse : bool
        Take a chapter from the chapter cache when everything it read is unchanged.
    store_chapters : bool
        Put each executed chapter into the chapter cache (the audit does not).
    stop_when : callable, optional
        ``stop_when(result, language_folder)`` after each executed chapter; True
        stops the run (remaining notebooks are not executed, ``stopped`` is set).
    on_chapter : callable, optional
        ``on_chapter(task, relpaths, language_folder)`` as soon as a chapter's files are
        in the language folder (executed or from the cache); ``evalkit preview`` shows them at once.
    pool : NotebookPool, optional
        A pool to use and keep (``evalkit preview`` keeps its workers and kernel zygote warm
        between builds); by default one is started and stopped here.

    Raises
    ------
    RunError
        A check refused the run (every process it started is stopped first).
    """
    from evalkit.report.pool import NotebookPool
    from evalkit.study.tracing import READS_ENV

    for language in plan.languages:
        (work_dir / language).mkdir(parents=True, exist_ok=True)
    chapters_dir = work_dir.parent / f"{work_dir.name}-chapters"
    shutil.rmtree(chapters_dir, ignore_errors=True)
    sources_dir = Path(tempfile.mkdtemp(prefix="evalkit-sources-"))
    state = _ExecutionState(plan, work_dir, chapters_dir)
    store = context.cache
    digests = ReadDigests(context)
    kernel_env = {READS_ENV: "1", paths.CACHE_ENV: str(store.root), **(environment or {})}
    outcomes: dict = {}
    artefact_thread = None
    stopped = False
    products_pool = _DaemonThreads("evalkit-products")
    product_futures: dict[Future, str] = {}
    try:
        progress.start("start", "starting the notebook workers")
        owned = pool is None
        with NotebookPool(jobs, kernel_env, zygote=zygote) if owned else _Borrowed(pool) as pool:
            early = [c for c in checks if c.before_execution]
            late = [c for c in checks if not c.before_execution]
            if checks:
                progress.start("check", "checking the study")
            if early:
                outcomes.update(run_checks(early, context, warn=warn or progress.say))
            if checks and not late:
                progress.finish("check")
            late_checks = _LateChecks(late, context, warn or progress.say, progress)
            warm_up(context, progress)
            state.start_artefacts = lambda: ArtefactThread(plan.artefacts, context, work_dir, progress)
            for product in plan.products:
                if not product.after_chapters:
                    for language in plan.languages:
                        _submit_product(products_pool, product_futures, product, context, work_dir, language, progress)
            tasks = chapter_tasks(plan, chapters_dir, sources_dir, timeout=timeout)
            progress.plan(
                [(f"notebook:{t.key}", t.key) for t in tasks]
                + [
                    (f"product:{p.name} [{lang}]", _product_label(p, lang))
                    for p in plan.products
                    for lang in plan.languages
                ]
            )
            pending: dict[Future, ChapterTask] = {}
            for task in tasks:
                entry = find_cached_chapter(store, task, digests) if reuse else None
                restored = entry is not None and cache.restore_chapter(store, entry, work_dir / task.language)
                if restored:
                    state.cached.append(task.key)
                    progress.drop(f"notebook:{task.key}")
                    if on_chapter is not None:
                        on_chapter(task, list(restored), work_dir / task.language)
                    _chapter_done(state, task, context, products_pool, product_futures, progress)
                    continue
                Path(task.cwd).mkdir(parents=True)
                pending[pool.submit(task)] = task
            progress.finish("start")
            if not pending:
                state.artefacts_now()
            while pending or product_futures or not late_checks.done():
                for started in pool.started():
                    progress.start(f"notebook:{started}")
                waiting = [*pending, *product_futures]
                if waiting:
                    finished, _ = wait(waiting, timeout=0.2, return_when=FIRST_COMPLETED)
                else:
                    finished = set()
                    time.sleep(0.1)
                late_checks.raise_refusal()
                for future in finished:
                    if future in product_futures:
                        language = product_futures.pop(future)
                        _product_done(state, future.result(), progress)
                        continue
                    task = pending.pop(future)
                    try:
                        result = future.result()
                    except Exception as error:  # a worker died or a task raised: a failure, never a traceback
                        failed = f"{type(error).__name__}: {error}"
                        result = TaskResult(task.key, task.chapter, task.language, "failed", error=failed)
                    progress.finish(f"notebook:{task.key}", ok=result.ok, note="" if result.ok else result.error or "")
                    result, relpaths = collect_chapter(
                        task, result, work_dir / task.language, store, digests, store_chapters
                    )
                    if on_chapter is not None and result.ok:
                        on_chapter(task, relpaths, work_dir / task.language)
                    state.results.append(result)
                    state.executed.append(task.key)
                    if not result.ok:
                        state.failures.append(ChapterFailure(result, task.source))
                        state.failed_languages.add(task.language)
                    _chapter_done(state, task, context, products_pool, product_futures, progress)
                    if stop_when is not None and result.ok and stop_when(result, work_dir / task.language):
                        stopped = True
                        for other in pending:
                            other.cancel()
                        pending.clear()
                        pool.kill()
                        break
                if stopped:
                    break
                progress.tick()
            outcomes.update(late_checks.outcomes)
        artefact_thread = state.artefacts_now() if not stopped else state.artefacts
        if artefact_thread is not None:
            if stopped:
                artefact_thread.stop.set()
            else:
                artefact_thread.join()
    except BaseException:
        if state.artefacts is not None:
            state.artefacts.stop.set()
        for future in product_futures:
            future.cancel()
        raise
    finally:
        shutil.rmtree(sources_dir, ignore_errors=True)
        shutil.rmtree(chapters_dir, ignore_errors=True)
    return Execution(
        results=tuple(state.results),
        failures=tuple(state.failures),
        products=tuple(state.products),
        artefact_messages=tuple(artefact_thread.messages if artefact_thread else ()),
        artefact_errors=tuple(artefact_thread.errors if artefact_thread else ()),
        cached=tuple(sorted(state.cached)),
        executed=tuple(state.executed),
        checks=outcomes,
        stopped=stopped,
    )


class _DaemonThreads:
    """Run each product build in a daemon thread and hand back a future.

    Daemon threads, not a thread pool: after Ctrl-C the run exits at once, and
    a Chromium a product started dies with its thread (its parent-death signal).
    """

    def __init__(self, name: str):
        self.name = name

    def submit(self, function: Callable[[], object]) -> Future:
        future: Future = Future()

        def target() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(function())
            except BaseException as error:  # noqa: BLE001 - handed to the waiting thread
                future.set_exception(error)

        threading.Thread(target=target, name=self.name, daemon=True).start()
        return future


class _Borrowed:
    """A pool lent to :func:`execute_run`: kept when the run ends; stopped if the run is refused or interrupted."""

    def __init__(self, pool):
        self.pool = pool

    def __enter__(self):
        return self.pool

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:  # notebooks of a refused or interrupted build may still run: stop them
            self.pool.kill()


class _LateChecks:
    """The pre-run checks that may run alongside the first notebooks, in a thread of the parent."""

    def __init__(self, checks: Sequence[PreRunCheck], context: RunContext, warn, progress: Progress):
        self.outcomes: dict = {}
        self.refusal: BaseException | None = None
        self._done = threading.Event()
        if not checks:
            self._done.set()
            return
        self.checks, self.context, self.warn, self.progress = list(checks), context, warn, progress
        threading.Thread(target=self._run, name="evalkit-checks", daemon=True).start()

    def _run(self) -> None:
        try:
            self.outcomes = run_checks(self.checks, self.context, warn=self.warn)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            self.refusal = error
        finally:
            self.progress.finish("check", ok=self.refusal is None)
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def raise_refusal(self) -> None:
        if self.refusal is not None:
            raise self.refusal


def _product_label(product, language: str) -> str:
    labels = {"report": f"combined report and PDF [{language}]", "publication": f"publication [{language}]"}
    return labels.get(product.name, f"{product.name} [{language}]")


def _submit_product(executor, futures, product, context: RunContext, work_dir: Path, language: str, progress) -> None:
    chapters = (
        products_module.chapter_parts(context.plan, work_dir / language, language) if product.after_chapters else ()
    )
    folder = work_dir / product.folder_for(language)
    folder.mkdir(parents=True, exist_ok=True)
    product_context = products_module.ProductContext(context, language, folder, chapters, work_dir)
    step = f"product:{product.name} [{language}]"

    def build():
        progress.start(step, _product_label(product, language))
        outcome = products_module.build(product, product_context)
        progress.finish(step, ok=outcome.ok, note="" if outcome.ok else outcome.error or "")
        return outcome

    futures[executor.submit(build)] = language


def _chapter_done(state: _ExecutionState, task: ChapterTask, context, executor, futures, progress) -> None:
    """Count a chapter of ``task.language`` as there; when the last one is, build the language's products."""
    state.remaining[task.language] -= 1
    if state.remaining[task.language] or task.language in state.failed_languages:
        return
    state.artefacts_now()
    for product in state.plan.products:
        if product.after_chapters:
            _submit_product(executor, futures, product, context, state.work_dir, task.language, progress)


def _product_done(state: _ExecutionState, result, progress) -> None:
    state.products.append(result)


def collect_chapter(
    task: ChapterTask,
    result: TaskResult,
    language_dir: Path,
    store: ContentStore,
    digests: ReadDigests,
    store_chapters: bool = True,
) -> tuple[TaskResult, list[str]]:
    """Move what a finished chapter wrote in its own folder into the language folder (and into the cache).

    A failed chapter's partial notebook is moved next to the language folder's
    files (hidden), where :func:`evalkit.report.publish.keep_failed` finds it.
    The chapter is cached under its base key and the digests of what it read
    (:mod:`evalkit.study.tracing`). Returns the result and the files moved.
    """
    from evalkit.study.tracing import READS_FILE, read_names

    folder = Path(task.cwd)
    if not result.ok:
        if result.partial and Path(result.partial).exists():
            target = language_dir / f".{task.chapter}.partial.ipynb"
            shutil.move(result.partial, target)
            return replace(result, partial=str(target)), []
        return result, []
    relpaths = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    clashes = [relpath for relpath in relpaths if (language_dir / relpath).exists()]
    if clashes:
        clash = f"another chapter already wrote {', '.join(clashes)}"
        return replace(result, status="failed", cell=None, error=clash), []
    if store_chapters:
        names = read_names(folder / READS_FILE) or {ReadDigests.INPUTS}
        recorded = digests.of(names)
        if all(value is not None for value in recorded.values()):
            try:
                cache.store_chapter(
                    store, f"{task.cache_key}/{key('reads', recorded)}", folder, relpaths, {"reads": recorded}
                )
            except OSError:
                pass  # a cache that cannot be written only costs time on the next run
    for relpath in relpaths:
        (language_dir / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder / relpath, language_dir / relpath)
    return result, relpaths


def execute_and_publish(
    plan: Plan,
    context: RunContext,
    checks: Sequence[PreRunCheck],
    jobs: int,
    timeout: float | None,
    output: _Output,
    reuse: bool = True,
    zygote: bool = True,
) -> bool:
    """Check, execute all chapters into the partial folder, and publish it if everything succeeded.

    Returns whether the published report is complete (every expected file
    made), i.e. whether it may be cached.
    """
    work_dir = publish.fresh_partial(plan.report_dir)
    total = len(plan.chapters) * len(plan.languages)
    output.say(
        f"Running {len(plan.chapters)} chapter(s) × {', '.join(plan.languages)} "
        f"({total} notebooks, {jobs} at a time) for {plan.study_dir.name}"
    )
    started = time.perf_counter()
    timings = Timings(context.cache, plan.study_dir.name)
    try:
        with Progress(output.console, timings, f"evalkit run {plan.study_dir.name}") as progress:
            execution = execute_run(
                plan,
                context,
                work_dir,
                jobs=jobs,
                timeout=timeout,
                progress=progress,
                checks=checks,
                warn=output.problem,
                reuse=reuse,
                zygote=zygote,
            )
    except BaseException:  # refused, interrupted or an I/O error: leave no partial folder behind
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    output.result.cached = list(execution.cached)
    output.result.executed = list(execution.executed)
    if execution.cached:
        output.say(f"{len(execution.cached)} of {total} chapter notebooks unchanged: taken from the cache")
    if not execution.ok:
        report_failure(plan, work_dir, execution, output)
        return False
    if manifest_module.hash_tree(plan.study_dir) != plan.inputs:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise RunError(
            f"the study {display_path(plan.study_dir)} changed while the run was going; nothing was published. "
            "Run again",
            exit_code=1,
        )
    for note in execution.notes:
        output.problem(
            f"PDF not made for {note}; the report is published without it and will not be served from the cache"
        )
    if not plan.pdf:
        output.say("PDF: not made (--no-pdf or Chromium not found)")
    for message in execution.product_messages:
        output.say(message)
    for message in execution.artefact_messages:
        output.say(message)
        output.result.warnings.extend(line for line in message.splitlines() if line.startswith("Warning: "))
    try:
        with publish.deferred_interrupt():
            publish_report(plan, work_dir, execution.checks)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    output.say(f"Report written to {display_path(plan.report_dir)} in {time.perf_counter() - started:.1f} s")
    return not execution.missing


# --------------------------------------------------------------------------- publish or report failure


def build_manifest(plan: Plan, output_dir: Path, checks: dict) -> dict:
    """Return the manifest of a finished run whose files are in ``output_dir``."""
    report_dir = plan.report_dir
    outputs = {
        relpath: digest
        for relpath, digest in manifest_module.hash_tree(output_dir).items()
        if relpath != manifest_module.MANIFEST_NAME
    }
    return {
        "format": manifest_module.MANIFEST_FORMAT,
        "run_key": plan.run_key,
        "study": {
            "name": plan.study_dir.name,
            "path": manifest_module.relative(plan.study_dir, report_dir),
            "identity": plan.identity,
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
        **({"chapter_parameters": plan.chapter_parameters} if plan.chapter_parameters else {}),
        **({"scratch": True} if plan.scratch else {}),
        **({"docx_template": docx_template_entry(plan)} if plan.docx_template else {}),
        "checks": checks,
        "artefacts": {artefact.name: artefact.filename for artefact in plan.artefacts},
        **plan.environment,
        "git": manifest_module.git_state(),
        "outputs": outputs,
        "pdf": sorted(
            {
                path.relative_to(output_dir).as_posix()
                for pattern in (
                    "*/*.pdf",
                    *(f"{p.folder_for(lang)}/*.pdf" for p in plan.products for lang in plan.languages),
                )
                for path in output_dir.glob(pattern)
            }
        ),
    }


def docx_template_entry(plan: Plan) -> dict:
    """The manifest's record of the Word template: its path from the report folder and its SHA-256."""
    return {
        "path": manifest_module.relative(plan.docx_template, plan.report_dir),
        "sha256": manifest_module.sha256_file(plan.docx_template),
    }


def publish_report(plan: Plan, work_dir: Path, checks: dict) -> None:
    """Write the manifest into the partial folder and swap it into place."""
    manifest_module.write_json_atomic(work_dir / manifest_module.MANIFEST_NAME, build_manifest(plan, work_dir, checks))
    publish.swap_into_place(work_dir, plan.report_dir)


def failure_message(failure: ChapterFailure) -> str:
    """Return the multi-line message for one failed notebook."""
    result = failure.result
    where = f"in cell {result.cell}" if result.cell else "before any cell finished"
    if result.execution_count:
        where += f" (In [{result.execution_count}])"
    lines = [
        f"{result.key} failed {where}: {result.error}",
        f"  notebook: {display_path(Path(failure.notebook))}",
    ]
    if result.partial:
        lines.append(f"  partial executed notebook: {display_path(Path(result.partial))}")
    return "\n".join(lines)


def report_failure(plan: Plan, work_dir: Path, execution: Execution, output: _Output) -> None:
    """Print what failed, keep partial notebooks in ``failed/``, drop the partial folder."""
    output.result.status = "failed"
    failures = publish.keep_failed(plan.report_dir, list(execution.failures))
    for failure in failures:
        output.say(failure_message(failure), style="red")
    for error in (*execution.product_errors, *execution.artefact_errors):
        output.say(error, style="red")
    output.result.failures = failures
    shutil.rmtree(work_dir, ignore_errors=True)
    has_previous = (plan.report_dir / manifest_module.MANIFEST_NAME).exists()
    output.problem(
        f"The previous report in {display_path(plan.report_dir)} was left unchanged."
        if has_previous
        else "No report was written."
    )

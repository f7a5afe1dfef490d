"""The build pipeline of ``evalkit run``: plan → check → execute → publish.

One function, :func:`run_study`, owns a run from start to end::

    plan      make_plan: resolve folders, hash inputs/notebooks/software, derive the run key
    lock      one run or audit per report folder at a time (publish.report_lock)
    cache     an unchanged run is served from the report folder or .evalkit-cache (cache)
    check     pre-run checks (checks.PRE_RUN_CHECKS): each may refuse the run
    execute   chapter notebooks in a worker pool (pool), each language's combined
              report and PDF as soon as its chapters are done; the report artefacts
              (artefacts.REPORT_ARTEFACTS) in a thread meanwhile
    publish   manifest, then the partial folder swapped into place (publish)

Extension points (see their modules):

1. **Pre-run checks** (:mod:`evalkit.report.checks`): run before any notebook
   executes; each can refuse the run with a message and an exit code, or be
   overridden by its command-line flag.
2. **Report artefacts** (:mod:`evalkit.report.artefacts`): tables computed
   once per run in the parent process, written atomically into the report
   folder and hashed in the manifest.

Layout of a finished report (``reports/<study>/``)::

    manifest.json            inputs, notebooks, parameters, versions, checks, output hashes
    findings.csv             (and every other report artefact)
    <language>/<chapter>.ipynb   executed notebook (normalised, byte-reproducible)
    <language>/<chapter>.html    one self-contained page per chapter
    <language>/report.html       all chapters with a table of contents
    <language>/report.pdf        the combined report printed by headless Chromium
    publication/<language>/publication.html   the publication: the report a county publishes
    publication/<language>/publication.pdf    (evalkit.publication.product), built in the parent
    failed/<language>/<chapter>.ipynb   only after a failed run: partial notebooks

The study folder is only read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, Chapter
from evalkit.paths import display_path
from evalkit.report import cache, publish
from evalkit.report import manifest as manifest_module
from evalkit.report.artefacts import (
    REPORT_ARTEFACTS,
    ReportArtefact,
    precomputed_analyses,
    published_warnings,
    write_artefact,
)
from evalkit.report.checks import PRE_RUN_CHECKS, PreRunCheck, overrides_still_given, run_checks
from evalkit.report.plan import Plan, RunContext, RunError, chapter_tasks, combine_task, make_plan, parse_languages
from evalkit.report.pool import run_tasks
from evalkit.terminal import safe_text

DEFAULT_JOBS = 2
CACHE_MESSAGE = "unchanged: served from cache"

__all__ = ["CACHE_MESSAGE", "DEFAULT_JOBS", "RunError", "RunResult", "run_study"]


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
    parameters: dict | None = None,
    scratch: bool = False,
    timeout: float | None = None,
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
    checks : sequence of PreRunCheck, optional
        Pre-run checks (default :data:`evalkit.report.checks.PRE_RUN_CHECKS`);
        ``()`` runs none (the runner's tests, on fixture folders that are not studies).
    overrides : sequence of str, optional
        Names of the checks whose refusal is overridden (``evalkit run --allow-...``).
    artefacts : sequence of ReportArtefact, optional
        Report artefacts (default :data:`evalkit.report.artefacts.REPORT_ARTEFACTS`).
    parameters : dict, optional
        Chapter notebook parameters (``evalkit run -p NAME VALUE``): each name must be a
        parameter of a selected notebook; text is converted to the type of its default.
        Implies ``scratch``.
    scratch : bool, optional
        Write to ``reports/.scratch/<study>-<digest>/`` instead of the published report
        folder (``evalkit run --chapter`` / ``-p``); the published report is never touched.
    timeout : float, optional
        Seconds a single cell may take (default: no limit).
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
        docx_template=docx_template,
    )
    cache_dir = Path(cache_dir or paths.CACHE_DIR)
    context = RunContext(plan, frozenset(overrides), store=analysis_store(cache_dir))
    result = RunResult("ran", plan.report_dir)
    output = _Output(result, console, error_console)
    with publish.report_lock(plan.report_dir):
        publish.recover_interrupted_swap(plan.report_dir)
        if plan.scratch:
            output.say(f"Scratch report (the published report is not changed): {display_path(plan.report_dir)}")
        if not force and serve_from_cache(plan, context, cache_dir, output):
            result.status = "cached"
            return result
        # after the cache: unchanged inputs passed the checks when the cached report was made
        outcomes = run_checks(PRE_RUN_CHECKS if checks is None else checks, context, warn=output.problem)
        complete = execute_and_publish(plan, context, outcomes, jobs, timeout, output, cache_dir, reuse=not force)
        if complete:
            cache.store(plan.report_dir, cache_dir, plan.report_dir.name, plan.run_key)
    return result


def analysis_store(cache_dir: Path) -> Path:
    """The run's analysis store: ``$EVALKIT_ANALYSIS_STORE`` if set, else ``<cache>/analyses``."""
    from evalkit.report import store

    return Path(os.environ.get(store.STORE_ENV) or Path(cache_dir) / "analyses")


def serve_from_cache(plan: Plan, context: RunContext, cache_dir: Path, output: _Output) -> bool:
    """Serve an unchanged run from the report folder or the cache; return whether it was served."""
    if cache.report_is_current(plan.report_dir, plan.run_key, plan.expected_pdfs):
        if not overrides_still_given(manifest_module.read_manifest(plan.report_dir).get("checks"), context.overrides):
            return False
        refresh_git_state(plan.report_dir)
        publish.clear_failed(plan.report_dir)
        output.say(f"{CACHE_MESSAGE} ({display_path(plan.report_dir)})")
        say_published_warnings(context, plan.report_dir, output)
        return True
    stored = cache.cached_copy(cache_dir, plan.report_dir.name, plan.run_key, plan.expected_pdfs)
    if stored is None or not overrides_still_given(
        manifest_module.read_manifest(stored).get("checks"), context.overrides
    ):
        return False
    staging = publish.fresh_partial(plan.report_dir)
    shutil.rmtree(staging)
    shutil.copytree(stored, staging)
    publish.swap_into_place(staging, plan.report_dir)
    refresh_git_state(plan.report_dir)
    output.say(f"{CACHE_MESSAGE} (restored {display_path(plan.report_dir)} from {display_path(stored)})")
    say_published_warnings(context, plan.report_dir, output)
    return True


def say_published_warnings(context: RunContext, report_dir: Path, output: _Output) -> None:
    """Print again the warnings the served report's artefacts give (e.g. low coder agreement)."""
    for warning in published_warnings(context, report_dir):
        output.say(warning)


def refresh_git_state(report_dir: Path) -> None:
    """Update the manifest's git commit/dirty flag if they changed since the report was made."""
    manifest = manifest_module.read_manifest(report_dir)
    git = manifest_module.git_state()
    if manifest.get("git") != git:
        manifest["git"] = git
        manifest_module.write_json_atomic(report_dir / manifest_module.MANIFEST_NAME, manifest)


# --------------------------------------------------------------------------- execute


@dataclass
class Execution:
    """What the execute stage produced in a work folder.

    Attributes
    ----------
    results : list of dict
        One result per task (chapters and combined reports), completion order.
    failures : list of dict
        The failed ones, with ``notebook`` (the chapter's source) added.
    artefact_messages, artefact_errors : list of str
        One line per written (or failed) report artefact.
    missing_pdfs : list of str
        ``"<language>: <reason>"`` for each expected PDF that was not made.
    cached : list of str
        The chapters (``"<id> [<language>]"``) copied from the chapter cache instead of executed.
    """

    results: list
    failures: list
    artefact_messages: list
    artefact_errors: list
    missing_pdfs: list
    cached: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.artefact_errors


def execute_run(
    plan: Plan,
    context: RunContext,
    work_dir: Path,
    jobs: int,
    timeout: float | None,
    console,
    environment: dict | None = None,
    cache_dir: Path | None = None,
    reuse: bool = True,
) -> Execution:
    """Execute every chapter of ``plan`` into ``work_dir`` (plus combined reports, PDFs, artefacts).

    Used by ``evalkit run`` (into the partial folder) and ``evalkit audit``
    (into a scratch sibling); nothing is published here. With ``cache_dir``, a
    chapter whose key (:func:`evalkit.report.plan.chapter_key`) is cached is
    copied from the cache instead of executed, and each executed chapter is
    cached; the audit passes none and executes everything, and so does
    ``--force`` (``reuse=False``: executed chapters are still cached).
    """
    for language in plan.languages:
        (work_dir / language).mkdir(parents=True, exist_ok=True)
    chapters_dir = work_dir.parent / f"{work_dir.name}-chapters"
    shutil.rmtree(chapters_dir, ignore_errors=True)
    sources_dir = Path(tempfile.mkdtemp(prefix="evalkit-sources-"))
    try:
        artefacts = ArtefactThread(plan.artefacts, context, work_dir)
        publication = publication_step(plan, context, work_dir)
        tasks = chapter_tasks(plan, chapters_dir, sources_dir, timeout=timeout)
        restored = {}
        if cache_dir is not None and reuse:
            for task in tasks:
                entry = cache.chapter_entry(cache_dir, task["cache_key"])
                if entry is not None:
                    cache.restore_chapter(entry, work_dir / task["language"])
                    restored[task["key"]] = task
        for task in tasks:
            if task["key"] not in restored:
                Path(task["cwd"]).mkdir(parents=True)
        results, task_by_key = execute_tasks(
            plan,
            work_dir,
            [t for t in tasks if t["key"] not in restored],
            restored,
            jobs,
            console,
            environment,
            cache_dir,
        )
        artefact_outcome = artefacts.join()
        made = publication.join() if publication is not None else None
    finally:
        shutil.rmtree(sources_dir, ignore_errors=True)
        shutil.rmtree(chapters_dir, ignore_errors=True)
    failures = [
        {**r, "notebook": task_by_key.get(r["key"], {}).get("source", r["key"])} for r in results if r["status"] != "ok"
    ]
    missing_pdfs = [
        f"{r['language']}: {r.get('pdf_message') or 'not made'}"
        for r in results
        if r.get("combine") and r["status"] == "ok" and plan.pdf and not r.get("pdf")
    ]
    if made is not None:  # the publication: its messages, errors and missing PDFs count like the artefacts'
        artefact_outcome["messages"] += made.messages
        artefact_outcome["errors"] += made.errors
        missing_pdfs += made.missing
    execution = Execution(results, failures, artefact_outcome["messages"], artefact_outcome["errors"], missing_pdfs)
    execution.cached = sorted(restored)
    return execution


def execute_and_publish(
    plan: Plan,
    context: RunContext,
    checks: dict,
    jobs: int,
    timeout: float | None,
    output: _Output,
    cache_dir: Path | None = None,
    reuse: bool = True,
) -> bool:
    """Execute all chapters into the partial folder; publish it if every chapter succeeded.

    Returns whether the published report is complete (every expected PDF made),
    i.e. whether it may be cached.
    """
    work_dir = publish.fresh_partial(plan.report_dir)
    output.say(
        f"Running {len(plan.chapters)} chapter(s) × {', '.join(plan.languages)} "
        f"({len(plan.chapters) * len(plan.languages)} notebooks, {jobs} at a time) for {plan.study_dir.name}"
    )
    started = time.perf_counter()
    try:
        from evalkit.report.store import STORE_ENV

        environment = {STORE_ENV: str(context.store)} if context.store else {}
        execution = execute_run(
            plan, context, work_dir, jobs, timeout, output.console, environment, cache_dir, reuse=reuse
        )
    except BaseException:  # interrupted or an I/O error: leave no partial folder behind
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    if execution.cached:
        output.say(
            f"{len(execution.cached)} of {len(plan.chapters) * len(plan.languages)} chapter notebooks unchanged: taken from the cache"
        )
    if not execution.ok:
        report_failure(plan, work_dir, execution.failures, execution.artefact_errors, output)
        return False
    for missing in execution.missing_pdfs:
        output.problem(
            f"PDF not made for {missing}; the report is published without it and will not be served from the cache"
        )
    if not plan.pdf:
        output.say("PDF: not made (--no-pdf or Chromium not found)")
    for message in execution.artefact_messages:
        output.say(message)
    try:
        publish_report(plan, work_dir, checks)
    except BaseException:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    output.say(f"Report written to {display_path(plan.report_dir)} in {time.perf_counter() - started:.1f} s")
    return not execution.missing_pdfs


def execute_tasks(
    plan: Plan,
    work_dir: Path,
    tasks: list,
    restored: dict,
    jobs: int,
    console,
    environment: dict | None = None,
    cache_dir: Path | None = None,
) -> tuple[list, dict]:
    """Run the chapter tasks and, as soon as a language's chapters are all there, its combined report.

    ``restored`` are the chapter tasks served from the chapter cache. Each
    executed chapter's files are moved from its own folder into the language
    folder (and cached) as soon as it finishes.
    """
    task_by_key = {task["key"]: task for task in [*tasks, *restored.values()]}
    remaining = {language: sum(1 for t in tasks if t["language"] == language) for language in plan.languages}
    failed_languages: set[str] = set()

    def combine(language: str) -> dict:
        task = combine_task(plan, work_dir, language)
        task_by_key[task["key"]] = task
        return task

    def follow_up(done: dict) -> list[dict]:
        task = task_by_key.get(done["key"], {})
        done.setdefault("language", task.get("language"))
        done.setdefault("chapter", task.get("chapter"))
        done["combine"] = bool(task.get("combine"))
        language = done["language"]
        if done["combine"] or language is None:
            return []
        remaining[language] -= 1
        collect_chapter(task, done, work_dir / language, cache_dir)
        if done["status"] != "ok":
            failed_languages.add(language)
        if remaining[language] == 0 and language not in failed_languages:
            return [combine(language)]
        return []

    ready = [combine(language) for language in plan.languages if remaining[language] == 0]
    results = run_tasks([*tasks, *ready], jobs, console, follow_up=follow_up, environment=environment)
    return results, task_by_key


def collect_chapter(task: dict, done: dict, language_dir: Path, cache_dir: Path | None) -> None:
    """Move what a finished chapter wrote in its own folder into the language folder (and into the cache).

    A failed chapter's partial notebook is moved next to the language folder's
    files (hidden), where :func:`evalkit.report.publish.keep_failed` finds it.
    """
    folder = Path(task["cwd"])
    if done["status"] != "ok":
        partial = done.get("partial")
        if partial and Path(partial).exists():
            target = language_dir / f".{task['chapter']}.partial.ipynb"
            shutil.move(partial, target)
            done["partial"] = str(target)
        return
    relpaths = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    clashes = [relpath for relpath in relpaths if (language_dir / relpath).exists()]
    if clashes:
        done.update(status="failed", cell=None, error=f"another chapter already wrote {', '.join(clashes)}")
        return
    if cache_dir is not None:
        try:
            cache.store_chapter(cache_dir, task["cache_key"], folder, relpaths)
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run
    for relpath in relpaths:
        (language_dir / relpath).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(folder / relpath, language_dir / relpath)


def publication_step(plan: Plan, context: RunContext, work_dir: Path):
    """Start the publication (:mod:`evalkit.publication.product`) beside the notebooks; None when not made.

    Not made for a scratch run (``--chapter``/``-p``: the notebooks' parameters do
    not change it) nor for a folder without a study descriptor (the runner's
    fixture folders).
    """
    from evalkit.publication.product import PublicationThread

    if plan.scratch or not (plan.study_dir / paths.STUDY_DESCRIPTOR).is_file():
        return None
    return PublicationThread(plan, context, work_dir)


class ArtefactThread:
    """Compute the report artefacts, then warm the shared analyses, in a thread while the notebooks run.

    The shared analyses (:func:`evalkit.report.artefacts.precomputed_analyses`)
    go into the run's analysis store; a notebook that needs one before it is
    there waits for it (the store's lock) instead of computing it again. A
    failing warm-up is not an error here: the notebook that needs the analysis
    computes it and reports any error itself.
    """

    def __init__(self, artefacts: Sequence[ReportArtefact], context: RunContext, folder: Path):
        self.artefacts, self.context, self.folder = tuple(artefacts), context, folder
        self.outcome: dict = {"messages": [], "errors": []}
        self.thread = threading.Thread(target=self._run, name="evalkit-artefacts", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for artefact in self.artefacts:
            try:
                self.outcome["messages"].append(write_artefact(artefact, self.context, self.folder))
            except Exception as error:  # reported as a failed run, with the cause
                self.outcome["errors"].append(f"{artefact.filename} failed: {type(error).__name__}: {error}")
        for function in precomputed_analyses():
            try:
                self.context.shared(function)
            except Exception:  # noqa: S112 - the notebook that needs it reports the error
                continue

    def join(self) -> dict:
        self.thread.join()
        return self.outcome


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
        "pdf": sorted(path.relative_to(output_dir).as_posix() for path in output_dir.glob("*/*.pdf")),
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


def failure_message(failure: dict) -> str:
    """Return the multi-line message for one failed notebook."""
    where = f"in cell {failure['cell']}" if failure.get("cell") else "before any cell finished"
    if failure.get("execution_count"):
        where += f" (In [{failure['execution_count']}])"
    lines = [
        f"{failure['key']} failed {where}: {failure['error']}",
        f"  notebook: {display_path(Path(failure['notebook']))}",
    ]
    if failure.get("partial"):
        lines.append(f"  partial executed notebook: {display_path(Path(failure['partial']))}")
    return "\n".join(lines)


def report_failure(plan: Plan, work_dir: Path, failures: list, artefact_errors: list, output: _Output) -> None:
    """Print what failed, keep partial notebooks in ``failed/``, drop the partial folder."""
    output.result.status = "failed"
    publish.keep_failed(plan.report_dir, [f for f in failures if not f.get("combine")])
    for failure in failures:
        text = (
            failure_message(failure)
            if not failure.get("combine")
            else f"{failure['key']} failed: {failure.get('error')}"
        )
        output.say(text, style="red")
    for error in artefact_errors:
        output.say(error, style="red")
    output.result.failures = failures
    shutil.rmtree(work_dir, ignore_errors=True)
    has_previous = (plan.report_dir / manifest_module.MANIFEST_NAME).exists()
    output.problem(
        f"The previous report in {display_path(plan.report_dir)} was left unchanged."
        if has_previous
        else "No report was written."
    )

"""``evalkit audit reports/<study>``: is the report intact, and does it still reproduce?

The audit trusts nothing in the report folder except as data to compare with:

1. ``manifest.json`` must be a JSON object matching
   ``evalkit/schema/manifest.schema.json``; otherwise the audit stops with
   the problems listed (exit 2).
2. Every published output (executed notebooks, HTML, CSV tables, figures,
   ``findings.csv``, PDF) must still have the SHA-256 the manifest records;
   each changed, missing or unexpected file is named.
3. The study's input files are compared with their recorded SHA-256.
4. Code is never taken from the report folder: each chapter's notebook is the
   project's own notebook for the chapter id, and it must have the recorded
   SHA-256. Parameter names must be the notebook's own parameters and the
   values of the right type (the run parameters must be exactly what
   ``evalkit run`` passes). Anything else is refused before any execution.
5. The report is re-executed with the recorded parameters into a temporary
   sibling folder (with a fresh analysis store, no cache) and every output is
   compared with the recorded hash; for a notebook, the differing cells are
   shown with a diff. Memory addresses such as ``0x7f3a…`` are masked.

Every difference says *what* changed (:mod:`evalkit.report.diffs`): for a
CSV table the rows, columns and both values, for a page the changed text. A
published file that was changed is compared with the file as it was made
when the content store still holds it (verified against the manifest's hash).
The audit stops as soon as its verdict cannot change: a changed output or
input is found before anything is executed, or a re-executed chapter differs;
``--full`` re-executes everything and lists every difference.

Exit status 0 when everything matches, 1 on any difference, 2 when the
manifest or the report folder cannot be audited.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, RUN_PARAMETERS, Chapter, ParameterError, check_parameter, declared_parameters
from evalkit.report import manifest as manifest_module
from evalkit.report.diffs import describe_change
from evalkit.terminal import safe_text

AUDIT_SUFFIX = ".audit"
COMPARED_MIME = ("text/plain", "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")
MAX_DIFF_LINES = 12
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


class AuditError(RuntimeError):
    """The report folder cannot be audited (no or malformed manifest); the message says why."""


@dataclass
class Difference:
    """One output that differs (a notebook cell, a file) or a notebook that could not be compared."""

    key: str
    cell: int | None
    message: str
    diff: list = field(default_factory=list)

    def describe(self) -> str:
        where = f" cell {self.cell}" if self.cell is not None else ""
        lines = [f"{self.key}{where}: {self.message}"]
        lines.extend(f"    {line}" for line in self.diff)
        return "\n".join(lines)


@dataclass
class AuditResult:
    """What :func:`audit_report` found.

    Attributes
    ----------
    tampered : list of str
        Published outputs whose bytes no longer match the manifest (``changed: en/report.html``).
    changed_inputs : list of str
        Study input files changed, added or removed since the report.
    refused : list of str
        Why (part of) the report was not re-executed: a notebook that is not
        the project's, a parameter that is not the notebook's own.
    differences : list of Difference
        Outputs that the re-execution did not reproduce.
    notes : list of str
        Context (software versions that differ, PDF not re-made without Chromium).
    """

    report_dir: Path
    tampered: list = field(default_factory=list)
    changed_inputs: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    differences: list = field(default_factory=list)
    chapters: int = 0
    notebooks: int = 0

    @property
    def ok(self) -> bool:
        return not (self.tampered or self.changed_inputs or self.refused or self.differences)


# --------------------------------------------------------------------------- comparison


def _mask(text: str) -> str:
    return _ADDRESS.sub("0x…", _ANSI.sub("", text))


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_lines(output) -> list[str]:
    """Return the comparable, normalised text of one cell output as lines."""
    kind = output.get("output_type")
    if kind == "stream":
        return [f"[{output.get('name', 'stream')}]", *_mask(_text(output.get("text", ""))).splitlines()]
    if kind == "error":
        return [f"[error] {output.get('ename')}: {_mask(_text(output.get('evalue', '')))}"]
    lines: list[str] = []
    data = output.get("data", {})
    for mime in COMPARED_MIME:
        if mime not in data:
            continue
        value = _text(data[mime])
        if mime in ("image/png", "image/jpeg"):
            lines.append(f"[{mime}] sha256 {manifest_module.sha256_text(value.strip())[:16]}")
        elif mime == "image/svg+xml":
            lines.extend(svg_lines(value))
        else:
            lines.append(f"[{mime}]")
            lines.extend(_mask(value).splitlines())
    return lines


def svg_lines(svg: str) -> list[str]:
    """Summarise an SVG figure: its digest, then its text labels (a readable diff, not path data)."""
    labels = [label.strip() for label in _SVG_TEXT.findall(svg) if label.strip()]
    return [
        f"[image/svg+xml] sha256 {manifest_module.sha256_text(svg)[:16]}",
        *(f"  text: {label}" for label in labels),
    ]


def cell_lines(cell) -> list[str]:
    """Return the normalised outputs of a cell (empty for markdown and raw cells)."""
    lines: list[str] = []
    for output in cell.get("outputs", []):
        lines.extend(output_lines(output))
    return lines


def _injected(cell) -> bool:
    return "injected-parameters" in cell.get("metadata", {}).get("tags", [])


def compare_notebooks(key: str, stored, fresh) -> list[Difference]:
    """Compare two executed notebooks cell by cell; return the differing cells.

    Cells are numbered as in the source notebook (the injected parameters
    cell is not counted), starting at 1.
    """
    stored_cells = [c for c in stored.cells if not _injected(c)]
    fresh_cells = [c for c in fresh.cells if not _injected(c)]
    differences = []
    if len(stored_cells) != len(fresh_cells):
        differences.append(
            Difference(key, None, f"cell count differs ({len(stored_cells)} stored, {len(fresh_cells)} now)")
        )
    for number, (old, new) in enumerate(zip(stored_cells, fresh_cells), start=1):
        if old.get("source") != new.get("source"):
            differences.append(Difference(key, number, "source differs (the notebook changed since the report)"))
            continue
        old_lines, new_lines = cell_lines(old), cell_lines(new)
        if old_lines != new_lines:
            diff = list(difflib.unified_diff(old_lines, new_lines, "stored", "now", n=1, lineterm=""))
            if len(diff) > MAX_DIFF_LINES:
                diff = diff[:MAX_DIFF_LINES] + [f"… ({len(diff) - MAX_DIFF_LINES} more diff lines)"]
            differences.append(Difference(key, number, "output differs", diff))
    return differences


# --------------------------------------------------------------------------- checks before executing anything


def verify_outputs(manifest: dict, report_dir: Path, store=None) -> list[str]:
    """Return a line per published output whose bytes differ from the manifest, is missing, or is unexpected.

    A changed file is followed by what changed in it (indented lines) when
    ``store`` (a :class:`~evalkit.cache.ContentStore`) still holds the report as
    it was made.
    """
    recorded = manifest["outputs"]
    current = manifest_module.hash_tree(report_dir)
    current.pop(manifest_module.MANIFEST_NAME, None)
    current = {k: v for k, v in current.items() if not k.startswith("failed/")}
    lines = []
    for name in sorted(recorded):
        if name in current and current[name] != recorded[name]:
            lines.append(f"changed: {name}")
            original = original_output(store, manifest, name)
            if original is not None:
                lines.extend(
                    f"    {line}" for line in describe_change(name, original, (report_dir / name).read_bytes())
                )
    lines += [f"missing: {name}" for name in sorted(set(recorded) - set(current))]
    lines += [f"unexpected: {name}" for name in sorted(set(current) - set(recorded))]
    return lines


def original_output(store, manifest: dict, relpath: str) -> bytes | None:
    """The bytes of ``relpath`` as the report was made, from the content store (None if it no longer has them)."""
    if store is None:
        return None
    from evalkit.cache import sha256_bytes
    from evalkit.report.cache import report_record

    record = report_record(store, manifest.get("run_key", ""))
    if record is None or record.files.get(relpath) is None:
        return None
    data = store.read(record, relpath)
    if data is None or sha256_bytes(data) != manifest["outputs"].get(relpath):
        return None
    return data


def input_changes(manifest: dict, report_dir: Path) -> tuple[Path, list[str]]:
    """Return the study folder and a line per changed, added or removed input file."""
    study_dir = (report_dir / manifest["study"]["path"]).resolve()
    if not study_dir.is_dir():
        return study_dir, [f"study folder missing: {study_dir}"]
    recorded = manifest["study"]["files"]
    current = manifest_module.hash_tree(study_dir)
    lines = [f"changed: {name}" for name in sorted(recorded) if name in current and current[name] != recorded[name]]
    lines += [f"removed: {name}" for name in sorted(set(recorded) - set(current))]
    lines += [f"added:   {name}" for name in sorted(set(current) - set(recorded))]
    return study_dir, lines


def project_chapters(manifest: dict, chapters, notebooks_dir: Path) -> tuple[list[Chapter], list[str]]:
    """Return the project's chapters the manifest names, and why any of them may not be executed.

    The notebook is always the project's own for the chapter id (the
    manifest's ``notebook`` path is ignored) and must have the recorded SHA-256.
    """
    known = {chapter.id: chapter for chapter in chapters}
    selected, refused = [], []
    for entry in manifest["chapters"]:
        chapter = known.get(entry["id"])
        if chapter is None:
            refused.append(f"chapter {entry['id']!r} is not a chapter of this project ({', '.join(known)})")
            continue
        path = chapter.notebook_path(notebooks_dir)
        if not path.is_file():
            refused.append(f"{chapter.id}: the project has no notebook {paths.display_path(path)}")
        elif manifest_module.sha256_file(path) != entry["sha256"]:
            refused.append(
                f"{chapter.id}: the project's notebook {paths.display_path(path)} is not the one that made the "
                "report (its SHA-256 differs from the manifest); check out the commit the manifest names"
            )
        else:
            selected.append(chapter)
    return selected, refused


def parameter_problems(manifest: dict, report_dir: Path, study_dir: Path, chapters, notebooks_dir: Path) -> list[str]:
    """Return a line per parameter that is not the notebooks' own or not what ``evalkit run`` passes."""
    from evalkit.report.plan import language_parameters

    problems = []
    declared = {c.id: declared_parameters(c.notebook_path(notebooks_dir)) for c in chapters}
    for language in manifest["languages"]:
        given = manifest["parameters"].get(language)
        if given is None:
            problems.append(f"parameters[{language}]: missing")
            continue
        reveal = given.get("reveal_names", False)
        expected = language_parameters(study_dir, report_dir, language, reveal if isinstance(reveal, bool) else False)
        for name, value in given.items():
            if name not in RUN_PARAMETERS:
                problems.append(f"parameters[{language}]: {name!r} is not a parameter evalkit run sets")
            elif name != "reveal_names" and value != expected[name]:
                problems.append(f"parameters[{language}].{name}: {value!r}, but evalkit run passes {expected[name]!r}")
            for chapter_id, names in declared.items():
                try:
                    check_parameter(name, value, names)
                except ParameterError as error:
                    problems.append(f"parameters[{language}] for {chapter_id}: {error}")
        problems += [f"parameters[{language}]: {name!r} missing" for name in sorted(set(expected) - set(given))]
    for chapter_id, extra in manifest.get("chapter_parameters", {}).items():
        names = declared.get(chapter_id)
        if names is None:
            problems.append(f"chapter_parameters: {chapter_id!r} is not a chapter of the report")
            continue
        for name, value in extra.items():
            if name in RUN_PARAMETERS:
                problems.append(f"chapter_parameters[{chapter_id}]: {name!r} is set by evalkit run itself")
                continue
            try:
                check_parameter(name, value, names)
            except ParameterError as error:
                problems.append(f"chapter_parameters[{chapter_id}]: {error}")
    return problems


def environment_notes(manifest: dict) -> list[str]:
    """Return notes on software that differs from the manifest (context for differences)."""
    notes = []
    now = manifest_module.environment()
    if now["evalkit_source_sha256"] != manifest.get("evalkit_source_sha256"):
        notes.append("evalkit source differs from the one that made the report")
    if now["python_version"] != manifest.get("python_version"):
        notes.append(f"Python {now['python_version']} now, {manifest.get('python_version')} in the report")
    from evalkit.environment import package_differences

    notes.extend(package_differences(manifest.get("packages", {}), now["packages"]))
    return notes


# --------------------------------------------------------------------------- re-execution


def audit_plan(manifest: dict, report_dir: Path, study_dir: Path, chapters, notebooks_dir: Path, artefacts=None):
    """Build the pipeline's plan from a checked manifest (only project notebooks, checked parameters).

    The parameters are rebuilt the way ``evalkit run`` builds them (same
    order, so the injected cell is the same); :func:`parameter_problems` has
    checked that the manifest's equal them.
    """
    from evalkit.report.artefacts import REPORT_ARTEFACTS
    from evalkit.report.pdf import find_chromium
    from evalkit.report.plan import Plan, language_parameters
    from evalkit.report.products import LANGUAGE_PRODUCTS

    artefacts = {a.name: a for a in (REPORT_ARTEFACTS if artefacts is None else artefacts)}
    reveal = manifest["parameters"][manifest["languages"][0]].get("reveal_names", False) is True
    chromium = find_chromium() if manifest["pdf"] else None
    from evalkit.report.plan import study_identity

    plan = Plan(
        study_dir=study_dir,
        report_dir=report_dir,
        languages=tuple(manifest["languages"]),
        chapters=tuple(chapters),
        notebooks_dir=notebooks_dir,
        reveal_names=reveal,
        pdf=chromium is not None,
        chromium=chromium,
        docx_template=recorded_template(manifest, report_dir),
        artefacts=tuple(artefacts[name] for name in manifest["artefacts"] if name in artefacts),
        parameters={lang: language_parameters(study_dir, report_dir, lang, reveal) for lang in manifest["languages"]},
        chapter_parameters={k: dict(sorted(v.items())) for k, v in manifest.get("chapter_parameters", {}).items()},
        inputs=manifest["study"]["files"],
        notebooks={entry["id"]: entry["sha256"] for entry in manifest["chapters"]},
        environment={},
        products=tuple(LANGUAGE_PRODUCTS),
        identity=study_identity(study_dir),
        scratch=manifest.get("scratch") is True,
    )
    return replace(plan, products=tuple(product for product in plan.products if product.applies(plan)))


def recorded_template(manifest: dict, report_dir: Path) -> Path | None:
    """The Word template the report was made with (``docx_template`` in the manifest), where it still is."""
    entry = manifest.get("docx_template")
    if not isinstance(entry, dict):
        return None
    path = (Path(report_dir) / entry["path"]).resolve()
    return path if path.is_file() else None


def template_notes(manifest: dict, report_dir: Path) -> list[str]:
    """A note when the report's Word template is gone or changed (its .docx cannot come back the same)."""
    entry = manifest.get("docx_template")
    if not isinstance(entry, dict):
        return []
    path = recorded_template(manifest, report_dir)
    if path is None:
        return [f"the Word template {entry['path']} is not there any more: the .docx is re-made without it"]
    if manifest_module.sha256_file(path) != entry["sha256"]:
        return [f"the Word template {entry['path']} has changed since the report was made"]
    return []


def compare_outputs(
    manifest: dict, report_dir: Path, fresh_dir: Path, plan, complete: bool = True
) -> tuple[list[Difference], list[str]]:
    """Compare every re-made output with the manifest's hash; return differences and notes.

    With ``complete=False`` (the re-execution stopped early) only what was re-made is compared.
    """
    import nbformat

    differences, notes = [], []
    recorded = manifest["outputs"]
    fresh = manifest_module.hash_tree(fresh_dir)
    unknown = set(manifest["artefacts"]) - {a.name for a in plan.artefacts}
    for name in sorted(unknown):
        differences.append(Difference(name, None, "artefact not known to this evalkit; it was not re-made"))
    for relpath in sorted(recorded):
        if relpath.endswith(".pdf") and not plan.pdf:
            notes.append(f"{relpath} not re-made (Chromium not found); its stored hash was checked")
            continue
        if relpath not in fresh:
            if complete:
                differences.append(Difference(relpath, None, "not re-made by the re-execution"))
        elif fresh[relpath] != recorded[relpath]:
            stored = report_dir / relpath
            if relpath.endswith(".ipynb") and stored.is_file():
                language, name = relpath.split("/", 1) if "/" in relpath else ("", relpath)
                cells = compare_notebooks(
                    f"{Path(name).stem} [{language}]",
                    nbformat.read(stored, as_version=4),
                    nbformat.read(fresh_dir / relpath, as_version=4),
                )
                differences.extend(cells or [Difference(relpath, None, "output differs (notebook metadata)")])
            else:
                said = (
                    describe_change(relpath, stored.read_bytes(), (fresh_dir / relpath).read_bytes())
                    if stored.is_file() and manifest_module.sha256_file(stored) == recorded[relpath]
                    else []
                )
                differences.append(Difference(relpath, None, "output differs from the recorded SHA-256", said))
    for relpath in sorted(set(fresh) - set(recorded)):
        differences.append(Difference(relpath, None, "made by the re-execution but not in the report"))
    return differences, notes


def reexecute(plan, report_dir: Path, jobs: int, console, manifest: dict, full: bool = False):
    """Execute ``plan`` into ``.<study>.audit`` with a fresh analysis store.

    Without ``full``, the re-execution stops at the first chapter whose notebook
    differs from the recorded one (the verdict cannot change after it).

    Returns
    -------
    (list of Difference, pathlib.Path, bool)
        Failures, the folder, and whether every chapter was re-executed.
    """
    from evalkit.cache import ContentStore
    from evalkit.report import publish
    from evalkit.report.pipeline import execute_run
    from evalkit.report.plan import RunContext
    from evalkit.report.progress import Progress
    from evalkit.report.store import STORE_ENV

    work_dir = publish.sibling(report_dir, AUDIT_SUFFIX)
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    recorded = manifest["outputs"]

    def differs(result, language_dir: Path) -> bool:
        made = language_dir / f"{result.chapter}.ipynb"
        return made.is_file() and manifest_module.sha256_file(made) != recorded.get(f"{result.language}/{made.name}")

    store = tempfile.mkdtemp(prefix="evalkit-audit-store-")
    try:
        context = RunContext(plan, store=Path(store), cache=ContentStore())
        with Progress(console, title=f"evalkit audit {report_dir.name}") as progress:
            execution = execute_run(
                plan,
                context,
                work_dir,
                jobs=jobs,
                timeout=None,
                progress=progress,
                environment={STORE_ENV: store},
                reuse=False,
                store_chapters=False,
                stop_when=None if full else differs,
            )
    finally:
        shutil.rmtree(store, ignore_errors=True)
    failures = [
        Difference(failure.key, failure.result.cell, f"re-execution failed: {failure.result.error}")
        for failure in execution.failures
    ]
    failures += [Difference("artefacts", None, error) for error in execution.artefact_errors]
    failures += [Difference("products", None, error) for error in execution.product_errors]
    return failures, work_dir, not execution.stopped


# --------------------------------------------------------------------------- the audit


def audit_report(
    report_dir: Path | str,
    jobs: int = 2,
    console=None,
    chapters=CHAPTERS,
    notebooks_dir: Path | str | None = None,
    artefacts=None,
    full: bool = False,
) -> AuditResult:
    """Check a report's outputs against its manifest, then re-execute it and compare every output.

    Parameters
    ----------
    report_dir : path
        A folder written by ``evalkit run`` (``reports/<study>``).
    jobs : int, optional
        Notebooks executed at the same time.
    console : rich.console.Console, optional
        Where messages go.
    chapters : sequence of Chapter, optional
        The project's chapters (tests pass fixture chapters).
    notebooks_dir : path, optional
        The project's notebooks (default ``notebooks/``): the only code the audit executes.
    artefacts : sequence of ReportArtefact, optional
        The report artefacts to re-make (default :data:`evalkit.report.artefacts.REPORT_ARTEFACTS`).
    full : bool, optional
        Re-execute everything and list every difference, even when the verdict is already known.

    Returns
    -------
    AuditResult
        ``ok`` is False on any difference, changed input or output, or refusal.

    Raises
    ------
    AuditError
        No manifest, or one that is not a JSON object matching the manifest schema.
    """
    from rich.console import Console

    from evalkit.report import publish

    console = console or Console(highlight=False)

    def say(text, style=None):
        console.print(safe_text(text), style=style, markup=False, highlight=False, soft_wrap=True)

    report_dir = Path(report_dir).resolve()
    notebooks_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    try:
        manifest = manifest_module.load_manifest(report_dir)
    except (FileNotFoundError, manifest_module.ManifestError) as error:
        raise AuditError(str(error)) from None
    result = AuditResult(report_dir)

    from evalkit.cache import ContentStore

    lines = verify_outputs(manifest, report_dir, ContentStore())
    result.tampered = [line for line in lines if not line.startswith(" ")]
    say(f"Outputs: {len(manifest['outputs'])} files recorded")
    for line in lines:
        say(f"  output {line}" if not line.startswith(" ") else f"  {line}", "red")
    if not result.tampered:
        say("  every published output matches its recorded SHA-256")

    study_dir, result.changed_inputs = input_changes(manifest, report_dir)
    say(f"Study {study_dir.name}: {len(manifest['study']['files'])} input files recorded")
    for line in result.changed_inputs:
        say(f"  input {line}", "yellow")
    if not result.changed_inputs:
        say("  all input files match their recorded SHA-256")

    selected, result.refused = project_chapters(manifest, chapters, notebooks_dir)
    result.refused += parameter_problems(manifest, report_dir, study_dir, selected, notebooks_dir)
    result.notes = environment_notes(manifest) + template_notes(manifest, report_dir)
    for note in result.notes:
        say(f"  note: {note}", "yellow")
    for line in result.refused:
        say(f"  refused: {line}", "red")
    result.chapters = len(selected)
    result.notebooks = len(selected) * len(manifest["languages"])

    if result.refused or not study_dir.is_dir():
        say("Nothing was re-executed: only the project's own notebooks run, with their own parameters.", "red")
    elif (result.tampered or result.changed_inputs) and not full:
        say(
            "Nothing was re-executed: the verdict (differences) is already certain. "
            "`evalkit audit --full` re-executes every chapter and lists every difference.",
            "yellow",
        )
    else:
        plan = audit_plan(manifest, report_dir, study_dir, selected, notebooks_dir, artefacts)
        with publish.report_lock(report_dir):
            say(
                f"Re-executing {result.notebooks} notebooks ({result.chapters} chapters × "
                f"{', '.join(manifest['languages'])})"
            )
            failures, work_dir, complete = reexecute(plan, report_dir, jobs, console, manifest, full)
            try:
                differences, notes = compare_outputs(manifest, report_dir, work_dir, plan, complete)
            finally:
                shutil.rmtree(work_dir, ignore_errors=True)
            if not complete:
                notes.append(
                    "stopped at the first chapter that differs (the verdict cannot change); "
                    "`evalkit audit --full` re-executes the rest"
                )
        result.differences = failures + differences
        result.notes += notes
        for note in notes:
            say(f"  note: {note}", "yellow")

    for difference in result.differences:
        say(difference.describe(), "red")
    if result.ok:
        say(
            f"No differences: all {result.chapters} chapters reproduce the stored outputs "
            f"({result.notebooks} notebooks, {', '.join(manifest['languages'])}), and every output is intact.",
            "green",
        )
    else:
        cells = sum(1 for d in result.differences if d.cell is not None)
        say(
            f"Differences found: {len(result.tampered)} published output(s) changed, {cells} cell(s) and "
            f"{sum(1 for d in result.differences if d.cell is None)} file(s) differ on re-execution, "
            f"{len(result.changed_inputs)} input file(s) changed, {len(result.refused)} refusal(s).",
            "red",
        )
    return result


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit audit``."""
    parser.add_argument("report", type=Path, help="report folder written by `evalkit run` (reports/<study>)")
    parser.add_argument(
        "--jobs", "-j", type=int, default=2, metavar="N", help="notebooks executed in parallel (default: 2)"
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="re-execute every chapter and list every difference, even when the verdict is already certain",
    )


def cli_audit(args: argparse.Namespace) -> int:
    """Run ``evalkit audit``; 0 when everything reproduces, 1 on differences, 2 when it cannot audit."""
    from rich.console import Console

    from evalkit.report.plan import RunError

    console = Console(highlight=False)
    errors = Console(highlight=False, stderr=True)
    try:
        result = audit_report(args.report, jobs=max(1, args.jobs), console=console, full=getattr(args, "full", False))
    except KeyboardInterrupt:
        errors.print("evalkit audit: interrupted; the report folder was not changed", style="red", markup=False)
        return 130
    except (AuditError, RunError) as error:
        errors.print(safe_text(f"evalkit audit: {error}"), style="red", markup=False, soft_wrap=True)
        return 2
    except OSError as error:
        errors.print(
            safe_text(f"evalkit audit: {error.strerror or error}: {error.filename or ''}"), style="red", markup=False
        )
        return 2
    return 0 if result.ok else 1

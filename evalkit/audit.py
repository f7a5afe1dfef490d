"""``evalkit audit reports/<study>``: does the stored report still reproduce?

The audit reads ``manifest.json``, checks the study's input files against the
recorded SHA-256 (naming every changed, added or removed file), notes
changed notebooks or software versions, re-executes every chapter with the
manifest's parameters into a temporary sibling folder and compares the
outputs with the stored executed notebooks cell by cell. Outputs are
compared after normalisation: ``text/plain``, ``text/html``,
``text/markdown``, ``image/svg+xml`` (PNG by digest), stream text and
errors; memory addresses such as ``0x7f3a…`` are masked. Exit status 1 when
anything differs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from evalkit.chapters import Chapter
from evalkit.report import manifest as manifest_module
from evalkit.report.execute import materialise_notebook
from evalkit.terminal import safe_text

AUDIT_SUFFIX = ".audit"
COMPARED_MIME = ("text/plain", "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg")
MAX_DIFF_LINES = 12
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


@dataclass
class Difference:
    """One cell whose outputs differ (or a notebook that could not be compared)."""

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
    """What :func:`audit_report` found."""

    report_dir: Path
    changed_inputs: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    differences: list = field(default_factory=list)
    chapters: int = 0
    notebooks: int = 0

    @property
    def ok(self) -> bool:
        return not self.changed_inputs and not self.differences


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


# --------------------------------------------------------------------------- manifest checks


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


def environment_notes(manifest: dict, report_dir: Path) -> list[str]:
    """Return notes on notebooks and software that differ from the manifest (context for differences)."""
    notes = []
    for entry in manifest["chapters"]:
        path = (report_dir / entry["notebook"]).resolve()
        if not path.is_file():
            notes.append(f"notebook missing: {path}")
        elif manifest_module.sha256_file(path) != entry["sha256"]:
            notes.append(f"notebook changed since the report: {entry['id']}")
    now = manifest_module.environment()
    if now["evalkit_source_sha256"] != manifest.get("evalkit_source_sha256"):
        notes.append("evalkit source differs from the one that made the report")
    if now["python_version"] != manifest.get("python_version"):
        notes.append(f"Python {now['python_version']} now, {manifest.get('python_version')} in the report")
    for name, version in sorted(manifest.get("packages", {}).items()):
        if now["packages"].get(name, version) != version:
            notes.append(f"{name} {now['packages'].get(name)} now, {version} in the report")
    return notes


# --------------------------------------------------------------------------- the audit


def audit_report(report_dir: Path | str, jobs: int = 2, console=None) -> AuditResult:
    """Re-execute a report from its manifest and compare with the stored notebooks.

    Parameters
    ----------
    report_dir : path
        A folder written by ``evalkit run`` (``reports/<study>``).
    jobs : int, optional
        Notebooks executed at the same time.
    console : rich.console.Console, optional
        Where messages go.

    Returns
    -------
    AuditResult
        ``ok`` is False when an input file changed or any cell differs.
    """
    import nbformat
    from rich.console import Console

    from evalkit.report import publish
    from evalkit.report.pool import run_tasks

    console = console or Console(highlight=False)

    def say(text, style=None):
        console.print(safe_text(text), style=style, markup=False, highlight=False, soft_wrap=True)

    report_dir = Path(report_dir).resolve()
    manifest = manifest_module.read_manifest(report_dir)
    result = AuditResult(report_dir)
    study_dir, result.changed_inputs = input_changes(manifest, report_dir)
    say(f"Study {study_dir.name}: {len(manifest['study']['files'])} input files recorded")
    for line in result.changed_inputs:
        say(f"  input {line}", "yellow")
    if not result.changed_inputs:
        say("  all input files match their recorded SHA-256")
    result.notes = environment_notes(manifest, report_dir)
    for note in result.notes:
        say(f"  note: {note}", "yellow")

    chapters = [Chapter(e["id"], e["title_sv"], e["title_en"]) for e in manifest["chapters"]]
    work_dir = publish.sibling(report_dir, AUDIT_SUFFIX)
    shutil.rmtree(work_dir, ignore_errors=True)
    notebooks = {
        e["id"]: str(materialise_notebook((report_dir / e["notebook"]).resolve(), work_dir / "sources"))
        for e in manifest["chapters"]
    }
    tasks = []
    for language in manifest["languages"]:
        for chapter in chapters:
            tasks.append(
                {
                    "key": f"{chapter.id} [{language}]",
                    "chapter": chapter.id,
                    "language": language,
                    "notebook": notebooks[chapter.id],
                    "output": str(work_dir / language / chapter.notebook),
                    "cwd": str(work_dir / language),
                    "parameters": manifest["parameters"][language],
                    "timeout": None,
                }
            )
    result.chapters, result.notebooks = len(chapters), len(tasks)
    with publish.report_lock(report_dir):
        for language in manifest["languages"]:
            (work_dir / language).mkdir(parents=True)
        try:
            say(f"Re-executing {len(tasks)} notebooks ({len(chapters)} chapters × {', '.join(manifest['languages'])})")
            outcomes = {r["key"]: r for r in run_tasks(tasks, jobs, console)}
            for task in tasks:
                result.differences.extend(_compare_task(task, outcomes[task["key"]], report_dir, nbformat))
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)

    for difference in result.differences:
        say(difference.describe(), "red")
    if result.ok:
        say(
            f"No differences: all {result.chapters} chapters reproduce the stored outputs "
            f"({result.notebooks} notebooks, {', '.join(manifest['languages'])}).",
            "green",
        )
    else:
        cells = sum(1 for d in result.differences if d.cell is not None)
        say(f"Differences found: {cells} cell(s) differ, {len(result.changed_inputs)} input file(s) changed.", "red")
    return result


def _compare_task(task: dict, outcome: dict, report_dir: Path, nbformat) -> list[Difference]:
    """Compare one re-executed notebook with the stored one."""
    key = task["key"]
    stored_path = report_dir / task["language"] / Path(task["output"]).name
    if outcome["status"] != "ok":
        where = outcome.get("cell")
        return [Difference(key, where, f"re-execution failed: {outcome.get('error')}")]
    if not stored_path.is_file():
        return [Difference(key, None, f"stored notebook missing: {stored_path}")]
    stored = nbformat.read(stored_path, as_version=4)
    fresh = nbformat.read(task["output"], as_version=4)
    return compare_notebooks(key, stored, fresh)


# --------------------------------------------------------------------------- command line


def configure_parser(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``evalkit audit``."""
    parser.add_argument("report", type=Path, help="report folder written by `evalkit run` (reports/<study>)")
    parser.add_argument(
        "--jobs", "-j", type=int, default=2, metavar="N", help="notebooks executed in parallel (default: 2)"
    )


def cli_audit(args: argparse.Namespace) -> int:
    """Run ``evalkit audit``; 0 when everything reproduces, 1 on differences, 2 on unusable input."""
    from rich.console import Console

    from evalkit.report.plan import RunError

    console = Console(highlight=False)
    try:
        result = audit_report(args.report, jobs=max(1, args.jobs), console=console)
    except (FileNotFoundError, KeyError, ValueError, RunError) as error:
        console.print(safe_text(f"evalkit audit: {error}"), style="red", markup=False)
        return 2
    return 0 if result.ok else 1

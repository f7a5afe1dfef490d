"""Generate the per-language notebooks and the nbval references from the bilingual sources.

``notebooks/<id>.py`` (jupytext percent format) is the one source of each
chapter: code and both languages' prose, cells tagged ``lang-sv`` / ``lang-en``.
From it this module makes, for each language,

``notebooks/<language>/<id>.ipynb``
    the notebook a student opens: one language's prose, ``language`` set to it,
    executed on the shipped study so the results show at once;
``tests/references/<language>/<id>.ipynb``
    the same executed notebook, kept apart as the reference ``pytest --nbval``
    re-executes and compares cell by cell (a notebook saved in JupyterLab
    never touches it).

::

    python -m evalkit.refresh          # regenerate and execute every chapter in both languages
    python -m evalkit.refresh --check  # report generated notebooks out of step with their source

After an intended change to a notebook source, the analysis or the default
study, run it, review the diff, and commit the sources and the generated
notebooks together (the pre-commit hook runs ``--check``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from evalkit import paths
from evalkit.chapters import CHAPTERS, LANGUAGES, Chapter

if TYPE_CHECKING:
    from evalkit.report.tasks import TaskResult

REFERENCES_DIR = paths.PROJECT_ROOT / "tests" / "references"
_LANGUAGE_DEFAULT = re.compile(r'^(language\s*(?::\s*\w+)?\s*=\s*)"[a-z]{2}"', re.M)


def text_twin(chapter: Chapter, notebooks_dir: Path) -> Path:
    """Return the bilingual jupytext source ``notebooks/<id>.py`` of a chapter."""
    return Path(notebooks_dir) / f"{chapter.id}.py"


def student_notebook(chapter: Chapter, language: str, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> Path:
    """Return ``notebooks/<language>/<id>.ipynb``, the notebook a student opens."""
    return Path(notebooks_dir) / language / chapter.notebook


def reference_notebook(chapter: Chapter, language: str, references_dir: Path = REFERENCES_DIR) -> Path:
    """Return ``tests/references/<language>/<id>.ipynb``, the nbval reference."""
    return Path(references_dir) / language / chapter.notebook


def source_notebook(twin: Path):
    """Read a jupytext ``.py`` source as a notebook with stable cell ids and no outputs."""
    import jupytext

    nb = jupytext.read(twin)
    nb.metadata.pop("jupytext", None)  # the generated notebooks are not paired with the source
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    return nb


def language_notebook(twin: Path, language: str):
    """Return the one-language notebook made from a bilingual source.

    Cells tagged for the other language are dropped and the default of the
    ``language`` parameter is set to ``language``.
    """
    nb = source_notebook(twin)
    drop = {f"lang-{other}" for other in LANGUAGES if other != language}
    nb.cells = [c for c in nb.cells if drop.isdisjoint(c.get("metadata", {}).get("tags", []))]
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            cell["source"] = _LANGUAGE_DEFAULT.sub(rf'\1"{language}"', cell["source"])
    return nb


def cell_sources(nb) -> list[tuple[str, str, tuple]]:
    """Cell type, source and tags of every cell: what must agree between a generated notebook and its source."""
    return [(cell.cell_type, cell.source.strip(), tuple(cell.get("metadata", {}).get("tags", []))) for cell in nb.cells]


def out_of_step(
    chapters=CHAPTERS,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    references_dir: Path = REFERENCES_DIR,
) -> list[str]:
    """Return one line per generated notebook whose cells differ from its source (or that is missing)."""
    import nbformat

    stale = []
    for chapter in chapters:
        twin = text_twin(chapter, notebooks_dir)
        for language in LANGUAGES:
            expected = cell_sources(language_notebook(twin, language))
            for path in (
                student_notebook(chapter, language, notebooks_dir),
                reference_notebook(chapter, language, references_dir),
            ):
                if not path.exists() or cell_sources(nbformat.read(path, as_version=4)) != expected:
                    stale.append(f"{path}: not in step with {twin.name}")
    return stale


def refresh(
    chapters=CHAPTERS,
    notebooks_dir: Path = paths.NOTEBOOKS_DIR,
    references_dir: Path = REFERENCES_DIR,
    languages=LANGUAGES,
) -> list[TaskResult]:
    """Regenerate and execute every chapter in every language; write student notebooks and references.

    Returns
    -------
    list of dict
        One result per chapter and language (see
        :func:`evalkit.report.execute.execute_notebook`); a failed one leaves
        the stored notebooks untouched.
    """

    from evalkit.report.execute import execute_notebook, prepare_kernel_home, write_notebook_atomic
    from evalkit.report.tasks import ChapterTask
    from evalkit.safeio import write_bytes_atomic

    results = []
    with tempfile.TemporaryDirectory(prefix="evalkit-refresh-") as scratch:
        os.environ.update(prepare_kernel_home(Path(scratch) / "kernel"))
        for chapter in chapters:
            for language in languages:
                source = Path(scratch) / language / chapter.notebook
                source.parent.mkdir(parents=True, exist_ok=True)
                write_notebook_atomic(language_notebook(text_twin(chapter, notebooks_dir), language), source)
                executed = Path(scratch) / language / f"executed-{chapter.notebook}"
                reference = reference_notebook(chapter, language, references_dir)
                reference.parent.mkdir(parents=True, exist_ok=True)
                result = execute_notebook(
                    ChapterTask(
                        key=f"{chapter.id} [{language}]",
                        chapter=chapter.id,
                        language=language,
                        source=str(text_twin(chapter, notebooks_dir)),
                        notebook=str(source),
                        output=str(executed),
                        cwd=str(reference.parent),
                    )
                )
                if result.ok:
                    student = student_notebook(chapter, language, notebooks_dir)
                    student.parent.mkdir(parents=True, exist_ok=True)
                    write_bytes_atomic(student, executed.read_bytes())
                    write_bytes_atomic(reference, executed.read_bytes())
                results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evalkit.refresh", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report generated notebooks out of step")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_step()
        for line in stale:
            print(f"{line}; run python -m evalkit.refresh", file=sys.stderr)
        return 1 if stale else 0
    failed = 0
    for result in refresh():
        if result.ok:
            print(f"refreshed {result.key} ({result.seconds} s)")
        else:
            failed += 1
            print(f"FAILED {result.key}: cell {result.cell}: {result.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Refresh the reference outputs stored in ``notebooks/*.ipynb``.

``pytest --nbval`` re-executes the chapter notebooks and compares every cell's
output with the output stored in the ``.ipynb``. After an intended change to a
notebook, the analysis or the default study, regenerate the stored outputs::

    python -m evalkit.refresh          # rebuild and re-execute every chapter
    python -m evalkit.refresh --check  # only report notebooks out of step with their .py twin

The ``.py`` files (jupytext percent format) are the readable sources. Each
chapter notebook is rebuilt from its ``.py`` twin, executed with its default
parameters (the shipped study, English) in ``notebooks/``, normalised (no
timing metadata, stable cell ids) and written atomically. Review the diff, then
commit.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS, Chapter


def text_twin(chapter: Chapter, notebooks_dir: Path) -> Path:
    """Return the jupytext ``.py`` twin of a chapter notebook."""
    return Path(notebooks_dir) / f"{chapter.id}.py"


def source_notebook(twin: Path):
    """Read a jupytext ``.py`` twin as a notebook with stable cell ids and no outputs."""
    import jupytext

    nb = jupytext.read(twin)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
    return nb


def cell_sources(nb) -> list[tuple[str, str, tuple]]:
    """Cell type, source and tags of every cell: what must agree between a notebook and its twin."""
    return [(cell.cell_type, cell.source.strip(), tuple(cell.get("metadata", {}).get("tags", []))) for cell in nb.cells]


def out_of_step(chapters=CHAPTERS, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> list[str]:
    """Return the chapter ids whose ``.ipynb`` cells differ from their ``.py`` twin (or are missing)."""
    import nbformat

    stale = []
    for chapter in chapters:
        notebook = Path(notebooks_dir) / chapter.notebook
        if not notebook.exists():
            stale.append(chapter.id)
            continue
        stored = nbformat.read(notebook, as_version=4)
        if cell_sources(stored) != cell_sources(source_notebook(text_twin(chapter, notebooks_dir))):
            stale.append(chapter.id)
    return stale


def refresh(chapters=CHAPTERS, notebooks_dir: Path = paths.NOTEBOOKS_DIR) -> list[dict]:
    """Rebuild every chapter notebook from its twin and execute it in place.

    Returns
    -------
    list of dict
        One result per chapter (see :func:`evalkit.report.execute.execute_notebook`);
        a failed chapter leaves the stored notebook untouched.
    """
    from evalkit.report.execute import execute_notebook, prepare_kernel_home, write_notebook_atomic

    notebooks_dir = Path(notebooks_dir)
    results = []
    with tempfile.TemporaryDirectory(prefix="evalkit-refresh-") as scratch:
        os.environ.update(prepare_kernel_home(Path(scratch) / "kernel"))
        for chapter in chapters:
            source = Path(scratch) / chapter.notebook
            write_notebook_atomic(source_notebook(text_twin(chapter, notebooks_dir)), source)
            result = execute_notebook(
                {
                    "key": chapter.id,
                    "notebook": str(source),
                    "output": str(Path(scratch) / f"executed-{chapter.notebook}"),
                    "cwd": str(notebooks_dir),
                    "parameters": {},
                    "timeout": None,
                }
            )
            if result["status"] == "ok":
                os.replace(Path(scratch) / f"executed-{chapter.notebook}", notebooks_dir / chapter.notebook)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evalkit.refresh", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report notebooks out of step with their .py twin")
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_step()
        for chapter_id in stale:
            print(f"{chapter_id}: notebook differs from {chapter_id}.py; run python -m evalkit.refresh")
        return 1 if stale else 0
    failed = 0
    for result in refresh():
        if result["status"] == "ok":
            print(f"refreshed {result['key']} ({result['seconds']} s)")
        else:
            failed += 1
            print(f"FAILED {result['key']}: cell {result.get('cell')}: {result.get('error')}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark ``evalkit run`` against a one-process floor.

Measures, each as the median of ``--repeat`` runs, in a temporary folder
(reports, cache and analysis store included; ``reports/`` and
``.evalkit-cache/`` are never touched):

cold
    a full run (every chapter, ``--language`` languages, HTML and, unless
    ``--no-pdf``, PDF) in a fresh Python process with an empty cache.
cached
    the same run again, unchanged (served from the cache).
one chapter changed
    the same run after a change to one chapter's notebook source (a sentence
    appended to its last markdown cell): only that chapter is executed again
    (in every language); the benchmark prints how many notebooks ran.
one-process floor
    every chapter's code for every language exec'd one after another in ONE
    Python process: imports once, no kernels, no papermill, no HTML or PDF,
    each shared analysis computed once (an empty analysis store).

and prints cold / floor, cached / cold and the one-chapter figures.

Usage::

    .venv/bin/python benchmarks/bench_run.py                 # default study, sv and en, with PDF
    .venv/bin/python benchmarks/bench_run.py --repeat 3 --jobs 2 --no-pdf --json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evalkit import paths
from evalkit.chapters import CHAPTERS
from evalkit.report.plan import language_parameters, parse_languages

CHANGED_CHAPTER = "02_quality_areas"
DRIVER = """\
import sys
from pathlib import Path
from evalkit.report.pipeline import run_study
if __name__ == "__main__":
    result = run_study({study!r}, languages={language!r}, jobs={jobs}, pdf={pdf}, reports_root={reports!r},
                       notebooks_dir={notebooks!r}, cache_dir={cache!r})
    print("\\n".join(result.messages))
    sys.exit(0 if result.ok else 1)
"""
FLOOR = """\
import os, sys, time
started = time.perf_counter()
from IPython.display import display  # what the notebooks' display() falls back to outside a kernel
for cwd, name, code in {jobs!r}:
    os.chdir(cwd)
    exec(compile(code, name, "exec"), {{"__name__": "__main__", "display": display}})
"""


def timed(command: list[str], env: dict) -> tuple[float, str]:
    """Run ``command``; return its wall time and output; stop with its output when it fails."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return seconds, done.stdout


def floor_jobs(study: Path, notebooks: Path, languages, work: Path) -> list[tuple[str, str, str]]:
    """(working folder, name, code) for every chapter and language, parameters injected as papermill does."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from evalkit.report.execute import materialise_notebook

    report_dir = work / "floor" / study.name
    jobs = []
    for language in languages:
        cwd = report_dir / language
        cwd.mkdir(parents=True, exist_ok=True)
        parameters = language_parameters(study, report_dir, language, False)
        for chapter in CHAPTERS:
            source = materialise_notebook(notebooks / f"{chapter.id}.py", work / "sources")
            nb = parameterize_notebook(load_notebook_node(str(source)), parameters)
            code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
            jobs.append((str(cwd), f"{chapter.id} [{language}]", code))
    return jobs


def change_one_chapter(notebooks: Path) -> None:
    """Append a sentence to the last markdown cell of one chapter's source (its output is unchanged)."""
    source = notebooks / f"{CHANGED_CHAPTER}.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.rstrip("\n") + "\n# Benchmark: one changed sentence.\n", encoding="utf-8")


def executed_count(output: str, total: int) -> int:
    """How many chapter notebooks the run executed (the rest came from the chapter cache)."""
    match = re.search(r"(\d+) of (\d+) chapter notebooks unchanged", output)
    return total - int(match.group(1)) if match else total


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=paths.DEFAULT_STUDY_DIR)
    parser.add_argument("--language", default="sv,en")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the result as JSON as well")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    study = args.study.resolve()
    languages = parse_languages(args.language)
    work = Path(tempfile.mkdtemp(prefix="evalkit-bench-"))
    try:
        notebooks = work / "notebooks"
        notebooks.mkdir()
        for chapter in CHAPTERS:
            shutil.copy(paths.NOTEBOOKS_DIR / f"{chapter.id}.py", notebooks)
        pristine = {p.name: p.read_bytes() for p in notebooks.iterdir()}
        env = {**os.environ, "EVALKIT_CACHE_DIR": str(work / "cache"), "MPLBACKEND": "Agg"}
        env.pop("EVALKIT_ANALYSIS_STORE", None)
        driver = work / "driver.py"
        driver.write_text(
            DRIVER.format(
                study=str(study),
                language=args.language,
                jobs=args.jobs,
                pdf=not args.no_pdf,
                reports=str(work / "reports"),
                notebooks=str(notebooks),
                cache=str(work / "cache"),
            ),
            encoding="utf-8",
        )
        total = len(CHAPTERS) * len(languages)
        cold, cached, changed, executed, floor = [], [], [], [], []
        for _ in range(args.repeat):
            for name, data in pristine.items():
                (notebooks / name).write_bytes(data)
            shutil.rmtree(work / "reports", ignore_errors=True)
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold.append(timed([sys.executable, str(driver)], env)[0])
            cached.append(timed([sys.executable, str(driver)], env)[0])
            change_one_chapter(notebooks)
            seconds, output = timed([sys.executable, str(driver)], env)
            changed.append(seconds)
            executed.append(executed_count(output, total))
        for name, data in pristine.items():
            (notebooks / name).write_bytes(data)
        script = work / "floor.py"
        script.write_text(FLOOR.format(jobs=floor_jobs(study, notebooks, languages, work)), encoding="utf-8")
        for index in range(args.repeat):
            store = work / f"floor-store-{index}"
            floor_env = {**env, "EVALKIT_ANALYSIS_STORE": str(store)}
            floor.append(timed([sys.executable, str(script)], floor_env)[0])
        result = {
            name: round(statistics.median(values), 2)
            for name, values in (("cold", cold), ("cached", cached), ("one_chapter", changed), ("floor", floor))
        }
        result["one_chapter_executed"] = max(executed)
        print(
            f"evalkit run benchmark: {total} notebooks ({len(CHAPTERS)} chapters × {', '.join(languages)}), "
            f"--jobs {args.jobs}, {'no PDF' if args.no_pdf else 'HTML and PDF'}, median of {args.repeat}"
        )
        print(f"  cold run               {result['cold']:7.2f} s   {result['cold'] / result['floor']:5.2f} × floor")
        print(
            f"  unchanged re-run       {result['cached']:7.2f} s   {100 * result['cached'] / result['cold']:5.1f} % of cold"
        )
        print(
            f"  one chapter changed    {result['one_chapter']:7.2f} s   {100 * result['one_chapter'] / result['cold']:5.1f} % "
            f"of cold; notebooks executed: {result['one_chapter_executed']} of {total}"
        )
        print(f"  one-process floor      {result['floor']:7.2f} s   (every chapter × language exec'd in one process)")
        if args.json:
            print(json.dumps(result, sort_keys=True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
